//! `dv guestbook update ID FILE.json`

use std::path::PathBuf;

use dataverse_client::models::guestbooks::Guestbook;

use crate::context::Context;
use crate::error::CliResult;
use crate::input;

/// `dv guestbook update`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The guestbook's id.
    pub id: u64,
    /// The whole guestbook as JSON (`-`: stdin), as `dv guestbook show -o json` prints it.
    pub file: PathBuf,
}

/// Replace a guestbook.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let gb: Guestbook = input::read_body(&args.file, "guestbook")?;
    let updated = ctx.api.update_guestbook(args.id, &gb).await?;
    super::print_one(ctx.output, &updated)
}
