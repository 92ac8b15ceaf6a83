//! Role assignments shared by collections and datasets: resolving an assignee and granting
//! a role on a collection or dataset, with Dataverse's checks in Dataverse's order.

use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::Value;

use super::AppError;
use super::guards::require;
use crate::Error;
use crate::auth::Caller;
use crate::envelope::ApiError;
use crate::permissions::{DvObject, Permission, role_permissions};
use crate::printer;
use crate::store::{roles, users};

/// The role assignments of a collection or dataset (`GET .../assignments`,
/// `ListRoleAssignments`), after checking that the caller may manage its permissions: those
/// defined on each of `points` in turn (a dataset lists its own, then its collection's).
pub(crate) fn list(
    conn: &Connection,
    caller: &Caller,
    permission: Permission,
    object: DvObject,
    points: &[i64],
) -> Result<Value, AppError> {
    require(conn, caller, permission, object)?;
    let mut list = Vec::new();
    for point in points {
        for a in roles::assignments_on(conn, *point)? {
            list.push(printer::roles::assignment(conn, &a)?);
        }
    }
    Ok(Value::Array(list))
}

/// `DELETE .../assignments/{aid}` (`RevokeRoleCommand`) once the assignment and the object
/// in the path are found: the caller needs ManageDataversePermissions or
/// ManageDatasetPermissions on the object the assignment is defined on (which may be a
/// dataset's collection); answers `Role NAME revoked for assignee WHO in POINT`.
pub(crate) fn revoke(
    conn: &Connection,
    caller: &Caller,
    a: &roles::AssignmentRow,
) -> Result<String, AppError> {
    let point = roles::definition_point(conn, a.definition_point_id)?;
    let (object, permission, point_name) = match point {
        roles::DefinitionPoint::Dataset { title, .. } => (
            DvObject::Dataset(a.definition_point_id),
            Permission::ManageDatasetPermissions,
            title,
        ),
        roles::DefinitionPoint::Collection { name } => (
            DvObject::Collection(a.definition_point_id),
            Permission::ManageDataversePermissions,
            name,
        ),
    };
    require(conn, caller, permission, object)?;
    let role_name = roles::by_id(conn, a.role_id)?
        .map(|r| r.name)
        .unwrap_or_default();
    roles::revoke(conn, a.id)?;
    Ok(format!(
        "Role {role_name} revoked for assignee {} in {}",
        a.assignee,
        point_name.unwrap_or_default()
    ))
}

/// The canonical assignee identifier if it names an existing user or a built-in group.
pub(crate) fn resolve_assignee(conn: &Connection, assignee: &str) -> Result<Option<String>, Error> {
    Ok(match assignee {
        ":authenticated-users" | ":guest" => Some(assignee.to_string()),
        a => match a.strip_prefix('@') {
            Some(name) if !name.is_empty() => {
                users::by_identifier(conn, name)?.map(|u| u.identifier())
            }
            _ => None,
        },
    })
}

/// Where a role is granted.
pub(crate) struct GrantOn {
    /// The collection or dataset.
    pub object: DvObject,
    /// The permission the caller needs on it.
    pub permission: Permission,
    /// The collection whose roles are available (the object itself, or a dataset's owner).
    pub role_scope: i64,
    /// The text of the error for an unknown role alias (given the alias).
    pub role_not_found: Box<dyn Fn(&str) -> String>,
}

/// `POST .../assignments` with body `{"assignee":"@u","role":"curator"}`: check the assignee,
/// the role, the caller's permission and duplicates; grant; answer the assignment JSON.
pub(crate) fn grant(
    conn: &Connection,
    caller: &Caller,
    on: &GrantOn,
    body: &Value,
) -> Result<Value, AppError> {
    let assignee = body
        .get("assignee")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let role_alias = body.get("role").and_then(Value::as_str).unwrap_or_default();
    let Some(assignee) = resolve_assignee(conn, assignee)? else {
        return Err(ApiError::bad_request("Assignee not found").into());
    };
    let Some(role) = roles::find_available(conn, on.role_scope, role_alias)? else {
        return Err(ApiError::bad_request((on.role_not_found)(role_alias)).into());
    };
    let point = match on.object {
        DvObject::Collection(id) | DvObject::Dataset(id) => id,
    };
    // `AssignRoleCommand` needs the manage permission and every permission of the role.
    require(conn, caller, on.permission, on.object)?;
    for p in role_permissions(&role.permissions) {
        require(conn, caller, p, on.object)?;
    }
    if let Some(name) = assignee.strip_prefix('@')
        && users::by_identifier(conn, name)?.is_some_and(|u| u.deactivated)
    {
        return Err(ApiError::forbidden(format!(
            "User {name} is deactivated and cannot be given a role."
        ))
        .into());
    }
    if roles::assignment_exists(conn, &assignee, role.id, point)? {
        return Err(ApiError::new(StatusCode::CONFLICT, "Role has already been granted.").into());
    }
    let id = roles::assign(conn, &assignee, role.id, point)?;
    let a = roles::assignment(conn, id)?
        .ok_or_else(|| Error::Store("inserted assignment vanished".into()))?;
    Ok(printer::roles::assignment(conn, &a)?)
}
