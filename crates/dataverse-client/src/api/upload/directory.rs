//! `upload_directory`: a local directory synced into a dataset, file by file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use futures_util::{StreamExt, stream};

use super::direct::Staged;
use super::matching::{LocalDigest, norm_dir};
use super::options::{DirectoryProgress, UploadDirectoryOptions, UploadMode, UploadOptions};
use super::single::{Target, check_directory_label};
use super::source::UploadSource;
use super::walk::{LocalFile, walk};
use crate::client::NativeApi;
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::files::FileMetadata;

/// One file of an [`UploadDirectorySummary`] that is on the server.
#[derive(Debug, Clone)]
pub struct DirectoryFile {
    /// Path relative to the uploaded directory.
    pub path: PathBuf,
    /// The file on the server.
    pub file: FileMetadata,
}

/// A file a dry run of [`NativeApi::upload_directory`] would send.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Path relative to the uploaded directory.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The file on the server it would replace (same path, other content), if any.
    pub replaces: Option<FileMetadata>,
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
    /// With [`dry_run`](UploadDirectoryOptions::dry_run): the files that would be sent
    /// (added, or replacing a file); nothing was.
    pub planned: Vec<PlannedFile>,
    /// Bytes sent.
    pub bytes_sent: u64,
}

impl UploadDirectorySummary {
    /// Whether every file is on the server.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
    }
}

