//! Temporary blobs: bytes on their way into the file store (an upload being received, an
//! ingest's `.tab` being written), removed from disk unless moved into place; and the bytes
//! of deleted files, removed once the deletion has committed.

use std::path::{Path, PathBuf};

use super::Store;
use super::files::{self, FILES_DIR, TMP_DIR};
use crate::Error;

/// A temporary blob: removed from disk when dropped unless committed.
#[derive(Debug)]
pub(crate) struct TempBlob {
    path: PathBuf,
    armed: bool,
}

impl TempBlob {
    /// The temporary file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Move it to `dest` (creating the folder); after this it is no longer removed.
    pub(crate) fn commit(mut self, dest: &Path) -> std::io::Result<()> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&self.path, dest)?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempBlob {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A fresh temporary path under the files folder.
pub(crate) fn create(data_dir: &Path) -> std::io::Result<TempBlob> {
    let dir = data_dir.join(FILES_DIR).join(TMP_DIR);
    std::fs::create_dir_all(&dir)?;
    Ok(TempBlob {
        path: dir.join(format!("{}.part", uuid::Uuid::new_v4().simple())),
        armed: true,
    })
}

/// The post-commit step of every request that may have dropped file rows (deleting a file,
/// a draft or a dataset): remove the bytes the store queued in `blob_trash`. Call it after
/// the transaction has committed. A failure is logged and the trash kept: the next such
/// request, or the next open, removes it.
pub(crate) async fn remove_trashed(store: &Store, data_dir: &Path) {
    let dir = data_dir.to_path_buf();
    let done = store
        .call(move |conn| {
            if files::trash_pending(conn)? {
                files::sweep(conn, &dir)?;
            }
            Ok::<_, Error>(())
        })
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "removing deleted files failed");
    }
}
