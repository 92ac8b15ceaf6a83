//! A collection's set-up (`Dataverses.java`): its metadata blocks (`listMetadataBlocks`,
//! `setMetadataBlocks`, `metadatablocks/isRoot`), input levels (`inputLevels`), attributes
//! (`updateAttribute`), and the `metadataBlocks` object of the create and update bodies
//! (`parseInputLevels`, `parseMetadataBlocks`, `parseFacets`, then
//! `AbstractWriteDataverseCommand`'s processing).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::{DvBytes, DvJson, Params, flag, utf8_body};
use super::common::guards::{collection_visible, find_collection, require};
use crate::blocks::Blocks;
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::printer;
use crate::store::Store;
use crate::store::collection_setup::{self as setup, InputLevel};
use crate::store::collections::{self, CollectionRow};
use crate::{Emulator, Error};

/// `ok(String, JsonObjectBuilder)`: `{"status":"OK","message":{"message":..},"data":..}`.
fn ok_with_message(message: &str, data: Value) -> Response {
    (
        StatusCode::OK,
        Json(json!({"status": "OK", "message": {"message": message}, "data": data})),
    )
        .into_response()
}

/// `AbstractApiBean.parseBooleanOrDie`.
fn parse_boolean(input: Option<&str>) -> Result<bool, ApiError> {
    let Some(input) = input else {
        return Err(ApiError::bad_request("Boolean value missing"));
    };
    match input.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(ApiError::bad_request(format!(
            "Illegal boolean value '{}'",
            input.trim()
        ))),
    }
}

fn reload(conn: &Connection, id: i64) -> Result<CollectionRow, Error> {
    collections::by_id(conn, id)?.ok_or_else(|| Error::Store("collection vanished".into()))
}

/// `findDataverseUserCanSeeOrDie`.
fn find_visible(
    conn: &Connection,
    caller: &crate::auth::Caller,
    idtf: &str,
) -> Result<CollectionRow, AppError> {
    let c = find_collection(conn, idtf)?;
    if !collection_visible(conn, caller, &c)? {
        return Err(denied(caller).into());
    }
    Ok(c)
}

/// The blocks a collection offers (`ListMetadataBlocksCommand`): those stored on its
/// metadata-block root, by block id; with `only_on_create`, only blocks with a field
/// displayed on create or required, by type or by the root's input levels.
fn offered_blocks<'a>(
    blocks: &'a Blocks,
    root: &CollectionRow,
    only_on_create: bool,
) -> Vec<&'a crate::blocks::Block> {
    blocks
        .blocks
        .iter()
        .filter(|b| root.setup.metadata_blocks.contains(&b.name))
        .filter(|b| {
            !only_on_create
                || b.fields.iter().any(|f| {
                    let level = root.setup.level(&f.name);
                    f.display_on_create
                        || f.required
                        || level.is_some_and(|l| l.required || l.display_on_create == Some(true))
                })
        })
        .collect()
}

/// `GET /api/dataverses/{id}/metadatablocks` (`onlyDisplayedOnCreate`,
/// `returnDatasetFieldTypes`): the blocks of the nearest metadata-block root, printed with
/// the collection's own input levels.
pub(super) async fn list_blocks(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: crate::auth::Auth,
) -> Result<Response, AppError> {
    let only_on_create = flag(&p, "onlyDisplayedOnCreate");
    let full = flag(&p, "returnDatasetFieldTypes");
    let (c, root) = em
        .store()
        .read(move |conn| -> Result<_, AppError> {
            let c = find_visible(conn, &auth.caller, &idtf)?;
            let root = setup::metadata_root(conn, &c)?;
            Ok((c, root))
        })
        .await?;
    let list: Vec<Value> = offered_blocks(em.blocks(), &root, only_on_create)
        .into_iter()
        .map(|b| {
            if full {
                b.full_json_for(only_on_create, Some(&c.setup))
            } else {
                b.brief_json()
            }
        })
        .collect();
    Ok(ok(Value::Array(list)))
}

