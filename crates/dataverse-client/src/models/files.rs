//! Models of files: a file's metadata in a dataset version and the data file under it
//! (WIRE §4.4), the `jsonData` of uploads and metadata updates (WIRE §5.4), and the
//! answers of the add/replace and redetect calls.

use serde::{Deserialize, Serialize};

use super::Extra;
use super::datasets::DatasetVersion;
use crate::checksum::ChecksumAlgorithm;

/// A file as one dataset version lists it: the version's metadata (label, folder,
/// description, ...) around the [`DataFile`] (`JsonPrinter.json(FileMetadata)`).
///
/// Returned by `GET /api/datasets/{id}/versions/{v}/files`, `GET /api/files/{id}`, and
/// inside the add/replace answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetadata {
    /// The file name in this version.
    #[serde(default)]
    pub label: String,
    /// The folder the file is shown in (`a/b`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_label: Option<String>,
    /// Description (`""` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the file is restricted in this version.
    #[serde(default)]
    pub restricted: bool,
    /// Category names, e.g. `["Data"]` (omitted by the server when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Free-form provenance text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prov_free_form: Option<String>,
    /// The row's optimistic-lock counter (not a semantic version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// Database id of the dataset version this metadata belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_version_id: Option<u64>,
    /// Database id of this file metadata row (only some answers carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The data file.
    pub data_file: DataFile,
    /// The dataset version (`GET /api/files/{id}?returnDatasetVersion=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_version: Option<Box<DatasetVersion>>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl FileMetadata {
    /// The file's path inside the dataset: `directoryLabel/label`, or the label alone.
    pub fn path(&self) -> String {
        match self
            .directory_label
            .as_deref()
            .map(|d| d.trim_matches('/'))
            .filter(|d| !d.is_empty())
        {
            Some(dir) => format!("{dir}/{}", self.label),
            None => self.label.clone(),
        }
    }
}

/// The stored file under a [`FileMetadata`] (`JsonPrinter.json(DataFile, FileMetadata)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataFile {
    /// Database id (the file id of the `files/{id}` and `access/datafile/{id}` endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The file's PID; `""` when file PIDs are not enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_id: Option<String>,
    /// Resolver URL of the file's PID.
    #[serde(default, rename = "pidURL", skip_serializing_if = "Option::is_none")]
    pub pid_url: Option<String>,
    /// File name (the label of the version it was printed for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// MIME type, e.g. `text/csv` (`text/tab-separated-values` after tabular ingest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Human-readable type, e.g. `Comma Separated Values`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_type: Option<String>,
    /// Size in bytes of the stored file (the `.tab` file after ingest). The server always
    /// sends it; 0 when a request body (an import) left it out.
    #[serde(default)]
    pub filesize: u64,
    /// Description (the same as the file metadata's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Category names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Embargo, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo: Option<Embargo>,
    /// Retention period, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
    /// Where the bytes are stored, e.g. `local://18f0c1d2e3f-a1b2c3d4e5f6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_identifier: Option<String>,
    /// MIME type of the uploaded file before tabular ingest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_file_format: Option<String>,
    /// Human-readable original format, e.g. `Stata 13 Binary` (`UNKNOWN` when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_format_label: Option<String>,
    /// Size in bytes of the uploaded file before tabular ingest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_file_size: Option<u64>,
    /// Name of the uploaded file before tabular ingest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_file_name: Option<String>,
    /// Universal Numerical Fingerprint of an ingested table.
    #[serde(default, rename = "UNF", skip_serializing_if = "Option::is_none")]
    pub unf: Option<String>,
    /// Id of the first file of this file's replace chain (`-1` when this is the original).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_data_file_id: Option<i64>,
    /// Id of the file this one replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_data_file_id: Option<i64>,
    /// The MD5 (only sent when the checksum type is MD5; deprecated in favour of `checksum`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// The checksum of the stored file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// Whether the file was ingested as a table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tabular_data: Option<bool>,
    /// Tabular tags, e.g. `["Survey"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tabular_tags: Option<Vec<String>>,
    /// Creation date (`yyyy-MM-dd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// Publication date (`yyyy-MM-dd`), once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_date: Option<String>,
    /// Folder of the file (newer servers repeat the file metadata's `directoryLabel` here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_label: Option<String>,
    /// Last update time (newer servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<String>,
    /// Whether the owning dataset lets users request access to restricted files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_access_request: Option<bool>,
    /// The owners chain (`returnOwners=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_part_of: Option<serde_json::Value>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl DataFile {
    /// The checksum to verify the stored bytes with: `checksum` when its algorithm is one
    /// this library computes, else the legacy `md5` field. `None` when neither is usable.
    pub fn verifiable_checksum(&self) -> Option<(ChecksumAlgorithm, &str)> {
        if let Some(c) = &self.checksum
            && let Some(alg) = c.algorithm()
        {
            return Some((alg, c.value.as_str()));
        }
        self.md5
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(|m| (ChecksumAlgorithm::Md5, m))
    }

    /// Whether the file was ingested as a table (`tabularData`, false when absent).
    pub fn is_tabular(&self) -> bool {
        self.tabular_data.unwrap_or(false)
    }
}

