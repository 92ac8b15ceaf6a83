//! Datasets and dataset versions: lookup by id or PID, version selection (`:draft`,
//! `:latest`, `:latest-published`, `x`, `x.y`) and the JSON of `JsonPrinter.json(Dataset)` /
//! `json(DatasetVersion)`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Map, Value};

use crate::Error;
use crate::model::VersionState;

/// A stored dataset.
#[derive(Debug, Clone)]
pub(crate) struct DatasetRow {
    pub id: i64,
    pub owner_id: i64,
    pub protocol: String,
    pub authority: String,
    /// Shoulder + identifier, e.g. `FK2/ABCDEF`.
    pub identifier: String,
    pub storage_identifier: String,
    #[allow(dead_code)]
    pub created: String,
    pub publication_date: Option<String>,
    pub dataset_type: String,
    pub metadata_language: Option<String>,
}

const DATASET_COLUMNS: &str = "id, owner_id, protocol, authority, identifier, storage_identifier,
    created, publication_date, dataset_type, metadata_language";

fn dataset_row(r: &Row<'_>) -> rusqlite::Result<DatasetRow> {
    Ok(DatasetRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        protocol: r.get(2)?,
        authority: r.get(3)?,
        identifier: r.get(4)?,
        storage_identifier: r.get(5)?,
        created: r.get(6)?,
        publication_date: r.get(7)?,
        dataset_type: r.get(8)?,
        metadata_language: r.get(9)?,
    })
}

impl DatasetRow {
    /// `protocol:authority/identifier`.
    pub(crate) fn pid(&self) -> String {
        format!("{}:{}/{}", self.protocol, self.authority, self.identifier)
    }

    /// Resolver URL of the PID.
    pub(crate) fn persistent_url(&self) -> String {
        match self.protocol.as_str() {
            "hdl" => format!(
                "https://hdl.handle.net/{}/{}",
                self.authority, self.identifier
            ),
            "perma" => format!("{}/{}", self.authority, self.identifier),
            _ => format!("https://doi.org/{}/{}", self.authority, self.identifier),
        }
    }

    /// `JsonPrinter.json(Dataset)` without `latestVersion` (§4.2). `publisher` is the
    /// installation brand name (the root collection's name).
    pub(crate) fn to_json(&self, publisher: &str, owners: Option<Value>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), self.id.into());
        m.insert("identifier".into(), self.identifier.clone().into());
        m.insert("persistentUrl".into(), self.persistent_url().into());
        m.insert("protocol".into(), self.protocol.clone().into());
        m.insert("authority".into(), self.authority.clone().into());
        m.insert("separator".into(), "/".into());
        m.insert("publisher".into(), publisher.into());
        if let Some(d) = &self.publication_date {
            m.insert("publicationDate".into(), date_part(d).into());
        }
        m.insert(
            "storageIdentifier".into(),
            self.storage_identifier.clone().into(),
        );
        if let Some(l) = &self.metadata_language {
            m.insert("metadataLanguage".into(), l.clone().into());
        }
        if let Some(o) = owners {
            m.insert("isPartOf".into(), o);
        }
        m.insert("datasetType".into(), self.dataset_type.clone().into());
        m
    }
}

/// `yyyy-MM-dd` of a stored timestamp.
fn date_part(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

/// Dataset by database id.
pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<DatasetRow>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?1"
        ))?
        .query_row([id], dataset_row)
        .optional()?)
}

/// Dataset by PID (`doi:10.5072/FK2/ABCDEF`; identifier case-insensitive).
pub(crate) fn by_pid(conn: &Connection, pid: &str) -> Result<Option<DatasetRow>, Error> {
    let Some((protocol, rest)) = pid.trim().split_once(':') else {
        return Ok(None);
    };
    let Some((authority, identifier)) = rest.split_once('/') else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets
             WHERE protocol = ?1 AND authority = ?2 AND identifier = ?3 COLLATE NOCASE"
        ))?
        .query_row(params![protocol, authority, identifier], dataset_row)
        .optional()?)
}

