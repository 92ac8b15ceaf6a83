//! `/api/dataverses/*` (`Dataverses.java`; `@AuthRequired`): collections, their contents,
//! roles, role assignments and facets.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::AppError;
use super::collection_setup;
use super::common::assignments::{GrantOn, grant};
use super::common::extract::DvJson;
use super::common::extract::{Params, flag};
use super::common::guards::require;
use super::common::guards::{authenticated, collection_visible, find_collection};
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::printer;
use crate::store::collections::{self, CollectionUpdate, NewCollection};
use crate::store::{datasets, roles, time_fmt};
use crate::{Emulator, Error};

pub(super) async fn get_one(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let owners = flag(&p, "returnOwners");
    let s3 = em.s3_config().cloned();
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            if !collection_visible(conn, &auth.caller, &c)? {
                return Err(denied(&auth.caller).into());
            }
            let chain = if owners {
                printer::collections::is_part_of(conn, c.owner_id)?
            } else {
                None
            };
            let mut v = printer::collections::collection(&c, chain);
            // `storageDriverLabel`: the label of the store set on the collection, if any.
            let label = crate::store::storage_drivers::of_collection(conn, c.id)?
                .and_then(|id| crate::storage::label_of(s3.as_ref(), &id));
            if let (Some(label), Some(obj)) = (label, v.as_object_mut()) {
                obj.insert("storageDriverLabel".into(), label.into());
            }
            Ok(v)
        })
        .await?;
    Ok(ok(v))
}

/// Prefix of `JsonParseException` answers on create/update.
const PARSE_PREFIX: &str = "Error parsing the POSTed json into a dataverse: ";

fn parse_error(detail: &str) -> ApiError {
    ApiError::bad_request(format!("{PARSE_PREFIX}{detail}"))
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::bad_request("Error parsing Json: Not a JSON object"))
}

/// `getMandatoryString`.
fn mandatory(obj: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(parse_error(&format!("Field '{key}' is mandatory"))),
    }
}

fn optional_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string)
}

fn parse_contacts(obj: &Map<String, Value>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(v) = obj.get("dataverseContacts") else {
        return Ok(None);
    };
    let Some(items) = v.as_array() else {
        return Err(parse_error("Field 'dataverseContacts' must be an array"));
    };
    let mut out = Vec::new();
    for item in items {
        let Some(o) = item.as_object() else {
            return Err(parse_error("Field 'contactEmail' is mandatory"));
        };
        out.push(mandatory(o, "contactEmail")?);
    }
    Ok(Some(out))
}

/// Bean validation of `Dataverse` (alias pattern/length, name, contacts).
fn validate(
    alias: Option<&str>,
    name: Option<&str>,
    contacts: Option<&[String]>,
) -> Result<(), ApiError> {
    if let Some(a) = alias {
        if a.trim().is_empty() {
            return Err(ApiError::bad_request("Please enter an alias."));
        }
        if !a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(ApiError::bad_request(
                "Found an illegal character(s). Valid characters are a-Z, 0-9, '_', and '-'.",
            ));
        }
        if a.chars().count() > 60 {
            return Err(ApiError::bad_request(
                "Alias must be at most 60 characters.",
            ));
        }
        if a.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_request("Alias should not be a number"));
        }
    }
    if let Some(n) = name
        && n.trim().is_empty()
    {
        return Err(ApiError::bad_request("Please enter a name."));
    }
    if let Some(c) = contacts {
        if c.is_empty() {
            return Err(ApiError::bad_request("At least one contact is required."));
        }
        if c.iter().any(|e| !e.contains('@')) {
            return Err(ApiError::bad_request("Please enter a valid email address."));
        }
    }
    Ok(())
}

fn alias_exists(alias: &str) -> ApiError {
    ApiError::forbidden(format!("A dataverse with alias {alias} already exists"))
}

