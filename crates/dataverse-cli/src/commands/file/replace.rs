//! `dv file replace FILE PATH [metadata flags] [--no-ingest] [--force]`

use std::path::{Path, PathBuf};

use dataverse_client::api::upload::{UploadOptions, UploadSource};

use super::fields::FileFields;
use super::uploaded::UploadedFile;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, opt};
use crate::progress::Transfer;

/// `dv file replace`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID of the file to replace.
    pub id: String,
    /// The new content.
    pub path: PathBuf,
    /// The metadata of the new file.
    #[command(flatten)]
    pub fields: FileFields,
    /// Do not ingest a CSV/TSV as a table.
    #[arg(long)]
    pub no_ingest: bool,
    /// Replace even when the content type changes.
    #[arg(long)]
    pub force: bool,
}

/// Send the new content; print the new file.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args {
        id,
        path,
        fields,
        no_ingest,
        force,
    } = args;
    if !path.is_file() {
        return Err(CliError::Usage(format!("{} is not a file", path.display())));
    }
    let mut body = fields.body(None, no_ingest);
    if force {
        body.force_replace = Some(true);
    }
    let bar = Transfer::new(ctx.quiet);
    bar.set_message(display_name(&path));
    let options = UploadOptions::new().progress(bar.callback(0, 0));
    let r = ctx
        .api
        .replace_datafile_with(id.as_str(), UploadSource::path(&path), &body, options)
        .await;
    bar.finish();
    let entry = UploadedFile::of(&path, &r?);
    output::emit(ctx.output, &entry, || {
        output::line(&format!(
            "replaced {id} with {} -> file {} ({})",
            entry.path,
            opt(&entry.id),
            entry.label
        ))
    })
}

/// The file's name for the progress bar.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
