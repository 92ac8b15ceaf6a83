//! `/api/metadatablocks`: the metadata block definitions.

use futures_util::{StreamExt, TryStreamExt, stream};
use indexmap::IndexMap;
use serde::Serialize;

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoCollectionId, IntoPersistentOrId};
use crate::models::metadatablocks::{MetadataBlock, MetadataBlockInfo};

/// What [`NativeApi::get_metadatablocks`] returns: brief entries, or full definitions by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MetadataBlocks {
    /// `full = false`: id, name, display name of each block, in the server's order.
    Brief(Vec<MetadataBlockInfo>),
    /// `full = true`: each block's complete definition, keyed by block name, in the server's order.
    Full(IndexMap<String, MetadataBlock>),
}

impl MetadataBlocks {
    /// Block names, in the server's order.
    pub fn names(&self) -> Vec<&str> {
        match self {
            MetadataBlocks::Brief(v) => v.iter().map(|b| b.name.as_str()).collect(),
            MetadataBlocks::Full(m) => m.keys().map(String::as_str).collect(),
        }
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        match self {
            MetadataBlocks::Brief(v) => v.len(),
            MetadataBlocks::Full(m) => m.len(),
        }
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The brief list, if this is one.
    pub fn brief(&self) -> Option<&[MetadataBlockInfo]> {
        match self {
            MetadataBlocks::Brief(v) => Some(v),
            MetadataBlocks::Full(_) => None,
        }
    }

    /// The full definitions, if these are.
    pub fn full(&self) -> Option<&IndexMap<String, MetadataBlock>> {
        match self {
            MetadataBlocks::Full(m) => Some(m),
            MetadataBlocks::Brief(_) => None,
        }
    }

    /// The full definitions, consuming `self` (`None` for a brief list).
    pub fn into_full(self) -> Option<IndexMap<String, MetadataBlock>> {
        match self {
            MetadataBlocks::Full(m) => Some(m),
            MetadataBlocks::Brief(_) => None,
        }
    }
}

impl NativeApi {
    /// The installation's metadata blocks.
    ///
    /// With `full = false`, one request lists each block briefly. With `full = true`, the
    /// list is followed by one request per block, run concurrently (at most
    /// [`max_concurrency`](NativeApi::max_concurrency) at once), and the complete
    /// definitions are returned keyed by block name in the list's order.
    ///
    /// Endpoint: `GET /api/metadatablocks`, then `GET /api/metadatablocks/{name}` for each block
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let blocks = api.get_metadatablocks(false).await?;
    /// for name in blocks.names() {
    ///     println!("{name}");
    /// }
    /// let full_blocks = api.get_metadatablocks(true).await?.into_full().unwrap_or_default();
    /// println!("{}", full_blocks["citation"].fields[0].name);
    /// # Ok(()) }
    /// ```
    pub async fn get_metadatablocks(&self, full: bool) -> Result<MetadataBlocks> {
        let brief: Vec<MetadataBlockInfo> = self.execute(Request::get("metadatablocks")).await?;
        if !full {
            return Ok(MetadataBlocks::Brief(brief));
        }
        // Each request owns its block's name: a future borrowing the name from the
        // closure's argument cannot be proven `Send` (a higher-ranked lifetime), and callers
        // spawn this on multi-threaded runtimes.
        let names: Vec<String> = brief.into_iter().map(|b| b.name).collect();
        let blocks: Vec<MetadataBlock> = stream::iter(names)
            .map(|name| async move { self.get_metadatablock(&name).await })
            .buffered(self.max_concurrency())
            .try_collect()
            .await?;
        Ok(MetadataBlocks::Full(
            blocks.into_iter().map(|b| (b.name.clone(), b)).collect(),
        ))
    }

    /// The metadata blocks a collection offers (its own, or those it inherits), with
    /// their complete field definitions (whose `isRequired` reflects the collection's
    /// settings), keyed by block name in the server's order.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/metadatablocks?returnDatasetFieldTypes=true`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let blocks = api.get_collection_metadatablocks("research-lab").await?;
    /// for (name, block) in &blocks {
    ///     println!("{name}: {} fields", block.fields.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_collection_metadatablocks(
        &self,
        collection: impl IntoCollectionId,
    ) -> Result<IndexMap<String, MetadataBlock>> {
        let collection = collection.into_collection_id()?;
        let req = Request::get("dataverses")
            .seg(&collection)
            .seg("metadatablocks")
            .query("returnDatasetFieldTypes", true);
        let blocks: Vec<MetadataBlock> = self.execute(req).await?;
        Ok(blocks.into_iter().map(|b| (b.name.clone(), b)).collect())
    }

    /// The metadata blocks that apply to a dataset: those of the collection it is in
    /// (found with `returnOwners`), with complete field definitions as
    /// [`get_collection_metadatablocks`](Self::get_collection_metadatablocks) gives them;
    /// the installation's blocks when the server does not name the collection (an older
    /// server without `returnOwners`).
    ///
    /// Endpoint: `GET /api/datasets/{id}?returnOwners=true`, then
    /// `GET /api/dataverses/{alias}/metadatablocks?returnDatasetFieldTypes=true`
    pub async fn get_dataset_metadatablocks(
        &self,
        dataset: impl IntoPersistentOrId,
    ) -> Result<IndexMap<String, MetadataBlock>> {
        let id = dataset.into_persistent_or_id()?;
        let owned: serde_json::Value = self
            .execute(Request::get("datasets").id(&id).query("returnOwners", true))
            .await?;
        let owner = owned
            .get("isPartOf")
            .and_then(|o| o.get("identifier"))
            .and_then(serde_json::Value::as_str);
        match owner {
            Some(alias) => self.get_collection_metadatablocks(alias).await,
            None => Ok(self
                .get_metadatablocks(true)
                .await?
                .into_full()
                .unwrap_or_default()),
        }
    }

    /// One block's complete definition, by name (`"citation"`) or database id.
    ///
    /// Endpoint: `GET /api/metadatablocks/{idOrName}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let geo = api.get_metadatablock("geospatial").await?;
    /// println!("{:?}", geo.display_name);
    /// # Ok(()) }
    /// ```
    pub async fn get_metadatablock(&self, name: &str) -> Result<MetadataBlock> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidArgument(
                "metadata block name is empty".into(),
            ));
        }
        self.execute(Request::get("metadatablocks").seg(name)).await
    }
}
