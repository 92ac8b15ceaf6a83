//! Dataset writes (`Datasets.java`): `editMetadata`, `actions/:publish`, draft deletion,
//! dataset deletion and destruction, and the review workflow (`submitForReview`,
//! `returnToAuthor`).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post, put};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::datasets::{find, publisher};
use super::{Answer, Params, flag};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, DvBytes, RequestInfo, msg, ok};
use crate::metadata::{self, MetaError};
use crate::permissions::{DvObject, Permission, permitted, require};
use crate::store::dataset_write::{self, Release};
use crate::store::datasets::{self, DRAFT, DatasetRow, RELEASED, VersionJsonOptions};
use crate::store::{collections, locks, time_fmt};
use crate::{Emulator, Error};

pub(super) fn routes() -> Router<Emulator> {
    Router::new()
        .route("/api/datasets/{id}/editMetadata", put(edit_metadata))
        .route("/api/datasets/{id}/actions/{action}", post(publish))
        .route("/api/datasets/{id}/destroy", delete(destroy))
        .route(
            "/api/datasets/{id}/submitForReview",
            post(submit_for_review),
        )
        .route("/api/datasets/{id}/returnToAuthor", post(return_to_author))
}

/// 401 for callers that are not authenticated users.
fn authenticated(caller: &Caller) -> Result<i64, ApiError> {
    caller.user().map(|u| u.id).ok_or_else(|| {
        ApiError::unauthorized("Only authenticated users can perform the requested operation")
    })
}

/// `PermissionServiceBean.checkEditDatasetLock`: any lock but Ingest blocks editing;
/// InReview only for callers who may not publish.
pub(crate) fn edit_lock(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
) -> Result<Result<(), ApiError>, Error> {
    for l in locks::on(conn, ds.id)? {
        match l.lock_type.as_str() {
            "Ingest" => {}
            locks::IN_REVIEW => {
                if !permitted(
                    conn,
                    caller,
                    Permission::PublishDataset,
                    DvObject::Dataset(ds.id),
                )? {
                    return Ok(Err(ApiError::forbidden(
                        "Dataset cannot be edited due to In Review dataset lock.",
                    )));
                }
            }
            _ => {
                return Ok(Err(ApiError::forbidden(
                    "Dataset cannot be edited due to dataset lock.",
                )));
            }
        }
    }
    Ok(Ok(()))
}

async fn edit_metadata(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, ApiError> {
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
        .call(move |conn| -> Answer<Value> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            let updates = tryr!(parsed);
            let caller = &auth.caller;
            tryr!(require(
                &tx,
                caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id)
            )?);
            tryr!(edit_lock(&tx, caller, &ds)?);
            let blocks = em2.blocks();
            for u in updates.iter().filter(|u| u.is_empty()) {
                let required = blocks
                    .field_anywhere(&u.name)
                    .is_some_and(|(b, i)| b.fields[i].required);
                if required {
                    return Ok(Err(ApiError::bad_request(format!(
                        "Error parsing dataset update: Empty required value for field: {}",
                        u.name
                    ))));
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
            let Some(d) = all.iter().find(|v| v.state == DRAFT) else {
                return Err(Error::Store("draft vanished".into()));
            };
            let json = datasets::version_json(
                &tx,
                &ds,
                d,
                datasets::latest_state(&all),
                VersionJsonOptions::default(),
            )?;
            tx.commit()?;
            Ok(Ok(json))
        })
        .await??;
    Ok(ok(v))
}

/// Message of `Datasets.publishDataset` without `type`.
const TYPE_MISSING: &str = "Missing 'type' parameter (either 'major','minor', or 'updatecurrent').";
/// Lock info of a publication in progress (`PublishDatasetCommand`; file validation on).
pub(crate) const PUBLISHING: &str = "Publishing the dataset; Validating Datafiles Asynchronously";

/// Checks of `PublishDatasetCommand.verifyCommandArguments`.
fn verify_publish(
    conn: &Connection,
    ds: &DatasetRow,
    all: &[datasets::VersionRow],
    minor: bool,
) -> Result<Result<(), ApiError>, Error> {
    if let Some(owner) = collections::by_id(conn, ds.owner_id)?
        && !owner.is_released
    {
        return Ok(Err(ApiError::forbidden(format!(
            "This dataset may not be published because its host dataverse ({}) has not been published.",
            owner.alias
        ))));
    }
    let Some(latest) = all.first() else {
        return Err(Error::Store("dataset without versions".into()));
    };
    let terms: serde_json::Map<String, Value> =
        serde_json::from_str(&latest.terms).unwrap_or_default();
    let terms_of_use = terms
        .get("termsOfUse")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.trim().is_empty());
    if latest.license_name.is_none() && !terms_of_use {
        return Ok(Err(ApiError::forbidden(
            "Dataset must have a valid license or Custom Terms Of Use configured before it can be published.",
        )));
    }
    let held = locks::on(conn, ds.id)?;
    let blocking = ["Workflow", "Ingest", locks::FINALIZE, "EditInProgress"];
    if held
        .iter()
        .any(|l| blocking.contains(&l.lock_type.as_str()))
    {
        let names: Vec<&str> = held.iter().map(|l| l.lock_type.as_str()).collect();
        return Ok(Err(ApiError::forbidden(format!(
            "This dataset is locked. Reason: {}. Please try publishing later.",
            names.join(",")
        ))));
    }
    if held.iter().any(|l| l.lock_type == "FileValidationFailed") {
        return Ok(Err(ApiError::forbidden(
            "This dataset cannot be published because some files have been found missing or corrupted. . Please contact support to address this.",
        )));
    }
    if latest.state == RELEASED {
        return Ok(Err(ApiError::forbidden(format!(
            "Latest version of dataset {} is already released. Only draft versions can be released.",
            ds.identifier
        ))));
    }
    if minor && all.len() == 1 && latest.state == DRAFT {
        return Ok(Err(ApiError::forbidden(
            "Cannot publish as minor version. Re-try as major release.",
        )));
    }
    if minor && !crate::store::files::minor_allowed(conn, all)? {
        return Ok(Err(ApiError::forbidden(
            "Cannot release as minor version. Re-try as major release.",
        )));
    }
    Ok(Ok(()))
}

