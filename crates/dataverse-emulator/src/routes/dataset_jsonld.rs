//! The semantic (JSON-LD) metadata API of `Datasets.java`: `GET /api/datasets/{id}/metadata`
//! and `GET .../versions/{v}/metadata` with `Accept: application/ld+json`
//! (`getJsonLDMetadata`: the version as an OAI-ORE aggregation with an inline `@context`),
//! `PUT /api/datasets/{id}/metadata[?replace=true]` (`updateVersionMetadata`) and
//! `PUT /api/datasets/{id}/metadata/delete` (`deleteMetadata`). Without that `Accept`,
//! `GET .../versions/{v}/metadata` answers the version's fields by block
//! (`getVersionMetadata`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::{DvBytes, Params, flag, site_url};
use super::common::guards::{can_see_draft, edit_lock, find_dataset, require, version_spec};
use crate::auth::{Auth, Caller};
use crate::blocks::Blocks;
use crate::envelope::{ApiError, ok};
use crate::export::{ExportContext, oai_ore};
use crate::metadata::{self, MetaError, ParsedField};
use crate::model::VersionState;
use crate::permissions::{DvObject, Permission, denied};
use crate::store::datasets::{self, DatasetRow, VersionRow, VersionSpec};
use crate::store::{collection_setup, dataset_write, time_fmt};
use crate::{Emulator, Error, jsonld};

/// Whether the request asks for JSON-LD (`@Produces("application/ld+json, application/json-ld")`).
fn wants_jsonld(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("ld+json") || v.contains("json-ld"))
}

/// `getDatasetVersionOrDie` on a dataset the caller may see: the version `spec` names.
fn version_of(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
    spec: &str,
) -> Result<(VersionRow, Vec<VersionRow>), AppError> {
    let parsed = version_spec(spec)?;
    let draft_ok = can_see_draft(conn, caller, ds.id)?;
    if parsed == VersionSpec::Draft && !draft_ok {
        return Err(denied(caller).into());
    }
    let all = datasets::versions(conn, ds.id)?;
    let Some(version) = datasets::select(&all, &parsed, draft_ok, false).cloned() else {
        return Err(ApiError::not_found(format!(
            "Dataset version {spec} of dataset {} not found",
            ds.id
        ))
        .into());
    };
    Ok((version, all))
}

/// The answer of both GETs: the aggregation, or (not asked for JSON-LD, versioned path
/// only) the fields by block.
async fn answer(
    em: Emulator,
    idtf: String,
    spec: String,
    p: HashMap<String, String>,
    headers: HeaderMap,
    auth: Auth,
    jsonld: bool,
) -> Result<Response, AppError> {
    let site = site_url(&headers);
    let data = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let (version, all) = version_of(conn, &auth.caller, &ds, &spec)?;
            if !jsonld {
                return Ok(serde_json::from_str(&version.metadata_blocks)?);
            }
            let ctx = ExportContext::load(conn, ds, version, &all, site)?;
            Ok(oai_ore::aggregation(&ctx))
        })
        .await?;
    Ok(ok(data))
}

/// `GET /api/datasets/{id}/metadata`: the `:latest` version as JSON-LD.
pub(super) async fn get_latest(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    answer(em, idtf, ":latest".into(), p, headers, auth, true).await
}

/// `GET /api/datasets/{id}/versions/{v}/metadata`: JSON-LD when asked for, else by block.
pub(super) async fn get_version(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let jsonld = wants_jsonld(&headers);
    answer(em, idtf, spec, p, headers, auth, jsonld).await
}

/// `Dec 3, 2026` (`DatasetVersion.getVersionDate`: Java's default date format) of a
/// stored UTC timestamp.
fn version_date(t: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let num = |a: usize, b: usize| t.get(a..b).and_then(|s| s.parse::<usize>().ok());
    match (num(0, 4), num(5, 7), num(8, 10)) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) => {
            format!("{} {d}, {y}", MONTHS[m - 1])
        }
        _ => t.to_string(),
    }
}

/// The decontextualized body, or Dataverse's 400 for one that cannot be read.
fn read_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    jsonld::decontextualize(body)
        .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))
}

/// A wire-form field parsed as stored fields are.
fn parsed(blocks: &Blocks, wire: &Value) -> Result<Option<ParsedField>, ApiError> {
    let Some(obj) = wire.as_object() else {
        return Ok(None);
    };
    metadata::parse_field(blocks, obj, false).map_err(|e| match e {
        MetaError::Parse(d) => ApiError::bad_request(format!("Error parsing Json: {d}")),
        MetaError::Internal => ApiError::internal(),
    })
}

