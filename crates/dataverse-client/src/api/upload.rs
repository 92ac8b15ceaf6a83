//! Streaming uploads: adding and replacing files, and syncing a whole directory.
//!
//! A file goes up as `multipart/form-data` with a `jsonData` part ([`UploadBody`]) and a
//! `file` part streamed in 256 KiB chunks, never read whole into memory. Its checksum is
//! computed while it streams, in the algorithm the server last reported for an uploaded
//! file (MD5 until then: [`NativeApi::upload_checksum_algorithm`]), and compared with the
//! checksum the server reports. When the server uses another algorithm, a file on disk is
//! read once more to check it, and the client remembers the algorithm for the next upload.
//!
//! Adding a file is not idempotent, so a failed add is never blindly sent again: when the
//! request may have reached the server (connection cut after sending, a 5xx answer, an
//! unreadable answer), the dataset's files are listed first, and a file with the same
//! name, folder and checksum is taken as the upload having succeeded. Only when none is
//! found is a path source sent again (a reader cannot be rewound: one attempt only).

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, stream};
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::background::{file_chunks, hash_queue, hashed, lock, thread_stopped};
use crate::checksum::{ChecksumAlgorithm, Hasher, digests_match, hash_file};
use crate::client::{Body, FormFactory, MultipartBody, NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::files::{Checksum, FileMetadata, UploadBody, UploadResponse};

/// A progress callback of one upload: (bytes sent, total bytes if known).
pub type UploadProgress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

const CHUNK: usize = 256 * 1024;

/// Chunks waiting for the hashing thread before sending waits for it (4 MiB).
const HASH_QUEUE: usize = 16;

type BoxReader = Pin<Box<dyn AsyncRead + Send>>;

/// The bytes of a source, in chunks.
type ChunkStream = Pin<Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send>>;

enum SourceKind {
    Path(PathBuf),
    Reader(Arc<Mutex<Option<BoxReader>>>),
}

/// What to upload: a file on disk, or any async reader with a file name.
///
/// A path can be sent again when an attempt fails (the file is reopened); a reader only once.
///
/// ```no_run
/// use dataverse_client::api::upload::UploadSource;
/// let from_disk = UploadSource::path("data/results.csv");
/// let from_memory = UploadSource::reader(std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), "t.csv")
///     .with_size(8)
///     .with_content_type("text/csv");
/// ```
pub struct UploadSource {
    kind: SourceKind,
    name: String,
    size: Option<u64>,
    content_type: Option<String>,
}

impl std::fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            SourceKind::Path(p) => format!("path {}", p.display()),
            SourceKind::Reader(_) => "reader".to_string(),
        };
        f.debug_struct("UploadSource")
            .field("kind", &kind)
            .field("name", &self.name)
            .field("size", &self.size)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl UploadSource {
    /// A file on disk; its name on the server is the path's file name.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        UploadSource {
            kind: SourceKind::Path(path),
            name,
            size: None,
            content_type: None,
        }
    }

    /// Any async reader, stored under `name`. Sent once, never retried. Without
    /// [`with_size`](Self::with_size) the body goes chunked and progress has no total.
    pub fn reader(reader: impl AsyncRead + Send + 'static, name: impl Into<String>) -> Self {
        UploadSource {
            kind: SourceKind::Reader(Arc::new(Mutex::new(Some(Box::pin(reader))))),
            name: name.into(),
            size: None,
            content_type: None,
        }
    }

    /// The reader's size in bytes (ignored for paths, whose size is read from disk).
    pub fn with_size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }

    /// The content type of the `file` part. Default: guessed from the name's extension,
    /// else `application/octet-stream` (the server then detects the type itself).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent to the server.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The file name sent to the server.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path, for a file on disk.
    pub fn local_path(&self) -> Option<&Path> {
        match &self.kind {
            SourceKind::Path(p) => Some(p),
            SourceKind::Reader(_) => None,
        }
    }

    /// Whether a failed attempt can be sent again (paths yes, readers no).
    pub fn is_rebuildable(&self) -> bool {
        matches!(self.kind, SourceKind::Path(_))
    }

    fn content_type(&self) -> String {
        self.content_type
            .clone()
            .unwrap_or_else(|| guess_content_type(&self.name).to_string())
    }
}

impl From<PathBuf> for UploadSource {
    fn from(p: PathBuf) -> Self {
        UploadSource::path(p)
    }
}

impl From<&Path> for UploadSource {
    fn from(p: &Path) -> Self {
        UploadSource::path(p)
    }
}

/// A string names a file on disk.
impl From<&str> for UploadSource {
    fn from(p: &str) -> Self {
        UploadSource::path(p)
    }
}

/// A string names a file on disk.
impl From<String> for UploadSource {
    fn from(p: String) -> Self {
        UploadSource::path(p)
    }
}

impl From<&PathBuf> for UploadSource {
    fn from(p: &PathBuf) -> Self {
        UploadSource::path(p.clone())
    }
}

/// A content type for a file name, by extension (`application/octet-stream` when unknown).
pub fn guess_content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "tab" => "text/tab-separated-values",
        "txt" | "text" => "text/plain",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "xml" => "text/xml",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "py" => "text/x-python",
        "r" => "type/x-r-syntax",
        "dta" => "application/x-stata",
        "sav" => "application/x-spss-sav",
        "por" => "application/x-spss-por",
        "rdata" => "application/x-rlang-transport",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// Options of [`NativeApi::upload_datafile_with`] and [`NativeApi::replace_datafile_with`].
