//! Dataset writes (`Datasets.java`): `editMetadata`, `actions/:publish`, draft deletion,
//! dataset deletion and destruction, and the review workflow (`submitForReview`,
//! `returnToAuthor`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::AppError;
use super::common::extract::{DvBytes, Params, flag};
use super::common::guards::{authenticated, edit_lock, find_dataset, require};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::metadata::{self, MetaError};
use crate::model::{LockType, VersionState};
use crate::permissions::{DvObject, Permission};
use crate::printer;
use crate::printer::datasets::VersionOptions;
use crate::store::dataset_write::{self, Release};
use crate::store::datasets::{self, DatasetRow};
use crate::store::{blobs, collection_setup, collections, locks, time_fmt};
use crate::{Emulator, Error};

pub(super) async fn edit_metadata(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let replace = flag(&p, "replace");
    let parsed: Result<Vec<metadata::ParsedField>, ApiError> = (|| {
        let bad =
            |what: &str| ApiError::bad_request(format!("Error parsing dataset update: {what}"));
        let body: Value = serde_json::from_slice(&body).map_err(|e| bad(&e.to_string()))?;
        if !body.is_object() {
            return Err(bad("the body is not a JSON object"));
        }
        let items: Vec<Value> = match body.get("fields") {
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(bad("\"fields\" is not an array")),
            None => vec![body],
        };
        let mut out = Vec::new();
        for item in items {
            let Some(obj) = item.as_object() else {
                return Err(bad(&format!("a field is not a JSON object: {item}")));
            };
            match metadata::parse_field(em.blocks(), obj, false) {
                Ok(Some(f)) => out.push(f),
                Ok(None) => {}
                Err(MetaError::Parse(d)) => {
                    return Err(ApiError::bad_request(format!(
                        "Error parsing dataset update: {d}"
                    )));
                }
                Err(MetaError::Internal) => return Err(ApiError::internal()),
            }
        }
        Ok(out)
    })();
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let updates = parsed?;
            let caller = &auth.caller;
            require(
                &tx,
                caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id),
            )?;
            edit_lock(&tx, caller, &ds)?;
            let blocks = em2.blocks();
            let by_level = collection_setup::required_by_levels(&tx, ds.owner_id)?;
            for u in updates.iter().filter(|u| u.is_empty()) {
                let required = by_level.contains(&u.name)
                    || blocks
                        .field_anywhere(&u.name)
                        .is_some_and(|(b, i)| b.fields[i].required);
                if required {
                    return Err(ApiError::bad_request(format!(
                        "Error parsing dataset update: Empty required value for field: {}",
                        u.name
                    ))
                    .into());
                }
            }
            let now = time_fmt::now_iso();
            let draft = dataset_write::ensure_draft(&tx, ds.id, &now)?;
            let stored: Value = serde_json::from_str(&draft.metadata_blocks)?;
            let merged =
                metadata::merge(metadata::stored_fields(blocks, &stored), updates, replace);
            let text = metadata::assemble(blocks, merged).to_string();
            dataset_write::set_blocks(&tx, draft.id, &text, &now)?;
            let all = datasets::versions(&tx, ds.id)?;
            let Some(d) = all.iter().find(|v| v.state == VersionState::Draft) else {
                return Err(Error::Store("draft vanished".into()).into());
            };
            let json = printer::datasets::version(
                &tx,
                &ds,
                d,
                datasets::latest_state(&all),
                VersionOptions::default(),
            )?;
            tx.commit()?;
            Ok(json)
        })
        .await?;
    Ok(ok(v))
}

/// Message of `Datasets.publishDataset` without `type`.
const TYPE_MISSING: &str = "Missing 'type' parameter (either 'major','minor', or 'updatecurrent').";
/// Lock info of a publication in progress (`PublishDatasetCommand`; file validation on).
pub(crate) const PUBLISHING: &str = "Publishing the dataset; Validating Datafiles Asynchronously";

/// `dataset.mayNotPublish.FilesRequired`.
const FILES_REQUIRED_TO_PUBLISH: &str = "Published datasets should contain at least one data file.";
/// `dataset.mayNotSubmitForReview.FilesRequired`.
const FILES_REQUIRED_TO_REVIEW: &str =
    "The dataset must contain at least one data file in order to be submitted for review.";

