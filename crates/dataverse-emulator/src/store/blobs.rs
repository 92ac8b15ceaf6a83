//! Temporary blobs: bytes on their way into the file store (an upload being received, an
//! ingest's `.tab` being written), removed from disk unless moved into place; and the bytes
//! of deleted files, removed once the deletion has committed.

use std::path::{Path, PathBuf};

use super::files::{self, FILES_DIR, TMP_DIR};
use crate::storage::s3_key_of_blob;
use crate::{Emulator, Error};

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
/// a draft or a dataset): remove the bytes the store queued in `blob_trash`, from disk or,
/// for files held in the S3 store, from the bucket (`StorageIO.delete`). Call it after the
/// transaction has committed. A failure is logged and the trash kept: the next such
/// request, or the next open, removes it.
pub(crate) async fn remove_trashed(em: &Emulator) {
    let dir = em.config().data_dir.clone();
    let objects = em
        .store()
        .call(move |conn| {
            if files::trash_pending(conn)? {
                files::sweep(conn, &dir)?;
            }
            trashed_objects(conn)
        })
        .await;
    let objects = match objects {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "removing deleted files failed");
            return;
        }
    };
    let Some((bucket, _)) = em.s3().filter(|_| !objects.is_empty()) else {
        return;
    };
    let mut removed = Vec::new();
    for blob in objects {
        let Some(key) = s3_key_of_blob(&blob) else {
            continue;
        };
        match bucket.delete_object(key).await {
            Ok(()) => removed.push(blob),
            Err(e) => tracing::warn!(error = %e, "cannot remove a deleted file's object"),
        }
    }
    let done = em
        .store()
        .call(move |conn| {
            for blob in &removed {
                conn.execute("DELETE FROM blob_trash WHERE path = ?1", [blob])?;
            }
            Ok::<_, Error>(())
        })
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "removing deleted files failed");
    }
}

/// The trashed blobs that are objects of the S3 store.
fn trashed_objects(conn: &rusqlite::Connection) -> Result<Vec<String>, Error> {
    let mut stmt = conn.prepare_cached("SELECT path FROM blob_trash WHERE path GLOB 's3:*'")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
