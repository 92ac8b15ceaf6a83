//! Options of single uploads and of directory uploads, built with `new()` and setters.
//!
//! ```
//! use dataverse_client::api::upload::{UploadDirectoryOptions, UploadOptions};
//! let single = UploadOptions::new().progress(|sent, total| eprintln!("{sent} of {total:?}"));
//! let dir = UploadDirectoryOptions::new().concurrency(2).include_hidden(true);
//! assert!(single.progress.is_some());
//! assert_eq!((dir.concurrency, dir.replace_changed), (Some(2), true));
//! assert!(UploadDirectoryOptions::default().replace_changed, "the same defaults as new()");
//! ```

use std::sync::Arc;

#[cfg(doc)]
use crate::NativeApi;
use crate::models::files::UploadBody;

/// A progress callback of one upload: (bytes sent, total bytes if known).
pub type UploadProgress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// A part of a direct upload in parts that the store has taken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartDone {
    /// The part's number, from 1.
    pub part: u32,
    /// How many parts the file goes in.
    pub parts: u32,
    /// The part's size in bytes.
    pub bytes: u64,
    /// Stored by an earlier, interrupted run: reported once when the upload resumes.
    pub resumed: bool,
}

/// A callback called once per part of a direct upload that the store has taken.
pub type PartProgress = Arc<dyn Fn(&PartDone) + Send + Sync>;

/// A per-part callback of [`NativeApi::upload_directory`]: the file's path relative to
/// the directory, and the part.
pub type DirectoryPartProgress = Arc<dyn Fn(&std::path::Path, &PartDone) + Send + Sync>;

/// How a file goes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UploadMode {
    /// Straight to the dataset's store where it takes direct uploads (an S3 store with
    /// `upload-redirect`), else through the server (the default).
    #[default]
    Auto,
    /// Always through the server (`POST /api/datasets/{id}/add` with the bytes).
    Native,
    /// Always straight to the store; an error where the store takes none.
    Direct,
}

/// Options of [`NativeApi::upload_datafile_with`] and [`NativeApi::replace_datafile_with`].
///
/// Built with [`UploadOptions::new`] (or `Default`) and its setters; the fields stay
/// readable.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct UploadOptions {
    /// Called as bytes go out with (bytes sent, total if known); for a direct upload in
    /// parts, the bytes of all parts together.
    pub progress: Option<UploadProgress>,
    /// Called once per part of a direct upload in parts, as the store takes it (in the
    /// order parts finish, not their numbers').
    pub part_progress: Option<PartProgress>,
    /// Direct or native (default [`UploadMode::Auto`]).
    pub mode: UploadMode,
    /// Parts of a direct upload sent at once (default
    /// [`DEFAULT_PARALLEL_PARTS`](super::DEFAULT_PARALLEL_PARTS)); 0 is taken as 1. Each
    /// part in flight is read from disk in 256 KiB chunks as it goes, never held whole.
    pub parallel_parts: Option<usize>,
    /// Where the state of a direct upload is saved so that an interrupted one continues
    /// when started again (default none: no resume). See the `resume` notes of
    /// [`crate::api::upload`].
    pub resume_dir: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("progress", &self.progress.is_some())
            .field("part_progress", &self.part_progress.is_some())
            .field("mode", &self.mode)
            .field("parallel_parts", &self.parallel_parts)
            .field("resume_dir", &self.resume_dir)
            .finish()
    }
}

impl UploadOptions {
    /// Direct, native, or direct where offered.
    pub fn mode(mut self, mode: UploadMode) -> Self {
        self.mode = mode;
        self
    }

    /// Parts of a direct upload sent at once.
    pub fn parallel_parts(mut self, n: usize) -> Self {
        self.parallel_parts = Some(n);
        self
    }

