//! `dv file restrict FILE [--terms TEXT] [--access-request BOOL]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file restrict`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// Set the dataset's terms of access at the same time.
    #[arg(long, value_name = "TEXT")]
    pub terms: Option<String>,
    /// Allow (true) or forbid (false) access requests on the dataset at the same time.
    #[arg(long, value_name = "BOOL")]
    pub access_request: Option<bool>,
}

/// Restrict a file in the draft.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx
        .api
        .restrict_datafile(
            args.id.as_str(),
            true,
            args.access_request,
            args.terms.as_deref(),
        )
        .await?;
    output::message(ctx.output, &m)
}
