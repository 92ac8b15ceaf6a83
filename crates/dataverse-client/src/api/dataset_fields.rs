//! Schema reads about dataset fields: the facetable fields and the dataset summary fields.

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::models::metadatablocks::FieldType;

impl NativeApi {
    /// Every field of the installation's metadata blocks that can be a search facet, in
    /// the server's order (by field id), each with its full definition.
    ///
    /// Endpoint: `GET /api/datasetfields/facetables`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for field in api.get_facetable_dataset_fields().await? {
    ///     println!("{} ({:?})", field.name, field.display_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_facetable_dataset_fields(&self) -> Result<Vec<FieldType>> {
        self.execute(Request::get("datasetfields").seg("facetables"))
            .await
    }

    /// The names of the fields a dataset page shows in its summary
    /// (`:CustomDatasetSummaryFields`, by default `dsDescription`, `subject`, `keyword`,
    /// `publication`, `notesText`).
    ///
    /// Endpoint: `GET /api/datasets/summaryFieldNames`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let names = api.get_dataset_summary_field_names().await?;
    /// println!("{}", names.join(", "));
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_summary_field_names(&self) -> Result<Vec<String>> {
        self.execute(Request::get("datasets").seg("summaryFieldNames"))
            .await
    }

    /// End the API session of a client signed in with a session cookie; returns the
    /// server's message (`User logged out`). Dataverse serves this only with its
    /// `api-session-auth` feature flag on; otherwise (and always on the embedded server)
    /// it answers with a server error saying so. An API token is not affected.
    ///
    /// Endpoint: `POST /api/logout`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// match api.logout().await {
    ///     Ok(message) => println!("{message}"),
    ///     Err(e) => eprintln!("no session to end: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn logout(&self) -> Result<String> {
        self.execute_message(Request::post("logout")).await
    }
}
