//! `GET /api/licenses*` (`Licenses.java`; keys ignored).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;

use crate::Emulator;
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::store::licenses;

pub(super) fn routes() -> Router<Emulator> {
    Router::new()
        .route("/api/licenses", get(list))
        .route("/api/licenses/default", get(default))
        .route("/api/licenses/{id}", get(one))
}

async fn list(State(em): State<Emulator>) -> Result<Response, ApiError> {
    let all = em.store().call(|c| licenses::list(c)).await?;
    Ok(ok(Value::Array(all)))
}

async fn default(State(em): State<Emulator>) -> Result<Response, ApiError> {
    let id = em.store().call(|c| licenses::default_id(c)).await?;
    match id {
        Some(id) => Ok(msg(format!("Default license ID is {id}"))),
        None => Err(ApiError::not_found("No default license")),
    }
}

/// `@PathParam("id") long id`: a non-numeric id fails JAX-RS conversion ⇒ generic 404.
async fn one(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    info: RequestInfo,
) -> Result<Response, ApiError> {
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(ApiError::endpoint_not_found(&info));
    };
    let license = em.store().call(move |c| licenses::get(c, id)).await?;
    license
        .map(ok)
        .ok_or_else(|| ApiError::not_found(format!("License with ID {id} not found")))
}