/// Finalize a pending publication in its own transaction.
pub(crate) fn finalize_now(conn: &mut Connection, dataset: i64) -> Result<(), Error> {
    let tx = conn.transaction()?;
    if locks::has(&tx, dataset, locks::FINALIZE)? {
        dataset_write::finalize(&tx, dataset, &time_fmt::now_iso())?;
    }
    tx.commit()?;
    Ok(())
}

async fn publish(
    State(em): State<Emulator>,
    Path((idtf, action)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, ApiError> {
    if action != ":publish" {
        return Err(ApiError::endpoint_not_found(&info));
    }
    let Some(kind) = p.get("type").map(|t| t.to_lowercase()) else {
        return Err(ApiError::bad_request(TYPE_MISSING));
    };
    let user_id = authenticated(&auth.caller)?;
    let (minor, update_current) = match kind.as_str() {
        "minor" => (true, false),
        "major" => (false, false),
        "updatecurrent" if auth.caller.is_superuser() => (false, true),
        "updatecurrent" => {
            return Err(ApiError::forbidden(
                "Only superusers can update the current version",
            ));
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Illegal 'type' parameter value '{other}'. It needs to be either 'major', 'minor', or 'updatecurrent'."
            )));
        }
    };
    let immediate = em.config().publish_delay.is_zero();
    let (data, pending_id) = em
        .store()
        .call(move |conn| -> Answer<(Value, Option<i64>)> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            tryr!(require(
                &tx,
                &auth.caller,
                Permission::PublishDataset,
                DvObject::Dataset(ds.id)
            )?);
            let all = datasets::versions(&tx, ds.id)?;
            let now = time_fmt::now_iso();
            let mut pending = None;
            if update_current {
                let draft = all.iter().find(|v| v.state == DRAFT);
                let released = all.iter().any(|v| v.state == RELEASED);
                let Some(draft) = draft.filter(|_| released) else {
                    return Ok(Err(ApiError::forbidden(format!(
                        "Latest version of dataset {} is already released. Only draft versions can be released.",
                        ds.identifier
                    ))));
                };
                dataset_write::update_current(&tx, ds.id, draft, &now)?;
            } else {
                tryr!(verify_publish(&tx, &ds, &all, minor)?);
                let first = ds.publication_date.is_none();
                let kind = if minor { Release::Minor } else { Release::Major };
                let numbers = dataset_write::next_numbers(&all, first, kind);
                let Some(draft) = all.iter().find(|v| v.state == DRAFT) else {
                    return Err(Error::Store("draft vanished".into()));
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
            let json = Value::Object(ds.to_json(&publisher(&tx)?, None));
            tx.commit()?;
            Ok(Ok((json, pending)))
        })
        .await??;
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
pub(crate) async fn delete_version(
    State(em): State<Emulator>,
    Path((idtf, v)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    if v != ":draft" {
        return Err(ApiError::bad_request(
            "Only the :draft version can be deleted",
        ));
    }
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Answer<()> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            tryr!(require(
                &tx,
                &auth.caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id)
            )?);
            let all = datasets::versions(&tx, ds.id)?;
            let Some(draft) = all.first().filter(|v| v.state == DRAFT) else {
                return Ok(Err(ApiError::unauthorized("This is NOT a DRAFT version")));
            };
            tryr!(edit_lock(&tx, &auth.caller, &ds)?);
            if all.len() == 1 {
                dataset_write::destroy(&tx, ds.id)?;
            } else {
                dataset_write::delete_version(&tx, draft.id)?;
                dataset_write::delete_private_url(&tx, ds.id)?;
                locks::remove(&tx, ds.id, Some(locks::IN_REVIEW))?;
            }
            tx.commit()?;
            Ok(Ok(()))
        })
        .await??;
    Ok(msg(format!("Draft version of dataset {given} deleted")))
}

