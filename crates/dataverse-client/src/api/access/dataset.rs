//! Downloading a dataset version: one zip, or file by file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use futures_util::{StreamExt, stream};

use super::expected::{Expected, expected_of, file_name};
use super::headers::sanitize_file_name;
use super::options::{DatasetDownloadMode, DatasetDownloadOptions, DownloadProgress, PartMode};
use super::report::{DatasetDownloadReport, FileDownloadOutcome};
use super::single::datafile_request;
use super::transfer::{Destination, io_error, slug};
use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId};
use crate::models::files::FileMetadata;

impl NativeApi {
    /// Download a dataset version into `destination_dir`: as one zip built by the server
    /// ([`DatasetDownloadMode::Zip`], saved under the server's name, atomically), or file by
    /// file ([`DatasetDownloadMode::Files`]) into `destination_dir/<directoryLabel>/<label>`,
    /// at most `max_concurrency` at a time, each checked as in
    /// [`download_datafile`](Self::download_datafile). Directory labels and names that
    /// would leave `destination_dir` (`..`) are refused for that file. Two files that
    /// would land on the same path (two ingested files whose originals share a name, or
    /// names differing only in case) get unique names as in Dataverse's zips: the later
    /// one `name_1.ext`, then `name_2.ext`; no two transfers ever write the same path. Every file of the
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
    /// let options = DatasetDownloadOptions::new().mode(DatasetDownloadMode::Files);
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
                let mut req = Request::get("access").seg("dataset").id(&id);
                if let Some(v) = options.version {
                    req = req.seg("versions").seg(v);
                }
                let mut req = req.transfer();
                if options.file.original {
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
                        PartMode::from(&options.file),
                        options.file.progress.clone(),
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
            .map(|f| expected_of(f, options.file.original))
            .collect();
        let total_bytes: Option<u64> = expected.iter().map(|e| e.size).sum();
        let bytes_done = Arc::new(AtomicU64::new(0));
        let files_done = AtomicUsize::new(0);
        let files_done = &files_done;
        let concurrency = options
            .max_concurrency
            .unwrap_or(self.max_concurrency())
            .max(1);
        let paths = unique_paths(&files, options.file.original);
        stream::iter(
            files
                .into_iter()
                .zip(expected)
                .zip(paths)
                .map(|((info, expected), path)| {
                    let bytes_done = bytes_done.clone();
                    async move {
                        let file_id = info.data_file.id.unwrap_or(0);
                        let (relative_path, target) = match path {
                            Ok(rel) => (rel.clone(), Ok(dir.join(rel))),
                            Err(e) => (
                                PathBuf::from(
                                    file_name(&info, options.file.original).unwrap_or_default(),
                                ),
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
                                let progress = options.file.progress.clone().map(|outer| {
                                    let last = Arc::new(AtomicU64::new(0));
                                    let bytes_done = bytes_done.clone();
                                    let cb: DownloadProgress =
                                        Arc::new(move |done: u64, _total| {
                                            // Report deltas into the shared count (a restart goes back).
                                            let before = last.swap(done, Ordering::SeqCst);
                                            let now = if done >= before {
                                                bytes_done
                                                    .fetch_add(done - before, Ordering::SeqCst)
                                                    + (done - before)
                                            } else {
                                                bytes_done
                                                    .fetch_sub(before - done, Ordering::SeqCst)
                                                    - (before - done)
                                            };
                                            outer(now, total_bytes);
                                        });
                                    cb
                                });
                                let fid = PersistentOrId::Id(fid);
                                self.download_to(
                                    &fid.to_string(),
                                    datafile_request(&fid, options.file.original),
                                    Destination::File(target),
                                    &expected,
                                    PartMode::from(&options.file),
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
                }),
        )
        .buffered(concurrency)
        .collect()
        .await
    }
}

/// The relative path of each listed file, made unique as Dataverse names the entries of
/// its zips: the second `results.csv` of a folder becomes `results_1.csv`, the next
/// `results_2.csv` (`_N` before the last `.` of the name, or at its end). Names are
/// compared ignoring case, so that no two files share a path on a case-insensitive disk
/// either; the first file keeps its name.
pub(super) fn unique_paths(files: &[FileMetadata], original: bool) -> Vec<Result<PathBuf>> {
    let mut taken = std::collections::HashSet::new();
    let key = |p: &Path| p.to_string_lossy().to_lowercase();
    files
        .iter()
        .map(|info| {
            let path = relative_path_of(info, original)?;
            let mut candidate = path.clone();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (stem, ext) = match name.rfind('.') {
                Some(i) => name.split_at(i),
                None => (name.as_str(), ""),
            };
            let mut n = 1;
            while taken.contains(&key(&candidate)) {
                candidate = path.with_file_name(format!("{stem}_{n}{ext}"));
                n += 1;
            }
            taken.insert(key(&candidate));
            Ok(candidate)
        })
        .collect()
}

/// `directoryLabel/label` of a listed file as a relative path that stays inside the
/// destination; an error names the label when it would not.
pub(super) fn relative_path_of(info: &FileMetadata, original: bool) -> Result<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::super::expected::tests::info;
    use super::*;

    #[test]
    fn duplicate_names_get_dataverse_suffixes() {
        let files = [
            info(None, "results.csv"),
            info(None, "results.csv"),
            info(Some("sub"), "results.csv"),
            info(None, "Results.CSV"),
            info(None, "results_1.csv"),
            info(None, "README"),
            info(None, "README"),
            info(None, ".."),
        ];
        let paths: Vec<String> = unique_paths(&files, false)
            .into_iter()
            .map(|p| p.map_or_else(|_| "error".into(), |p| p.display().to_string()))
            .collect();
        assert_eq!(
            paths,
            [
                "results.csv",
                "results_1.csv",
                "sub/results.csv",
                "Results_2.CSV",
                "results_1_1.csv",
                "README",
                "README_1",
                "error",
            ]
        );
        // Originals of two ingested files: both named after the same upload.
        let tab = |label: &str| -> FileMetadata {
            serde_json::from_value(serde_json::json!({
                "label": label,
                "dataFile": {"id": 8, "filename": label, "tabularData": true,
                             "originalFileName": "results.csv"}
            }))
            .unwrap()
        };
        let files = [tab("results.tab"), tab("results-1.tab")];
        let originals: Vec<PathBuf> = unique_paths(&files, true)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            originals,
            [PathBuf::from("results.csv"), PathBuf::from("results_1.csv")]
        );
        let derived: Vec<PathBuf> = unique_paths(&files, false)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            derived,
            [PathBuf::from("results.tab"), PathBuf::from("results-1.tab")]
        );
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
}
