//! The state of a direct upload in progress, kept in a small JSON file so that an upload
//! cut off (the process killed, the network gone) continues where it stopped when the same
//! file is uploaded again to the same dataset.
//!
//! The file lives in the folder the caller names ([`UploadOptions::resume_dir`], the CLI's
//! config folder), under a name derived from the installation, the dataset, the file's
//! absolute path, size and modification time: a changed file starts afresh. It holds the
//! presigned URLs, the ETags of the parts already stored and, once every byte is stored,
//! the checksum, so that only the registration is left. The URLs carry their own expiry
//! (`X-Amz-Date` + `X-Amz-Expires`); once they have expired the saved upload is abandoned
//! (its multipart upload aborted) and the file is sent again from the start.
//!
//! [`UploadOptions::resume_dir`]: super::UploadOptions::resume_dir

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::models::direct_upload::UploadUrls;

/// How long before the URLs' expiry a saved upload is no longer resumed (a part must have
/// time to go up).
const EXPIRY_MARGIN_SECS: i64 = 120;

/// What is saved about one direct upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SavedUpload {
    /// The URLs `uploadurls` handed out.
    pub urls: UploadUrls,
    /// The ETags of the parts stored, by part number.
    #[serde(default)]
    pub etags: BTreeMap<u32, String>,
    /// Set once every byte is stored (and a multipart upload completed): the checksum
    /// (`algorithm`, hex), so only the registration is left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<(String, String)>,
}

/// Where one upload's state is saved.
#[derive(Debug, Clone)]
pub(super) struct ResumeFile {
    path: PathBuf,
}

impl ResumeFile {
    /// The state file of uploading `file` (of `size` bytes, modified at `mtime_ms`) to
    /// `dataset` on `base_url`, in `dir`.
    pub fn new(
        dir: &Path,
        base_url: &str,
        dataset: &str,
        file: &Path,
        size: u64,
        mtime_ms: u128,
    ) -> Self {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let mut h = Sha256::new();
        for part in [
            base_url,
            dataset,
            &absolute.to_string_lossy(),
            &size.to_string(),
            &mtime_ms.to_string(),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let name = hex::encode(h.finalize());
        ResumeFile {
            path: dir.join(format!("upload-{}.json", &name[..32])),
        }
    }

    /// The state file's path.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved state, if there is a readable one.
    pub fn load(&self) -> Option<SavedUpload> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        match serde_json::from_str(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(file = %self.path.display(), error = %e, "ignoring an unreadable upload state file");
                None
            }
        }
    }

    /// Save `state` (written aside, then renamed into place). A failure is logged: the
    /// upload goes on, only resuming it would start over.
    pub fn save(&self, state: &SavedUpload) {
        let result = (|| -> std::io::Result<()> {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = self.path.with_extension("json.tmp");
            std::fs::write(
                &tmp,
                serde_json::to_vec(state).map_err(std::io::Error::other)?,
            )?;
            std::fs::rename(&tmp, &self.path)
        })();
        if let Err(e) = result {
            tracing::warn!(file = %self.path.display(), error = %e, "could not save the upload state");
        }
    }

    /// Remove the state (the upload is done or abandoned).
    pub fn remove(&self) {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(file = %self.path.display(), error = %e, "could not remove the upload state")
            }
        }
    }
}

/// When the presigned URLs of `urls` expire (Unix seconds), read from the first URL's
/// `X-Amz-Date` and `X-Amz-Expires`; `None` when it does not say.
pub(super) fn expiry(urls: &UploadUrls) -> Option<i64> {
    let first = urls
        .url
        .clone()
        .or_else(|| urls.parts().into_iter().next().map(|(_, u)| u))?;
    let parsed = url::Url::parse(&first).ok()?;
    let mut date = None;
    let mut expires = None;
    for (k, v) in parsed.query_pairs() {
        match k.as_ref() {
            "X-Amz-Date" => date = Some(v.into_owned()),
            "X-Amz-Expires" => expires = v.parse::<i64>().ok(),
            _ => {}
        }
    }
    Some(amz_date_unix(&date?)? + expires?)
}

/// `20130524T000000Z` as Unix seconds.
fn amz_date_unix(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Whether a saved upload's URLs are still good for a while at `now` (Unix seconds);
/// URLs that do not say when they expire are taken as expired.
pub(super) fn still_valid(urls: &UploadUrls, now: i64) -> bool {
    expiry(urls).is_some_and(|at| at - EXPIRY_MARGIN_SECS > now)
}

/// Now, in Unix seconds.
pub(super) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(url: &str) -> UploadUrls {
        serde_json::from_value(serde_json::json!({
            "url": url, "partSize": 5, "storageIdentifier": "s3://b:n"
        }))
        .unwrap()
    }

    #[test]
    fn expiry_comes_from_the_presigned_url() {
        let u =
            urls("http://h/b/k?X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-Signature=x");
        assert_eq!(expiry(&u), Some(1_369_353_600 + 86_400));
        assert!(still_valid(&u, 1_369_353_600));
        assert!(!still_valid(&u, 1_369_353_600 + 86_400 - 60));
        assert!(
            !still_valid(&urls("http://h/b/k"), 0),
            "no expiry: not resumed"
        );
    }

    #[test]
    fn state_files_round_trip_and_depend_on_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = ResumeFile::new(dir.path(), "http://h", "7", Path::new("x.bin"), 10, 1);
        let b = ResumeFile::new(dir.path(), "http://h", "7", Path::new("x.bin"), 11, 1);
        assert_ne!(a.path(), b.path(), "another size, another upload");
        assert!(a.load().is_none());
        let mut state = SavedUpload {
            urls: urls("http://h/b/k"),
            etags: BTreeMap::new(),
            stored: None,
        };
        state.etags.insert(2, "\"e2\"".into());
        a.save(&state);
        assert_eq!(a.load(), Some(state));
        a.remove();
        assert!(a.load().is_none());
    }
}