/// What became of one file.
enum Outcome {
    Uploaded(DirectoryFile, u64),
    Replaced(DirectoryFile, u64),
    Skipped(DirectoryFile),
    Planned(PlannedFile),
    Failed(PathBuf, Error),
    /// Sent directly to the store; registered later, in a batch.
    Staged(PathBuf, Box<Staged>),
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
    /// With [`dry_run`](UploadDirectoryOptions::dry_run) nothing is sent: the files that
    /// would be are listed in [`planned`](UploadDirectorySummary::planned).
    ///
    /// Failures of single files do not stop the others: they are listed in the summary.
    /// Note that a real Dataverse may refuse concurrent adds to one dataset (optimistic
    /// locking); use `concurrency(1)` there if files fail that way.
    ///
    /// Where the dataset's store takes direct uploads, new files go straight to the store
    /// and are then registered together, [`registration_batch`] per call, each batch after
    /// any lock on the dataset is gone; an entry the server refuses is listed in `failed`
    /// as [`Error::NotRegistered`] (its bytes stay stored; a run again with
    /// [`resume_dir`] registers it without sending them).
    ///
    /// [`registration_batch`]: UploadDirectoryOptions::registration_batch
    /// [`resume_dir`]: UploadDirectoryOptions::resume_dir
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/:latest/files`, then per file
    /// `POST /api/datasets/{id}/add`, `POST /api/files/{id}/replace` or
    /// `DELETE /api/files/{id}` + add; direct: `GET /api/datasets/{id}/uploadurls` per
    /// file, `GET /api/datasets/{id}/locks` + `POST /api/datasets/{id}/addFiles` per batch
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
        let mut by_path: HashMap<(String, String), FileMetadata> = HashMap::new();
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
        if options.mode == UploadMode::Auto && !options.dry_run {
            // One look at the dataset's storage driver instead of one `uploadurls` per file.
            self.learn_direct_offer(&id).await;
        }
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
        let (staged, mut outcomes): (Vec<Outcome>, Vec<Outcome>) = outcomes
            .into_iter()
            .partition(|o| matches!(o, Outcome::Staged(..)));
        let staged: Vec<(PathBuf, Staged)> = staged
            .into_iter()
            .filter_map(|o| match o {
                Outcome::Staged(p, s) => Some((p, *s)),
                _ => None,
            })
            .collect();
        outcomes.extend(
            self.register_staged(&id, staged, options.registration_batch)
                .await,
        );
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
                Outcome::Planned(f) => summary.planned.push(f),
                Outcome::Failed(p, e) => summary.failed.push((p, e)),
                Outcome::Staged(p, _) => summary.failed.push((
                    p,
                    Error::InvalidArgument("the file was stored but left unregistered".into()),
                )),
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
        summary.planned.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(summary)
    }

    async fn sync_one(
        &self,
        dataset: &PersistentOrId,
        local: &LocalFile,
        by_path: &HashMap<(String, String), FileMetadata>,
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
        if options.dry_run {
            return Outcome::Planned(PlannedFile {
                path: local.relative.clone(),
                size: local.size,
                replaces: existing.cloned(),
            });
        }
        // Per-file progress feeds the directory's byte count.
        let sent = Arc::new(AtomicU64::new(0));
        let mut upload_options = UploadOptions::new().mode(options.mode);
        upload_options.parallel_parts = options.parallel_parts;
        upload_options.resume_dir = options.resume_dir.clone();
        if let Some(f) = options.part_progress.clone() {
            let relative = local.relative.clone();
            upload_options = upload_options.part_progress(move |p| f(&relative, p));
        }
        let upload_options = upload_options.progress({
            let sent = sent.clone();
            let bytes_done = bytes_done.clone();
            let report = report.clone();
            move |done: u64, _total: Option<u64>| {
                let before = sent.swap(done, Ordering::Relaxed);
                if done >= before {
                    bytes_done.fetch_add(done - before, Ordering::Relaxed);
                } else {
                    // A new attempt started from zero.
                    bytes_done.fetch_sub(before - done, Ordering::Relaxed);
                }
                report();
            }
        });
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
            None if options.mode != UploadMode::Native => {
                // Stored now, registered in a batch afterwards; natively if not offered.
                let target = Target::Add(dataset.clone());
                match self
                    .stage_direct(&target, &source, &body, &upload_options)
                    .await
                {
                    Ok(Some(staged)) => {
                        return Outcome::Staged(local.relative.clone(), Box::new(staged));
                    }
                    Ok(None) => self
                        .upload_datafile_with(dataset, source, &body, upload_options)
                        .await
                        .map(|r| (false, r)),
                    Err(e) => Err(e),
                }
            }
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

    /// Register the files stored directly, `batch` per `addFiles` call, each call after
    /// the dataset's locks are gone.
    async fn register_staged(
        &self,
        dataset: &PersistentOrId,
        staged: Vec<(PathBuf, Staged)>,
        batch: usize,
    ) -> Vec<Outcome> {
        let mut out = Vec::with_capacity(staged.len());
        let mut rest = staged;
        while !rest.is_empty() {
            let tail = rest.split_off(batch.max(1).min(rest.len()));
            let chunk = std::mem::replace(&mut rest, tail);
            let entries: Vec<_> = chunk.iter().map(|(_, s)| s.entry.clone()).collect();
            let answer = match self.wait_unlocked(dataset).await {
                Ok(()) => self.register_files(dataset, &entries, false).await,
                Err(e) => Err(e),
            };
            for (path, staged) in chunk {
                let sid = staged
                    .entry
                    .extra
                    .get("storageIdentifier")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let result = match &answer {
                    Err(e) => Err(e.to_string()),
                    Ok(a) => match a
                        .files
                        .iter()
                        .find(|f| f.storage_identifier.as_deref() == Some(sid.as_str()))
                    {
                        None => Err("the server's answer does not list it".to_string()),
                        Some(f) => match f.file() {
                            Some(file) => Ok(file),
                            None => Err(f
                                .error_message
                                .clone()
                                .unwrap_or_else(|| "refused without a message".into())),
                        },
                    },
                };
                match result {
                    Ok(file) => {
                        if let Some(r) = &staged.resume {
                            r.remove();
                        }
                        out.push(Outcome::Uploaded(DirectoryFile { path, file }, staged.size));
                    }
                    Err(message) => out.push(Outcome::Failed(
                        path,
                        Error::NotRegistered {
                            storage_identifier: sid,
                            message,
                        },
                    )),
                }
            }
        }
        out
    }

    /// Wait until the dataset has no lock at all (at most ten minutes).
    async fn wait_unlocked(&self, dataset: &PersistentOrId) -> Result<()> {
        let start = std::time::Instant::now();
        let mut interval = std::time::Duration::from_millis(50);
        loop {
            if self.get_dataset_lock(dataset, None).await?.is_empty() {
                return Ok(());
            }
            if start.elapsed() > std::time::Duration::from_secs(600) {
                return Err(Error::InvalidArgument(
                    "the dataset stayed locked for ten minutes; files not registered".into(),
                ));
            }
            tokio::time::sleep(interval).await;
            interval = (interval * 2).min(std::time::Duration::from_secs(2));
        }
    }
}
