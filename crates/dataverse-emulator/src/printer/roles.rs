//! `JsonPrinter.json(DataverseRole)`, `JsonPrinter.json(RoleAssignment)` and
//! `JsonPrinter.json(PrivateUrl)`.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::permissions::role_permissions;
use crate::store::roles::{self, AssignmentRow, DefinitionPoint, RoleRow};

/// `JsonPrinter.json(DataverseRole)`: alias, name, permissions, description, id, ownerId?.
pub(crate) fn role(r: &RoleRow) -> Value {
    let mut m = Map::new();
    m.insert("alias".into(), r.alias.clone().into());
    m.insert("name".into(), r.name.clone().into());
    let perms: Vec<Value> = role_permissions(&r.permissions)
        .into_iter()
        .map(|p| p.name().into())
        .collect();
    m.insert("permissions".into(), Value::Array(perms));
    if let Some(d) = &r.description {
        m.insert("description".into(), d.clone().into());
    }
    m.insert("id".into(), r.id.into());
    if let Some(o) = r.owner_id {
        m.insert("ownerId".into(), o.into());
    }
    Value::Object(m)
}

/// `JsonPrinter.json(RoleAssignment)` (§4.6).
pub(crate) fn assignment(conn: &Connection, a: &AssignmentRow) -> Result<Value, Error> {
    let role = roles::by_id(conn, a.role_id)?;
    let mut m = Map::new();
    m.insert("id".into(), a.id.into());
    m.insert("assignee".into(), a.assignee.clone().into());
    if let Some(n) = roles::assignee_name(conn, &a.assignee)? {
        m.insert("assigneeName".into(), n.into());
    }
    m.insert("roleId".into(), a.role_id.into());
    if let Some(r) = &role {
        m.insert("roleName".into(), r.name.clone().into());
        if let Some(d) = &r.description {
            m.insert("roleDescription".into(), d.clone().into());
        }
        m.insert("_roleAlias".into(), r.alias.clone().into());
    }
    if let Some(t) = &a.private_url_token {
        m.insert("privateUrlToken".into(), t.clone().into());
    }
    m.insert("definitionPointId".into(), a.definition_point_id.into());
    match roles::definition_point(conn, a.definition_point_id)? {
        DefinitionPoint::Dataset { pid, title } => {
            if let Some(t) = title {
                m.insert("definitionPointName".into(), t.into());
            }
            m.insert("definitionPointType".into(), "Dataset".into());
            if let Some(pid) = pid {
                m.insert("definitionPointGlobalId".into(), pid.into());
            }
        }
        DefinitionPoint::Collection { name } => {
            if let Some(n) = name {
                m.insert("definitionPointName".into(), n.into());
            }
            m.insert("definitionPointType".into(), "Dataverse".into());
        }
    }
    Ok(Value::Object(m))
}

/// `JsonPrinter.json(PrivateUrl)`: token, link, roleAssignment.
pub(crate) fn private_url(
    conn: &Connection,
    host: &str,
    aid: i64,
    token: &str,
) -> Result<Value, Error> {
    let a = roles::assignment(conn, aid)?
        .ok_or_else(|| Error::Store("private URL assignment vanished".into()))?;
    Ok(json!({
        "token": token,
        "link": format!("http://{host}/previewurl.xhtml?token={token}"),
        "roleAssignment": assignment(conn, &a)?,
    }))
}
