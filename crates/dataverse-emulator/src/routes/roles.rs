//! `/api/roles` (`Roles.java`) and the role endpoints of `/api/dataverses/{id}/roles`
//! (`Dataverses.listRoles`, `createRole`): roles available on a collection, creating,
//! showing and deleting custom roles.

use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use super::AppError;
use super::common::extract::{DvJson, Params};
use super::common::guards::{find_collection, require};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::{DvObject, Permission, permitted};
use crate::printer;
use crate::store::roles::{self, NewRole, RoleRow};
use crate::{Emulator, Error};

/// `GET /api/dataverses/{id}/roles` (`ListRolesCommand`): every role usable there, in
/// Dataverse's order; needs ManageDataversePermissions.
pub(super) async fn list(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            require(
                conn,
                &auth.caller,
                Permission::ManageDataversePermissions,
                DvObject::Collection(c.id),
            )?;
            let list = roles::available(conn, c.id)?
                .iter()
                .map(printer::roles::role)
                .collect();
            Ok(Value::Array(list))
        })
        .await?;
    Ok(ok(v))
}

/// `findRoleOrDie`: `:alias` with `?alias=`, or a numeric id.
fn find_role(
    conn: &Connection,
    idtf: &str,
    p: &std::collections::HashMap<String, String>,
) -> Result<RoleRow, AppError> {
    if idtf == ":alias" {
        let alias = p.get("alias").map(String::as_str);
        let found = match alias {
            Some(a) => roles::by_alias(conn, a)?,
            None => None,
        };
        return found.ok_or_else(|| {
            ApiError::not_found(format!(
                "Dataverse Role with alias {} not found.",
                alias.unwrap_or("null")
            ))
            .into()
        });
    }
    // `Long.parseLong`: an optional sign and ASCII digits only.
    let digits = idtf.strip_prefix(['-', '+']).unwrap_or(idtf);
    let id = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        idtf.parse::<i64>().ok()
    } else {
        None
    };
    let Some(id) = id else {
        return Err(ApiError::bad_request(format!("Bad Dataverse Role ID number: {idtf}")).into());
    };
    roles::by_id(conn, id)?.ok_or_else(|| {
        ApiError::not_found(format!("Dataverse Role with ID {idtf} not found.")).into()
    })
}

/// `GET /api/roles/{id}` (`Roles.viewRole`): superusers, or callers who may manage the
/// permissions of the collection defining it (so only superusers see built-in roles this way).
pub(super) async fn show(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let role = find_role(conn, &idtf, &p)?;
            let allowed = auth.caller.is_superuser()
                || match role.owner_id {
                    Some(owner) => permitted(
                        conn,
                        &auth.caller,
                        Permission::ManageDataversePermissions,
                        DvObject::Collection(owner),
                    )?,
                    None => false,
                };
            if !allowed {
                return Err(ApiError::forbidden("Permission required to view roles.").into());
            }
            Ok(printer::roles::role(&role))
        })
        .await?;
    Ok(ok(v))
}

/// `DELETE /api/roles/{id}` (`Roles.deleteRole`, `DeleteRoleCommand`): built-in roles are
/// refused; the role's assignments go with it.
pub(super) async fn delete(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let name = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let role = find_role(&tx, &idtf, &p)?;
            let Some(owner) = role.owner_id else {
                return Err(ApiError::forbidden(format!(
                    "May not delete Built In Role {}.",
                    role.name
                ))
                .into());
            };
            require(
                &tx,
                &auth.caller,
                Permission::ManageDataversePermissions,
                DvObject::Collection(owner),
            )?;
            roles::delete(&tx, role.id)?;
            tx.commit()?;
            Ok(role.name)
        })
        .await?;
    Ok(msg(format!("role {name} deleted.")))
}

/// `POST /api/roles?dvo={collection}` (`Roles.createNewRole`).
pub(super) async fn create(
    State(em): State<Emulator>,
    Params(p): Params,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    create_in(em, p.get("dvo").cloned(), auth.caller, body).await
}

/// `POST /api/dataverses/{id}/roles` (`Dataverses.createRole`).
pub(super) async fn create_on_collection(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    create_in(em, Some(idtf), auth.caller, body).await
}

/// A `RoleDTO` body: alias, name, description and permission names.
struct RoleDto {
    alias: Option<String>,
    name: Option<String>,
    description: Option<String>,
    permissions: Vec<String>,
}

