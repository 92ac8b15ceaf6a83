//! `dv file upload DATASET PATH... [metadata flags]`: files and directories, concurrently.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use dataverse_client::Version;
use dataverse_client::api::upload::{
    DEFAULT_PARALLEL_PARTS, PartDone, UploadDirectoryOptions, UploadMode, UploadOptions,
    UploadReport, UploadSource, find_identical,
};
use dataverse_client::checksum::ChecksumAlgorithm;
use futures_util::{StreamExt, stream};
use serde::Serialize;

use super::fields::FileFields;
use super::uploaded::UploadedFile;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, opt};
use crate::progress::Transfer;

/// `dv file upload`
#[derive(Debug, clap::Args)]
pub struct Args {
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
    /// Send nothing: compare with the dataset and show what would be uploaded, replaced
    /// and skipped.
    #[arg(long)]
    pub dry_run: bool,
    /// Send the bytes straight to the dataset's S3 store (direct upload); fail where the
    /// store takes none. Default: direct where the store offers it, else through the server.
    #[arg(long, conflicts_with = "native")]
    pub direct: bool,
    /// Send the bytes through the server, even where the store takes direct uploads.
    #[arg(long)]
    pub native: bool,
    /// Parts of a direct upload in parts sent at once.
    #[arg(long, default_value_t = DEFAULT_PARALLEL_PARTS, value_name = "N")]
    pub parallel_parts: usize,
}

impl Args {
    /// `--direct` / `--native`.
    fn mode(&self) -> UploadMode {
        if self.direct {
            UploadMode::Direct
        } else if self.native {
            UploadMode::Native
        } else {
            UploadMode::Auto
        }
    }
}

/// Where direct uploads keep their state so that an interrupted `dv file upload` resumes:
/// `uploads/` beside the config file.
fn resume_dir() -> Option<PathBuf> {
    let config = crate::config::config_path().ok()?;
    Some(config.parent()?.join("uploads"))
}

/// `--checksum`: an algorithm's name.
fn parse_checksum(s: &str) -> Result<ChecksumAlgorithm, String> {
    ChecksumAlgorithm::parse(s)
        .ok_or_else(|| format!("unknown checksum algorithm '{s}' (MD5, SHA-1, SHA-256, SHA-512)"))
}

/// A file that could not be uploaded.
#[derive(Debug, Serialize)]
struct FailedFile {
    path: String,
    error: String,
}

/// A file `--dry-run` would send.
#[derive(Debug, Serialize)]
struct PlannedOutput {
    /// The local path.
    path: String,
    /// Its size in bytes.
    size: u64,
    /// Its folder in the dataset.
    directory: Option<String>,
    /// Its name in the dataset.
    label: String,
    /// The id of the file it would replace (same path, other content), if any.
    replaces: Option<u64>,
}

/// What `dv file upload` prints.
#[derive(Debug, Default, Serialize)]
struct UploadOutput {
    uploaded: Vec<UploadedFile>,
    skipped: Vec<UploadedFile>,
    replaced: Vec<UploadedFile>,
    failed: Vec<FailedFile>,
    /// `--dry-run`: what would be sent (nothing was).
    #[serde(skip_serializing_if = "Option::is_none")]
    would_send: Option<Vec<PlannedOutput>>,
}

