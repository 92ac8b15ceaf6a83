//! What an upload sends: a file on disk or a reader, opened afresh for each attempt.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::background::{file_chunks, lock};
use crate::error::{Error, Result};

/// The size of the chunks a source is read in.
const CHUNK: usize = 256 * 1024;

type BoxReader = Pin<Box<dyn AsyncRead + Send>>;
/// The bytes of a source, in chunks.
pub(super) type ChunkStream =
    Pin<Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send>>;

#[derive(Clone)]
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

    /// The content type of the `file` part: the one given, or one guessed from the name.
    pub(super) fn content_type(&self) -> String {
        self.content_type
            .clone()
            .unwrap_or_else(|| guess_content_type(&self.name).to_string())
    }

    /// What opens the bytes for each attempt.
    pub(super) fn opener(&self) -> Opener {
        Opener {
            kind: self.kind.clone(),
            name: self.name.clone(),
            declared: self.size,
        }
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

/// Opens the bytes of an [`UploadSource`] for one attempt: a path is reopened every time,
/// a reader handed out once.
#[derive(Clone)]
pub(super) struct Opener {
    kind: SourceKind,
    name: String,
    declared: Option<u64>,
}

impl Opener {
    /// The bytes in chunks, and their length when known.
    pub(super) fn open(&self) -> Result<(ChunkStream, Option<u64>)> {
        match &self.kind {
            SourceKind::Path(path) => {
                let io = |operation: &str, source| Error::Io {
                    operation: operation.into(),
                    path: path.clone(),
                    source,
                };
                let file = std::fs::File::open(path).map_err(|e| io("opening", e))?;
                let len = file.metadata().map_err(|e| io("reading", e))?.len();
                Ok((Box::pin(file_chunks(file, CHUNK)), Some(len)))
            }
            SourceKind::Reader(slot) => {
                let reader = lock(slot).take().ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "the reader of '{}' was already sent once and cannot be sent again",
                        self.name
                    ))
                })?;
                Ok((
                    Box::pin(ReaderStream::with_capacity(reader, CHUNK)),
                    self.declared,
                ))
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
}
