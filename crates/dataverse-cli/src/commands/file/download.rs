//! `dv file download FILE... | --dataset ID` into `-O FILE` or `-O DIR`.

use std::path::{Path, PathBuf};

use dataverse_client::Version;
use dataverse_client::api::access::{
    DataAccessOptions, DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions,
    DownloadReport, Verification,
};
use dataverse_client::models::guestbooks::GuestbookResponse;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output;
use crate::progress::Transfer;

/// `dv file download`
#[derive(Debug, clap::Args)]
pub struct Args {
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
    /// The file as uploaded, not its ingested tab-separated form (= --format original).
    #[arg(long)]
    pub original: bool,
    /// original (as uploaded), tab (the ingested form, the default), or bundle (for file
    /// ids: a zip of the ingested table, its original, DDI and citations, saved as
    /// `<name>-bundle.zip`).
    #[arg(long, value_name = "FORMAT", value_parser = ["original", "tab", "bundle"])]
    pub format: Option<String>,
    /// Start again from zero instead of resuming a `.part` file of an earlier run.
    #[arg(long)]
    pub no_resume: bool,
    /// Do not flush files to the disk before renaming them into place: faster, but a crash
    /// soon after may leave a file empty or cut short.
    #[arg(long)]
    pub no_sync: bool,
    /// Replace local files that differ from the server's (by default such a download is
    /// refused, and so is one the server has no checksum for, to compare).
    #[arg(long)]
    pub overwrite: bool,
    /// Skip local files whose checksum matches the server's (reported as skipped).
    #[arg(long)]
    pub skip_existing: bool,
    /// Files downloaded at once (--dataset).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// An answer to the dataset's guestbook (JSON: `{"guestbookResponse": {...}}` or the
    /// inner object; `-`: stdin): each file (or the --zip, or the bundle) is then fetched
    /// in memory through the signed URL the server answers with, without resume.
    #[arg(long, value_name = "FILE.json")]
    pub guestbook_response: Option<PathBuf>,
}

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
    /// Already there with the server's checksum: nothing was fetched (--skip-existing).
    skipped: bool,
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
            skipped: r.skipped,
        }
    }
}

/// Print the downloaded files: where, how many bytes, how they were checked.
fn print_downloads(ctx: &Context, list: &[Downloaded]) -> CliResult {
    let keys = [
        "file",
        "path",
        "bytes",
        "content_type",
        "checksum_type",
        "checksum_value",
        "verified",
        "resumed_from",
    ];
    output::emit_list(ctx.output, list, &keys, || {
        if list.is_empty() {
            return output::line("no files");
        }
        for d in list {
            let check = match (&d.checksum_type, &d.checksum_value) {
                (Some(t), Some(v)) => format!("{t} {v} verified"),
                _ => "no checksum on the server for this form".into(),
            };
            if d.skipped {
                let sum = format!(
                    "{} {}",
                    d.checksum_type.as_deref().unwrap_or_default(),
                    d.checksum_value.as_deref().unwrap_or_default()
                );
                output::line(&format!(
                    "skipped {} (already there: {}, {sum} as on the server)",
                    d.path,
                    output::human_size(d.bytes)
                ))?;
            } else {
                output::line(&format!(
                    "saved {} ({}, {check})",
                    d.path,
                    output::human_size(d.bytes)
                ))?;
            }
        }
        Ok(())
    })
}

