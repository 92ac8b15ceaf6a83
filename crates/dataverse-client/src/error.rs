//! The one error type of the library.
//!
//! Variants are grouped by meaning, not by HTTP status, so callers can react to
//! "not found" or "retry later" without knowing Dataverse's status-code quirks
//! (Dataverse answers a permission denial with 401, a business rule with 403).

use std::fmt;
use std::time::Duration;

use crate::checksum::ChecksumAlgorithm;

/// A failed call: what the server said, or why no answer could be used.
///
/// Every API variant carries an [`ApiError`] with the HTTP status, the server's
/// message, the method and a URL that never contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 404: the object (or endpoint) does not exist, or is invisible to the caller.
    #[error("not found: {0}")]
    NotFound(ApiError),
    /// 401: bad or missing API token, or (Dataverse's mapping) a permission denial.
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// 403: a business rule refused the request (e.g. publishing an already published collection).
    #[error("forbidden: {0}")]
    Forbidden(ApiError),
    /// 400 (and 405, 406, 413, 415, 416): the request itself was refused as malformed.
    #[error("bad request: {0}")]
    BadRequest(ApiError),
    /// 400 to an upload larger than the dataset's store accepts (the installation's
    /// `:MaxFileUploadSizeInBytes`): the server's message names the size and the limit
    /// (`This file size (2.0 KB) exceeds the size limit of 1000 B.`, or for direct upload
    /// `The maximum allowed file size is 1000 bytes.`).
    #[error("file too large: {0}")]
    FileTooLarge(ApiError),
    /// 409: the request conflicts with the object's state.
    #[error("conflict: {0}")]
    Conflict(ApiError),
    /// 429: the server's rate limit; `retry_after` is the server's hint, if any.
    #[error("rate limited: {error}")]
    RateLimited {
        /// The server's answer.
        error: ApiError,
        /// How long the server asked the client to wait.
        retry_after: Option<Duration>,
    },
    /// 5xx (and any other unexpected status): the server failed.
    #[error("server error: {0}")]
    Server(ApiError),
    /// The request could not be sent or its answer not received (DNS, connect, TLS, timeout, reset).
    #[error("transport error: {method} {url}: {message}")]
    Transport {
        /// HTTP method.
        method: String,
        /// URL without secrets.
        url: String,
        /// What went wrong, in a few words (`timed out`, `could not connect`, ...); the
        /// causes below it are in [`source`](std::error::Error::source).
        message: String,
        /// Whether the request may have reached the server (false for connect failures).
        maybe_sent: bool,
        /// Whether it was a timeout.
        timeout: bool,
        /// The failure of the HTTP stack behind it; `None` when there was none (too many
        /// redirects, a body shorter than announced, ...).
        #[source]
        source: Option<TransportSource>,
    },
    /// The server answered, but its body was not what the API documents.
    #[error("could not decode the response of {method} {url} at `{path}`: {message}")]
    Decode {
        /// HTTP method.
        method: String,
        /// URL without secrets.
        url: String,
        /// JSON path of the failure inside the envelope's `data` (`.` when the whole body failed).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A crawl failed below a collection: which one, and why.
    #[error("crawling collection {collection}: {source}")]
    Crawl {
        /// The collection whose request failed (id or alias).
        collection: String,
        /// What went wrong there.
        source: Box<Error>,
    },
    /// A file's checksum differs from the one the server reports for it. After a download
    /// the partial file was deleted and nothing was written at the destination; after an
    /// upload the server holds bytes other than those sent.
    #[error(
        "checksum mismatch for {file}: the server reports {algorithm} {expected}, the bytes transferred have {actual}"
    )]
    ChecksumMismatch {
        /// The file: id or PID (download), or name (upload).
        file: String,
        /// The algorithm of both checksums.
        algorithm: ChecksumAlgorithm,
        /// The checksum the server reports.
        expected: String,
        /// The checksum of the bytes received (download) or sent (upload).
        actual: String,
    },
    /// A downloaded file's size differs from the one the server reports for it (checked
    /// when no checksum is available). Nothing was written at the destination.
    #[error(
        "size mismatch for {file}: the server reports {expected} bytes, the download has {actual}"
    )]
    SizeMismatch {
        /// The file (id or PID) that was downloaded.
        file: String,
        /// The size the server reports.
        expected: u64,
        /// The size received.
        actual: u64,
    },
    /// A local file or directory could not be read or written.
    #[error("{operation} {}: {source}", path.display())]
    Io {
        /// What was being done (`creating`, `writing`, `renaming`, ...).
        operation: String,
        /// The path concerned.
        path: std::path::PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The object store of a direct upload refused a presigned request (an expired or
    /// forged URL, a missing upload) or could not be reached (`status` `None`).
    #[error("object store {operation} {url}: {message}")]
    ObjectStore {
        /// `PUT`, ...
        operation: String,
        /// The presigned URL without its query (the signature is never shown).
        url: String,
        /// The HTTP status of the store's answer, if one came.
        status: Option<u16>,
        /// The store's error code and message, or what went wrong.
        message: String,
    },
    /// A file stored by direct upload was not registered in the dataset (an entry of
    /// `addFiles` refused, or the batch call failed). Its bytes stay in the store: running
    /// the upload again (with resume) registers it without sending them again.
    #[error("not registered: {storage_identifier}: {message}")]
    NotRegistered {
        /// Where the bytes are (`s3://bucket:name`).
        storage_identifier: String,
        /// Why (the server's `errorMessage`, or the failure of the call).
        message: String,
    },
    /// An argument was rejected before any request was sent (malformed PID, alias, version,
    /// or a configuration that would leak the token).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

/// What a Dataverse server answered when a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// The server's message (`message` of the error envelope), or the body's start if it had none.
    pub message: String,
    /// HTTP method of the request.
    pub method: String,
    /// URL of the request, without secrets (the token is never part of a URL we send).
    pub url: String,
    /// Whether the request carried the API token. False when the client has none (or
    /// the request was redirected to another host): Dataverse then ran it as the guest
    /// user, which is what an answer of 401, 403 or 400 to a write usually means.
    pub token_sent: bool,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} {} -> {})",
            self.message, self.method, self.url, self.status
        )
    }
}

