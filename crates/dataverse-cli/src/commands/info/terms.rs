//! `dv info terms`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv info terms` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Print the API terms of use.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let t = ctx.api.get_info_api_terms_of_use().await?;
    output::emit(ctx.output, &t, || output::line(&t.message))
}
