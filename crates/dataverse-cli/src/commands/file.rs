//! `dv file get|update|upload|replace|delete|restrict|unrestrict|redetect|reingest|uningest|
//! download`, and the files table of `dv dataset files`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use clap::{Args, Subcommand};
use dataverse_client::api::access::{
    DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions, DownloadReport, Verification,
};
use dataverse_client::api::upload::{
    UploadDirectoryOptions, UploadOptions, UploadReport, UploadSource,
};
use dataverse_client::checksum::ChecksumAlgorithm;
use dataverse_client::models::files::{Checksum, FileMetadata, UploadBody};
use dataverse_client::{DATAFILES_COLUMNS, DatafileRow, Version, datafiles_rows};
use futures_util::{StreamExt, stream};
use serde::Serialize;
use serde_json::json;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::dataset::write_atomically;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, opt};
use crate::progress::Transfer;

/// `dv file ...` (FILE: a numeric file id or a file PID such as `doi:10.5072/FK2/ABC/X1`).
#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Show a file's metadata (latest version the caller may see, or the draft).
    Get {
        /// File id or PID.
        id: String,
        /// The file's metadata in the draft (needs edit rights).
        #[arg(long)]
        draft: bool,
    },
    /// Change a file's metadata in the draft (only what is given).
    Update {
        /// File id or PID.
        id: String,
        /// New file name.
        #[arg(long)]
        label: Option<String>,
        /// The metadata.
        #[command(flatten)]
        fields: FileFields,
    },
    /// Upload files and directories to a dataset. A directory goes up with its relative
    /// folders as directory labels; files already there with the same path and checksum
    /// are skipped, changed ones replaced. Exits 1 when any file failed.
    Upload(UploadArgs),
    /// Replace a file with new content (give its metadata again: nothing carries over).
    Replace {
        /// File id or PID of the file to replace.
        id: String,
        /// The new content.
        path: PathBuf,
        /// The metadata of the new file.
        #[command(flatten)]
        fields: FileFields,
        /// Do not ingest a CSV/TSV as a table.
        #[arg(long)]
        no_ingest: bool,
        /// Replace even when the content type changes.
        #[arg(long)]
        force: bool,
    },
    /// Delete a file from the draft (a never-published file is gone entirely).
    Delete {
        /// File id or PID.
        id: String,
    },
    /// Restrict a file in the draft (the dataset needs terms of access or access requests).
    Restrict {
        /// File id or PID.
        id: String,
        /// Set the dataset's terms of access at the same time.
        #[arg(long, value_name = "TEXT")]
        terms: Option<String>,
        /// Allow (true) or forbid (false) access requests on the dataset at the same time.
        #[arg(long, value_name = "BOOL")]
        access_request: Option<bool>,
    },
    /// Make a restricted file public again in the draft.
    Unrestrict {
        /// File id or PID.
        id: String,
    },
    /// Detect a file's content type again.
    Redetect {
        /// File id or PID.
        id: String,
        /// Only show what would change.
        #[arg(long)]
        dry_run: bool,
    },
    /// Ingest a file as a table again (superusers).
    Reingest {
        /// File id or PID.
        id: String,
    },
    /// Undo a file's tabular ingest, back to the uploaded original.
    Uningest {
        /// File id or PID.
        id: String,
    },
    /// Download files (checked against the server's checksum; resumes interrupted
    /// transfers): `-o FILE` for one file, `-o DIR` for several or a dataset (default: the
    /// current directory, under the server's names).
    #[command(disable_version_flag = true)]
    Download(DownloadArgs),
}

/// Metadata flags of `update`, `upload` and `replace`.
#[derive(Debug, Args, Clone, Default)]
pub struct FileFields {
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Folder inside the dataset (`a/b`).
    #[arg(long, value_name = "DIR")]
    pub directory: Option<String>,
    /// A category (Documentation, Data, Code, ...); repeat for several.
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// Restrict the file.
    #[arg(long)]
    pub restrict: bool,
}