/// Upload the files (at most `--concurrency` at once) and sync the directories; exit 1
/// when any file failed (a single file's error is the command's error).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
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
    let mode = args.mode();
    let parallel_parts = args.parallel_parts.max(1);
    let resume = resume_dir();
    let bar = Transfer::new(ctx.quiet);
    let mut out = UploadOutput {
        would_send: args.dry_run.then(Vec::new),
        ..Default::default()
    };

    // Plain files already in the dataset (same folder, name and checksum) are skipped, as
    // directory uploads skip them.
    let single_file = files.len() == 1 && dirs.is_empty();
    if !files.is_empty() {
        let remote = api
            .get_datafiles_metadata(args.dataset.as_str(), Some(Version::Latest), &[])
            .await?;
        let mut to_send = Vec::new();
        for (path, size) in files {
            let name = body.label.clone().unwrap_or_else(|| {
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let dir = body.directory_label.as_deref();
            match find_identical(&remote, &path, dir, &name).await {
                Some(f) => out.skipped.push(UploadedFile::from_meta(&path, Some(f))),
                None => match &mut out.would_send {
                    Some(plan) => plan.push(PlannedOutput {
                        path: path.display().to_string(),
                        size,
                        directory: dir
                            .map(|d| d.trim_matches('/').to_string())
                            .filter(|d| !d.is_empty()),
                        label: name,
                        replaces: None,
                    }),
                    None => to_send.push((path, size)),
                },
            }
        }
        files = to_send;
    }

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
                let resume = resume.clone();
                async move {
                    let mut options = UploadOptions::new()
                        .mode(mode)
                        .parallel_parts(parallel_parts);
                    options.resume_dir = resume;
                    let options = options.part_progress(part_notice(&b, path));
                    let options = options.progress(move |n, _| {
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
        if single_file {
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
        let mut options = UploadDirectoryOptions::new()
            .mode(mode)
            .parallel_parts(parallel_parts);
        options.resume_dir = resume.clone();
        let options = options
            .dry_run(args.dry_run)
            .concurrency(concurrency)
            .metadata(body.clone())
            .part_progress({
                let b = b.clone();
                let dir = dir.clone();
                move |rel, p| part_notice(&b, &dir.join(rel))(p)
            })
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
        if let Some(plan) = &mut out.would_send {
            for f in &summary.planned {
                let (directory, label) = match f.path.parent().filter(|p| !p.as_os_str().is_empty())
                {
                    Some(parent) => (Some(parent.display().to_string()), f.path.file_name()),
                    None => (None, f.path.file_name()),
                };
                let prefix = body
                    .directory_label
                    .as_deref()
                    .map(|d| d.trim_matches('/'))
                    .filter(|d| !d.is_empty());
                let directory = match (prefix, directory) {
                    (Some(p), Some(d)) => Some(format!("{p}/{d}")),
                    (Some(p), None) => Some(p.to_string()),
                    (None, d) => d,
                };
                plan.push(PlannedOutput {
                    path: local(&f.path).display().to_string(),
                    size: f.size,
                    directory,
                    label: label
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    replaces: f.replaces.as_ref().and_then(|r| r.data_file.id),
                });
            }
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

/// Print what was uploaded, replaced and skipped, and the counts.
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
        if let Some(plan) = &out.would_send {
            let mut adds = 0;
            for f in plan {
                let dest = match &f.directory {
                    Some(d) => format!("{d}/{}", f.label),
                    None => f.label.clone(),
                };
                match f.replaces {
                    Some(id) => output::line(&format!(
                        "would replace {} -> file {id} {dest} ({} bytes)",
                        f.path, f.size
                    ))?,
                    None => {
                        adds += 1;
                        output::line(&format!(
                            "would upload {} -> {dest} ({} bytes)",
                            f.path, f.size
                        ))?
                    }
                }
            }
            return output::line(&format!(
                "dry run: would upload {adds}, would replace {}, skip {}; nothing was sent",
                plan.len() - adds,
                out.skipped.len()
            ));
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

/// What a part of a direct upload that the store has taken shows: the bar's message names
/// the file and the part, and `-v` logs one line per part.
fn part_notice(bar: &Transfer, path: &Path) -> impl Fn(&PartDone) + Send + Sync + 'static {
    let bar = bar.clone();
    let name = path.display().to_string();
    move |p: &PartDone| {
        let how = if p.resumed { "stored before" } else { "stored" };
        bar.set_message(format!("{name}: part {}/{}", p.part, p.parts));
        tracing::info!(
            "{name}: part {}/{} {how} ({})",
            p.part,
            p.parts,
            crate::output::human_size(p.bytes)
        );
    }
}
