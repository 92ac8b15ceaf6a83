//! `/api/info/*` (`Info.java`; no auth, keys ignored).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::AppError;
use crate::envelope::{ApiError, msg, ok};
use crate::{DATAVERSE_VERSION, Emulator};

const EXPORT_FORMATS: &str = include_str!("../../data/info-exportFormats.json");
/// Default `:ZipDownloadLimit` (100 MiB).
const ZIP_DOWNLOAD_LIMIT: i64 = 104_857_600;

pub(super) async fn version() -> Response {
    ok(json!({"version": DATAVERSE_VERSION, "build": "dataverse-emulator"}))
}

pub(super) async fn server(State(em): State<Emulator>) -> Response {
    msg(em.config().hostname.clone())
}

pub(super) async fn api_terms() -> Response {
    msg("There are no API Terms of Use for this Dataverse installation.")
}

pub(super) async fn app_terms() -> Response {
    msg("There are no Terms of Use for this Dataverse installation.")
}

pub(super) async fn export_formats() -> Result<Response, AppError> {
    let v: Value = serde_json::from_str(EXPORT_FORMATS)
        .map_err(|e| crate::Error::Data(format!("exportFormats: {e}")))?;
    Ok(ok(v.get("data").cloned().unwrap_or(v)))
}

pub(super) async fn zip_limit() -> Response {
    ok(json!(ZIP_DOWNLOAD_LIMIT))
}

/// The settings `Info.java` publishes (`/api/info/settings/{name}`); no other setting is
/// readable there (the admin API's `:BlockedApiKey`, say).
const PUBLIC_SETTINGS: [&str; 5] = [
    ":DatasetPublishPopupCustomText",
    ":DatasetSubmitForReviewPopupCustomText",
    ":PublishDatasetDisclaimerText",
    ":SubmitForReviewDatasetDisclaimerText",
    ":MaxEmbargoDurationInMonths",
];

pub(super) async fn setting(
    State(em): State<Emulator>,
    Path(name): Path<String>,
    info: crate::envelope::RequestInfo,
) -> Result<Response, AppError> {
    if name == "incompleteMetadataViaApi" {
        return Ok(ok(json!(false)));
    }
    if !PUBLIC_SETTINGS.contains(&name.as_str()) {
        return Err(ApiError::no_such_endpoint(&info).into());
    }
    let key = name.clone();
    let value = em
        .store()
        .call(move |c| crate::store::Store::setting(c, &key))
        .await?;
    match value {
        Some(v) => Ok(msg(v)),
        None => Err(ApiError::not_found(format!("Setting {name} not found")).into()),
    }
}
