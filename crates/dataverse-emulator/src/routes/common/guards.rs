//! What handlers check before they act: lookups of collections, datasets and files by id or
//! PID (`findDataverseOrDie`, `findDatasetOrDie`, `findDataFileOrDie`), version selectors,
//! visibility of unpublished objects, permission requirements and the edit guards
//! (`PermissionServiceBean.checkEditDatasetLock`). Every check fails with the answer
//! Dataverse gives.

use std::collections::HashMap;

use rusqlite::Connection;

use super::AppError;
use crate::Error;
use crate::auth::Caller;
use crate::envelope::ApiError;
use crate::model::{LockType, VersionState};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::store::collections::{self, CollectionRow};
use crate::store::datasets::{self, DatasetRow, VersionRow, VersionSpec};
use crate::store::files::{self, DataFileRow, FileMetaRow};
use crate::store::locks;

/// Message for a missing (400) or unknown (404) `persistentId`.
pub(crate) const PID_MISSING: &str = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";

/// `findDataverseOrDie`: a collection by alias or database id.
pub(crate) fn find_collection(conn: &Connection, idtf: &str) -> Result<CollectionRow, AppError> {
    Ok(collections::resolve(conn, idtf)?
        .ok_or_else(|| ApiError::not_found(collections::not_found_message(idtf)))?)
}

/// A collection is visible when published, or when the caller may view it unpublished.
pub(crate) fn collection_visible(
    conn: &Connection,
    caller: &Caller,
    c: &CollectionRow,
) -> Result<bool, Error> {
    Ok(c.is_released
        || permitted(
            conn,
            caller,
            Permission::ViewUnpublishedDataverse,
            DvObject::Collection(c.id),
        )?)
}

/// `findDatasetOrDie`: a database id, or `:persistentId` with `?persistentId=`.
pub(crate) fn find_dataset(
    conn: &Connection,
    idtf: &str,
    params: &HashMap<String, String>,
) -> Result<DatasetRow, AppError> {
    let numeric = !idtf.is_empty() && idtf.bytes().all(|b| b.is_ascii_digit());
    if !numeric {
        // Anything not numeric is a PID (`:persistentId` takes it from the query); one no
        // PID provider can parse is a 400, a well-formed one not found a 404.
        let pid = if idtf == ":persistentId" {
            let Some(pid) = params.get("persistentId") else {
                return Err(ApiError::bad_request(PID_MISSING).into());
            };
            pid.as_str()
        } else {
            idtf
        };
        let Some(global_id) = parse_pid(pid) else {
            return Err(ApiError::bad_request(format!("Bad dataset ID number: {pid}.")).into());
        };
        return Ok(
            datasets::by_pid(conn, &global_id)?.ok_or_else(|| ApiError::not_found(PID_MISSING))?
        );
    }
    let Ok(id) = idtf.parse::<i64>() else {
        return Err(ApiError::bad_request(format!("Bad dataset ID number: {idtf}.")).into());
    };
    Ok(datasets::by_id(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("Dataset with ID {id} not found.")))?)
}

/// `pid` as `protocol:authority/identifier` when some PID provider parses it
/// (`PidUtil.parseAsGlobalID`): `doi:10.x/y` (also as a `doi.org` URL), `hdl:x/y` (also as
/// a `hdl.handle.net` URL) or `perma:x/y`, with something on both sides of the first `/`.
pub(crate) fn parse_pid(pid: &str) -> Option<String> {
    let pid = pid.replace("%3A", ":");
    let resolvers = [
        ("https://doi.org/", "doi"),
        ("http://doi.org/", "doi"),
        ("https://dx.doi.org/", "doi"),
        ("http://dx.doi.org/", "doi"),
        ("https://hdl.handle.net/", "hdl"),
        ("http://hdl.handle.net/", "hdl"),
    ];
    let pid = resolvers
        .iter()
        .find_map(|(prefix, protocol)| {
            pid.strip_prefix(prefix)
                .map(|rest| format!("{protocol}:{rest}"))
        })
        .unwrap_or(pid);
    let (protocol, rest) = pid.split_once(':')?;
    let (authority, identifier) = rest.split_once('/')?;
    let filled = |s: &str| !s.trim().is_empty();
    let ok = match protocol {
        "doi" => authority.starts_with("10.") && filled(identifier),
        "hdl" | "perma" => filled(authority) && filled(identifier),
        _ => false,
    };
    ok.then_some(pid)
}

