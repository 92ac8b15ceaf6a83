//! Direct upload to the S3 store (`Datasets.getMPUploadUrls`, `completeMPUpload`,
//! `abortMPUpload`): presigned URLs for one PUT or a multipart upload when the dataset's
//! effective store takes direct uploads, and completing or aborting a multipart upload.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::AppError;
use super::common::extract::{Params, utf8_body};
use super::common::guards::find_dataset;
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::{DvObject, Permission, permitted};
use crate::storage::{self, sigv4::uri_encode};
use crate::store::{datasets, storage_drivers};

/// `GET /api/datasets/{id}/uploadurls?size=N`.
pub(super) async fn upload_urls(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let size: u64 = match p.get("size").map(|s| s.trim()) {
        None | Some("") => 0,
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::not_found(format!("Bad size parameter: {s}")))?,
    };
    let caller = auth.caller.clone();
    let default = storage::default_driver_id(em.s3_config());
    let (ds, driver, limit) = em
        .store()
        .read(
            move |conn| -> Result<(datasets::DatasetRow, String, Option<i64>), AppError> {
                let ds = find_dataset(conn, &idtf, &p)?;
                if !permitted(
                    conn,
                    &caller,
                    Permission::EditDataset,
                    DvObject::Dataset(ds.id),
                )? {
                    return Err(ApiError::forbidden(
                        "You are not permitted to upload files to this dataset.",
                    )
                    .into());
                }
                let driver = storage_drivers::effective_for_dataset(conn, ds.id, default)?;
                let limit = crate::size_limits::max_upload(conn, &driver)?;
                Ok((ds, driver, limit))
            },
        )
        .await?;
    let direct = storage::direct_upload_enabled(em.s3_config(), &driver);
    let Some((bucket, config)) = em.s3().filter(|_| direct) else {
        return Err(ApiError::not_found(format!(
            "Direct upload not supported for files in this dataset: {}",
            ds.id
        ))
        .into());
    };
    // `:MaxFileUploadSizeInBytes` of the dataset's store (`getMaxFileUploadSizeForStore`),
    // and the server's own upload limit.
    let max = match (limit, em.config().max_upload_bytes) {
        (Some(l), Some(c)) => Some(l.min(i64::try_from(c).unwrap_or(i64::MAX))),
        (l, c) => l.or(c.map(|c| i64::try_from(c).unwrap_or(i64::MAX))),
    };
    if let Some(max) = max
        && crate::size_limits::exceeds(size, Some(max))
    {
        return Err(ApiError::bad_request(format!(
            "The file you are trying to upload is too large to be uploaded to this dataset. \
             The maximum allowed file size is {max} bytes."
        ))
        .into());
    }
    let name = storage::new_storage_name();
    let key = storage::object_key(&ds.authority, &ds.identifier, &name);
    let storage_identifier = format!("s3://{}:{name}", bucket.name());
    let expires = config.url_expiration.as_secs().max(1);
    let part_size = config.part_size();
    let mut data = Map::new();
    if size <= part_size {
        data.insert(
            "url".into(),
            bucket.presign_put(&key, config.tagging, expires).into(),
        );
    } else {
        let upload_id = bucket.create_multipart(&key).await.map_err(|e| {
            tracing::warn!(error = %e, "CreateMultipartUpload failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not create process direct upload request",
            )
        })?;
        let parts = size.div_ceil(part_size);
        let urls: Map<String, Value> = (1..=parts)
            .map(|n| {
                (
                    n.to_string(),
                    bucket.presign_part(&key, &upload_id, n, expires).into(),
                )
            })
            .collect();
        let link = format!(
            "/api/datasets/mpupload?globalid={}&uploadid={}&storageidentifier={}",
            uri_encode(&ds.pid(), false),
            uri_encode(&upload_id, false),
            uri_encode(&storage_identifier, false)
        );
        data.insert("urls".into(), Value::Object(urls));
        data.insert("abort".into(), link.clone().into());
        data.insert("complete".into(), link.into());
    }
    data.insert("partSize".into(), part_size.into());
    data.insert("storageIdentifier".into(), storage_identifier.into());
    Ok(ok(Value::Object(data)))
}