#[derive(Clone, Default)]
pub struct UploadOptions {
    /// Called as bytes go out with (bytes sent, total if known).
    pub progress: Option<UploadProgress>,
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl UploadOptions {
    /// No progress callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// A progress callback: (bytes sent, total if known).
    pub fn progress(mut self, progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

/// What an upload or replace did.
#[derive(Debug, Clone)]
pub struct UploadReport {
    /// The server's answer (`files[0]` is the new file).
    pub response: UploadResponse,
    /// The checksum computed on this side (lowercase hex): of the bytes sent, while they
    /// streamed, in [`NativeApi::upload_checksum_algorithm`]. When the server reports
    /// another algorithm, that of a file on disk read again in the server's algorithm; after
    /// a lost answer, the one that matched the file found on the server.
    pub checksum: Checksum,
    /// How many bytes were sent.
    pub bytes: u64,
    /// The checksum the server reports for the new file.
    pub server_checksum: Option<Checksum>,
    /// Whether the server's checksum was compared with the local one and matched (false
    /// when the server reports none, or, for a reader source, an algorithm other than the
    /// one its bytes were hashed with as they streamed).
    pub checksum_verified: bool,
    /// How many times the file was sent (retries of refused or unsent attempts included).
    pub attempts: u32,
    /// Set when the answer was lost (the error is given here) but the file was then found
    /// on the server, with the same name, folder and checksum, and taken as uploaded.
    /// Such a file may also have been there before the upload.
    pub recovered_from: Option<String>,
    /// A warning the server added (e.g. that the same content is already in the dataset).
    pub server_message: Option<String>,
}

impl UploadReport {
    /// The new file (`files[0]` of the answer).
    pub fn file(&self) -> Option<&FileMetadata> {
        self.response.files.first()
    }
}

/// What the stream of the current attempt saw.
struct Tally {
    /// What every attempt hashes its bytes with.
    algorithm: ChecksumAlgorithm,
    generation: u64,
    /// The thread hashing the current attempt's bytes; it ends with the stream.
    hashing: Option<tokio::task::JoinHandle<Hasher>>,
    bytes: u64,
}

impl Tally {
    fn new(algorithm: ChecksumAlgorithm) -> Arc<Mutex<Tally>> {
        Arc::new(Mutex::new(Tally {
            algorithm,
            generation: 0,
            hashing: None,
            bytes: 0,
        }))
    }
}

/// The checksum of what the current attempt's stream read, and how many bytes that was.
/// Waits for the hashing thread, which ends once the stream has ended or been dropped.
async fn take_digest(tally: &Mutex<Tally>) -> std::io::Result<(Checksum, u64)> {
    let (hashing, algorithm, bytes) = {
        let mut t = lock(tally);
        (t.hashing.take(), t.algorithm, t.bytes)
    };
    let hasher = match hashing {
        Some(task) => hashed(task).await?,
        None => Hasher::new(algorithm),
    };
    Ok((Checksum::new(hasher.algorithm(), hasher.finalize()), bytes))
}

/// Where a file goes: added to a dataset, or replacing a file.
#[derive(Debug, Clone)]
enum Target {
    Add(PersistentOrId),
    Replace {
        file: PersistentOrId,
        /// The dataset of the file, for finding the result after a lost answer.
        dataset: Option<u64>,
    },
}

impl Target {
    fn request(&self) -> Request {
        match self {
            Target::Add(id) => {
                let seg = id.segment();
                Request::post(&["datasets", &seg, "add"]).target(id)
            }
            Target::Replace { file, .. } => {
                let seg = file.segment();
                Request::post(&["files", &seg, "replace"]).target(file)
            }
        }
    }
}

fn form_factory(
    source: &UploadSource,
    json: String,
    tally: Arc<Mutex<Tally>>,
    progress: Option<UploadProgress>,
) -> FormFactory {
    let name = source.name.clone();
    let content_type = source.content_type();
    let declared = source.size;
    let algorithm = lock(&tally).algorithm;
    let kind = match &source.kind {
        SourceKind::Path(p) => SourceKind::Path(p.clone()),
        SourceKind::Reader(r) => SourceKind::Reader(r.clone()),
    };
    Arc::new(move || {
        let (inner, len): (ChunkStream, Option<u64>) = match &kind {
            SourceKind::Path(path) => {
                let io = |operation: &str, source| Error::Io {
                    operation: operation.into(),
                    path: path.clone(),
                    source,
                };
                let file = std::fs::File::open(path).map_err(|e| io("opening", e))?;
                let len = file.metadata().map_err(|e| io("reading", e))?.len();
                (Box::pin(file_chunks(file, CHUNK)), Some(len))
            }
            SourceKind::Reader(slot) => {
                let reader = lock(slot).take().ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "the reader of '{name}' was already sent once and cannot be sent again"
                    ))
                })?;
                (
                    Box::pin(ReaderStream::with_capacity(reader, CHUNK)),
                    declared,
                )
            }
        };
        // Bytes are hashed on a thread of their own, so that sending does not wait for it.
        let (queue, hashing) = hash_queue(Hasher::new(algorithm), HASH_QUEUE);
        let generation = {
            let mut t = lock(&tally);
            t.generation += 1;
            t.hashing = Some(hashing);
            t.bytes = 0;
            t.generation
        };
        let tally = tally.clone();
        let progress = progress.clone();
        let state = (inner, Some(queue));
        let chunks = stream::unfold(state, move |(mut inner, queue)| {
            let tally = tally.clone();
            let progress = progress.clone();
            async move {
                let bytes = match inner.next().await {
                    Some(Ok(bytes)) => bytes,
                    // The queue is dropped with the error or at the end: the thread stops.
                    Some(Err(e)) => return Some((Err(e), (inner, None))),
                    None => return None,
                };
                let done = {
                    let mut t = lock(&tally);
                    (t.generation == generation).then(|| {
                        t.bytes += bytes.len() as u64;
                        t.bytes
                    })
                };
                if done.is_some()
                    && let Some(q) = &queue
                    && q.send(bytes.clone()).await.is_err()
                {
                    return Some((Err(thread_stopped("checksum")), (inner, None)));
                }
                if let (Some(done), Some(p)) = (done, &progress) {
                    p(done, len);
                }
                Some((Ok(bytes), (inner, queue)))
            }
        });
        let body = reqwest::Body::wrap_stream(chunks);
        let part = match len {
            Some(n) => reqwest::multipart::Part::stream_with_length(body, n),
            None => reqwest::multipart::Part::stream(body),
        };
        let part = part
            .file_name(name.clone())
            .mime_str(&content_type)
            .map_err(|e| {
                Error::InvalidArgument(format!("content type '{content_type}' is not valid: {e}"))
            })?;
        Ok(reqwest::multipart::Form::new()
            .text("jsonData", json.clone())
            .part("file", part))
    })
}

/// A failure of the hashing thread of an upload of `source`.
fn hashing_error(source: &UploadSource, e: std::io::Error) -> Error {
    Error::Io {
        operation: "hashing".into(),
        path: source
            .local_path()
            .map_or_else(|| PathBuf::from(&source.name), Path::to_path_buf),
        source: e,
    }
}

/// Whether a failed request may have had its effect on the server.
fn may_have_reached(err: &Error) -> bool {
    match err {
        Error::Transport { maybe_sent, .. } => *maybe_sent,
        Error::Server(api) => api.status >= 500,
        Error::Decode { .. } => true,
        _ => false,
    }
}

fn norm_dir(d: Option<&str>) -> &str {
    d.map(|d| d.trim_matches('/')).unwrap_or("")
}

/// Whether remote file `f` is stored under `name` (its label, or its original name when
/// tabular ingest renamed it to `.tab`).
fn has_name(f: &FileMetadata, name: &str) -> bool {
    f.label == name
        || (f.data_file.is_tabular() && f.data_file.original_file_name.as_deref() == Some(name))
}

/// The local side of checksum comparisons, in whatever algorithm each remote file has.
struct LocalDigest<'a> {
    /// A file on disk, hashed whole the first time an algorithm is asked for.
    path: Option<&'a Path>,
    /// The digests known so far; `None` for an algorithm the bytes cannot be hashed with
    /// (a file that could not be read, or a reader's bytes that are gone).
    known: Vec<(ChecksumAlgorithm, Option<String>)>,
}

