//! Where the bytes of a native upload (`POST .../add`, `POST /api/files/{id}/replace`
//! with a `file` part) go: into the dataset's effective store, as `CreateNewDataFilesCommand`
//! saves them with the dataset's `StorageIO`. The file store takes the received blob on
//! commit; the S3 store gets the object first (`s3://<bucket>:<name>`, keyed under the
//! dataset as `S3AccessIO` keys it), and the commit only names it. Before either, the upload
//! is held against `:MaxFileUploadSizeInBytes` of that store.

use axum::http::StatusCode;
use rusqlite::Connection;

use super::AppError;
use super::commit::{Bytes, Source};
use super::extract::Upload;
use crate::envelope::ApiError;
use crate::storage;
use crate::store::datasets::DatasetRow;
use crate::store::storage_drivers;
use crate::{Emulator, Error, size_limits};

/// The store a dataset's native uploads go to, and its upload limit.
#[derive(Debug, Clone)]
pub(crate) struct UploadTarget {
    /// The effective storage driver id (`file`, `s3`).
    pub driver: String,
    /// `:MaxFileUploadSizeInBytes` for that store (`None`: unlimited).
    pub limit: Option<i64>,
    /// The dataset's PID authority and identifier (the S3 key prefix).
    pub authority: String,
    pub identifier: String,
}

/// Read the target of dataset `ds` (inside a store closure).
pub(crate) fn upload_target(
    conn: &Connection,
    em: &Emulator,
    ds: &DatasetRow,
) -> Result<UploadTarget, Error> {
    let default = storage::default_driver_id(em.s3_config());
    let driver = storage_drivers::effective_for_dataset(conn, ds.id, default)?;
    let limit = size_limits::max_upload(conn, &driver)?;
    Ok(UploadTarget {
        driver,
        limit,
        authority: ds.authority.clone(),
        identifier: ds.identifier.clone(),
    })
}

/// Hold an upload of `size` bytes against the store's limit (the first check
/// `CreateNewDataFilesCommand` makes once the bytes are in).
pub(crate) fn check_size(target: &UploadTarget, size: u64) -> Result<(), ApiError> {
    match target.limit {
        Some(limit) if size_limits::exceeds(size, Some(limit)) => Err(ApiError::bad_request(
            size_limits::too_large_message(size, limit),
        )),
        _ => Ok(()),
    }
}

/// Put the bytes of an upload where the commit expects them: a received blob for the file
/// store, an object in the bucket for the S3 store.
pub(crate) async fn place(
    em: &Emulator,
    target: &UploadTarget,
    upload: Upload,
) -> Result<Bytes, AppError> {
    let bucket = match em.s3() {
        Some((bucket, _)) if target.driver == storage::S3_DRIVER_ID => bucket,
        _ => {
            return Ok(Bytes {
                source: Source::Received(upload.tmp),
                size: upload.size,
                checksum: upload.checksum,
                algorithm: upload.algorithm,
            });
        }
    };
    let name = storage::new_storage_name();
    let key = storage::object_key(&target.authority, &target.identifier, &name);
    if let Err(e) = bucket.put_file(&key, upload.tmp.path()).await {
        tracing::warn!(error = %e, "storing an upload in the S3 store failed");
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Failed to save the file in the storage location.",
        )
        .into());
    }
    // The received blob is removed when `upload.tmp` drops here.
    Ok(Bytes {
        source: Source::InBucket {
            bucket: bucket.name().to_string(),
            name,
            key,
        },
        size: upload.size,
        checksum: upload.checksum,
        algorithm: upload.algorithm,
    })
}

/// The commit's result, after removing the object placed for it when it failed.
pub(crate) async fn kept<T>(
    em: &Emulator,
    object: Option<String>,
    done: Result<T, AppError>,
) -> Result<T, AppError> {
    if done.is_err() {
        discard(em, object).await;
    }
    done
}

/// The object a failed commit leaves in the bucket, removed (a file-store blob is removed
/// by the commit itself).
async fn discard(em: &Emulator, key: Option<String>) {
    if let (Some(key), Some((bucket, _))) = (key, em.s3())
        && let Err(e) = bucket.delete_object(&key).await
    {
        tracing::warn!(error = %e, "removing an object after a failed upload failed");
    }
}

/// The object key of bytes placed in the bucket (for [`kept`]).
pub(crate) fn key_of(bytes: &Bytes) -> Option<String> {
    match &bytes.source {
        Source::InBucket { key, .. } => Some(key.clone()),
        Source::Received(_) => None,
    }
}
