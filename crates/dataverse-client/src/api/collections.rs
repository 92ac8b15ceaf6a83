//! `/api/dataverses/{id}`: collections, their contents, roles, assignments and facets.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::IntoCollectionId;
use crate::models::collections::{
    Collection, CollectionCreateBody, ContentItem, FacetDetail, UpdateCollection,
};
use crate::models::common::Message;
use crate::models::roles::{Role, RoleAssignment};

fn to_json<T: serde::Serialize>(body: &T) -> Result<serde_json::Value> {
    serde_json::to_value(body)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode the request body: {e}")))
}

impl NativeApi {
    /// A collection, by alias, numeric id or `:root`.
    ///
    /// Endpoint: `GET /api/dataverses/{id}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let root = api.get_collection(":root").await?;
    /// println!("{:?} {:?}", root.alias, root.name);
    /// let harvard = api.get_collection("harvard").await?;
    /// let by_id = api.get_collection(1).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_collection(&self, identifier: impl IntoCollectionId) -> Result<Collection> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id)).await
    }

    /// Create a collection under `parent`. The body is checked locally first
    /// ([`CollectionCreateBody::validate`]); the new collection is unpublished and its
    /// creator gets the `admin` role on it. Never re-sent once it may have reached the server.
    ///
    /// Endpoint: `POST /api/dataverses/{parent}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::collections::CollectionCreateBody;
    /// let body = CollectionCreateBody::new("Research Laboratory", "research-lab", "lab@university.edu")
    ///     .affiliation("Department of Science");
    /// let created = api.create_collection("root", &body).await?;
    /// println!("{:?} {:?}", created.id, created.alias);
    /// # Ok(()) }
    /// ```
    pub async fn create_collection(
        &self,
        parent: impl IntoCollectionId,
        metadata: &CollectionCreateBody,
    ) -> Result<Collection> {
        let parent = parent.into_collection_id()?;
        metadata.validate()?;
        let req = Request::post("dataverses")
            .seg(&parent)
            .json(to_json(metadata)?);
        self.execute(req).await
    }

    /// Change the fields of a collection that are set in `metadata`; the others stay.
    ///
    /// Endpoint: `PUT /api/dataverses/{id}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::collections::UpdateCollection;
    /// let update = UpdateCollection {
    ///     name: Some("Updated Research Laboratory".into()),
    ///     description: Some("An updated description.".into()),
    ///     ..Default::default()
    /// };
    /// let updated = api.update_collection("research-lab", &update).await?;
    /// println!("{:?}", updated.name);
    /// # Ok(()) }
    /// ```
    pub async fn update_collection(
        &self,
        identifier: impl IntoCollectionId,
        metadata: &UpdateCollection,
    ) -> Result<Collection> {
        let id = identifier.into_collection_id()?;
        metadata.validate()?;
        let req = Request::put("dataverses").seg(&id).json(to_json(metadata)?);
        self.execute(req).await
    }

    /// Publish a collection (its parent must be published). Not retried once sent: a second
    /// publish is refused by the server.
    ///
    /// Endpoint: `POST /api/dataverses/{id}/actions/:publish`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let published = api.publish_collection("research-lab").await?;
    /// assert_eq!(published.is_released, Some(true));
    /// # Ok(()) }
    /// ```
    pub async fn publish_collection(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Collection> {
        let id = identifier.into_collection_id()?;
        self.execute(
            Request::post("dataverses")
                .seg(&id)
                .seg("actions")
                .seg(":publish"),
        )
        .await
    }

    /// Delete an empty, unpublished collection. Not retried once sent.
    ///
    /// Endpoint: `DELETE /api/dataverses/{id}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let message = api.delete_collection("research-lab").await?;
    /// println!("{}", message.message);
    /// # Ok(()) }
    /// ```
    pub async fn delete_collection(&self, identifier: impl IntoCollectionId) -> Result<Message> {
        let id = identifier.into_collection_id()?;
        let mut req = Request::delete("dataverses").seg(&id);
        req.idempotent = false;
        let message = self.execute_message(req).await?;
        Ok(Message { message })
    }

    /// The sub-collections (first) and datasets directly inside a collection.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::collections::ContentItem;
    /// for item in api.get_collection_contents(":root").await? {
    ///     match item {
    ///         ContentItem::Collection(c) => println!("collection {} {:?}", c.id, c.title),
    ///         ContentItem::Dataset(d) => println!("dataset {:?}", d.persistent_id()),
    ///         ContentItem::Other(v) => println!("other {v}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_contents(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<ContentItem>> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id).seg("contents"))
            .await
    }

    /// The role assignments on a collection (needs ManageDataversePermissions).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/assignments`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for a in api.get_collection_assignments("root").await? {
    ///     println!("{} {:?}", a.assignee, a.role_alias);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_assignments(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<RoleAssignment>> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id).seg("assignments"))
            .await
    }

    /// The roles available on a collection: the built-in ones and those defined on it and its
    /// ancestors, in Dataverse's order (needs ManageDataversePermissions).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/roles`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for role in api.get_dataverse_roles("root").await? {
    ///     println!("{} {:?}", role.alias, role.permissions);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_dataverse_roles(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<Role>> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id).seg("roles"))
            .await
    }

    /// The search facets of a collection (inherited from the nearest facet root), by field name.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/facets`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let facets = api.get_collection_facets("root").await?;
    /// assert!(facets.contains(&"subject".to_string()));
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_facets(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<String>> {
        let id = identifier.into_collection_id()?;
        self.execute(Request::get("dataverses").seg(&id).seg("facets"))
            .await
    }

    /// The search facets of a collection with their ids and display names.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/facets?returnDetails=true`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for f in api.get_collection_facet_details("root").await? {
    ///     println!("{} {:?}", f.name, f.display_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_facet_details(
        &self,
        identifier: impl IntoCollectionId,
    ) -> Result<Vec<FacetDetail>> {
        let id = identifier.into_collection_id()?;
        let req = Request::get("dataverses")
            .seg(&id)
            .seg("facets")
            .query("returnDetails", "true");
        self.execute(req).await
    }
}
