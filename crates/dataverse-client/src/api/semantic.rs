//! The semantic (JSON-LD) metadata API of `/api/datasets/{id}/metadata`: a dataset
//! version's metadata as an OAI-ORE aggregation in JSON-LD, and metadata given as JSON-LD
//! added, replaced or deleted. [`jsonld_triples`](crate::models::jsonld::jsonld_triples)
//! turns a document into RDF triples.

use serde_json::Value;

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::jsonld::JsonLdUpdate;

/// The media type of the semantic API's requests and answers.
const JSONLD: &str = "application/ld+json";

impl NativeApi {
    /// A dataset version's metadata as JSON-LD: the OAI-ORE aggregation (the dataset, its
    /// fields under their vocabulary terms, license, owners) with an inline `@context`.
    /// `None` is `:latest`.
    ///
    /// Endpoint: `GET /api/datasets/{id}/metadata`, or `GET /api/datasets/{id}/versions/{v}/metadata` (`Accept: application/ld+json`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let doc = api.get_dataset_jsonld("doi:10.5072/FK2/ABC123", None).await?;
    /// println!("{}", doc["schema:name"]);
    /// for t in dataverse_client::models::jsonld::jsonld_triples(&doc)? {
    ///     println!("{t}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_jsonld(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Option<Version>,
    ) -> Result<Value> {
        let id = identifier.into_persistent_or_id()?;
        self.jsonld_of(id, version).await
    }

    /// The JSON-LD of many datasets at once (the same version selector for each), at most
    /// [`max_concurrency`](NativeApi::max_concurrency) requests at a time; one result per
    /// identifier, in input order.
    ///
    /// Endpoint: `GET /api/datasets/{id}/metadata` per identifier
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let docs = api.get_datasets_jsonld(["doi:10.5072/FK2/A", "doi:10.5072/FK2/B"], None).await;
    /// println!("{} fetched", docs.iter().filter(|d| d.is_ok()).count());
    /// # Ok(()) }
    /// ```
    pub async fn get_datasets_jsonld<I>(
        &self,
        identifiers: I,
        version: Option<Version>,
    ) -> Vec<Result<Value>>
    where
        I: IntoIterator,
        I::Item: IntoPersistentOrId,
    {
        let ids: Vec<Result<PersistentOrId>> = identifiers
            .into_iter()
            .map(|i| i.into_persistent_or_id())
            .collect();
        self.bulk(ids, None, move |api, id| async move {
            api.jsonld_of(id, version).await
        })
        .await
    }

    async fn jsonld_of(&self, id: PersistentOrId, version: Option<Version>) -> Result<Value> {
        let req = match version {
            None => Request::get("datasets").id(&id).seg("metadata"),
            Some(v) => Request::get("datasets")
                .id(&id)
                .seg("versions")
                .seg(v)
                .seg("metadata"),
        };
        self.execute(req.header("Accept", JSONLD)).await
    }

    /// Add metadata given as JSON-LD to the dataset's draft (made when there is none):
    /// values are appended to multi-valued fields, and a single-valued field that already
    /// has a value is refused; with `replace`, each field named replaces the old values.
    /// Terms are matched by their full IRI, so any `@context` that expands to the same
    /// terms works.
    ///
    /// Endpoint: `PUT /api/datasets/{id}/metadata[?replace=true]` (`Content-Type: application/ld+json`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let doc = serde_json::json!({
    ///     "@context": {"citation": "https://dataverse.org/schema/citation/"},
    ///     "citation:keyword": {"citation:keywordValue": "finches"}
    /// });
    /// let done = api.update_dataset_jsonld("doi:10.5072/FK2/ABC123", &doc, false).await?;
    /// println!("{} on {}", if done.created { "draft created" } else { "draft updated" }, done.date);
    /// # Ok(()) }
    /// ```
    pub async fn update_dataset_jsonld(
        &self,
        identifier: impl IntoPersistentOrId,
        metadata: &Value,
        replace: bool,
    ) -> Result<JsonLdUpdate> {
        let id = identifier.into_persistent_or_id()?;
        let mut req = Request::put("datasets").id(&id).seg("metadata");
        if replace {
            req = req.query("replace", "true");
        }
        self.jsonld_write(req, metadata).await
    }

    /// Delete the fields named in a JSON-LD document from the dataset's draft (made when
    /// there is none); every value of a named field goes. A term that is no field is
    /// refused.
    ///
    /// Endpoint: `PUT /api/datasets/{id}/metadata/delete` (`Content-Type: application/ld+json`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let doc = serde_json::json!({"https://dataverse.org/schema/citation/keyword": ""});
    /// api.delete_dataset_jsonld("doi:10.5072/FK2/ABC123", &doc).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_dataset_jsonld(
        &self,
        identifier: impl IntoPersistentOrId,
        metadata: &Value,
    ) -> Result<JsonLdUpdate> {
        let id = identifier.into_persistent_or_id()?;
        let req = Request::put("datasets")
            .id(&id)
            .seg("metadata")
            .seg("delete");
        self.jsonld_write(req, metadata).await
    }

    async fn jsonld_write(&self, req: Request, metadata: &Value) -> Result<JsonLdUpdate> {
        if !metadata.is_object() {
            return Err(Error::InvalidArgument(
                "JSON-LD metadata must be a JSON object".into(),
            ));
        }
        let req = req.header("Content-Type", JSONLD).json(metadata.clone());
        let data: Value = self.execute(req).await?;
        Ok(JsonLdUpdate::from_data(&data))
    }
}
