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
use crate::permissions::{DvObject, Permission};
use crate::printer;
use crate::store::{roles, users};

/// The role assignments defined on a collection or dataset (`GET .../assignments`), after
/// checking that the caller may manage its permissions.
pub(crate) fn list(
    conn: &Connection,
    caller: &Caller,
    permission: Permission,
    point: DvObject,
    point_id: i64,
) -> Result<Value, AppError> {
    require(conn, caller, permission, point)?;
    let mut list = Vec::new();
    for a in roles::assignments_on(conn, point_id)? {
        list.push(printer::roles::assignment(conn, &a)?);
    }
    Ok(Value::Array(list))
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
    /// The text of the error for an unknown role alias.
    pub role_not_found: fn(&str, &str) -> String,
    /// The alias of `role_scope`, for that text.
    pub scope_alias: String,
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
        return Err(ApiError::bad_request((on.role_not_found)(role_alias, &on.scope_alias)).into());
    };
    let point = match on.object {
        DvObject::Collection(id) | DvObject::Dataset(id) => id,
    };
    require(conn, caller, on.permission, on.object)?;
    if roles::assignment_exists(conn, &assignee, role.id, point)? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "User already has this role for this dataset",
        )
        .into());
    }
    let id = roles::assign(conn, &assignee, role.id, point)?;
    let a = roles::assignment(conn, id)?
        .ok_or_else(|| Error::Store("inserted assignment vanished".into()))?;
    Ok(printer::roles::assignment(conn, &a)?)
}
