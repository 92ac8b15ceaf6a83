//! `dv dataset edit ID --json FILE [--replace]`

use std::path::PathBuf;

use dataverse_client::models::datasets::DatasetVersion;
use dataverse_client::models::metadata::EditMetadataBody;

use crate::context::Context;
use crate::error::CliResult;
use crate::input::read_body;
use crate::output::{self, opt};

/// `dv dataset edit`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// `{"fields": [...]}` or a single field object (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,
    /// Replace the named fields instead of adding to them.
    #[arg(long)]
    pub replace: bool,
}

/// Add to (or replace) the draft's metadata; print the draft.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let body: EditMetadataBody = read_body(&args.json, "metadata edit body")?;
    let v = ctx
        .api
        .edit_dataset_metadata(args.id.as_str(), &body, args.replace)
        .await?;
    output::emit(ctx.output, &v, || show_version(&v))
}

/// One version as key-value pairs.
fn show_version(v: &DatasetVersion) -> CliResult {
    output::pairs(vec![
        ("dataset id", opt(&v.dataset_id)),
        ("persistent id", opt(&v.dataset_persistent_id)),
        ("version", v.version_label()),
        ("state", opt(&v.version_state)),
        ("title", v.title().unwrap_or_default().to_string()),
        ("last update", opt(&v.last_update_time)),
    ])
}
