//! The crate's error type.

/// Errors raised while opening, bootstrapping or serving the emulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A filesystem operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The SQLite store reported an error (the message of the underlying error).
    #[error("store error: {0}")]
    Store(String),
    /// The vendored Dataverse data (TSV/JSON) could not be parsed.
    #[error("bad vendored data: {0}")]
    Data(String),
    /// The data generator refused the request (see [`crate::GenerateSpec`]).
    #[error("cannot generate: {0}")]
    Generate(String),
    /// The S3 store is misconfigured (a bad endpoint URL).
    #[error("S3 store: {0}")]
    Storage(String),
    /// Binding the listening socket failed.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address that was requested.
        addr: std::net::SocketAddr,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Store(format!("JSON column: {e}"))
    }
}
