//! `/api/access/...`: downloading files and whole datasets.
//!
//! A download streams to a temporary `.<name>.part` file next to the destination, hashing
//! as it writes. A transfer cut off half-way (connection reset, body cut short, idle
//! timeout) is resumed with `Range: bytes=N-`; a server that answers `200` instead of
//! `206` is read again from the start. At the end the bytes are checked against the
//! checksum the server reports for the file (MD5, SHA-1, SHA-256 or SHA-512) and the file
//! is renamed into place only when it matches; on a mismatch the temporary file is deleted
//! and nothing appears at the destination.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use futures_util::{StreamExt, stream};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_RANGE, CONTENT_TYPE, HeaderMap};

use crate::api::datasets::BulkProgress;
use crate::background::PartSink;
use crate::checksum::{ChecksumAlgorithm, Hasher, digests_match, hash_file_into};
use crate::client::{NativeApi, Request, transport_error};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::files::FileMetadata;

/// A progress callback of a transfer: (bytes done, total bytes if known).
pub type DownloadProgress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// Options of [`NativeApi::download_datafile`].
#[derive(Clone)]
pub struct DownloadOptions {
    /// Download the file as uploaded (`format=original`) rather than the ingested `.tab`
    /// form of a tabular file; ignored by the server for other files. Default false.
    pub original: bool,
    /// Resume a `.part` file left by an earlier interrupted run. Default true.
    pub resume: bool,
    /// Flush the file to the disk (`fsync`) before renaming it into place, so that a file
    /// at the destination survives a power cut. Default true. Off, a download costs less
    /// (about 0.5 s per GiB on the machine of BENCHMARKS.md) and is still checked and
    /// renamed into place whole, but a crash soon after may leave it empty or cut short.
    pub sync: bool,
    /// Called as bytes arrive with (bytes done, total if known).
    pub progress: Option<DownloadProgress>,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            original: false,
            resume: true,
            sync: true,
            progress: None,
        }
    }
}

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("original", &self.original)
            .field("resume", &self.resume)
            .field("sync", &self.sync)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl DownloadOptions {
    /// The defaults: the ingested form, resume on, no progress callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// Download the original upload of a tabular file (`format=original`).
    pub fn original(mut self, original: bool) -> Self {
        self.original = original;
        self
    }

    /// Resume a leftover `.part` file (default true); false starts from zero.
    pub fn resume(mut self, resume: bool) -> Self {
        self.resume = resume;
        self
    }

    /// Flush the file to the disk before renaming it into place (default true); see
    /// [`DownloadOptions::sync`](struct.DownloadOptions.html#structfield.sync).
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// A progress callback: (bytes done, total if known).
    pub fn progress(mut self, progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

/// How `.part` files are handled: resumed or not, flushed to the disk or not.
#[derive(Debug, Clone, Copy)]
struct PartMode {
    resume: bool,
    sync: bool,
}

/// How a download was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The bytes match the checksum the server reports.
    Checksum {
        /// The algorithm.
        algorithm: ChecksumAlgorithm,
        /// The checksum (lowercase hex).
        value: String,
    },
    /// The server reports no checksum for these bytes (the ingested `.tab` form of a
    /// tabular file, a dataset zip, an algorithm this library cannot compute).
    Unverified {
        /// Whether the byte count matched a size the server announced (the file's
        /// reported size or the response's `Content-Length`).
        size_checked: bool,
    },
}

impl Verification {
    /// Whether a checksum was compared.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Checksum { .. })
    }
}

/// What [`NativeApi::download_datafile`] did.
#[derive(Debug, Clone)]
pub struct DownloadReport {
    /// The file (id or PID) or dataset that was downloaded.
    pub file: String,
    /// Where the file now is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The `Content-Type` the server sent, if any.
    pub content_type: Option<String>,
    /// How it was checked.
    pub verification: Verification,
    /// Bytes taken over from a `.part` file of an earlier run (0 when started fresh).
    pub resumed_from: u64,
    /// How many times an interrupted transfer was resumed with a `Range` request.
    pub resumes: u32,
    /// How many times the transfer began again from zero (the server ignored `Range`).
    pub restarts: u32,
}

/// How [`NativeApi::download_dataset`] fetches a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatasetDownloadMode {
    /// One zip of the whole version, as the server builds it (`/api/access/dataset/{id}`).
    #[default]
    Zip,
    /// Each file on its own, into `<destination>/<directoryLabel>/<label>`, each checked
    /// against its checksum.
    Files,
}

