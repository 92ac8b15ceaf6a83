//! Roles (`/api/roles`, `/api/dataverses/{id}/roles`) and role assignments on collections
//! and datasets (`.../assignments`).

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoCollectionId, IntoPersistentOrId};
use crate::models::roles::{AssignmentRequest, Role, RoleAssignment, RoleDefinition, RoleRef};

fn body<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode the request body: {e}")))
}

fn role_request(method: fn(&'static str) -> Request, role: &RoleRef) -> Request {
    match role {
        RoleRef::Id(id) => method("roles").seg(id),
        RoleRef::Alias(alias) => method("roles").seg(":alias").query("alias", alias),
    }
}

fn assignment_body(assignee: &str, role: &str) -> Result<serde_json::Value> {
    if assignee.trim().is_empty() || role.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "an assignment needs an assignee and a role alias".into(),
        ));
    }
    body(&AssignmentRequest {
        assignee: assignee.to_string(),
        role: role.to_string(),
    })
}

impl NativeApi {
    /// Create a role on a collection (superusers only; the alias must be unused). The body
    /// is checked locally first ([`RoleDefinition::validate`]). Not retried once sent.
    ///
    /// Endpoint: `POST /api/roles?dvo={collection}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::roles::RoleDefinition;
    /// let def = RoleDefinition::new("downloader2", "Downloader", ["DownloadFile"]);
    /// let role = api.create_role("root", &def).await?;
    /// println!("{:?} {}", role.id, role.alias);
    /// # Ok(()) }
    /// ```
    pub async fn create_role(
        &self,
        collection: impl IntoCollectionId,
        role: &RoleDefinition,
    ) -> Result<Role> {
        let collection = collection.into_collection_id()?;
        role.validate()?;
        let req = Request::post("roles")
            .query("dvo", collection.segment())
            .json(body(role)?);
        self.execute(req).await
    }

    /// A role by id or alias (superusers, or those who may manage the permissions of the
    /// collection defining it).
    ///
    /// Endpoint: `GET /api/roles/{id}` or `GET /api/roles/:alias?alias={alias}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let curator = api.show_role("curator").await?;
    /// let by_id = api.show_role(7u64).await?;
    /// # Ok(()) }
    /// ```
    pub async fn show_role(&self, role: impl Into<RoleRef>) -> Result<Role> {
        self.execute(role_request(Request::get, &role.into())).await
    }

    /// Delete a role defined on a collection, and every assignment of it (built-in roles
    /// are refused). Answers the server's message.
    ///
    /// Endpoint: `DELETE /api/roles/{id}` or `DELETE /api/roles/:alias?alias={alias}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.delete_role("downloader2").await?);
    /// # Ok(()) }
    /// ```
    pub async fn delete_role(&self, role: impl Into<RoleRef>) -> Result<String> {
        self.execute_message(role_request(Request::delete, &role.into()))
            .await
    }

    /// Grant a role (by alias) on a collection to `assignee` (`@user`,
    /// `:authenticated-users`, ...). The caller needs ManageDataversePermissions and every
    /// permission of the role. Not retried once sent.
    ///
    /// Endpoint: `POST /api/dataverses/{id}/assignments`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let a = api.set_collection_assignment("lab", "@alice", "curator").await?;
    /// println!("assignment {:?}", a.id);
    /// # Ok(()) }
    /// ```
    pub async fn set_collection_assignment(
        &self,
        collection: impl IntoCollectionId,
        assignee: &str,
        role: &str,
    ) -> Result<RoleAssignment> {
        let collection = collection.into_collection_id()?;
        let req = Request::post("dataverses")
            .seg(&collection)
            .seg("assignments")
            .json(assignment_body(assignee, role)?);
        self.execute(req).await
    }

    /// Revoke a role assignment (by its id) through a collection. Answers the server's
    /// message.
    ///
    /// Endpoint: `DELETE /api/dataverses/{id}/assignments/{assignmentId}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.remove_collection_assignment("lab", 12).await?);
    /// # Ok(()) }
    /// ```
    pub async fn remove_collection_assignment(
        &self,
        collection: impl IntoCollectionId,
        assignment_id: u64,
    ) -> Result<String> {
        let collection = collection.into_collection_id()?;
        let req = Request::delete("dataverses")
            .seg(&collection)
            .seg("assignments")
            .seg(assignment_id);
        self.execute_message(req).await
    }

    /// Grant a role (by alias, one available on the dataset's collection) on a dataset.
    /// The caller needs ManageDatasetPermissions and every permission of the role. Not
    /// retried once sent.
    ///
    /// Endpoint: `POST /api/datasets/{id}/assignments`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// api.set_dataset_assignment("doi:10.5072/FK2/ABC123", "@bob", "fileDownloader").await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_dataset_assignment(
        &self,
        dataset: impl IntoPersistentOrId,
        assignee: &str,
        role: &str,
    ) -> Result<RoleAssignment> {
        let id = dataset.into_persistent_or_id()?;
        let req = Request::post("datasets")
            .id(&id)
            .seg("assignments")
            .json(assignment_body(assignee, role)?);
        self.execute(req).await
    }

    /// Revoke a role assignment (by its id) through a dataset; an assignment on the
    /// dataset's collection can be revoked this way too. Answers the server's message.
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/assignments/{assignmentId}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// api.remove_dataset_assignment("doi:10.5072/FK2/ABC123", 12).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_dataset_assignment(
        &self,
        dataset: impl IntoPersistentOrId,
        assignment_id: u64,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let req = Request::delete("datasets")
            .id(&id)
            .seg("assignments")
            .seg(assignment_id);
        self.execute_message(req).await
    }
}
