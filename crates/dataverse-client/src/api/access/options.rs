//! Options of single downloads and of dataset downloads, built with `new()` and setters.

use std::sync::Arc;

#[cfg(doc)]
use crate::NativeApi;
use crate::api::datasets::BulkProgress;
use crate::ids::Version;

/// A progress callback of a transfer: (bytes done, total bytes if known).
pub type DownloadProgress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// Options of [`NativeApi::download_datafile`], and of each file of
/// [`NativeApi::download_dataset`].
///
/// Built with [`DownloadOptions::new`] (or `Default`) and its setters; the fields stay
/// readable.
///
/// ```
/// use dataverse_client::DownloadOptions;
/// let options = DownloadOptions::new().sync(false).original(true);
/// assert!(options.resume && !options.sync && options.original);
/// ```
#[derive(Clone)]
#[non_exhaustive]
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
    /// Called as bytes arrive with (bytes done, total if known). In
    /// [`DatasetDownloadOptions::file`], the bytes of the whole dataset: summed over all
    /// files, with a total when every size is known.
    pub progress: Option<DownloadProgress>,
    /// Replace a file already at the destination whose bytes differ from the server's (or
    /// cannot be compared: no checksum on the server). Default true; off, such a download
    /// fails with an [`Error::Io`](crate::Error::Io) of kind
    /// [`AlreadyExists`](std::io::ErrorKind::AlreadyExists) and nothing is fetched.
    pub overwrite: bool,
    /// Leave a file already at the destination alone when its checksum matches the
    /// server's: nothing is fetched and the report says
    /// [`skipped`](super::DownloadReport::skipped). Default false.
    pub skip_identical: bool,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            original: false,
            resume: true,
            sync: true,
            progress: None,
            overwrite: true,
            skip_identical: false,
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
            .field("overwrite", &self.overwrite)
            .field("skip_identical", &self.skip_identical)
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

    /// Replace a local file that differs from the server's (default true).
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Skip a local file whose checksum matches the server's (default false).
    pub fn skip_identical(mut self, skip: bool) -> Self {
        self.skip_identical = skip;
        self
    }
}

/// How `.part` files are handled: resumed or not, flushed to the disk or not.
#[derive(Debug, Clone, Copy)]
pub(super) struct PartMode {
    /// Resume a leftover `.part` file.
    pub resume: bool,
    /// `fsync` before the rename.
    pub sync: bool,
    /// Replace a local file that differs.
    pub overwrite: bool,
    /// Skip a local file that matches the server's checksum.
    pub skip_identical: bool,
}

impl From<&DownloadOptions> for PartMode {
    fn from(options: &DownloadOptions) -> Self {
        PartMode {
            resume: options.resume,
            sync: options.sync,
            overwrite: options.overwrite,
            skip_identical: options.skip_identical,
        }
    }
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

/// Options of [`NativeApi::download_dataset`]: the mode and version, and the
/// [`DownloadOptions`] every file (or the zip) is fetched with.
///
/// Built with [`DatasetDownloadOptions::new`] (or `Default`) and its setters; the fields
/// stay readable.
///
/// ```
/// use dataverse_client::{DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions};
/// let options = DatasetDownloadOptions::new()
///     .mode(DatasetDownloadMode::Files)
///     .file(DownloadOptions::new().sync(false))
///     .max_concurrency(4);
/// assert!(!options.file.sync && options.file.resume);
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct DatasetDownloadOptions {
    /// Zip or file by file. Default [`DatasetDownloadMode::Zip`].
    pub mode: DatasetDownloadMode,
    /// The version; `None` is `:latest` (the draft for those who may see it).
    pub version: Option<Version>,
    /// How each file (or the zip) is fetched: original uploads of tabular files, resuming
    /// `.part` files of an earlier run, `fsync` before each rename (see
    /// [`DownloadOptions`]); its progress callback gets the bytes of the whole dataset.
    pub file: DownloadOptions,
    /// How many files download at once in [`DatasetDownloadMode::Files`]; `None` is the
    /// client's [`max_concurrency`](NativeApi::max_concurrency).
    pub max_concurrency: Option<usize>,
    /// Called after each file with (files finished, files in all).
    pub file_progress: Option<BulkProgress>,
}

impl std::fmt::Debug for DatasetDownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatasetDownloadOptions")
            .field("mode", &self.mode)
            .field("version", &self.version)
            .field("file", &self.file)
            .field("max_concurrency", &self.max_concurrency)
            .field("file_progress", &self.file_progress.is_some())
            .finish()
    }
}

impl DatasetDownloadOptions {
    /// The defaults: one zip of the latest version, with [`DownloadOptions::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Zip or file by file.
    pub fn mode(mut self, mode: DatasetDownloadMode) -> Self {
        self.mode = mode;
        self
    }

    /// The version (`None`: `:latest`).
    pub fn version(mut self, version: impl Into<Option<Version>>) -> Self {
        self.version = version.into();
        self
    }

    /// The options every file is fetched with.
    pub fn file(mut self, file: DownloadOptions) -> Self {
        self.file = file;
        self
    }

    /// Original uploads of tabular files (see [`DownloadOptions::original`](DownloadOptions#structfield.original)).
    pub fn original(mut self, original: bool) -> Self {
        self.file.original = original;
        self
    }

    /// Resume `.part` files of an earlier run (default true).
    pub fn resume(mut self, resume: bool) -> Self {
        self.file.resume = resume;
        self
    }

    /// Flush each file to the disk before its rename (default true).
    pub fn sync(mut self, sync: bool) -> Self {
        self.file.sync = sync;
        self
    }

    /// How many files download at once in [`DatasetDownloadMode::Files`].
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = Some(n);
        self
    }

    /// A callback of the bytes of the whole dataset: (bytes done, total if every size is known).
    pub fn progress(mut self, progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.file.progress = Some(Arc::new(progress));
        self
    }

    /// Replace local files that differ from the server's (default true).
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.file.overwrite = overwrite;
        self
    }

    /// Skip local files whose checksum matches the server's (default false).
    pub fn skip_identical(mut self, skip: bool) -> Self {
        self.file.skip_identical = skip;
        self
    }

    /// A callback after each file: (files finished, files in all).
    pub fn file_progress(
        mut self,
        progress: impl Fn(usize, usize) + Send + Sync + 'static,
    ) -> Self {
        self.file_progress = Some(Arc::new(progress));
        self
    }
}
