//! `dv dataset guestbook set|remove|at-request`

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
    /// When the guestbook is answered: at access request or at download. Without an
    /// option, show it; `--set` and `--reset` (superusers) choose for the dataset, or go back
    /// to the installation's default (`dv serve --guestbook-at-request`).
    AtRequest {
        /// Numeric id or PID.
        id: String,
        /// Answer the guestbook when access is requested (`true`) or at download (`false`).
        #[arg(long, value_name = "BOOL", conflicts_with = "reset")]
        set: Option<bool>,
        /// Use the installation's default again.
        #[arg(long)]
        reset: bool,
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
        GuestbookCommand::AtRequest { id, set, reset } => {
            if set.is_none() && !reset {
                let choice = ctx.api.get_guestbook_entry_at_request(id.as_str()).await?;
                return output::emit(ctx.output, &choice, || {
                    output::pairs(vec![
                        ("at request", choice.at_request.to_string()),
                        (
                            "chosen by",
                            if choice.set_on_dataset {
                                "the dataset"
                            } else {
                                "the installation's default"
                            }
                            .to_string(),
                        ),
                    ])
                });
            }
            ctx.api
                .set_guestbook_entry_at_request(id.as_str(), set)
                .await?
        }
    };
    output::message(ctx.output, &message)
}
