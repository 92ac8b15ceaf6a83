//! Storage drivers of collections and datasets (`Dataverses.getStorageDriver`,
//! `setStorageDriver`, `resetStorageDriver`, `listStorageDrivers`; `Datasets.getFileStore`,
//! `setFileStore`, `resetFileStore`): the store a collection or dataset keeps new files in,
//! inherited from the owner when not set, up to the installation's default.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::AppError;
use super::common::extract::{Params, flag, utf8_body};
use super::common::guards::{authenticated, collection_visible, find_collection, find_dataset};
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::{DvObject, Permission, denied, permitted};
use crate::storage;
use crate::store::storage_drivers;

/// The installation's default store id.
fn default_id(em: &Emulator) -> &'static str {
    storage::default_driver_id(em.s3_config())
}

/// `GET /api/datasets/{id}/storageDriver`: the dataset's effective store.
pub(super) async fn dataset_get(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let default = default_id(&em);
    let id = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let ds = find_dataset(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::not_found("No such dataset")))?;
            let visible = ds.publication_date.is_some()
                || permitted(
                    conn,
                    &caller,
                    Permission::ViewUnpublishedDataset,
                    DvObject::Dataset(ds.id),
                )?;
            if !visible {
                return Err(ApiError::not_found("No such dataset").into());
            }
            Ok(storage_drivers::effective_for_dataset(
                conn, ds.id, default,
            )?)
        })
        .await?;
    Ok(ok(storage::driver_json(em.s3_config(), &id)))
}

/// The superuser check of `setFileStore` / `resetFileStore`.
fn dataset_superuser(caller: &Caller) -> Result<(), ApiError> {
    if caller.user().is_none() {
        return Err(ApiError::bad_request("Authentication is required."));
    }
    if !caller.is_superuser() {
        return Err(ApiError::forbidden("Superusers only."));
    }
    Ok(())
}

/// The store labelled as the body says, or 400 `No Storage Driver found for : <label>`.
fn by_label(drivers: &[storage::Driver], body: &[u8]) -> Result<storage::Driver, ApiError> {
    let label = utf8_body(body)?;
    drivers
        .iter()
        .find(|d| d.label == label)
        .cloned()
        .ok_or_else(|| ApiError::bad_request(format!("No Storage Driver found for : {label}")))
}

/// `PUT /api/datasets/{id}/storageDriver` with a store's label as body (superusers).
pub(super) async fn dataset_set(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    body: Bytes,
) -> Result<Response, AppError> {
    dataset_superuser(&auth.caller)?;
    let drivers = storage::drivers(em.s3_config());
    let driver = em
        .store()
        .call(move |conn| -> Result<storage::Driver, AppError> {
            let ds = find_dataset(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::not_found("No such dataset")))?;
            let driver = by_label(&drivers, &body)?;
            storage_drivers::set_dataset(conn, ds.id, Some(driver.id))?;
            Ok(driver)
        })
        .await?;
    Ok(msg(format!(
        "Storage driver set to: {}/{}",
        driver.label, driver.id
    )))
}

/// `DELETE /api/datasets/{id}/storageDriver`: back to inheriting (superusers).
pub(super) async fn dataset_reset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    dataset_superuser(&auth.caller)?;
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let ds = find_dataset(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::not_found("No such dataset")))?;
            storage_drivers::set_dataset(conn, ds.id, None)?;
            Ok(())
        })
        .await?;
    Ok(msg(format!(
        "Storage reset to default: {}",
        default_id(&em)
    )))
}

/// `GET /api/dataverses/{id}/storageDriver[?getEffective=true]`: the store set on the
/// collection (`undefined` when none is), or with `getEffective` the one it inherits.
pub(super) async fn collection_get(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let effective = flag(&p, "getEffective");
    let default = default_id(&em);
    let id = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let c = find_collection(conn, &idtf)?;
            if !collection_visible(conn, &auth.caller, &c)? {
                return Err(denied(&auth.caller).into());
            }
            Ok(if effective {
                storage_drivers::effective_for_collection(conn, c.id, default)?
            } else {
                storage_drivers::of_collection(conn, c.id)?
                    .unwrap_or_else(|| storage::UNDEFINED_DRIVER_ID.to_owned())
            })
        })
        .await?;
    Ok(ok(storage::driver_json(em.s3_config(), &id)))
}

/// The superuser check of `setStorageDriver` / `resetStorageDriver`.
fn collection_superuser(caller: &Caller) -> Result<(), ApiError> {
    authenticated(caller)?;
    if !caller.is_superuser() {
        return Err(ApiError::forbidden("Superusers only."));
    }
    Ok(())
}

/// `PUT /api/dataverses/{id}/storageDriver` with a store's label as body (superusers).
pub(super) async fn collection_set(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    body: Bytes,
) -> Result<Response, AppError> {
    let drivers = storage::drivers(em.s3_config());
    let driver = em
        .store()
        .call(move |conn| -> Result<storage::Driver, AppError> {
            let c = find_collection(conn, &idtf)?;
            collection_superuser(&auth.caller)?;
            let driver = by_label(&drivers, &body)?;
            storage_drivers::set_collection(conn, c.id, Some(driver.id))?;
            Ok(driver)
        })
        .await?;
    Ok(msg(format!(
        "Storage set to: {}/{}",
        driver.label, driver.id
    )))
}

/// `DELETE /api/dataverses/{id}/storageDriver`: back to inheriting (superusers).
/// Dataverse stores a blank id, which the non-effective read then reports as `""`.
pub(super) async fn collection_reset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let c = find_collection(conn, &idtf)?;
            collection_superuser(&auth.caller)?;
            storage_drivers::set_collection(conn, c.id, Some(""))?;
            Ok(())
        })
        .await?;
    Ok(msg(format!(
        "Storage reset to default: {}",
        default_id(&em)
    )))
}

/// `GET /api/dataverses/{id}/allowedStorageDrivers`: every configured store, label to id
/// (`AddDataverse` on the collection required).
pub(super) async fn collection_allowed(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    em.store()
        .read(move |conn| -> Result<(), AppError> {
            let c = find_collection(conn, &idtf)?;
            authenticated(&auth.caller)?;
            if !permitted(
                conn,
                &auth.caller,
                Permission::AddDataverse,
                DvObject::Collection(c.id),
            )? {
                return Err(denied(&auth.caller).into());
            }
            Ok(())
        })
        .await?;
    let list: Map<String, Value> = storage::drivers(em.s3_config())
        .into_iter()
        .map(|d| (d.label, Value::String(d.id.to_owned())))
        .collect();
    Ok(ok(Value::Object(list)))
}
