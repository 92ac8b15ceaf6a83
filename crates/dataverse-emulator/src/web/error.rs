//! What a page fails with, answered as an HTML page with the matching status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{self, Chrome};
use super::session::Viewer;
use crate::Error;
use crate::routes::AppError;

/// A page that cannot be shown.
#[derive(Debug)]
pub(crate) enum PageError {
    /// 404: nothing by that name or id.
    NotFound(String),
    /// 403: it exists, but this viewer may not see it.
    Forbidden(String),
    /// 401: the `X-Dataverse-key` header's key is not valid.
    BadKey,
    /// 400: a malformed request (the message says what).
    BadRequest(String),
    /// 500: a failure of the emulator itself (logged, not shown).
    Internal(Error),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError::Internal(e)
    }
}

impl From<rusqlite::Error> for PageError {
    fn from(e: rusqlite::Error) -> Self {
        PageError::Internal(e.into())
    }
}

impl From<serde_json::Error> for PageError {
    fn from(e: serde_json::Error) -> Self {
        PageError::Internal(e.into())
    }
}

impl From<AppError> for PageError {
    /// A guard's Dataverse answer, by its status.
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(e) => PageError::Internal(e),
            AppError::Api(api) => {
                let message = api.message().to_string();
                match api.into_response().status() {
                    StatusCode::NOT_FOUND => PageError::NotFound(message),
                    StatusCode::BAD_REQUEST => PageError::BadRequest(message),
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                        PageError::Forbidden(message)
                    }
                    _ => PageError::Internal(Error::Store(message)),
                }
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            PageError::NotFound(m) => (StatusCode::NOT_FOUND, "Page not found", m),
            PageError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not available to you", m),
            PageError::BadKey => (
                StatusCode::UNAUTHORIZED,
                "Bad API key",
                "The X-Dataverse-key header does not hold a valid API token.".to_string(),
            ),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            PageError::Internal(e) => {
                tracing::error!(error = %e, "web page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server failed to build this page; its log says why.".to_string(),
                )
            }
        };
        let viewer = Viewer::guest();
        let chrome = Chrome {
            brand: "Dataverse",
            viewer: &viewer,
            here: "/",
        };
        let body = html! {
            h1 { (title) }
            p { (text) }
            @if status == StatusCode::FORBIDDEN {
                p { "If you have an API token that may see it, " a href="/loginpage.xhtml" { "sign in" } "." }
            }
            p { a href="/" { "Go to the root collection" } }
        };
        layout::respond(status, layout::page(title, &chrome, body))
    }
}
