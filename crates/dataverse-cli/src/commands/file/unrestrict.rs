//! `dv file unrestrict FILE`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file unrestrict`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Make a restricted file public again in the draft.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let m = ctx
        .api
        .restrict_datafile(args.id.as_str(), false, None, None)
        .await?;
    output::message(ctx.output, &m)
}
