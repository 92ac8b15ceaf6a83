//! `dv info server`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv info server` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Print the server's host name.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let s = ctx.api.get_info_server().await?;
    // JSON is the server's data: `{"message": "<hostname>"}`.
    output::message(ctx.output, &s.hostname)
}
