//! File uploads: `POST /api/datasets/{id}/add` and `POST /api/files/{id}/replace`
//! (`AddReplaceFileHelper`): the checks before the body is read, `jsonData`'s optional
//! parameters, and storing the upload (blob and rows together), after which the tabular
//! ingest starts. The multipart body itself is read by [`super::common::extract::read_form`].

use std::path::Path as FsPath;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::AppError;
use super::common::extract::{Params, Upload, directory_label, read_form, sanitize_filename};
use super::common::guards::{edit_lock, find_dataset, find_file};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, ok};
use crate::ingest;
use crate::permissions::{DvObject, Permission, permitted};
use crate::printer;
use crate::store::datasets;
use crate::store::files::{self, NewFile};
use crate::store::{dataset_write, time_fmt};
use crate::{Emulator, Error};

/// `file.addreplace.error.auth`.
const NOT_AUTHENTICATED: &str = "The API key is invalid.";
/// `file.addreplace.error.no_edit_dataset_permission`.
const NO_EDIT: &str = "You do not have permission to edit this dataset.";
/// Message of an upload without a `file` part.
const NO_FILE: &str =
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
fn may_upload(conn: &Connection, caller: &Caller, dataset: i64) -> Result<(), AppError> {
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
struct Placement {
    dataset: i64,
    label: String,
    content_type: String,
    ingest: bool,
    replaces: Option<files::DataFileRow>,
}

/// What storing an upload produced.
struct Committed {
    /// The new FileMetadata.
    json: Value,
    /// The file to ingest, if any.
    ingest: Option<i64>,
    /// The label of a file of the draft with the same content, if any.
    duplicate_of: Option<String>,
}

/// `{"status":"OK","data":{"files":[...]}}`, with the duplicate-content warning as the
/// top-level `message` when there is one.
fn added(done: Committed) -> Response {
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

/// Store the upload: the blob is moved into place and the rows inserted in one transaction
/// (the blob is removed again when the transaction fails). Returns the FileMetadata JSON and
/// the file id to ingest, if any.
fn commit_upload(
    conn: &mut Connection,
    data_dir: &FsPath,
    upload: Upload,
    params: &FileParams,
    place: Placement,
    user_id: Option<i64>,
) -> Result<Committed, AppError> {
    let tx = conn.transaction()?;
    let now = time_fmt::now_iso();
    let draft = dataset_write::ensure_draft(&tx, place.dataset, &now)?;
    if let Some(old) = &place.replaces {
        files::remove_from_version(&tx, draft.id, old.id)?;
    }
    let duplicate_of =
        files::label_with_checksum(&tx, draft.id, &upload.checksum, upload.algorithm)?;
    let directory = params.directory_label.as_deref();
    let label = files::unique_label(&tx, draft.id, directory, &place.label, None)?;
    let name = files::new_storage_name();
    let blob = format!("{}/{name}", place.dataset);
    let new = NewFile {
        dataset_id: place.dataset,
        storage_identifier: format!("local://{name}"),
        blob: blob.clone(),
        content_type: place.content_type,
        filesize: upload.size as i64,
        checksum: upload.checksum.clone(),
        checksum_type: upload.algorithm,
        root_id: place.replaces.as_ref().map(|o| o.root_id.unwrap_or(o.id)),
        previous_id: place.replaces.as_ref().map(|o| o.id),
        label,
        directory_label: params.directory_label.clone(),
        description: params.description.clone().unwrap_or_default(),
        restricted: params.restrict.unwrap_or(false),
        categories: params.categories.clone().unwrap_or_default(),
        prov_free_form: params.prov_free_form.clone(),
    };
    let (id, _) = files::insert(&tx, &new, draft.id, &now)?;
    files::touch_version(&tx, draft.id, &now)?;
    if place.ingest {
        ingest::job::queue(&tx, id, place.dataset, user_id)?;
    }
    let fm = files::meta_in_version(&tx, draft.id, id)?
        .ok_or_else(|| Error::Store("new file metadata vanished".into()))?;
    let df = files::datafile(&tx, id)?.ok_or_else(|| Error::Store("new file vanished".into()))?;
    let json = printer::files::filemetadata(&fm, &df, draft.file_access_request);
    let dest = files::blob_path(data_dir, &blob);
    upload.tmp.commit(&dest)?;
    if let Err(e) = tx.commit() {
        let _ = std::fs::remove_file(&dest);
        return Err(e.into());
    }
    Ok(Committed {
        json,
        ingest: place.ingest.then_some(id),
        duplicate_of,
    })
}

pub(super) async fn add(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let dataset = em
        .store()
        .read(move |conn| -> Result<i64, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            may_upload(conn, &caller, ds.id)?;
            Ok(ds.id)
        })
        .await?;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        return Err(ApiError::bad_request(NO_FILE).into());
    };
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let label = params
        .label
        .clone()
        .unwrap_or_else(|| upload.filename.clone());
    let label = sanitize_filename(&label)?;
    let place = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: None,
    };
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done = em
        .store()
        .call(move |conn| -> Result<Committed, AppError> {
            // Checked again under the writer: a lock may have appeared meanwhile.
            may_upload(conn, &caller, dataset)?;
            commit_upload(conn, &data_dir, upload, &params, place, user_id)
        })
        .await?;
    if let Some(id) = done.ingest {
        ingest::job::start(&em, id).await;
    }
    Ok(added(done))
}