/// `POST /api/dataverses/{id}/metadatablocks` with `["citation", 3, ...]` (names or ids):
/// the collection becomes a metadata-block root with these blocks.
pub(super) async fn set_blocks(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: crate::auth::Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let parsed: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON array: {e}")))?;
    let Some(items) = parsed.as_array() else {
        return Err(ApiError::bad_request("Invalid JSON array: expected an array").into());
    };
    let mut names: Vec<String> = Vec::new();
    for item in items {
        let found = match item {
            Value::Number(n) => n.as_i64().and_then(|id| em.blocks().find(&id.to_string())),
            Value::String(s) => em.blocks().blocks.iter().find(|b| &b.name == s),
            other => {
                return Err(ApiError::bad_request(format!(
                    "{other} is not a metadata block name or id"
                ))
                .into());
            }
        };
        let Some(block) = found else {
            return Err(
                ApiError::bad_request(format!("Can't find metadata block '{item}'")).into(),
            );
        };
        if !names.contains(&block.name) {
            names.push(block.name.clone());
        }
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
            setup::set_blocks(&tx, c.id, &names, true)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(msg(format!(
        "Metadata blocks of dataverse {given} updated."
    )))
}

/// `GET /api/dataverses/{id}/metadatablocks/isRoot`: for callers who may edit the collection.
pub(super) async fn get_is_root(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: crate::auth::Auth,
) -> Result<Response, AppError> {
    let root = em
        .store()
        .read(move |conn| -> Result<bool, AppError> {
            let c = find_visible(conn, &auth.caller, &idtf)?;
            if !permitted(
                conn,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )? {
                return Err(ApiError::forbidden("Not authorized").into());
            }
            Ok(c.metadata_block_root)
        })
        .await?;
    Ok(ok(Value::Bool(root)))
}

/// `PUT /api/dataverses/{id}/metadatablocks/isRoot` with `true`/`false` as the body.
pub(super) async fn set_is_root(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: crate::auth::Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let text = utf8_body(&body)?;
    let root = parse_boolean((!text.is_empty()).then_some(text))?;
    let name = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            require(
                &tx,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )?;
            setup::set_block_root(&tx, c.id, root)?;
            tx.commit()?;
            Ok(c.name)
        })
        .await?;
    // Dataverse's message has the two spaces.
    Ok(msg(format!(
        "Dataverse {name} is now a metadata  {}root",
        if root { "" } else { "non-" }
    )))
}

/// `GET /api/dataverses/{id}/inputLevels`: the collection's own input levels.
pub(super) async fn get_levels(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: crate::auth::Auth,
) -> Result<Response, AppError> {
    let c = em
        .store()
        .read(move |conn| find_visible(conn, &auth.caller, &idtf))
        .await?;
    Ok(ok(setup::levels_json(&c.setup.input_levels)))
}

/// `PUT /api/dataverses/{id}/inputLevels` (`UpdateDataverseInputLevelsCommand`): a collection
/// that is not a metadata-block root becomes one with the root collection's blocks; the
/// blocks of the given fields are added; the levels replace those of the same fields.
pub(super) async fn set_levels(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: crate::auth::Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            let Some(items) = body.as_array() else {
                return Err(ApiError::bad_request("Error parsing Json: expected an array").into());
            };
            let levels = parse_levels(em2.blocks(), items)?;
            require(
                &tx,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )?;
            if levels.is_empty() {
                return Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Error while updating dataverse input levels: Input level list cannot be null or empty",
                )
                .into());
            }
            let mut names = c.setup.metadata_blocks.clone();
            if !c.metadata_block_root {
                names = collections::root(&tx)?
                    .map(|r| r.setup.metadata_blocks)
                    .unwrap_or_default();
            }
            add_level_blocks(em2.blocks(), &mut names, &levels);
            setup::set_blocks(&tx, c.id, &names, true)?;
            let merged = setup::merge_levels(&c.setup.input_levels, &levels);
            setup::set_levels(&tx, c.id, &merged)?;
            let row = reload(&tx, c.id)?;
            tx.commit()?;
            Ok(printer::collections::collection(&row, None))
        })
        .await?;
    Ok(ok_with_message(
        "You have successfully updated your dataverse!",
        v,
    ))
}

/// `Dataverse.addInputLevelsMetadataBlocksIfNotPresent`.
fn add_level_blocks(blocks: &Blocks, names: &mut Vec<String>, levels: &[InputLevel]) {
    for l in levels {
        if let Some((b, _)) = blocks.field_anywhere(&l.name)
            && !names.contains(&b.name)
        {
            names.push(b.name.clone());
        }
    }
}