/// What a write does to the draft's fields.
enum Change {
    /// `updateVersionMetadata`: add (`replace` false) or replace values.
    Update { replace: bool },
    /// `deleteMetadata`: remove the named fields.
    Delete,
}

/// The new fields of the draft: `current` changed by the terms of `body`.
fn apply(
    blocks: &Blocks,
    current: Vec<ParsedField>,
    body: &Map<String, Value>,
    change: &Change,
) -> Result<Vec<ParsedField>, ApiError> {
    match change {
        Change::Update { replace } => {
            let mut updates = Vec::new();
            for (key, v) in body {
                let Some((block, fi)) = jsonld::top_level_field(blocks, key) else {
                    // Terms of use, license, version facts: not kept here; ignored.
                    continue;
                };
                let f = &block.fields[fi];
                let has_value = current.iter().any(|c| c.name == f.name && !c.is_empty());
                if !replace && !f.multiple && has_value {
                    return Err(ApiError::bad_request(format!(
                        "Can't append to a single-value field that already has a value: {}",
                        f.name
                    )));
                }
                let wire = jsonld::wire_field(blocks, block, fi, v)?;
                updates.extend(parsed(blocks, &wire)?);
            }
            Ok(metadata::merge(current, updates, *replace))
        }
        Change::Delete => {
            let mut out = current;
            for key in body.keys() {
                let Some((block, fi)) = jsonld::top_level_field(blocks, key) else {
                    return Err(ApiError::bad_request(format!("Term: {key} not found.")));
                };
                let name = &block.fields[fi].name;
                out.retain(|f| &f.name != name);
            }
            Ok(out)
        }
    }
}

/// Both writes: find, read the body, change the draft (made when there is none), check
/// the required fields, answer `{"Version Updated"|"Version Created": date}`.
async fn write(
    em: Emulator,
    idtf: String,
    p: HashMap<String, String>,
    auth: Auth,
    body: axum::body::Bytes,
    change: Change,
) -> Result<Response, AppError> {
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let node = read_body(&body)?;
            let blocks = em2.blocks();
            let all = datasets::versions(&tx, ds.id)?;
            let update_draft = all.first().is_some_and(|v| v.state == VersionState::Draft);
            let Some(latest) = all.first() else {
                return Err(Error::Store("dataset without a version".into()).into());
            };
            let stored: Value = serde_json::from_str(&latest.metadata_blocks)?;
            let current = metadata::stored_fields(blocks, &stored);
            let enabled: Vec<String> = blocks.blocks.iter().map(|b| b.name.clone()).collect();
            let by_level = collection_setup::required_by_levels(&tx, ds.owner_id)?;
            let missing_before = metadata::missing_required(blocks, &enabled, &current, &by_level);
            let fields = apply(blocks, current, &node, &change)?;
            let caller = &auth.caller;
            require(
                &tx,
                caller,
                Permission::EditDataset,
                DvObject::Dataset(ds.id),
            )?;
            edit_lock(&tx, caller, &ds)?;
            let missing: Vec<String> =
                metadata::missing_required(blocks, &enabled, &fields, &by_level)
                    .into_iter()
                    .filter(|m| !missing_before.contains(m))
                    .collect();
            if !missing.is_empty() {
                return Err(ApiError::bad_request(metadata::validation_failed(&missing)).into());
            }
            let now = time_fmt::now_iso();
            let draft = dataset_write::ensure_draft(&tx, ds.id, &now)?;
            let text = metadata::assemble(blocks, fields).to_string();
            dataset_write::set_blocks(&tx, draft.id, &text, &now)?;
            tx.commit()?;
            let info = if update_draft {
                "Version Updated"
            } else {
                "Version Created"
            };
            Ok(json!({ info: version_date(&now) }))
        })
        .await?;
    Ok(ok(v))
}

/// `PUT /api/datasets/{id}/metadata[?replace=true]` (`Content-Type: application/ld+json`).
pub(super) async fn update(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let replace = flag(&p, "replace");
    write(em, idtf, p, auth, body, Change::Update { replace }).await
}

/// `PUT /api/datasets/{id}/metadata/delete` (`Content-Type: application/ld+json`).
pub(super) async fn delete(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    write(em, idtf, p, auth, body, Change::Delete).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_default_date() {
        assert_eq!(version_date("2026-12-03T13:15:09Z"), "Dec 3, 2026");
        assert_eq!(version_date("2025-05-16T16:33:18Z"), "May 16, 2025");
        assert_eq!(version_date("garbage"), "garbage");
    }
}