/// Whether the latest version has no file while the owning collection (or the nearest one
/// above that sets it) requires files to publish; superusers are exempt
/// (`AbstractDatasetCommand.getEffectiveRequiresFilesToPublishDataset`).
fn files_required(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
    all: &[datasets::VersionRow],
) -> Result<bool, AppError> {
    if caller.is_superuser() {
        return Ok(false);
    }
    let required =
        collections::by_id(conn, ds.owner_id)?.is_some_and(|c| c.setup.effective_require_files);
    let Some(latest) = all.first() else {
        return Ok(false);
    };
    Ok(required && crate::store::files::in_version(conn, latest.id)?.is_empty())
}

/// Checks of `PublishDatasetCommand.verifyCommandArguments`.
fn verify_publish(
    conn: &Connection,
    ds: &DatasetRow,
    all: &[datasets::VersionRow],
    minor: bool,
) -> Result<(), AppError> {
    if let Some(owner) = collections::by_id(conn, ds.owner_id)?
        && !owner.is_released
    {
        return Err(ApiError::forbidden(format!(
            "This dataset may not be published because its host dataverse ({}) has not been published.",
            owner.alias
        )).into());
    }
    let Some(latest) = all.first() else {
        return Err(Error::Store("dataset without versions".into()).into());
    };
    let terms: serde_json::Map<String, Value> =
        serde_json::from_str(&latest.terms).unwrap_or_default();
    let terms_of_use = terms
        .get("termsOfUse")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.trim().is_empty());
    if latest.license_name.is_none() && !terms_of_use {
        return Err(ApiError::forbidden(
            "Dataset must have a valid license or Custom Terms Of Use configured before it can be published.",
        ).into());
    }
    let held = locks::on(conn, ds.id)?;
    let blocking = [
        LockType::Workflow,
        LockType::Ingest,
        LockType::FinalizePublication,
        LockType::EditInProgress,
    ];
    if held.iter().any(|l| blocking.contains(&l.lock_type)) {
        let names: Vec<&str> = held.iter().map(|l| l.lock_type.as_str()).collect();
        return Err(ApiError::forbidden(format!(
            "This dataset is locked. Reason: {}. Please try publishing later.",
            names.join(",")
        ))
        .into());
    }
    if held
        .iter()
        .any(|l| l.lock_type == LockType::FileValidationFailed)
    {
        return Err(ApiError::forbidden(
            "This dataset cannot be published because some files have been found missing or corrupted. . Please contact support to address this.",
        ).into());
    }
    if latest.state == VersionState::Released {
        return Err(ApiError::forbidden(format!(
            "Latest version of dataset {} is already released. Only draft versions can be released.",
            ds.identifier
        )).into());
    }
    if minor && all.len() == 1 && latest.state == VersionState::Draft {
        return Err(ApiError::forbidden(
            "Cannot publish as minor version. Re-try as major release.",
        )
        .into());
    }
    if minor && !crate::store::files::minor_allowed(conn, all)? {
        return Err(ApiError::forbidden(
            "Cannot release as minor version. Re-try as major release.",
        )
        .into());
    }
    Ok(())
}

/// Finalize a pending publication in its own transaction.
pub(crate) fn finalize_now(conn: &mut Connection, dataset: i64) -> Result<(), Error> {
    let tx = conn.transaction()?;
    if locks::has(&tx, dataset, LockType::FinalizePublication)? {
        dataset_write::finalize(&tx, dataset, &time_fmt::now_iso())?;
    }
    tx.commit()?;
    Ok(())
}

