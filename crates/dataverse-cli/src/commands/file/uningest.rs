//! `dv file uningest FILE`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file uningest`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Undo a file's tabular ingest.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx.api.uningest_datafile(args.id.as_str()).await?;
    output::message(ctx.output, &m)
}
