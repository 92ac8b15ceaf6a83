//! `/api/datasets/*` read side (`Datasets.java`; `@AuthRequired`): a dataset, its versions
//! and one version. `{id}` is a database id or `:persistentId` with `?persistentId=`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use super::common::extract::{Params, flag};
use super::common::guards::{can_see_draft, find_dataset};
use super::common::versions::{self, Deaccessioned};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::ok;
use crate::model::VersionState;
use crate::permissions::{DvObject, Permission, denied, permitted};
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
            let latest = datasets::select(&all, &VersionSpec::Latest, draft_ok, false);
            // `GetDatasetCommand`: a dataset never published needs ViewUnpublishedDataset;
            // one published and since deaccessioned is answered without `latestVersion`.
            if latest.is_none()
                && (ds.publication_date.is_none()
                    || !all.iter().any(|v| v.state == VersionState::Deaccessioned))
            {
                return Err(denied(&auth.caller).into());
            }
            let owners = if flag(&p, "returnOwners") {
                printer::collections::is_part_of(conn, Some(ds.owner_id))?
            } else {
                None
            };
            let mut m = printer::datasets::dataset(&ds, &collections::publisher(conn)?, owners);
            if let Some(latest) = latest {
                let version = printer::datasets::version(
                    conn,
                    &ds,
                    latest,
                    datasets::latest_state(&all),
                    VersionOptions::default(),
                )?;
                m.insert("latestVersion".into(), version);
            }
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
            // `ListVersionsCommand`: drafts and deaccessioned versions only for those who
            // may edit the dataset.
            let unpublished_ok = permitted(
                conn,
                &auth.caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id),
            )?;
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
                .filter(|v| unpublished_ok || v.state == VersionState::Released)
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
            let all = datasets::versions(conn, ds.id)?;
            // `getVersion`: with files (the default), a deaccessioned version only for those
            // who may edit the dataset.
            let how = Deaccessioned {
                include: flag(&p, "includeDeaccessioned"),
                check_perms: !flag(&p, "excludeFiles"),
            };
            let Some(version) = versions::find(conn, &auth.caller, &ds, &all, &spec, how)? else {
                return Err(versions::not_found(&spec, &ds).into());
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
