//! Writes on datasets: creation with a minted PID, the edit draft, publication numbering
//! and finalisation, draft deletion and destruction, private URLs.

use rusqlite::{Connection, OptionalExtension, params};

use super::datasets::{self, VersionRow};
use super::{collections, locks};
use crate::Error;
use crate::model::{LockType, VersionState};

/// Default PID provider: authority and shoulder (`doi:10.5072/FK2/XXXXXX`).
pub(crate) const AUTHORITY: &str = "10.5072";
/// Shoulder of minted identifiers.
pub(crate) const SHOULDER: &str = "FK2/";

const BASE36: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A dataset to insert with its first version.
#[derive(Debug, Clone)]
pub(crate) struct NewDataset {
    pub owner_id: i64,
    pub protocol: String,
    pub authority: String,
    /// Shoulder + identifier.
    pub identifier: String,
    pub dataset_type: String,
    pub metadata_language: Option<String>,
    pub creator_id: Option<i64>,
    /// Canonical `metadataBlocks` JSON text.
    pub metadata_blocks: String,
    /// License (name, uri), or custom terms.
    pub license: Option<(String, String)>,
    /// Terms JSON object text.
    pub terms: String,
}

/// A fresh unused identifier `FK2/` + 6 random `[A-Z0-9]`.
pub(crate) fn mint_identifier(conn: &Connection) -> Result<String, Error> {
    for _ in 0..1000 {
        let bytes = *uuid::Uuid::new_v4().as_bytes();
        let s: String = bytes[..6]
            .iter()
            .map(|b| BASE36[(*b as usize) % 36] as char)
            .collect();
        let id = format!("{SHOULDER}{s}");
        if datasets::by_pid(conn, &format!("doi:{AUTHORITY}/{id}"))?.is_none() {
            return Ok(id);
        }
    }
    Err(Error::Store("could not mint a unique identifier".into()))
}

/// Insert a dataset and its version (`state` DRAFT, or RELEASED 1.0 for imports); returns
/// the dataset id.
pub(crate) fn insert(
    conn: &Connection,
    d: &NewDataset,
    released: bool,
    now: &str,
) -> Result<i64, Error> {
    let id = collections::new_dvobject(conn, "Dataset")?;
    conn.execute(
        "INSERT INTO datasets (id, owner_id, protocol, authority, identifier, storage_identifier,
             created, publication_date, dataset_type, creator_id, metadata_language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            d.owner_id,
            d.protocol,
            d.authority,
            d.identifier,
            format!("file://{}/{}", d.authority, d.identifier),
            now,
            released.then_some(now),
            d.dataset_type,
            d.creator_id,
            d.metadata_language,
        ],
    )?;
    let (state, major, minor) = if released {
        (VersionState::Released, Some(1), Some(0))
    } else {
        (VersionState::Draft, None, None)
    };
    conn.execute(
        "INSERT INTO dataset_versions (dataset_id, version_number, minor_version_number, state,
             internal_version, metadata_blocks, license_name, license_uri, terms,
             file_access_request, create_time, last_update_time, release_time)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, 1, ?9, ?9, ?10)",
        params![
            id,
            major,
            minor,
            state,
            d.metadata_blocks,
            d.license.as_ref().map(|l| &l.0),
            d.license.as_ref().map(|l| &l.1),
            d.terms,
            now,
            released.then_some(now),
        ],
    )?;
    Ok(id)
}

