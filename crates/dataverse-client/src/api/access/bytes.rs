//! Files as bytes in memory or as byte streams (pyDataverse's `DataAccessApi`): one file
//! with its optional services (`format`, `noVarHeader`, `imageThumb`) and a `Range`,
//! several files or a whole dataset version as one zip, a tabular file's bundle, and the
//! URL a store hands out for a download.
//!
//! These read the whole answer into memory (`get_*`) or hand it over as it arrives
//! (`stream_*`); for downloads to disk with resume and checksum checks, use
//! [`download_datafile`](crate::NativeApi::download_datafile) and
//! [`download_dataset`](crate::NativeApi::download_dataset).

use std::pin::Pin;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use url::Url;

use crate::client::{NativeApi, Request, transport_error};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};

/// A download as it arrives, chunk by chunk.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// The optional services and range of a file read
/// (`GET /api/access/datafile/{id}`'s query and `Range`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataAccessOptions {
    /// `format=`: `original` (the saved original of an ingested file), `tab`, or another
    /// format the server offers (`RData`, `prep`).
    pub format: Option<String>,
    /// `noVarHeader=true`: a tabular file without its variable-name header line.
    pub no_var_header: bool,
    /// `imageThumb=`: a thumbnail (`true`, or a size in pixels) of an image.
    pub image_thumb: Option<String>,
    /// `gbrecs=true`: do not count this download (Dataverse's guestbook records).
    pub gbrecs: bool,
    /// `Range: bytes=start-end` (`end` inclusive; open when `None`).
    pub range: Option<(u64, Option<u64>)>,
}

impl DataAccessOptions {
    /// The file as stored, counted as a download.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set `format=` (`original`, `tab`, ...).
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// Leave out the variable header line of a tabular file.
    pub fn no_var_header(mut self, no_var_header: bool) -> Self {
        self.no_var_header = no_var_header;
        self
    }

    /// Ask for a thumbnail (`true` or a size in pixels).
    pub fn image_thumb(mut self, value: impl Into<String>) -> Self {
        self.image_thumb = Some(value.into());
        self
    }

    /// Do not count this download.
    pub fn gbrecs(mut self, gbrecs: bool) -> Self {
        self.gbrecs = gbrecs;
        self
    }

    /// Only bytes `start..=end` (to the end when `end` is `None`).
    pub fn range(mut self, start: u64, end: Option<u64>) -> Self {
        self.range = Some((start, end));
        self
    }

    fn apply(&self, mut req: Request) -> Request {
        if let Some(f) = &self.format {
            req = req.query("format", f);
        }
        if self.no_var_header {
            req = req.query("noVarHeader", true);
        }
        if let Some(t) = &self.image_thumb {
            req = req.query("imageThumb", t);
        }
        if self.gbrecs {
            req = req.query("gbrecs", true);
        }
        if let Some((start, end)) = self.range {
            let end = end.map(|e| e.to_string()).unwrap_or_default();
            req = req.header("Range", format!("bytes={start}-{end}"));
        }
        req
    }
}

/// `GET /api/access/datafile/{id}` with the options.
fn datafile_request(id: &PersistentOrId, options: &DataAccessOptions) -> Request {
    options.apply(Request::get("access").seg("datafile").id(id).transfer())
}

/// `GET /api/access/datafiles/{a,b,...}`.
fn datafiles_request(ids: &[u64], original: bool) -> Result<Request> {
    if ids.is_empty() {
        return Err(Error::InvalidArgument("no file ids were given".into()));
    }
    let list = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let mut req = Request::get("access").seg("datafiles").seg(list).transfer();
    if original {
        req = req.query("format", "original");
    }
    Ok(req)
}

/// `GET /api/access/dataset/{id}[/versions/{v}]`.
fn dataset_request(id: &PersistentOrId, version: Option<Version>, original: bool) -> Request {
    let mut req = Request::get("access").seg("dataset").id(id);
    if let Some(v) = version {
        req = req.seg("versions").seg(v);
    }
    let mut req = req.transfer();
    if original {
        req = req.query("format", "original");
    }
    req
}

impl NativeApi {
    /// Send a transfer request and hand its body over as a stream.
    async fn stream_of(&self, req: Request) -> Result<ByteStream> {
        let method = req.method.clone();
        let response = self.execute_response(req).await?;
        let url = response.url().clone();
        Ok(response
            .bytes_stream()
            .map_err(move |e| transport_error(&method, &url, e))
            .boxed())
    }

