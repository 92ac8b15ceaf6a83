//! `JsonPrinter.json(Dataset)` and `JsonPrinter.json(DatasetVersion)`.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::date_part;
use crate::Error;
use crate::model::{ACCESS_TERMS_KEYS, CUSTOM_TERMS_KEYS, VersionState};
use crate::store::datasets::{DatasetRow, VersionRow};
use crate::store::{files, licenses};

/// `JsonPrinter.json(Dataset)` without `latestVersion` (§4.2). `publisher` is the
/// installation brand name (the root collection's name).
pub(crate) fn dataset(
    ds: &DatasetRow,
    publisher: &str,
    owners: Option<Value>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), ds.id.into());
    m.insert("identifier".into(), ds.identifier.clone().into());
    m.insert("persistentUrl".into(), ds.persistent_url().into());
    m.insert("protocol".into(), ds.protocol.clone().into());
    m.insert("authority".into(), ds.authority.clone().into());
    m.insert("separator".into(), "/".into());
    m.insert("publisher".into(), publisher.into());
    if let Some(d) = &ds.publication_date {
        m.insert("publicationDate".into(), date_part(d).into());
    }
    m.insert(
        "storageIdentifier".into(),
        ds.storage_identifier.clone().into(),
    );
    if let Some(gb) = ds.guestbook_id {
        m.insert("guestbookId".into(), gb.into());
    }
    if let Some(l) = &ds.metadata_language {
        m.insert("metadataLanguage".into(), l.clone().into());
    }
    if let Some(o) = owners {
        m.insert("isPartOf".into(), o);
    }
    m.insert("datasetType".into(), ds.dataset_type.clone().into());
    m
}

/// Options of a DatasetVersion rendering.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct VersionOptions {
    /// Omit `files`.
    pub exclude_files: bool,
    /// Omit `metadataBlocks`.
    pub exclude_metadata_blocks: bool,
}

/// `JsonPrinter.json(DatasetVersion)` (§4.3).
pub(crate) fn version(
    conn: &Connection,
    ds: &DatasetRow,
    v: &VersionRow,
    latest_state: VersionState,
    opts: VersionOptions,
) -> Result<Value, Error> {
    let mut m = Map::new();
    m.insert("id".into(), v.id.into());
    m.insert("datasetId".into(), v.dataset_id.into());
    m.insert("datasetPersistentId".into(), ds.pid().into());
    m.insert("datasetType".into(), ds.dataset_type.clone().into());
    m.insert(
        "storageIdentifier".into(),
        ds.storage_identifier.clone().into(),
    );
    if let Some(n) = v.version_number {
        m.insert("versionNumber".into(), n.into());
    }
    m.insert("internalVersionNumber".into(), v.internal_version.into());
    if let Some(n) = v.minor_version_number {
        m.insert("versionMinorNumber".into(), n.into());
    }
    m.insert("versionState".into(), v.state.as_str().into());
    m.insert(
        "latestVersionPublishingState".into(),
        latest_state.as_str().into(),
    );
    if let Some(n) = &v.deaccession_note {
        m.insert("deaccessionNote".into(), n.clone().into());
    }
    if let Some(n) = &v.deaccession_link {
        m.insert("deaccessionLink".into(), n.clone().into());
    }
    m.insert("lastUpdateTime".into(), v.last_update_time.clone().into());
    if let Some(t) = &v.release_time {
        m.insert("releaseTime".into(), t.clone().into());
    }
    m.insert("createTime".into(), v.create_time.clone().into());
    if let Some(d) = &ds.publication_date {
        m.insert("publicationDate".into(), date_part(d).into());
        m.insert("citationDate".into(), date_part(d).into());
    }
    if let Some(n) = &v.version_note {
        m.insert("versionNote".into(), n.clone().into());
    }
    if let Some(gb) = ds.guestbook_id {
        m.insert("guestbookId".into(), gb.into());
    }
    let terms: Map<String, Value> = serde_json::from_str(&v.terms).unwrap_or_default();
    match v.license_name.as_deref() {
        Some(name) => {
            if let Some(l) = licenses::by_name(conn, name)? {
                m.insert("license".into(), super::licenses::version_license(&l));
            }
        }
        None => {
            for k in CUSTOM_TERMS_KEYS {
                if let Some(t) = terms.get(k) {
                    m.insert(k.into(), t.clone());
                }
            }
        }
    }
    for k in ACCESS_TERMS_KEYS {
        if let Some(t) = terms.get(k) {
            m.insert(k.into(), t.clone());
        }
    }
    m.insert("fileAccessRequest".into(), v.file_access_request.into());
    if !opts.exclude_metadata_blocks {
        let blocks: Value = serde_json::from_str(&v.metadata_blocks)?;
        m.insert("metadataBlocks".into(), blocks);
    }
    if !opts.exclude_files {
        let files = files::in_version(conn, v.id)?;
        m.insert(
            "files".into(),
            super::files::version_files(&files, v.file_access_request),
        );
    }
    Ok(Value::Object(m))
}