/// A file checksum: `{"type": "MD5", "value": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    /// The algorithm's wire name: `MD5`, `SHA-1`, `SHA-256` or `SHA-512`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// The lowercase hex digest.
    pub value: String,
}

impl Checksum {
    /// A checksum of `algorithm` (its wire name as the type) with hex digest `value`.
    pub fn new(algorithm: ChecksumAlgorithm, value: impl Into<String>) -> Self {
        Checksum {
            r#type: algorithm.as_str().to_string(),
            value: value.into(),
        }
    }

    /// The algorithm, or `None` for one this library cannot compute.
    pub fn algorithm(&self) -> Option<ChecksumAlgorithm> {
        ChecksumAlgorithm::parse(&self.r#type)
    }
}

/// An embargo on a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Embargo {
    /// Date the file becomes available (`yyyy-MM-dd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_available: Option<String>,
    /// Reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A retention period on a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Date the file stops being available (`yyyy-MM-dd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_unavailable: Option<String>,
    /// Reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `jsonData` of an upload (`POST /api/datasets/{id}/add`), a replace
/// (`POST /api/files/{id}/replace`) or a metadata update (`POST /api/files/{id}/metadata`).
///
/// Every field is optional and left out of the JSON when `None`. For a metadata update,
/// an empty string or list clears the value (Dataverse 6.8+), `None` keeps it.
///
/// ```
/// use dataverse_client::models::files::UploadBody;
/// let body = UploadBody {
///     description: Some("Analysis results".into()),
///     directory_label: Some("analysis".into()),
///     restrict: Some(false),
///     ..Default::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"description":"Analysis results","directoryLabel":"analysis","restrict":false}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadBody {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Folder inside the dataset (`a/b`); no `..` and not absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_label: Option<String>,
    /// Category names, e.g. `["Data"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Restrict the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrict: Option<bool>,
    /// Ingest tabular files (CSV, TSV, Stata, ...) into tables; the server defaults to true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab_ingest: Option<bool>,
    /// The file name to store instead of the uploaded one (metadata update: rename).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Replace even though the new file's content type differs (replace only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_replace: Option<bool>,
    /// Free-form provenance text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prov_free_form: Option<String>,
    /// Tabular tags, e.g. `["Survey"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_file_tags: Option<Vec<String>>,
    /// Any other `jsonData` key, sent as given (e.g. direct-upload `storageIdentifier`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl UploadBody {
    /// The `jsonData` text.
    pub fn to_json_string(&self) -> String {
        // A struct of strings, bools and string lists always serializes.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// A file's own metadata as `POST /api/files/{id}/metadata` echoes it after an update
/// (and `GET /api/files/{id}/metadata` returns it): the version-level fields only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetadataSummary {
    /// The file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The folder, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_label: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the file is restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
    /// Free-form provenance text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prov_free_form: Option<String>,
    /// Category names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Tabular tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_file_tags: Option<Vec<String>>,
    /// Database id of the file metadata row (not the file id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of an add or replace: the new file(s) (`data.files`; a zip upload can
/// unpack into several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadResponse {
    /// The files added.
    #[serde(default)]
    pub files: Vec<FileMetadata>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /api/files/{id}/redetect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedetectResult {
    /// Whether this was a dry run (nothing changed).
    #[serde(default)]
    pub dry_run: bool,
    /// The content type before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_content_type: Option<String>,
    /// The content type detected (and stored unless a dry run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_content_type: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn fixture(rel: &str) -> Value {
        let dir = std::env::var_os("DATAVERSE_FIXTURES_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/dataverse-fixtures")
            });
        let path = dir.join(rel);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    fn files_of(v: &Value) -> Vec<Value> {
        v["datasetVersion"]["files"].as_array().unwrap().clone()
    }

