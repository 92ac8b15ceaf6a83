//! Direct upload to S3 storage: the presigned URLs `uploadurls` hands out, the storage
//! driver of a dataset, and the answer of `addFiles` / `replaceFiles`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use super::files::FileMetadata;

/// `GET /api/datasets/{id}/uploadurls?size=N`: one presigned PUT (`url`) for a file up to
/// `partSize` bytes, else a multipart upload (`urls` by part number, `complete` and `abort`
/// links relative to the installation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadUrls {
    /// The presigned PUT of a single-part upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The presigned `UploadPart` URLs of a multipart upload, by part number (`"1"`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<BTreeMap<String, String>>,
    /// `/api/datasets/mpupload?...` to abort the multipart upload (DELETE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort: Option<String>,
    /// `/api/datasets/mpupload?...` to complete it (PUT with the ETags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<String>,
    /// The size of every part but the last (also given for a single PUT).
    pub part_size: u64,
    /// Where the file will be: `s3://<bucket>:<name>`.
    pub storage_identifier: String,
    /// Anything else the server sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl UploadUrls {
    /// The part URLs in part order, `(number, url)`; empty for a single PUT. A key that is
    /// not a number is left out.
    pub fn parts(&self) -> Vec<(u32, String)> {
        let mut parts: Vec<(u32, String)> = self
            .urls
            .iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.trim().parse().ok()?, v.clone())))
            .collect();
        parts.sort_by_key(|(n, _)| *n);
        parts
    }
}

/// `GET /api/datasets/{id}/storageDriver` (`JsonPrinter.jsonStorageDriver`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageDriver {
    /// The driver id (`file`, `s3`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its type (`file`, `s3`, `remote`, `globus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether it takes direct uploads (`upload-redirect`).
    #[serde(default)]
    pub direct_upload: bool,
    /// Whether downloads are redirected to the store (`download-redirect`).
    #[serde(default)]
    pub direct_download: bool,
    /// Anything else the server sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of an `addFiles` / `replaceFiles` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredFile {
    /// The storage identifier of the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_identifier: Option<String>,
    /// Set when it was registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_message: Option<String>,
    /// Set when it was registered with a warning (the same content already there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_message: Option<String>,
    /// Set when it was not: `"<HTTP reason>:<message>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The new file's metadata on success, the entry as sent on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_details: Option<serde_json::Value>,
    /// Anything else the server sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RegisteredFile {
    /// Whether the entry was registered.
    pub fn is_registered(&self) -> bool {
        self.error_message.is_none()
            && (self.success_message.is_some() || self.warning_message.is_some())
    }

    /// The new file's metadata, when registered.
    pub fn file(&self) -> Option<FileMetadata> {
        if !self.is_registered() {
            return None;
        }
        serde_json::from_value(self.file_details.clone()?).ok()
    }
}

/// The answer of `addFiles` / `replaceFiles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterFilesResponse {
    /// One entry per file sent, in order.
    #[serde(rename = "Files", default)]
    pub files: Vec<RegisteredFile>,
    /// The counts (`Total number of files`, `Number of files successfully added`).
    #[serde(rename = "Result", default)]
    pub result: Extra,
    /// Anything else the server sent.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_answers_decode() {
        let single: UploadUrls = serde_json::from_str(
            r#"{"url":"...","partSize":1073741824,"storageIdentifier":"s3://demo-dataverse-bucket:177883619b8-892ca9f7112e"}"#,
        )
        .unwrap();
        assert_eq!(single.url.as_deref(), Some("..."));
        assert!(single.parts().is_empty());
        let multi: UploadUrls = serde_json::from_str(
            r#"{"urls":{"10":"u10","2":"u2","1":"u1"},"abort":"/api/datasets/mpupload?a","complete":"/api/datasets/mpupload?c","partSize":5242880,"storageIdentifier":"s3://b:n"}"#,
        )
        .unwrap();
        let numbers: Vec<u32> = multi.parts().iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![1, 2, 10]);
    }
}
