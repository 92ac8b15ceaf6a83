//! Creating datasets in a collection (`Dataverses.java`): `POST dataverses/{id}/datasets`,
//! `validateDatasetJson` and the superuser `datasets/:import`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::DvJson;
use super::common::extract::Params;
use super::common::guards::find_collection;
use super::common::guards::require;
use crate::auth::Auth;
use crate::blocks::Blocks;
use crate::envelope::{ApiError, RequestInfo, msg};
use crate::metadata::{self, MetaError, ParsedField};
use crate::model::{ACCESS_TERMS_KEYS, CUSTOM_TERMS_KEYS};
use crate::permissions::{DvObject, Permission};
use crate::store::collections::CollectionRow;
use crate::store::dataset_write::{self, AUTHORITY, NewDataset};
use crate::store::{Store, collection_setup, datasets, roles, time_fmt};
use crate::{Emulator, Error};

/// Dataset types known to this installation.
const DATASET_TYPES: [&str; 3] = ["dataset", "software", "workflow"];

/// A parsed create/import body.
#[derive(Debug, Clone)]
pub(crate) struct DatasetBody {
    dataset_type: String,
    metadata_language: Option<String>,
    fields: Vec<ParsedField>,
    /// License name or URI as given (`None`: absent).
    license: Option<String>,
    terms: Map<String, Value>,
    /// `protocol`, `authority`, `identifier` given at top level (imports).
    pid: Option<(String, String, String)>,
    /// Whether `datasetVersion.files` lists files (superusers only; not stored here).
    has_files: bool,
}

fn parse_error(detail: &str) -> ApiError {
    ApiError::bad_request(format!("Error parsing Json: {detail}"))
}

fn meta_error(e: MetaError) -> ApiError {
    match e {
        MetaError::Parse(d) => parse_error(&d),
        MetaError::Internal => ApiError::internal(),
    }
}

/// `JsonParser.parseDataset` + `parseDatasetVersion` (versions, numbers and PIDs ignored).
pub(crate) fn parse_body(blocks: &Blocks, body: &Value) -> Result<DatasetBody, ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(parse_error("Not a JSON object"));
    };
    let dataset_type = obj
        .get("datasetType")
        .and_then(Value::as_str)
        .unwrap_or("dataset")
        .to_string();
    if !DATASET_TYPES.contains(&dataset_type.as_str()) {
        return Err(parse_error(&format!(
            "Invalid dataset type: {dataset_type}"
        )));
    }
    let version = obj.get("datasetVersion").and_then(Value::as_object);
    let Some(mb) = version
        .and_then(|v| v.get("metadataBlocks"))
        .and_then(Value::as_object)
    else {
        return Err(parse_error(
            "Invalid JSON object: metadata blocks not found.",
        ));
    };
    let version = version.cloned().unwrap_or_default();
    let fields = metadata::parse_blocks(blocks, mb, true).map_err(meta_error)?;
    let license = match version.get("license") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(l)) => match (l.get("name"), l.get("uri")) {
            (Some(Value::String(n)), _) => Some(n.clone()),
            (_, Some(Value::String(u))) => Some(u.clone()),
            _ => Some(String::new()),
        },
        _ => None,
    };
    let mut terms = Map::new();
    for k in CUSTOM_TERMS_KEYS.into_iter().chain(ACCESS_TERMS_KEYS) {
        if let Some(Value::String(v)) = version.get(k) {
            terms.insert(k.to_string(), v.clone().into());
        }
    }
    let pid = match (
        obj.get("protocol").and_then(Value::as_str),
        obj.get("authority").and_then(Value::as_str),
        obj.get("identifier").and_then(Value::as_str),
    ) {
        (Some(p), Some(a), Some(i)) => Some((p.to_string(), a.to_string(), i.to_string())),
        _ => None,
    };
    let has_files = version
        .get("files")
        .and_then(Value::as_array)
        .is_some_and(|f| !f.is_empty());
    Ok(DatasetBody {
        has_files,
        dataset_type,
        metadata_language: obj
            .get("metadataLanguage")
            .and_then(Value::as_str)
            .map(str::to_string),
        fields,
        license,
        terms,
        pid,
    })
}