pub(super) async fn publish(
    State(em): State<Emulator>,
    Path((idtf, action)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    if action != ":publish" {
        return Err(ApiError::no_such_endpoint(&info).into());
    }
    let Some(kind) = p.get("type").map(|t| t.to_lowercase()) else {
        return Err(ApiError::bad_request(TYPE_MISSING).into());
    };
    let user_id = authenticated(&auth.caller)?;
    let (minor, update_current) = match kind.as_str() {
        "minor" => (true, false),
        "major" => (false, false),
        "updatecurrent" if auth.caller.is_superuser() => (false, true),
        "updatecurrent" => {
            return Err(
                ApiError::forbidden("Only superusers can update the current version").into(),
            );
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Illegal 'type' parameter value '{other}'. It needs to be either 'major', 'minor', or 'updatecurrent'."
            )).into());
        }
    };
    let immediate = em.config().publish_delay.is_zero();
    let (data, pending_id) = em
        .store()
        .call(move |conn| -> Result<(Value, Option<i64>), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            require(
                &tx,
                &auth.caller,
                Permission::PublishDataset,
                DvObject::Dataset(ds.id)
            )?;
            let all = datasets::versions(&tx, ds.id)?;
            let now = time_fmt::now_iso();
            let mut pending = None;
            if update_current {
                let draft = all.iter().find(|v| v.state == VersionState::Draft);
                let released = all.iter().any(|v| v.state == VersionState::Released);
                let Some(draft) = draft.filter(|_| released) else {
                    return Err(ApiError::forbidden(format!(
                        "Latest version of dataset {} is already released. Only draft versions can be released.",
                        ds.identifier
                    )).into());
                };
                dataset_write::update_current(&tx, ds.id, draft, &now)?;
            } else {
                verify_publish(&tx, &ds, &all, minor)?;
                if files_required(&tx, &auth.caller, &ds, &all)? {
                    return Err(ApiError::forbidden(FILES_REQUIRED_TO_PUBLISH).into());
                }
                let first = ds.publication_date.is_none();
                let kind = if minor { Release::Minor } else { Release::Major };
                let numbers = dataset_write::next_numbers(&all, first, kind);
                let Some(draft) = all.iter().find(|v| v.state == VersionState::Draft) else {
                    return Err(Error::Store("draft vanished".into()).into());
                };
                dataset_write::start_publication(
                    &tx,
                    ds.id,
                    draft.id,
                    numbers,
                    Some(user_id),
                    PUBLISHING,
                )?;
                if immediate {
                    dataset_write::finalize(&tx, ds.id, &now)?;
                } else {
                    pending = Some(ds.id);
                }
            }
            let ds = datasets::by_id(&tx, ds.id)?
                .ok_or_else(|| Error::Store("published dataset vanished".into()))?;
            let json = Value::Object(printer::datasets::dataset(&ds, &collections::publisher(&tx)?, None));
            tx.commit()?;
            Ok((json, pending))
        })
        .await?;
    if let Some(id) = pending_id {
        let delay = em.config().publish_delay;
        let store = em.store().clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if let Err(e) = store.call(move |c| finalize_now(c, id)).await {
                tracing::error!(error = %e, dataset = id, "finalizing publication failed");
            }
        });
    }
    if update_current {
        // Files the draft had dropped went with the released version's old file list.
        blobs::remove_trashed(&em).await;
        return Ok((
            axum::http::StatusCode::OK,
            axum::Json(json!({
                "status": "OK",
                "status_details": "The published version of your Dataset has been updated.",
                "data": data,
            })),
        )
            .into_response());
    }
    Ok(ok(data))
}

