//! `dv dataset guestbook set|remove`

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset guestbook ...`
#[derive(Debug, Subcommand)]
pub enum GuestbookCommand {
    /// Make downloads of the dataset ask a guestbook its collection (or one above it)
    /// offers, enabled.
    Set {
        /// Numeric id or PID.
        id: String,
        /// The guestbook's id (see `dv guestbook list --inherited`).
        guestbook: u64,
    },
    /// Stop asking a guestbook.
    Remove {
        /// Numeric id or PID.
        id: String,
    },
}

/// Run `dv dataset guestbook ...`.
pub(crate) async fn execute(ctx: &Context, cmd: GuestbookCommand) -> CliResult {
    let message = match cmd {
        GuestbookCommand::Set { id, guestbook } => {
            ctx.api
                .set_dataset_guestbook(id.as_str(), guestbook)
                .await?
        }
        GuestbookCommand::Remove { id } => ctx.api.remove_dataset_guestbook(id.as_str()).await?,
    };
    output::message(ctx.output, &message)
}