impl FileFields {
    fn body(&self, label: Option<String>, no_ingest: bool) -> UploadBody {
        UploadBody {
            description: self.description.clone(),
            directory_label: self.directory.clone(),
            categories: (!self.categories.is_empty()).then(|| self.categories.clone()),
            restrict: self.restrict.then_some(true),
            tab_ingest: no_ingest.then_some(false),
            label,
            ..Default::default()
        }
    }
}

/// `dv file upload`
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The dataset: numeric id or PID.
    pub dataset: String,
    /// Files and directories to upload.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The metadata of every file.
    #[command(flatten)]
    pub fields: FileFields,
    /// Do not ingest CSV/TSV files as tables.
    #[arg(long)]
    pub no_ingest: bool,
    /// Files sent at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// The server's checksum algorithm (MD5, SHA-1, SHA-256, SHA-512), if not MD5. Without
    /// it the first file sent to such a server is read a second time to be verified.
    #[arg(long, value_name = "ALG", value_parser = parse_checksum)]
    pub checksum: Option<ChecksumAlgorithm>,
}

fn parse_checksum(s: &str) -> Result<ChecksumAlgorithm, String> {
    ChecksumAlgorithm::parse(s)
        .ok_or_else(|| format!("unknown checksum algorithm '{s}' (MD5, SHA-1, SHA-256, SHA-512)"))
}

/// `dv file download`
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// File ids or PIDs.
    #[arg(
        value_name = "FILE",
        required_unless_present = "dataset",
        conflicts_with = "dataset"
    )]
    pub ids: Vec<String>,
    /// Download a whole dataset (numeric id or PID), file by file into its folders.
    #[arg(long, value_name = "ID")]
    pub dataset: Option<String>,
    /// With --dataset: the version (:latest, :latest-published, :draft, N or N.M).
    #[arg(long, value_name = "V", requires = "dataset")]
    pub version: Option<String>,
    /// With --dataset: one zip built by the server instead of file by file.
    #[arg(long, requires = "dataset")]
    pub zip: bool,
    /// The file as uploaded, not its ingested tab-separated form.
    #[arg(long)]
    pub original: bool,
    /// Start again from zero instead of resuming a `.part` file of an earlier run.
    #[arg(long)]
    pub no_resume: bool,
    /// Do not flush files to the disk before renaming them into place: faster, but a crash
    /// soon after may leave a file empty or cut short.
    #[arg(long)]
    pub no_sync: bool,
    /// Files downloaded at once (--dataset).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
}