/// The metadata blocks in force on a collection (those of the nearest metadata-block root).
pub(crate) fn enabled_blocks(conn: &Connection, collection: i64) -> Result<Vec<String>, Error> {
    let mut next = Some(collection);
    for _ in 0..1000 {
        let Some(id) = next else { break };
        let row: Option<(bool, String, Option<i64>)> = conn
            .query_row(
                "SELECT metadata_block_root, metadata_blocks, owner_id FROM dataverses WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((is_root, names, owner)) = row else {
            break;
        };
        if is_root || owner.is_none() {
            return Ok(metadata::parse_block_names(&names));
        }
        next = owner;
    }
    Ok(vec!["citation".to_string()])
}

/// Resolve the license: given by name or URI (must exist and be active), or, when absent,
/// none (custom terms) unless `:AllowCustomTermsOfUse` is `false` (then the default).
fn resolve_license(
    conn: &Connection,
    given: Option<&str>,
) -> Result<Option<(String, String)>, AppError> {
    let lookup = |key: &str| -> Result<Option<(String, String, bool)>, Error> {
        Ok(conn
            .query_row(
                "SELECT name, uri, active FROM licenses WHERE name = ?1 OR uri = ?1 LIMIT 1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    };
    match given {
        Some(key) => match lookup(key)? {
            Some((n, u, true)) => Ok(Some((n, u))),
            Some((n, _, false)) => {
                Err(parse_error(&format!("Invalid license: {n} is not active")).into())
            }
            None => Err(parse_error(&format!("Invalid license: {key}")).into()),
        },
        None => {
            let custom_allowed = Store::setting(conn, ":AllowCustomTermsOfUse")?
                .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
            if custom_allowed {
                return Ok(None);
            }
            Ok(conn
                .query_row(
                    "SELECT name, uri FROM licenses WHERE is_default = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        }
    }
}

/// Body → row to insert, checking the license and (unless importing) required fields.
fn prepare(
    conn: &Connection,
    blocks: &Blocks,
    owner: &CollectionRow,
    body: DatasetBody,
) -> Result<(NewDataset, Vec<String>), AppError> {
    let license = resolve_license(conn, body.license.as_deref())?;
    let enabled = enabled_blocks(conn, owner.id)?;
    let by_level = collection_setup::required_by_levels(conn, owner.id)?;
    let missing = metadata::missing_required(blocks, &enabled, &body.fields, &by_level);
    let (protocol, authority, identifier) = match body.pid {
        Some(p) => p,
        None => (
            "doi".to_string(),
            AUTHORITY.to_string(),
            dataset_write::mint_identifier(conn)?,
        ),
    };
    let blocks_json = metadata::assemble(blocks, body.fields);
    Ok((
        NewDataset {
            owner_id: owner.id,
            protocol,
            authority,
            identifier,
            dataset_type: body.dataset_type,
            metadata_language: body.metadata_language,
            creator_id: None,
            metadata_blocks: blocks_json.to_string(),
            license,
            terms: Value::Object(body.terms).to_string(),
        },
        missing,
    ))
}

fn created(id: i64, pid: &str, extra: Option<bool>) -> Response {
    let mut data = json!({"id": id, "persistentId": pid});
    if let (Some(r), Value::Object(m)) = (extra, &mut data) {
        m.insert("releaseCompleted".into(), r.into());
    }
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/datasets/{id}"))],
        axum::Json(json!({"status": "OK", "data": data})),
    )
        .into_response()
}

pub(super) async fn create(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let parsed = parse_body(em.blocks(), &body);
    let em2 = em.clone();
    let (id, pid) = em
        .store()
        .call(move |conn| -> Result<(i64, String), AppError> {
            let tx = conn.transaction()?;
            let owner = find_collection(&tx, &idtf)?;
            let body = parsed?;
            let caller = &auth.caller;
            if body.has_files && !caller.is_superuser() {
                return Err(
                    ApiError::bad_request("Only a superuser may add files via this api").into(),
                );
            }
            require(
                &tx,
                caller,
                Permission::AddDataset,
                DvObject::Collection(owner.id),
            )?;
            let (mut new, missing) = prepare(&tx, em2.blocks(), &owner, body)?;
            if !missing.is_empty() {
                return Err(ApiError::forbidden(metadata::validation_failed(&missing)).into());
            }
            new.creator_id = caller.user().map(|u| u.id);
            let id = dataset_write::insert(&tx, &new, false, &time_fmt::now_iso())?;
            // The creator gets the collection's default contributor role (built-in editor,
            // alias "contributor").
            if let Some(role) = roles::find_available(&tx, owner.id, "contributor")? {
                roles::assign(&tx, &caller.identifier(), role.id, id)?;
            }
            let pid = format!("{}:{}/{}", new.protocol, new.authority, new.identifier);
            tx.commit()?;
            Ok((id, pid))
        })
        .await?;
    Ok(created(id, &pid, None))
}

pub(super) async fn validate_json(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let parsed = parse_body(em.blocks(), &body);
    let em2 = em.clone();
    let verdict = em
        .store()
        .call(move |conn| -> Result<Option<String>, AppError> {
            let owner = find_collection(conn, &idtf)?;
            require(
                conn,
                &auth.caller,
                Permission::AddDataset,
                DvObject::Collection(owner.id),
            )?;
            let body = match parsed {
                Ok(b) => b,
                Err(e) => return Ok(Some(e.message().to_string())),
            };
            let enabled = enabled_blocks(conn, owner.id)?;
            let by_level = collection_setup::required_by_levels(conn, owner.id)?;
            let missing =
                metadata::missing_required(em2.blocks(), &enabled, &body.fields, &by_level);
            if missing.is_empty() {
                return Ok(None);
            }
            Ok(Some(metadata::validation_failed(&missing)))
        })
        .await?;
    Ok(msg(match verdict {
        None => "The Dataset JSON provided is valid for this Dataverse Collection.".to_string(),
        Some(e) => {
            format!("The Dataset JSON provided failed validation with the following error: {e}")
        }
    }))
}

/// Parse a `pid` parameter: `protocol:authority/identifier` with a known protocol.
fn parse_pid(pid: &str) -> Option<(String, String, String)> {
    let (protocol, rest) = pid.trim().split_once(':')?;
    if !["doi", "hdl", "perma"].contains(&protocol) {
        return None;
    }
    let (authority, identifier) = rest.split_once('/')?;
    if authority.is_empty() || identifier.is_empty() {
        return None;
    }
    Some((
        protocol.to_string(),
        authority.to_string(),
        identifier.to_string(),
    ))
}

pub(super) async fn import(
    State(em): State<Emulator>,
    Path((idtf, action)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    if action != ":import" {
        return Err(ApiError::no_such_endpoint(&info).into());
    }
    if !auth.caller.is_superuser() {
        return Err(ApiError::forbidden("Not a superuser").into());
    }
    let parsed = parse_body(em.blocks(), &body);
    let release = p
        .get("release")
        .is_some_and(|r| ["yes", "true"].contains(&r.trim().to_ascii_lowercase().as_str()));
    let pid_param = p.get("pid").cloned().filter(|s| !s.trim().is_empty());
    let em2 = em.clone();
    let (id, pid) = em
        .store()
        .call(move |conn| -> Result<(i64, String), AppError> {
            let tx = conn.transaction()?;
            let owner = find_collection(&tx, &idtf)?;
            let mut body = parsed?;
            if let Some(pp) = &pid_param {
                match parse_pid(pp) {
                    Some(parts) => body.pid = Some(parts),
                    None => {
                        return Err(ApiError::bad_request(format!(
                            "Cannot parse the PID parameter '{pp}'. Make sure it is in valid form - see Dataverse Native API documentation."
                        )).into());
                    }
                }
            }
            let Some((protocol, authority, identifier)) = body.pid.clone() else {
                return Err(ApiError::bad_request(
                    "Please provide a persistent identifier, either by including it in the JSON, or by using the pid query parameter.",
                ).into());
            };
            if protocol != "doi" || authority != AUTHORITY {
                return Err(ApiError::bad_request(
                    "Cannot import a dataset that has a PID that doesn't match the server's settings",
                ).into());
            }
            let pid = format!("{protocol}:{authority}/{identifier}");
            if datasets::by_pid(&tx, &pid)?.is_some() {
                return Err(ApiError::forbidden(format!(
                    "Persistent identifier {pid} already exists in this Dataverse installation."
                )).into());
            }
            let (mut new, missing) = prepare(&tx, em2.blocks(), &owner, body)?;
            if !missing.is_empty() {
                return Err(ApiError::forbidden(metadata::validation_failed(
                    &missing,
                )).into());
            }
            new.creator_id = auth.caller.user().map(|u| u.id);
            let id = dataset_write::insert(&tx, &new, release, &time_fmt::now_iso())?;
            tx.commit()?;
            Ok((id, pid))
        })
        .await?;
    // An externally released import answers `releaseCompleted: false` in Dataverse (the
    // publish command reports "in progress"), although no lock is left behind.
    Ok(created(id, &pid, release.then_some(false)))
}
