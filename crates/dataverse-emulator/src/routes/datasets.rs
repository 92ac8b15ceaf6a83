//! `/api/datasets/*` read side (`Datasets.java`; `@AuthRequired`): a dataset, its versions
//! and one version. `{id}` is a database id or `:persistentId` with `?persistentId=`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use super::common::extract::{Params, flag};
use super::common::guards::{can_see_draft, find_dataset, version_spec};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, ok};
use crate::model::VersionState;
use crate::permissions::denied;
use crate::printer;
use crate::printer::datasets::VersionOptions;
use crate::store::collections;
use crate::store::datasets::{self, VersionSpec};

fn options(p: &HashMap<String, String>) -> VersionOptions {
    VersionOptions {
        exclude_files: flag(p, "excludeFiles"),
        exclude_metadata_blocks: flag(p, "excludeMetadataBlocks"),
    }
}

pub(super) async fn get_one(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let all = datasets::versions(conn, ds.id)?;
            // Without a draft, `:latest` is the latest published version for everyone: the
            // permission walk is only needed when there is a draft to hide or show.
            let has_draft = all.iter().any(|v| v.state == VersionState::Draft);
            let draft_ok = has_draft && can_see_draft(conn, &auth.caller, ds.id)?;
            let Some(latest) = datasets::select(&all, &VersionSpec::Latest, draft_ok, false) else {
                return Err(denied(&auth.caller).into());
            };
            let owners = if flag(&p, "returnOwners") {
                printer::collections::is_part_of(conn, Some(ds.owner_id))?
            } else {
                None
            };
            let mut m = printer::datasets::dataset(&ds, &collections::publisher(conn)?, owners);
            let version = printer::datasets::version(
                conn,
                &ds,
                latest,
                datasets::latest_state(&all),
                VersionOptions::default(),
            )?;
            m.insert("latestVersion".into(), version);
            Ok(Value::Object(m))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn list_versions(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let all = datasets::versions(conn, ds.id)?;
            let draft_ok = can_see_draft(conn, &auth.caller, ds.id)?;
            let offset = p
                .get("offset")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let limit = p
                .get("limit")
                .and_then(|o| o.trim().parse::<usize>().ok())
                .unwrap_or(usize::MAX);
            let state = datasets::latest_state(&all);
            let mut out = Vec::new();
            for v in all
                .iter()
                .filter(|v| draft_ok || v.state != VersionState::Draft)
                .skip(offset)
                .take(limit)
            {
                out.push(printer::datasets::version(
                    conn,
                    &ds,
                    v,
                    state,
                    options(&p),
                )?);
            }
            Ok(Value::Array(out))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn get_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let parsed = version_spec(&spec)?;
            let draft_ok = can_see_draft(conn, &auth.caller, ds.id)?;
            if parsed == VersionSpec::Draft && !draft_ok {
                return Err(denied(&auth.caller).into());
            }
            let all = datasets::versions(conn, ds.id)?;
            let Some(version) =
                datasets::select(&all, &parsed, draft_ok, flag(&p, "includeDeaccessioned"))
            else {
                return Err(ApiError::not_found(format!(
                    "Dataset version {spec} of dataset {} not found",
                    ds.id
                ))
                .into());
            };
            let mut json = printer::datasets::version(
                conn,
                &ds,
                version,
                datasets::latest_state(&all),
                options(&p),
            )?;
            if flag(&p, "returnOwners")
                && let Value::Object(m) = &mut json
                && let Some(o) = printer::collections::is_part_of(conn, Some(ds.owner_id))?
            {
                m.insert("isPartOf".into(), o);
            }
            Ok(json)
        })
        .await?;
    Ok(ok(v))
}
