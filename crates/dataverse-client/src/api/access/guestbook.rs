//! Downloads that answer the dataset's guestbook. Dataverse refuses a plain `GET` of a
//! file whose dataset has an enabled guestbook (400, `You may not download this file
//! without the required Guestbook response for guestbookID N.`) unless the caller may edit
//! the dataset. The answer goes in a `POST` of the same URL (`{"guestbookResponse": ...}`),
//! which records it and answers with a signed URL to the matching `GET`, valid one minute;
//! these methods make both calls. The bundle is served by its `POST` directly.

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::bytes::{
    ByteStream, DataAccessOptions, datafile_request, datafiles_request, dataset_request,
};
use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::guestbooks::GuestbookResponse;

/// `{"signedUrl": ...}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Signed {
    signed_url: String,
}

/// `get` turned into the `POST` carrying the response (never re-sent: it records one).
fn as_post(mut get: Request, response: &GuestbookResponse) -> Request {
    get.method = Method::POST;
    get.idempotent = false;
    get.transfer = false;
    get.headers.clear();
    get.json(response.to_body())
}

impl NativeApi {
    /// `POST` the response, then the `GET` of the signed URL (with the headers of `get`,
    /// such as its `Range`).
    async fn signed_get(&self, get: Request, response: &GuestbookResponse) -> Result<Request> {
        let headers = get.headers.clone();
        let post = as_post(get, response);
        let signed: Signed = self.execute(post).await?;
        let url = Url::parse(&signed.signed_url).map_err(|e| {
            Error::decode(
                &Method::POST,
                self.base_url(),
                "data.signedUrl",
                format!("not a URL: {e}"),
            )
        })?;
        let mut req = self.request_for_url(&url).ok_or_else(|| {
            Error::decode(
                &Method::POST,
                self.base_url(),
                "data.signedUrl",
                "the signed URL is not on this server",
            )
        })?;
        req.headers = headers;
        Ok(req.transfer())
    }

    /// The request that fetches one file: the plain `GET`, or with a guestbook response
    /// the `GET` of the signed URL the `POST` answered with.
    pub(super) async fn datafile_or_signed(
        &self,
        id: &PersistentOrId,
        options: &DataAccessOptions,
    ) -> Result<Request> {
        match &options.guestbook_response {
            None => Ok(datafile_request(id, options)),
            Some(r) => self.signed_get(datafile_request(id, options), r).await,
        }
    }

    /// [`get_datafiles`](Self::get_datafiles) answering the dataset's guestbook.
    ///
    /// Endpoint: `POST /api/access/datafiles/{id,id,...}` (the response), then `GET` of
    /// the signed URL
    pub async fn get_datafiles_with_guestbook(
        &self,
        files: &[u64],
        original: bool,
        response: &GuestbookResponse,
    ) -> Result<bytes::Bytes> {
        let req = self
            .signed_get(datafiles_request(files, original)?, response)
            .await?;
        self.bytes_of(req).await
    }

    /// [`stream_datafiles`](Self::stream_datafiles) answering the dataset's guestbook.
    ///
    /// Endpoint: `POST /api/access/datafiles/{id,id,...}`, then `GET` of the signed URL
    pub async fn stream_datafiles_with_guestbook(
        &self,
        files: &[u64],
        original: bool,
        response: &GuestbookResponse,
    ) -> Result<ByteStream> {
        let req = self
            .signed_get(datafiles_request(files, original)?, response)
            .await?;
        self.stream_of(req).await
    }

    /// [`download_all_datafiles`](Self::download_all_datafiles) answering the dataset's
    /// guestbook.
    ///
    /// Endpoint: `POST /api/access/dataset/{id}[/versions/{v}]`, then `GET` of the signed
    /// URL
    pub async fn download_all_datafiles_with_guestbook(
        &self,
        dataset: impl IntoPersistentOrId,
        version: Option<Version>,
        original: bool,
        response: &GuestbookResponse,
    ) -> Result<bytes::Bytes> {
        let id = dataset.into_persistent_or_id()?;
        let req = self
            .signed_get(dataset_request(&id, version, original), response)
            .await?;
        self.bytes_of(req).await
    }

    /// [`stream_all_datafiles`](Self::stream_all_datafiles) answering the dataset's
    /// guestbook.
    ///
    /// Endpoint: `POST /api/access/dataset/{id}[/versions/{v}]`, then `GET` of the signed
    /// URL
    pub async fn stream_all_datafiles_with_guestbook(
        &self,
        dataset: impl IntoPersistentOrId,
        version: Option<Version>,
        original: bool,
        response: &GuestbookResponse,
    ) -> Result<ByteStream> {
        let id = dataset.into_persistent_or_id()?;
        let req = self
            .signed_get(dataset_request(&id, version, original), response)
            .await?;
        self.stream_of(req).await
    }

    /// [`get_datafile_bundle`](Self::get_datafile_bundle) answering the dataset's
    /// guestbook: the `POST` records the response and answers with the bundle itself.
    ///
    /// Endpoint: `POST /api/access/datafile/bundle/{id}`
    pub async fn get_datafile_bundle_with_guestbook(
        &self,
        file: impl IntoPersistentOrId,
        response: &GuestbookResponse,
    ) -> Result<bytes::Bytes> {
        let id = file.into_persistent_or_id()?;
        let get = Request::get("access").seg("datafile").seg("bundle").id(&id);
        let req = as_post(get, response).transfer();
        self.bytes_of(req).await
    }

    /// [`request_access`](Self::request_access) with an answer to the dataset's
    /// guestbook, which Dataverse requires when the guestbook is answered at request time
    /// (400 `You may not request access to this file without the required Guestbook
    /// response for guestbookID N.` otherwise) and records whenever one is given.
    ///
    /// Endpoint: `PUT /api/access/datafile/{id}/requestAccess` (body
    /// `{"guestbookResponse": ...}`)
    pub async fn request_access_with_guestbook(
        &self,
        file: impl IntoPersistentOrId,
        response: &GuestbookResponse,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::put("access")
            .seg("datafile")
            .id(&id)
            .seg("requestAccess")
            .json(response.to_body());
        req.idempotent = false;
        self.execute_message(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_urls_become_requests_on_this_server() {
        let api = NativeApi::new("http://h:8080").unwrap();
        let url = Url::parse(
            "http://h:8080/api/access/datafile/5?format=original&gbrecs=true&gbrids=9&until=2026-12-03T16:10:05.123&user=ada&method=GET&token=ab",
        )
        .unwrap();
        let req = api.request_for_url(&url).unwrap();
        let built = api.url_for(&req);
        assert_eq!(built.path(), "/api/access/datafile/5");
        assert_eq!(
            built.query_pairs().collect::<Vec<_>>(),
            url.query_pairs().collect::<Vec<_>>()
        );
        let elsewhere = Url::parse("http://other:8080/api/access/datafile/5").unwrap();
        assert!(api.request_for_url(&elsewhere).is_none());
        let outside = Url::parse("http://h:8080/elsewhere/5").unwrap();
        assert!(api.request_for_url(&outside).is_none());
    }
}
