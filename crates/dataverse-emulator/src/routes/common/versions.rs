//! `Datasets.getDatasetVersionOrDie` / `AbstractApiBean.findDatasetVersionOrDie`: the
//! version a `{v}` selector names for a caller, with Dataverse's rules for drafts and
//! deaccessioned versions (the `Get*DatasetVersionCommand`s).

use rusqlite::Connection;

use super::AppError;
use super::guards::version_spec;
use crate::auth::Caller;
use crate::envelope::ApiError;
use crate::model::VersionState;
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::store::datasets::{DatasetRow, VersionRow, VersionSpec};

/// How deaccessioned versions are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deaccessioned {
    /// `includeDeaccessioned`: deaccessioned versions count as published ones.
    pub include: bool,
    /// `checkPermsWhenDeaccessioned`: a deaccessioned version is only found by callers who
    /// may edit the dataset (`EditDataset`).
    pub check_perms: bool,
}

/// The version `spec` names among `all` (newest first) for `caller`, or `Ok(None)` when
/// there is none for them (Dataverse's 404 `Dataset version {v} of dataset {id} not found`,
/// see [`not_found`]). `:draft` without `ViewUnpublishedDataset` is the 401 of [`denied`]
/// (`GetDraftDatasetVersionCommand`'s required permission); a malformed `spec` the 400 of
/// [`version_spec`].
pub(crate) fn find<'a>(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
    all: &'a [VersionRow],
    spec: &str,
    deaccessioned: Deaccessioned,
) -> Result<Option<&'a VersionRow>, AppError> {
    let parsed = version_spec(spec)?;
    let view_draft = || {
        permitted(
            conn,
            caller,
            Permission::ViewUnpublishedDataset,
            DvObject::Dataset(ds.id),
        )
    };
    let may_edit = || {
        permitted(
            conn,
            caller,
            Permission::EditDataset,
            DvObject::Dataset(ds.id),
        )
    };
    let counts = |v: &VersionRow| {
        v.state == VersionState::Released
            || (deaccessioned.include && v.state == VersionState::Deaccessioned)
    };
    let latest_published = || -> Result<Option<&'a VersionRow>, AppError> {
        // `GetLatestPublishedDatasetVersionCommand`.
        let Some(v) = all.iter().find(|v| counts(v)) else {
            return Ok(None);
        };
        if v.state == VersionState::Deaccessioned && deaccessioned.check_perms && !may_edit()? {
            return Ok(None);
        }
        Ok(Some(v))
    };
    match parsed {
        VersionSpec::Draft => {
            if !view_draft()? {
                return Err(denied(caller).into());
            }
            Ok(all.iter().find(|v| v.state == VersionState::Draft))
        }
        VersionSpec::Latest => {
            // `GetLatestAccessibleDatasetVersionCommand`.
            if let Some(d) = all.first().filter(|v| v.state == VersionState::Draft)
                && view_draft()?
            {
                return Ok(Some(d));
            }
            latest_published()
        }
        VersionSpec::LatestPublished => latest_published(),
        VersionSpec::Number(major, minor) => {
            // `GetSpecificPublishedDatasetVersionCommand`: walking newest first, a
            // deaccessioned version the caller may not see ends the search.
            for v in all.iter().filter(|v| counts(v)) {
                if v.state == VersionState::Deaccessioned
                    && deaccessioned.check_perms
                    && !may_edit()?
                {
                    return Ok(None);
                }
                if v.version_number == Some(major) && v.minor_version_number.unwrap_or(0) == minor {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        }
    }
}

/// Dataverse's 404 for a version that is not there (or not for this caller).
pub(crate) fn not_found(spec: &str, ds: &DatasetRow) -> ApiError {
    ApiError::not_found(format!(
        "Dataset version {spec} of dataset {} not found",
        ds.id
    ))
}
