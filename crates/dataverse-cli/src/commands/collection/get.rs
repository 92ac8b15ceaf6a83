//! `dv collection get ID`

use super::display::show;
use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection get`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// Show a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let c = ctx.api.get_collection(args.id.as_str()).await?;
    output::emit(ctx.output, &c, || show(&c))
}