    /// Read a whole stream into memory.
    pub(super) async fn bytes_of(&self, req: Request) -> Result<Bytes> {
        let mut stream = self.stream_of(req).await?;
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(out))
    }

    /// The bytes of one file, in memory. With [`DataAccessOptions`]: the saved original
    /// of an ingested file (`format=original`), a tabular file without its header line,
    /// a range.
    ///
    /// Errors: [`Error::NotFound`] for an unknown file or a service the file does not
    /// offer (`format=tab` of a file that is not tabular), [`Error::Forbidden`] for a
    /// restricted file the caller may not download.
    ///
    /// Endpoint: `GET /api/access/datafile/{id}` (`format`, `noVarHeader`, `imageThumb`,
    /// `gbrecs`; `Range`)
    pub async fn get_datafile(
        &self,
        file: impl IntoPersistentOrId,
        options: &DataAccessOptions,
    ) -> Result<Bytes> {
        let id = file.into_persistent_or_id()?;
        self.bytes_of(datafile_request(&id, options)).await
    }

    /// [`get_datafile`](Self::get_datafile) as a stream of chunks, for files too large
    /// for memory; a [`DataAccessOptions::range`] reads part of one.
    ///
    /// Endpoint: `GET /api/access/datafile/{id}`
    pub async fn stream_datafile(
        &self,
        file: impl IntoPersistentOrId,
        options: &DataAccessOptions,
    ) -> Result<ByteStream> {
        let id = file.into_persistent_or_id()?;
        self.stream_of(datafile_request(&id, options)).await
    }

    /// Several files of one dataset as one zip, in memory: each under its folder, and
    /// `MANIFEST.TXT` last (naming the files left out). `original`: saved originals of
    /// ingested files.
    ///
    /// Endpoint: `GET /api/access/datafiles/{id,id,...}`
    pub async fn get_datafiles(&self, files: &[u64], original: bool) -> Result<Bytes> {
        self.bytes_of(datafiles_request(files, original)?).await
    }

    /// [`get_datafiles`](Self::get_datafiles) as a stream.
    ///
    /// Endpoint: `GET /api/access/datafiles/{id,id,...}`
    pub async fn stream_datafiles(&self, files: &[u64], original: bool) -> Result<ByteStream> {
        self.stream_of(datafiles_request(files, original)?).await
    }

    /// The files of a dataset version (the latest the caller may see when `version` is
    /// `None`) as one zip, in memory.
    ///
    /// Endpoint: `GET /api/access/dataset/{id}[/versions/{v}]`
    pub async fn download_all_datafiles(
        &self,
        dataset: impl IntoPersistentOrId,
        version: Option<Version>,
        original: bool,
    ) -> Result<Bytes> {
        let id = dataset.into_persistent_or_id()?;
        self.bytes_of(dataset_request(&id, version, original)).await
    }

    /// [`download_all_datafiles`](Self::download_all_datafiles) as a stream.
    ///
    /// Endpoint: `GET /api/access/dataset/{id}[/versions/{v}]`
    pub async fn stream_all_datafiles(
        &self,
        dataset: impl IntoPersistentOrId,
        version: Option<Version>,
        original: bool,
    ) -> Result<ByteStream> {
        let id = dataset.into_persistent_or_id()?;
        self.stream_of(dataset_request(&id, version, original))
            .await
    }

    /// The bundle of a tabular file as a zip, in memory: the ingested file with its
    /// header line, the saved original, the file's DDI, and its EndNote, RIS and BibTeX
    /// citations (Dataverse's entry names: `x.tab`, `x.csv`, `x-ddi.xml`,
    /// `xcitation-endnote.xml`, `xcitation-ris.ris`, `xcitation-bib.bib`).
    ///
    /// Endpoint: `GET /api/access/datafile/bundle/{id}`
    pub async fn get_datafile_bundle(&self, file: impl IntoPersistentOrId) -> Result<Bytes> {
        let id = file.into_persistent_or_id()?;
        let req = Request::get("access")
            .seg("datafile")
            .seg("bundle")
            .id(&id)
            .transfer();
        self.bytes_of(req).await
    }

    /// The URL the file's bytes come from: where a store that redirects downloads (S3
    /// with download redirects) sends the client, else the access URL itself. Only the
    /// first byte is asked for.
    ///
    /// Endpoint: `GET /api/access/datafile/{id}` (`Range: bytes=0-0`; redirects followed)
    pub async fn get_datafile_download_url(
        &self,
        file: impl IntoPersistentOrId,
        options: &DataAccessOptions,
    ) -> Result<Url> {
        let id = file.into_persistent_or_id()?;
        let probe = options.clone().gbrecs(true).range(0, Some(0));
        let response = self.execute_response(datafile_request(&id, &probe)).await?;
        let mut url = response.url().clone();
        if url == self.url_for(&datafile_request(&id, &probe)) {
            url = self.url_for(&datafile_request(
                &id,
                &DataAccessOptions {
                    range: None,
                    ..options.clone()
                },
            ));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let api = NativeApi::new("https://h").unwrap();
        let opts = DataAccessOptions::new()
            .format("tab")
            .no_var_header(true)
            .gbrecs(true)
            .range(10, None);
        let req = datafile_request(&PersistentOrId::Id(5), &opts);
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/datafile/5?format=tab&noVarHeader=true&gbrecs=true"
        );
        assert_eq!(
            req.headers,
            vec![("Range".to_string(), "bytes=10-".to_string())]
        );
        let req = datafiles_request(&[3, 4], true).unwrap();
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/datafiles/3,4?format=original"
        );
        assert!(datafiles_request(&[], false).is_err());
        let req = dataset_request(&PersistentOrId::Id(2), Some(Version::Draft), false);
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/dataset/2/versions/:draft"
        );
    }
}
