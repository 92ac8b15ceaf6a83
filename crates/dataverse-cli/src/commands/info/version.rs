//! `dv info version`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv info version` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Print the Dataverse version and build.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let v = ctx.api.get_info_version().await?;
    output::emit(ctx.output, &v, || {
        output::pairs(vec![("version", opt(&v.version)), ("build", opt(&v.build))])
    })
}