/// The failure of the HTTP stack behind an [`Error::Transport`] (an I/O, TLS or protocol
/// error), kept opaque so no third-party type is part of this library's API.
///
/// Its text is the chain of causes (`client error (Connect): tcp connect error: Connection
/// refused (os error 111)`), so it has no further [`source`](std::error::Error::source);
/// [`get_ref`](Self::get_ref) gives the error itself, to inspect or downcast.
pub struct TransportSource {
    error: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportSource {
    /// Wrap the HTTP stack's error.
    pub(crate) fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        TransportSource {
            error: Box::new(error),
        }
    }

    /// The underlying error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.error
    }
}

impl fmt::Debug for TransportSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl fmt::Display for TransportSource {
    /// The causes below the HTTP client's own message (which repeats the URL the
    /// [`Error::Transport`] carries), joined by `: `; that message when there are none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut cause = self.error.source();
        if cause.is_none() {
            return fmt::Display::fmt(&self.error, f);
        }
        let mut first = true;
        while let Some(c) = cause {
            if !first {
                f.write_str(": ")?;
            }
            write!(f, "{c}")?;
            first = false;
            cause = c.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportSource {}

/// Why a server could not be reached at all ([`Error::unreachable`]): nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unreachable {
    /// The host answered that nothing listens on the port (`ECONNREFUSED`).
    ConnectionRefused,
    /// The host name could not be resolved (DNS).
    UnknownHost,
}

impl Unreachable {
    /// Classify the failure of the HTTP stack behind a connect error: a refused
    /// connection (an I/O error of kind [`ConnectionRefused`](std::io::ErrorKind::ConnectionRefused)
    /// among its causes) or a failed name lookup (the HTTP stack's `dns error`).
    pub(crate) fn classify(error: &(dyn std::error::Error + 'static)) -> Option<Unreachable> {
        let mut cause = Some(error);
        while let Some(c) = cause {
            if let Some(io) = c.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                return Some(Unreachable::ConnectionRefused);
            }
            if c.to_string().starts_with("dns error") {
                return Some(Unreachable::UnknownHost);
            }
            cause = c.source();
        }
        None
    }

    /// A few words for [`Error::Transport`]'s `message`.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Unreachable::ConnectionRefused => "connection refused",
            Unreachable::UnknownHost => "unknown host",
        }
    }
}