/// Datasets owned by a collection, by id.
pub(crate) fn in_collection(conn: &Connection, owner: i64) -> Result<Vec<DatasetRow>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE owner_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([owner], dataset_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored dataset version.
#[derive(Debug, Clone)]
pub(crate) struct VersionRow {
    pub id: i64,
    pub dataset_id: i64,
    pub version_number: Option<i64>,
    pub minor_version_number: Option<i64>,
    pub state: VersionState,
    pub internal_version: i64,
    /// Wire-form `metadataBlocks` object as JSON text.
    pub metadata_blocks: String,
    pub license_name: Option<String>,
    /// Custom terms and terms-of-access keys as a JSON object text.
    pub terms: String,
    pub file_access_request: bool,
    pub create_time: String,
    pub last_update_time: String,
    pub release_time: Option<String>,
    pub deaccession_note: Option<String>,
    pub deaccession_link: Option<String>,
    pub version_note: Option<String>,
}

const VERSION_COLUMNS: &str = "id, dataset_id, version_number, minor_version_number, state,
    internal_version, metadata_blocks, license_name, terms, file_access_request, create_time,
    last_update_time, release_time, deaccession_note, deaccession_link, version_note";

fn version_row(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        id: r.get(0)?,
        dataset_id: r.get(1)?,
        version_number: r.get(2)?,
        minor_version_number: r.get(3)?,
        state: r.get(4)?,
        internal_version: r.get(5)?,
        metadata_blocks: r.get(6)?,
        license_name: r.get(7)?,
        terms: r.get(8)?,
        file_access_request: r.get(9)?,
        create_time: r.get(10)?,
        last_update_time: r.get(11)?,
        release_time: r.get(12)?,
        deaccession_note: r.get(13)?,
        deaccession_link: r.get(14)?,
        version_note: r.get(15)?,
    })
}

/// All versions of a dataset, newest first (the draft, if any, first).
pub(crate) fn versions(conn: &Connection, dataset: i64) -> Result<Vec<VersionRow>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM dataset_versions WHERE dataset_id = ?1
         ORDER BY version_number IS NULL DESC, version_number DESC, minor_version_number DESC, id DESC"
    ))?;
    let rows = stmt.query_map([dataset], version_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A parsed version specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VersionSpec {
    /// `:draft`
    Draft,
    /// `:latest`
    Latest,
    /// `:latest-published`
    LatestPublished,
    /// `x` or `x.y`
    Number(i64, i64),
}

/// Parse `{v}`; `None` ⇒ 400 `Illegal version identifier '<v>'`.
pub(crate) fn parse_version_spec(v: &str) -> Option<VersionSpec> {
    match v {
        ":draft" => return Some(VersionSpec::Draft),
        ":latest" => return Some(VersionSpec::Latest),
        ":latest-published" => return Some(VersionSpec::LatestPublished),
        _ => {}
    }
    let (major, minor) = match v.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (v, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(major) || minor.is_some_and(|m| !all_digits(m)) {
        return None;
    }
    let major = major.parse().ok()?;
    let minor = match minor {
        Some(m) => m.parse().ok()?,
        None => 0,
    };
    Some(VersionSpec::Number(major, minor))
}

/// Pick a version: `can_see_draft` decides what `:latest` means. Deaccessioned versions are
/// skipped unless `include_deaccessioned`.
pub(crate) fn select<'a>(
    all: &'a [VersionRow],
    spec: &VersionSpec,
    can_see_draft: bool,
    include_deaccessioned: bool,
) -> Option<&'a VersionRow> {
    let published = |v: &&VersionRow| {
        v.state == VersionState::Released
            || (include_deaccessioned && v.state == VersionState::Deaccessioned)
    };
    match spec {
        VersionSpec::Draft => all.iter().find(|v| v.state == VersionState::Draft),
        VersionSpec::Latest => {
            if can_see_draft && let Some(d) = all.iter().find(|v| v.state == VersionState::Draft) {
                return Some(d);
            }
            all.iter().find(published)
        }
        VersionSpec::LatestPublished => all.iter().find(published),
        VersionSpec::Number(a, b) => all
            .iter()
            .filter(published)
            .find(|v| v.version_number == Some(*a) && v.minor_version_number.unwrap_or(0) == *b),
    }
}

