//! A collection's set-up: the metadata blocks it offers (its own or inherited), whether it
//! is a metadata-block root, its input levels, its attributes, and the pre-flight check of
//! a dataset body against what the collection offers.

use indexmap::IndexMap;
use serde_json::Value;

use crate::api::metadatablocks::MetadataBlocks;
use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::IntoCollectionId;
use crate::models::collection_setup::InputLevel;
use crate::models::collections::Collection;
use crate::models::metadata::{DatasetCreateBody, MetadataProblem, validate_metadata};
use crate::models::metadatablocks::{MetadataBlock, MetadataBlockInfo};

impl NativeApi {
    /// The metadata blocks a collection offers: its own when it is a metadata-block root,
    /// else those of the nearest ancestor that is. `only_displayed_on_create` keeps the
    /// blocks (and, with `full`, the fields) shown on the create form or required; `full`
    /// returns the field definitions as the collection sets them up (fields its input
    /// levels leave out are absent, `isRequired` includes its required levels).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/metadatablocks?onlyDisplayedOnCreate=&returnDatasetFieldTypes=`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let blocks = api.list_collection_metadatablocks("research-lab", true, false).await?;
    /// println!("{:?}", blocks.names());
    /// # Ok(()) }
    /// ```
    pub async fn list_collection_metadatablocks(
        &self,
        collection: impl IntoCollectionId,
        only_displayed_on_create: bool,
        full: bool,
    ) -> Result<MetadataBlocks> {
        let collection = collection.into_collection_id()?;
        let req = Request::get("dataverses")
            .seg(&collection)
            .seg("metadatablocks")
            .query("onlyDisplayedOnCreate", only_displayed_on_create)
            .query("returnDatasetFieldTypes", full);
        if full {
            let blocks: Vec<MetadataBlock> = self.execute(req).await?;
            Ok(MetadataBlocks::Full(
                blocks.into_iter().map(|b| (b.name.clone(), b)).collect(),
            ))
        } else {
            let blocks: Vec<MetadataBlockInfo> = self.execute(req).await?;
            Ok(MetadataBlocks::Brief(blocks))
        }
    }

