//! `dv role delete ID|ALIAS`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv role delete`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The role's numeric id or its alias.
    pub role: String,
}

/// Delete a role.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx.api.delete_role(args.role.as_str()).await?;
    output::message(ctx.output, &m)
}