/// Download the files (or the dataset), each checked against the server's checksum.
pub(crate) async fn execute(ctx: &Context, mut args: Args) -> CliResult {
    if args.format.as_deref() == Some("original") {
        args.original = true;
    }
    if let Some(path) = &args.guestbook_response {
        let answer = crate::input::read_guestbook_response(path)?;
        return answered(ctx, &args, &answer).await;
    }
    if args.format.as_deref() == Some("bundle") {
        return bundles(ctx, &args).await;
    }
    if !args.no_resume {
        // Ctrl-C leaves the `.part` files in place: the next run resumes them.
        crate::interrupt::set_hint("run the same command again to resume");
    }
    let api = &ctx.api;
    let bar = Transfer::new(ctx.quiet);
    if let Some(dataset) = &args.dataset {
        let dir = ctx.out.as_deref().unwrap_or(Path::new(".")).to_path_buf();
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
            .overwrite(args.overwrite)
            .skip_identical(args.skip_existing)
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
                    eprintln!("dv: {}: {}", f.relative_path.display(), error_line(e));
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

    // File ids: one goes to -O FILE (or DIR); several go into -O DIR.
    let several = args.ids.len() > 1;
    let dest: PathBuf = ctx.out.clone().unwrap_or_else(|| PathBuf::from("."));
    if several {
        std::fs::create_dir_all(&dest)
            .map_err(|e| CliError::io_at(format!("cannot create {}", dest.display()), e))?;
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
            .overwrite(args.overwrite)
            .skip_identical(args.skip_existing)
            .progress(bar.callback(base, base));
        let r = api.download_datafile(id.as_str(), &dest, &options).await;
        match r {
            Ok(r) => {
                base += r.bytes;
                list.push(Downloaded::from(&r));
            }
            Err(e) if !several => {
                bar.finish();
                if is_conflict(&e) {
                    return Err(CliError::Io(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        error_line(&e),
                    )));
                }
                return Err(e.into());
            }
            Err(e) => {
                bar.finish();
                print_downloads(ctx, &list)?;
                eprintln!("dv: {id}: {}", error_line(&e));
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

/// `--format bundle`: each file's bundle as `<stem>-bundle.zip` (the server's name) in
/// -O DIR, or at -O FILE for one file.
async fn bundles(ctx: &Context, args: &Args) -> CliResult {
    if args.dataset.is_some() {
        return Err(CliError::Usage(
            "--format bundle is for file ids, not --dataset".into(),
        ));
    }
    let dest: PathBuf = ctx.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let into_dir = args.ids.len() > 1 || dest.is_dir();
    if args.ids.len() > 1 {
        std::fs::create_dir_all(&dest)
            .map_err(|e| CliError::io_at(format!("cannot create {}", dest.display()), e))?;
    }
    let mut list = Vec::new();
    for id in &args.ids {
        let bytes = ctx.api.get_datafile_bundle(id.as_str()).await?;
        let path = if into_dir {
            let info = ctx.api.get_datafile_metadata(id.as_str(), false).await?;
            let label = info.label.clone();
            let name = match label.strip_suffix(".tab") {
                Some(stem) => format!("{stem}-bundle.zip"),
                None => format!("{label}-bundle.zip"),
            };
            dest.join(name)
        } else {
            dest.clone()
        };
        output::write_atomically(&path, &bytes)?;
        list.push(Downloaded {
            file: id.clone(),
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
            content_type: Some("application/zip".into()),
            checksum_type: None,
            checksum_value: None,
            verified: false,
            resumed_from: 0,
            skipped: false,
        });
    }
    print_downloads(ctx, &list)
}

/// `--guestbook-response`: the files (a dataset's zip, bundles) fetched answering the
/// guestbook, each written whole into place.
async fn answered(ctx: &Context, args: &Args, answer: &GuestbookResponse) -> CliResult {
    let api = &ctx.api;
    let dest: PathBuf = ctx.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut list = Vec::new();
    if let Some(dataset) = &args.dataset {
        if !args.zip {
            return Err(CliError::Usage(
                "--guestbook-response with --dataset needs --zip".into(),
            ));
        }
        let version = args
            .version
            .as_deref()
            .map(Version::parse)
            .transpose()
            .map_err(|e| CliError::Usage(api_line(&e)))?;
        let bytes = api
            .download_all_datafiles_with_guestbook(dataset.as_str(), version, args.original, answer)
            .await?;
        let path = if dest.is_dir() {
            dest.join("dataverse_files.zip")
        } else {
            dest.clone()
        };
        output::write_atomically(&path, &bytes)?;
        list.push(written(
            dataset,
            &path,
            bytes.len(),
            Some("application/zip"),
        ));
        return print_downloads(ctx, &list);
    }
    let bundle = args.format.as_deref() == Some("bundle");
    let into_dir = args.ids.len() > 1 || dest.is_dir();
    if args.ids.len() > 1 {
        std::fs::create_dir_all(&dest)
            .map_err(|e| CliError::io_at(format!("cannot create {}", dest.display()), e))?;
    }
    for id in &args.ids {
        let bytes = if bundle {
            api.get_datafile_bundle_with_guestbook(id.as_str(), answer)
                .await?
        } else {
            let mut options = DataAccessOptions::new().guestbook_response(answer.clone());
            if args.original {
                options = options.format("original");
            }
            api.get_datafile(id.as_str(), &options).await?
        };
        let path = if into_dir {
            let label = api.get_datafile_metadata(id.as_str(), false).await?.label;
            let name = match (bundle, label.strip_suffix(".tab")) {
                (true, Some(stem)) => format!("{stem}-bundle.zip"),
                (true, None) => format!("{label}-bundle.zip"),
                (false, _) => label,
            };
            dest.join(name)
        } else {
            dest.clone()
        };
        output::write_atomically(&path, &bytes)?;
        list.push(written(id, &path, bytes.len(), None));
    }
    print_downloads(ctx, &list)
}

/// A file written whole (not checked against a checksum).
fn written(id: &str, path: &Path, len: usize, content_type: Option<&str>) -> Downloaded {
    Downloaded {
        file: id.to_string(),
        path: path.display().to_string(),
        bytes: len as u64,
        content_type: content_type.map(str::to_string),
        checksum_type: None,
        checksum_value: None,
        verified: false,
        resumed_from: 0,
        skipped: false,
    }
}

/// Whether a download was refused because a different local file is in the way.
fn is_conflict(e: &dataverse_client::Error) -> bool {
    matches!(e, dataverse_client::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists)
}

/// A download error as one line; a refusal to overwrite says how to go on.
fn error_line(e: &dataverse_client::Error) -> String {
    if is_conflict(e) {
        format!(
            "{} (--overwrite replaces it, --skip-existing keeps files identical to the server's)",
            api_line(e)
        )
    } else {
        api_line(e)
    }
}
