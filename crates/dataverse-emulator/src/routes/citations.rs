//! Citations and the private-URL reads (`Datasets.java`, `Files.java`): the HTML citation
//! of a dataset version (`getDatasetVersionInternalCitation`) and of a file in one
//! (`getFileCitationByVersion`), both in `data.message`; and what a reviewer holding a
//! private (preview) URL token sees: the draft (`getPrivateUrlDatasetVersion`) and its
//! citation. The private-URL reads take no API key: the token in the path is the credential.

use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use super::AppError;
use super::common::extract::{Params, flag};
use super::common::guards::{find_dataset, find_file};
use super::common::versions::{self, Deaccessioned};
use crate::auth::Auth;
use crate::envelope::{ApiError, msg, ok};
use crate::export::citation::DataCitation;
use crate::model::VersionState;
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::printer;
use crate::printer::datasets::VersionOptions;
use crate::store::datasets::{self, DatasetRow, VersionRow};
use crate::store::{collections, dataset_write, files};
use crate::{Emulator, Error};

/// `files.api.no.draftOrUnauth`.
const NO_VERSION_OR_UNAUTHORIZED: &str = "Dataset version cannot be found or unauthorized.";
/// `files.api.fileNotFound`.
const FILE_NOT_FOUND: &str = "File could not be found.";

pub(super) async fn dataset_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let html = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let all = datasets::versions(conn, ds.id)?;
            let how = Deaccessioned {
                include: flag(&p, "includeDeaccessioned"),
                check_perms: false,
            };
            let Some(v) = versions::find(conn, &auth.caller, &ds, &all, &spec, how)? else {
                return Err(versions::not_found(&spec, &ds).into());
            };
            Ok(DataCitation::of_version(&ds, v, &collections::publisher(conn)?).html())
        })
        .await?;
    Ok(msg(html))
}

pub(super) async fn file_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let html = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            let caller = &auth.caller;
            // `GetDataFileCommand`: a file never published needs ViewUnpublishedDataset.
            if df.publication_date.is_none()
                && !permitted(
                    conn,
                    caller,
                    Permission::ViewUnpublishedDataset,
                    DvObject::Dataset(df.dataset_id),
                )?
            {
                return Err(denied(caller).into());
            }
            let Some(ds) = datasets::by_id(conn, df.dataset_id)? else {
                return Err(Error::Store("file without dataset".into()).into());
            };
            let all = datasets::versions(conn, ds.id)?;
            let how = Deaccessioned {
                include: flag(&p, "includeDeaccessioned"),
                check_perms: true,
            };
            let Some(v) = versions::find(conn, caller, &ds, &all, &spec, how)? else {
                // `:draft` without a draft is a new, empty draft in Dataverse: no file in it.
                if spec == ":draft" {
                    return Err(ApiError::not_found(FILE_NOT_FOUND).into());
                }
                return Err(ApiError::unauthorized(NO_VERSION_OR_UNAUTHORIZED).into());
            };
            let Some(fm) = files::meta_in_version(conn, v.id, df.id)? else {
                return Err(ApiError::not_found(FILE_NOT_FOUND).into());
            };
            let publisher = collections::publisher(conn)?;
            Ok(DataCitation::of_file(&ds, v, &publisher, &fm, &df).html())
        })
        .await?;
    Ok(msg(html))
}

/// The dataset and draft a private-URL token opens: 404 `Private URL user not found` for a
/// token that is not one, 404 `Dataset version not found` when the dataset has no draft.
fn private_draft(conn: &Connection, token: &str) -> Result<(DatasetRow, VersionRow), AppError> {
    let found = match dataset_write::private_url_dataset(conn, token)? {
        Some(id) => datasets::by_id(conn, id)?,
        None => None,
    };
    let Some(ds) = found else {
        return Err(ApiError::not_found("Private URL user not found").into());
    };
    let draft = datasets::versions(conn, ds.id)?
        .into_iter()
        .next()
        .filter(|v| v.state == VersionState::Draft);
    let Some(v) = draft else {
        return Err(ApiError::not_found("Dataset version not found").into());
    };
    Ok((ds, v))
}

pub(super) async fn private_url_version(
    State(em): State<Emulator>,
    Path(token): Path<String>,
    Params(p): Params,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let (ds, v) = private_draft(conn, &token)?;
            let mut json = printer::datasets::version(
                conn,
                &ds,
                &v,
                VersionState::Draft,
                VersionOptions::default(),
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

pub(super) async fn private_url_citation(
    State(em): State<Emulator>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let html = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let (ds, v) = private_draft(conn, &token)?;
            Ok(DataCitation::of_version(&ds, &v, &collections::publisher(conn)?).html())
        })
        .await?;
    Ok(msg(html))
}
