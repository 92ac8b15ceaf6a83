//! `dv collection delete ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection delete`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// Delete an empty, unpublished collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx.api.delete_collection(args.id.as_str()).await?;
    output::emit(ctx.output, &m, || output::line(&m.message))
}