/// `latestVersionPublishingState`: the state of the newest version.
pub(crate) fn latest_state(all: &[VersionRow]) -> VersionState {
    all.first().map_or(VersionState::Draft, |v| v.state)
}

/// The license object of a version (`{name, uri, iconUri?, ...}`) from the licenses table.
fn license_json(conn: &Connection, name: &str) -> Result<Option<Value>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT name, uri, icon_url, rights_identifier, rights_identifier_scheme, scheme_uri,
                 language_code FROM licenses WHERE name = ?1",
        )?
        .query_row([name], |r| {
            let mut m = Map::new();
            m.insert("name".into(), r.get::<_, String>(0)?.into());
            m.insert("uri".into(), r.get::<_, String>(1)?.into());
            let keys = [
                (2, "iconUri"),
                (3, "rightsIdentifier"),
                (4, "rightsIdentifierScheme"),
                (5, "schemeUri"),
                (6, "languageCode"),
            ];
            for (i, k) in keys {
                if let Some(v) = r.get::<_, Option<String>>(i)? {
                    m.insert(k.into(), v.into());
                }
            }
            Ok(Value::Object(m))
        })
        .optional()?)
}

/// Options of a DatasetVersion rendering.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct VersionJsonOptions {
    /// Omit `files`.
    pub exclude_files: bool,
    /// Omit `metadataBlocks`.
    pub exclude_metadata_blocks: bool,
}

/// `JsonPrinter.json(DatasetVersion)` (§4.3).
pub(crate) fn version_json(
    conn: &Connection,
    ds: &DatasetRow,
    v: &VersionRow,
    latest_state: VersionState,
    opts: VersionJsonOptions,
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
    let terms: Map<String, Value> = serde_json::from_str(&v.terms).unwrap_or_default();
    match v.license_name.as_deref() {
        Some(name) => {
            if let Some(l) = license_json(conn, name)? {
                m.insert("license".into(), l);
            }
        }
        None => {
            for k in [
                "termsOfUse",
                "confidentialityDeclaration",
                "specialPermissions",
                "restrictions",
                "citationRequirements",
                "depositorRequirements",
                "conditions",
                "disclaimer",
            ] {
                if let Some(t) = terms.get(k) {
                    m.insert(k.into(), t.clone());
                }
            }
        }
    }
    for k in [
        "termsOfAccess",
        "dataAccessPlace",
        "originalArchive",
        "availabilityStatus",
        "contactForAccess",
        "sizeOfCollection",
        "studyCompletion",
    ] {
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
        m.insert(
            "files".into(),
            super::files::version_files_json(conn, v.id, v.file_access_request)?,
        );
    }
    Ok(Value::Object(m))
}

/// The title of the newest version of a dataset, if any.
pub(crate) fn latest_title(conn: &Connection, dataset: i64) -> Result<Option<String>, Error> {
    let Some(v) = versions(conn, dataset)?.into_iter().next() else {
        return Ok(None);
    };
    Ok(title_of(&v.metadata_blocks))
}

/// The `title` field value of a wire-form `metadataBlocks` text.
pub(crate) fn title_of(blocks: &str) -> Option<String> {
    let blocks: Value = serde_json::from_str(blocks).ok()?;
    let fields = blocks.get("citation")?.get("fields")?.as_array()?;
    fields
        .iter()
        .find(|f| f.get("typeName").and_then(Value::as_str) == Some("title"))
        .and_then(|f| f.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_specs() {
        assert_eq!(parse_version_spec(":draft"), Some(VersionSpec::Draft));
        assert_eq!(parse_version_spec("2"), Some(VersionSpec::Number(2, 0)));
        assert_eq!(parse_version_spec("2.3"), Some(VersionSpec::Number(2, 3)));
        for bad in ["", "x", "1.", ".1", "1.2.3", ":DRAFT", "-1", "1.a"] {
            assert_eq!(parse_version_spec(bad), None, "{bad}");
        }
    }
}