/// `DELETE datasets/{id}` (`Datasets.deleteDataset` + `DeleteDatasetCommand`).
pub(crate) async fn delete_dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Answer<()> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            let caller = &auth.caller;
            let all = datasets::versions(&tx, ds.id)?;
            let destroy = all.len() == 1;
            if destroy {
                if ds.publication_date.is_some() && !caller.is_superuser() {
                    return Ok(Err(ApiError::unauthorized(
                        "Only superusers can delete published datasets",
                    )));
                }
            } else if all.first().is_none_or(|v| v.state != DRAFT) {
                return Ok(Err(ApiError::unauthorized(
                    "This is a published dataset with multiple versions. This API can only delete the latest version if it is a DRAFT",
                )));
            }
            tryr!(require(
                &tx,
                caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id)
            )?);
            match all.first() {
                Some(draft) if !destroy => {
                    dataset_write::delete_version(&tx, draft.id)?;
                    dataset_write::delete_private_url(&tx, ds.id)?;
                    locks::remove(&tx, ds.id, Some(locks::IN_REVIEW))?;
                }
                _ => dataset_write::destroy(&tx, ds.id)?,
            }
            tx.commit()?;
            Ok(Ok(()))
        })
        .await??;
    Ok(msg(format!("Dataset {given} deleted")))
}

fn echoed_id(idtf: &str, p: &HashMap<String, String>) -> String {
    if idtf == ":persistentId" {
        return p.get("persistentId").cloned().unwrap_or_default();
    }
    idtf.to_string()
}

async fn destroy(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let given = echoed_id(&idtf, &p);
    em.store()
        .call(move |conn| -> Answer<()> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            let caller = &auth.caller;
            if ds.publication_date.is_some() && !caller.is_superuser() {
                return Ok(Err(ApiError::unauthorized(
                    "Destroy can only be called by superusers.",
                )));
            }
            tryr!(require(
                &tx,
                caller,
                Permission::DeleteDatasetDraft,
                DvObject::Dataset(ds.id)
            )?);
            dataset_write::destroy(&tx, ds.id)?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await??;
    Ok(msg(format!("Dataset {given} destroyed")))
}

async fn submit_for_review(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let user_id = authenticated(&auth.caller)?;
    let v = em
        .store()
        .call(move |conn| -> Answer<Value> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            tryr!(require(
                &tx,
                &auth.caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id)
            )?);
            let all = datasets::versions(&tx, ds.id)?;
            if all.first().is_none_or(|v| v.state != DRAFT) {
                return Ok(Err(ApiError::forbidden(
                    "Latest version of dataset is already released. Only draft versions can be submitted for review.",
                )));
            }
            if locks::has(&tx, ds.id, locks::IN_REVIEW)? {
                return Ok(Err(ApiError::forbidden(
                    "You cannot submit this dataset for review because it is already in review.",
                )));
            }
            locks::add(&tx, ds.id, locks::IN_REVIEW, Some(user_id), None)?;
            tx.commit()?;
            Ok(Ok(json!({
                "inReview": true,
                "message": format!("Dataset id {} has been submitted for review.", ds.id),
            })))
        })
        .await??;
    Ok(ok(v))
}

async fn return_to_author(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    authenticated(&auth.caller)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "You must supply JSON to this API endpoint and it must contain a reason for returning the dataset (field: reasonForReturn).",
        ));
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
        ));
    }
    let v = em
        .store()
        .call(move |conn| -> Answer<Value> {
            let tx = conn.transaction()?;
            let ds = tryr!(find(&tx, &idtf, &p)?);
            tryr!(require(
                &tx,
                &auth.caller,
                Permission::PublishDataset,
                DvObject::Dataset(ds.id)
            )?);
            if !locks::has(&tx, ds.id, locks::IN_REVIEW)? {
                return Ok(Err(ApiError::forbidden(
                    "This dataset cannot be return to the author(s) because the latest version is not In Review. The author(s) needs to click Submit for Review first.",
                )));
            }
            locks::remove(&tx, ds.id, Some(locks::IN_REVIEW))?;
            tx.commit()?;
            Ok(Ok(json!({
                "inReview": false,
                "message": format!("Dataset id {} has been sent back to the author(s).", ds.id),
            })))
        })
        .await??;
    Ok(ok(v))
}
