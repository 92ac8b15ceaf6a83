//! `/api/files/*` (`Files.java`) and the file list of a dataset version
//! (`GET /api/datasets/{id}/versions/{v}/files`): file metadata in published and draft
//! views, metadata updates, deletion, restriction, type redetection, re- and un-ingest.

use std::collections::HashMap;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::{
    DvBytes, Params, directory_label, flag, read_form, sanitize_filename, utf8_body,
};
use super::common::guards::{
    can_see_draft, find_dataset, find_file, latest_visible, may_edit, version_spec,
};
use super::common::versions::{self, Deaccessioned};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, msg, ok};
use crate::ingest;
use crate::model::{IngestState, LockType, VersionState};
use crate::permissions::denied;
use crate::printer;
use crate::store::datasets::{self, VersionRow, VersionSpec};
use crate::store::files::{self, DataFileRow, FileMetaRow};
use crate::store::{blobs, dataset_write, locks, time_fmt};
use crate::{Emulator, Error};

pub(super) async fn get_file(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            let Some((v, fm)) =
                latest_visible(conn, &auth.caller, &df, flag(&p, "includeDeaccessioned"))?
            else {
                return Err(denied(&auth.caller).into());
            };
            Ok(file_response(conn, &df, &v, &fm, &p)?)
        })
        .await?;
    Ok(ok(v))
}

/// FileMetadata JSON, with `datasetVersion` when `returnDatasetVersion=true`.
fn file_response(
    conn: &Connection,
    df: &DataFileRow,
    v: &VersionRow,
    fm: &FileMetaRow,
    p: &HashMap<String, String>,
) -> Result<Value, Error> {
    let mut json = printer::files::filemetadata(fm, df, v.file_access_request);
    if flag(p, "returnOwners")
        && let Some(ds) = datasets::by_id(conn, df.dataset_id)?
        && let Some(Value::Object(data_file)) = json.get_mut("dataFile")
    {
        let mut owner = Map::new();
        owner.insert("type".into(), "DATASET".into());
        owner.insert("persistentIdentifier".into(), ds.pid().into());
        owner.insert("identifier".into(), ds.id.into());
        let version = match (v.version_number, v.minor_version_number) {
            (Some(a), b) => format!("{a}.{}", b.unwrap_or(0)),
            _ => "DRAFT".to_string(),
        };
        owner.insert("version".into(), version.into());
        if let Some(t) = datasets::title_of(&v.metadata_blocks) {
            owner.insert("displayName".into(), t.into());
        }
        if let Some(c) = printer::collections::is_part_of(conn, Some(ds.owner_id))? {
            owner.insert("isPartOf".into(), c);
        }
        data_file.insert("isPartOf".into(), Value::Object(owner));
    }
    if flag(p, "returnDatasetVersion")
        && let Value::Object(m) = &mut json
        && let Some(ds) = datasets::by_id(conn, df.dataset_id)?
    {
        let all = datasets::versions(conn, ds.id)?;
        let version = printer::datasets::version(
            conn,
            &ds,
            v,
            datasets::latest_state(&all),
            printer::datasets::VersionOptions {
                exclude_files: true,
                exclude_metadata_blocks: false,
            },
        )?;
        m.insert("datasetVersion".into(), version);
    }
    Ok(json)
}

pub(super) async fn get_file_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            let parsed = version_spec(&spec)?;
            let draft_ok = can_see_draft(conn, &auth.caller, df.dataset_id)?;
            if parsed == VersionSpec::Draft && !draft_ok {
                return Err(denied(&auth.caller).into());
            }
            let all = datasets::versions(conn, df.dataset_id)?;
            let not_found = || {
                ApiError::not_found(format!(
                    "File metadata for file with id {idtf} in dataset version {spec} not found"
                ))
            };
            let Some(version) =
                datasets::select(&all, &parsed, draft_ok, flag(&p, "includeDeaccessioned"))
            else {
                return Err(not_found().into());
            };
            let Some(fm) = files::meta_in_version(conn, version.id, df.id)? else {
                return Err(not_found().into());
            };
            Ok(file_response(conn, &df, version, &fm, &p)?)
        })
        .await?;
    Ok(ok(v))
}

