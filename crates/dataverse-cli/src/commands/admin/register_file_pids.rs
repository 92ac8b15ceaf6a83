//! `dv admin register-file-pids [FILE]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv admin register-file-pids`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A file id or PID; without it, every published file without a PID.
    pub file: Option<String>,
}

/// Register, and print the server's message.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = match &args.file {
        Some(f) => ctx.api.register_datafile_pid(f.as_str()).await?,
        None => ctx.api.register_all_datafile_pids().await?,
    };
    output::message(ctx.output, &m)
}
