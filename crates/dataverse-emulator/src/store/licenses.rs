//! License rows.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::Error;

const COLUMNS: &str = "id, name, short_description, uri, icon_url, active, is_default, sort_order,
    rights_identifier, rights_identifier_scheme, scheme_uri, language_code";

/// A stored license.
#[derive(Debug, Clone)]
pub(crate) struct LicenseRow {
    pub id: i64,
    pub name: String,
    pub short_description: Option<String>,
    pub uri: String,
    pub icon_url: Option<String>,
    pub active: bool,
    pub is_default: bool,
    pub sort_order: i64,
    pub rights_identifier: Option<String>,
    pub rights_identifier_scheme: Option<String>,
    pub scheme_uri: Option<String>,
    pub language_code: Option<String>,
}

fn row(r: &Row<'_>) -> rusqlite::Result<LicenseRow> {
    Ok(LicenseRow {
        id: r.get(0)?,
        name: r.get(1)?,
        short_description: r.get(2)?,
        uri: r.get(3)?,
        icon_url: r.get(4)?,
        active: r.get(5)?,
        is_default: r.get(6)?,
        sort_order: r.get(7)?,
        rights_identifier: r.get(8)?,
        rights_identifier_scheme: r.get(9)?,
        scheme_uri: r.get(10)?,
        language_code: r.get(11)?,
    })
}

/// All licenses (active or not), by id.
pub(crate) fn list(conn: &Connection) -> Result<Vec<LicenseRow>, Error> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM licenses ORDER BY id"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One license by id.
pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<LicenseRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM licenses WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

/// One license by name (what a dataset version stores).
pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<LicenseRow>, Error> {
    Ok(conn
        // A literal (not built from COLUMNS) so the cached statement is found without
        // formatting: every dataset version rendered looks its license up.
        .prepare_cached(
            "SELECT id, name, short_description, uri, icon_url, active, is_default, sort_order,
                 rights_identifier, rights_identifier_scheme, scheme_uri, language_code
             FROM licenses WHERE name = ?1",
        )?
        .query_row([name], row)
        .optional()?)
}

/// Id of the default license.
pub(crate) fn default_id(conn: &Connection) -> Result<Option<i64>, Error> {
    Ok(conn
        .query_row("SELECT id FROM licenses WHERE is_default = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}
