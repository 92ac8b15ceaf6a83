//! `dv collection guestbook-responses ID [--guestbook-id N]`: the guestbook responses of a
//! collection's datasets as Dataverse's CSV, to stdout or `-O FILE` (written whole).

use crate::context::Context;
use crate::error::CliResult;

/// `dv collection guestbook-responses`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Collection alias or numeric id.
    pub id: String,
    /// Only the responses to this guestbook.
    #[arg(long, value_name = "N")]
    pub guestbook_id: Option<u64>,
}

/// Fetch the CSV and write it.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let csv = ctx
        .api
        .get_collection_guestbook_responses(args.id.as_str(), args.guestbook_id)
        .await?;
    crate::output::write_out(ctx.out.as_deref(), csv.as_bytes())
}