    /// Give a collection its own metadata blocks (by name or database id as text); it
    /// becomes a metadata-block root. Returns the server's message.
    ///
    /// Endpoint: `POST /api/dataverses/{id}/metadatablocks` with `["citation", ...]`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// api.set_collection_metadatablocks("research-lab", &["citation", "geospatial"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_collection_metadatablocks(
        &self,
        collection: impl IntoCollectionId,
        blocks: &[&str],
    ) -> Result<String> {
        let collection = collection.into_collection_id()?;
        if blocks.is_empty() {
            return Err(Error::InvalidArgument("no metadata blocks given".into()));
        }
        let items: Vec<Value> = blocks
            .iter()
            .map(|b| match b.trim().parse::<u64>() {
                Ok(id) => Value::from(id),
                Err(_) => Value::from(b.trim()),
            })
            .collect();
        let mut req = Request::post("dataverses")
            .seg(&collection)
            .seg("metadatablocks")
            .json(Value::Array(items));
        req.idempotent = true; // setting the same list twice is the same
        self.execute_message(req).await
    }

    /// Whether a collection has its own metadata blocks (needs permission to edit it).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/metadatablocks/isRoot`
    pub async fn is_collection_metadatablocks_root(
        &self,
        collection: impl IntoCollectionId,
    ) -> Result<bool> {
        let collection = collection.into_collection_id()?;
        self.execute(
            Request::get("dataverses")
                .seg(&collection)
                .seg("metadatablocks")
                .seg("isRoot"),
        )
        .await
    }

    /// Make a collection a metadata-block root (its stored blocks apply) or not (its
    /// parent's apply). Returns the server's message.
    ///
    /// Endpoint: `PUT /api/dataverses/{id}/metadatablocks/isRoot` with `true`/`false`
    pub async fn set_collection_metadatablocks_root(
        &self,
        collection: impl IntoCollectionId,
        root: bool,
    ) -> Result<String> {
        let collection = collection.into_collection_id()?;
        let req = Request::put("dataverses")
            .seg(&collection)
            .seg("metadatablocks")
            .seg("isRoot")
            .json(Value::Bool(root));
        self.execute_message(req).await
    }

    /// A collection's own input levels.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/inputLevels`
    pub async fn get_collection_input_levels(
        &self,
        collection: impl IntoCollectionId,
    ) -> Result<Vec<InputLevel>> {
        let collection = collection.into_collection_id()?;
        self.execute(
            Request::get("dataverses")
                .seg(&collection)
                .seg("inputLevels"),
        )
        .await
    }

    /// Set input levels (those of other fields stay). A collection that is not a
    /// metadata-block root becomes one with the root collection's blocks, plus the blocks
    /// of the given fields. Returns the collection.
    ///
    /// Endpoint: `PUT /api/dataverses/{id}/inputLevels`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::collection_setup::InputLevel;
    /// api.set_collection_input_levels("research-lab", &[InputLevel::new("notesText", true, true)]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_collection_input_levels(
        &self,
        collection: impl IntoCollectionId,
        levels: &[InputLevel],
    ) -> Result<Collection> {
        let collection = collection.into_collection_id()?;
        if levels.is_empty() {
            return Err(Error::InvalidArgument("no input levels given".into()));
        }
        if let Some(l) = levels.iter().find(|l| l.required && !l.include) {
            return Err(Error::InvalidArgument(format!(
                "the input level of {} cannot be required if it is not included",
                l.dataset_field_type_name
            )));
        }
        let body = serde_json::to_value(levels)
            .map_err(|e| Error::InvalidArgument(format!("input levels: {e}")))?;
        let req = Request::put("dataverses")
            .seg(&collection)
            .seg("inputLevels")
            .json(body);
        self.execute(req).await
    }

    /// Change one attribute of a collection: `alias`, `name`, `description`,
    /// `affiliation`, or (superusers) `filePIDsEnabled` (when the installation allows it
    /// per collection) and `requireFilesToPublishDataset` with `true`/`false`. Returns the
    /// collection.
    ///
    /// Endpoint: `PUT /api/dataverses/{id}/attribute/{attribute}?value=`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let c = api.set_collection_attribute("research-lab", "name", "Research Lab").await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_collection_attribute(
        &self,
        collection: impl IntoCollectionId,
        attribute: &str,
        value: &str,
    ) -> Result<Collection> {
        let collection = collection.into_collection_id()?;
        let attribute = attribute.trim();
        if attribute.is_empty() || attribute.contains('/') {
            return Err(Error::InvalidArgument(format!(
                "'{attribute}' is not an attribute name"
            )));
        }
        let req = Request::put("dataverses")
            .seg(&collection)
            .seg("attribute")
            .seg(attribute)
            .query("value", value);
        self.execute(req).await
    }

    /// Check a create body against what one collection offers, without sending it: the
    /// checks of [`preflight_dataset`](Self::preflight_dataset) against the collection's
    /// effective blocks as it sets them up ([`get_collection_metadatablocks`](Self::get_collection_metadatablocks)):
    /// blocks it does not offer, fields its input levels leave out, and fields it requires
    /// (in every block it offers). An empty list means no problem was found.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/metadatablocks?returnDatasetFieldTypes=true` (nothing is sent about the dataset)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi, metadata: dataverse_client::models::metadata::DatasetCreateBody) -> dataverse_client::Result<()> {
    /// for problem in api.preflight_dataset_in("research-lab", &metadata).await? {
    ///     eprintln!("{problem}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn preflight_dataset_in(
        &self,
        collection: impl IntoCollectionId,
        metadata: &DatasetCreateBody,
    ) -> Result<Vec<MetadataProblem>> {
        let blocks = self.get_collection_metadatablocks(collection).await?;
        let fields: Vec<_> = metadata.fields().collect();
        Ok(collection_problems(&blocks, &fields))
    }
}

/// [`validate_metadata`] worded for a collection, plus the required fields of blocks the
/// body does not use (the server checks every block the collection offers).
fn collection_problems(
    blocks: &IndexMap<String, MetadataBlock>,
    fields: &[(&str, &crate::models::datasets::DatasetField)],
) -> Vec<MetadataProblem> {
    let mut problems: Vec<MetadataProblem> = validate_metadata(blocks, fields, true)
        .into_iter()
        .map(|mut p| {
            if p.message.starts_with("there is no metadata block") {
                let block = p.path.split('.').next().unwrap_or_default().to_string();
                p.message = format!("the collection does not offer metadata block '{block}'");
            }
            p
        })
        .collect();
    for (name, block) in blocks {
        let used = name == "citation" || fields.iter().any(|(b, _)| b == name);
        if used {
            continue;
        }
        for (field, def) in &block.fields {
            if def.is_required == Some(true) {
                problems.push(MetadataProblem {
                    path: format!("{name}.{field}"),
                    message: "is required".into(),
                });
            }
        }
    }
    problems
}
