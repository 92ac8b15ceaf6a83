//! `GET /api/datasets/export?exporter=&persistentId=[&version=]` (`Datasets.exportDataset`;
//! `@AuthRequired`): a dataset version's metadata in one of the export formats, answered
//! RAW (no envelope) with the exporter's media type.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;

use super::AppError;
use super::common::extract::{Params, site_url};
use super::common::guards::can_see_draft;
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::ApiError;
use crate::export::{ExportContext, Exporter};
use crate::model::VersionState;
use crate::store::datasets::{self, DatasetRow, VersionRow, VersionSpec};

/// 400 when the version lookup fails, whatever the reason (not found, not permitted,
/// not a version).
pub(crate) const BAD_VERSION: &str =
    "Unable to look up dataset based on version. Try :latest-published or :draft.";
/// 403 for an unknown exporter (or any failure while exporting).
pub(crate) const EXPORT_FAILED: &str = "Export Failed";

/// 400 for an older published version: `Non-draft version requested (1.0) but for
/// published versions only the latest (:latest-published) is supported.`
fn only_latest(requested: Option<&str>) -> ApiError {
    let what = requested.map(|v| format!(" ({v})")).unwrap_or_default();
    ApiError::bad_request(format!(
        "Non-draft version requested{what} but for published versions only the latest (:latest-published) is supported."
    ))
}

/// Resolve `?version=` as `Datasets.exportDataset` does: the usual lookup
/// (`getDatasetVersionOrDie`: `:latest` is the draft for those who may see it, else the
/// latest published; absent means `:latest-published`), any failure a 400; then a
/// published version asked for by name must be the latest published one.
fn pick_version(
    conn: &Connection,
    caller: &Caller,
    ds: &DatasetRow,
    all: &[VersionRow],
    requested: Option<&str>,
) -> Result<VersionRow, AppError> {
    let bad = || ApiError::bad_request(BAD_VERSION);
    let spec =
        datasets::parse_version_spec(requested.unwrap_or(":latest-published")).ok_or_else(bad)?;
    let draft_ok = can_see_draft(conn, caller, ds.id)?;
    if spec == VersionSpec::Draft && !draft_ok {
        return Err(bad().into());
    }
    let version = datasets::select(all, &spec, draft_ok, false)
        .cloned()
        .ok_or_else(bad)?;
    if version.state != VersionState::Draft && requested.is_some() {
        let latest = datasets::select(all, &VersionSpec::LatestPublished, false, false)
            .ok_or_else(|| only_latest(None))?;
        if latest.id != version.id {
            return Err(only_latest(requested).into());
        }
    }
    Ok(version)
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
