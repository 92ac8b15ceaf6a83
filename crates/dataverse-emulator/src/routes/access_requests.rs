//! Access requests to restricted files (`Access.java`: `allowAccessRequest`,
//! `requestFileAccess`, `listFileAccessRequests`, `grantFileAccess`, `rejectFileAccess`,
//! `revokeFileAccess`), with Dataverse's checks in its order and its messages. Access is
//! granted as Dataverse grants it: the built-in `fileDownloader` role assigned on the file.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use super::AppError;
use super::common::extract::{DvBytes, Params, flag, utf8_body};
use super::common::guards::{edit_lock, find_dataset, find_file};
use super::common::guestbook::{effective_at_request, response_from_body};
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::printer;
use crate::store::access_requests::{self as requests, FILE_DOWNLOADER_ROLE, RequestState};
use crate::store::datasets::{self, DatasetRow};
use crate::store::files::{self, DataFileRow};
use crate::store::users::{self, UserRow};
use crate::store::{dataset_write, guestbooks, roles, time_fmt};

const NO_USER: &str = "Could not find user to execute command: null";
const NO_PERMISSION: &str = "Requestor does not have permission to manage file download requests.";

/// `DataFile.getDisplayName()`: the label in the newest version listing the file.
fn file_name(conn: &Connection, df: &DataFileRow) -> Result<String, AppError> {
    for v in files::versions_listing(conn, df.id)? {
        if let Some(fm) = files::meta_in_version(conn, v.id, df.id)? {
            return Ok(fm.label);
        }
    }
    Ok(String::new())
}

/// `findDataFileOrDie` worded as the access-request endpoints word it (400).
fn file_or_400(
    conn: &Connection,
    idtf: &str,
    p: &HashMap<String, String>,
) -> Result<DataFileRow, AppError> {
    find_file(conn, idtf, p).map_err(|e| {
        e.replace_api(|_| ApiError::bad_request(format!("Could not find datafile with id {idtf}.")))
    })
}

/// `RoleAssigneeServiceBean.getRoleAssignee` for a user: `@name` of an existing user.
fn assignee_user(conn: &Connection, identifier: &str) -> Result<Option<UserRow>, AppError> {
    Ok(match identifier.strip_prefix('@') {
        Some(name) => users::by_identifier(conn, name)?,
        None => None,
    })
}

/// Whether the caller may manage who downloads file `df` (`ManageFilePermissions` on it).
fn may_manage(conn: &Connection, caller: &Caller, df: &DataFileRow) -> Result<bool, AppError> {
    Ok(requests::permitted_on_file(
        conn,
        caller,
        Permission::ManageFilePermissions,
        df.id,
        df.dataset_id,
    )?)
}

/// The prelude of grant and reject: the file (400 when missing), then the assignee (400
/// when no such user).
fn file_and_assignee(
    conn: &Connection,
    idtf: &str,
    p: &HashMap<String, String>,
    identifier: &str,
) -> Result<(DataFileRow, UserRow), AppError> {
    let df = file_or_400(conn, idtf, p)?;
    let Some(user) = assignee_user(conn, identifier)? else {
        return Err(no_assignee(identifier));
    };
    Ok((df, user))
}

fn no_assignee(identifier: &str) -> AppError {
    ApiError::bad_request(format!(
        "Could not find assignee with identifier {identifier}."
    ))
    .into()
}

/// Whether the newest version of the dataset takes access requests
/// (`Dataset.isFileAccessRequest`).
fn takes_requests(conn: &Connection, dataset: i64) -> Result<bool, AppError> {
    Ok(datasets::versions(conn, dataset)?
        .first()
        .is_some_and(|v| v.file_access_request))
}

/// `Access.isAccessAuthorized`: a published, unrestricted file is open to all; an
/// unpublished one to those who may see the draft; a published restricted one to those
/// with `DownloadFile` on it.
pub(crate) fn access_authorized(
    conn: &Connection,
    caller: &Caller,
    df: &DataFileRow,
) -> Result<bool, AppError> {
    let listing = files::versions_listing(conn, df.id)?;
    let published = listing
        .iter()
        .any(|v| v.state == crate::model::VersionState::Released);
    let restricted = match listing.first() {
        Some(v) => files::meta_in_version(conn, v.id, df.id)?.is_some_and(|fm| fm.restricted),
        None => false,
    };
    if published && !restricted {
        return Ok(true);
    }
    if !published {
        return Ok(permitted(
            conn,
            caller,
            Permission::ViewUnpublishedDataset,
            DvObject::Dataset(df.dataset_id),
        )?);
    }
    Ok(requests::permitted_on_file(
        conn,
        caller,
        Permission::DownloadFile,
        df.id,
        df.dataset_id,
    )?)
}

/// The text of a `PermissionException` for a command the caller may not run.
fn missing(caller: &Caller, command: &str, permissions: &str, object: &str) -> String {
    format!(
        "Can't execute command {command}, because request of {} is missing permissions {permissions} on Object {object}",
        caller.identifier()
    )
}

