//! Collections (Dataverse's "dataverses"): lookup by id/alias/`:root`, the JSON of
//! `JsonPrinter.json(Dataverse)`, create/update/publish/delete and facets.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use super::collection_setup::CollectionSetup;
use crate::Error;

/// The dataverse types Dataverse knows; anything else becomes `UNCATEGORIZED`.
pub(crate) const DATAVERSE_TYPES: [&str; 9] = [
    "DEPARTMENT",
    "JOURNALS",
    "LABORATORY",
    "ORGANIZATIONS_INSTITUTIONS",
    "RESEARCHERS",
    "RESEARCH_GROUP",
    "RESEARCH_PROJECTS",
    "TEACHING_COURSES",
    "UNCATEGORIZED",
];

/// `dataverseType` as stored: a known type (exact, upper case) or `UNCATEGORIZED`.
pub(crate) fn normalize_type(t: Option<&str>) -> String {
    match t {
        Some(t) if DATAVERSE_TYPES.contains(&t) => t.to_string(),
        _ => "UNCATEGORIZED".to_string(),
    }
}

/// A stored collection.
#[derive(Debug, Clone)]
pub(crate) struct CollectionRow {
    pub id: i64,
    pub alias: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub description: Option<String>,
    pub dataverse_type: String,
    pub owner_id: Option<i64>,
    pub creation_date: String,
    pub is_released: bool,
    pub permission_root: bool,
    pub metadata_block_root: bool,
    pub facet_root: bool,
    /// Contact e-mails in display order.
    pub contacts: Vec<String>,
    /// Facet field names (meaningful when `facet_root`).
    pub facets: Vec<String>,
    /// The collection's own settings of blocks, input levels and attributes
    /// ([`collection_setup`](super::collection_setup)).
    pub setup: CollectionSetup,
}

/// The last six are [`CollectionSetup`]'s (its `from_row`); the fifth is the effective
/// `requireFilesToPublishDataset`, the nearest value set at or above the collection.
const COLUMNS: &str = "id, alias, name, affiliation, description, dataverse_type, owner_id,
    creation_date, is_released, permission_root, metadata_block_root, facet_root, contacts, facets,
    metadata_blocks, input_levels, file_pids_enabled, require_files_to_publish,
    coalesce((WITH RECURSIVE up(oid, req, n) AS (
        SELECT dataverses.owner_id, dataverses.require_files_to_publish, 0
        UNION ALL SELECT p.owner_id, p.require_files_to_publish, up.n + 1
            FROM dataverses p JOIN up ON p.id = up.oid WHERE up.req IS NULL AND up.n < 1000)
        SELECT req FROM up WHERE req IS NOT NULL LIMIT 1), 0), allowed_dataset_types";

fn row(r: &Row<'_>) -> rusqlite::Result<CollectionRow> {
    let contacts: String = r.get(12)?;
    let facets: String = r.get(13)?;
    let contacts: Vec<Value> = serde_json::from_str(&contacts).unwrap_or_default();
    Ok(CollectionRow {
        id: r.get(0)?,
        alias: r.get(1)?,
        name: r.get(2)?,
        affiliation: r.get(3)?,
        description: r.get(4)?,
        dataverse_type: r.get(5)?,
        owner_id: r.get(6)?,
        creation_date: r.get(7)?,
        is_released: r.get(8)?,
        permission_root: r.get(9)?,
        metadata_block_root: r.get(10)?,
        facet_root: r.get(11)?,
        contacts: contacts
            .iter()
            .filter_map(|c| c.get("contactEmail").and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
        facets: serde_json::from_str(&facets).unwrap_or_default(),
        setup: CollectionSetup::from_row(r, 14)?,
    })
}

/// Collection by database id.
pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<CollectionRow>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM dataverses WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

/// Collection by alias (case-insensitive).
pub(crate) fn by_alias(conn: &Connection, alias: &str) -> Result<Option<CollectionRow>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dataverses WHERE alias = ?1"
        ))?
        .query_row([alias], row)
        .optional()?)
}

/// The root collection.
pub(crate) fn root(conn: &Connection) -> Result<Option<CollectionRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM dataverses WHERE owner_id IS NULL ORDER BY id LIMIT 1"),
            [],
            row,
        )
        .optional()?)
}

/// The installation brand name shown as `publisher` (the root collection's name).
pub(crate) fn publisher(conn: &Connection) -> Result<String, Error> {
    Ok(root(conn)?.map(|r| r.name).unwrap_or_default())
}

/// `findDataverseOrDie`: `:root`, a numeric database id, or an alias (case-insensitive).
pub(crate) fn resolve(conn: &Connection, idtf: &str) -> Result<Option<CollectionRow>, Error> {
    if idtf == ":root" {
        return root(conn);
    }
    if let Ok(id) = idtf.parse::<i64>() {
        return by_id(conn, id);
    }
    by_alias(conn, idtf)
}

/// The 404 message of `findDataverseOrDie`.
pub(crate) fn not_found_message(idtf: &str) -> String {
    format!("Can't find dataverse with identifier='{idtf}'")
}

/// The collection `owner_id` and its owners up to the root, nearest first.
pub(crate) fn owner_chain(
    conn: &Connection,
    owner_id: Option<i64>,
) -> Result<Vec<CollectionRow>, Error> {
    let mut chain = Vec::new();
    let mut next = owner_id;
    while let Some(id) = next {
        let Some(c) = by_id(conn, id)? else { break };
        next = c.owner_id;
        chain.push(c);
        if chain.len() > 1000 {
            break;
        }
    }
    Ok(chain)
}

