//! `dv guestbook show ID`

use crate::context::Context;
use crate::error::CliResult;

/// `dv guestbook show`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The guestbook's id.
    pub id: u64,
}

/// Show a guestbook.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let gb = ctx.api.get_guestbook(args.id).await?;
    super::print_one(ctx.output, &gb)
}