/// Options of [`NativeApi::download_dataset`].
#[derive(Clone, Default)]
pub struct DatasetDownloadOptions {
    /// Zip or file by file. Default [`DatasetDownloadMode::Zip`].
    pub mode: DatasetDownloadMode,
    /// The version; `None` is `:latest` (the draft for those who may see it).
    pub version: Option<Version>,
    /// Original uploads of tabular files rather than their ingested `.tab` form.
    pub original: bool,
    /// Start every download from zero, ignoring `.part` files of an earlier run. Default
    /// false: they are resumed.
    pub no_resume: bool,
    /// Skip the `fsync` of each file before its rename (see [`DownloadOptions::sync`]).
    /// Default false: files are flushed to the disk.
    pub no_sync: bool,
    /// How many files download at once in [`DatasetDownloadMode::Files`]; `None` is the
    /// client's [`max_concurrency`](NativeApi::max_concurrency).
    pub max_concurrency: Option<usize>,
    /// Called as bytes arrive, summed over all files: (bytes done, total if every size is known).
    pub progress: Option<DownloadProgress>,
    /// Called after each file with (files finished, files in all).
    pub file_progress: Option<BulkProgress>,
}

impl std::fmt::Debug for DatasetDownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatasetDownloadOptions")
            .field("mode", &self.mode)
            .field("version", &self.version)
            .field("original", &self.original)
            .field("no_resume", &self.no_resume)
            .field("no_sync", &self.no_sync)
            .field("max_concurrency", &self.max_concurrency)
            .field("progress", &self.progress.is_some())
            .field("file_progress", &self.file_progress.is_some())
            .finish()
    }
}

/// One file of a [`DatasetDownloadReport`].
#[derive(Debug)]
pub struct FileDownloadOutcome {
    /// The file's database id.
    pub file_id: u64,
    /// Its path relative to the destination directory (`directoryLabel/label`), as far
    /// as it could be made safe.
    pub relative_path: PathBuf,
    /// What happened.
    pub result: Result<DownloadReport>,
}

/// What [`NativeApi::download_dataset`] did.
#[derive(Debug, Default)]
pub struct DatasetDownloadReport {
    /// [`DatasetDownloadMode::Zip`]: the zip.
    pub zip: Option<DownloadReport>,
    /// [`DatasetDownloadMode::Files`]: every file of the version, in the server's order,
    /// each with its own success or error.
    pub files: Vec<FileDownloadOutcome>,
}

impl DatasetDownloadReport {
    /// How many files were downloaded.
    pub fn succeeded(&self) -> usize {
        self.files.iter().filter(|f| f.result.is_ok()).count()
    }

    /// The files that failed.
    pub fn failed(&self) -> impl Iterator<Item = &FileDownloadOutcome> {
        self.files.iter().filter(|f| f.result.is_err())
    }
}

/// What the server says about the bytes a download should produce.
#[derive(Debug, Clone, Default)]
struct Expected {
    checksum: Option<(ChecksumAlgorithm, String)>,
    size: Option<u64>,
    /// A name to fall back on when the server sends no usable `Content-Disposition`.
    name: Option<String>,
}

/// The name a listed file gets on disk: its label, or for the original of a tabular file
/// the name it was uploaded under.
fn file_name(f: &FileMetadata, original: bool) -> Option<String> {
    if original
        && f.data_file.is_tabular()
        && let Some(n) = &f.data_file.original_file_name
    {
        return Some(n.clone());
    }
    Some(f.label.clone())
        .filter(|l| !l.is_empty())
        .or_else(|| f.data_file.filename.clone())
}

/// What the download of a file (in its ingested or original form) should be.
fn expected_of(f: &FileMetadata, original: bool) -> Expected {
    let df = &f.data_file;
    let name = file_name(f, original);
    if df.is_tabular() && !original {
        // The ingested .tab form: Dataverse reports no checksum for it (the checksum is of
        // the original upload) and adds a header row on the fly, so its stored size is no
        // promise about the bytes sent either.
        return Expected {
            checksum: None,
            size: None,
            name,
        };
    }
    let checksum = df
        .verifiable_checksum()
        .map(|(alg, value)| (alg, value.trim().to_string()))
        .filter(|(_, v)| !v.is_empty());
    let size = if df.is_tabular() {
        df.original_file_size
    } else {
        // 0 is what the model holds when the server left the size out.
        Some(df.filesize).filter(|s| *s > 0)
    };
    Expected {
        checksum,
        size,
        name,
    }
}