/// A RAW `text/plain` answer.
fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain;charset=UTF-8")],
        text,
    )
        .into_response()
}

pub(super) async fn get_raw_metadata(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let _ = auth;
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            for v in files::versions_listing(conn, df.id)? {
                if v.state == VersionState::Released
                    && let Some(fm) = files::meta_in_version(conn, v.id, df.id)?
                {
                    return Ok(printer::files::raw_metadata(&fm));
                }
            }
            Err(ApiError::bad_request(format!(
                "File {} has no published metadata: try /api/files/{}/metadata/draft.",
                df.id, df.id
            ))
            .into())
        })
        .await?;
    Ok(plain(StatusCode::OK, v.to_string()))
}

pub(super) async fn get_raw_draft(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            if !can_see_draft(conn, &auth.caller, df.dataset_id)? {
                return Err(denied(&auth.caller).into());
            }
            let all = datasets::versions(conn, df.dataset_id)?;
            let draft = all.iter().find(|v| v.state == VersionState::Draft);
            let fm = match draft {
                Some(d) => files::meta_in_version(conn, d.id, df.id)?,
                None => None,
            };
            Ok(fm
                .map(|fm| printer::files::raw_metadata(&fm))
                .ok_or_else(|| {
                    ApiError::bad_request("Dataset version cannot be found or unpublished")
                })?)
        })
        .await?;
    Ok(plain(StatusCode::OK, v.to_string()))
}

/// The file's metadata in the (possibly new) draft; `None` when the draft does not list it.
fn draft_meta(
    conn: &Connection,
    df: &DataFileRow,
    now: &str,
) -> Result<(VersionRow, Option<FileMetaRow>), Error> {
    let draft = dataset_write::ensure_draft(conn, df.dataset_id, now)?;
    let fm = files::meta_in_version(conn, draft.id, df.id)?;
    Ok((draft, fm))
}

pub(super) async fn update_metadata(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let form = read_form(&em, multipart).await?;
    let text = form.json.unwrap_or_default();
    let body: Map<String, Value> = match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => m,
        Ok(_) | Err(_) => {
            return Err(ApiError::bad_request(
                "Error parsing the jsonData: a JSON object is expected.",
            )
            .into());
        }
    };
    let directory = match body.get("directoryLabel").and_then(Value::as_str) {
        Some(d) => Some(directory_label(d)?),
        None => None,
    };
    let label = match body.get("label").and_then(Value::as_str) {
        Some(l) if !l.trim().is_empty() => Some(sanitize_filename(l)?),
        _ => None,
    };
    let echo = text.clone();
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p)?;
            may_edit(&tx, &auth.caller, df.dataset_id).map_err(|e| {
                e.replace_api(|_| {
                    ApiError::bad_request(
                        "An error has occurred attempting to update the requested DataFile. It is likely related to permissions.",
                    )
                })
            })?;
            let now = time_fmt::now_iso();
            let (draft, fm) = draft_meta(&tx, &df, &now)?;
            let Some(mut fm) = fm else {
                return Err(ApiError::bad_request(format!(
                    "File {} is not in the draft version of the dataset.",
                    df.id
                )).into());
            };
            if let Some(l) = label {
                fm.label = l;
            }
            if let Some(d) = directory {
                fm.directory_label = d;
            }
            if let Some(d) = body.get("description").and_then(Value::as_str) {
                fm.description = d.to_string();
            }
            if let Some(Value::Array(a)) = body.get("categories") {
                let c: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                fm.categories = serde_json::to_string(&c)?;
            }
            if let Some(r) = body.get("restrict").and_then(Value::as_bool) {
                fm.restricted = r;
            }
            if let Some(pf) = body.get("provFreeForm").and_then(Value::as_str) {
                fm.prov_free_form = (!pf.is_empty()).then(|| pf.to_string());
            }
            if files::label_taken(
                &tx,
                draft.id,
                fm.directory_label.as_deref(),
                &fm.label,
                Some(df.id),
            )? {
                return Err(ApiError::bad_request(format!(
                    "Filename already exists at {}",
                    fm.path()
                )).into());
            }
            files::update_meta(&tx, &fm)?;
            files::touch_version(&tx, draft.id, &now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(plain(
        StatusCode::OK,
        format!("File Metadata update has been completed: {echo}"),
    ))
}