/// `DELETE datasets/{id}/versions/{v}` (`DeleteDatasetVersionCommand`).
pub(super) async fn delete_version(
    State(em): State<Emulator>,
    Path((idtf, v)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    if v != ":draft" {
        return Err(ApiError::bad_request("Only the :draft version can be deleted").into());
    }
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            require(
                &tx,
                &auth.caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id),
            )?;
            let all = datasets::versions(&tx, ds.id)?;
            let Some(draft) = all.first().filter(|v| v.state == VersionState::Draft) else {
                return Err(ApiError::unauthorized("This is NOT a DRAFT version").into());
            };
            edit_lock(&tx, &auth.caller, &ds)?;
            if all.len() == 1 {
                dataset_write::destroy(&tx, ds.id)?;
            } else {
                dataset_write::delete_version(&tx, draft.id)?;
                dataset_write::delete_private_url(&tx, ds.id)?;
                locks::remove(&tx, ds.id, Some(LockType::InReview))?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    blobs::remove_trashed(&em).await;
    Ok(msg(format!("Draft version of dataset {given} deleted")))
}

/// `DELETE datasets/{id}` (`Datasets.deleteDataset` + `DeleteDatasetCommand`).
pub(super) async fn delete_dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let caller = &auth.caller;
            let all = datasets::versions(&tx, ds.id)?;
            let destroy = all.len() == 1;
            if destroy {
                if ds.publication_date.is_some() && !caller.is_superuser() {
                    return Err(ApiError::unauthorized(
                        "Only superusers can delete published datasets",
                    ).into());
                }
            } else if all.first().is_none_or(|v| v.state != VersionState::Draft) {
                return Err(ApiError::unauthorized(
                    "This is a published dataset with multiple versions. This API can only delete the latest version if it is a DRAFT",
                ).into());
            }
            require(
                &tx,
                caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id)
            )?;
            match all.first() {
                Some(draft) if !destroy => {
                    dataset_write::delete_version(&tx, draft.id)?;
                    dataset_write::delete_private_url(&tx, ds.id)?;
                    locks::remove(&tx, ds.id, Some(LockType::InReview))?;
                }
                _ => dataset_write::destroy(&tx, ds.id)?,
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    blobs::remove_trashed(&em).await;
    Ok(msg(format!("Dataset {given} deleted")))
}

fn echoed_id(idtf: &str, p: &HashMap<String, String>) -> String {
    if idtf == ":persistentId" {
        return p.get("persistentId").cloned().unwrap_or_default();
    }
    idtf.to_string()
}

pub(super) async fn destroy(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let given = echoed_id(&idtf, &p);
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let caller = &auth.caller;
            if ds.publication_date.is_some() && !caller.is_superuser() {
                return Err(
                    ApiError::unauthorized("Destroy can only be called by superusers.").into(),
                );
            }
            require(
                &tx,
                caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id),
            )?;
            dataset_write::destroy(&tx, ds.id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    blobs::remove_trashed(&em).await;
    Ok(msg(format!("Dataset {given} destroyed")))
}

pub(super) async fn submit_for_review(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let user_id = authenticated(&auth.caller)?;
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            require(
                &tx,
                &auth.caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id)
            )?;
            let all = datasets::versions(&tx, ds.id)?;
            if all.first().is_none_or(|v| v.state != VersionState::Draft) {
                return Err(ApiError::forbidden(
                    "Latest version of dataset is already released. Only draft versions can be submitted for review.",
                ).into());
            }
            if locks::has(&tx, ds.id, LockType::InReview)? {
                return Err(ApiError::forbidden(
                    "You cannot submit this dataset for review because it is already in review.",
                ).into());
            }
            if files_required(&tx, &auth.caller, &ds, &all)? {
                return Err(ApiError::forbidden(FILES_REQUIRED_TO_REVIEW).into());
            }
            locks::add(&tx, ds.id, LockType::InReview, Some(user_id), None)?;
            tx.commit()?;
            Ok(json!({
                "inReview": true,
                "message": format!("Dataset id {} has been submitted for review.", ds.id),
            }))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn return_to_author(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    authenticated(&auth.caller)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "You must supply JSON to this API endpoint and it must contain a reason for returning the dataset (field: reasonForReturn).",
        ).into());
    }
    let json: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))?;
    let reason = json
        .get("reasonForReturn")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "You must enter a reason for returning a dataset to the author(s).",
        )
        .into());
    }
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            require(
                &tx,
                &auth.caller,
                Permission::PublishDataset,
                DvObject::Dataset(ds.id)
            )?;
            if !locks::has(&tx, ds.id, LockType::InReview)? {
                return Err(ApiError::forbidden(
                    "This dataset cannot be return to the author(s) because the latest version is not In Review. The author(s) needs to click Submit for Review first.",
                ).into());
            }
            locks::remove(&tx, ds.id, Some(LockType::InReview))?;
            tx.commit()?;
            Ok(json!({
                "inReview": false,
                "message": format!("Dataset id {} has been sent back to the author(s).", ds.id),
            }))
        })
        .await?;
    Ok(ok(v))
}