    fn decode(v: Value) -> FileMetadata {
        serde_path_to_error::deserialize(v).unwrap_or_else(|e| panic!("{}: {e}", e.path()))
    }

    #[test]
    fn export_files_decode_and_round_trip() {
        let files = files_of(&fixture(
            "responses/export-dataverse_json-published-with-files.json",
        ));
        assert_eq!(files.len(), 3);
        for raw in &files {
            let fm = decode(raw.clone());
            assert!(fm.extra.is_empty(), "unknown keys {:?}", fm.extra);
            assert!(fm.data_file.extra.is_empty(), "{:?}", fm.data_file.extra);
            // Nothing lost, nothing added.
            assert_eq!(&serde_json::to_value(&fm).unwrap(), raw);
        }
        let code = decode(files[0].clone());
        assert_eq!(code.label, "compute.py");
        assert_eq!(code.path(), "code/compute.py");
        assert_eq!(code.data_file.id, Some(7));
        assert_eq!(code.data_file.filesize, 15);
        assert_eq!(
            code.data_file.content_type.as_deref(),
            Some("text/x-python")
        );
        assert_eq!(code.data_file.root_data_file_id, Some(-1));
        assert_eq!(
            code.data_file.verifiable_checksum(),
            Some((ChecksumAlgorithm::Md5, "d84985e94dde671f318076bd7a137f15"))
        );
        let tab = decode(files[2].clone());
        assert!(tab.data_file.is_tabular());
        assert_eq!(
            tab.data_file.original_file_name.as_deref(),
            Some("stata13-auto.dta")
        );
        assert_eq!(tab.data_file.original_file_size, Some(6443));
        assert_eq!(
            tab.data_file.unf.as_deref(),
            Some("UNF:6:RPd9EWHSZwqUvRZuKTJMqg==")
        );
    }

