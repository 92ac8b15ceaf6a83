//! What the caller may do: `/api/dataverses/{id}/userPermissions`,
//! `/api/datasets/{id}/userPermissions` and `/api/access/datafile/{id}/userPermissions`.

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::ids::{IntoCollectionId, IntoPersistentOrId};
use crate::models::permissions::{CollectionPermissions, DatasetPermissions, FilePermissions};

impl NativeApi {
    /// The caller's permissions on a collection (a guest's too: what `:guest` may do).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/userPermissions`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let p = api.get_collection_user_permissions("harvard").await?;
    /// if p.can_add_dataset {
    ///     println!("may deposit here");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_user_permissions(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<CollectionPermissions> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id).seg("userPermissions"))
            .await
    }

    /// The caller's permissions on a dataset (a guest's too).
    ///
    /// Endpoint: `GET /api/datasets/{id}/userPermissions`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let p = api.get_dataset_user_permissions("doi:10.5072/FK2/ABC123").await?;
    /// println!("edit: {}, publish: {}", p.can_edit_dataset, p.can_publish_dataset);
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_user_permissions(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<DatasetPermissions> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(Request::get("datasets").id(&id).seg("userPermissions"))
            .await
    }

    /// The caller's permissions on a file. Dataverse answers only authenticated users
    /// (a guest gets [`Error::Unauthorized`](crate::Error::Unauthorized)).
    ///
    /// Endpoint: `GET /api/access/datafile/{id}/userPermissions`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let p = api.get_datafile_user_permissions(42).await?;
    /// println!("download: {}", p.can_download_file);
    /// # Ok(()) }
    /// ```
    pub async fn get_datafile_user_permissions(
        &self,
        file: impl IntoPersistentOrId,
    ) -> Result<FilePermissions> {
        let id = file.into_persistent_or_id()?;
        self.execute(
            Request::get("access")
                .seg("datafile")
                .id(&id)
                .seg("userPermissions"),
        )
        .await
    }
}