/// Run `dv file ...`.
pub async fn run(cmd: FileCommand, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let api = &ctx.api;
    match cmd {
        FileCommand::Get { id, draft } => {
            let f = api.get_datafile_metadata(id.as_str(), draft).await?;
            output::emit(ctx.output, &f, || show_file(&f))
        }
        FileCommand::Update { id, label, fields } => {
            let body = fields.body(label, false);
            if body == UploadBody::default() {
                return Err(CliError::Usage(
                    "nothing to change: give --label, --description, --directory, --category or --restrict".into(),
                ));
            }
            let m = api.update_datafile_metadata(id.as_str(), &body).await?;
            output::emit(ctx.output, &m, || {
                output::pairs(vec![
                    ("id", opt(&m.id)),
                    ("label", opt(&m.label)),
                    ("directory", opt(&m.directory_label)),
                    ("description", opt(&m.description)),
                    ("restricted", output::yes(m.restricted)),
                    (
                        "categories",
                        m.categories.clone().unwrap_or_default().join(", "),
                    ),
                ])
            })
        }
        FileCommand::Upload(args) => upload(args, ctx, global).await,
        FileCommand::Replace {
            id,
            path,
            fields,
            no_ingest,
            force,
        } => {
            if !path.is_file() {
                return Err(CliError::Usage(format!("{} is not a file", path.display())));
            }
            let mut body = fields.body(None, no_ingest);
            if force {
                body.force_replace = Some(true);
            }
            let bar = Transfer::new(global.quiet);
            bar.set_message(display_name(&path));
            let options = UploadOptions::new().progress(bar.callback(0, 0));
            let r = api
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
        FileCommand::Delete { id } => {
            let gone = api.delete_datafile(id.as_str()).await?;
            let v = json!({ "file": id, "deleted_entirely": gone });
            output::emit(ctx.output, &v, || {
                output::line(&if gone {
                    format!("deleted file {id} (it was never published)")
                } else {
                    format!("removed file {id} from the draft (published versions keep it)")
                })
            })
        }
        FileCommand::Restrict {
            id,
            terms,
            access_request,
        } => {
            let m = api
                .restrict_datafile(id.as_str(), true, access_request, terms.as_deref())
                .await?;
            message(ctx, &m)
        }
        FileCommand::Unrestrict { id } => {
            let m = api
                .restrict_datafile(id.as_str(), false, None, None)
                .await?;
            message(ctx, &m)
        }
        FileCommand::Redetect { id, dry_run } => {
            let r = api.redetect_file_type(id.as_str(), dry_run).await?;
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
        FileCommand::Reingest { id } => {
            let m = api.reingest_datafile(id.as_str()).await?;
            message(ctx, &m)
        }
        FileCommand::Uningest { id } => {
            let m = api.uningest_datafile(id.as_str()).await?;
            message(ctx, &m)
        }
        FileCommand::Download(args) => download(args, ctx, global).await,
    }
}

fn message(ctx: &Context, m: &str) -> CliResult {
    let v = json!({ "message": m });
    output::emit(ctx.output, &v, || output::line(m))
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// One file's metadata as key-value pairs.
fn show_file(f: &FileMetadata) -> CliResult {
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
        ("size", df.filesize.to_string()),
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
        rows.push(("original size", opt(&df.original_file_size)));
    }
    if let Some(c) = &f.categories {
        rows.push(("categories", c.join(", ")));
    }
    rows.push(("created", opt(&df.creation_date)));
    output::pairs(rows)
}

// ---------------------------------------------------------------------------------------
// dv dataset files

/// `dv dataset files ID [--mime TYPE]... [--version V]` with `--output` and `-o FILE`.
pub async fn dataset_files(
    ctx: &Context,
    global: &GlobalArgs,
    id: &str,
    mime: &[String],
    version: Option<&str>,
) -> CliResult {
    let version = version
        .map(Version::parse)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let path = global.path();
    let format = match (global.format(), path) {
        (Some(f), _) => f,
        (None, Some(p)) => format_of(p)?,
        (None, None) => ctx.output,
    };
    if format == OutputFormat::Parquet && path.is_none() {
        return Err(CliError::Usage(
            "Parquet output needs a file: add -o FILE.parquet".into(),
        ));
    }
    let filters: Vec<&str> = mime.iter().map(String::as_str).collect();
    let files = ctx
        .api
        .get_datafiles_metadata(id, version, &filters)
        .await?;
    let bytes: Vec<u8> = match format {
        OutputFormat::Json => to_json(&files)?.into_bytes(),
        OutputFormat::Ndjson => {
            let mut text = String::new();
            for f in &files {
                text.push_str(
                    &serde_json::to_string(f)
                        .map_err(|e| CliError::Io(format!("cannot encode JSON: {e}")))?,
                );
                text.push('\n');
            }
            if path.is_none() {
                text.pop();
            }
            text.into_bytes()
        }
        OutputFormat::Csv => files_csv(&datafiles_rows(&files)).into_bytes(),
        OutputFormat::Table => files_table(&datafiles_rows(&files)).into_bytes(),
        OutputFormat::Parquet => parquet(&files)?,
    };
    match path {
        None => output::line(&String::from_utf8_lossy(&bytes)),
        Some(p) => {
            let mut bytes = bytes;
            if format != OutputFormat::Parquet && !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            write_atomically(p, &bytes)?;
            if !global.quiet {
                eprintln!(
                    "dv: wrote {} file(s) of {id} to {}",
                    files.len(),
                    p.display()
                );
            }
            Ok(())
        }
    }
}

/// The format for `-o FILE` without `--output`, from the file's extension.
fn format_of(path: &Path) -> CliResult<OutputFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => Ok(OutputFormat::Json),
        "ndjson" | "jsonl" => Ok(OutputFormat::Ndjson),
        "csv" => Ok(OutputFormat::Csv),
        "parquet" => Ok(OutputFormat::Parquet),
        "txt" => Ok(OutputFormat::Table),
        _ => Err(CliError::Usage(format!(
            "cannot tell the format of {} from its extension: add --output json|ndjson|csv|parquet|table",
            path.display()
        ))),
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> CliResult<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Io(format!("cannot encode JSON: {e}")))
}