/// An error with its causes, for log lines: `Display` writes the error, then `: cause` for
/// each source below it (a transport error's own text names only its kind).
pub(crate) struct WithCauses<'a>(pub &'a Error);

impl std::fmt::Display for WithCauses<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl Error {
    /// A response body that is not what the API documents: `path` is the JSON path of the
    /// failure (`.` for the whole body), `message` what was wrong.
    pub(crate) fn decode(
        method: impl fmt::Display,
        url: impl fmt::Display,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Decode {
            method: method.to_string(),
            url: url.to_string(),
            path: path.into(),
            message: message.into(),
        }
    }

    /// Map a non-success status and the server's message to the variant of that meaning.
    pub(crate) fn from_status(api: ApiError, retry_after: Option<Duration>) -> Self {
        match api.status {
            404 => Error::NotFound(api),
            401 => Error::Unauthorized(api),
            403 => Error::Forbidden(api),
            400 | 405 | 406 | 411 | 413 | 414 | 415 | 416 | 422 => Error::BadRequest(api),
            409 => Error::Conflict(api),
            429 => Error::RateLimited {
                error: api,
                retry_after,
            },
            _ => Error::Server(api),
        }
    }

    /// Whether trying the same request again later could succeed: connection problems,
    /// timeouts and the statuses 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Crawl { source, .. } => source.is_retryable(),
            Error::Transport { .. } | Error::RateLimited { .. } => true,
            Error::Server(api) => matches!(api.status, 408 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Why the server could not be reached at all, when it was a refused connection or
    /// a host name that does not resolve (nothing was sent). Such a failure is retried
    /// at most [`RetryPolicy::max_unreachable_attempts`](crate::RetryPolicy::max_unreachable_attempts)
    /// times in all: a wrong URL or a stopped server does not heal in seconds.
    pub fn unreachable(&self) -> Option<Unreachable> {
        match self {
            Error::Crawl { source, .. } => source.unreachable(),
            Error::Transport {
                maybe_sent: false,
                source: Some(source),
                ..
            } => Unreachable::classify(source.get_ref()),
            _ => None,
        }
    }

    /// A 400 to an upload that Dataverse words as the file being over the store's size
    /// limit becomes [`Error::FileTooLarge`]; anything else is returned as it is.
    pub(crate) fn upload_limit(self) -> Error {
        match self {
            Error::BadRequest(a)
                if a.message.contains("exceeds the size limit of")
                    || a.message
                        .contains("is too large to be uploaded to this dataset") =>
            {
                Error::FileTooLarge(a)
            }
            other => other,
        }
    }

    /// The server's answer, for the variants that have one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::NotFound(a)
            | Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::BadRequest(a)
            | Error::FileTooLarge(a)
            | Error::Conflict(a)
            | Error::Server(a)
            | Error::RateLimited { error: a, .. } => Some(a),
            Error::Crawl { source, .. } => source.api_error(),
            _ => None,
        }
    }

    /// HTTP status of the server's answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|a| a.status)
    }

    /// The server's message, if there was one.
    pub fn server_message(&self) -> Option<&str> {
        self.api_error().map(|a| a.message.as_str())
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> ApiError {
        ApiError {
            status,
            message: "m".into(),
            method: "GET".into(),
            url: "http://h/api/x".into(),
            token_sent: true,
        }
    }

    #[test]
    fn uploads_over_the_store_limit_are_told_apart() {
        let mut a = api(400);
        a.message = "There was an error when trying to add the new file. This file size (11 B) exceeds the size limit of 10 B.".into();
        assert!(matches!(
            Error::BadRequest(a.clone()).upload_limit(),
            Error::FileTooLarge(_)
        ));
        a.message = "The file you are trying to upload is too large to be uploaded to this dataset. The maximum allowed file size is 10 bytes.".into();
        let e = Error::BadRequest(a).upload_limit();
        assert_eq!(e.status(), Some(400));
        assert!(matches!(e, Error::FileTooLarge(_)));
        assert!(matches!(
            Error::BadRequest(api(400)).upload_limit(),
            Error::BadRequest(_)
        ));
        assert!(matches!(
            Error::NotFound(api(404)).upload_limit(),
            Error::NotFound(_)
        ));
    }

    #[test]
    fn statuses_map_by_meaning() {
        assert!(matches!(
            Error::from_status(api(404), None),
            Error::NotFound(_)
        ));
        assert!(matches!(
            Error::from_status(api(401), None),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            Error::from_status(api(403), None),
            Error::Forbidden(_)
        ));
        assert!(matches!(
            Error::from_status(api(400), None),
            Error::BadRequest(_)
        ));
        assert!(matches!(
            Error::from_status(api(405), None),
            Error::BadRequest(_)
        ));
        assert!(matches!(
            Error::from_status(api(409), None),
            Error::Conflict(_)
        ));
        assert!(matches!(
            Error::from_status(api(429), None),
            Error::RateLimited { .. }
        ));
        assert!(matches!(
            Error::from_status(api(500), None),
            Error::Server(_)
        ));
        assert!(matches!(
            Error::from_status(api(418), None),
            Error::Server(_)
        ));
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn transport_errors_keep_their_source() {
        let chain = Layer(
            "error sending request for url (http://h/api/x)",
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(Layer("Connection refused", None))),
            ))),
        );
        let err = Error::Transport {
            method: "GET".into(),
            url: "http://h/api/x".into(),
            message: "could not connect".into(),
            maybe_sent: false,
            timeout: false,
            source: Some(TransportSource::new(chain)),
        };
        assert_eq!(
            err.to_string(),
            "transport error: GET http://h/api/x: could not connect"
        );
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(
            source.to_string(),
            "client error (Connect): Connection refused"
        );
        assert!(source.source().is_none(), "the causes are in its text");
        assert!(
            source
                .downcast_ref::<TransportSource>()
                .unwrap()
                .get_ref()
                .is::<Layer>()
        );
        let alone = TransportSource::new(Layer("reset", None));
        assert_eq!(alone.to_string(), "reset");
    }

    #[test]
    fn unreachable_servers_are_told_apart_by_their_causes() {
        #[derive(Debug)]
        struct Wrap(&'static str, std::io::Error);
        impl fmt::Display for Wrap {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Wrap {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.1)
            }
        }
        let transport = |maybe_sent, source: Option<TransportSource>| Error::Transport {
            method: "GET".into(),
            url: "http://h/api/x".into(),
            message: "m".into(),
            maybe_sent,
            timeout: false,
            source,
        };
        // Not a refusal by its words: by the kind of the I/O error below.
        let words_only = TransportSource::new(Layer("Connection refused", None));
        assert_eq!(transport(false, Some(words_only)).unreachable(), None);
        let refused = TransportSource::new(Wrap(
            "tcp connect error",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        ));
        let err = transport(false, Some(refused));
        assert_eq!(err.unreachable(), Some(Unreachable::ConnectionRefused));
        let crawl = Error::Crawl {
            collection: "c".into(),
            source: Box::new(err),
        };
        assert_eq!(crawl.unreachable(), Some(Unreachable::ConnectionRefused));
        let dns = Layer(
            "client error (Connect)",
            Some(Box::new(Layer(
                "dns error",
                Some(Box::new(Layer(
                    "failed to lookup address information",
                    None,
                ))),
            ))),
        );
        let err = transport(false, Some(TransportSource::new(dns)));
        assert_eq!(err.unreachable(), Some(Unreachable::UnknownHost));
        // Anything that may have reached the server is not "unreachable".
        let reset = TransportSource::new(Wrap(
            "connection error",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        ));
        assert_eq!(transport(true, Some(reset)).unreachable(), None);
        assert_eq!(transport(false, None).unreachable(), None);
        assert_eq!(Error::from_status(api(503), None).unreachable(), None);
    }

    #[test]
    fn decode_errors_name_the_request() {
        let err = Error::decode("POST", "http://h/api/files/1/metadata", "[0].id", "bad");
        assert!(matches!(
            &err,
            Error::Decode { method, url, path, message }
                if method == "POST" && url == "http://h/api/files/1/metadata" && path == "[0].id" && message == "bad"
        ));
        assert_eq!(
            err.to_string(),
            "could not decode the response of POST http://h/api/files/1/metadata at `[0].id`: bad"
        );
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(Error::from_status(api(s), None).is_retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 501] {
            assert!(!Error::from_status(api(s), None).is_retryable(), "{s}");
        }
        assert!(!Error::InvalidArgument("x".into()).is_retryable());
    }
}
