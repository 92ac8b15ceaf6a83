//! `dv collection publish ID`

use super::display::show;
use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection publish`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// Publish a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let c = ctx.api.publish_collection(args.id.as_str()).await?;
    output::emit(ctx.output, &c, || show(&c))
}