fn row_cells(r: &DatafileRow) -> [String; 12] {
    [
        opt(&r.id),
        r.persistent_id.clone().unwrap_or_default(),
        r.label.clone(),
        r.directory.clone().unwrap_or_default(),
        r.description.clone().unwrap_or_default(),
        r.content_type.clone().unwrap_or_default(),
        r.size.to_string(),
        r.checksum_type.clone().unwrap_or_default(),
        r.checksum_value.clone().unwrap_or_default(),
        r.restricted.to_string(),
        r.tabular.to_string(),
        r.creation_date.clone().unwrap_or_default(),
    ]
}

/// The files table as CSV: the columns of [`DATAFILES_COLUMNS`], in order.
fn files_csv(rows: &[DatafileRow]) -> String {
    let mut out = DATAFILES_COLUMNS.join(",");
    for r in rows {
        out.push('\n');
        let cells: Vec<String> = row_cells(r).iter().map(|c| output::csv_cell(c)).collect();
        out.push_str(&cells.join(","));
    }
    out
}

/// The files table for people: id, path, type, size, restricted, tabular, checksum.
fn files_table(rows: &[DatafileRow]) -> String {
    if rows.is_empty() {
        return "no files".into();
    }
    let body = rows
        .iter()
        .map(|r| {
            let path = match &r.directory {
                Some(d) => format!("{d}/{}", r.label),
                None => r.label.clone(),
            };
            vec![
                opt(&r.id),
                path,
                r.content_type.clone().unwrap_or_default(),
                r.size.to_string(),
                output::yes(Some(r.restricted)),
                output::yes(Some(r.tabular)),
                match (&r.checksum_type, &r.checksum_value) {
                    (Some(t), Some(v)) => format!("{t} {v}"),
                    _ => String::new(),
                },
            ]
        })
        .collect();
    output::table_text(
        &[
            "id",
            "path",
            "content type",
            "size",
            "restricted",
            "tabular",
            "checksum",
        ],
        body,
    )
}

#[cfg(feature = "parquet")]
fn parquet(files: &[FileMetadata]) -> CliResult<Vec<u8>> {
    let mut df = dataverse_client::api::table::datafiles_frame(files)?;
    let mut buf = Vec::new();
    polars::prelude::ParquetWriter::new(&mut buf)
        .finish(&mut df)
        .map_err(|e| CliError::Io(format!("cannot write Parquet: {e}")))?;
    Ok(buf)
}

#[cfg(not(feature = "parquet"))]
fn parquet(_files: &[FileMetadata]) -> CliResult<Vec<u8>> {
    Err(CliError::Usage(
        "this dv was built without Parquet support (cargo feature `parquet` of dataverse-cli)"
            .into(),
    ))
}

// ---------------------------------------------------------------------------------------
// dv file upload

/// One file of an upload's output.
#[derive(Debug, Serialize)]
struct UploadedFile {
    /// The local path.
    path: String,
    id: Option<u64>,
    label: String,
    directory: Option<String>,
    content_type: Option<String>,
    size: u64,
    checksum: Option<Checksum>,
    /// Whether the server's checksum was compared with the bytes sent (not for skipped files).
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum_verified: Option<bool>,
}

