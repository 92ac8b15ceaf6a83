//! `dv dataset review submit|return`

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset review ...`
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Submit the draft for review.
    Submit {
        /// Numeric id or PID.
        id: String,
    },
    /// Return a dataset in review to its authors.
    Return {
        /// Numeric id or PID.
        id: String,
        /// Why (sent to the authors).
        #[arg(long)]
        reason: String,
    },
}

/// Run `dv dataset review ...`.
pub(crate) async fn execute(ctx: &Context, cmd: ReviewCommand) -> CliResult {
    let m = match cmd {
        ReviewCommand::Submit { id } => ctx.api.submit_dataset_for_review(id.as_str()).await?,
        ReviewCommand::Return { id, reason } => {
            ctx.api
                .return_dataset_to_author(id.as_str(), &reason)
                .await?
        }
    };
    output::emit(ctx.output, &m, || output::line(&m.message))
}
