//! Models of datasets and their versions (WIRE §4.2, §4.3).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::Extra;
use super::files::FileMetadata;
use super::metadatablocks::TypeClass;

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
    pub locks: Option<Vec<LockType>>,
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
    pub version_state: Option<VersionState>,
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
    /// The files of the version (absent when the request excluded them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileMetadata>>,
    /// Fields this library does not know (terms of use and access, `UNF`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl DatasetVersion {
    /// `"1.2"` for a released version, `"DRAFT"` for a draft.
    pub fn version_label(&self) -> String {
        match (self.version_number, self.version_minor_number) {
            (Some(major), minor) => format!("{major}.{}", minor.unwrap_or(0)),
            _ => self
                .version_state
                .as_ref()
                .map_or_else(|| "DRAFT".into(), ToString::to_string),
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

super::string_enum! {
    /// The state of a dataset version.
    VersionState {
        /// Not published yet.
        Draft = "DRAFT",
        /// Published.
        Released = "RELEASED",
        /// Published, then superseded by a newer published version.
        Archived = "ARCHIVED",
        /// Withdrawn from view.
        Deaccessioned = "DEACCESSIONED",
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
    pub type_class: Option<TypeClass>,
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

/// What `POST /api/dataverses/{id}/datasets` (and `:import`) answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedDataset {
    /// Database id.
    pub id: u64,
    /// The minted (or imported) PID.
    pub persistent_id: String,
    /// For an import with `publish`: whether the release completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_completed: Option<bool>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The verdict of `POST /api/dataverses/{id}/validateDatasetJson` (which answers 200 either way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetValidation {
    /// Whether the server found the JSON valid.
    pub valid: bool,
    /// The server's message.
    pub message: String,
}

super::string_enum! {
    /// How a publication numbers the new version.
    ReleaseType {
        /// `N.0` → `(N+1).0` (the first release is always major).
        Major = "major",
        /// `N.m` → `N.(m+1)`; only when the files did not change.
        Minor = "minor",
        /// Overwrite the latest published version without a new number (superusers only).
        UpdateCurrent = "updatecurrent",
    }
}

super::string_enum! {
    /// Dataset lock types.
    LockType {
        /// Tabular ingest in progress.
        Ingest = "Ingest",
        /// A workflow is running.
        Workflow = "Workflow",
        /// Submitted for review.
        InReview = "InReview",
        /// Deprecated DCM upload.
        DcmUpload = "DcmUpload",
        /// Globus upload in progress.
        GlobusUpload = "GlobusUpload",
        /// Publication being finalized.
        FinalizePublication = "finalizePublication",
        /// An edit in progress.
        EditInProgress = "EditInProgress",
        /// File validation failed at publication.
        FileValidationFailed = "FileValidationFailed",
    }
}

/// A dataset lock (WIRE §4.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
    /// The lock type.
    pub lock_type: LockType,
    /// When it was set (Java `Date.toString()` text, e.g. `Fri Aug 17 15:05:51 EDT 2018`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The dataset's PID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// A message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A private (preview) URL of a draft (WIRE §4.10). Its `token` works as an API key that can
/// read only that draft; `Debug` does not print it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateUrl {
    /// The token.
    pub token: String,
    /// The link to share, e.g. `https://host/previewurl.xhtml?token=...`.
    pub link: String,
    /// The role assignment behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_assignment: Option<super::roles::RoleAssignment>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for PrivateUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateUrl")
            .field("token", &"***")
            .field("link", &"***")
            .finish_non_exhaustive()
    }
}

/// One exported metadata document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ExportDocument {
    /// The document as text (XML, HTML, or JSON not parsed).
    Text(String),
    /// A JSON document, parsed.
    Json(serde_json::Value),
}

impl ExportDocument {
    /// The text, if not parsed.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ExportDocument::Text(t) => Some(t),
            ExportDocument::Json(_) => None,
        }
    }

    /// The parsed JSON, if parsed.
    pub fn as_json(&self) -> Option<&serde_json::Value> {
        match self {
            ExportDocument::Json(v) => Some(v),
            ExportDocument::Text(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_version_decodes_typed_and_round_trips_unknown_values() {
        let raw = json!({
            "id": 3,
            "versionState": "PENDING_REVIEW",
            "metadataBlocks": {"citation": {"fields": [
                {"typeName": "title", "multiple": false, "typeClass": "primitive", "value": "T"},
                {"typeName": "x", "multiple": false, "typeClass": "somethingNew", "value": "v"}
            ]}},
            "files": [{
                "label": "a.csv",
                "restricted": false,
                "futureField": 1,
                "dataFile": {"id": 7, "filesize": 3, "contentType": "text/csv"}
            }]
        });
        let v: DatasetVersion = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            v.version_state,
            Some(VersionState::Other("PENDING_REVIEW".into()))
        );
        assert_eq!(v.version_label(), "PENDING_REVIEW");
        let fields = &v.metadata_blocks.as_ref().unwrap()["citation"].fields;
        assert_eq!(fields[0].type_class, Some(TypeClass::Primitive));
        assert_eq!(
            fields[1].type_class,
            Some(TypeClass::Other("somethingNew".into()))
        );
        let files = v.files.as_ref().unwrap();
        assert_eq!(files[0].data_file.id, Some(7));
        assert_eq!(files[0].extra["futureField"], 1);
        assert_eq!(serde_json::to_value(&v).unwrap(), raw);
    }

    #[test]
    fn version_states_and_locks() {
        let v: DatasetVersion = serde_json::from_value(json!({"versionState": "DRAFT"})).unwrap();
        assert_eq!(v.version_state, Some(VersionState::Draft));
        assert_eq!(v.version_label(), "DRAFT");
        let ds: Dataset =
            serde_json::from_value(json!({"locks": ["Ingest", "finalizePublication", "Frozen"]}))
                .unwrap();
        assert_eq!(
            ds.locks,
            Some(vec![
                LockType::Ingest,
                LockType::FinalizePublication,
                LockType::Other("Frozen".into())
            ])
        );
        assert_eq!(
            serde_json::to_value(&ds).unwrap(),
            json!({"locks": ["Ingest", "finalizePublication", "Frozen"]})
        );
    }
}