impl<'a> LocalDigest<'a> {
    /// A file on disk.
    fn path(path: &'a Path) -> Self {
        LocalDigest {
            path: Some(path),
            known: Vec::new(),
        }
    }

    /// Bytes that were read once (a reader's): only their checksum as streamed is known.
    fn streamed(checksum: &Checksum) -> Self {
        LocalDigest {
            path: None,
            known: checksum
                .algorithm()
                .map(|alg| (alg, Some(checksum.value.clone())))
                .into_iter()
                .collect(),
        }
    }

    /// The local checksum, when it equals the one the server reports for `f` (compared in
    /// the algorithm of `f`).
    async fn matches(&mut self, f: &FileMetadata) -> Option<Checksum> {
        let (alg, expected) = f.data_file.verifiable_checksum()?;
        let actual = match self.known.iter().find(|(a, _)| *a == alg) {
            Some((_, digest)) => digest.clone(),
            None => {
                let digest = match self.path {
                    Some(p) => hash_file(p, alg).await.ok(),
                    None => None,
                };
                self.known.push((alg, digest.clone()));
                digest
            }
        }?;
        digests_match(expected, &actual).then(|| Checksum::new(alg, actual))
    }
}

impl NativeApi {
    /// Add a file to a dataset (creating its draft if needed), streamed from disk or a
    /// reader, with `metadata` as its `jsonData`. Returns the server's answer; the new
    /// file is `files[0]`. The checksum of the bytes sent, computed while they stream, is
    /// compared with the server's: a difference is [`Error::ChecksumMismatch`].
    ///
    /// See [`upload_datafile_with`](Self::upload_datafile_with) for progress and details.
    ///
    /// Endpoint: `POST /api/datasets/{id}/add` (multipart `file` + `jsonData`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::upload::UploadSource;
    /// use dataverse_client::models::files::UploadBody;
    /// let body = UploadBody {
    ///     description: Some("Analysis results".into()),
    ///     directory_label: Some("analysis".into()),
    ///     restrict: Some(false),
    ///     ..Default::default()
    /// };
    /// let response = api
    ///     .upload_datafile("doi:10.5072/FK2/ABC123", UploadSource::path("data/results.csv"), &body)
    ///     .await?;
    /// println!("{:?}", response.files[0].data_file.id);
    /// # Ok(()) }
    /// ```
    pub async fn upload_datafile(
        &self,
        identifier: impl IntoPersistentOrId,
        file: impl Into<UploadSource>,
        metadata: &UploadBody,
    ) -> Result<UploadResponse> {
        Ok(self
            .upload_datafile_with(identifier, file, metadata, UploadOptions::default())
            .await?
            .response)
    }

    /// [`upload_datafile`](Self::upload_datafile) with options (a progress callback), and
    /// a report: the checksum and size of what was sent, whether the server's checksum
    /// matched, how many attempts it took, and whether a lost answer was recovered.
    ///
    /// The bytes are hashed as they stream with
    /// [`upload_checksum_algorithm`](Self::upload_checksum_algorithm), and the algorithm
    /// the server reports for the new file is remembered for the next upload. When the two
    /// differ (the first upload to a server configured for SHA-1, SHA-256 or SHA-512), a
    /// path source is read once more to verify it, and a reader source is left unverified.
    ///
    /// The upload has no total timeout (only the connect and idle timeouts apply). When an
    /// attempt fails after it may have reached the server, the dataset's draft is listed:
    /// a file there with the same name, folder and checksum ends the upload as a success
    /// (`recovered_from` says so); otherwise a path source is sent again, up to the retry
    /// policy's attempts, and a reader source fails with the error.
    ///
    /// Endpoint: `POST /api/datasets/{id}/add` (+ `GET /api/datasets/{id}/versions/:draft/files`
    /// after a failure)
    pub async fn upload_datafile_with(
        &self,
        identifier: impl IntoPersistentOrId,
        file: impl Into<UploadSource>,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        let id = identifier.into_persistent_or_id()?;
        self.send_file(Target::Add(id), file.into(), metadata, options)
            .await
    }

    /// Replace a file with new content. The server does not carry the old file's metadata
    /// over: give description, folder, categories again in `metadata`. When the content
    /// type differs from the old file's the server refuses unless `force_replace` is set.
    /// The new file keeps the lineage (`rootDataFileId`, `previousDataFileId`).
    ///
    /// Endpoint: `POST /api/files/{id}/replace` (multipart `file` + `jsonData`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::upload::UploadSource;
    /// use dataverse_client::models::files::UploadBody;
    /// let body = UploadBody { description: Some("Updated analysis results".into()), ..Default::default() };
    /// api.replace_datafile(12345, UploadSource::path("data/results_v2.csv"), &body).await?;
    /// # Ok(()) }
    /// ```
    pub async fn replace_datafile(
        &self,
        file: impl IntoPersistentOrId,
        new_file: impl Into<UploadSource>,
        metadata: &UploadBody,
    ) -> Result<UploadResponse> {
        Ok(self
            .replace_datafile_with(file, new_file, metadata, UploadOptions::default())
            .await?
            .response)
    }

    /// [`replace_datafile`](Self::replace_datafile) with options and a report, like
    /// [`upload_datafile_with`](Self::upload_datafile_with). After a failure that may have
    /// reached the server, a file in the draft whose `previousDataFileId` is the replaced
    /// file and whose checksum matches is taken as the result.
    ///
    /// Endpoint: `GET /api/files/{id}?returnDatasetVersion=true`, then
    /// `POST /api/files/{id}/replace`
    pub async fn replace_datafile_with(
        &self,
        file: impl IntoPersistentOrId,
        new_file: impl Into<UploadSource>,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        let file = file.into_persistent_or_id()?;
        // The dataset, to look for the result if the answer gets lost. A failure here is
        // left to the replace itself to report.
        let dataset = match self
            .execute::<FileMetadata>(
                crate::api::files::file_request(Request::get, &file, &[])
                    .query("returnDatasetVersion", true),
            )
            .await
        {
            Ok(fm) => fm.dataset_version.and_then(|v| v.dataset_id),
            Err(e @ (Error::NotFound(_) | Error::Unauthorized(_))) => return Err(e),
            Err(_) => None,
        };
        self.send_file(
            Target::Replace { file, dataset },
            new_file.into(),
            metadata,
            options,
        )
        .await
    }