/// `PUT /api/access/{id}/allowAccessRequest` (body `true`/`false`): switch access requests
/// on or off in the dataset's draft (created when needed).
pub(super) async fn allow(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let allow = utf8_body(&body)?.trim().eq_ignore_ascii_case("true");
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let ds: DatasetRow = find_dataset(&tx, &idtf, &p).map_err(|e| {
                e.replace_api(|_| {
                    ApiError::bad_request(format!("Could not find Dataset with id: {idtf}"))
                })
            })?;
            let title = datasets::latest_title(&tx, ds.id)?.unwrap_or_default();
            let no_save = |detail: &str| -> AppError {
                ApiError::bad_request(format!("Problem saving dataset {title}: {detail}")).into()
            };
            if !permitted(
                &tx,
                &auth.caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id),
            )? {
                return Err(no_save(&missing(
                    &auth.caller,
                    "UpdateDatasetVersionCommand",
                    "[EditDataset]",
                    &title,
                )));
            }
            edit_lock(&tx, &auth.caller, &ds)
                .map_err(|e| e.replace_api(|e| ApiError::bad_request(format!("Problem saving dataset {title}: {}", e.message()))))?;
            let now = time_fmt::now_iso();
            let draft = dataset_write::ensure_draft(&tx, ds.id, &now)?;
            if !allow {
                let terms: serde_json::Map<String, Value> =
                    serde_json::from_str(&draft.terms).unwrap_or_default();
                let has_terms = terms
                    .get("termsOfAccess")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.trim().is_empty());
                let any_restricted = files::in_version(&tx, draft.id)?
                    .iter()
                    .any(|(m, _)| m.restricted);
                if any_restricted && !has_terms {
                    return Err(no_save("Terms of Use and Access are invalid. You must enable request access or add terms of access in datasets with restricted files."));
                }
            }
            tx.execute(
                "UPDATE dataset_versions SET file_access_request = ?2 WHERE id = ?1",
                rusqlite::params![draft.id, allow],
            )?;
            files::touch_version(&tx, draft.id, &now)?;
            tx.commit()?;
            Ok(format!(
                "Dataset {title} {} file access requests.",
                if allow { "allows" } else { "disallows" }
            ))
        })
        .await?;
    Ok(msg(text))
}

/// `PUT /api/access/datafile/{id}/requestAccess`.
pub(super) async fn request(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    let installation = em.config().guestbook_at_request;
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let df = file_or_400(&tx, &idtf, &p)?;
            if !takes_requests(&tx, df.dataset_id)? {
                return Err(ApiError::bad_request(
                    "Requests for access are not accepted on the Dataset.",
                )
                .into());
            }
            let Some(user) = auth.caller.user() else {
                return Err(ApiError::bad_request(NO_USER).into());
            };
            if access_authorized(&tx, &auth.caller, &df)? {
                return Err(ApiError::bad_request(
                    "You may not request access to this file. It may already be available to you.",
                )
                .into());
            }
            if requests::of_user(&tx, df.id, user.id)? == Some(RequestState::Created) {
                return Err(ApiError::bad_request(
                    "An access request for this file on your behalf already exists.",
                )
                .into());
            }
            let now = time_fmt::now_iso();
            // The guestbook answer: required when the dataset's enabled guestbook is
            // answered at request time, recorded whenever one is given.
            let response = match response_from_body(&tx, &auth.caller, df.dataset_id, &body)? {
                Ok(r) => r,
                Err(message) => {
                    let name = file_name(&tx, &df)?;
                    return Err(ApiError::bad_request(format!(
                        "Problem trying request access on {name} : {message}"
                    ))
                    .into());
                }
            };
            if let Some(gb) = guestbooks::of_dataset(&tx, df.dataset_id)?.filter(|g| g.enabled) {
                match &response {
                    None if effective_at_request(&tx, df.dataset_id, installation)? => {
                        return Err(ApiError::bad_request(format!(
                            "You may not request access to this file without the required Guestbook response for guestbookID {}.",
                            gb.id
                        ))
                        .into());
                    }
                    None => {}
                    Some(r) => {
                        guestbooks::insert_response(
                            &tx,
                            r,
                            (df.id, df.dataset_id),
                            Some(user.id),
                            requests::EVENT_ACCESS_REQUEST,
                            &now,
                        )?;
                    }
                }
            }
            requests::insert(&tx, df.id, user.id, &now)?;
            let name = file_name(&tx, &df)?;
            tx.commit()?;
            Ok(format!("Access to File {name} requested."))
        })
        .await?;
    Ok(msg(text))
}

