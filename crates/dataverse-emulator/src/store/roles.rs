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

/// The roles available on a collection (`DataverseRoleServiceBean.availableRoles`): those
/// defined on it, the built-in ones, and those defined on each ancestor, in the order
/// Dataverse's `HashSet` of them iterates ([`java_hash_set_order`]): ascending id for the
/// built-in roles, with later ids wrapping around the table.
pub(crate) fn available(conn: &Connection, collection: i64) -> Result<Vec<RoleRow>, Error> {
    let mut found = defined_on(conn, collection)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE owner_id IS NULL ORDER BY name"
    ))?;
    let builtin = stmt.query_map([], role_row)?;
    found.extend(builtin.collect::<Result<Vec<_>, _>>()?);
    let mut next = collections::by_id(conn, collection)?.and_then(|c| c.owner_id);
    let mut hops = 0;
    while let Some(id) = next {
        found.extend(defined_on(conn, id)?);
        next = collections::by_id(conn, id)?.and_then(|c| c.owner_id);
        hops += 1;
        if hops > 1000 {
            break;
        }
    }
    let order = java_hash_set_order(&found.iter().map(|r| r.id).collect::<Vec<_>>());
    Ok(order.into_iter().map(|i| found[i].clone()).collect())
}

/// The iteration order of a `java.util.HashSet` of `DataverseRole`s added in the given
/// order (as indexes into `ids`, duplicates dropped): `DataverseRole.hashCode()` is
/// `97 * 7 + Long.hashCode(id)`.
pub(crate) fn java_hash_set_order(ids: &[i64]) -> Vec<usize> {
    let mut unique: Vec<usize> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !unique.iter().any(|&j| ids[j] == *id) {
            unique.push(i);
        }
    }
    let hashes: Vec<i32> = unique
        .iter()
        .map(|&i| 679_i32.wrapping_add(crate::java_hash::long_hash(ids[i])))
        .collect();
    crate::java_hash::order(&hashes)
        .into_iter()
        .map(|k| unique[k])
        .collect()
}

/// Any role by alias (aliases are unique across the installation).
pub(crate) fn by_alias(conn: &Connection, alias: &str) -> Result<Option<RoleRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE alias = ?1 ORDER BY id LIMIT 1"),
            [alias],
            role_row,
        )
        .optional()?)
}

/// A new role to store.
pub(crate) struct NewRole<'a> {
    pub alias: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// Permission names, stored as given (already checked).
    pub permissions: &'a [&'a str],
    pub owner_id: i64,
}

/// Insert a role defined on a collection; returns its id.
pub(crate) fn insert(conn: &Connection, role: &NewRole<'_>) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO roles (alias, name, description, permissions, owner_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            role.alias,
            role.name,
            role.description,
            serde_json::to_string(role.permissions)?,
            role.owner_id
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Delete a role and every assignment of it (`DeleteRoleCommand`).
pub(crate) fn delete(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM role_assignments WHERE role_id = ?1", [id])?;
    conn.execute("DELETE FROM roles WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::java_hash_set_order;

    #[test]
    fn hash_set_order_is_ascending_for_builtin_ids_and_wraps_after() {
        // Built-in roles come sorted by name (ids 1..8 in another order): the set walks ids.
        let builtin = [1, 7, 5, 4, 6, 2, 3, 8];
        let order: Vec<i64> = java_hash_set_order(&builtin)
            .into_iter()
            .map(|i| builtin[i])
            .collect();
        assert_eq!(order, vec![1, 2, 3, 4, 5, 6, 7, 8]);
        // id 9 hashes to bucket 0 of 16: before admin; id 17 collides with 1 and follows it.
        let ids = [9, 1, 2, 17, 9];
        let order: Vec<i64> = java_hash_set_order(&ids)
            .into_iter()
            .map(|i| ids[i])
            .collect();
        assert_eq!(order, vec![9, 1, 17, 2]);
        // 13 roles: the table doubles to 32 buckets (679 + id: id 25 wraps to bucket 0).
        let ids: Vec<i64> = (1..=13).chain([25]).collect();
        let order: Vec<i64> = java_hash_set_order(&ids)
            .into_iter()
            .map(|i| ids[i])
            .collect();
        assert_eq!(order[0], 25);
        assert_eq!(order[1], 1);
    }
}
