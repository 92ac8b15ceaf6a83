//! `/api/metadatablocks` (`MetadataBlocks.java`; no auth, keys ignored).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use super::common::extract::{Params, flag};
use crate::Emulator;
use crate::envelope::{ApiError, ok};

pub(super) async fn list(State(em): State<Emulator>, Params(p): Params) -> Response {
    blocks_json(&em, &p)
}

fn blocks_json(em: &Emulator, p: &std::collections::HashMap<String, String>) -> Response {
    let only_on_create = flag(p, "onlyDisplayedOnCreate");
    let full = flag(p, "returnDatasetFieldTypes");
    let blocks: Vec<Value> = em
        .blocks()
        .blocks
        .iter()
        .filter(|b| !only_on_create || b.display_on_create())
        .map(|b| {
            if full {
                b.full_json(only_on_create)
            } else {
                b.brief_json()
            }
        })
        .collect();
    ok(Value::Array(blocks))
}

pub(super) async fn one(
    State(em): State<Emulator>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    em.blocks()
        .find(&id)
        .map(|b| ok(b.full_json(false)))
        .ok_or_else(|| ApiError::not_found(format!("Can't find metadata block '{id}'")).into())
}