fn parse_dto(body: &Value) -> Result<RoleDto, ApiError> {
    let bad = |what: &str| ApiError::bad_request(format!("Error parsing Json: {what}"));
    let obj = body.as_object().ok_or_else(|| bad("Not a JSON object"))?;
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(&format!("'{key}' must be a string"))),
        }
    };
    let permissions = match obj.get("permissions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("'permissions' must be an array of strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("'permissions' must be an array of strings")),
    };
    Ok(RoleDto {
        alias: text("alias")?,
        name: text("name")?,
        description: text("description")?,
        permissions,
    })
}

/// `RoleDTO.asRole`: the first entry `all` (any case, trimmed) means every permission;
/// otherwise each must be a permission's exact name (Dataverse's `Permission.valueOf`
/// throws on anything else, which its API answers with a 500).
fn role_permissions(names: &[String]) -> Result<Vec<&'static str>, ApiError> {
    if names
        .first()
        .is_some_and(|n| n.trim().eq_ignore_ascii_case("all"))
    {
        return Ok(Permission::ALL.iter().map(|p| p.name()).collect());
    }
    names
        .iter()
        .map(|n| {
            Permission::from_name(n)
                .map(Permission::name)
                .ok_or_else(|| {
                    tracing::warn!(permission = %n, "role body names an unknown permission");
                    ApiError::internal()
                })
        })
        .collect()
}

/// Bean validation of `DataverseRole` (alias `[a-zA-Z0-9_-]+`, at most 16; a name;
/// description at most 255), which Dataverse only meets when persisting: its engine then
/// answers 500 with the command's failure.
fn validate(alias: Option<&str>, name: Option<&str>, description: Option<&str>) -> Option<String> {
    let alias = alias.unwrap_or_default();
    if alias.is_empty() {
        return Some("alias may not be null".into());
    }
    if alias.chars().count() > 16 {
        return Some("Alias must be at most 16 characters.".into());
    }
    if !alias
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Some(
            "Found an illegal character(s). Valid characters are a-Z, 0-9, '_', and '-'.".into(),
        );
    }
    if name.unwrap_or_default().is_empty() {
        return Some("Please enter a name.".into());
    }
    if description.is_some_and(|d| d.chars().count() > 255) {
        return Some("Description must be at most 255 characters.".into());
    }
    None
}

/// `CreateRoleCommand` in Dataverse's order: the body's permissions, the collection (a
/// missing `dvo` is an internal error there), ManageDataversePermissions on it, superuser
/// only, alias unused, then the entity's validation.
async fn create_in(
    em: Emulator,
    dvo: Option<String>,
    caller: Caller,
    body: Value,
) -> Result<Response, AppError> {
    let dto = parse_dto(&body)?;
    let permissions = role_permissions(&dto.permissions)?;
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let Some(dvo) = dvo else {
                return Err(ApiError::internal().into());
            };
            let c = find_collection(&tx, &dvo)?;
            require(
                &tx,
                &caller,
                Permission::ManageDataversePermissions,
                DvObject::Collection(c.id),
            )?;
            if !(caller.user().is_some() && caller.is_superuser()) {
                return Err(ApiError::forbidden(
                    "Roles can only be created or edited by superusers.",
                )
                .into());
            }
            if let Some(a) = &dto.alias
                && roles::by_alias(&tx, a)?.is_some()
            {
                return Err(ApiError::forbidden("Role with this alias already exists.").into());
            }
            if let Some(problem) = validate(
                dto.alias.as_deref(),
                dto.name.as_deref(),
                dto.description.as_deref(),
            ) {
                return Err(ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!(
                        "Command edu.harvard.iq.dataverse.engine.command.impl.CreateRoleCommand failed: {problem}"
                    ),
                )
                .into());
            }
            let id = roles::insert(
                &tx,
                &NewRole {
                    alias: dto.alias.as_deref().unwrap_or_default(),
                    name: dto.name.as_deref().unwrap_or_default(),
                    description: dto.description.as_deref(),
                    permissions: &permissions,
                    owner_id: c.id,
                },
            )?;
            let row = roles::by_id(&tx, id)?
                .ok_or_else(|| Error::Store("inserted role vanished".into()))?;
            tx.commit()?;
            Ok(printer::roles::role(&row))
        })
        .await?;
    Ok(ok(v))
}