pub(super) async fn delete_file(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let deleted = em
        .store()
        .call(move |conn| -> Result<bool, AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p)?;
            may_edit(&tx, &auth.caller, df.dataset_id).map_err(|e| {
                e.replace_api(|e| {
                    ApiError::bad_request(format!(
                        "Delete failed for file ID {} (DeleteDataFileCommand): {}",
                        df.id,
                        e.message()
                    ))
                })
            })?;
            let now = time_fmt::now_iso();
            let (draft, fm) = draft_meta(&tx, &df, &now)?;
            if fm.is_none() {
                return Err(
                    ApiError::not_found(format!("File with ID {} not found.", df.id)).into(),
                );
            }
            let gone = files::remove_from_version(&tx, draft.id, df.id)?;
            files::touch_version(&tx, draft.id, &now)?;
            ingest::job::release_lock(&tx, df.dataset_id)?;
            tx.commit()?;
            Ok(gone)
        })
        .await?;
    blobs::remove_trashed(&em).await;
    Ok(ok(Value::Bool(deleted)))
}

/// `dataset.message.toua.invalid`.
const TOUA_INVALID: &str = "Terms of Use and Access are invalid. You must enable request access or add terms of access in datasets with restricted files.";

pub(super) async fn restrict(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?;
    // Plain `true`/`false` (anything else is false, as `Boolean.valueOf`) or the JSON form.
    let trimmed = body.trim();
    let (restrict, access_request, terms): (bool, Option<bool>, Option<String>) =
        if trimmed.starts_with('{') {
            let o: Map<String, Value> = serde_json::from_str(trimmed)
                .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))?;
            let Some(r) = o.get("restrict").and_then(Value::as_bool) else {
                return Err(
                    ApiError::bad_request("Error parsing Json: 'restrict' is required.").into(),
                );
            };
            (
                r,
                o.get("enableAccessRequest").and_then(Value::as_bool),
                o.get("termsOfAccess")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
        } else {
            (trimmed.eq_ignore_ascii_case("true"), None, None)
        };
    let mut message = format!(
        " {}",
        if restrict {
            "restricted."
        } else {
            "unrestricted."
        }
    );
    if let Some(a) = access_request {
        message.push_str(&format!(
            " Access Request is {}",
            if a { "enabled." } else { "disabled." }
        ));
    }
    if let Some(t) = &terms {
        message.push_str(&format!(" Terms of Access for restricted files: {t}"));
    }
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p).map_err(|e| {
                e.replace_api(|_| {
                    ApiError::bad_request(format!("Could not find datafile with id {idtf}"))
                })
            })?;
            let now = time_fmt::now_iso();
            let label = files::versions_listing(&tx, df.id)?
                .first()
                .and_then(|v| files::meta_in_version(&tx, v.id, df.id).ok().flatten())
                .map(|m| m.label)
                .unwrap_or_default();
            may_edit(&tx, &auth.caller, df.dataset_id).map_err(|e| {
                e.replace_api(|e| {
                    ApiError::bad_request(format!(
                        "Problem trying to update restriction status on {label}: {}",
                        e.message()
                    ))
                })
            })?;
            let (draft, fm) = draft_meta(&tx, &df, &now)?;
            let Some(mut fm) = fm else {
                return Err(ApiError::bad_request(format!(
                    "Problem trying to update restriction status on {label}: the file is not in the draft version."
                )).into());
            };
            if fm.restricted == restrict {
                return Err(ApiError::bad_request(format!(
                    "Problem trying to update restriction status on {label}: File {label} is already {}",
                    if restrict { "restricted" } else { "unrestricted" }
                )).into());
            }
            fm.restricted = restrict;
            files::update_meta(&tx, &fm)?;
            let mut access = draft.file_access_request;
            if let Some(a) = access_request {
                access = a;
            }
            let mut stored: Map<String, Value> = serde_json::from_str(&draft.terms).unwrap_or_default();
            if let Some(t) = &terms {
                stored.insert("termsOfAccess".into(), Value::String(t.clone()));
            }
            tx.execute(
                "UPDATE dataset_versions SET file_access_request = ?2, terms = ?3 WHERE id = ?1",
                rusqlite::params![draft.id, access, Value::Object(stored.clone()).to_string()],
            )?;
            files::touch_version(&tx, draft.id, &now)?;
            let any_restricted = files::in_version(&tx, draft.id)?.iter().any(|(m, _)| m.restricted);
            let has_terms = stored
                .get("termsOfAccess")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.trim().is_empty());
            if any_restricted && !access && !has_terms {
                return Err(ApiError::new(StatusCode::CONFLICT, TOUA_INVALID).into());
            }
            tx.commit()?;
            Ok(label)
        })
        .await?;
    Ok(msg(format!("File {text}{message}")))
}

