//! Telling whether a file on the server is a local one: same name and folder, and a
//! checksum that matches the local bytes in the server file's own algorithm.

use std::path::Path;

use crate::checksum::{ChecksumAlgorithm, digests_match, hash_file};
use crate::models::files::{Checksum, FileMetadata};

/// A folder label without leading or trailing `/` (empty for none).
pub(super) fn norm_dir(d: Option<&str>) -> &str {
    d.map(|d| d.trim_matches('/')).unwrap_or("")
}

/// Whether remote file `f` is stored under `name` (its label, or its original name when
/// tabular ingest renamed it to `.tab`).
pub(super) fn has_name(f: &FileMetadata, name: &str) -> bool {
    f.label == name
        || (f.data_file.is_tabular() && f.data_file.original_file_name.as_deref() == Some(name))
}

/// The file of `remote` stored at `directory`/`name` (a tabular file also under its
/// original name) whose checksum matches the local file at `path`, in the server file's
/// own algorithm: the test by which [`upload_directory`](crate::NativeApi::upload_directory)
/// skips a file, for a single file.
///
/// ```no_run
/// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
/// use dataverse_client::Version;
/// use dataverse_client::api::upload::find_identical;
/// let remote = api.get_datafiles_metadata("doi:10.5072/FK2/ABC123", Some(Version::Latest), &[]).await?;
/// let path = std::path::Path::new("data/results.csv");
/// if let Some(f) = find_identical(&remote, path, Some("data"), "results.csv").await {
///     println!("already there as file {:?}", f.data_file.id);
/// }
/// # Ok(()) }
/// ```
pub async fn find_identical<'a>(
    remote: &'a [FileMetadata],
    path: &Path,
    directory: Option<&str>,
    name: &str,
) -> Option<&'a FileMetadata> {
    let dir = norm_dir(directory);
    let mut local = LocalDigest::path(path);
    for f in remote
        .iter()
        .filter(|f| norm_dir(f.directory_label.as_deref()) == dir && has_name(f, name))
    {
        if local.matches(f).await.is_some() {
            return Some(f);
        }
    }
    None
}

/// The local side of checksum comparisons, in whatever algorithm each remote file has.
pub(super) struct LocalDigest<'a> {
    /// A file on disk, hashed whole the first time an algorithm is asked for.
    path: Option<&'a Path>,
    /// The digests known so far; `None` for an algorithm the bytes cannot be hashed with
    /// (a file that could not be read, or a reader's bytes that are gone).
    known: Vec<(ChecksumAlgorithm, Option<String>)>,
}

impl<'a> LocalDigest<'a> {
    /// A file on disk.
    pub(super) fn path(path: &'a Path) -> Self {
        LocalDigest {
            path: Some(path),
            known: Vec::new(),
        }
    }

    /// Bytes that were read once (a reader's): only their checksum as streamed is known.
    pub(super) fn streamed(checksum: &Checksum) -> Self {
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
    pub(super) async fn matches(&mut self, f: &FileMetadata) -> Option<Checksum> {
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

#[cfg(test)]
mod tests {
    use super::super::digest;
    use super::*;

    #[test]
    fn folders_are_compared_without_slashes() {
        assert_eq!(norm_dir(Some("/a/b/")), "a/b");
        assert_eq!(norm_dir(None), "");
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
}
