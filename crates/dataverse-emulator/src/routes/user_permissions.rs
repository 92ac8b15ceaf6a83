//! What the caller may do on a collection, a dataset or a file (`@AuthRequired`):
//! `Dataverses.getUserPermissionsOnDataverse`, `Datasets.getUserPermissionsOnDataset` and
//! `Access.getUserPermissionsOnFile`, with exactly their keys. Guests get answers too (all
//! `false` but what `:guest` assignments give), except on files, where Dataverse asks for
//! an authenticated user.

use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::AppError;
use super::common::extract::Params;
use super::common::guards::{authenticated, find_collection, find_dataset, find_file};
use crate::auth::{Auth, Caller};
use crate::envelope::ok;
use crate::model::VersionState;
use crate::permissions::{DvObject, Permission, permitted};
use crate::store::files::{self, DataFileRow};
use crate::{Emulator, Error};

/// The keys of a collection's answer, in Dataverse's order.
const COLLECTION_KEYS: [(&str, Permission); 7] = [
    ("canAddDataverse", Permission::AddDataverse),
    ("canAddDataset", Permission::AddDataset),
    (
        "canViewUnpublishedDataverse",
        Permission::ViewUnpublishedDataverse,
    ),
    ("canEditDataverse", Permission::EditDataverse),
    (
        "canManageDataversePermissions",
        Permission::ManageDataversePermissions,
    ),
    ("canPublishDataverse", Permission::PublishDataverse),
    ("canDeleteDataverse", Permission::DeleteDataverse),
];

/// The keys of a dataset's answer, in Dataverse's order.
const DATASET_KEYS: [(&str, Permission); 5] = [
    (
        "canViewUnpublishedDataset",
        Permission::ViewUnpublishedDataset,
    ),
    ("canEditDataset", Permission::EditDataset),
    ("canPublishDataset", Permission::PublishDataset),
    (
        "canManageDatasetPermissions",
        Permission::ManageDatasetPermissions,
    ),
    ("canDeleteDatasetDraft", Permission::DeleteDatasetDraft),
];

fn flags(
    conn: &Connection,
    caller: &Caller,
    object: DvObject,
    keys: &[(&str, Permission)],
) -> Result<Value, Error> {
    let mut m = Map::new();
    for (key, permission) in keys {
        m.insert(
            (*key).into(),
            permitted(conn, caller, *permission, object)?.into(),
        );
    }
    Ok(Value::Object(m))
}

pub(super) async fn collection(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            Ok(flags(
                conn,
                &auth.caller,
                DvObject::Collection(c.id),
                &COLLECTION_KEYS,
            )?)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            Ok(flags(
                conn,
                &auth.caller,
                DvObject::Dataset(ds.id),
                &DATASET_KEYS,
            )?)
        })
        .await?;
    Ok(ok(v))
}

pub(super) async fn file(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    authenticated(&auth.caller)?;
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            let caller = &auth.caller;
            let on_dataset = DvObject::Dataset(df.dataset_id);
            let download = publicly_downloadable(conn, &df)?
                || permitted(conn, caller, Permission::DownloadFile, on_dataset)?;
            let mut m = Map::new();
            m.insert("canDownloadFile".into(), download.into());
            m.insert(
                "canManageFilePermissions".into(),
                permitted(conn, caller, Permission::ManageFilePermissions, on_dataset)?.into(),
            );
            m.insert(
                "canEditOwnerDataset".into(),
                permitted(conn, caller, Permission::EditDataset, on_dataset)?.into(),
            );
            Ok(Value::Object(m))
        })
        .await?;
    Ok(ok(v))
}

/// `PermissionServiceBean.isPublicallyDownloadable`: an unrestricted file of the dataset's
/// released version may be downloaded by everybody.
fn publicly_downloadable(conn: &Connection, df: &DataFileRow) -> Result<bool, Error> {
    let listing = files::versions_listing(conn, df.id)?;
    // `DataFile.isRestricted`: the file's newest metadata.
    let Some(newest) = listing.first() else {
        return Ok(false);
    };
    let restricted =
        files::meta_in_version(conn, newest.id, df.id)?.is_some_and(|fm| fm.restricted);
    if restricted {
        return Ok(false);
    }
    let released = crate::store::datasets::versions(conn, df.dataset_id)?
        .into_iter()
        .find(|v| v.state == VersionState::Released);
    Ok(released.is_some_and(|r| listing.iter().any(|v| v.id == r.id)))
}
