//! Datasets and dataset versions: lookup by id or PID, version selection (`:draft`,
//! `:latest`, `:latest-published`, `x`, `x.y`) and the JSON of `JsonPrinter.json(Dataset)` /
//! `json(DatasetVersion)`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

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
    pub publication_date: Option<String>,
    pub dataset_type: String,
    pub metadata_language: Option<String>,
    /// The guestbook the dataset uses (`Dataset.getGuestbook`).
    pub guestbook_id: Option<i64>,
}

const DATASET_COLUMNS: &str = "id, owner_id, protocol, authority, identifier, storage_identifier,
    publication_date, dataset_type, metadata_language, guestbook_id";

fn dataset_row(r: &Row<'_>) -> rusqlite::Result<DatasetRow> {
    Ok(DatasetRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        protocol: r.get(2)?,
        authority: r.get(3)?,
        identifier: r.get(4)?,
        storage_identifier: r.get(5)?,
        publication_date: r.get(6)?,
        dataset_type: r.get(7)?,
        metadata_language: r.get(8)?,
        guestbook_id: r.get(9)?,
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
