//! Models of datasets and their versions (WIRE §4.2, §4.3).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::Extra;

/// A dataset (`GET /api/datasets/{id}`, a contents entry, or an export's outer object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The PID's identifier part, e.g. `FK2/ABCDEF`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Resolver URL of the PID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_url: Option<String>,
    /// `doi`, `hdl` or `perma`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// E.g. `10.5072`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Between authority and identifier, usually `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// The installation's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// First publication date (`yyyy-MM-dd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_date: Option<String>,
    /// Storage location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_identifier: Option<String>,
    /// Dataset type, e.g. `dataset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_type: Option<String>,
    /// Lock types in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locks: Option<Vec<String>>,
    /// The latest version the caller may see (`GET /api/datasets/{id}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<Box<DatasetVersion>>,
    /// The exported version (`dataverse_json` export only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_version: Option<Box<DatasetVersion>>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Dataset {
    /// The PID, `protocol:authority/identifier`.
    pub fn persistent_id(&self) -> Option<String> {
        let (p, a, i) = (
            self.protocol.as_ref()?,
            self.authority.as_ref()?,
            self.identifier.as_ref()?,
        );
        Some(format!(
            "{p}:{a}{}{i}",
            self.separator.as_deref().unwrap_or("/")
        ))
    }
}

/// A license as a dataset version names it: an object, or just a name in create bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VersionLicense {
    /// `{"name": .., "uri": .., ...}`.
    Object(DatasetLicense),
    /// `"CC0 1.0"`.
    Name(String),
}

/// The license object inside a dataset version (it has `iconUri`, not `iconUrl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetLicense {
    /// Name.
    pub name: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Icon URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_uri: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A dataset version (WIRE §4.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetVersion {
    /// Database id of the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Database id of the dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<u64>,
    /// The dataset's PID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_persistent_id: Option<String>,
    /// Major version number (absent for drafts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<u64>,
    /// Minor version number (absent for drafts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_minor_number: Option<u64>,
    /// `DRAFT`, `RELEASED`, `ARCHIVED` or `DEACCESSIONED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_state: Option<String>,
    /// Last update time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<String>,
    /// Release time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_time: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// License.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<VersionLicense>,
    /// Metadata by block name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_blocks: Option<IndexMap<String, MetadataBlockValues>>,
    /// Files, as the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<serde_json::Value>>,
    /// Fields this library does not know (terms of use and access, `UNF`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl DatasetVersion {
    /// `"1.2"` for a released version, `"DRAFT"` for a draft.
    pub fn version_label(&self) -> String {
        match (self.version_number, self.version_minor_number) {
            (Some(major), minor) => format!("{major}.{}", minor.unwrap_or(0)),
            _ => self.version_state.clone().unwrap_or_else(|| "DRAFT".into()),
        }
    }

    /// A field of a block, by block and type name.
    pub fn field(&self, block: &str, type_name: &str) -> Option<&DatasetField> {
        self.metadata_blocks
            .as_ref()?
            .get(block)?
            .fields
            .iter()
            .find(|f| f.type_name == type_name)
    }

    /// The citation title.
    pub fn title(&self) -> Option<&str> {
        self.field("citation", "title")?.value.as_str()
    }
}

/// The values of one metadata block inside a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataBlockValues {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Block name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The fields.
    #[serde(default)]
    pub fields: Vec<DatasetField>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One metadata field with its value(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetField {
    /// Field name, e.g. `title`.
    pub type_name: String,
    /// Whether the value is a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    /// `primitive`, `compound` or `controlledVocabulary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_class: Option<String>,
    /// The value.
    pub value: FieldValue,
    /// Fields this library does not know (e.g. `expandedvalue`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A field value: one or many primitives, one or many compounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// A single primitive or vocabulary value.
    Single(String),
    /// Several primitive or vocabulary values.
    Multiple(Vec<String>),
    /// Several compounds, children keyed by type name.
    CompoundList(Vec<IndexMap<String, DatasetField>>),
    /// One compound.
    Compound(IndexMap<String, DatasetField>),
}

impl FieldValue {
    /// The single value, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Single(s) => Some(s),
            _ => None,
        }
    }
}
