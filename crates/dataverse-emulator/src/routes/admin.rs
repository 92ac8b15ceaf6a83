//! `/api/admin/settings`: the database settings (`Admin.java`), such as
//! `:FileFixityChecksumAlgorithm`.
//!
//! A real installation blocks `/api/admin` to all but localhost and asks for no key there.
//! The emulator may listen on any address, so it asks for a superuser's key instead.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::AppError;
use super::common::guards::superuser;
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, msg, ok};
use crate::store::Store;

/// `GET /api/admin/settings`: every setting, `{name: value}`.
pub(super) async fn list(State(em): State<Emulator>, auth: Auth) -> Result<Response, AppError> {
    superuser(&auth.caller)?;
    let all: Map<String, Value> = em
        .store()
        .call(|c| Store::settings(c))
        .await?
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    Ok(ok(Value::Object(all)))
}

/// `GET /api/admin/settings/{name}`: the value as the message.
pub(super) async fn read(
    State(em): State<Emulator>,
    Path(name): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    superuser(&auth.caller)?;
    let key = name.clone();
    match em.store().call(move |c| Store::setting(c, &key)).await? {
        Some(v) => Ok(msg(v)),
        None => Err(ApiError::not_found(format!("Setting {name} not found")).into()),
    }
}

/// `PUT /api/admin/settings/{name}` with the value as the body: `{name: value}`.
pub(super) async fn write(
    State(em): State<Emulator>,
    Path(name): Path<String>,
    auth: Auth,
    body: Bytes,
) -> Result<Response, AppError> {
    superuser(&auth.caller)?;
    let value = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::bad_request("The setting's value is not valid UTF-8 text."))?;
    let (key, val) = (name.clone(), value.clone());
    em.store()
        .call(move |c| Store::put_setting(c, &key, &val))
        .await?;
    let mut out = Map::new();
    out.insert(name, Value::String(value));
    Ok(ok(Value::Object(out)))
}

/// `DELETE /api/admin/settings/{name}`.
pub(super) async fn remove(
    State(em): State<Emulator>,
    Path(name): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    superuser(&auth.caller)?;
    let key = name.clone();
    em.store()
        .call(move |c| Store::delete_setting(c, &key))
        .await?;
    Ok(msg(format!("Setting {name} deleted.")))
}
