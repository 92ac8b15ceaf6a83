//! Roles (`DataverseRole`) and role assignments.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{collections, users};
use crate::Error;

/// A stored role.
#[derive(Debug, Clone)]
pub(crate) struct RoleRow {
    pub id: i64,
    pub alias: String,
    pub name: String,
    pub description: Option<String>,
    /// The stored JSON array of permission names (`["ALL"]` allowed).
    pub permissions: String,
    pub owner_id: Option<i64>,
}

fn role_row(r: &Row<'_>) -> rusqlite::Result<RoleRow> {
    Ok(RoleRow {
        id: r.get(0)?,
        alias: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        permissions: r.get(4)?,
        owner_id: r.get(5)?,
    })
}

const ROLE_COLUMNS: &str = "id, alias, name, description, permissions, owner_id";

/// Role by id.
pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<RoleRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE id = ?1"),
            [id],
            role_row,
        )
        .optional()?)
}

/// Roles defined on a collection (`owner_id`), by id.
pub(crate) fn defined_on(conn: &Connection, collection: i64) -> Result<Vec<RoleRow>, Error> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE owner_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([collection], role_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A role usable on `collection` by alias: one defined on it or an ancestor (nearest first),
/// else a built-in one (no owner).
pub(crate) fn find_available(
    conn: &Connection,
    collection: i64,
    alias: &str,
) -> Result<Option<RoleRow>, Error> {
    let mut next = Some(collection);
    let mut hops = 0;
    while let Some(id) = next {
        let found = conn
            .query_row(
                &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE owner_id = ?1 AND alias = ?2"),
                params![id, alias],
                role_row,
            )
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
        next = collections::by_id(conn, id)?.and_then(|c| c.owner_id);
        hops += 1;
        if hops > 1000 {
            break;
        }
    }
    Ok(conn
        .query_row(
            &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE owner_id IS NULL AND alias = ?1"),
            [alias],
            role_row,
        )
        .optional()?)
}

/// A stored role assignment.
#[derive(Debug, Clone)]
pub(crate) struct AssignmentRow {
    pub id: i64,
    pub assignee: String,
    pub role_id: i64,
    pub definition_point_id: i64,
    pub private_url_token: Option<String>,
}

fn assignment_row(r: &Row<'_>) -> rusqlite::Result<AssignmentRow> {
    Ok(AssignmentRow {
        id: r.get(0)?,
        assignee: r.get(1)?,
        role_id: r.get(2)?,
        definition_point_id: r.get(3)?,
        private_url_token: r.get(4)?,
    })
}

const ASSIGNMENT_COLUMNS: &str = "id, assignee, role_id, definition_point_id, private_url_token";

/// Assignments defined on an object, by id.
pub(crate) fn assignments_on(conn: &Connection, point: i64) -> Result<Vec<AssignmentRow>, Error> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ASSIGNMENT_COLUMNS} FROM role_assignments WHERE definition_point_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([point], assignment_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Assignment by id.
pub(crate) fn assignment(conn: &Connection, id: i64) -> Result<Option<AssignmentRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {ASSIGNMENT_COLUMNS} FROM role_assignments WHERE id = ?1"),
            [id],
            assignment_row,
        )
        .optional()?)
}

/// Whether this exact assignment exists already.
pub(crate) fn assignment_exists(
    conn: &Connection,
    assignee: &str,
    role_id: i64,
    point: i64,
) -> Result<bool, Error> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM role_assignments
             WHERE assignee = ?1 AND role_id = ?2 AND definition_point_id = ?3)",
        params![assignee, role_id, point],
        |r| r.get(0),
    )?)
}

/// Insert an assignment; returns its id.
pub(crate) fn assign(
    conn: &Connection,
    assignee: &str,
    role_id: i64,
    point: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO role_assignments (assignee, role_id, definition_point_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![assignee, role_id, point])?;
    Ok(conn.last_insert_rowid())
}

/// Delete an assignment.
pub(crate) fn revoke(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM role_assignments WHERE id = ?1", [id])?;
    Ok(())
}

/// Display name of an assignee identifier, if it resolves (`@user` ⇒ "First Last";
/// `:authenticated-users` / `:guest` ⇒ Dataverse's built-in group names).
pub(crate) fn assignee_name(conn: &Connection, assignee: &str) -> Result<Option<String>, Error> {
    Ok(match assignee {
        ":authenticated-users" => Some("Authenticated Users".to_string()),
        ":guest" => Some("Guest".to_string()),
        a => match a.strip_prefix('@') {
            Some(name) => users::by_identifier(conn, name)?.map(|u| u.display_name()),
            None => None,
        },
    })
}

/// What a role assignment is defined on.
#[derive(Debug, Clone)]
pub(crate) enum DefinitionPoint {
    /// A dataset: its PID and the title of its newest version (when found).
    Dataset {
        pid: Option<String>,
        title: Option<String>,
    },
    /// A collection: its name (when found).
    Collection { name: Option<String> },
}

/// The object a role assignment is defined on (`definition_point_id`).
pub(crate) fn definition_point(conn: &Connection, id: i64) -> Result<DefinitionPoint, Error> {
    let dtype: Option<String> = conn
        .query_row("SELECT dtype FROM dvobjects WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match dtype.as_deref() {
        Some("Dataset") => {
            let pid: Option<(String, String, String)> = conn
                .query_row(
                    "SELECT protocol, authority, identifier FROM datasets WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            DefinitionPoint::Dataset {
                pid: pid.map(|(p, au, i)| format!("{p}:{au}/{i}")),
                title: super::datasets::latest_title(conn, id)?,
            }
        }
        _ => DefinitionPoint::Collection {
            name: collections::by_id(conn, id)?.map(|c| c.name),
        },
    })
}
