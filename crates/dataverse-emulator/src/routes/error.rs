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