/// `GET /api/access/datafile/{id}/listRequests` (`includeHistory`, `per_page`, `start`).
pub(super) async fn list(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            if auth.caller.user().is_none() {
                return Err(ApiError::unauthorized(NO_USER).into());
            }
            let df = file_or_400(conn, &idtf, &p)?;
            if !may_manage(conn, &auth.caller, &df)? {
                return Err(ApiError::forbidden(NO_PERMISSION).into());
            }
            let history = flag(&p, "includeHistory");
            let mut found = requests::on_file(conn, df.id, history)?;
            let per_page = p.get("per_page").and_then(|s| s.parse::<usize>().ok());
            let start = p.get("start").and_then(|s| s.parse::<usize>().ok());
            if history
                && let (Some(n), Some(s)) = (per_page, start)
                && n > 0
            {
                found = found.into_iter().skip(s).take(n).collect();
            }
            if found.is_empty() {
                let name = file_name(conn, &df)?;
                return Err(ApiError::not_found(format!(
                    "There are no access requests for this file: {name}."
                ))
                .into());
            }
            let mut out = Vec::new();
            for r in found {
                if let Some(name) = requests::username_of(conn, r.user_id)?
                    && let Some(u) = users::by_identifier(conn, &name)?
                {
                    let mut j = printer::users::user(&u);
                    if let Value::Object(m) = &mut j {
                        m.insert("requestState".into(), r.state.label().into());
                    }
                    out.push(j);
                }
            }
            Ok(Value::Array(out))
        })
        .await?;
    Ok(ok(v))
}

/// `PUT /api/access/datafile/{id}/grantAccess/{identifier}`: assign `fileDownloader` on the
/// file and mark the assignee's request granted.
pub(super) async fn grant(
    State(em): State<Emulator>,
    Path((idtf, identifier)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let (df, user) = file_and_assignee(&tx, &idtf, &p, &identifier)?;
            let name = file_name(&tx, &df)?;
            let failed = |detail: String| -> AppError {
                ApiError::bad_request(format!("Problem trying grant access on {name} : {detail}"))
                    .into()
            };
            let may =
                |perm| requests::permitted_on_file(&tx, &auth.caller, perm, df.id, df.dataset_id);
            if !(may(Permission::ManageFilePermissions)? && may(Permission::DownloadFile)?) {
                return Err(failed(missing(
                    &auth.caller,
                    "AssignRoleCommand",
                    "[ManageFilePermissions, DownloadFile]",
                    &name,
                )));
            }
            if user.deactivated {
                return Err(failed(format!(
                    "User {} is deactivated and cannot be given a role.",
                    user.user_identifier
                )));
            }
            let assignee = user.identifier();
            if roles::assignment_exists(&tx, &assignee, FILE_DOWNLOADER_ROLE, df.id)? {
                return Err(failed("Role has already been granted.".into()));
            }
            roles::assign(&tx, &assignee, FILE_DOWNLOADER_ROLE, df.id)?;
            requests::set_state(&tx, df.id, user.id, RequestState::Granted)?;
            tx.commit()?;
            Ok(format!("Access to File {name} granted."))
        })
        .await?;
    Ok(msg(text))
}

/// `PUT /api/access/datafile/{id}/rejectAccess/{identifier}`.
pub(super) async fn reject(
    State(em): State<Emulator>,
    Path((idtf, identifier)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let (df, user) = file_and_assignee(&tx, &idtf, &p, &identifier)?;
            if !may_manage(&tx, &auth.caller, &df)? {
                return Err(ApiError::bad_request(NO_PERMISSION).into());
            }
            let name = file_name(&tx, &df)?;
            if requests::of_user(&tx, df.id, user.id)?.is_none() {
                return Err(ApiError::bad_request(format!(
                    "No request for access to file {name} for user {}",
                    user.display_name()
                ))
                .into());
            }
            requests::set_state(&tx, df.id, user.id, RequestState::Rejected)?;
            tx.commit()?;
            Ok(format!("Access to File {name} rejected."))
        })
        .await?;
    Ok(msg(text))
}

/// `DELETE /api/access/datafile/{id}/revokeAccess/{identifier}`: remove the assignee's
/// `fileDownloader` assignments on the file.
pub(super) async fn revoke(
    State(em): State<Emulator>,
    Path((idtf, identifier)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let df = file_or_400(&tx, &idtf, &p)?;
            if identifier.is_empty() {
                return Err(ApiError::bad_request(
                    "You must provide a key to request access to a file. ",
                )
                .into());
            }
            let Some(user) = assignee_user(&tx, &identifier)? else {
                return Err(no_assignee(&identifier));
            };
            let assignee = user.identifier();
            let found: Vec<i64> = roles::assignments_on(&tx, df.id)?
                .into_iter()
                .filter(|a| a.assignee == assignee && a.role_id == FILE_DOWNLOADER_ROLE)
                .map(|a| a.id)
                .collect();
            if found.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "No File Downloader role found for user {identifier}"
                ))
                .into());
            }
            if !may_manage(&tx, &auth.caller, &df)? {
                return Err(denied(&auth.caller).into());
            }
            for id in found {
                roles::revoke(&tx, id)?;
            }
            let name = file_name(&tx, &df)?;
            tx.commit()?;
            Ok(format!(
                "File Downloader access has been revoked for user {assignee} on file {name}"
            ))
        })
        .await?;
    Ok(msg(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_text_names_the_command() {
        let t = missing(
            &Caller::Guest,
            "AssignRoleCommand",
            "[DownloadFile]",
            "a.csv",
        );
        assert!(
            t.starts_with("Can't execute command AssignRoleCommand"),
            "{t}"
        );
        assert!(
            t.contains(":guest") && t.ends_with("on Object a.csv"),
            "{t}"
        );
    }
}
