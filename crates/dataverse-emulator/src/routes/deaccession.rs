//! `POST /api/datasets/{id}/versions/{v}/deaccession` (`Datasets.deaccessionDataset`,
//! `@AuthRequired`): withdraw a published version from view, with a reason
//! (`deaccessionReason`) and an optional forwarding URL (`deaccessionForwardURL`). Checks in
//! Dataverse's order: the selector (`:draft`/`:latest` refused), the dataset, the version
//! (published ones only), the body, then `PublishDataset` on the dataset.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use super::common::extract::{DvBytes, Params};
use super::common::guards::{find_dataset, require};
use super::common::versions::{self, Deaccessioned};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, msg};
use crate::permissions::{DvObject, Permission};
use crate::store::{datasets, deaccession};

/// `datasets.api.deaccessionDataset.invalid.version.identifier.error`.
const ONLY_PUBLISHED: &str = "Only :latest-published or a specific version can be deaccessioned";
/// `DatasetVersion.DEACCESSION_NOTE_MAX_LENGTH`.
const NOTE_MAX: usize = 1000;
/// `DatasetVersion.DEACCESSION_LINK_MAX_LENGTH`.
const LINK_MAX: usize = 1260;

pub(super) async fn deaccession(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    if spec == ":draft" || spec == ":latest" {
        return Err(ApiError::bad_request(ONLY_PUBLISHED).into());
    }
    let m = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let all = datasets::versions(&tx, ds.id)?;
            let Some(v) = versions::find(
                &tx,
                &auth.caller,
                &ds,
                &all,
                &spec,
                Deaccessioned::default(),
            )?
            else {
                return Err(versions::not_found(&spec, &ds).into());
            };
            let json: Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))?;
            // `getString("deaccessionReason")` on a missing or non-text reason, and
            // `setDeaccessionNote` on an over-long one, throw: Dataverse answers its 500.
            let Some(note) = json.get("deaccessionReason").and_then(Value::as_str) else {
                tracing::warn!("deaccession without a deaccessionReason text");
                return Err(ApiError::internal().into());
            };
            if note.chars().count() > NOTE_MAX {
                tracing::warn!("deaccessionReason longer than {NOTE_MAX} characters");
                return Err(ApiError::internal().into());
            }
            // `getString(name, null)`: a forwarding URL that is not text is no URL.
            let link = json.get("deaccessionForwardURL").and_then(Value::as_str);
            if let Some(l) = link
                && l.chars().count() > LINK_MAX
            {
                return Err(ApiError::bad_request(format!(
                    "Invalid deaccession forward URL: Error setting deaccessionLink: String length is greater than maximum ({LINK_MAX}).  StudyVersion id={}, deaccessionLink={l}",
                    v.id
                ))
                .into());
            }
            require(
                &tx,
                &auth.caller,
                Permission::PublishDataset,
                DvObject::Dataset(ds.id),
            )?;
            deaccession::deaccession(&tx, v.id, note, link)?;
            tx.commit()?;
            let shown = if idtf == ":persistentId" {
                ds.pid()
            } else {
                idtf
            };
            Ok(format!("Dataset {shown} deaccessioned for version {spec}"))
        })
        .await?;
    Ok(msg(m))
}
