//! `POST /api/logout` (`Logout.java`). Dataverse serves it only with the
//! `api-session-auth` feature flag on; the emulator has no API session authentication
//! (its web view's sign-in is separate, see `crate::web::session`), so it answers as
//! Dataverse does with the flag off.

use axum::http::StatusCode;

use crate::envelope::ApiError;

/// Dataverse's message while session authentication is off.
const SESSION_AUTH_OFF: &str =
    "This endpoint is only available when session authentication feature flag is enabled";

/// `POST /api/logout`: 500, session authentication is off.
pub(super) async fn logout() -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, SESSION_AUTH_OFF)
}