pub(super) async fn redetect(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let dry_run = flag(&p, "dryRun");
    let data_dir = em.config().data_dir.clone();
    let bytes = super::common::object_copy::local_bytes(&em, &idtf, &p).await?;
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p)?;
            may_edit(&tx, &auth.caller, df.dataset_id)?;
            if df.tabular {
                return Err(ApiError::bad_request(
                    "Unable to redetect file type: the file is an ingested tabular file.",
                )
                .into());
            }
            let label = files::versions_listing(&tx, df.id)?
                .first()
                .and_then(|v| files::meta_in_version(&tx, v.id, df.id).ok().flatten())
                .map(|m| m.label)
                .unwrap_or_default();
            let head = ingest::head_of(&bytes.path(&data_dir, &df.blob), 512)?;
            let new = ingest::detect(None, &label, &head);
            if !dry_run && new != df.content_type {
                tx.execute(
                    "UPDATE datafiles SET content_type = ?2, last_update_time = ?3 WHERE id = ?1",
                    rusqlite::params![df.id, new, time_fmt::now_iso()],
                )?;
                tx.commit()?;
            }
            Ok(json!({
                "dryRun": dry_run,
                "oldContentType": df.content_type,
                "newContentType": new,
            }))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn reingest(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    if !auth.caller.is_superuser() {
        return Err(ApiError::forbidden("Not a superuser").into());
    }
    let user = auth.caller.user().map(|u| u.id);
    let id = em
        .store()
        .call(move |conn| -> Result<Result<i64, String>, AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p)?;
            if df.tabular {
                return Err(
                    ApiError::bad_request("The datafile is already ingested as Tabular.").into(),
                );
            }
            if !ingest::is_tabular_candidate(&df.content_type) || df.content_type == ingest::TAB {
                return Err(ApiError::bad_request(format!(
                    "Tabular ingest is not supported for this file type (id: {}, type: {})",
                    df.id, df.content_type
                ))
                .into());
            }
            if locks::has(&tx, df.dataset_id, LockType::Ingest)? {
                return Err(
                    ApiError::forbidden("Dataset cannot be edited due to dataset lock.").into(),
                );
            }
            // `startIngestJobs`: a file not under `:TabularIngestSizeLimit` is skipped,
            // and the call still answers OK, with the reason.
            let limit = crate::size_limits::ingest_limit_for_format(
                crate::store::Store::setting(&tx, crate::size_limits::INGEST_SETTING)?.as_deref(),
                crate::size_limits::CSV_FORMAT,
            );
            if limit != -1 && df.filesize >= limit {
                let label = files::versions_listing(&tx, df.id)?
                    .first()
                    .and_then(|v| files::meta_in_version(&tx, v.id, df.id).ok().flatten())
                    .map(|m| m.label)
                    .unwrap_or_default();
                return Ok(Err(format!(
                    "Skipping tabular ingest of the file {label}, because of the size limit (set to {limit} bytes); "
                )));
            }
            ingest::job::queue(&tx, df.id, df.dataset_id, user)?;
            tx.commit()?;
            Ok(Ok(df.id))
        })
        .await?;
    let id = match id {
        Ok(id) => id,
        Err(skipped) => return Ok(msg(skipped)),
    };
    ingest::job::start(&em, id).await;
    Ok(msg(format!("Datafile {id} queued for ingest")))
}

