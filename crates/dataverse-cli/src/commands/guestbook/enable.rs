//! `dv guestbook enable|disable COLLECTION ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv guestbook enable|disable`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection defining it (alias, numeric id or :root).
    pub collection: String,
    /// The guestbook's id.
    pub id: u64,
}

/// Turn a guestbook on or off.
pub(crate) async fn execute(ctx: &Context, args: Args, on: bool) -> CliResult {
    let message = ctx
        .api
        .enable_guestbook(args.collection.as_str(), args.id, on)
        .await?;
    output::message(ctx.output, &message)
}