/// Where a download goes.
enum Destination {
    /// This exact path.
    File(PathBuf),
    /// Into this directory, under the server's file name.
    Dir(PathBuf),
}

impl Destination {
    fn of(path: &Path) -> Self {
        let text = path.as_os_str().to_string_lossy();
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            Destination::Dir(path.to_path_buf())
        } else {
            Destination::File(path.to_path_buf())
        }
    }
}

/// The result of moving the bytes, before they are checked.
struct Transferred {
    bytes: u64,
    digest: Option<String>,
    total: Option<u64>,
    content_type: Option<String>,
    resumes: u32,
    restarts: u32,
}

fn io_error(operation: &str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let operation = operation.to_string();
    let path = path.to_path_buf();
    move |source| Error::Io {
        operation,
        path,
        source,
    }
}

fn datafile_request(id: &PersistentOrId, original: bool) -> Request {
    let mut req = Request::get(&["access", "datafile", &id.segment()])
        .target(id)
        .transfer();
    if original {
        req = req.query("format", "original");
    }
    req
}

impl NativeApi {
    /// Download one file to `destination`, checked against the checksum the server reports.
    ///
    /// `destination` is a file path, or an existing directory (or a path ending in `/`),
    /// in which case the file keeps the server's name (`Content-Disposition`, stripped of
    /// any path). The bytes stream to `.<name>.part` beside the destination and are hashed
    /// as they arrive; an interrupted transfer resumes with a `Range` request (at most
    /// [`RetryPolicy::max_attempts`](crate::RetryPolicy) attempts in a row without progress;
    /// a server that ignores `Range` is read again from the start). The file is renamed
    /// into place only when its checksum matches: on a mismatch the partial file is
    /// deleted, nothing is written at the destination, and the error is
    /// [`Error::ChecksumMismatch`]. A `.part` file left by an earlier run is resumed
    /// (unless [`DownloadOptions::resume`] is off).
    ///
    /// The ingested `.tab` form of a tabular file has no checksum on the server: it is
    /// reported as [`Verification::Unverified`]; with [`DownloadOptions::original`] the
    /// original upload is fetched and checked.
    ///
    /// Errors: [`Error::NotFound`] for an unknown file, [`Error::Forbidden`] (or
    /// [`Error::Unauthorized`]) for a restricted one, [`Error::Io`] naming the path when
    /// the destination cannot be written.
    ///
    /// Endpoint: `GET /api/files/{id}` (the checksum), then `GET /api/access/datafile/{id}`
    /// (`?format=original`, `Range: bytes=N-` when resuming)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::access::DownloadOptions;
    /// let options = DownloadOptions::new()
    ///     .original(true)
    ///     .progress(|done, total| eprintln!("{done} of {total:?} bytes"));
    /// let report = api.download_datafile(42, std::path::Path::new("out/"), &options).await?;
    /// println!("{} ({} bytes, {:?})", report.path.display(), report.bytes, report.verification);
    /// # Ok(()) }
    /// ```
    pub async fn download_datafile(
        &self,
        file: impl IntoPersistentOrId,
        destination: impl AsRef<Path>,
        options: &DownloadOptions,
    ) -> Result<DownloadReport> {
        let id = file.into_persistent_or_id()?;
        let info = self.get_datafile_metadata(&id, false).await?;
        let expected = expected_of(&info, options.original);
        self.download_to(
            &id.to_string(),
            datafile_request(&id, options.original),
            Destination::of(destination.as_ref()),
            &expected,
            PartMode {
                resume: options.resume,
                sync: options.sync,
            },
            options.progress.clone(),
        )
        .await
    }