/// Whether a collection with this alias exists (case-insensitive), other than `except`.
pub(crate) fn alias_taken(
    conn: &Connection,
    alias: &str,
    except: Option<i64>,
) -> Result<bool, Error> {
    let id: Option<i64> = conn
        .query_row("SELECT id FROM dataverses WHERE alias = ?1", [alias], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(id.is_some_and(|id| Some(id) != except))
}

/// Allocate a DvObject id (shared by collections, datasets and files).
pub(crate) fn new_dvobject(conn: &Connection, dtype: &str) -> Result<i64, Error> {
    conn.prepare_cached("INSERT INTO dvobjects (dtype) VALUES (?1)")?
        .execute([dtype])?;
    Ok(conn.last_insert_rowid())
}

/// A collection to insert.
#[derive(Debug, Clone)]
pub(crate) struct NewCollection {
    pub alias: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub description: Option<String>,
    pub dataverse_type: String,
    pub owner_id: i64,
    pub creator_id: Option<i64>,
    pub creation_date: String,
    pub permission_root: bool,
    pub facet_root: bool,
    pub contacts: Vec<String>,
    /// Published at creation (the generator); API-created collections are not.
    pub released: bool,
}

fn contacts_json(contacts: &[String]) -> String {
    let v: Vec<Value> = contacts
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"displayOrder": i, "contactEmail": e}))
        .collect();
    Value::Array(v).to_string()
}

/// Insert a collection; returns its id.
pub(crate) fn insert(conn: &Connection, c: &NewCollection) -> Result<i64, Error> {
    let id = new_dvobject(conn, "Dataverse")?;
    conn.prepare_cached(
        "INSERT INTO dataverses (id, alias, name, affiliation, description, dataverse_type,
             owner_id, creator_id, creation_date, is_released, publication_date, permission_root,
             metadata_block_root, facet_root, contacts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, ?14)",
    )?
    .execute(params![
        id,
        c.alias,
        c.name,
        c.affiliation,
        c.description,
        c.dataverse_type,
        c.owner_id,
        c.creator_id,
        c.creation_date,
        c.released,
        c.released.then_some(&c.creation_date),
        c.permission_root,
        c.facet_root,
        contacts_json(&c.contacts),
    ])?;
    Ok(id)
}

/// Partial update (PUT): only `Some` fields change.
#[derive(Debug, Clone, Default)]
pub(crate) struct CollectionUpdate {
    pub alias: Option<String>,
    pub name: Option<String>,
    pub affiliation: Option<String>,
    pub description: Option<String>,
    pub dataverse_type: Option<String>,
    pub permission_root: Option<bool>,
    pub facet_root: Option<bool>,
    pub contacts: Option<Vec<String>>,
}

/// Apply a partial update.
pub(crate) fn update(conn: &Connection, id: i64, u: &CollectionUpdate) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET
             alias = coalesce(?2, alias),
             name = coalesce(?3, name),
             affiliation = coalesce(?4, affiliation),
             description = coalesce(?5, description),
             dataverse_type = coalesce(?6, dataverse_type),
             permission_root = coalesce(?7, permission_root),
             facet_root = coalesce(?8, facet_root),
             contacts = coalesce(?9, contacts)
         WHERE id = ?1",
        params![
            id,
            u.alias,
            u.name,
            u.affiliation,
            u.description,
            u.dataverse_type,
            u.permission_root,
            u.facet_root,
            u.contacts.as_deref().map(contacts_json),
        ],
    )?;
    Ok(())
}

/// Mark published now.
pub(crate) fn publish(conn: &Connection, id: i64, now: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET is_released = 1, publication_date = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Whether the collection holds sub-collections or datasets (`DvObjectServiceBean.hasData`).
pub(crate) fn has_data(conn: &Connection, id: i64) -> Result<bool, Error> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM dataverses WHERE owner_id = ?1)
             OR EXISTS(SELECT 1 FROM datasets WHERE owner_id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Delete a collection with its direct role assignments and the roles it defines.
pub(crate) fn delete(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM role_assignments WHERE definition_point_id = ?1",
        [id],
    )?;
    conn.execute(
        "DELETE FROM role_assignments WHERE role_id IN (SELECT id FROM roles WHERE owner_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM roles WHERE owner_id = ?1", [id])?;
    conn.execute("DELETE FROM dataverses WHERE id = ?1", [id])?;
    conn.execute("DELETE FROM dvobjects WHERE id = ?1", [id])?;
    Ok(())
}

/// Direct sub-collections, by id.
pub(crate) fn children(conn: &Connection, id: i64) -> Result<Vec<CollectionRow>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM dataverses WHERE owner_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The facets in force on a collection: those of the nearest facet root at or above it.
pub(crate) fn effective_facets(conn: &Connection, c: &CollectionRow) -> Result<Vec<String>, Error> {
    let mut current = c.clone();
    for _ in 0..1000 {
        if current.facet_root {
            return Ok(current.facets);
        }
        match current.owner_id {
            Some(o) => match by_id(conn, o)? {
                Some(p) => current = p,
                None => break,
            },
            None => break,
        }
    }
    Ok(Vec::new())
}

/// Make the collection a facet root with these facets.
pub(crate) fn set_facets(conn: &Connection, id: i64, facets: &[String]) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET facet_root = 1, facets = ?2 WHERE id = ?1",
        params![id, serde_json::to_string(facets)?],
    )?;
    Ok(())
}
