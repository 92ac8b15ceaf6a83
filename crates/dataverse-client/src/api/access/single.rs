//! Downloading one file: `download_datafile`.

use std::path::Path;

use super::expected::expected_of;
use super::options::{DownloadOptions, PartMode};
use super::report::DownloadReport;
use super::transfer::Destination;
use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::ids::{IntoPersistentOrId, PersistentOrId};
#[cfg(doc)]
use {super::report::Verification, crate::error::Error};

/// `GET /api/access/datafile/{id}`, as a transfer.
pub(super) fn datafile_request(id: &PersistentOrId, original: bool) -> Request {
    let mut req = Request::get("access").seg("datafile").id(id).transfer();
    if original {
        req = req.query("format", "original");
    }
    req
}

impl NativeApi {
    /// Download one file to `destination`, checked against the checksum the server reports.
    ///
    /// `destination` is a file path, or an existing directory (or a path ending in `/`),
    /// in which case the file keeps the server's name (`Content-Disposition`, stripped of
    /// any path). The bytes stream to `.<name>.part` beside the destination and are hashed
    /// as they arrive; an interrupted transfer resumes with a `Range` request (at most
    /// [`RetryPolicy::max_attempts`](crate::RetryPolicy) attempts in a row without progress;
    /// a server that ignores `Range` is read again from the start). The file is renamed
    /// into place only when its checksum matches: on a mismatch the partial file is
    /// deleted, nothing is written at the destination, and the error is
    /// [`Error::ChecksumMismatch`]. A `.part` file left by an earlier run is resumed
    /// (unless [`DownloadOptions::resume`] is off).
    ///
    /// The ingested `.tab` form of a tabular file has no checksum on the server: it is
    /// reported as [`Verification::Unverified`]; with [`DownloadOptions::original`] the
    /// original upload is fetched and checked.
    ///
    /// Errors: [`Error::NotFound`] for an unknown file, [`Error::Forbidden`] (or
    /// [`Error::Unauthorized`]) for a restricted one, [`Error::Io`] naming the path when
    /// the destination cannot be written.
    ///
    /// Endpoint: `GET /api/files/{id}` (the checksum), then `GET /api/access/datafile/{id}`
    /// (`?format=original`, `Range: bytes=N-` when resuming)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::access::DownloadOptions;
    /// let options = DownloadOptions::new()
    ///     .original(true)
    ///     .progress(|done, total| eprintln!("{done} of {total:?} bytes"));
    /// let report = api.download_datafile(42, std::path::Path::new("out/"), &options).await?;
    /// println!("{} ({} bytes, {:?})", report.path.display(), report.bytes, report.verification);
    /// # Ok(()) }
    /// ```
    pub async fn download_datafile(
        &self,
        file: impl IntoPersistentOrId,
        destination: impl AsRef<Path>,
        options: &DownloadOptions,
    ) -> Result<DownloadReport> {
        let id = file.into_persistent_or_id()?;
        let info = self.get_datafile_metadata(&id, false).await?;
        let expected = expected_of(&info, options.original);
        self.download_to(
            &id.to_string(),
            datafile_request(&id, options.original),
            Destination::of(destination.as_ref()),
            &expected,
            PartMode::from(options),
            options.progress.clone(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let api = NativeApi::new("https://h").unwrap();
        let pid = PersistentOrId::parse("doi:10.5072/FK2/X").unwrap();
        let req = datafile_request(&pid, true);
        assert!(req.transfer);
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/datafile/:persistentId?persistentId=doi%3A10.5072%2FFK2%2FX&format=original"
        );
        assert_eq!(
            api.url_for(&datafile_request(&PersistentOrId::Id(9), false))
                .as_str(),
            "https://h/api/access/datafile/9"
        );
    }
}