    /// Download a dataset version into `destination_dir`: as one zip built by the server
    /// ([`DatasetDownloadMode::Zip`], saved under the server's name, atomically), or file by
    /// file ([`DatasetDownloadMode::Files`]) into `destination_dir/<directoryLabel>/<label>`,
    /// at most `max_concurrency` at a time, each checked as in
    /// [`download_datafile`](Self::download_datafile). Directory labels and names that
    /// would leave `destination_dir` (`..`) are refused for that file. Every file of the
    /// version is in the report with its own success or error.
    ///
    /// Fails as a whole only when the file list (or the zip) cannot be had or the
    /// destination directory cannot be created.
    ///
    /// Endpoint: `GET /api/access/dataset/{id}[/versions/{v}]` (zip), or
    /// `GET /api/datasets/{id}/versions/{v}/files` then `GET /api/access/datafile/{id}` per file
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::access::{DatasetDownloadMode, DatasetDownloadOptions};
    /// let options = DatasetDownloadOptions { mode: DatasetDownloadMode::Files, ..Default::default() };
    /// let report = api.download_dataset("doi:10.5072/FK2/ABC123", "out", &options).await?;
    /// for failed in report.failed() {
    ///     eprintln!("{}: {:?}", failed.relative_path.display(), failed.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn download_dataset(
        &self,
        identifier: impl IntoPersistentOrId,
        destination_dir: impl AsRef<Path>,
        options: &DatasetDownloadOptions,
    ) -> Result<DatasetDownloadReport> {
        let id = identifier.into_persistent_or_id()?;
        let dir = destination_dir.as_ref().to_path_buf();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(io_error("creating directory", &dir))?;
        match options.mode {
            DatasetDownloadMode::Zip => {
                let mut path = vec!["access".to_string(), "dataset".into(), id.segment()];
                if let Some(v) = options.version {
                    path.push("versions".into());
                    path.push(v.segment());
                }
                let refs: Vec<&str> = path.iter().map(String::as_str).collect();
                let mut req = Request::get(&refs).target(&id).transfer();
                if options.original {
                    req = req.query("format", "original");
                }
                let expected = Expected {
                    name: Some(format!("dataset-{}.zip", slug(&id.to_string()))),
                    ..Default::default()
                };
                let report = self
                    .download_to(
                        &id.to_string(),
                        req,
                        Destination::Dir(dir),
                        &expected,
                        PartMode {
                            resume: !options.no_resume,
                            sync: !options.no_sync,
                        },
                        options.progress.clone(),
                    )
                    .await?;
                Ok(DatasetDownloadReport {
                    zip: Some(report),
                    files: Vec::new(),
                })
            }
            DatasetDownloadMode::Files => {
                let files = self
                    .get_datafiles_metadata(&id, options.version, &[])
                    .await?;
                Ok(DatasetDownloadReport {
                    zip: None,
                    files: self.download_files(files, &dir, options).await,
                })
            }
        }
    }

    async fn download_files(
        &self,
        files: Vec<FileMetadata>,
        dir: &Path,
        options: &DatasetDownloadOptions,
    ) -> Vec<FileDownloadOutcome> {
        let total_files = files.len();
        let expected: Vec<Expected> = files
            .iter()
            .map(|f| expected_of(f, options.original))
            .collect();
        let total_bytes: Option<u64> = expected.iter().map(|e| e.size).sum();
        let bytes_done = Arc::new(AtomicU64::new(0));
        let files_done = AtomicUsize::new(0);
        let files_done = &files_done;
        let concurrency = options
            .max_concurrency
            .unwrap_or(self.max_concurrency())
            .max(1);
        stream::iter(files.into_iter().zip(expected).map(|(info, expected)| {
            let bytes_done = bytes_done.clone();
            async move {
                let file_id = info.data_file.id.unwrap_or(0);
                let (relative_path, target) = match relative_path_of(&info, options.original) {
                    Ok(rel) => (rel.clone(), Ok(dir.join(rel))),
                    Err(e) => (
                        PathBuf::from(file_name(&info, options.original).unwrap_or_default()),
                        Err(e),
                    ),
                };
                let result = match (target, info.data_file.id) {
                    (Err(e), _) => Err(e),
                    (Ok(_), None) => Err(Error::InvalidArgument(format!(
                        "the server lists '{}' without a file id",
                        relative_path.display()
                    ))),
                    (Ok(target), Some(fid)) => {
                        let progress = options.progress.clone().map(|outer| {
                            let last = Arc::new(AtomicU64::new(0));
                            let bytes_done = bytes_done.clone();
                            let cb: DownloadProgress = Arc::new(move |done: u64, _total| {
                                // Report deltas into the shared count (a restart goes back).
                                let before = last.swap(done, Ordering::SeqCst);
                                let now = if done >= before {
                                    bytes_done.fetch_add(done - before, Ordering::SeqCst)
                                        + (done - before)
                                } else {
                                    bytes_done.fetch_sub(before - done, Ordering::SeqCst)
                                        - (before - done)
                                };
                                outer(now, total_bytes);
                            });
                            cb
                        });
                        let fid = PersistentOrId::Id(fid);
                        self.download_to(
                            &fid.to_string(),
                            datafile_request(&fid, options.original),
                            Destination::File(target),
                            &expected,
                            PartMode {
                                resume: !options.no_resume,
                                sync: !options.no_sync,
                            },
                            progress,
                        )
                        .await
                    }
                };
                let n = files_done.fetch_add(1, Ordering::SeqCst) + 1;
                if let Some(p) = &options.file_progress {
                    p(n, total_files);
                }
                FileDownloadOutcome {
                    file_id,
                    relative_path,
                    result,
                }
            }
        }))
        .buffered(concurrency)
        .collect()
        .await
    }

    /// The download core: resolve the target, move the bytes, check, rename into place.
    async fn download_to(
        &self,
        file: &str,
        base: Request,
        destination: Destination,
        expected: &Expected,
        mode: PartMode,
        progress: Option<DownloadProgress>,
    ) -> Result<DownloadReport> {
        let mut pending = None;
        let target = match destination {
            Destination::File(p) => p,
            Destination::Dir(dir) => {
                // The name comes from the answer: ask first, decide where to write after.
                let response = self.execute_response(base.clone()).await?;
                let name = content_disposition_name(response.headers())
                    .or_else(|| expected.name.as_deref().and_then(sanitize_file_name))
                    .unwrap_or_else(|| format!("file-{}", slug(file)));
                pending = Some(response);
                dir.join(name)
            }
        };
        let part = part_path(&target)?;
        if let Some(parent) = part.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io_error("creating directory", parent))?;
        }
        let mut offset = 0;
        if mode.resume
            && let Ok(meta) = tokio::fs::metadata(&part).await
            && meta.is_file()
        {
            offset = meta.len();
            if expected.size.is_some_and(|s| offset > s) {
                offset = 0;
            }
        }
        let resumed_from = offset;
        let mut retried_stale = false;
        loop {
            let result = self
                .transfer(
                    file,
                    &base,
                    &part,
                    offset,
                    pending.take(),
                    expected,
                    mode.sync,
                    &progress,
                )
                .await
                .and_then(|t| verify(file, expected, &t).map(|v| (t, v)));
            match result {
                Ok((t, verification)) => {
                    tokio::fs::rename(&part, &target)
                        .await
                        .map_err(io_error("renaming into place", &target))?;
                    return Ok(DownloadReport {
                        file: file.to_string(),
                        path: target,
                        bytes: t.bytes,
                        content_type: t.content_type,
                        verification,
                        resumed_from,
                        resumes: t.resumes,
                        restarts: t.restarts,
                    });
                }
                Err(e @ (Error::ChecksumMismatch { .. } | Error::SizeMismatch { .. })) => {
                    let _ = tokio::fs::remove_file(&part).await;
                    if offset > 0 && !retried_stale {
                        // The leftover .part may be of another file version: start over once.
                        tracing::warn!(file, error = %e, "download resumed from an earlier .part does not match; starting over");
                        retried_stale = true;
                        offset = 0;
                        continue;
                    }
                    return Err(e);
                }
                Err(e) => {
                    // Keep the .part for a later resume when trying again may succeed
                    // and there is something to resume.
                    let empty = tokio::fs::metadata(&part)
                        .await
                        .is_ok_and(|m| m.is_file() && m.len() == 0);
                    if empty || (!e.is_retryable() && !matches!(e, Error::Io { .. })) {
                        let _ = tokio::fs::remove_file(&part).await;
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Move the bytes into `part`, starting at `offset` (bytes already there), resuming
    /// after interruptions.
    #[allow(clippy::too_many_arguments)]
    async fn transfer(
        &self,
        file: &str,
        base: &Request,
        part: &Path,
        mut offset: u64,
        mut pending: Option<reqwest::Response>,
        expected: &Expected,
        sync: bool,
        progress: &Option<DownloadProgress>,
    ) -> Result<Transferred> {
        let algorithm = expected.checksum.as_ref().map(|(a, _)| *a);
        let mut hasher = algorithm.map(Hasher::new);
        if offset > 0 {
            // Hash what the leftover holds, then go on from there.
            let mut h = algorithm.map(Hasher::new);
            let read = match h.as_mut() {
                Some(h) => hash_file_into(h, part, Some(offset))
                    .await
                    .map_err(io_error("reading", part))?,
                None => offset,
            };
            if read == offset {
                hasher = h;
            } else {
                offset = 0;
            }
        }
        let mut out = PartSink::open(part, offset, hasher, sync)
            .await
            .map_err(io_error("creating", part))?;
        let report = |done: u64, total: Option<u64>| {
            if let Some(p) = progress {
                p(done, total);
            }
        };

        let mut total = expected.size;
        let mut content_type = None;
        let mut resumes = 0;
        let mut restarts = 0;
        if offset > 0 && expected.size == Some(offset) {
            // A complete leftover: nothing to fetch, only to check.
            report(offset, total);
            return finish(out, part, offset, total, content_type, 0, 0).await;
        }
        let policy = self.retry_policy().clone();
        let max_attempts = policy.max_attempts.max(1);
        let mut failures: u32 = 0;
        let mut previous_delay = None;
        loop {
            let response = match pending.take() {
                Some(r) if offset == 0 => r,
                _ => {
                    let mut req = base.clone();
                    if offset > 0 {
                        req = req.header("Range", format!("bytes={offset}-"));
                    }
                    match self.execute_response(req).await {
                        Ok(r) => r,
                        Err(e) if offset > 0 && e.status() == Some(416) && restarts == 0 => {
                            // What we hold is not a prefix of the file (a longer leftover):
                            // start over from zero.
                            tracing::debug!(
                                file,
                                offset,
                                "416 for the resume range; starting over"
                            );
                            reset(&mut out, part, algorithm).await?;
                            offset = 0;
                            restarts += 1;
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            let mut response = response;
            let url = response.url().clone();
            content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut restart = offset > 0;
            if response.status() == StatusCode::PARTIAL_CONTENT {
                match parse_content_range(response.headers()) {
                    Some((start, full)) if start == offset => {
                        restart = false;
                        total = full.or(total);
                    }
                    Some((0, full)) => total = full.or(total),
                    _ => {
                        // A range we did not ask for: drop it and ask for everything.
                        tracing::warn!(
                            file,
                            "unusable Content-Range in a 206 answer; starting over"
                        );
                        drop(response);
                        reset(&mut out, part, algorithm).await?;
                        offset = 0;
                        restarts += 1;
                        failures += 1;
                        if failures >= max_attempts {
                            return Err(Error::Transport {
                                method: "GET".into(),
                                url: url.to_string(),
                                message: "the server answered with a range that was not asked for"
                                    .into(),
                                maybe_sent: true,
                                timeout: false,
                                source: None,
                            });
                        }
                        continue;
                    }
                }
            } else {
                total = response.content_length().or(expected.size);
            }
            if restart {
                // The server ignored `Range` (or started elsewhere): the body is the whole file.
                tracing::debug!(
                    file,
                    offset,
                    "the server sent the whole file again; restarting from zero"
                );
                reset(&mut out, part, algorithm).await?;
                offset = 0;
                restarts += 1;
            }
            report(offset, total);
            let before = offset;
            let interruption = loop {
                match response.chunk().await {
                    Ok(Some(bytes)) => {
                        offset += bytes.len() as u64;
                        out.write(&bytes).await.map_err(io_error("writing", part))?;
                        report(offset, total);
                    }
                    Ok(None) => {
                        break match total {
                            Some(t) if offset < t => Some(Error::Transport {
                                method: "GET".into(),
                                url: url.to_string(),
                                message: format!(
                                    "the response body ended after {offset} of {t} bytes"
                                ),
                                maybe_sent: true,
                                timeout: false,
                                source: None,
                            }),
                            _ => None,
                        };
                    }
                    Err(e) => break Some(transport_error(&reqwest::Method::GET, &url, e)),
                }
            };
            let Some(err) = interruption else {
                return finish(out, part, offset, total, content_type, resumes, restarts).await;
            };
            out.flush().await.map_err(io_error("writing", part))?;
            if offset > before {
                failures = 0;
                previous_delay = None;
            }
            failures += 1;
            if failures >= max_attempts {
                return Err(err);
            }
            let delay = policy.next_delay(previous_delay);
            tracing::warn!(file, offset, total, attempt = failures, delay_ms = delay.as_millis() as u64, error = %err, "download interrupted, resuming");
            tokio::time::sleep(delay).await;
            previous_delay = Some(delay);
            resumes += 1;
        }
    }
}

/// Flush and sync the part file, and hand back what was transferred.
async fn finish(
    out: PartSink,
    part: &Path,
    bytes: u64,
    total: Option<u64>,
    content_type: Option<String>,
    resumes: u32,
    restarts: u32,
) -> Result<Transferred> {
    let hasher = out.finish().await.map_err(io_error("writing", part))?;
    Ok(Transferred {
        bytes,
        digest: hasher.map(Hasher::finalize),
        total,
        content_type,
        resumes,
        restarts,
    })
}

/// Empty the part file and write from its start again, hashing afresh.
async fn reset(
    out: &mut PartSink,
    part: &Path,
    algorithm: Option<ChecksumAlgorithm>,
) -> Result<()> {
    out.reset(algorithm.map(Hasher::new))
        .await
        .map_err(io_error("truncating", part))
}

fn verify(file: &str, expected: &Expected, t: &Transferred) -> Result<Verification> {
    if let (Some((algorithm, want)), Some(got)) = (&expected.checksum, &t.digest) {
        if digests_match(want, got) {
            return Ok(Verification::Checksum {
                algorithm: *algorithm,
                value: got.clone(),
            });
        }
        return Err(Error::ChecksumMismatch {
            file: file.to_string(),
            algorithm: *algorithm,
            expected: want.to_ascii_lowercase(),
            actual: got.clone(),
        });
    }
    if let Some(size) = expected.size {
        if size != t.bytes {
            return Err(Error::SizeMismatch {
                file: file.to_string(),
                expected: size,
                actual: t.bytes,
            });
        }
        return Ok(Verification::Unverified { size_checked: true });
    }
    // A Content-Length, when sent, was enforced while reading.
    Ok(Verification::Unverified {
        size_checked: t.total == Some(t.bytes),
    })
}

/// `.<name>.part` beside `target`.
fn part_path(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "download destination '{}' has no file name",
                target.display()
            ))
        })?
        .to_string_lossy();
    Ok(target.with_file_name(format!(".{name}.part")))
}

/// `start` and `total` of `Content-Range: bytes start-end/total` (`total` may be `*`).
fn parse_content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
    let v = headers.get(CONTENT_RANGE)?.to_str().ok()?.trim();
    let rest = v.strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.trim().split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

/// The file name of a `Content-Disposition` header (`filename*=` preferred), decoded and
/// made safe: no path, no `..`.
fn content_disposition_name(headers: &HeaderMap) -> Option<String> {
    let raw = String::from_utf8_lossy(headers.get(CONTENT_DISPOSITION)?.as_bytes()).into_owned();
    let mut plain = None;
    let mut extended = None;
    for param in split_params(&raw) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let value = value.trim_matches('"');
                if let Some((_charset, rest)) = value.split_once('\'')
                    && let Some((_lang, encoded)) = rest.split_once('\'')
                {
                    extended = Some(percent_decode(encoded));
                }
            }
            "filename" => {
                let unquoted = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                    .unwrap_or_else(|| value.to_string());
                // Dataverse URL-encodes the name (spaces as %20 since 5.4).
                plain = Some(percent_decode(&unquoted));
            }
            _ => {}
        }
    }
    extended
        .as_deref()
        .and_then(sanitize_file_name)
        .or_else(|| plain.as_deref().and_then(sanitize_file_name))
}