pub(super) async fn create(
    State(em): State<Emulator>,
    Path(parent): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let obj = as_object(&body)?;
    let alias = mandatory(obj, "alias")?;
    let name = mandatory(obj, "name")?;
    let contacts = parse_contacts(obj)?.unwrap_or_default();
    let set_up = collection_setup::parse_request(em.blocks(), obj)?;
    let em2 = em.clone();
    let new = NewCollection {
        alias,
        name,
        affiliation: optional_string(obj, "affiliation"),
        description: optional_string(obj, "description"),
        dataverse_type: collections::normalize_type(
            obj.get("dataverseType").and_then(Value::as_str),
        ),
        owner_id: 0,
        creator_id: None,
        creation_date: time_fmt::now_iso(),
        // `CreateDataverseCommand`: "for now we are saying all dataverses are permission root".
        permission_root: true,
        facet_root: obj
            .get("facetRoot")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        contacts,
        released: false,
    };
    let created = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let parent = find_collection(&tx, &parent)?;
            let user_id = authenticated(&auth.caller)?;
            require(
                &tx,
                &auth.caller,
                Permission::AddDataverse,
                DvObject::Collection(parent.id),
            )?;
            validate(Some(&new.alias), Some(&new.name), Some(&new.contacts))?;
            if collections::alias_taken(&tx, &new.alias, None)? {
                return Err(alias_exists(&new.alias).into());
            }
            let mut new = new;
            new.owner_id = parent.id;
            new.creator_id = Some(user_id);
            let id = collections::insert(&tx, &new)?;
            collection_setup::apply_request(&tx, em2.blocks(), id, &set_up)?;
            let admin = roles::find_available(&tx, id, "admin")?
                .ok_or_else(|| Error::Store("built-in role admin missing".into()))?;
            roles::assign(&tx, &auth.caller.identifier(), admin.id, id)?;
            let row = collections::by_id(&tx, id)?
                .ok_or_else(|| Error::Store("inserted collection vanished".into()))?;
            tx.commit()?;
            Ok(printer::collections::collection(&row, None))
        })
        .await?;
    let alias = created["alias"].as_str().unwrap_or_default().to_string();
    let body = serde_json::json!({"status": "OK", "data": created});
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/dataverses/{alias}"))],
        axum::Json(body),
    )
        .into_response())
}

pub(super) async fn update(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            let obj = as_object(&body)?;
            let set_up = collection_setup::parse_request(em2.blocks(), obj)?;
            let mut u = CollectionUpdate {
                alias: optional_string(obj, "alias"),
                name: optional_string(obj, "name"),
                affiliation: optional_string(obj, "affiliation"),
                description: optional_string(obj, "description"),
                dataverse_type: obj
                    .get("dataverseType")
                    .map(|t| collections::normalize_type(t.as_str())),
                permission_root: obj.get("permissionRoot").and_then(Value::as_bool),
                facet_root: None,
                contacts: parse_contacts(obj)?,
            };
            authenticated(&auth.caller)?;
            require(
                &tx,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )?;
            check_update(&tx, c.id, &u)?;
            if let Some(f) = obj.get("facetRoot").and_then(Value::as_bool) {
                u.facet_root = Some(f);
            }
            collections::update(&tx, c.id, &u)?;
            collection_setup::apply_request(&tx, em2.blocks(), c.id, &set_up)?;
            let row = collections::by_id(&tx, c.id)?
                .ok_or_else(|| Error::Store("updated collection vanished".into()))?;
            tx.commit()?;
            Ok(printer::collections::collection(&row, None))
        })
        .await?;
    Ok(ok(v))
}

/// The checks of an update: bean validation, then a unique alias.
pub(super) fn check_update(
    conn: &rusqlite::Connection,
    id: i64,
    u: &CollectionUpdate,
) -> Result<(), AppError> {
    validate(u.alias.as_deref(), u.name.as_deref(), u.contacts.as_deref())?;
    if let Some(a) = &u.alias
        && collections::alias_taken(conn, a, Some(id))?
    {
        return Err(alias_exists(a).into());
    }
    Ok(())
}

