//! Dataset locks, role assignments and private (preview) URLs (`Datasets.java`).

use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use super::AppError;
use super::common::assignments::{GrantOn, grant};
use super::common::extract::DvJson;
use super::common::extract::Params;
use super::common::guards::find_dataset;
use super::common::guards::require;
use super::common::guards::superuser;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::model::{LockType, VersionState};
use crate::permissions::{DvObject, Permission};
use crate::printer;
use crate::store::datasets::{self, DatasetRow};
use crate::store::{collections, dataset_write, locks, roles};
use crate::{Emulator, Error};

/// `?type=` as a JAX-RS enum: absent ⇒ `None`; unknown ⇒ the 404 of an unknown endpoint.
fn lock_type_param(
    p: &std::collections::HashMap<String, String>,
    info: &RequestInfo,
) -> Result<Option<LockType>, ApiError> {
    match p.get("type") {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| ApiError::endpoint_not_found(info)),
    }
}

pub(super) async fn list_locks(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    _auth: Auth,
) -> Result<Response, AppError> {
    let only = lock_type_param(&p, &info)?;
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            let pid = ds.pid();
            let list: Vec<Value> = locks::on(conn, ds.id)?
                .iter()
                .filter(|l| only.is_none_or(|t| l.lock_type == t))
                .map(|l| printer::locks::lock(l, &pid))
                .collect();
            Ok(Value::Array(list))
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn add_lock(
    State(em): State<Emulator>,
    Path((idtf, kind)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let Ok(kind) = kind.parse::<LockType>() else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    superuser(&auth.caller)?;
    let user_id = auth.caller.user().map(|u| u.id);
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            if locks::has(&tx, ds.id, kind)? {
                return Err(ApiError::forbidden(format!(
                    "dataset already locked with lock type {kind}"
                ))
                .into());
            }
            locks::add(&tx, ds.id, kind, user_id, None)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(msg(format!("dataset locked with lock type {kind}")))
}

pub(super) async fn remove_locks(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let only = lock_type_param(&p, &info)?;
    superuser(&auth.caller)?;
    let m = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let removed = locks::remove(&tx, ds.id, only)?;
            tx.commit()?;
            Ok(match (only, removed) {
                (None, 0) => "dataset not locked".to_string(),
                (None, _) => "locks removed".to_string(),
                (Some(t), 0) => format!("no lock type {t} on the dataset"),
                (Some(t), _) => format!("lock type {t} removed"),
            })
        })
        .await?;
    Ok(msg(m))
}

pub(super) async fn list_assignments(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            super::common::assignments::list(
                conn,
                &auth.caller,
                Permission::ManageDatasetPermissions,
                DvObject::Dataset(ds.id),
                &[ds.id, ds.owner_id],
            )
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn add_assignment(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvJson(body): DvJson<Value>,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let owner_name = collections::by_id(&tx, ds.owner_id)?
                .map(|c| c.name)
                .unwrap_or_default();
            let on = GrantOn {
                object: DvObject::Dataset(ds.id),
                permission: Permission::ManageDatasetPermissions,
                role_scope: ds.owner_id,
                role_not_found: Box::new(move |role| {
                    format!("Cannot find role named '{role}' in dataverse {owner_name}")
                }),
            };
            let json = grant(&tx, &auth.caller, &on, &body)?;
            tx.commit()?;
            Ok(json)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn remove_assignment(
    State(em): State<Emulator>,
    Path((idtf, aid)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let Ok(aid) = aid.trim().parse::<i64>() else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    let m = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            // `em.find` first: an unknown assignment is a 404 whatever the dataset.
            let Some(a) = roles::assignment(&tx, aid)? else {
                // The bundle text (`datasets.api.revoke.role.not.found.error`) is quoted.
                return Err(
                    ApiError::not_found(format!("\"Role assignment {aid} not found\"")).into(),
                );
            };
            find_dataset(&tx, &idtf, &p)?;
            let m = super::common::assignments::revoke(&tx, &auth.caller, &a)?;
            tx.commit()?;
            Ok(m)
        })
        .await?;
    Ok(msg(m))
}

fn manage(conn: &Connection, caller: &Caller, ds: &DatasetRow) -> Result<(), AppError> {
    require(
        conn,
        caller,
        Permission::ManageDatasetPermissions,
        DvObject::Dataset(ds.id),
    )
}

pub(super) async fn create_private_url(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let host = em.config().hostname.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            manage(&tx, &auth.caller, &ds)?;
            if dataset_write::private_url(&tx, ds.id)?.is_some() {
                return Err(ApiError::forbidden(
                    "Preview URL already exists for this dataset.",
                ).into());
            }
            let all = datasets::versions(&tx, ds.id)?;
            if all.first().is_none_or(|v| v.state != VersionState::Draft) {
                return Err(ApiError::forbidden(
                    "Can't create Preview URL because the latest version of this dataset is not a draft.",
                ).into());
            }
            let member = roles::find_available(&tx, ds.owner_id, "member")?
                .ok_or_else(|| Error::Store("built-in role member missing".into()))?;
            let token = uuid::Uuid::new_v4().to_string();
            let aid = dataset_write::create_private_url(&tx, ds.id, member.id, &token)?;
            let json = printer::roles::private_url(&tx, &host, aid, &token)?;
            tx.commit()?;
            Ok(json)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn get_private_url(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let host = em.config().hostname.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            manage(conn, &auth.caller, &ds)?;
            let Some((aid, token)) = dataset_write::private_url(conn, ds.id)? else {
                return Err(ApiError::not_found("Private URL not found.").into());
            };
            Ok(printer::roles::private_url(conn, &host, aid, &token)?)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn delete_private_url(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            manage(&tx, &auth.caller, &ds)?;
            if !dataset_write::delete_private_url(&tx, ds.id)? {
                return Err(ApiError::not_found("No Private URL to delete.").into());
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(msg("Private URL deleted."))
}
