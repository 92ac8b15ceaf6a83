//! A collection's set-up: its input levels, the `metadataBlocks` object of the create and
//! update bodies, and the attributes `filePIDsEnabled` / `requireFilesToPublishDataset`.

use serde::{Deserialize, Serialize};

use super::Extra;
use super::collections::{Collection, CollectionCreateBody, UpdateCollection};

/// One input level (`DataverseFieldTypeInputLevel`): whether a dataset field type is
/// required, included at all, and shown on create in one collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputLevel {
    /// The dataset field type, e.g. `"geographicCoverage"`.
    pub dataset_field_type_name: String,
    /// Whether datasets in the collection must have a value.
    pub required: bool,
    /// Whether the field is offered at all (`required` needs `include`).
    pub include: bool,
    /// Overrides the field type's own `displayOnCreate` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_on_create: Option<bool>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InputLevel {
    /// A level for `field`.
    pub fn new(field: impl Into<String>, required: bool, include: bool) -> Self {
        InputLevel {
            dataset_field_type_name: field.into(),
            required,
            include,
            display_on_create: None,
            extra: Extra::new(),
        }
    }

    /// Show (or hide) the field on the create form.
    pub fn display_on_create(mut self, show: bool) -> Self {
        self.display_on_create = Some(show);
        self
    }
}

/// The `metadataBlocks` object of a create or update body: the collection's own blocks,
/// facets and input levels. A list left `None` leaves that part as it is; the `inherit_*`
/// flags go back to the parent's (a list together with its flag is refused by the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionSetup {
    /// Block names, e.g. `["citation", "geospatial"]`: the collection becomes a
    /// metadata-block root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_block_names: Option<Vec<String>>,
    /// Input levels (those of other fields stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_levels: Option<Vec<InputLevel>>,
    /// Facet field names: the collection becomes a facet root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facet_ids: Option<Vec<String>>,
    /// Use the parent's blocks again (input levels are deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherit_metadata_blocks_from_parent: Option<bool>,
    /// Use the parent's facets again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherit_facets_from_parent: Option<bool>,
}

impl CollectionSetup {
    fn to_value(&self) -> serde_json::Value {
        // A struct of strings, booleans and vectors always serializes.
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl CollectionCreateBody {
    /// Set the collection's own blocks, facets and input levels (`metadataBlocks`).
    pub fn metadata_blocks(mut self, setup: &CollectionSetup) -> Self {
        self.extra.insert("metadataBlocks".into(), setup.to_value());
        self
    }
}

impl UpdateCollection {
    /// Change the collection's own blocks, facets and input levels (`metadataBlocks`).
    pub fn metadata_blocks(mut self, setup: &CollectionSetup) -> Self {
        self.extra.insert("metadataBlocks".into(), setup.to_value());
        self
    }
}

impl Collection {
    /// The collection's own input levels (`inputLevels`; empty when it has none or the
    /// server sent them in a shape this library does not read).
    pub fn input_levels(&self) -> Vec<InputLevel> {
        self.extra
            .get("inputLevels")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// `filePIDsEnabled`, when the collection sets it.
    pub fn file_pids_enabled(&self) -> Option<bool> {
        self.extra
            .get("filePIDsEnabled")
            .and_then(serde_json::Value::as_bool)
    }

    /// `effectiveRequiresFilesToPublishDataset`: its own value or the nearest ancestor's.
    pub fn effective_requires_files_to_publish_dataset(&self) -> Option<bool> {
        self.extra
            .get("effectiveRequiresFilesToPublishDataset")
            .and_then(serde_json::Value::as_bool)
    }
}
