//! What downloads report: how a file was checked, where it went, and per file of a dataset.

use std::path::PathBuf;

use crate::checksum::ChecksumAlgorithm;
use crate::error::Result;
#[cfg(doc)]
use {super::options::DatasetDownloadMode, crate::NativeApi};

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
    /// Nothing was fetched: the file at [`path`](Self::path) already had the server's
    /// checksum ([`DownloadOptions::skip_identical`](super::DownloadOptions::skip_identical)).
    pub skipped: bool,
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