pub(super) async fn uningest(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    if !auth.caller.is_superuser() {
        return Err(ApiError::forbidden("Not a superuser").into());
    }
    let data_dir = em.config().data_dir.clone();
    // A file in the S3 store gets its original back under its key first.
    let (idtf2, p2) = (idtf.clone(), p.clone());
    let df = em
        .store()
        .read(move |conn| find_file(conn, &idtf2, &p2))
        .await?;
    if df.tabular
        && let Some(key) = crate::storage::s3_key_of_blob(&df.blob)
    {
        restore_original(&em, &data_dir, key).await?;
    }
    let id = em
        .store()
        .call(move |conn| -> Result<i64, AppError> {
            let tx = conn.transaction()?;
            let df = find_file(&tx, &idtf, &p)?;
            if !df.tabular {
                if df.ingest_state == Some(IngestState::Failed) {
                    files::set_ingest_state(&tx, df.id, None)?;
                    tx.commit()?;
                    return Ok(df.id);
                }
                return Err(ApiError::bad_request(format!(
                    "Cannot uningest non-tabular file {}.",
                    df.id
                )).into());
            }
            let blob = files::blob_path(&data_dir, &df.blob);
            let orig = files::blob_path(&data_dir, &format!("{}.orig", df.blob));
            tx.execute(
                "UPDATE datafiles SET tabular = 0, content_type = coalesce(original_format, content_type),
                     filesize = coalesce(original_size, filesize), original_format = NULL,
                     original_size = NULL, original_name = NULL, ingest_state = NULL,
                     last_update_time = ?2 WHERE id = ?1",
                rusqlite::params![df.id, time_fmt::now_iso()],
            )?;
            let original = df.original_name.clone();
            ingest::job::relabel_drafts(&tx, df.id, |l| original.clone().unwrap_or_else(|| l.to_string()))?;
            if crate::storage::s3_key_of_blob(&df.blob).is_none() {
                std::fs::rename(&orig, &blob)?;
            }
            tx.commit()?;
            Ok(df.id)
        })
        .await?;
    Ok(msg(format!("Datafile {id} uningested.")))
}

/// Put the original of an ingested S3-held file (`<key>.orig`) back under `key`.
async fn restore_original(
    em: &Emulator,
    data_dir: &std::path::Path,
    key: &str,
) -> Result<(), AppError> {
    let Some((bucket, _)) = em.s3() else {
        return Err(Error::Storage("a file is in S3 but no S3 store is configured".into()).into());
    };
    let tmp = blobs::create(data_dir).map_err(|e| Error::Storage(e.to_string()))?;
    let orig = format!("{key}.orig");
    bucket
        .get_to_file(&orig, tmp.path())
        .await
        .map_err(|e| Error::Storage(e.to_string()))?;
    bucket
        .put_file(key, tmp.path())
        .await
        .map_err(|e| Error::Storage(e.to_string()))?;
    Ok(())
}

/// `FileSearchCriteria.OrderCriteria`.
fn order_of(p: &HashMap<String, String>) -> Result<&'static str, ApiError> {
    Ok(match p.get("orderCriteria").map(String::as_str) {
        None | Some("NameAZ") => "NameAZ",
        Some("NameZA") => "NameZA",
        Some("Newest") => "Newest",
        Some("Oldest") => "Oldest",
        Some("Size") => "Size",
        Some("Type") => "Type",
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid order criteria: {other}"
            )));
        }
    })
}

/// `accessStatus` filter: restricted or not (embargo and retention are not modelled, so
/// their statuses select restricted files).
pub(super) fn access_of(p: &HashMap<String, String>) -> Result<Option<bool>, ApiError> {
    Ok(match p.get("accessStatus").map(String::as_str) {
        None => None,
        Some("Public") => Some(false),
        Some("Restricted") => Some(true),
        Some("EmbargoedThenRestricted" | "EmbargoedThenPublic" | "RetentionPeriodExpired") => {
            Some(true)
        }
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid access status: {other}"
            )));
        }
    })
}

type FileRows = Vec<(FileMetaRow, DataFileRow)>;

