//! `dv file get FILE [--draft]`

use dataverse_client::models::files::FileMetadata;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv file get`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// The file's metadata in the draft (needs edit rights).
    #[arg(long)]
    pub draft: bool,
}

/// Show a file's metadata.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let f = ctx
        .api
        .get_datafile_metadata(args.id.as_str(), args.draft)
        .await?;
    output::emit(ctx.output, &f, || show_file(&f))
}

/// One file's metadata as key-value pairs (also after `dv file update`).
pub(super) fn show_file(f: &FileMetadata) -> CliResult {
    let df = &f.data_file;
    let mut rows = vec![
        ("id", opt(&df.id)),
        (
            "persistent id",
            df.persistent_id.clone().unwrap_or_default(),
        ),
        ("path", f.path()),
        ("description", f.description.clone().unwrap_or_default()),
        ("content type", opt(&df.content_type)),
        ("size", output::human_size(df.filesize)),
        (
            "checksum",
            df.checksum
                .as_ref()
                .map(|c| format!("{} {}", c.r#type, c.value))
                .unwrap_or_default(),
        ),
        ("restricted", output::yes(Some(f.restricted))),
        ("tabular", output::yes(Some(df.is_tabular()))),
    ];
    if df.is_tabular() {
        rows.push(("original name", opt(&df.original_file_name)));
        rows.push(("original format", opt(&df.original_file_format)));
        rows.push((
            "original size",
            df.original_file_size
                .map(output::human_size)
                .unwrap_or_default(),
        ));
    }
    if let Some(c) = &f.categories {
        rows.push(("categories", c.join(", ")));
    }
    rows.push(("created", opt(&df.creation_date)));
    output::pairs(rows)
}