/// The multipart upload named by an `mpupload` link: the object key and upload id, after
/// the checks of `completeMPUpload` / `abortMPUpload` (an authenticated caller with
/// EditDataset on the dataset the global id names).
async fn named_upload(
    em: &Emulator,
    p: std::collections::HashMap<String, String>,
    auth: &Auth,
    verb: &'static str,
) -> Result<(String, String), AppError> {
    let Some((bucket, _)) = em.s3() else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Could not {verb} multipart upload"),
        )
        .into());
    };
    let bucket_name = bucket.name().to_string();
    let caller = auth.caller.clone();
    em.store()
        .read(move |conn| -> Result<(String, String), AppError> {
            if caller.user().is_none() {
                return Err(ApiError::unauthorized("Bad API key").into());
            }
            let global_id = p.get("globalid").cloned().unwrap_or_default();
            let upload_id = p.get("uploadid").cloned().unwrap_or_default();
            let sid = p.get("storageidentifier").cloned().unwrap_or_default();
            let ds = datasets::by_pid(conn, &global_id)?;
            if let Some(ds) = &ds
                && !permitted(
                    conn,
                    &caller,
                    Permission::EditDataset,
                    DvObject::Dataset(ds.id),
                )?
            {
                return Err(ApiError::forbidden(format!(
                    "You are not permitted to {verb} file uploads with the supplied parameters."
                ))
                .into());
            }
            // Without a dataset (an upload while one is created) the key comes from the
            // global id itself, as `S3AccessIO` derives it.
            let location = match &ds {
                Some(ds) => format!("{}/{}", ds.authority, ds.identifier),
                None => global_id
                    .split_once(':')
                    .map(|(_, rest)| rest.to_string())
                    .unwrap_or_default(),
            };
            let parsed = storage::parse_storage_identifier(&sid)
                .filter(|(b, _)| *b == bucket_name)
                .map(|(_, name)| name.to_string());
            match parsed {
                Some(name)
                    if !upload_id.is_empty()
                        && !location.is_empty()
                        && !location.contains("..") =>
                {
                    Ok((format!("{location}/{name}"), upload_id))
                }
                _ => Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Could not {verb} multipart upload"),
                )
                .into()),
            }
        })
        .await
}

/// `PUT /api/datasets/mpupload?globalid=&uploadid=&storageidentifier=` with
/// `{"1":"<etag>",...}`.
pub(super) async fn complete(
    State(em): State<Emulator>,
    Params(p): Params,
    auth: Auth,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let (key, upload_id) = named_upload(&em, p, &auth, "complete").await?;
    let failed = || {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Could not complete multipart upload",
        )
    };
    let parts: Vec<(u64, String)> = utf8_body(&body)
        .ok()
        .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
        .and_then(|m| {
            m.into_iter()
                .map(|(k, v)| Some((k.trim().parse::<u64>().ok()?, v.as_str()?.to_string())))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(failed)?;
    let mut parts = parts;
    parts.sort_by_key(|(n, _)| *n);
    let Some((bucket, _)) = em.s3() else {
        return Err(failed().into());
    };
    if let Err(e) = bucket.complete_multipart(&key, &upload_id, &parts).await {
        tracing::warn!(error = %e, "CompleteMultipartUpload failed; aborting the upload");
        if let Err(e) = bucket.abort_multipart(&key, &upload_id).await {
            tracing::warn!(error = %e, "AbortMultipartUpload failed too");
        }
        return Err(failed().into());
    }
    Ok(msg("Multipart Upload completed"))
}

/// `DELETE /api/datasets/mpupload?globalid=&uploadid=&storageidentifier=`: 204.
pub(super) async fn abort(
    State(em): State<Emulator>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let (key, upload_id) = named_upload(&em, p, &auth, "abort").await?;
    let Some((bucket, _)) = em.s3() else {
        return Err(ApiError::internal().into());
    };
    bucket
        .abort_multipart(&key, &upload_id)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "AbortMultipartUpload failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not abort multipart upload",
            )
        })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
