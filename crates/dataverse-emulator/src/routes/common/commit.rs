//! Storing a new file (`AddReplaceFileHelper`'s commit step), shared by the uploads of
//! [`file_add`](super::super::file_add) and the registrations of direct uploads
//! ([`file_register`](super::super::file_register)): `jsonData`'s optional parameters, the
//! checks before anything is stored, and the rows inserted in one transaction with the
//! bytes put in place (a temporary blob moved into the file store, or an object already in
//! the S3 bucket named).

use std::path::Path as FsPath;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::AppError;
use super::extract::directory_label;
use super::guards::edit_lock;
use crate::Error;
use crate::auth::Caller;
use crate::checksum::Algorithm;
use crate::envelope::{ApiError, ok};
use crate::ingest;
use crate::permissions::{DvObject, Permission, permitted};
use crate::printer;
use crate::store::blobs::TempBlob;
use crate::store::datasets;
use crate::store::files::{self, NewFile};
use crate::store::{dataset_write, time_fmt};

/// `file.addreplace.error.auth`.
pub(crate) const NOT_AUTHENTICATED: &str = "The API key is invalid.";
/// `file.addreplace.error.no_edit_dataset_permission`.
pub(crate) const NO_EDIT: &str = "You do not have permission to edit this dataset.";
/// Message of an upload without a `file` part.
pub(crate) const NO_FILE: &str =
    "You must upload a file or provide a valid storageidentifier, filename, and mimetype.";

/// The optional parameters of `jsonData` (`OptionalFileParams`).
#[derive(Debug, Default, Clone)]
pub(crate) struct FileParams {
    pub description: Option<String>,
    pub label: Option<String>,
    pub directory_label: Option<String>,
    pub categories: Option<Vec<String>>,
    pub restrict: Option<bool>,
    pub tab_ingest: bool,
    pub prov_free_form: Option<String>,
    pub force_replace: bool,
}

fn json_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s.trim().eq_ignore_ascii_case("true")),
        _ => None,
    }
}

/// Parse `jsonData` (absent ⇒ defaults).
pub(crate) fn parse_params(json: Option<&str>) -> Result<FileParams, ApiError> {
    let mut p = FileParams {
        tab_ingest: true,
        ..FileParams::default()
    };
    let Some(text) = json.filter(|t| !t.trim().is_empty()) else {
        return Ok(p);
    };
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("Error parsing jsonData: {e}")))?;
    let Some(o) = v.as_object() else {
        return Err(ApiError::bad_request(
            "Error parsing jsonData: a JSON object is expected.",
        ));
    };
    let text_of = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    p.description = text_of("description");
    p.label = text_of("label");
    if let Some(d) = text_of("directoryLabel") {
        p.directory_label = directory_label(&d)?;
    }
    if let Some(Value::Array(a)) = o.get("categories") {
        p.categories = Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        );
    }
    p.restrict = o.get("restrict").and_then(json_bool);
    if let Some(t) = o.get("tabIngest").and_then(json_bool) {
        p.tab_ingest = t;
    }
    p.prov_free_form = text_of("provFreeForm");
    p.force_replace = o.get("forceReplace").and_then(json_bool).unwrap_or(false);
    Ok(p)
}

/// Checks before the body is read: an authenticated caller with EditDataset on an
/// unlocked dataset (worded as `AddReplaceFileHelper` words them).
pub(crate) fn may_upload(conn: &Connection, caller: &Caller, dataset: i64) -> Result<(), AppError> {
    if caller.user().is_none() {
        return Err(ApiError::forbidden(NOT_AUTHENTICATED).into());
    }
    if !permitted(
        conn,
        caller,
        Permission::EditDataset,
        DvObject::Dataset(dataset),
    )? {
        return Err(ApiError::forbidden(NO_EDIT).into());
    }
    let Some(ds) = datasets::by_id(conn, dataset)? else {
        return Err(ApiError::not_found(format!("Dataset with ID {dataset} not found.")).into());
    };
    edit_lock(conn, caller, &ds)
}

/// What the commit step needs besides the upload.
pub(crate) struct Placement {
    pub dataset: i64,
    pub label: String,
    pub content_type: String,
    pub ingest: bool,
    pub replaces: Option<files::DataFileRow>,
}

/// What storing an upload produced.
pub(crate) struct Committed {
    /// The new FileMetadata.
    pub json: Value,
    /// The file to ingest, if any.
    pub ingest: Option<i64>,
    /// The label of a file of the draft with the same content, if any.
    pub duplicate_of: Option<String>,
}

/// `{"status":"OK","data":{"files":[...]}}`, with the duplicate-content warning as the
/// top-level `message` when there is one.
pub(crate) fn added(done: Committed) -> Response {
    match done.duplicate_of {
        Some(other) => (
            StatusCode::OK,
            axum::Json(json!({
                "status": "OK",
                "message": format!("This file has the same content as {other} that is in the dataset."),
                "data": {"files": [done.json]},
            })),
        )
            .into_response(),
        None => ok(json!({ "files": [done.json] })),
    }
}

