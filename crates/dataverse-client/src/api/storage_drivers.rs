//! Storage drivers: the store a collection or dataset keeps new files in (`file`, `s3`,
//! ...), set by superusers on a collection (inherited by everything under it) or on one
//! dataset, and the list of the installation's stores.
//!
//! Setting or resetting a driver through this client forgets what it had learnt about
//! direct upload to the datasets concerned, so the next upload asks again.

use std::collections::BTreeMap;

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::ids::{IntoCollectionId, IntoPersistentOrId};
use crate::models::direct_upload::StorageDriver;

impl NativeApi {
    /// Keep the dataset's new files in the store labelled `label` (superusers). Answers
    /// the server's message (`Storage driver set to: <label>/<id>`); an unknown label is
    /// [`Error::BadRequest`](crate::Error::BadRequest).
    ///
    /// Endpoint: `PUT /api/datasets/{id}/storageDriver` (the label as body)
    pub async fn set_dataset_storage_driver(
        &self,
        dataset: impl IntoPersistentOrId,
        label: &str,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let message = self
            .execute_message(
                Request::put("datasets")
                    .id(&id)
                    .seg("storageDriver")
                    .text(label),
            )
            .await?;
        self.direct_offers().remove(&id.to_string());
        Ok(message)
    }

    /// Let the dataset inherit its collection's store again (superusers).
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/storageDriver`
    pub async fn reset_dataset_storage_driver(
        &self,
        dataset: impl IntoPersistentOrId,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let message = self
            .execute_message(Request::delete("datasets").id(&id).seg("storageDriver"))
            .await?;
        self.direct_offers().remove(&id.to_string());
        Ok(message)
    }

    /// The store set on a collection, or with `effective` the one it uses (its own, else
    /// inherited from its owners, else the installation's default). A collection with no
    /// store of its own answers the name `undefined` (or `""` after a reset) and no type.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/storageDriver[?getEffective=true]`
    pub async fn get_collection_storage_driver(
        &self,
        collection: impl IntoCollectionId,
        effective: bool,
    ) -> Result<StorageDriver> {
        let id = collection.into_collection_id()?;
        let mut req = Request::get("dataverses").seg(&id).seg("storageDriver");
        if effective {
            req = req.query("getEffective", "true");
        }
        self.execute(req).await
    }

    /// Keep the new files of a collection (and of everything under it that sets no store
    /// of its own) in the store labelled `label` (superusers).
    ///
    /// Endpoint: `PUT /api/dataverses/{id}/storageDriver` (the label as body)
    pub async fn set_collection_storage_driver(
        &self,
        collection: impl IntoCollectionId,
        label: &str,
    ) -> Result<String> {
        let id = collection.into_collection_id()?;
        let message = self
            .execute_message(
                Request::put("dataverses")
                    .seg(&id)
                    .seg("storageDriver")
                    .text(label),
            )
            .await?;
        self.direct_offers().clear();
        Ok(message)
    }

    /// Let the collection inherit its owner's store again (superusers).
    ///
    /// Endpoint: `DELETE /api/dataverses/{id}/storageDriver`
    pub async fn reset_collection_storage_driver(
        &self,
        collection: impl IntoCollectionId,
    ) -> Result<String> {
        let id = collection.into_collection_id()?;
        let message = self
            .execute_message(Request::delete("dataverses").seg(&id).seg("storageDriver"))
            .await?;
        self.direct_offers().clear();
        Ok(message)
    }

    /// The installation's stores a collection may use, label to id.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/allowedStorageDrivers`
    pub async fn list_storage_drivers(
        &self,
        collection: impl IntoCollectionId,
    ) -> Result<BTreeMap<String, String>> {
        let id = collection.into_collection_id()?;
        self.execute(
            Request::get("dataverses")
                .seg(&id)
                .seg("allowedStorageDrivers"),
        )
        .await
    }
}
