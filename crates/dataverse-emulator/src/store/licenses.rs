//! License rows and `JsonPrinter.json(License)`.

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{Map, Value};

use crate::Error;

const COLUMNS: &str = "id, name, short_description, uri, icon_url, active, is_default, sort_order,
    rights_identifier, rights_identifier_scheme, scheme_uri, language_code";

/// `{id, name, shortDescription?, uri, iconUrl?, active, isDefault, sortOrder,
/// rightsIdentifier?, rightsIdentifierScheme?, schemeUri?, languageCode?}`.
fn row_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    let mut m = Map::new();
    m.insert("id".into(), r.get::<_, i64>(0)?.into());
    m.insert("name".into(), r.get::<_, String>(1)?.into());
    if let Some(s) = r.get::<_, Option<String>>(2)? {
        m.insert("shortDescription".into(), s.into());
    }
    m.insert("uri".into(), r.get::<_, String>(3)?.into());
    if let Some(s) = r.get::<_, Option<String>>(4)? {
        m.insert("iconUrl".into(), s.into());
    }
    m.insert("active".into(), r.get::<_, bool>(5)?.into());
    m.insert("isDefault".into(), r.get::<_, bool>(6)?.into());
    m.insert("sortOrder".into(), r.get::<_, i64>(7)?.into());
    for (i, key) in [
        (8, "rightsIdentifier"),
        (9, "rightsIdentifierScheme"),
        (10, "schemeUri"),
        (11, "languageCode"),
    ] {
        if let Some(s) = r.get::<_, Option<String>>(i)? {
            m.insert(key.into(), s.into());
        }
    }
    Ok(Value::Object(m))
}

/// All licenses (active or not), by id.
pub(crate) fn list(conn: &Connection) -> Result<Vec<Value>, Error> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM licenses ORDER BY id"))?;
    let rows = stmt.query_map([], row_json)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One license by id.
pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<Value>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM licenses WHERE id = ?1"),
            [id],
            row_json,
        )
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