    async fn send_file(
        &self,
        target: Target,
        source: UploadSource,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        if source.name.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "the file to upload has no name".into(),
            ));
        }
        if let Some(dir) = metadata.directory_label.as_deref() {
            check_directory_label(dir)?;
        }
        let tally = Tally::new(self.upload_checksum_algorithm());
        let factory = form_factory(
            &source,
            metadata.to_json_string(),
            tally.clone(),
            options.progress.clone(),
        );
        let rebuildable = source.is_rebuildable();
        let policy = self.retry_policy().clone();
        let max_attempts = if rebuildable {
            policy.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt: u32 = 1;
        let mut previous_delay: Option<Duration> = None;
        loop {
            let mut req = target.request().transfer();
            req.body = Some(Body::Multipart(MultipartBody {
                form: factory.clone(),
                rebuildable,
            }));
            let err = match self.execute_envelope(&req).await {
                Ok((env, url)) => {
                    let response: UploadResponse =
                        crate::client::decode(&req, &url, env.data.clone())?;
                    let (checksum, bytes) = take_digest(&tally)
                        .await
                        .map_err(|e| hashing_error(&source, e))?;
                    let sends = lock(&tally).generation;
                    let mut report = UploadReport {
                        response,
                        checksum,
                        bytes,
                        server_checksum: None,
                        checksum_verified: false,
                        attempts: u32::try_from(sends).unwrap_or(u32::MAX).max(attempt),
                        recovered_from: None,
                        server_message: env.message_text(),
                    };
                    self.verify(&mut report, &source).await?;
                    return Ok(report);
                }
                Err(e) => e,
            };
            if !may_have_reached(&err) {
                return Err(err);
            }
            tracing::warn!(file = %source.name, attempt, error = %err, "upload failed after it may have reached the server; looking for the file");
            let (streamed, bytes) = take_digest(&tally)
                .await
                .map_err(|e| hashing_error(&source, e))?;
            // A path is hashed whole (the attempt may have stopped half-way); of a reader
            // only the checksum of what was read of it is known.
            let mut local = match source.local_path() {
                Some(p) => LocalDigest::path(p),
                None => LocalDigest::streamed(&streamed),
            };
            match self.find_sent(&target, &source, metadata, &mut local).await {
                Ok(Some((found, checksum))) => {
                    if let Some((alg, _)) = found.data_file.verifiable_checksum() {
                        self.set_upload_checksum_algorithm(alg);
                    }
                    let sends = lock(&tally).generation;
                    return Ok(UploadReport {
                        server_checksum: found.data_file.checksum.clone(),
                        // Found by comparing its checksum with the local bytes.
                        checksum_verified: true,
                        response: UploadResponse {
                            files: vec![found],
                            extra: Default::default(),
                        },
                        checksum,
                        bytes: if rebuildable {
                            source
                                .local_path()
                                .and_then(|p| std::fs::metadata(p).ok())
                                .map_or(bytes, |m| m.len())
                        } else {
                            bytes
                        },
                        attempts: u32::try_from(sends).unwrap_or(u32::MAX).max(attempt),
                        recovered_from: Some(err.to_string()),
                        server_message: None,
                    });
                }
                Ok(None) => {}
                Err(list_err) => {
                    tracing::warn!(error = %list_err, "could not list the dataset's files; not sending the file again");
                    return Err(err);
                }
            }
            if attempt >= max_attempts {
                return Err(err);
            }
            let delay = policy.next_delay(previous_delay);
            tracing::warn!(file = %source.name, attempt, delay_ms = delay.as_millis() as u64, "the file is not on the server; sending it again");
            tokio::time::sleep(delay).await;
            previous_delay = Some(delay);
            attempt += 1;
        }
    }

    /// Compare the server's checksum of the new file with the bytes sent, and remember the
    /// server's algorithm for the next upload.
    async fn verify(&self, report: &mut UploadReport, source: &UploadSource) -> Result<()> {
        let Some(f) = report.response.files.first() else {
            return Ok(());
        };
        report.server_checksum = f.data_file.checksum.clone();
        let Some((alg, expected)) = f.data_file.verifiable_checksum() else {
            return Ok(());
        };
        self.set_upload_checksum_algorithm(alg);
        if report.checksum.algorithm() != Some(alg) {
            // Hashed in another algorithm as it streamed: only a file on disk can be read
            // again in the server's.
            let Some(p) = source.local_path() else {
                return Ok(());
            };
            match hash_file(p, alg).await {
                Ok(digest) => report.checksum = Checksum::new(alg, digest),
                Err(e) => {
                    tracing::warn!(file = %p.display(), error = %e, "could not read the file again to verify its {alg} checksum");
                    return Ok(());
                }
            }
        }
        let actual = &report.checksum.value;
        if digests_match(expected, actual) {
            report.checksum_verified = true;
            return Ok(());
        }
        Err(Error::ChecksumMismatch {
            file: format!(
                "uploaded '{}' (file id {})",
                source.name,
                f.data_file
                    .id
                    .map_or_else(|| "unknown".to_string(), |i| i.to_string())
            ),
            algorithm: alg,
            expected: expected.to_string(),
            actual: actual.clone(),
        })
    }

    /// After a failure: the file the failed request may have created, if it is there, and
    /// the local checksum that matched its checksum.
    async fn find_sent(
        &self,
        target: &Target,
        source: &UploadSource,
        metadata: &UploadBody,
        local: &mut LocalDigest<'_>,
    ) -> Result<Option<(FileMetadata, Checksum)>> {
        let (dataset, replaced) = match target {
            Target::Add(id) => (id.clone(), None),
            Target::Replace {
                dataset: Some(ds),
                file,
            } => (PersistentOrId::Id(*ds), Some(file)),
            Target::Replace { dataset: None, .. } => return Ok(None),
        };
        let files = match self
            .get_datafiles_metadata(&dataset, Some(Version::Draft), &[])
            .await
        {
            Ok(f) => f,
            // No draft: nothing was added.
            Err(Error::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let name = metadata.label.as_deref().unwrap_or(&source.name);
        let dir = norm_dir(metadata.directory_label.as_deref());
        for f in files {
            let candidate = match replaced {
                None => has_name(&f, name) && norm_dir(f.directory_label.as_deref()) == dir,
                Some(PersistentOrId::Id(old)) => {
                    f.data_file.previous_data_file_id == Some(*old as i64)
                }
                // A replaced file named by PID: match on the name instead.
                Some(PersistentOrId::Pid(_)) => has_name(&f, name),
            };
            if !candidate {
                continue;
            }
            if let Some(checksum) = local.matches(&f).await {
                return Ok(Some((f, checksum)));
            }
        }
        Ok(None)
    }
}

/// Refuse directory labels the server would refuse (absolute, `..`).
fn check_directory_label(dir: &str) -> Result<()> {
    if dir.starts_with('/') || dir.starts_with('\\') || dir.split(['/', '\\']).any(|s| s == "..") {
        return Err(Error::InvalidArgument(format!(
            "directory label '{dir}' must be a relative path without '..'"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// upload_directory

/// Progress of [`NativeApi::upload_directory`].
#[derive(Debug, Clone, Default)]
pub struct DirectoryProgress {
    /// Files finished (uploaded, replaced, skipped or failed).
    pub files_done: usize,
    /// Files found in the directory.
    pub files_total: usize,
    /// Bytes sent or found already on the server.
    pub bytes_done: u64,
    /// Bytes of all files found.
    pub bytes_total: u64,
}

/// A progress callback of [`NativeApi::upload_directory`].
pub type DirectoryProgressFn = Arc<dyn Fn(&DirectoryProgress) + Send + Sync>;

/// Options of [`NativeApi::upload_directory`].
#[derive(Clone, Default)]
pub struct UploadDirectoryOptions {
    /// Files sent at once; default [`NativeApi::max_concurrency`]. 0 is taken as 1.
    pub concurrency: Option<usize>,
    /// Metadata applied to every file (description, categories, restrict, tabIngest...).
    /// Its `directory_label`, if set, is the folder the directory goes into; `label` is ignored.
    pub metadata: UploadBody,
    /// Replace files whose path exists in the dataset with other content (default true when
    /// built with [`new`](Self::new)); false leaves them and reports them as skipped.
    pub replace_changed: bool,
    /// Also send files and folders whose name starts with `.` (default false).
    pub include_hidden: bool,
    /// Called after each chunk and each file.
    pub progress: Option<DirectoryProgressFn>,
}

impl std::fmt::Debug for UploadDirectoryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadDirectoryOptions")
            .field("concurrency", &self.concurrency)
            .field("metadata", &self.metadata)
            .field("replace_changed", &self.replace_changed)
            .field("include_hidden", &self.include_hidden)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl UploadDirectoryOptions {
    /// Defaults: the client's concurrency, changed files replaced, hidden files left out.
    pub fn new() -> Self {
        UploadDirectoryOptions {
            replace_changed: true,
            ..Default::default()
        }
    }

    /// How many files are sent at once.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n);
        self
    }

    /// Metadata for every file.
    pub fn metadata(mut self, metadata: UploadBody) -> Self {
        self.metadata = metadata;
        self
    }

    /// Whether changed files are replaced.
    pub fn replace_changed(mut self, replace: bool) -> Self {
        self.replace_changed = replace;
        self
    }

    /// Whether dot files are sent too.
    pub fn include_hidden(mut self, include: bool) -> Self {
        self.include_hidden = include;
        self
    }

    /// A progress callback.
    pub fn progress(mut self, f: impl Fn(&DirectoryProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }
}

/// One file of an [`UploadDirectorySummary`] that is on the server.
#[derive(Debug, Clone)]
pub struct DirectoryFile {
    /// Path relative to the uploaded directory.
    pub path: PathBuf,
    /// The file on the server.
    pub file: FileMetadata,
}

/// What [`NativeApi::upload_directory`] did, file by file.
#[derive(Debug, Default)]
pub struct UploadDirectorySummary {
    /// New files added.
    pub uploaded: Vec<DirectoryFile>,
    /// Files already in the dataset at the same path with the same checksum (or changed
    /// ones when `replace_changed` is off).
    pub skipped: Vec<DirectoryFile>,
    /// Files whose path was in the dataset with other content, now replaced.
    pub replaced: Vec<DirectoryFile>,
    /// Files that could not be sent, with the reason.
    pub failed: Vec<(PathBuf, Error)>,
    /// Bytes sent.
    pub bytes_sent: u64,
}

impl UploadDirectorySummary {
    /// Whether every file is on the server.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
    }
}

struct LocalFile {
    path: PathBuf,
    relative: PathBuf,
    /// `a/b` of the relative parent (with the options' folder in front), or empty.
    dir: String,
    name: String,
    size: u64,
}

/// The files found, and the entries that could not be read.
type Walked = (Vec<LocalFile>, Vec<(PathBuf, Error)>);

enum Outcome {
    Uploaded(DirectoryFile, u64),
    Replaced(DirectoryFile, u64),
    Skipped(DirectoryFile),
    Failed(PathBuf, Error),
}

fn walk(root: &Path, prefix: &str, include_hidden: bool) -> Result<Walked> {
    let io = |operation: &str, path: &Path, source| Error::Io {
        operation: operation.into(),
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(root).map_err(|e| io("reading", root, e))?;
    if !meta.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{} is not a directory",
            root.display()
        )));
    }
    let mut files = Vec::new();
    let mut failed = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
                failed.push((rel, io("listing", &dir, e)));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
                    failed.push((rel, io("listing", &dir, e)));
                    continue;
                }
            };
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str() else {
                failed.push((
                    rel,
                    Error::InvalidArgument(format!(
                        "{} has a name that is not UTF-8",
                        path.display()
                    )),
                ));
                continue;
            };
            if !include_hidden && name.starts_with('.') {
                continue;
            }
            // Symbolic links are not followed (no loops, nothing outside the directory).
            let ft = match entry.file_type() {
                Ok(t) => t,
                Err(e) => {
                    failed.push((rel, io("reading", &path, e)));
                    continue;
                }
            };
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                let size = match entry.metadata() {
                    Ok(m) => m.len(),
                    Err(e) => {
                        failed.push((rel, io("reading", &path, e)));
                        continue;
                    }
                };
                let mut parts: Vec<String> = Vec::new();
                if !prefix.is_empty() {
                    parts.push(prefix.to_string());
                }
                let mut bad = false;
                if let Some(parent) = rel.parent() {
                    for c in parent.components() {
                        match c.as_os_str().to_str() {
                            Some(s) => parts.push(s.to_string()),
                            None => bad = true,
                        }
                    }
                }
                if bad {
                    failed.push((
                        rel.clone(),
                        Error::InvalidArgument(format!(
                            "{} has a folder name that is not UTF-8",
                            path.display()
                        )),
                    ));
                    continue;
                }
                files.push(LocalFile {
                    path,
                    relative: rel,
                    dir: parts.join("/"),
                    name: name.to_string(),
                    size,
                });
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, failed))
}

