//! The client's [`Error`] as JSON that `dataverse_rs.errors` turns into an exception of
//! the matching class (`NotFound`, `Unauthorized`, ..., `TransportError`, `DecodeError`).

use dataverse_client::{ApiError, Error};
use serde_json::{Value, json};

/// `{"error": {"kind": .., "message": .., "status": .., "server_message": .., "method": .., "url": ..}}`.
pub fn error_json(error: &Error) -> Value {
    json!({ "error": error_info(error) })
}

/// The fields of one error; the kind names the Python class.
pub fn error_info(error: &Error) -> Value {
    let api = |kind: &str, e: &ApiError| {
        json!({
            "kind": kind,
            "message": error.to_string(),
            "status": e.status,
            "server_message": e.message,
            "method": e.method,
            "url": e.url,
        })
    };
    match error {
        Error::NotFound(e) => api("NotFound", e),
        Error::Unauthorized(e) => api("Unauthorized", e),
        Error::Forbidden(e) => api("Forbidden", e),
        Error::BadRequest(e) => api("BadRequest", e),
        Error::FileTooLarge(e) => api("FileTooLarge", e),
        Error::Conflict(e) => api("Conflict", e),
        Error::RateLimited {
            error: e,
            retry_after,
        } => {
            let mut v = api("RateLimited", e);
            v["retry_after"] = json!(retry_after.map(|d| d.as_secs_f64()));
            v
        }
        Error::Server(e) => api("ServerError", e),
        Error::Transport {
            method,
            url,
            timeout,
            maybe_sent,
            ..
        } => json!({
            "kind": "TransportError",
            "message": error.to_string(),
            "method": method,
            "url": url,
            "timeout": timeout,
            "maybe_sent": maybe_sent,
        }),
        Error::Decode {
            method, url, path, ..
        } => json!({
            "kind": "DecodeError",
            "message": error.to_string(),
            "method": method,
            "url": url,
            "path": path,
        }),
        Error::Crawl { collection, source } => {
            // The class of the failure below, naming the collection.
            let mut v = error_info(source);
            v["message"] = json!(error.to_string());
            v["collection"] = json!(collection);
            v
        }
        Error::ChecksumMismatch { .. } | Error::SizeMismatch { .. } => json!({
            "kind": "IntegrityError",
            "message": error.to_string(),
        }),
        Error::Io { path, .. } => json!({
            "kind": "LocalIOError",
            "message": error.to_string(),
            "path": path.display().to_string(),
        }),
        Error::InvalidArgument(_) => json!({
            "kind": "InvalidArgument",
            "message": error.to_string(),
        }),
        other => json!({ "kind": "DataverseError", "message": other.to_string() }),
    }
}

/// An `InvalidArgument` for a problem found in this module before the client ran.
pub fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidArgument(message.into())
}