/// The files of the selected version after the list filters (`contentType`, `accessStatus`,
/// `categoryName`, `searchText`), unordered. `check_perms`: a deaccessioned version only
/// for those who may edit the dataset (the list does so, the counts do not).
pub(super) fn filtered(
    conn: &Connection,
    caller: &Caller,
    (idtf, spec): (&str, &str),
    p: &HashMap<String, String>,
    access: Option<bool>,
    check_perms: bool,
) -> Result<(VersionRow, FileRows), AppError> {
    let ds = find_dataset(conn, idtf, p)?;
    let all = datasets::versions(conn, ds.id)?;
    let how = Deaccessioned {
        include: flag(p, "includeDeaccessioned"),
        check_perms,
    };
    let Some(version) = versions::find(conn, caller, &ds, &all, spec, how)? else {
        return Err(versions::not_found(spec, &ds).into());
    };
    let mut rows = files::in_version(conn, version.id)?;
    if let Some(ct) = p.get("contentType") {
        rows.retain(|(_, df)| &df.content_type == ct);
    }
    if let Some(r) = access {
        rows.retain(|(fm, _)| fm.restricted == r);
    }
    if let Some(c) = p.get("categoryName") {
        rows.retain(|(fm, _)| fm.category_list().iter().any(|x| x == c));
    }
    if let Some(s) = p.get("searchText").map(|s| s.to_lowercase()) {
        rows.retain(|(fm, _)| {
            fm.label.to_lowercase().contains(&s) || fm.description.to_lowercase().contains(&s)
        });
    }
    Ok((version.clone(), rows))
}

pub(super) async fn list_files(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let order = order_of(&p)?;
    let access = access_of(&p)?;
    let (total, items) = em
        .store()
        .read(move |conn| -> Result<(usize, Vec<Value>), AppError> {
            let (version, mut rows) =
                filtered(conn, &auth.caller, (&idtf, &spec), &p, access, true)?;
            match order {
                "NameZA" => rows.sort_by(|a, b| b.0.label.cmp(&a.0.label)),
                "Newest" => rows.sort_by_key(|r| std::cmp::Reverse(r.1.id)),
                "Oldest" => rows.sort_by_key(|r| r.1.id),
                "Size" => rows.sort_by_key(|r| r.1.filesize),
                "Type" => rows.sort_by(|a, b| a.1.content_type.cmp(&b.1.content_type)),
                _ => rows.sort_by(|a, b| a.0.label.cmp(&b.0.label)),
            }
            let total = rows.len();
            let offset = p
                .get("offset")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let limit = p
                .get("limit")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .filter(|l| *l > 0)
                .unwrap_or(usize::MAX);
            let items = rows
                .iter()
                .skip(offset)
                .take(limit)
                .map(|(fm, df)| printer::files::filemetadata(fm, df, version.file_access_request))
                .collect();
            Ok((total, items))
        })
        .await?;
    Ok((
        StatusCode::OK,
        axum::Json(json!({"status": "OK", "totalCount": total, "data": items})),
    )
        .into_response())
}

/// `GET /api/datasets/{id}/versions/{v}/files/counts`.
pub(super) async fn count_files(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let access = access_of(&p)?;
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let (_, rows) = filtered(conn, &auth.caller, (&idtf, &spec), &p, access, false)?;
            let mut per_type = Map::new();
            let mut per_category = Map::new();
            let mut per_access = Map::new();
            let bump = |m: &mut Map<String, Value>, k: &str| {
                let n = m.get(k).and_then(Value::as_i64).unwrap_or(0);
                m.insert(k.to_string(), Value::from(n + 1));
            };
            for (fm, df) in &rows {
                bump(&mut per_type, &df.content_type);
                for c in fm.category_list() {
                    bump(&mut per_category, &c);
                }
                bump(
                    &mut per_access,
                    if fm.restricted {
                        "Restricted"
                    } else {
                        "Public"
                    },
                );
            }
            Ok(json!({
                "total": rows.len(),
                "perContentType": per_type,
                "perCategoryName": per_category,
                "perTabularTagName": {},
                "perAccessStatus": per_access,
            }))
        })
        .await?;
    Ok(ok(v))
}
