//! Citations of dataset versions and files, and the reads of a private (preview) URL:
//! `/api/datasets/{id}/versions/{v}/citation`, `/api/files/{id}/versions/{v}/citation`,
//! `/api/datasets/privateUrlDatasetVersion/{token}[/citation]`.

use crate::client::{NativeApi, Request};
use crate::error::{ApiError, Error, Result};
use crate::ids::{IntoPersistentOrId, Version};
use crate::models::datasets::DatasetVersion;

/// A citation request for `version`, with `includeDeaccessioned` when asked.
fn citation(req: Request, version: Version, include_deaccessioned: bool) -> Request {
    let req = req.seg("versions").seg(version).seg("citation");
    if include_deaccessioned {
        req.query("includeDeaccessioned", "true")
    } else {
        req
    }
}

/// A request on the private-URL version read; the token is a credential, so it must not
/// be empty or carry a path separator.
fn private_url(token: &str) -> Result<Request> {
    let token = token.trim();
    if token.is_empty() || token.contains('/') {
        return Err(Error::InvalidArgument(
            "a private URL token is a non-empty string without '/'".into(),
        ));
    }
    Ok(Request::get("datasets")
        .seg("privateUrlDatasetVersion")
        .seg(token))
}

/// `e` with every occurrence of `secret` in its URL and message replaced by `***` (the
/// private-URL token travels in the path). A transport failure loses its source, whose
/// text would name the URL.
fn redacted(e: Error, secret: &str) -> Error {
    let hide = |s: String| crate::secret::redact(&s, secret);
    let api = |a: ApiError| ApiError {
        url: hide(a.url),
        message: hide(a.message),
        ..a
    };
    match e {
        Error::NotFound(a) => Error::NotFound(api(a)),
        Error::Unauthorized(a) => Error::Unauthorized(api(a)),
        Error::Forbidden(a) => Error::Forbidden(api(a)),
        Error::BadRequest(a) => Error::BadRequest(api(a)),
        Error::Conflict(a) => Error::Conflict(api(a)),
        Error::Server(a) => Error::Server(api(a)),
        Error::RateLimited { error, retry_after } => Error::RateLimited {
            error: api(error),
            retry_after,
        },
        Error::Transport {
            method,
            url,
            message,
            maybe_sent,
            timeout,
            ..
        } => Error::Transport {
            method,
            url: hide(url),
            message: hide(message),
            maybe_sent,
            timeout,
            source: None,
        },
        Error::Decode {
            method,
            url,
            path,
            message,
        } => Error::Decode {
            method,
            url: hide(url),
            path,
            message: hide(message),
        },
        other => other,
    }
}

impl NativeApi {
    /// The citation of a dataset version as Dataverse formats it, in HTML (the PID a
    /// link): `Authors, YEAR, "Title", <a href=..>..</a>, Publisher, V1`. A deaccessioned
    /// version is found only with `include_deaccessioned`.
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}/citation[?includeDeaccessioned=true]`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// let html = api.get_dataset_citation("doi:10.5072/FK2/ABC123", Version::LatestPublished, false).await?;
    /// println!("{html}");
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_citation(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Version,
        include_deaccessioned: bool,
    ) -> Result<String> {
        let id = identifier.into_persistent_or_id()?;
        let req = citation(
            Request::get("datasets").id(&id),
            version,
            include_deaccessioned,
        );
        self.execute_message(req).await
    }

    /// The citation of a file in a dataset version, in HTML: the dataset's citation
    /// followed by `; name [fileName]`.
    ///
    /// Endpoint: `GET /api/files/{id}/versions/{v}/citation[?includeDeaccessioned=true]`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// let html = api.get_datafile_citation(42, Version::Latest, false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_datafile_citation(
        &self,
        file: impl IntoPersistentOrId,
        version: Version,
        include_deaccessioned: bool,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let req = citation(
            Request::get("files").id(&id),
            version,
            include_deaccessioned,
        );
        self.execute_message(req).await
    }

    /// The draft a private (preview) URL token opens, as its reviewer sees it (no API
    /// token needed; the private URL's token is the credential, and it is kept out of
    /// errors). A token that is not one is [`Error::NotFound`].
    ///
    /// Endpoint: `GET /api/datasets/privateUrlDatasetVersion/{token}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let draft = api.get_private_url_dataset_version("a1b2c3d4-...").await?;
    /// println!("{:?}", draft.title());
    /// # Ok(()) }
    /// ```
    pub async fn get_private_url_dataset_version(&self, token: &str) -> Result<DatasetVersion> {
        let req = private_url(token)?;
        self.execute(req)
            .await
            .map_err(|e| redacted(e, token.trim()))
    }

    /// The citation of the draft a private URL token opens, in HTML.
    ///
    /// Endpoint: `GET /api/datasets/privateUrlDatasetVersion/{token}/citation`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let html = api.get_private_url_dataset_version_citation("a1b2c3d4-...").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_private_url_dataset_version_citation(&self, token: &str) -> Result<String> {
        let req = private_url(token)?.seg("citation");
        self.execute_message(req)
            .await
            .map_err(|e| redacted(e, token.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_redacted() {
        assert!(matches!(private_url(""), Err(Error::InvalidArgument(_))));
        assert!(matches!(private_url("a/b"), Err(Error::InvalidArgument(_))));
        let e = Error::NotFound(ApiError {
            status: 404,
            message: "no s3cret here: s3cret".into(),
            method: "GET".into(),
            url: "http://h/api/datasets/privateUrlDatasetVersion/s3cret".into(),
            token_sent: false,
        });
        let shown = redacted(e, "s3cret").to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("privateUrlDatasetVersion/***"), "{shown}");
    }
}