/// `POST dataverses/{id}/actions/:publish` (the only action; others are unknown endpoints).
pub(super) async fn publish(
    State(em): State<Emulator>,
    Path((idtf, action)): Path<(String, String)>,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    if action != ":publish" {
        return Err(ApiError::no_such_endpoint(&info).into());
    }
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            require(
                &tx,
                &auth.caller,
                Permission::PublishDataverse,
                DvObject::Collection(c.id)
            )?;
            if c.is_released {
                return Err(ApiError::forbidden(format!(
                    "Dataverse {} has already been published.",
                    c.alias
                )).into());
            }
            if let Some(parent) = c.owner_id.map(|o| collections::by_id(&tx, o)).transpose()?.flatten()
                && !parent.is_released
            {
                return Err(ApiError::forbidden(format!(
                    "Dataverse {} may not be published because its host dataverse ({}) has not been published.",
                    c.alias, parent.alias
                )).into());
            }
            collections::publish(&tx, c.id, &time_fmt::now_iso())?;
            let row = collections::by_id(&tx, c.id)?
                .ok_or_else(|| Error::Store("published collection vanished".into()))?;
            tx.commit()?;
            Ok(printer::collections::collection(&row, None))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn remove(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            require(
                &tx,
                &auth.caller,
                Permission::DeleteDataverse,
                DvObject::Collection(c.id),
            )?;
            if c.owner_id.is_none() {
                return Err(ApiError::forbidden("Cannot delete the root dataverse").into());
            }
            if collections::has_data(&tx, c.id)? {
                return Err(ApiError::forbidden("Cannot delete non-empty dataverses").into());
            }
            collections::delete(&tx, c.id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(msg(format!("Dataverse {given} deleted")))
}

pub(super) async fn contents(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            let caller = &auth.caller;
            if !collection_visible(conn, caller, &c)? {
                return Err(denied(caller).into());
            }
            let mut out = Vec::new();
            for child in collections::children(conn, c.id)? {
                if collection_visible(conn, caller, &child)? {
                    let mut m = Map::new();
                    m.insert("type".into(), "dataverse".into());
                    m.insert("id".into(), child.id.into());
                    m.insert("title".into(), child.name.into());
                    out.push(Value::Object(m));
                }
            }
            let can_view_all = permitted(
                conn,
                caller,
                Permission::ViewUnpublishedDataset,
                DvObject::Collection(c.id),
            )?;
            let publisher = collections::root(conn)?.map(|r| r.name).unwrap_or_default();
            for ds in datasets::in_collection(conn, c.id)? {
                let released = ds.publication_date.is_some();
                if released
                    || can_view_all
                    || permitted(
                        conn,
                        caller,
                        Permission::ViewUnpublishedDataset,
                        DvObject::Dataset(ds.id),
                    )?
                {
                    let mut m = printer::datasets::dataset(&ds, &publisher, None);
                    m.insert("type".into(), "dataset".into());
                    out.push(Value::Object(m));
                }
            }
            Ok(Value::Array(out))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn list_assignments(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            super::common::assignments::list(
                conn,
                &auth.caller,
                Permission::ManageDataversePermissions,
                DvObject::Collection(c.id),
                &[c.id],
            )
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn add_assignment(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            let on = GrantOn {
                object: DvObject::Collection(c.id),
                permission: Permission::ManageDataversePermissions,
                role_scope: c.id,
                // `"... in dataverse " + dataverse`: `DvObject.toString()`.
                role_not_found: Box::new(move |role| {
                    format!(
                        "Can't find role named '{role}' in dataverse [Dataverse id:{} name:{}]",
                        c.id, c.name
                    )
                }),
            };
            let json = grant(&tx, &auth.caller, &on, &body)?;
            tx.commit()?;
            Ok(json)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn remove_assignment(
    State(em): State<Emulator>,
    Path((idtf, aid)): Path<(String, String)>,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let Ok(aid) = aid.trim().parse::<i64>() else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    let m = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            // `em.find` first: an unknown assignment is a 404 whatever the collection.
            let Some(a) = roles::assignment(&tx, aid)? else {
                return Err(ApiError::not_found(format!("Role assignment {aid} not found")).into());
            };
            find_collection(&tx, &idtf)?;
            let m = super::common::assignments::revoke(&tx, &auth.caller, &a)?;
            tx.commit()?;
            Ok(m)
        })
        .await?;
    Ok(msg(m))
}

pub(super) async fn get_facets(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let details = flag(&p, "returnDetails");
    let names = em
        .store()
        .call(move |conn| -> Result<Vec<String>, AppError> {
            let c = find_collection(conn, &idtf)?;
            if !collection_visible(conn, &auth.caller, &c)? {
                return Err(denied(&auth.caller).into());
            }
            Ok(collections::effective_facets(conn, &c)?)
        })
        .await?;
    let list: Vec<Value> = if details {
        names
            .iter()
            .filter_map(|n| em.blocks().facet_details(n))
            .collect()
    } else {
        names.into_iter().map(Value::String).collect()
    };
    Ok(ok(Value::Array(list)))
}

pub(super) async fn set_facets(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let Some(items) = body.as_array() else {
        return Err(ApiError::bad_request(
            "Error parsing Json: expected a JSON array of dataset field type names",
        )
        .into());
    };
    let mut names = Vec::new();
    for item in items {
        let name = item.as_str().unwrap_or_default().to_string();
        if em.blocks().field_anywhere(&name).is_none() {
            return Err(
                ApiError::bad_request(format!("Can't find dataset field type '{name}'")).into(),
            );
        }
        names.push(name);
    }
    let given = idtf.clone();
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            require(
                &tx,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )?;
            collections::set_facets(&tx, c.id, &names)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(msg(format!("Facets of dataverse {given} updated.")))
}
