//! `GET /api/datasets/export?exporter=&persistentId=[&version=]` (`Datasets.exportDataset`;
//! `@AuthRequired`): a dataset version's metadata in one of the export formats, answered
//! RAW (no envelope) with the exporter's media type.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;

use super::AppError;
use super::common::extract::{Params, site_url};
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::ApiError;
use crate::export::{ExportContext, Exporter};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::store::datasets::{self, DatasetRow, VersionRow, VersionSpec};

/// 400 for a `version` other than `:latest-published`, `:draft` or the latest number.
pub(crate) const BAD_VERSION: &str =
    "Unable to look up dataset based on version. Try :latest-published or :draft.";
/// 403 for an unknown exporter (or any failure while exporting).
pub(crate) const EXPORT_FAILED: &str = "Export Failed";

/// Resolve `?version=`: default `:latest-published`; `:draft` (needs permission to view
/// the draft); or the number of the latest published version.
fn pick_version(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
    all: &[VersionRow],
    requested: Option<&str>,
) -> Result<VersionRow, AppError> {
    let spec = requested.unwrap_or(":latest-published");
    let not_found = || {
        ApiError::not_found(format!(
            "Dataset version {spec} of dataset {} not found",
            ds.id
        ))
    };
    let latest_published = datasets::select(all, &VersionSpec::LatestPublished, false, false);
    match spec {
        ":latest-published" => Ok(latest_published.cloned().ok_or_else(not_found)?),
        ":draft" => {
            let allowed = permitted(
                conn,
                caller,
                Permission::ViewUnpublishedDataset,
                DvObject::Dataset(ds.id),
            )?;
            if !allowed {
                return Err(denied(caller).into());
            }
            Ok(datasets::select(all, &VersionSpec::Draft, true, false)
                .cloned()
                .ok_or_else(not_found)?)
        }
        other => {
            let wanted = datasets::parse_version_spec(other);
            let matches = |v: &VersionRow| match wanted {
                Some(VersionSpec::Number(a, b)) => {
                    v.version_number == Some(a) && v.minor_version_number.unwrap_or(0) == b
                }
                _ => false,
            };
            Ok(latest_published
                .filter(|v| matches(v))
                .cloned()
                .ok_or_else(|| ApiError::bad_request(BAD_VERSION))?)
        }
    }
}

pub(super) async fn export(
    State(em): State<Emulator>,
    Params(p): Params,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let site = site_url(&headers);
    let (exporter, body) = em
        .store()
        .call(move |conn| -> Result<(Exporter, String), AppError> {
            // `findByGlobalId(null)` finds nothing, and Java prints the null.
            let pid = p.get("persistentId").map(String::as_str).unwrap_or("null");
            let Some(ds) = datasets::by_pid(conn, pid)? else {
                return Err(ApiError::not_found(format!(
                    "A dataset with the persistentId {pid} could not be found."
                ))
                .into());
            };
            let all = datasets::versions(conn, ds.id)?;
            let version = pick_version(
                conn,
                &auth.caller,
                &ds,
                &all,
                p.get("version").map(String::as_str),
            )?;
            let Some(exporter) = p.get("exporter").and_then(|e| Exporter::from_name(e)) else {
                return Err(ApiError::forbidden(EXPORT_FAILED).into());
            };
            let ctx = ExportContext::load(conn, ds, version, &all, site)?;
            match exporter.render(&ctx) {
                Ok(body) => Ok((exporter, body)),
                Err(e) => {
                    tracing::warn!(error = %e, exporter = exporter.name(), "export failed");
                    Err(ApiError::forbidden(EXPORT_FAILED).into())
                }
            }
        })
        .await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, exporter.media_type())],
        body,
    )
        .into_response())
}
