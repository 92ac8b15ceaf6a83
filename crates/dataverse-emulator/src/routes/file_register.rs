//! Registering files already in the S3 store (direct uploads): `POST /api/datasets/{id}/add`
//! with only `jsonData`, `POST /api/datasets/{id}/addFiles` and `/replaceFiles` with a JSON
//! array (`AddReplaceFileHelper.addFiles` / `replaceFiles`). Each entry names its object
//! (`storageIdentifier`), its name, type and checksum; the object must be in the bucket (and
//! of the declared `fileSize`, when given) before a row names it, and its temporary tag is
//! dropped once it is registered.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::commit::{
    Bytes, Committed, FileParams, Placement, Source, added, commit_upload, may_upload, parse_params,
};
use super::common::extract::{Params, read_form, sanitize_filename};
use super::common::guards::find_dataset;
use crate::Emulator;
use crate::auth::Auth;
use crate::checksum::Algorithm;
use crate::envelope::ApiError;
use crate::ingest;
use crate::storage;
use crate::store::{datasets, files, storage_drivers};

/// `file.addreplace.error` of an entry without what a registration needs.
const INCOMPLETE: &str = "You must provide a storageidentifier, filename, and mimetype.";
/// An entry naming another store or bucket.
const OTHER_STORE: &str = "Dataset store configuration does not allow provided storageIdentifier.";

/// One entry of a registration, checked.
struct Entry {
    bucket: String,
    name: String,
    file_name: String,
    mime_type: Option<String>,
    checksum: String,
    algorithm: Algorithm,
    file_size: Option<u64>,
    params: FileParams,
    file_to_replace: Option<i64>,
}

/// A failed entry: the HTTP status it would have had and the message.
struct Failure(StatusCode, String);

impl Failure {
    fn bad(message: impl Into<String>) -> Failure {
        Failure(StatusCode::BAD_REQUEST, message.into())
    }

    /// `"<reason phrase>:<message>"`, as `addFiles` reports a failed entry.
    fn text(&self) -> String {
        format!(
            "{}:{}",
            self.0.canonical_reason().unwrap_or("Error"),
            self.1
        )
    }
}

/// Read one entry of `jsonData` (an object).
fn entry(o: &Map<String, Value>, bucket: &str) -> Result<Entry, Failure> {
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let (Some(sid), Some(file_name)) = (text("storageIdentifier"), text("fileName")) else {
        return Err(Failure::bad(INCOMPLETE));
    };
    let Some((in_bucket, name)) = storage::parse_storage_identifier(sid) else {
        return Err(Failure::bad(OTHER_STORE));
    };
    if in_bucket != bucket {
        return Err(Failure::bad(OTHER_STORE));
    }
    let (algorithm, checksum) = match (o.get("checksum"), text("md5Hash")) {
        (Some(Value::Object(c)), _) => {
            let kind = c.get("@type").and_then(Value::as_str).unwrap_or_default();
            let value = c.get("@value").and_then(Value::as_str).unwrap_or_default();
            let Some(a) = Algorithm::parse(kind) else {
                return Err(Failure::bad(format!("Unknown checksum type: {kind}")));
            };
            (a, value.trim().to_ascii_lowercase())
        }
        (_, Some(md5)) => (Algorithm::Md5, md5.to_ascii_lowercase()),
        _ => {
            return Err(Failure::bad(
                "A checksum (md5Hash or checksum) is required to register a stored file.",
            ));
        }
    };
    if checksum.is_empty() || !checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::bad("The checksum value is not a hex digest."));
    }
    let params = parse_params(Some(&Value::Object(o.clone()).to_string()))
        .map_err(|e| Failure::bad(e.message().to_string()))?;
    let file_to_replace = match o.get("fileToReplaceId") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(|| Failure::bad("fileToReplaceId is not a file id."))?,
        ),
    };
    Ok(Entry {
        bucket: in_bucket.to_string(),
        name: name.to_string(),
        file_name: sanitize_filename(file_name).map_err(|e| Failure::bad(e.message()))?,
        mime_type: text("mimeType").map(str::to_string),
        checksum,
        algorithm,
        file_size: o.get("fileSize").and_then(Value::as_u64),
        params,
        file_to_replace,
    })
}