/// `Dataverses.parseInputLevels(JsonArray)`.
fn parse_levels(blocks: &Blocks, items: &[Value]) -> Result<Vec<InputLevel>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        let name = item
            .get("datasetFieldTypeName")
            .and_then(Value::as_str)
            .unwrap_or("null");
        if blocks.field_anywhere(name).is_none() {
            return Err(ApiError::bad_request(format!(
                "Invalid dataset field type name: {name}"
            )));
        }
        let flag = |key: &str| -> Result<bool, ApiError> {
            item.get(key).and_then(Value::as_bool).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Error parsing Json: the input level of {name} needs a boolean '{key}'"
                ))
            })
        };
        let (required, include) = (flag("required")?, flag("include")?);
        if required && !include {
            return Err(ApiError::bad_request(format!(
                "The input level for the dataset field type {name} cannot be required if it is not included"
            )));
        }
        out.push(InputLevel {
            name: name.to_string(),
            required,
            include,
            display_on_create: item.get("displayOnCreate").and_then(Value::as_bool),
        });
    }
    Ok(out)
}

/// The `metadataBlocks` object of a create or update body. `None`: leave as is; an empty
/// list: inherit from the parent again (levels deleted, not a root).
#[derive(Debug, Clone, Default)]
pub(super) struct SetupRequest {
    levels: Option<Vec<InputLevel>>,
    blocks: Option<Vec<String>>,
    facets: Option<Vec<String>>,
}