    /// Save the state of direct uploads in `dir`, so that an interrupted one resumes.
    pub fn resume_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.resume_dir = Some(dir.into());
        self
    }

    /// No progress callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// A progress callback: (bytes sent, total if known).
    pub fn progress(mut self, progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// A callback per part of a direct upload in parts, as the store takes it.
    pub fn part_progress(mut self, f: impl Fn(&PartDone) + Send + Sync + 'static) -> Self {
        self.part_progress = Some(Arc::new(f));
        self
    }
}

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
///
/// Built with [`UploadDirectoryOptions::new`] (the same as `Default`) and its setters; the
/// fields stay readable.
#[derive(Clone)]
#[non_exhaustive]
pub struct UploadDirectoryOptions {
    /// Files sent at once; default [`NativeApi::max_concurrency`]. 0 is taken as 1.
    pub concurrency: Option<usize>,
    /// Metadata applied to every file (description, categories, restrict, tabIngest...).
    /// Its `directory_label`, if set, is the folder the directory goes into; `label` is ignored.
    pub metadata: UploadBody,
    /// Replace files whose path exists in the dataset with other content (default true);
    /// false leaves them and reports them as skipped.
    pub replace_changed: bool,
    /// Also send files and folders whose name starts with `.` (default false).
    pub include_hidden: bool,
    /// Send nothing: compare with the dataset and list what would be sent in
    /// [`UploadDirectorySummary::planned`](super::UploadDirectorySummary::planned)
    /// (default false).
    pub dry_run: bool,
    /// Called after each chunk and each file.
    pub progress: Option<DirectoryProgressFn>,
    /// Called once per part of each direct upload in parts (see
    /// [`UploadOptions::part_progress`]).
    pub part_progress: Option<DirectoryPartProgress>,
    /// Direct or native, as for one file (default [`UploadMode::Auto`]). New files sent
    /// directly are registered together, [`registration_batch`](Self::registration_batch)
    /// at a time (`addFiles`).
    pub mode: UploadMode,
    /// Parts of each direct upload sent at once.
    pub parallel_parts: Option<usize>,
    /// Where direct uploads save their state (see [`UploadOptions::resume_dir`]).
    pub resume_dir: Option<std::path::PathBuf>,
    /// New files registered per `addFiles` call (default 100; 0 is taken as 1).
    pub registration_batch: usize,
}

impl std::fmt::Debug for UploadDirectoryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadDirectoryOptions")
            .field("concurrency", &self.concurrency)
            .field("metadata", &self.metadata)
            .field("replace_changed", &self.replace_changed)
            .field("include_hidden", &self.include_hidden)
            .field("dry_run", &self.dry_run)
            .field("progress", &self.progress.is_some())
            .field("part_progress", &self.part_progress.is_some())
            .field("mode", &self.mode)
            .field("parallel_parts", &self.parallel_parts)
            .field("resume_dir", &self.resume_dir)
            .field("registration_batch", &self.registration_batch)
            .finish()
    }
}

impl Default for UploadDirectoryOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl UploadDirectoryOptions {
    /// Defaults: the client's concurrency, changed files replaced, hidden files left out.
    pub fn new() -> Self {
        UploadDirectoryOptions {
            concurrency: None,
            metadata: UploadBody::default(),
            replace_changed: true,
            include_hidden: false,
            dry_run: false,
            progress: None,
            part_progress: None,
            mode: UploadMode::Auto,
            parallel_parts: None,
            resume_dir: None,
            registration_batch: 100,
        }
    }

    /// Direct, native, or direct where offered.
    pub fn mode(mut self, mode: UploadMode) -> Self {
        self.mode = mode;
        self
    }

    /// Parts of each direct upload sent at once.
    pub fn parallel_parts(mut self, n: usize) -> Self {
        self.parallel_parts = Some(n);
        self
    }

    /// Save the state of direct uploads in `dir`, so that an interrupted run resumes.
    pub fn resume_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.resume_dir = Some(dir.into());
        self
    }

    /// New files registered per `addFiles` call.
    pub fn registration_batch(mut self, n: usize) -> Self {
        self.registration_batch = n;
        self
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

    /// Send nothing; list what would be sent.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// A progress callback.
    pub fn progress(mut self, f: impl Fn(&DirectoryProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// A callback per part of each direct upload in parts.
    pub fn part_progress(
        mut self,
        f: impl Fn(&std::path::Path, &PartDone) + Send + Sync + 'static,
    ) -> Self {
        self.part_progress = Some(Arc::new(f));
        self
    }
}