/// `findDataFileOrDie`: a database id, or `:persistentId` with `?persistentId=` (a file
/// PID registered by [`file_pids`](crate::store::file_pids)).
pub(crate) fn find_file(
    conn: &Connection,
    idtf: &str,
    params: &HashMap<String, String>,
) -> Result<DataFileRow, AppError> {
    if idtf == ":persistentId" {
        let pid = params.get("persistentId").cloned().unwrap_or_default();
        let found = match crate::store::file_pids::file_by_pid(conn, &pid)? {
            Some(id) => files::datafile(conn, id)?,
            None => None,
        };
        return found.ok_or_else(|| {
            ApiError::not_found(format!("Datafile with Persistent ID {pid} not found.")).into()
        });
    }
    let Ok(id) = idtf.trim().parse::<i64>() else {
        return Err(ApiError::bad_request(format!("Bad file ID number: {idtf}.")).into());
    };
    Ok(files::datafile(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("File with ID {id} not found.")))?)
}

/// Parse a `{v}` version segment; 400 `Illegal version identifier '<v>'` when it is not one.
pub(crate) fn version_spec(spec: &str) -> Result<VersionSpec, ApiError> {
    datasets::parse_version_spec(spec)
        .ok_or_else(|| ApiError::bad_request(format!("Illegal version identifier '{spec}'")))
}

/// Whether the caller may see unpublished versions of the dataset.
pub(crate) fn can_see_draft(
    conn: &Connection,
    caller: &Caller,
    dataset: i64,
) -> Result<bool, Error> {
    permitted(
        conn,
        caller,
        Permission::ViewUnpublishedDataset,
        DvObject::Dataset(dataset),
    )
}

/// The newest version listing the file that the caller may see (the draft for those who
/// may see it), with the file's metadata there.
pub(crate) fn latest_visible(
    conn: &Connection,
    caller: &Caller,
    df: &DataFileRow,
    include_deaccessioned: bool,
) -> Result<Option<(VersionRow, FileMetaRow)>, Error> {
    let draft_ok = can_see_draft(conn, caller, df.dataset_id)?;
    for v in files::versions_listing(conn, df.id)? {
        let visible = match v.state {
            VersionState::Draft => draft_ok,
            VersionState::Released => true,
            VersionState::Deaccessioned => include_deaccessioned || draft_ok,
            VersionState::Archived => false,
        };
        if visible && let Some(fm) = files::meta_in_version(conn, v.id, df.id)? {
            return Ok(Some((v, fm)));
        }
    }
    Ok(None)
}

/// `Ok(())` when the caller has `permission` on `object`, the 401 of [`denied`] otherwise.
pub(crate) fn require(
    conn: &Connection,
    caller: &Caller,
    permission: Permission,
    object: DvObject,
) -> Result<(), AppError> {
    if permitted(conn, caller, permission, object)? {
        Ok(())
    } else {
        Err(denied(caller).into())
    }
}

/// `findAuthenticatedUserOrDie`: the caller's user id; 401 for guests.
pub(crate) fn authenticated(caller: &Caller) -> Result<i64, ApiError> {
    caller.user().map(|u| u.id).ok_or_else(|| {
        ApiError::unauthorized("Only authenticated users can perform the requested operation")
    })
}

/// `findAuthenticatedUserOrDie` plus the superuser check of superuser-only endpoints.
pub(crate) fn superuser(caller: &Caller) -> Result<(), ApiError> {
    authenticated(caller)?;
    if !caller.is_superuser() {
        return Err(ApiError::forbidden(
            "This API end point can be used by superusers only.",
        ));
    }
    Ok(())
}

/// `PermissionServiceBean.checkEditDatasetLock`: any lock but Ingest blocks editing;
/// InReview only for callers who may not publish.
pub(crate) fn edit_lock(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
) -> Result<(), AppError> {
    for l in locks::on(conn, ds.id)? {
        match l.lock_type {
            LockType::Ingest => {}
            LockType::InReview => {
                if !permitted(
                    conn,
                    caller,
                    Permission::PublishDataset,
                    DvObject::Dataset(ds.id),
                )? {
                    return Err(ApiError::forbidden(
                        "Dataset cannot be edited due to In Review dataset lock.",
                    )
                    .into());
                }
            }
            _ => {
                return Err(
                    ApiError::forbidden("Dataset cannot be edited due to dataset lock.").into(),
                );
            }
        }
    }
    Ok(())
}

/// `EditDataset` on the dataset (the 401 of [`denied`]) and no edit-blocking lock.
pub(crate) fn may_edit(conn: &Connection, caller: &Caller, dataset: i64) -> Result<(), AppError> {
    require(
        conn,
        caller,
        Permission::EditDataset,
        DvObject::Dataset(dataset),
    )?;
    let Some(ds) = datasets::by_id(conn, dataset)? else {
        return Err(Error::Store("file without dataset".into()).into());
    };
    edit_lock(conn, caller, &ds)
}