impl UploadedFile {
    fn from_meta(path: &Path, f: Option<&FileMetadata>) -> Self {
        let path = path.display().to_string();
        match f {
            Some(f) => UploadedFile {
                path,
                id: f.data_file.id,
                label: f.label.clone(),
                directory: f.directory_label.clone().filter(|d| !d.is_empty()),
                content_type: f.data_file.content_type.clone(),
                size: f.data_file.filesize,
                checksum: f.data_file.checksum.clone(),
                checksum_verified: None,
            },
            None => UploadedFile {
                path,
                id: None,
                label: String::new(),
                directory: None,
                content_type: None,
                size: 0,
                checksum: None,
                checksum_verified: None,
            },
        }
    }

    fn of(path: &Path, r: &UploadReport) -> Self {
        let mut me = Self::from_meta(path, r.file());
        me.checksum_verified = Some(r.checksum_verified);
        me
    }
}

/// A file that could not be uploaded.
#[derive(Debug, Serialize)]
struct FailedFile {
    path: String,
    error: String,
}

/// What `dv file upload` prints.
#[derive(Debug, Default, Serialize)]
struct UploadOutput {
    uploaded: Vec<UploadedFile>,
    skipped: Vec<UploadedFile>,
    replaced: Vec<UploadedFile>,
    failed: Vec<FailedFile>,
}

async fn upload(args: UploadArgs, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let api = &ctx.api;
    if let Some(algorithm) = args.checksum {
        api.set_upload_checksum_algorithm(algorithm);
    }
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for p in &args.paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => dirs.push(p.clone()),
            Ok(m) if m.is_file() => files.push((p.clone(), m.len())),
            Ok(_) => {
                return Err(CliError::Usage(format!(
                    "{} is neither a file nor a directory",
                    p.display()
                )));
            }
            Err(e) => return Err(CliError::Usage(format!("{}: {e}", p.display()))),
        }
    }
    let body = args.fields.body(None, args.no_ingest);
    let concurrency = args.concurrency.max(1);
    let bar = Transfer::new(global.quiet);
    let mut out = UploadOutput::default();

    // Plain files: added, at most `concurrency` at once; the bar sums their bytes.
    if !files.is_empty() {
        let total: u64 = files.iter().map(|(_, n)| n).sum();
        let count = files.len();
        bar.set(0, Some(total));
        let sent: Arc<Vec<AtomicU64>> = Arc::new(files.iter().map(|_| AtomicU64::new(0)).collect());
        let done = AtomicU64::new(0);
        let bar_ref = &bar;
        let results: Vec<(PathBuf, dataverse_client::Result<UploadReport>)> =
            stream::iter(files.iter().enumerate().map(|(i, (path, _))| {
                let sent = sent.clone();
                let b = bar.clone();
                let body = &body;
                let dataset = args.dataset.as_str();
                let done = &done;
                async move {
                    let options = UploadOptions::new().progress(move |n, _| {
                        if let Some(slot) = sent.get(i) {
                            slot.store(n, Ordering::Relaxed);
                        }
                        let sum = sent.iter().map(|s| s.load(Ordering::Relaxed)).sum();
                        b.set(sum, None);
                    });
                    let r = api
                        .upload_datafile_with(dataset, UploadSource::path(path), body, options)
                        .await;
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    bar_ref.set_message(format!("{n}/{count} files"));
                    (path.clone(), r)
                }
            }))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        if count == 1 && dirs.is_empty() {
            // One file: its error is the command's error.
            bar.finish();
            if let Some((path, r)) = results.into_iter().next() {
                out.uploaded.push(UploadedFile::of(&path, &r?));
            }
            return print_upload(ctx, &out);
        }
        for (path, r) in results {
            match r {
                Ok(report) => out.uploaded.push(UploadedFile::of(&path, &report)),
                Err(e) => out.failed.push(FailedFile {
                    path: path.display().to_string(),
                    error: api_line(&e),
                }),
            }
        }
    }

    // Directories: synced by the library (skip unchanged, replace changed).
    for dir in &dirs {
        let b = bar.clone();
        let options = UploadDirectoryOptions::new()
            .concurrency(concurrency)
            .metadata(body.clone())
            .progress(move |p| {
                b.set(p.bytes_done, Some(p.bytes_total));
                b.set_message(format!("{}/{} files", p.files_done, p.files_total));
            });
        let summary = api
            .upload_directory(args.dataset.as_str(), dir, options)
            .await;
        let summary = match summary {
            Ok(s) => s,
            Err(e) => {
                bar.finish();
                return Err(e.into());
            }
        };
        let local = |rel: &Path| dir.join(rel);
        for f in &summary.uploaded {
            out.uploaded
                .push(UploadedFile::from_meta(&local(&f.path), Some(&f.file)));
        }
        for f in &summary.skipped {
            out.skipped
                .push(UploadedFile::from_meta(&local(&f.path), Some(&f.file)));
        }
        for f in &summary.replaced {
            out.replaced
                .push(UploadedFile::from_meta(&local(&f.path), Some(&f.file)));
        }
        for (rel, e) in &summary.failed {
            out.failed.push(FailedFile {
                path: local(rel).display().to_string(),
                error: api_line(e),
            });
        }
    }
    bar.finish();
    print_upload(ctx, &out)?;
    if out.failed.is_empty() {
        return Ok(());
    }
    for f in &out.failed {
        eprintln!("dv: {}: {}", f.path, f.error);
    }
    Err(CliError::Incomplete(format!(
        "{} file(s) could not be uploaded",
        out.failed.len()
    )))
}