/// `file.addreplace.error.replace.new_file_has_different_content_type`.
fn different_type(old: &str, new: &str) -> ApiError {
    ApiError::bad_request(format!(
        "The original file ({}) and replacement file ({}) are different file types.",
        ingest::friendly_type(old),
        ingest::friendly_type(new)
    ))
}

pub(super) async fn replace(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let id_text = idtf.clone();
    let old = em
        .store()
        .read(move |conn| -> Result<files::DataFileRow, AppError> {
            let df = find_file(conn, &idtf, &p).map_err(|e| {
                e.replace_api(|_| {
                    ApiError::bad_request(format!(
                        "Replacement file not found. There was no file found for ID: {id_text}"
                    ))
                })
            })?;
            may_upload(conn, &caller, df.dataset_id)?;
            Ok(df)
        })
        .await?;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        return Err(ApiError::bad_request(NO_FILE).into());
    };
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let old_type = old
        .original_format
        .clone()
        .filter(|_| old.tabular)
        .unwrap_or_else(|| old.content_type.clone());
    if old_type != content_type && !params.force_replace {
        return Err(different_type(&old_type, &content_type).into());
    }
    let label = sanitize_filename(
        &params
            .label
            .clone()
            .unwrap_or_else(|| upload.filename.clone()),
    )?;
    let dataset = old.dataset_id;
    let place = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: Some(old),
    };
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done = em
        .store()
        .call(move |conn| -> Result<Committed, AppError> {
            may_upload(conn, &caller, dataset)?;
            let Some(old) = place.replaces.as_ref() else {
                return Err(Error::Store("replacement without a file".into()).into());
            };
            // The file must still be current, and published (`AddReplaceFileHelper`).
            let all = datasets::versions(conn, dataset)?;
            let latest = all.first().map(|v| v.id).unwrap_or(-1);
            if files::meta_in_version(conn, latest, old.id)?.is_none() {
                return Err(ApiError::bad_request(
                    "You cannot replace a file that is not in the latest version of the dataset.",
                ).into());
            }
            if old.publication_date.is_none() {
                return Err(ApiError::bad_request(
                    "You cannot replace an unpublished file. Please delete it instead of replacing it.",
                ).into());
            }
            commit_upload(conn, &data_dir, upload, &params, place, user_id)
        })
        .await?;
    if let Some(id) = done.ingest {
        ingest::job::start(&em, id).await;
    }
    Ok(added(done))
}
