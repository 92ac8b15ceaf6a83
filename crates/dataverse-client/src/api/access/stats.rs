//! How much a download weighs, how often a file was downloaded, and what an ingested
//! file's tables hold.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, Version};
use crate::models::access::{DataTable, DownloadSize};

/// Which bytes of ingested tabular files a download size counts
/// (`DatasetVersionFilesServiceBean.FileDownloadSizeMode`); other files always count
/// with their stored size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DownloadSizeMode {
    /// Both the ingested (`.tab`) and the original sizes (the server's default).
    #[default]
    All,
    /// The original sizes only.
    Original,
    /// The ingested (`.tab`) sizes only.
    Archival,
}

impl DownloadSizeMode {
    /// The wire name (`All`, `Original`, `Archival`).
    pub fn as_str(self) -> &'static str {
        match self {
            DownloadSizeMode::All => "All",
            DownloadSizeMode::Original => "Original",
            DownloadSizeMode::Archival => "Archival",
        }
    }
}

impl std::str::FromStr for DownloadSizeMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "all" => Ok(DownloadSizeMode::All),
            "original" => Ok(DownloadSizeMode::Original),
            "archival" => Ok(DownloadSizeMode::Archival),
            _ => Err(Error::InvalidArgument(format!(
                "download size mode {s:?}: expected All, Original or Archival"
            ))),
        }
    }
}

/// The query of [`NativeApi::get_dataset_download_size`]: the mode and the same file
/// filters as the version's file list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadSizeQuery {
    /// `mode=`.
    pub mode: Option<DownloadSizeMode>,
    /// `contentType=`.
    pub content_type: Option<String>,
    /// `accessStatus=` (`Public`, `Restricted`, `EmbargoedThenRestricted`, ...).
    pub access_status: Option<String>,
    /// `categoryName=`.
    pub category_name: Option<String>,
    /// `tabularTagName=`.
    pub tabular_tag_name: Option<String>,
    /// `searchText=`.
    pub search_text: Option<String>,
    /// `includeDeaccessioned=true`.
    pub include_deaccessioned: bool,
}

impl DownloadSizeQuery {
    fn apply(&self, mut req: Request) -> Request {
        if let Some(m) = self.mode {
            req = req.query("mode", m.as_str());
        }
        for (k, v) in [
            ("contentType", &self.content_type),
            ("accessStatus", &self.access_status),
            ("categoryName", &self.category_name),
            ("tabularTagName", &self.tabular_tag_name),
            ("searchText", &self.search_text),
        ] {
            if let Some(v) = v {
                req = req.query(k, v);
            }
        }
        if self.include_deaccessioned {
            req = req.query("includeDeaccessioned", true);
        }
        req
    }
}

impl NativeApi {
    /// The data tables of an ingested file: its variables with their types and summary
    /// statistics. A file that is not tabular is Dataverse's 400 ([`Error::BadRequest`]:
    /// `This operation is only available for tabular files.`); a restricted one needs
    /// download permission (403).
    ///
    /// Endpoint: `GET /api/files/{id}/dataTables`
    pub async fn get_file_data_tables(
        &self,
        file: impl IntoPersistentOrId,
    ) -> Result<Vec<DataTable>> {
        let id = file.into_persistent_or_id()?;
        self.execute(Request::get("files").id(&id).seg("dataTables"))
            .await
    }

    /// The total size of the files of a dataset version a download would bring.
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}/downloadsize` (`mode`,
    /// `contentType`, `accessStatus`, `categoryName`, `tabularTagName`, `searchText`,
    /// `includeDeaccessioned`)
    pub async fn get_dataset_download_size(
        &self,
        dataset: impl IntoPersistentOrId,
        version: Version,
        query: &DownloadSizeQuery,
    ) -> Result<DownloadSize> {
        let id = dataset.into_persistent_or_id()?;
        let req = Request::get("datasets")
            .id(&id)
            .seg("versions")
            .seg(version)
            .seg("downloadsize");
        self.execute(query.apply(req)).await
    }

    /// How many times a file was downloaded (guestbook responses that are not access
    /// requests; Dataverse counts downloads of published files).
    ///
    /// Endpoint: `GET /api/files/{id}/downloadCount`
    pub async fn get_file_download_count(&self, file: impl IntoPersistentOrId) -> Result<u64> {
        let id = file.into_persistent_or_id()?;
        let req = Request::get("files").id(&id).seg("downloadCount");
        let (method, url) = (req.method.clone(), self.url_for(&req));
        let text = self.execute_message(req).await?;
        text.trim().parse().map_err(|_| {
            Error::decode(
                &method,
                &url,
                "data.message",
                format!("not a count: {text:?}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_modes() {
        let api = NativeApi::new("https://h").unwrap();
        let q = DownloadSizeQuery {
            mode: Some(DownloadSizeMode::Original),
            category_name: Some("Data".into()),
            ..Default::default()
        };
        let req = q.apply(Request::get("datasets").seg(1).seg("downloadsize"));
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/datasets/1/downloadsize?mode=Original&categoryName=Data"
        );
        assert_eq!(
            "archival".parse::<DownloadSizeMode>().unwrap(),
            DownloadSizeMode::Archival
        );
        assert!("big".parse::<DownloadSizeMode>().is_err());
    }
}