fn print_upload(ctx: &Context, out: &UploadOutput) -> CliResult {
    output::emit(ctx.output, out, || {
        for (what, list) in [
            ("uploaded", &out.uploaded),
            ("replaced", &out.replaced),
            ("skipped", &out.skipped),
        ] {
            for f in list {
                let dest = match &f.directory {
                    Some(d) => format!("{d}/{}", f.label),
                    None => f.label.clone(),
                };
                output::line(&format!(
                    "{what:<8} {} -> file {} {dest}",
                    f.path,
                    opt(&f.id)
                ))?;
            }
        }
        output::line(&format!(
            "uploaded {}, skipped {}, replaced {}, failed {}",
            out.uploaded.len(),
            out.skipped.len(),
            out.replaced.len(),
            out.failed.len()
        ))
    })
}

// ---------------------------------------------------------------------------------------
// dv file download

/// One downloaded file in the output.
#[derive(Debug, Serialize)]
struct Downloaded {
    file: String,
    path: String,
    bytes: u64,
    content_type: Option<String>,
    /// `MD5`, `SHA-1`, ... when the bytes were checked against the server's checksum.
    checksum_type: Option<String>,
    checksum_value: Option<String>,
    verified: bool,
    resumed_from: u64,
}

impl From<&DownloadReport> for Downloaded {
    fn from(r: &DownloadReport) -> Self {
        let (t, v) = match &r.verification {
            Verification::Checksum { algorithm, value } => {
                (Some(algorithm.as_str().to_string()), Some(value.clone()))
            }
            Verification::Unverified { .. } => (None, None),
        };
        Downloaded {
            file: r.file.clone(),
            path: r.path.display().to_string(),
            bytes: r.bytes,
            content_type: r.content_type.clone(),
            verified: r.verification.is_verified(),
            checksum_type: t,
            checksum_value: v,
            resumed_from: r.resumed_from,
        }
    }
}

fn print_downloads(ctx: &Context, list: &[Downloaded]) -> CliResult {
    output::emit(ctx.output, list, || {
        for d in list {
            let check = match (&d.checksum_type, &d.checksum_value) {
                (Some(t), Some(v)) => format!("{t} {v} verified"),
                _ => "no checksum on the server for this form".into(),
            };
            output::line(&format!("saved {} ({} bytes, {check})", d.path, d.bytes))?;
        }
        Ok(())
    })
}