/// Register one entry in dataset `ds`: the object checked in the bucket, the rows stored,
/// the temporary tag dropped.
async fn register(
    em: &Emulator,
    ds: &datasets::DatasetRow,
    auth: &Auth,
    e: Entry,
) -> Result<Committed, Failure> {
    let internal = |what: &str| Failure(StatusCode::INTERNAL_SERVER_ERROR, what.to_string());
    let Some((bucket, _)) = em.s3() else {
        return Err(Failure::bad(OTHER_STORE));
    };
    // `DataAccess.uploadToDatasetAllowed`: only into the dataset's store in use.
    let (dataset, default) = (ds.id, storage::default_driver_id(em.s3_config()));
    let (driver, limit) = em
        .store()
        .read(move |conn| {
            let driver = storage_drivers::effective_for_dataset(conn, dataset, default)?;
            let limit = crate::size_limits::max_upload(conn, &driver)?;
            Ok::<_, crate::Error>((driver, limit))
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "reading the dataset's store failed");
            internal("Internal server error.")
        })?;
    if !storage::direct_upload_enabled(em.s3_config(), &driver) {
        return Err(Failure::bad(OTHER_STORE));
    }
    let key = storage::object_key(&ds.authority, &ds.identifier, &e.name);
    let size = match bucket.size_of(&key).await {
        Ok(Some(size)) => size,
        Ok(None) => {
            return Err(Failure::bad(format!(
                "The file was not found in the store: s3://{}:{}",
                e.bucket, e.name
            )));
        }
        Err(err) => {
            tracing::warn!(error = %err, "HeadObject failed");
            return Err(internal("The store could not be reached."));
        }
    };
    if let Some(declared) = e.file_size
        && declared != size
    {
        return Err(Failure::bad(format!(
            "The stored file has {size} bytes, not the declared {declared}."
        )));
    }
    // `CreateNewDataFilesCommand`: a stored object over the store's limit is refused.
    if let Some(l) = limit
        && crate::size_limits::exceeds(size, Some(l))
    {
        return Err(Failure::bad(crate::size_limits::too_large_message(size, l)));
    }
    let content_type = ingest::detect(e.mime_type.as_deref(), &e.file_name, &[]);
    let label = e
        .params
        .label
        .clone()
        .unwrap_or_else(|| e.file_name.clone());
    let dataset = ds.id;
    let caller = auth.caller.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let data_dir = em.config().data_dir.clone();
    let bytes = Bytes {
        source: Source::InBucket {
            bucket: e.bucket.clone(),
            name: e.name.clone(),
            key: key.clone(),
        },
        size,
        checksum: e.checksum.clone(),
        algorithm: e.algorithm,
    };
    let params = e.params;
    let replace_id = e.file_to_replace;
    let done = em
        .store()
        .call(move |conn| -> Result<Committed, AppError> {
            may_upload(conn, &caller, dataset)?;
            if files::by_storage_identifier(conn, dataset, &format!("s3://{}:{}", e.bucket, e.name))?
                .is_some()
            {
                return Err(ApiError::bad_request(
                    "This storageIdentifier is already registered in the dataset.",
                )
                .into());
            }
            let replaces = match replace_id {
                None => None,
                Some(id) => {
                    let old = files::datafile(conn, id)?.filter(|f| f.dataset_id == dataset);
                    let Some(old) = old else {
                        return Err(ApiError::bad_request(
                            "The file to replace does not belong to this dataset.",
                        )
                        .into());
                    };
                    let all = datasets::versions(conn, dataset)?;
                    let latest = all.first().map(|v| v.id).unwrap_or(-1);
                    if files::meta_in_version(conn, latest, old.id)?.is_none() {
                        return Err(ApiError::bad_request(
                            "You cannot replace a file that is not in the latest version of the dataset.",
                        )
                        .into());
                    }
                    if old.content_type != content_type && !params.force_replace {
                        return Err(ApiError::bad_request(format!(
                            "The original file ({}) and replacement file ({}) are different file types.",
                            ingest::friendly_type(&old.content_type),
                            ingest::friendly_type(&content_type)
                        ))
                        .into());
                    }
                    Some(old)
                }
            };
            let place = Placement {
                dataset,
                label: sanitize_filename(&label)?,
                ingest: params.tab_ingest
                    && ingest::is_tabular_candidate(&content_type)
                    && content_type != ingest::TAB,
                content_type,
                replaces,
            };
            commit_upload(conn, &data_dir, bytes, &params, place, user_id)
        })
        .await
        .map_err(|err| match err {
            AppError::Api(api) => {
                Failure(api.status(), api.message().to_string())
            }
            AppError::Internal(err) => {
                tracing::error!(error = %err, "registering a stored file failed");
                internal("Internal server error.")
            }
        })?;
    if let Err(err) = bucket.clear_tags(&key).await {
        // Stores without object tagging keep the object as it is.
        tracing::debug!(error = %err, "dropping the temporary tag failed");
    }
    if let Some(id) = done.ingest {
        ingest::job::start(em, id).await;
    }
    Ok(done)
}