impl NativeApi {
    /// Send a local directory to a dataset: every file under `dir` (recursively; symbolic
    /// links and, unless asked, dot files left out), with its relative folder as its
    /// directory label. Files already in the dataset at the same path with the same
    /// checksum are skipped, files at the same path with other content are replaced
    /// (`forceReplace`; a file never published, which Dataverse will not replace, is
    /// deleted from the draft and added again), the rest are added; up to `concurrency`
    /// at once. Running it twice
    /// sends nothing the second time. A tabular file ingested into `name.tab` is matched by
    /// its original name.
    ///
    /// Failures of single files do not stop the others: they are listed in the summary.
    /// Note that a real Dataverse may refuse concurrent adds to one dataset (optimistic
    /// locking); use `concurrency(1)` there if files fail that way.
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/:latest/files`, then per file
    /// `POST /api/datasets/{id}/add`, `POST /api/files/{id}/replace` or
    /// `DELETE /api/files/{id}` + add
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::upload::UploadDirectoryOptions;
    /// let summary = api
    ///     .upload_directory("doi:10.5072/FK2/ABC123", "data/".as_ref(), UploadDirectoryOptions::new().concurrency(4))
    ///     .await?;
    /// println!("{} up, {} skipped, {} replaced, {} failed",
    ///     summary.uploaded.len(), summary.skipped.len(), summary.replaced.len(), summary.failed.len());
    /// # Ok(()) }
    /// ```
    pub async fn upload_directory(
        &self,
        identifier: impl IntoPersistentOrId,
        dir: &Path,
        options: UploadDirectoryOptions,
    ) -> Result<UploadDirectorySummary> {
        let id = identifier.into_persistent_or_id()?;
        let prefix = options
            .metadata
            .directory_label
            .as_deref()
            .map(|d| d.trim_matches('/').to_string())
            .unwrap_or_default();
        if !prefix.is_empty() {
            check_directory_label(&prefix)?;
        }
        let root = dir.to_path_buf();
        let include_hidden = options.include_hidden;
        let walk_prefix = prefix.clone();
        let (files, walk_failed) =
            tokio::task::spawn_blocking(move || walk(&root, &walk_prefix, include_hidden))
                .await
                .map_err(|e| {
                    Error::InvalidArgument(format!("walking the directory failed: {e}"))
                })??;

        let remote = match self
            .get_datafiles_metadata(&id, Some(Version::Latest), &[])
            .await
        {
            Ok(f) => f,
            Err(e) => return Err(e),
        };
        // The dataset's newest file tells which algorithm the server uses now, so that even
        // the first upload streams the right checksum.
        if let Some((_, alg)) = remote
            .iter()
            .filter_map(|f| Some((f.data_file.id?, f.data_file.verifiable_checksum()?.0)))
            .max_by_key(|(id, _)| *id)
        {
            self.set_upload_checksum_algorithm(alg);
        }
        let mut by_path: std::collections::HashMap<(String, String), FileMetadata> =
            std::collections::HashMap::new();
        for f in remote {
            let dir = norm_dir(f.directory_label.as_deref()).to_string();
            if f.data_file.is_tabular()
                && let Some(orig) = f.data_file.original_file_name.clone()
            {
                by_path
                    .entry((dir.clone(), orig))
                    .or_insert_with(|| f.clone());
            }
            by_path.insert((dir, f.label.clone()), f);
        }

        let total = DirectoryProgress {
            files_done: 0,
            files_total: files.len(),
            bytes_done: 0,
            bytes_total: files.iter().map(|f| f.size).sum(),
        };
        let files_done = Arc::new(AtomicUsize::new(0));
        let bytes_done = Arc::new(AtomicU64::new(0));
        let report = {
            let progress = options.progress.clone();
            let files_done = files_done.clone();
            let bytes_done = bytes_done.clone();
            move || {
                if let Some(p) = &progress {
                    p(&DirectoryProgress {
                        files_done: files_done.load(Ordering::Relaxed),
                        bytes_done: bytes_done.load(Ordering::Relaxed),
                        ..total.clone()
                    });
                }
            }
        };
        let report = Arc::new(report);
        let concurrency = options.concurrency.unwrap_or(self.max_concurrency()).max(1);
        let by_path = Arc::new(by_path);

        let outcomes: Vec<Outcome> = stream::iter(files)
            .map(|local| {
                let by_path = by_path.clone();
                let report = report.clone();
                let files_done = files_done.clone();
                let bytes_done = bytes_done.clone();
                let options = &options;
                let id = &id;
                async move {
                    let outcome = self
                        .sync_one(
                            id,
                            &local,
                            &by_path,
                            options,
                            bytes_done.clone(),
                            report.clone(),
                        )
                        .await;
                    files_done.fetch_add(1, Ordering::Relaxed);
                    report();
                    outcome
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;

        let mut summary = UploadDirectorySummary {
            failed: walk_failed,
            ..Default::default()
        };
        for o in outcomes {
            match o {
                Outcome::Uploaded(f, n) => {
                    summary.bytes_sent += n;
                    summary.uploaded.push(f);
                }
                Outcome::Replaced(f, n) => {
                    summary.bytes_sent += n;
                    summary.replaced.push(f);
                }
                Outcome::Skipped(f) => summary.skipped.push(f),
                Outcome::Failed(p, e) => summary.failed.push((p, e)),
            }
        }
        for list in [
            &mut summary.uploaded,
            &mut summary.skipped,
            &mut summary.replaced,
        ] {
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
        summary.failed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(summary)
    }

    async fn sync_one(
        &self,
        dataset: &PersistentOrId,
        local: &LocalFile,
        by_path: &std::collections::HashMap<(String, String), FileMetadata>,
        options: &UploadDirectoryOptions,
        bytes_done: Arc<AtomicU64>,
        report: Arc<dyn Fn() + Send + Sync>,
    ) -> Outcome {
        let mut body = options.metadata.clone();
        body.label = None;
        body.directory_label = (!local.dir.is_empty()).then(|| local.dir.clone());
        let existing = by_path.get(&(local.dir.clone(), local.name.clone()));
        if let Some(remote) = existing {
            let same = LocalDigest::path(&local.path)
                .matches(remote)
                .await
                .is_some();
            if same || !options.replace_changed {
                bytes_done.fetch_add(local.size, Ordering::Relaxed);
                return Outcome::Skipped(DirectoryFile {
                    path: local.relative.clone(),
                    file: remote.clone(),
                });
            }
        }
        // Per-file progress feeds the directory's byte count.
        let sent = Arc::new(AtomicU64::new(0));
        let upload_options = UploadOptions {
            progress: Some({
                let sent = sent.clone();
                let bytes_done = bytes_done.clone();
                let report = report.clone();
                Arc::new(move |done: u64, _total: Option<u64>| {
                    let before = sent.swap(done, Ordering::Relaxed);
                    if done >= before {
                        bytes_done.fetch_add(done - before, Ordering::Relaxed);
                    } else {
                        // A new attempt started from zero.
                        bytes_done.fetch_sub(before - done, Ordering::Relaxed);
                    }
                    report();
                })
            }),
        };
        let source = UploadSource::path(&local.path);
        let existing = existing.and_then(|r| {
            r.data_file
                .id
                .map(|id| (id, r.data_file.publication_date.is_some()))
        });
        let result = match existing {
            Some((old, true)) => {
                body.force_replace = Some(true);
                self.replace_datafile_with(old, source, &body, upload_options)
                    .await
                    .map(|r| (true, r))
            }
            // Dataverse replaces published files only: a file that exists in the draft
            // alone is deleted and added again.
            Some((old, false)) => match self.delete_datafile(old).await {
                Ok(_) => self
                    .upload_datafile_with(dataset, source, &body, upload_options)
                    .await
                    .map(|r| (true, r)),
                Err(e) => Err(e),
            },
            None => self
                .upload_datafile_with(dataset, source, &body, upload_options)
                .await
                .map(|r| (false, r)),
        };
        match result {
            Ok((replaced, r)) => {
                let bytes = r.bytes;
                let Some(file) = r.response.files.into_iter().next() else {
                    return Outcome::Failed(
                        local.relative.clone(),
                        Error::InvalidArgument("the server's answer lists no file".into()),
                    );
                };
                let f = DirectoryFile {
                    path: local.relative.clone(),
                    file,
                };
                if replaced {
                    Outcome::Replaced(f, bytes)
                } else {
                    Outcome::Uploaded(f, bytes)
                }
            }
            Err(e) => {
                let before = sent.swap(0, Ordering::Relaxed);
                bytes_done.fetch_sub(before, Ordering::Relaxed);
                Outcome::Failed(local.relative.clone(), e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(guess_content_type("a.CSV"), "text/csv");
        assert_eq!(guess_content_type("noext"), "application/octet-stream");
        assert_eq!(guess_content_type("x.tar.gz"), "application/gzip");
    }

    #[test]
    fn directory_labels() {
        assert!(check_directory_label("a/b").is_ok());
        assert!(check_directory_label("/a").is_err());
        assert!(check_directory_label("a/../b").is_err());
        assert!(check_directory_label("..").is_err());
        assert_eq!(norm_dir(Some("/a/b/")), "a/b");
        assert_eq!(norm_dir(None), "");
    }

    #[test]
    fn reached_or_not() {
        let t = |maybe_sent| Error::Transport {
            method: "POST".into(),
            url: "u".into(),
            message: "m".into(),
            maybe_sent,
            timeout: false,
            source: None,
        };
        assert!(may_have_reached(&t(true)));
        assert!(!may_have_reached(&t(false)));
        assert!(!may_have_reached(&Error::InvalidArgument("x".into())));
    }

    fn digest(algorithm: ChecksumAlgorithm, data: &[u8]) -> String {
        let mut h = Hasher::new(algorithm);
        h.update(data);
        h.finalize()
    }

    #[tokio::test]
    async fn the_form_streams_and_hashes_each_attempt_afresh() {
        let dir = std::env::temp_dir().join(format!("dv-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        let data: Vec<u8> = (0..600_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for alg in [ChecksumAlgorithm::Md5, ChecksumAlgorithm::Sha256] {
            let expected = Checksum::new(alg, digest(alg, &data));
            let tally = Tally::new(alg);
            let seen = Arc::new(AtomicU64::new(0));
            let seen2 = seen.clone();
            let factory = form_factory(
                &UploadSource::path(&path),
                "{}".into(),
                tally.clone(),
                Some(Arc::new(move |done, total| {
                    assert_eq!(total, Some(600_000));
                    seen2.store(done, Ordering::Relaxed);
                })),
            );
            for _ in 0..2 {
                let form = factory().unwrap();
                let boundary = form.boundary().to_string();
                let mut body = form.into_stream();
                let mut out = Vec::new();
                while let Some(chunk) = body.next().await {
                    out.extend_from_slice(&chunk.unwrap());
                }
                let text = String::from_utf8_lossy(&out);
                assert!(text.contains("name=\"jsonData\""));
                assert!(text.contains("filename=\"f.bin\""));
                assert!(text.contains(&boundary));
                let (checksum, bytes) = take_digest(&tally).await.unwrap();
                assert_eq!(bytes, 600_000);
                assert_eq!(checksum, expected);
                assert_eq!(seen.load(Ordering::Relaxed), 600_000);
            }
            // A reader too, and it can be turned into a form only once.
            let once = form_factory(
                &UploadSource::reader(std::io::Cursor::new(data.clone()), "r.bin"),
                "{}".into(),
                tally.clone(),
                None,
            );
            let mut body = once().unwrap().into_stream();
            while let Some(chunk) = body.next().await {
                chunk.unwrap();
            }
            let (checksum, bytes) = take_digest(&tally).await.unwrap();
            assert_eq!(bytes, 600_000);
            assert_eq!(checksum, expected);
            assert!(matches!(once(), Err(Error::InvalidArgument(_))));
        }
        // Nothing streamed yet: the empty digest, still in the tally's algorithm.
        let (checksum, bytes) = take_digest(&Tally::new(ChecksumAlgorithm::Sha1))
            .await
            .unwrap();
        assert_eq!(bytes, 0);
        assert_eq!(
            checksum,
            Checksum::new(
                ChecksumAlgorithm::Sha1,
                digest(ChecksumAlgorithm::Sha1, b"")
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn local_digests_compare_in_the_remote_files_algorithm() {
        let dir = std::env::temp_dir().join(format!("dv-local-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        let data = b"some bytes\n".repeat(100);
        std::fs::write(&path, &data).unwrap();
        let remote = |alg: ChecksumAlgorithm, value: String| {
            serde_json::from_value::<FileMetadata>(serde_json::json!({
                "label": "f.bin",
                "dataFile": {"id": 1, "filesize": data.len(), "checksum": {"type": alg.as_str(), "value": value}}
            }))
            .unwrap()
        };
        let mut on_disk = LocalDigest::path(&path);
        for alg in ChecksumAlgorithm::ALL {
            let expected = Checksum::new(alg, digest(alg, &data));
            let same = remote(alg, expected.value.to_uppercase());
            assert_eq!(on_disk.matches(&same).await, Some(expected));
            assert_eq!(on_disk.matches(&remote(alg, "00".into())).await, None);
        }
        assert_eq!(on_disk.known.len(), 4, "each algorithm hashed once");
        // A reader's bytes are gone: only the algorithm they streamed with can match.
        let sha256 = Checksum::new(
            ChecksumAlgorithm::Sha256,
            digest(ChecksumAlgorithm::Sha256, &data),
        );
        let mut streamed = LocalDigest::streamed(&sha256);
        assert_eq!(
            streamed
                .matches(&remote(ChecksumAlgorithm::Sha256, sha256.value.clone()))
                .await,
            Some(sha256)
        );
        let md5 = digest(ChecksumAlgorithm::Md5, &data);
        assert_eq!(
            streamed.matches(&remote(ChecksumAlgorithm::Md5, md5)).await,
            None
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// What the scripted server of the algorithm tests does.
    struct Script {
        /// The checksum type it reports.
        algorithm: ChecksumAlgorithm,
        /// The bytes whose checksum it reports.
        content: Vec<u8>,
        /// Report a wrong checksum.
        corrupt: bool,
        /// Answer every add with a 500 (the draft listing still has the file).
        fail_add: bool,
    }

    /// The one file of the scripted server, as it describes it.
    fn scripted_file(s: &Script) -> serde_json::Value {
        let value = if s.corrupt {
            "0".repeat(s.algorithm.hex_len())
        } else {
            digest(s.algorithm, &s.content)
        };
        let mut data_file = serde_json::json!({
            "id": 7, "filename": "f.bin", "contentType": "application/octet-stream",
            "filesize": s.content.len(), "checksum": {"type": s.algorithm.as_str(), "value": value},
            "tabularData": false, "rootDataFileId": -1
        });
        if s.algorithm == ChecksumAlgorithm::Md5 {
            data_file["md5"] = value.into();
        }
        serde_json::json!({"label": "f.bin", "restricted": false, "version": 1, "dataFile": data_file})
    }

    /// A server with `POST /api/datasets/1/add` and the draft listing of dataset 1, run by
    /// the returned script.
    async fn scripted_server(script: Script) -> (String, Arc<Mutex<Script>>) {
        use axum::extract::State;
        use axum::http::StatusCode;
        use axum::routing::{get, post};
        type Shared = State<Arc<Mutex<Script>>>;
        let script = Arc::new(Mutex::new(script));
        let router = axum::Router::new()
            .route(
                "/api/datasets/1/add",
                post(|State(s): Shared, _body: axum::body::Bytes| async move {
                    let s = lock(&s);
                    if s.fail_add {
                        let body = serde_json::json!({"status": "ERROR", "message": "Internal server error."});
                        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body));
                    }
                    let body = serde_json::json!({"status": "OK", "data": {"files": [scripted_file(&s)]}});
                    (StatusCode::OK, axum::Json(body))
                }),
            )
            .route(
                "/api/datasets/1/versions/{version}/files",
                get(|State(s): Shared| async move {
                    let files = vec![scripted_file(&lock(&s))];
                    axum::Json(serde_json::json!({"status": "OK", "data": files}))
                }),
            )
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (format!("http://{addr}"), script)
    }

    fn reader(data: &[u8]) -> UploadSource {
        UploadSource::reader(std::io::Cursor::new(data.to_vec()), "f.bin")
            .with_size(data.len() as u64)
    }

    #[tokio::test]
    async fn uploads_learn_the_servers_checksum_algorithm() {
        use ChecksumAlgorithm::{Md5, Sha256, Sha512};
        let data = b"a,b\n1,2\n".repeat(50_000);
        let (base, script) = scripted_server(Script {
            algorithm: Sha256,
            content: data.clone(),
            corrupt: false,
            fail_add: false,
        })
        .await;
        let api = NativeApi::new(&base).unwrap();
        let body = UploadBody::default();
        assert_eq!(api.upload_checksum_algorithm(), Md5);

        // The first upload streams MD5; the server answers SHA-256, which a reader cannot
        // be checked with any more. The algorithm is learnt.
        let r = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Md5, digest(Md5, &data)));
        assert!(!r.checksum_verified);
        assert_eq!(
            r.server_checksum.as_ref().and_then(Checksum::algorithm),
            Some(Sha256)
        );
        assert_eq!(api.upload_checksum_algorithm(), Sha256);

        // The next one streams SHA-256 and is verified; clones share what was learnt.
        let r = api
            .clone()
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Sha256, digest(Sha256, &data)));
        assert!(r.checksum_verified);
        assert_eq!(r.bytes, data.len() as u64);

        // The server moves to SHA-512: a path is read again to verify it, in SHA-512.
        lock(&script).algorithm = Sha512;
        let dir = std::env::temp_dir().join(format!("dv-upload-alg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, &data).unwrap();
        let r = api
            .upload_datafile_with(1, &path, &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Sha512, digest(Sha512, &data)));
        assert!(r.checksum_verified);
        assert_eq!(api.upload_checksum_algorithm(), Sha512);

        // A wrong checksum from the server is a mismatch in its algorithm, streamed or not.
        lock(&script).corrupt = true;
        for source in [UploadSource::path(&path), reader(&data)] {
            let err = api
                .upload_datafile_with(1, source, &body, UploadOptions::new())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::ChecksumMismatch { algorithm, actual, .. }
                    if *algorithm == Sha512 && *actual == digest(Sha512, &data)),
                "{err:?}"
            );
        }

        // A client built for the server's algorithm verifies a reader at once.
        lock(&script).corrupt = false;
        let preset = NativeApi::builder(&base)
            .upload_checksum_algorithm(Sha512)
            .build()
            .unwrap();
        let r = preset
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.checksum_verified);
        assert_eq!(r.checksum.algorithm(), Some(Sha512));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_lost_answer_is_matched_in_the_servers_algorithm() {
        use ChecksumAlgorithm::{Md5, Sha1};
        let data = b"lost answers\n".repeat(1000);
        let (base, _script) = scripted_server(Script {
            algorithm: Sha1,
            content: data.clone(),
            corrupt: false,
            fail_add: true,
        })
        .await;
        let body = UploadBody::default();
        let fast = crate::retry::RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..Default::default()
        };
        let api = NativeApi::builder(&base)
            .retry_policy(fast)
            .build()
            .unwrap();

        // A reader hashed with MD5 cannot be recognised in a SHA-1 listing: the error stays.
        let err = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Server(e) if e.status == 500),
            "{err:?}"
        );
        assert_eq!(
            api.upload_checksum_algorithm(),
            Md5,
            "nothing learnt from a failure"
        );

        // A path is hashed again in the listed file's algorithm and found there.
        let dir = std::env::temp_dir().join(format!("dv-upload-lost-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, &data).unwrap();
        let r = api
            .upload_datafile_with(1, &path, &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.recovered_from.is_some());
        assert!(r.checksum_verified);
        assert_eq!(r.checksum, Checksum::new(Sha1, digest(Sha1, &data)));
        assert_eq!(
            api.upload_checksum_algorithm(),
            Sha1,
            "learnt from the file found"
        );

        // Now a reader streams SHA-1, and its digest finds the file.
        let r = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.recovered_from.is_some());
        assert_eq!(r.checksum, Checksum::new(Sha1, digest(Sha1, &data)));
        assert_eq!(r.bytes, data.len() as u64);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn walking_keeps_relative_folders() {
        let dir = std::env::temp_dir().join(format!("dv-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("top.txt"), "t").unwrap();
        std::fs::write(dir.join("a/b/deep.csv"), "x,y\n").unwrap();
        std::fs::write(dir.join(".git/config"), "c").unwrap();
        std::fs::write(dir.join(".hidden"), "h").unwrap();
        let (files, failed) = walk(&dir, "pre", false).unwrap();
        assert!(failed.is_empty());
        let got: Vec<(String, String, u64)> = files
            .iter()
            .map(|f| (f.dir.clone(), f.name.clone(), f.size))
            .collect();
        assert_eq!(
            got,
            vec![
                ("pre/a/b".to_string(), "deep.csv".to_string(), 4),
                ("pre".to_string(), "top.txt".to_string(), 1)
            ]
        );
        let (all, _) = walk(&dir, "", true).unwrap();
        assert_eq!(all.len(), 4);
        assert!(walk(&dir.join("top.txt"), "", false).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