/// Parse `metadataBlocks` of a create/update body, in Dataverse's order (input levels,
/// block names, facets).
pub(super) fn parse_request(
    blocks: &Blocks,
    body: &Map<String, Value>,
) -> Result<SetupRequest, ApiError> {
    let Some(mb) = body.get("metadataBlocks") else {
        return Ok(SetupRequest::default());
    };
    let Some(mb) = mb.as_object() else {
        return Err(ApiError::bad_request(
            "Error parsing Json: 'metadataBlocks' must be an object",
        ));
    };
    let inherit_blocks = mb.get("inheritMetadataBlocksFromParent") == Some(&Value::Bool(true));
    let inherit_facets = mb.get("inheritFacetsFromParent") == Some(&Value::Bool(true));
    let array = |key: &str| mb.get(key).and_then(Value::as_array);
    let levels = if inherit_blocks {
        Some(Vec::new())
    } else {
        array("inputLevels")
            .map(|a| parse_levels(blocks, a))
            .transpose()?
    };
    let names = array("metadataBlockNames");
    if names.is_some() && inherit_blocks {
        return Err(ApiError::bad_request(
            "Metadata block can not contain both metadataBlockNames and inheritMetadataBlocksFromParent: true",
        ));
    }
    let block_names = if inherit_blocks {
        Some(Vec::new())
    } else {
        names
            .map(|a| {
                a.iter()
                    .map(|n| {
                        match n
                            .as_str()
                            .and_then(|s| blocks.find(s).filter(|b| b.name == s))
                        {
                            Some(b) => Ok(b.name.clone()),
                            None => Err(ApiError::bad_request(format!(
                                "Invalid metadata block name: {n}"
                            ))),
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
    };
    let facet_ids = array("facetIds");
    if facet_ids.is_some() && inherit_facets {
        return Err(ApiError::bad_request(
            "Metadata block can not contain both facetIds and inheritFacetsFromParent: true",
        ));
    }
    let facets = if inherit_facets {
        Some(Vec::new())
    } else {
        facet_ids
            .map(|a| {
                a.iter()
                    .map(|f| {
                        let name = f.as_str().unwrap_or_default();
                        match blocks.field_anywhere(name) {
                            None => Err(ApiError::bad_request(format!(
                                "Can't find dataset field type '{name}'"
                            ))),
                            Some((b, i)) if !b.fields[i].facetable => Err(ApiError::bad_request(
                                format!("Dataset field type '{name}' is not facetable"),
                            )),
                            Some(_) => Ok(name.to_string()),
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
    };
    Ok(SetupRequest {
        levels,
        blocks: block_names,
        facets,
    })
}

/// `AbstractWriteDataverseCommand`: blocks, then facets, then input levels.
pub(super) fn apply_request(
    conn: &Connection,
    blocks: &Blocks,
    id: i64,
    req: &SetupRequest,
) -> Result<(), Error> {
    if let Some(names) = &req.blocks {
        setup::set_blocks(conn, id, names, !names.is_empty())?;
    }
    if let Some(facets) = &req.facets {
        if facets.is_empty() {
            conn.execute(
                "UPDATE dataverses SET facet_root = 0, facets = '[]' WHERE id = ?1",
                [id],
            )?;
        } else {
            collections::set_facets(conn, id, facets)?;
        }
    }
    if let Some(levels) = &req.levels {
        let c = reload(conn, id)?;
        if levels.is_empty() {
            setup::set_levels(conn, id, &[])?;
        } else {
            let mut names = c.setup.metadata_blocks.clone();
            add_level_blocks(blocks, &mut names, levels);
            setup::set_blocks(conn, id, &names, c.metadata_block_root)?;
            setup::set_levels(
                conn,
                id,
                &setup::merge_levels(&c.setup.input_levels, levels),
            )?;
        }
    }
    Ok(())
}

/// `PUT /api/dataverses/{id}/attribute/{attribute}?value=` (`UpdateDataverseAttributeCommand`).
/// `setAllowedDatasetTypes`: comma-separated type names, each trimmed and looked up; the
/// names that match no type (as given) make a 400 with `fieldErrors`.
fn allowed_dataset_types(value: &str) -> Result<Vec<String>, ApiError> {
    let mut found = Vec::new();
    let mut invalid = Vec::new();
    // Java's `split(",")`: trailing empty parts are dropped, unless the value is empty.
    let mut parts: Vec<&str> = value.split(',').collect();
    if !value.is_empty() {
        while parts.last() == Some(&"") {
            parts.pop();
        }
    }
    for name in parts {
        match crate::dataset_types::by_name(name.trim()) {
            Some(t) => found.push(t.name.to_string()),
            None => invalid.push(name),
        }
    }
    if invalid.is_empty() {
        return Ok(found);
    }
    let mut err = ApiError::bad_request(
        "The collection could not be updated because allowedDatasetTypes is invalid.",
    );
    err.insert(
        "fieldErrors",
        serde_json::json!({
            "allowedDatasetTypes": format!(
                "The following dataset types do not exist: {}",
                invalid.join(", ")
            )
        }),
    );
    Err(err)
}

pub(super) async fn update_attribute(
    State(em): State<Emulator>,
    Path((idtf, attribute)): Path<(String, String)>,
    Params(p): Params,
    auth: crate::auth::Auth,
) -> Result<Response, AppError> {
    let value = p.get("value").cloned();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            let boolean = ["filePIDsEnabled", "requireFilesToPublishDataset"]
                .contains(&attribute.as_str())
                .then(|| parse_boolean(value.as_deref()))
                .transpose()?;
            let caller = &auth.caller;
            require(
                &tx,
                caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )?;
            let string = || {
                value.clone().ok_or_else(|| {
                    ApiError::forbidden(format!("'{attribute}' requires a string value"))
                })
            };
            let mut update = collections::CollectionUpdate::default();
            match attribute.as_str() {
                "alias" => update.alias = Some(string()?),
                "name" => update.name = Some(string()?),
                "description" => update.description = Some(string()?),
                "affiliation" => update.affiliation = Some(string()?),
                "filePIDsEnabled" | "requireFilesToPublishDataset" => {
                    if !caller.is_superuser() {
                        return Err(denied(caller).into());
                    }
                    let flag = boolean.unwrap_or_default();
                    if attribute == "filePIDsEnabled" {
                        let allowed = Store::setting(&tx, ":AllowEnablingFilePIDsPerCollection")?
                            .is_some_and(|s| s.trim().eq_ignore_ascii_case("true"));
                        if !allowed {
                            return Err(denied(caller).into());
                        }
                        // Dataverse's switch falls through: both attributes take the value.
                        setup::set_flags(&tx, c.id, Some(flag), Some(flag))?;
                    } else {
                        setup::set_flags(&tx, c.id, None, Some(flag))?;
                    }
                }
                "allowedDatasetTypes" => {
                    if !caller.is_superuser() {
                        return Err(denied(caller).into());
                    }
                    let names = allowed_dataset_types(&string()?)?;
                    setup::set_allowed_dataset_types(&tx, c.id, &names)?;
                }
                other => {
                    return Err(ApiError::forbidden(format!(
                        "'{other}' is not a supported attribute"
                    ))
                    .into());
                }
            }
            super::collections::check_update(&tx, c.id, &update)?;
            collections::update(&tx, c.id, &update)?;
            let row = reload(&tx, c.id)?;
            tx.commit()?;
            Ok(printer::collections::collection(&row, None))
        })
        .await?;
    Ok(ok_with_message("Update successful", v))
}
