//! `GET /api/licenses*` (`Licenses.java`; keys ignored).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use crate::Emulator;
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::printer;
use crate::store::licenses;

pub(super) async fn list(State(em): State<Emulator>) -> Result<Response, AppError> {
    let all = em.store().call(|c| licenses::list(c)).await?;
    Ok(ok(Value::Array(
        all.iter().map(printer::licenses::license).collect(),
    )))
}

pub(super) async fn default(State(em): State<Emulator>) -> Result<Response, AppError> {
    let id = em.store().call(|c| licenses::default_id(c)).await?;
    match id {
        Some(id) => Ok(msg(format!("Default license ID is {id}"))),
        None => Err(ApiError::not_found("No default license").into()),
    }
}

/// `@PathParam("id") long id`: a non-numeric id fails JAX-RS conversion ⇒ generic 404.
pub(super) async fn one(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    info: RequestInfo,
) -> Result<Response, AppError> {
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    let license = em.store().call(move |c| licenses::get(c, id)).await?;
    license
        .map(|l| ok(printer::licenses::license(&l)))
        .ok_or_else(|| ApiError::not_found(format!("License with ID {id} not found")).into())
}