    #[test]
    fn import_bodies_decode() {
        let import = files_of(&fixture("requests/dataset-import-with-files.json"));
        let fm = decode(import[0].clone());
        assert_eq!(fm.data_file.filesize, 1_698_795_873);
        let sum = fm.data_file.checksum.as_ref().unwrap();
        assert_eq!(sum.r#type, "SHA-1");
        assert_eq!(sum.algorithm(), Some(ChecksumAlgorithm::Sha1));
        assert_eq!(
            fm.data_file.verifiable_checksum().map(|c| c.0),
            Some(ChecksumAlgorithm::Sha1)
        );
        assert!(fm.data_file.md5.is_none());

        let create = files_of(&fixture(
            "requests/dataset-create-superuser-with-files.json",
        ));
        assert_eq!(create.len(), 2);
        let second = decode(create[1].clone());
        assert_eq!(second.path(), "data/subdir2/yn152_4_002.img");
        assert_eq!(
            second.categories.as_deref(),
            Some(&["Data".to_string()][..])
        );
        assert!(!second.restricted, "absent restricted means false");
        assert_eq!(second.data_file.id, Some(425));
    }

    #[test]
    fn newer_keys_and_unknown_keys() {
        let fm = decode(json!({
            "label": "a.csv", "restricted": true, "version": 1, "datasetVersionId": 3,
            "dataFile": {
                "id": 9, "persistentId": "doi:10.5072/FK2/F1", "pidURL": "https://doi.org/10.5072/FK2/F1",
                "filename": "a.csv", "contentType": "text/csv", "filesize": 3,
                "checksum": {"type": "SHA-256", "value": "ab"}, "directoryLabel": "d",
                "lastUpdateTime": "2026-07-22T10:00:00Z", "previousDataFileId": 4,
                "embargo": {"dateAvailable": "2030-01-01", "reason": "r"},
                "tabularTags": ["Survey"], "futureKey": 1
            },
            "futureTop": {"x": 1}
        }));
        assert!(fm.restricted);
        assert_eq!(
            fm.data_file.pid_url.as_deref(),
            Some("https://doi.org/10.5072/FK2/F1")
        );
        assert_eq!(fm.data_file.previous_data_file_id, Some(4));
        assert_eq!(
            fm.data_file
                .embargo
                .as_ref()
                .and_then(|e| e.date_available.as_deref()),
            Some("2030-01-01")
        );
        assert_eq!(fm.data_file.extra["futureKey"], 1);
        assert_eq!(fm.extra["futureTop"]["x"], 1);
        assert_eq!(
            fm.data_file.verifiable_checksum(),
            Some((ChecksumAlgorithm::Sha256, "ab"))
        );
        // An algorithm the library cannot compute falls back to md5, else nothing.
        let mut df = fm.data_file.clone();
        df.checksum = Some(Checksum {
            r#type: "UNF".into(),
            value: "x".into(),
        });
        assert_eq!(df.verifiable_checksum(), None);
        df.md5 = Some("m".into());
        assert_eq!(
            df.verifiable_checksum(),
            Some((ChecksumAlgorithm::Md5, "m"))
        );
    }

    #[test]
    fn upload_body_keys() {
        assert_eq!(UploadBody::default().to_json_string(), "{}");
        let body = UploadBody {
            description: Some("d".into()),
            directory_label: Some("a/b".into()),
            categories: Some(vec!["Data".into()]),
            restrict: Some(true),
            tab_ingest: Some(false),
            label: Some("x.csv".into()),
            force_replace: Some(true),
            prov_free_form: Some("p".into()),
            data_file_tags: Some(vec!["Survey".into()]),
            extra: Default::default(),
        };
        let v: Value = serde_json::from_str(&body.to_json_string()).unwrap();
        assert_eq!(
            v,
            json!({"description": "d", "directoryLabel": "a/b", "categories": ["Data"],
                   "restrict": true, "tabIngest": false, "label": "x.csv", "forceReplace": true,
                   "provFreeForm": "p", "dataFileTags": ["Survey"]})
        );
        // The doc examples' category and tag bodies use the same list shapes.
        let cats = fixture("doc-examples/file-categories.request.json");
        let tags = fixture("doc-examples/file-tabularTags.request.json");
        let b = UploadBody {
            categories: serde_json::from_value(cats["categories"].clone()).unwrap(),
            data_file_tags: serde_json::from_value(tags["tabularTags"].clone()).unwrap(),
            ..Default::default()
        };
        assert_eq!(b.categories.as_ref().map(Vec::len), Some(2));
        assert_eq!(
            b.data_file_tags.as_ref().map(|t| t[0].as_str()),
            Some("Survey")
        );
    }

    #[test]
    fn upload_response_and_redetect() {
        let files = files_of(&fixture(
            "responses/export-dataverse_json-published-with-files.json",
        ));
        let r: UploadResponse = serde_json::from_value(json!({"files": [files[1]]})).unwrap();
        assert_eq!(r.files[0].data_file.id, Some(8));
        let d: RedetectResult = serde_json::from_value(json!({
            "dryRun": true, "oldContentType": "application/octet-stream", "newContentType": "text/plain"
        }))
        .unwrap();
        assert!(d.dry_run);
        assert_eq!(d.new_content_type.as_deref(), Some("text/plain"));
    }
}
