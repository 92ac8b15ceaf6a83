//! `dv dataset delete ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset delete`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
}

/// Delete the draft (a never-published dataset entirely).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx.api.delete_dataset(args.id.as_str()).await?;
    output::emit(ctx.output, &m, || output::line(&m.message))
}
