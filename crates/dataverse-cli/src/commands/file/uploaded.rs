//! One uploaded file as `upload` and `replace` print it.

use std::path::Path;

use dataverse_client::api::upload::UploadReport;
use dataverse_client::models::files::{Checksum, FileMetadata};
use serde::Serialize;

/// One file of an upload's output.
#[derive(Debug, Serialize)]
pub(super) struct UploadedFile {
    /// The local path.
    pub path: String,
    /// The file's id on the server.
    pub id: Option<u64>,
    /// Its name on the server.
    pub label: String,
    /// Its folder in the dataset.
    pub directory: Option<String>,
    /// Its content type as the server detected it.
    pub content_type: Option<String>,
    /// Its size in bytes.
    pub size: u64,
    /// The server's checksum.
    pub checksum: Option<Checksum>,
    /// Whether the server's checksum was compared with the bytes sent (not for skipped files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_verified: Option<bool>,
}

impl UploadedFile {
    /// From the server's metadata of the file (empty without it).
    pub fn from_meta(path: &Path, f: Option<&FileMetadata>) -> Self {
        let path = path.display().to_string();
        match f {
            Some(f) => UploadedFile {
                path,
                id: f.data_file.id,
                label: f.label.clone(),
                directory: f.directory_label.clone().filter(|d| !d.is_empty()),
                content_type: f.data_file.content_type.clone(),
                size: f.data_file.filesize,
                checksum: f.data_file.checksum.clone(),
                checksum_verified: None,
            },
            None => UploadedFile {
                path,
                id: None,
                label: String::new(),
                directory: None,
                content_type: None,
                size: 0,
                checksum: None,
                checksum_verified: None,
            },
        }
    }

    /// From the library's report of an upload.
    pub fn of(path: &Path, r: &UploadReport) -> Self {
        let mut me = Self::from_meta(path, r.file());
        me.checksum_verified = Some(r.checksum_verified);
        me
    }
}
