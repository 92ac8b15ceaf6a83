//! `dv file redetect FILE [--dry-run]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv file redetect`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// Only show what would change.
    #[arg(long)]
    pub dry_run: bool,
}

/// Detect the content type again: old -> new.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let r = ctx
        .api
        .redetect_file_type(args.id.as_str(), args.dry_run)
        .await?;
    output::emit(ctx.output, &r, || {
        output::line(&format!(
            "{} -> {}{}",
            opt(&r.old_content_type),
            opt(&r.new_content_type),
            if r.dry_run {
                " (dry run: nothing changed)"
            } else {
                ""
            }
        ))
    })
}
