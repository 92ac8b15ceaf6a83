//! `dv file delete FILE`

use serde_json::json;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file delete`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Delete a file from the draft; say whether it is gone entirely.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let id = args.id;
    let gone = ctx.api.delete_datafile(id.as_str()).await?;
    let v = json!({ "file": id, "deleted_entirely": gone });
    output::emit(ctx.output, &v, || {
        output::line(&if gone {
            format!("deleted file {id} (it was never published)")
        } else {
            format!("removed file {id} from the draft (published versions keep it)")
        })
    })
}
