//! `dv collection roles ID`

use crate::commands::role::list;
use crate::context::Context;
use crate::error::CliResult;

/// `dv collection roles`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the roles available on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_dataverse_roles(args.id.as_str()).await?;
    list::print(ctx.output, &list)
}
