//! Reading a stored file's bytes where a handler reads them from a path (the `.tab` of
//! `dataTables`, the head of `redetect`): a file held in the S3 store is first copied from
//! the bucket into a temporary file.

use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use super::AppError;
use super::guards::find_file;
use crate::envelope::ApiError;
use crate::store::blobs::TempBlob;
use crate::store::files;
use crate::{Emulator, ingest, storage};

/// A stored file's bytes on disk: its file-store blob, or a copy of its S3 object.
pub(crate) struct LocalBytes {
    copy: Option<TempBlob>,
}

impl LocalBytes {
    /// The path to read: the copy, else the blob `blob` under the data directory.
    pub(crate) fn path(&self, data_dir: &Path, blob: &str) -> PathBuf {
        match &self.copy {
            Some(t) => t.path().to_path_buf(),
            None => files::blob_path(data_dir, blob),
        }
    }
}

/// The bytes of the file `idtf` names: for an S3-held file, copied from the bucket (a file
/// the lookup does not find is left to the handler to answer).
pub(crate) async fn local_bytes(
    em: &Emulator,
    idtf: &str,
    p: &std::collections::HashMap<String, String>,
) -> Result<LocalBytes, AppError> {
    let (idtf, p) = (idtf.to_string(), p.clone());
    let blob = em
        .store()
        .read(move |conn| Ok::<_, AppError>(find_file(conn, &idtf, &p).ok().map(|df| df.blob)))
        .await?;
    let Some(key) = blob.as_deref().and_then(storage::s3_key_of_blob) else {
        return Ok(LocalBytes { copy: None });
    };
    let copy = ingest::job::fetch(em, &em.config().data_dir, key)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "reading a file from the S3 store failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The file could not be read from its store.",
            )
        })?;
    Ok(LocalBytes { copy: Some(copy) })
}