async fn download(args: DownloadArgs, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let api = &ctx.api;
    let bar = Transfer::new(global.quiet);
    if let Some(dataset) = &args.dataset {
        let dir = global.path().unwrap_or(Path::new(".")).to_path_buf();
        let version = args
            .version
            .as_deref()
            .map(Version::parse)
            .transpose()
            .map_err(|e| CliError::Usage(api_line(&e)))?;
        let b = bar.clone();
        let options = DatasetDownloadOptions::new()
            .mode(if args.zip {
                DatasetDownloadMode::Zip
            } else {
                DatasetDownloadMode::Files
            })
            .version(version)
            .original(args.original)
            .resume(!args.no_resume)
            .sync(!args.no_sync)
            .max_concurrency(args.concurrency.max(1))
            .progress(bar.callback(0, 0))
            .file_progress(move |done: usize, total: usize| {
                b.set_message(format!("{done}/{total} files"))
            });
        let report = api.download_dataset(dataset.as_str(), &dir, &options).await;
        bar.finish();
        let report = report?;
        let mut list: Vec<Downloaded> = report.zip.iter().map(Downloaded::from).collect();
        let mut failed = 0;
        for f in &report.files {
            match &f.result {
                Ok(r) => list.push(Downloaded::from(r)),
                Err(e) => {
                    failed += 1;
                    eprintln!("dv: {}: {}", f.relative_path.display(), api_line(e));
                }
            }
        }
        print_downloads(ctx, &list)?;
        if failed > 0 {
            return Err(CliError::Incomplete(format!(
                "{failed} of {} file(s) could not be downloaded",
                report.files.len()
            )));
        }
        return Ok(());
    }

    // File ids: one goes to -o FILE (or DIR); several go into -o DIR.
    let several = args.ids.len() > 1;
    let dest: PathBuf = match global.path() {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    if several {
        std::fs::create_dir_all(&dest)
            .map_err(|e| CliError::Io(format!("cannot create {}: {e}", dest.display())))?;
    }
    let mut list = Vec::new();
    let mut base = 0u64;
    for (i, id) in args.ids.iter().enumerate() {
        if several {
            bar.set_message(format!("{}/{} files", i + 1, args.ids.len()));
        }
        let options = DownloadOptions::new()
            .original(args.original)
            .resume(!args.no_resume)
            .sync(!args.no_sync)
            .progress(bar.callback(base, base));
        let r = api.download_datafile(id.as_str(), &dest, &options).await;
        match r {
            Ok(r) => {
                base += r.bytes;
                list.push(Downloaded::from(&r));
            }
            Err(e) if !several => {
                bar.finish();
                return Err(e.into());
            }
            Err(e) => {
                bar.finish();
                print_downloads(ctx, &list)?;
                eprintln!("dv: {id}: {}", api_line(&e));
                return Err(CliError::Incomplete(format!(
                    "stopped at file {id}: {} of {} downloaded",
                    list.len(),
                    args.ids.len()
                )));
            }
        }
    }
    bar.finish();
    print_downloads(ctx, &list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        crate::cli::Cli::command().debug_assert();
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(format_of(Path::new("a.CSV")).ok(), Some(OutputFormat::Csv));
        assert_eq!(
            format_of(Path::new("x/files.parquet")).ok(),
            Some(OutputFormat::Parquet)
        );
        assert_eq!(
            format_of(Path::new("f.json")).ok(),
            Some(OutputFormat::Json)
        );
        assert!(format_of(Path::new("yaml")).is_err());
    }

    #[test]
    fn upload_bodies() {
        let fields = FileFields {
            description: Some("d".into()),
            directory: None,
            categories: vec!["Data".into()],
            restrict: false,
        };
        let b = fields.body(None, true);
        assert_eq!(b.tab_ingest, Some(false));
        assert_eq!(b.restrict, None);
        assert_eq!(b.categories, Some(vec!["Data".to_string()]));
        assert_eq!(
            FileFields::default().body(None, false),
            UploadBody::default()
        );
    }
}