/// Split header parameters on `;` outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Decode `%XX` escapes (invalid ones are kept as they are; invalid UTF-8 is replaced).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A file name safe to join to a directory: the last path component, without control
/// characters; `None` when nothing usable is left (empty, `.`, `..`).
fn sanitize_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." || (cfg!(windows) && clean.contains(':')) {
        return None;
    }
    Some(clean.to_string())
}

/// `directoryLabel/label` of a listed file as a relative path that stays inside the
/// destination; an error names the label when it would not.
fn relative_path_of(info: &FileMetadata, original: bool) -> Result<PathBuf> {
    let name = file_name(info, original).unwrap_or_default();
    let unsafe_label = |what: &str, label: &str| {
        Error::InvalidArgument(format!(
            "refusing to write file {} outside the destination: {what} '{label}'",
            info.data_file
                .id
                .map_or_else(|| "?".into(), |i| i.to_string())
        ))
    };
    let mut path = PathBuf::new();
    if let Some(dir) = info.directory_label.as_deref() {
        for component in dir.split(['/', '\\']) {
            match component {
                "" | "." => {}
                ".." => return Err(unsafe_label("directory label", dir)),
                c if c.chars().any(char::is_control) || (cfg!(windows) && c.contains(':')) => {
                    return Err(unsafe_label("directory label", dir));
                }
                c => path.push(c),
            }
        }
    }
    if name.contains(['/', '\\']) {
        return Err(unsafe_label("file name", &name));
    }
    match sanitize_file_name(&name) {
        Some(n) if n == name => path.push(n),
        _ => return Err(unsafe_label("file name", &name)),
    }
    Ok(path)
}