/// Where the bytes of a file to store are.
#[derive(Debug)]
pub(crate) enum Source {
    /// An upload received into a temporary blob, moved into the file store on commit.
    Received(TempBlob),
    /// An object already in the S3 bucket (a direct upload): its storage name
    /// (`s3://<bucket>:<name>`) and object key.
    InBucket {
        /// The bucket's name.
        bucket: String,
        /// The storage name.
        name: String,
        /// The object key.
        key: String,
    },
}

/// The bytes of a file to store: where they are, their size and checksum.
#[derive(Debug)]
pub(crate) struct Bytes {
    pub source: Source,
    pub size: u64,
    pub checksum: String,
    pub algorithm: Algorithm,
}

/// The `rootDataFileId` of a file replacing `old` (`AddReplaceFileHelper`): a published
/// file starts (or continues) a chain; a file never published hands on the chain it
/// continued, if any.
fn replacement_root(old: &files::DataFileRow) -> Option<i64> {
    if old.publication_date.is_some() {
        Some(old.root_id.unwrap_or(old.id))
    } else {
        old.previous_id.and(old.root_id)
    }
}

/// The `previousDataFileId` of a file replacing `old`: the published file itself, or the
/// predecessor of a file never published.
fn replacement_previous(old: &files::DataFileRow) -> Option<i64> {
    if old.publication_date.is_some() {
        Some(old.id)
    } else {
        old.previous_id
    }
}

/// Store a file: a received blob is moved into place and the rows inserted in one
/// transaction (the blob is removed again when the transaction fails); an object in the
/// bucket is only named. Returns the FileMetadata JSON and the file id to ingest, if any.
pub(crate) fn commit_upload(
    conn: &mut Connection,
    data_dir: &FsPath,
    upload: Bytes,
    params: &FileParams,
    place: Placement,
    user_id: Option<i64>,
) -> Result<Committed, AppError> {
    let tx = conn.transaction()?;
    let now = time_fmt::now_iso();
    let draft = dataset_write::ensure_draft(&tx, place.dataset, &now)?;
    // A replaced file leaves the draft after the new one is in (so a file never
    // published, whose row goes with it, does not hand its id on).
    let replaced = place.replaces.as_ref().map(|o| o.id);
    let replaced_label = match replaced {
        Some(old) => files::meta_in_version(&tx, draft.id, old)?.map(|fm| fm.label),
        None => None,
    };
    let duplicate_of =
        files::label_with_checksum(&tx, draft.id, &upload.checksum, upload.algorithm)?
            .filter(|l| Some(l) != replaced_label.as_ref());
    let directory = params.directory_label.as_deref();
    let label = files::unique_label(&tx, draft.id, directory, &place.label, replaced)?;
    let (storage_identifier, blob) = match &upload.source {
        Source::Received(_) => {
            let name = files::new_storage_name();
            (
                format!("local://{name}"),
                format!("{}/{name}", place.dataset),
            )
        }
        Source::InBucket { bucket, name, key } => (
            format!("s3://{bucket}:{name}"),
            crate::storage::s3_blob(key),
        ),
    };
    let new = NewFile {
        dataset_id: place.dataset,
        storage_identifier,
        blob: blob.clone(),
        content_type: place.content_type,
        filesize: upload.size as i64,
        checksum: upload.checksum.clone(),
        checksum_type: upload.algorithm,
        root_id: place.replaces.as_ref().and_then(replacement_root),
        previous_id: place.replaces.as_ref().and_then(replacement_previous),
        label,
        directory_label: params.directory_label.clone(),
        description: params.description.clone().unwrap_or_default(),
        restricted: params.restrict.unwrap_or(false),
        categories: params.categories.clone().unwrap_or_default(),
        prov_free_form: params.prov_free_form.clone(),
    };
    let (id, _) = files::insert(&tx, &new, draft.id, &now)?;
    if let Some(old) = replaced {
        files::remove_from_version(&tx, draft.id, old)?;
    }
    files::touch_version(&tx, draft.id, &now)?;
    // `startIngestJobs`: only a file under `:TabularIngestSizeLimit` is ingested; a larger
    // one stays as uploaded.
    let ingest = place.ingest
        && crate::size_limits::ingest_allowed(&tx, crate::size_limits::CSV_FORMAT, upload.size)?;
    if ingest {
        ingest::job::queue(&tx, id, place.dataset, user_id)?;
    }
    let fm = files::meta_in_version(&tx, draft.id, id)?
        .ok_or_else(|| Error::Store("new file metadata vanished".into()))?;
    let df = files::datafile(&tx, id)?.ok_or_else(|| Error::Store("new file vanished".into()))?;
    let json = printer::files::filemetadata(&fm, &df, draft.file_access_request);
    match upload.source {
        Source::Received(tmp) => {
            let dest = files::blob_path(data_dir, &blob);
            tmp.commit(&dest)?;
            if let Err(e) = tx.commit() {
                let _ = std::fs::remove_file(&dest);
                return Err(e.into());
            }
        }
        Source::InBucket { .. } => tx.commit()?,
    }
    Ok(Committed {
        json,
        ingest: ingest.then_some(id),
        duplicate_of,
    })
}
