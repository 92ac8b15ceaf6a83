//! pyDataverse's names for the collection methods (`get_dataverse`, `create_dataverse`,
//! ...), so scripts ported from it read the same. Each is the `*_collection` method it
//! names.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::IntoCollectionId;
use crate::models::collections::{Collection, CollectionCreateBody, ContentItem};
use crate::models::common::Message;
use crate::models::roles::RoleAssignment;

impl NativeApi {
    /// pyDataverse's name for [`get_collection`](Self::get_collection).
    ///
    /// Endpoint: `GET /api/dataverses/{id}`
    pub async fn get_dataverse(&self, identifier: impl IntoCollectionId) -> Result<Collection> {
        self.get_collection(identifier).await
    }

    /// pyDataverse's name for [`create_collection`](Self::create_collection).
    ///
    /// Endpoint: `POST /api/dataverses/{parent}`
    pub async fn create_dataverse(
        &self,
        parent: impl IntoCollectionId,
        metadata: &CollectionCreateBody,
    ) -> Result<Collection> {
        self.create_collection(parent, metadata).await
    }

    /// pyDataverse's name for [`publish_collection`](Self::publish_collection).
    ///
    /// Endpoint: `POST /api/dataverses/{id}/actions/:publish`
    pub async fn publish_dataverse(&self, identifier: impl IntoCollectionId) -> Result<Collection> {
        self.publish_collection(identifier).await
    }

    /// pyDataverse's name for [`delete_collection`](Self::delete_collection).
    ///
    /// Endpoint: `DELETE /api/dataverses/{id}`
    pub async fn delete_dataverse(&self, identifier: impl IntoCollectionId) -> Result<Message> {
        self.delete_collection(identifier).await
    }

    /// pyDataverse's name for [`get_collection_contents`](Self::get_collection_contents).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents`
    pub async fn get_dataverse_contents(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<ContentItem>> {
        self.get_collection_contents(identifier).await
    }

    /// pyDataverse's name for [`get_collection_assignments`](Self::get_collection_assignments).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/assignments`
    pub async fn get_dataverse_assignments(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<RoleAssignment>> {
        self.get_collection_assignments(identifier).await
    }

    /// pyDataverse's name for [`get_collection_facets`](Self::get_collection_facets).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/facets`
    pub async fn get_dataverse_facets(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<String>> {
        self.get_collection_facets(identifier).await
    }

    /// pyDataverse's `dataverse_id2alias`: the alias of a collection given by id (or
    /// alias).
    ///
    /// Endpoint: `GET /api/dataverses/{id}`
    pub async fn dataverse_id2alias(&self, identifier: impl IntoCollectionId) -> Result<String> {
        let id = identifier.into_collection_id()?;
        let c = self.get_collection(&id).await?;
        c.alias.ok_or_else(|| {
            let url = self.url_for(&Request::get("dataverses").seg(&id));
            Error::decode("GET", url, "alias", "the collection has no alias")
        })
    }
}