/// `POST /api/datasets/{id}/add` (or `/api/files/{id}/replace`, replacing `replaces`) with
/// `jsonData` naming a stored file: the answer of a normal add.
pub(super) async fn add_one(
    em: &Emulator,
    dataset: i64,
    auth: &Auth,
    json: Option<&str>,
    replaces: Option<i64>,
) -> Result<Response, AppError> {
    let Some((bucket, _)) = em.s3() else {
        return Err(ApiError::bad_request(super::common::commit::NO_FILE).into());
    };
    let o: Map<String, Value> = json
        .and_then(|t| serde_json::from_str(t).ok())
        .ok_or_else(|| ApiError::bad_request(super::common::commit::NO_FILE))?;
    let mut e = entry(&o, bucket.name()).map_err(|f| ApiError::new(f.0, f.1))?;
    if replaces.is_some() {
        e.file_to_replace = replaces;
    }
    let ds = em
        .store()
        .read(move |conn| -> Result<datasets::DatasetRow, AppError> {
            Ok(datasets::by_id(conn, dataset)?.ok_or_else(|| {
                ApiError::not_found(format!("Dataset with ID {dataset} not found."))
            })?)
        })
        .await?;
    let done = register(em, &ds, auth, e)
        .await
        .map_err(|f| ApiError::new(f.0, f.1))?;
    Ok(added(done))
}

/// Whether the batch adds or replaces.
#[derive(Clone, Copy, PartialEq)]
enum Batch {
    Add,
    Replace,
}

async fn batch(
    em: Emulator,
    idtf: String,
    p: std::collections::HashMap<String, String>,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
    kind: Batch,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let ds = em
        .store()
        .read(move |conn| -> Result<datasets::DatasetRow, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            may_upload(conn, &caller, ds.id)?;
            Ok(ds)
        })
        .await?;
    let form = read_form(&em, multipart).await?;
    let text = form.json.unwrap_or_default();
    let entries: Vec<Value> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(a)) => a,
        Ok(_) => {
            return Err(
                ApiError::bad_request("Json Parsing Exception :a JSON array is expected").into(),
            );
        }
        Err(e) => return Err(ApiError::bad_request(format!("Json Parsing Exception :{e}")).into()),
    };
    let bucket = em
        .s3()
        .map(|(b, _)| b.name().to_string())
        .unwrap_or_default();
    let total = entries.len();
    let mut ok_count = 0usize;
    let mut out = Vec::with_capacity(total);
    for raw in entries {
        let obj = raw.as_object().cloned().unwrap_or_default();
        let sid = obj.get("storageIdentifier").cloned().unwrap_or(Value::Null);
        let checked = entry(&obj, &bucket).and_then(|e| {
            if kind == Batch::Replace && e.file_to_replace.is_none() {
                Err(Failure::bad(
                    "fileToReplaceId is required to replace a file.",
                ))
            } else {
                Ok(e)
            }
        });
        let result = match checked {
            Ok(e) => register(&em, &ds, &auth, e).await,
            Err(f) => Err(f),
        };
        match result {
            Ok(done) => {
                ok_count += 1;
                let mut o = Map::new();
                o.insert("storageIdentifier".into(), sid);
                match done.duplicate_of {
                    Some(other) => o.insert(
                        "warningMessage".into(),
                        format!(
                            "This file has the same content as {other} that is in the dataset."
                        )
                        .into(),
                    ),
                    None => o.insert(
                        "successMessage".into(),
                        match kind {
                            Batch::Add => "Added successfully to the dataset",
                            Batch::Replace => "Replaced successfully in the dataset",
                        }
                        .into(),
                    ),
                };
                o.insert("fileDetails".into(), done.json);
                out.push(Value::Object(o));
            }
            Err(f) => {
                let mut o = Map::new();
                if !sid.is_null() {
                    o.insert("storageIdentifier".into(), sid);
                }
                o.insert("errorMessage".into(), f.text().into());
                o.insert("fileDetails".into(), raw);
                out.push(Value::Object(o));
            }
        }
    }
    let counter = match kind {
        Batch::Add => "Number of files successfully added",
        Batch::Replace => "Number of files successfully replaced",
    };
    Ok((
        StatusCode::OK,
        axum::Json(json!({
            "status": "OK",
            "data": {
                "Files": out,
                "Result": {"Total number of files": total, counter: ok_count},
            },
        })),
    )
        .into_response())
}

/// `POST /api/datasets/{id}/addFiles`.
pub(super) async fn add_files(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    batch(em, idtf, p, auth, multipart, Batch::Add).await
}

/// `POST /api/datasets/{id}/replaceFiles`.
pub(super) async fn replace_files(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    batch(em, idtf, p, auth, multipart, Batch::Replace).await
}