/// A file-name-friendly form of an identifier (`doi:10.5072/FK2/X` -> `doi-10.5072-FK2-X`).
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: reqwest::header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn content_disposition_names() {
        let cd = |v: &str| content_disposition_name(&headers(CONTENT_DISPOSITION, v));
        assert_eq!(
            cd("attachment; filename=\"my%20data.csv\"").as_deref(),
            Some("my data.csv")
        );
        assert_eq!(
            cd("attachment; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"a.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt").as_deref(),
            Some("été.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"..%2F..%2Fetc%2Fpasswd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(cd("attachment; filename=\"..\"").as_deref(), None);
        assert_eq!(
            cd("attachment; filename=\"a;b.txt\"").as_deref(),
            Some("a;b.txt")
        );
        assert_eq!(cd("attachment").as_deref(), None);
        assert_eq!(
            cd("attachment; filename=\"x\\\\y.txt\"").as_deref(),
            Some("y.txt")
        );
    }

    #[test]
    fn content_ranges() {
        let cr = |v: &str| parse_content_range(&headers(CONTENT_RANGE, v));
        assert_eq!(cr("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(cr("bytes 5-9/*"), Some((5, None)));
        assert_eq!(cr("bytes */1000"), None);
        assert_eq!(cr("bytes 9-5/10"), None);
        assert_eq!(cr("items 1-2/3"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2x%"), "a b%2x%");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode("%41%42"), "AB");
    }

    fn info(dir: Option<&str>, label: &str) -> FileMetadata {
        serde_json::from_value(serde_json::json!({
            "label": label,
            "directoryLabel": dir,
            "dataFile": {"id": 7, "filename": label, "filesize": 3, "tabularData": false,
                         "checksum": {"type": "SHA-1", "value": "ABC"}}
        }))
        .unwrap()
    }

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(
            relative_path_of(&info(Some("data/raw"), "a.csv"), false).unwrap(),
            PathBuf::from("data/raw/a.csv")
        );
        assert_eq!(
            relative_path_of(&info(Some("/abs//x/./"), "a.csv"), false).unwrap(),
            PathBuf::from("abs/x/a.csv")
        );
        assert_eq!(
            relative_path_of(&info(None, "a.csv"), false).unwrap(),
            PathBuf::from("a.csv")
        );
        for (dir, label) in [
            (Some("../up"), "a.csv"),
            (Some("x/../../y"), "a.csv"),
            (Some("x\\..\\y"), "a.csv"),
            (None, ".."),
            (None, "a/b.csv"),
            (None, ""),
        ] {
            let err = relative_path_of(&info(dir, label), false).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{dir:?} {label}");
        }
    }

    #[test]
    fn expectations_follow_the_file_kind() {
        let plain = expected_of(&info(None, "a.csv"), false);
        assert_eq!(
            plain.checksum,
            Some((ChecksumAlgorithm::Sha1, "ABC".to_string()))
        );
        assert_eq!(plain.size, Some(3));
        let tab: FileMetadata = serde_json::from_value(serde_json::json!({
            "label": "t.tab",
            "dataFile": {"id": 8, "filename": "t.tab", "filesize": 50, "tabularData": true,
                         "originalFileSize": 40, "originalFileName": "t.csv",
                         "md5": "00ff"}
        }))
        .unwrap();
        let derived = expected_of(&tab, false);
        assert_eq!(derived.checksum, None);
        assert_eq!(derived.size, None);
        assert_eq!(derived.name.as_deref(), Some("t.tab"));
        let original = expected_of(&tab, true);
        assert_eq!(
            original.checksum,
            Some((ChecksumAlgorithm::Md5, "00ff".to_string()))
        );
        assert_eq!(original.size, Some(40));
        assert_eq!(original.name.as_deref(), Some("t.csv"));
    }

    #[test]
    fn part_files_sit_beside_the_target() {
        assert_eq!(
            part_path(Path::new("out/data.csv")).unwrap(),
            PathBuf::from("out/.data.csv.part")
        );
        assert!(part_path(Path::new("/")).is_err());
    }

    #[test]
    fn requests() {
        let api = NativeApi::new("https://h").unwrap();
        let pid = PersistentOrId::parse("doi:10.5072/FK2/X").unwrap();
        let req = datafile_request(&pid, true);
        assert!(req.transfer);
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/datafile/:persistentId?persistentId=doi%3A10.5072%2FFK2%2FX&format=original"
        );
        assert_eq!(
            api.url_for(&datafile_request(&PersistentOrId::Id(9), false))
                .as_str(),
            "https://h/api/access/datafile/9"
        );
    }
}