/// The draft of a dataset, creating it as a copy of the latest version when the latest is
/// released (`Dataset.getOrCreateEditVersion`).
pub(crate) fn ensure_draft(
    conn: &Connection,
    dataset: i64,
    now: &str,
) -> Result<VersionRow, Error> {
    let all = datasets::versions(conn, dataset)?;
    if let Some(d) = all.iter().find(|v| v.state == VersionState::Draft) {
        return Ok(d.clone());
    }
    let Some(latest) = all.first() else {
        return Err(Error::Store(format!("dataset {dataset} has no version")));
    };
    conn.execute(
        "INSERT INTO dataset_versions (dataset_id, state, internal_version, metadata_blocks,
             license_name, license_uri, terms, file_access_request, create_time, last_update_time)
         SELECT dataset_id, ?3, 1, metadata_blocks, license_name, license_uri, terms,
             file_access_request, ?2, ?2
         FROM dataset_versions WHERE id = ?1",
        params![latest.id, now, VersionState::Draft],
    )?;
    let id = conn.last_insert_rowid();
    super::files::copy_metadatas(conn, latest.id, id)?;
    datasets::versions(conn, dataset)?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| Error::Store("new draft vanished".into()))
}

/// Replace the metadata of a (draft) version and bump its update time and row counter.
pub(crate) fn set_blocks(
    conn: &Connection,
    version: i64,
    blocks: &str,
    now: &str,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataset_versions SET metadata_blocks = ?2, last_update_time = ?3,
             internal_version = internal_version + 1 WHERE id = ?1",
        params![version, blocks, now],
    )?;
    Ok(())
}

/// How a publication numbers the new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Release {
    /// `(N+1).0` (or 1.0 first).
    Major,
    /// `N.(m+1)`.
    Minor,
}

/// The numbers the draft gets: 1.0 first, then by `kind` from the latest released version.
pub(crate) fn next_numbers(all: &[VersionRow], first: bool, kind: Release) -> (i64, i64) {
    if first {
        return (1, 0);
    }
    let latest = all
        .iter()
        .find(|v| v.state == VersionState::Released || v.state == VersionState::Deaccessioned);
    let major = latest.and_then(|v| v.version_number).unwrap_or(0);
    let minor = latest.and_then(|v| v.minor_version_number).unwrap_or(0);
    match kind {
        Release::Major => (major + 1, 0),
        Release::Minor => (major, minor + 1),
    }
}

/// Give the draft its numbers and the `finalizePublication` lock (`PublishDatasetCommand`).
pub(crate) fn start_publication(
    conn: &Connection,
    dataset: i64,
    draft: i64,
    numbers: (i64, i64),
    user_id: Option<i64>,
    info: &str,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataset_versions SET version_number = ?2, minor_version_number = ?3 WHERE id = ?1",
        params![draft, numbers.0, numbers.1],
    )?;
    locks::add(
        conn,
        dataset,
        LockType::FinalizePublication,
        user_id,
        Some(info),
    )
}

/// `FinalizeDatasetPublicationCommand`: the draft becomes RELEASED, the dataset gets its
/// publication date on first release, the lock and any private URL go. Returns whether a
/// draft was finalised.
pub(crate) fn finalize(conn: &Connection, dataset: i64, now: &str) -> Result<bool, Error> {
    let all = datasets::versions(conn, dataset)?;
    let draft = all.iter().find(|v| v.state == VersionState::Draft);
    let mut done = false;
    if let Some(d) = draft {
        let first = !all.iter().any(|v| v.state == VersionState::Released);
        let numbers = match (d.version_number, d.minor_version_number) {
            (Some(a), Some(b)) => (a, b),
            _ => next_numbers(&all, first, Release::Major),
        };
        conn.execute(
            "UPDATE dataset_versions SET state = ?5, version_number = ?2,
                 minor_version_number = ?3, release_time = ?4, last_update_time = ?4,
                 internal_version = internal_version + 1 WHERE id = ?1",
            params![d.id, numbers.0, numbers.1, now, VersionState::Released],
        )?;
        conn.execute(
            "UPDATE datasets SET publication_date = coalesce(publication_date, ?2) WHERE id = ?1",
            params![dataset, now],
        )?;
        super::files::mark_published(conn, d.id, now)?;
        super::file_pids::register_on_publish(conn, dataset)?;
        delete_private_url(conn, dataset)?;
        done = true;
    }
    locks::remove(conn, dataset, Some(LockType::FinalizePublication))?;
    locks::remove(conn, dataset, Some(LockType::InReview))?;
    Ok(done)
}

