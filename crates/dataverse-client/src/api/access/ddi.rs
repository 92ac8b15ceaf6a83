//! A tabular file's DDI codebook.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::IntoPersistentOrId;

/// The query of `GET /api/access/datafile/{id}/metadata/ddi`: which file metadata the
/// codebook describes and which of its elements it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatafileDdiOptions {
    /// `fileMetadataId=`: describe the file as one version's metadata has it (default: the
    /// latest).
    pub file_metadata_id: Option<u64>,
    /// `exclude=`: elements to leave out (`sumStat`, `location`, `fileDscr`, ...; `*`
    /// alone leaves out all but those `include` names).
    pub exclude: Vec<String>,
    /// `include=`: elements to keep when others are excluded.
    pub include: Vec<String>,
}

impl DatafileDdiOptions {
    /// The whole codebook of the file's latest metadata.
    pub fn new() -> Self {
        Self::default()
    }

    /// Describe the file metadata with this id.
    pub fn file_metadata_id(mut self, id: u64) -> Self {
        self.file_metadata_id = Some(id);
        self
    }

    /// Leave out these elements.
    pub fn exclude<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.exclude = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Keep these elements.
    pub fn include<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.include = fields.into_iter().map(Into::into).collect();
        self
    }
}

impl NativeApi {
    /// The DDI codebook (XML) of an ingested tabular file: the dataset's citation
    /// (`stdyDscr`), the file (`fileDscr`: name, cases, variables, type) and its variables
    /// (`dataDscr`: each `var` with its label, interval, summary statistics and format).
    ///
    /// Errors: [`Error::NotFound`] for an unknown file, [`Error::BadRequest`] for a file
    /// that is not tabular or restricted from the caller.
    ///
    /// Endpoint: `GET /api/access/datafile/{id}/metadata/ddi` (`fileMetadataId`,
    /// `exclude`, `include`)
    pub async fn get_datafile_ddi(
        &self,
        file: impl IntoPersistentOrId,
        options: &DatafileDdiOptions,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::get("access")
            .seg("datafile")
            .id(&id)
            .seg("metadata")
            .seg("ddi")
            .transfer();
        if let Some(fm) = options.file_metadata_id {
            req = req.query("fileMetadataId", fm);
        }
        if !options.exclude.is_empty() {
            req = req.query("exclude", options.exclude.join(","));
        }
        if !options.include.is_empty() {
            req = req.query("include", options.include.join(","));
        }
        let url = self.url_for(&req).to_string();
        let bytes = self.bytes_of(req).await?;
        String::from_utf8(bytes.to_vec()).map_err(|e| Error::Decode {
            method: "GET".into(),
            url,
            path: ".".into(),
            message: format!("the DDI is not UTF-8: {e}"),
        })
    }
}
