//! The one error type handlers return (in the style of axum's `AppError` example): a
//! Dataverse-shaped API error answered as is, or an internal failure answered as Dataverse's
//! 500 (with a fresh `incidentId`, and logged).

use axum::response::{IntoResponse, Response};

use crate::Error;
use crate::envelope::ApiError;

/// What a handler, a guard or a store closure fails with. `?` converts store, SQLite, JSON
/// and I/O errors into [`AppError::Internal`] and Dataverse errors into [`AppError::Api`].
#[derive(Debug)]
pub(crate) enum AppError {
    /// A Dataverse error answer (4xx, or a 5xx Dataverse itself gives).
    Api(ApiError),
    /// A failure of the emulator itself: answered as a logged 500.
    Internal(Error),
}

impl AppError {
    /// Replace a Dataverse error answer by another (an endpoint that words a failed lookup
    /// its own way); internal failures are kept.
    pub(crate) fn replace_api(self, f: impl FnOnce(ApiError) -> ApiError) -> AppError {
        match self {
            AppError::Api(e) => AppError::Api(f(e)),
            internal @ AppError::Internal(_) => internal,
        }
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError::Api(e)
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Internal(e)
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Api(e) => e.into_response(),
            AppError::Internal(e) => ApiError::from(e).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use serde_json::Value;

    use super::*;

    async fn answer(e: AppError) -> (StatusCode, Value) {
        let r = e.into_response();
        let status = r.status();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn api_errors_pass_through_and_internal_ones_are_dataverse_500s() {
        let (s, v) = answer(ApiError::not_found("gone").into()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["message"], "gone");
        let (s, v) = answer(Error::Store("disk on fire".into()).into()).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(v["status"], "ERROR");
        assert_eq!(v["code"], 500);
        assert!(v["incidentId"].is_string());
        assert!(!v.to_string().contains("disk on fire"));
    }

    #[test]
    fn replace_api_keeps_internal_errors() {
        let replaced =
            AppError::from(ApiError::not_found("x")).replace_api(|_| ApiError::bad_request("y"));
        assert!(matches!(replaced, AppError::Api(e) if e.message() == "y"));
        let kept =
            AppError::from(Error::Store("z".into())).replace_api(|_| ApiError::bad_request("y"));
        assert!(matches!(kept, AppError::Internal(_)));
    }
}
