//! `/api/datasets/*` read side (`Datasets.java`; `@AuthRequired`): a dataset, its versions
//! and one version. `{id}` is a database id or `:persistentId` with `?persistentId=`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use rusqlite::Connection;
use serde_json::Value;

use super::{Answer, Params, flag};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, ok};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::store::collections;
use crate::store::datasets::{self, DatasetRow, VersionJsonOptions, VersionSpec};
use crate::{Emulator, Error};

pub(super) fn routes() -> Router<Emulator> {
    Router::new()
        .route(
            "/api/datasets/{id}",
            get(get_one).delete(super::dataset_edit::delete_dataset),
        )
        .route("/api/datasets/{id}/versions", get(list_versions))
        .route(
            "/api/datasets/{id}/versions/{v}",
            get(get_version).delete(super::dataset_edit::delete_version),
        )
}

/// Message for a missing (400) or unknown (404) `persistentId`.
pub(crate) const PID_MISSING: &str = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";

/// `findDatasetOrDie`.
pub(crate) fn find(
    conn: &Connection,
    idtf: &str,
    params: &HashMap<String, String>,
) -> Answer<DatasetRow> {
    if idtf == ":persistentId" {
        let Some(pid) = params.get("persistentId").filter(|p| !p.trim().is_empty()) else {
            return Ok(Err(ApiError::bad_request(PID_MISSING)));
        };
        return Ok(datasets::by_pid(conn, pid)?.ok_or_else(|| ApiError::not_found(PID_MISSING)));
    }
    let Ok(id) = idtf.trim().parse::<i64>() else {
        return Ok(Err(ApiError::bad_request(format!(
            "Bad dataset ID number: {idtf}."
        ))));
    };
    Ok(datasets::by_id(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("Dataset with ID {id} not found."))))
}

/// Parse a `{v}` version segment; 400 `Illegal version identifier '<v>'` when it is not one.
pub(crate) fn version_spec(spec: &str) -> Result<VersionSpec, ApiError> {
    datasets::parse_version_spec(spec)
        .ok_or_else(|| ApiError::bad_request(format!("Illegal version identifier '{spec}'")))
}

fn can_see_draft(conn: &Connection, caller: &Caller, ds: &DatasetRow) -> Result<bool, Error> {
    permitted(
        conn,
        caller,
        Permission::ViewUnpublishedDataset,
        DvObject::Dataset(ds.id),
    )
}

/// The installation brand name shown as `publisher` (the root collection's name).
pub(crate) fn publisher(conn: &Connection) -> Result<String, Error> {
    Ok(collections::root(conn)?.map(|r| r.name).unwrap_or_default())
}

fn options(p: &HashMap<String, String>) -> VersionJsonOptions {
    VersionJsonOptions {
        exclude_files: flag(p, "excludeFiles"),
        exclude_metadata_blocks: flag(p, "excludeMetadataBlocks"),
    }
}

async fn get_one(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let v = em
        .store()
        .read(move |conn| -> Answer<Value> {
            let ds = tryr!(find(conn, &idtf, &p)?);
            let all = datasets::versions(conn, ds.id)?;
            // Without a draft, `:latest` is the latest published version for everyone: the
            // permission walk is only needed when there is a draft to hide or show.
            let has_draft = all.iter().any(|v| v.state == datasets::DRAFT);
            let draft_ok = has_draft && can_see_draft(conn, &auth.caller, &ds)?;
            let Some(latest) = datasets::select(&all, &VersionSpec::Latest, draft_ok, false) else {
                return Ok(Err(denied(&auth.caller)));
            };
            let owners = if flag(&p, "returnOwners") {
                collections::owners_json(conn, Some(ds.owner_id))?
            } else {
                None
            };
            let mut m = ds.to_json(&publisher(conn)?, owners);
            let version = datasets::version_json(
                conn,
                &ds,
                latest,
                datasets::latest_state(&all),
                VersionJsonOptions::default(),
            )?;
            m.insert("latestVersion".into(), version);
            Ok(Ok(Value::Object(m)))
        })
        .await??;
    Ok(ok(v))
}

async fn list_versions(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let v = em
        .store()
        .read(move |conn| -> Answer<Value> {
            let ds = tryr!(find(conn, &idtf, &p)?);
            let all = datasets::versions(conn, ds.id)?;
            let draft_ok = can_see_draft(conn, &auth.caller, &ds)?;
            let offset = p
                .get("offset")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let limit = p
                .get("limit")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .unwrap_or(usize::MAX);
            let state = datasets::latest_state(&all).to_string();
            let mut out = Vec::new();
            for v in all
                .iter()
                .filter(|v| draft_ok || v.state != datasets::DRAFT)
                .skip(offset)
                .take(limit)
            {
                out.push(datasets::version_json(conn, &ds, v, &state, options(&p))?);
            }
            Ok(Ok(Value::Array(out)))
        })
        .await??;
    Ok(ok(v))
}

async fn get_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, ApiError> {
    let v = em
        .store()
        .read(move |conn| -> Answer<Value> {
            let ds = tryr!(find(conn, &idtf, &p)?);
            let parsed = tryr!(version_spec(&spec));
            let draft_ok = can_see_draft(conn, &auth.caller, &ds)?;
            if parsed == VersionSpec::Draft && !draft_ok {
                return Ok(Err(denied(&auth.caller)));
            }
            let all = datasets::versions(conn, ds.id)?;
            let Some(version) =
                datasets::select(&all, &parsed, draft_ok, flag(&p, "includeDeaccessioned"))
            else {
                return Ok(Err(ApiError::not_found(format!(
                    "Dataset version {spec} of dataset {} not found",
                    ds.id
                ))));
            };
            let mut json = datasets::version_json(
                conn,
                &ds,
                version,
                datasets::latest_state(&all),
                options(&p),
            )?;
            if flag(&p, "returnOwners")
                && let Value::Object(m) = &mut json
                && let Some(o) = collections::owners_json(conn, Some(ds.owner_id))?
            {
                m.insert("isPartOf".into(), o);
            }
            Ok(Ok(json))
        })
        .await??;
    Ok(ok(v))
}