/// `CuratePublishedDatasetVersionCommand`: the draft's metadata overwrite the latest
/// released version (no new number) and the draft goes.
pub(crate) fn update_current(
    conn: &Connection,
    dataset: i64,
    draft: &VersionRow,
    now: &str,
) -> Result<(), Error> {
    let all = datasets::versions(conn, dataset)?;
    let Some(target) = all.iter().find(|v| v.state == VersionState::Released) else {
        return Err(Error::Store("no released version to update".into()));
    };
    conn.execute(
        "UPDATE dataset_versions SET metadata_blocks = ?2, license_name = (SELECT license_name
             FROM dataset_versions WHERE id = ?3), license_uri = (SELECT license_uri FROM
             dataset_versions WHERE id = ?3), terms = ?4, last_update_time = ?5,
             internal_version = internal_version + 1 WHERE id = ?1",
        params![target.id, draft.metadata_blocks, draft.id, draft.terms, now],
    )?;
    // The draft's file list becomes the released version's (files dropped from it go when
    // no other version lists them).
    conn.execute(
        "DELETE FROM filemetadatas WHERE version_id = ?1",
        [target.id],
    )?;
    conn.execute(
        "UPDATE filemetadatas SET version_id = ?1 WHERE version_id = ?2",
        [target.id, draft.id],
    )?;
    super::files::mark_published(conn, target.id, now)?;
    conn.execute("DELETE FROM dataset_versions WHERE id = ?1", [draft.id])?;
    delete_private_url(conn, dataset)?;
    Ok(())
}

/// Delete one version row.
pub(crate) fn delete_version(conn: &Connection, version: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM dataset_versions WHERE id = ?1", [version])?;
    Ok(())
}

/// Remove a dataset with its versions, locks and role assignments.
pub(crate) fn destroy(conn: &Connection, dataset: i64) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM role_assignments WHERE definition_point_id = ?1",
        [dataset],
    )?;
    conn.execute("DELETE FROM dataset_locks WHERE dataset_id = ?1", [dataset])?;
    conn.execute(
        "DELETE FROM dataset_versions WHERE dataset_id = ?1",
        [dataset],
    )?;
    conn.execute("DELETE FROM datasets WHERE id = ?1", [dataset])?;
    conn.execute("DELETE FROM dvobjects WHERE id = ?1", [dataset])?;
    Ok(())
}

/// The private-URL assignment of a dataset: (assignment id, token).
pub(crate) fn private_url(conn: &Connection, dataset: i64) -> Result<Option<(i64, String)>, Error> {
    Ok(conn
        .query_row(
            "SELECT id, private_url_token FROM role_assignments
             WHERE definition_point_id = ?1 AND private_url_token IS NOT NULL ORDER BY id LIMIT 1",
            [dataset],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The dataset a private-URL token grants access to.
pub(crate) fn private_url_dataset(conn: &Connection, token: &str) -> Result<Option<i64>, Error> {
    Ok(conn
        .query_row(
            "SELECT definition_point_id FROM role_assignments WHERE private_url_token = ?1",
            [token],
            |r| r.get(0),
        )
        .optional()?)
}

/// Create the private-URL assignment (`!<datasetId>` as `member`); returns its id.
pub(crate) fn create_private_url(
    conn: &Connection,
    dataset: i64,
    role_id: i64,
    token: &str,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO role_assignments (assignee, role_id, definition_point_id, private_url_token)
         VALUES (?1, ?2, ?3, ?4)",
        params![format!("!{dataset}"), role_id, dataset, token],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Delete the private URL of a dataset; returns whether one existed.
pub(crate) fn delete_private_url(conn: &Connection, dataset: i64) -> Result<bool, Error> {
    Ok(conn.execute(
        "DELETE FROM role_assignments WHERE definition_point_id = ?1 AND private_url_token IS NOT NULL",
        [dataset],
    )? > 0)
}
