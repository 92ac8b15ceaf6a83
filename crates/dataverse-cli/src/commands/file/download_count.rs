//! `dv file download-count FILE`

use serde_json::json;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file download-count`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Print how many times the file was downloaded.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let n = ctx.api.get_file_download_count(args.id.as_str()).await?;
    let v = json!({ "file": args.id, "downloadCount": n });
    output::emit(ctx.output, &v, || output::line(&n.to_string()))
}
