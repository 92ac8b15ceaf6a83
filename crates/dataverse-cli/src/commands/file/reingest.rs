//! `dv file reingest FILE`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file reingest`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Ingest a file as a table again.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx.api.reingest_datafile(args.id.as_str()).await?;
    output::message(ctx.output, &m)
}
