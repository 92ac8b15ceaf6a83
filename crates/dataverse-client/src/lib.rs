//! An async, typed client for the [Dataverse](https://dataverse.org) Native API.
//!
//! [`NativeApi`] covers the Native API under the method names of pyDataverse's
//! `NativeApi` (`get_info_version`, `get_metadatablocks`, `get_license`, `get_user`, ...),
//! with typed models, bounded concurrency for bulk calls, retries with backoff, and an
//! API token that never leaves the configured host or shows up in logs.
//!
//! ```no_run
//! # async fn demo() -> dataverse_client::Result<()> {
//! use dataverse_client::NativeApi;
//!
//! let api = NativeApi::builder("https://demo.dataverse.org").build()?;
//! let version = api.get_info_version().await?;
//! println!("Dataverse {}", version.version.unwrap_or_default());
//!
//! for license in api.get_available_licenses().await? {
//!     println!("{}: {:?}", license.name, license.uri);
//! }
//! # Ok(()) }
//! ```
//!
//! Every method's documentation names the endpoint it calls. Errors are one enum,
//! [`Error`], grouped by meaning.

pub mod api;
mod background;
pub mod checksum;
mod client;
mod envelope;
pub mod error;
pub mod ids;
mod lenient;
pub mod models;
pub mod retry;
mod secret;

/// The polars crate `datafiles_table` builds its `DataFrame` with (feature `polars`).
#[cfg(feature = "polars")]
pub use polars;

pub use api::access::{
    DatasetDownloadMode, DatasetDownloadOptions, DatasetDownloadReport, DownloadOptions,
    DownloadReport, Verification,
};
pub use api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, CrawlReport, TitleSource};
pub use api::metadatablocks::MetadataBlocks;
pub use api::search::{SearchQuery, SearchSort, SearchStream, SearchType, SortOrder};
pub use api::table::{DATAFILES_COLUMNS, DatafileRow, datafiles_rows};
pub use api::upload::{
    DirectoryProgress, UploadDirectoryOptions, UploadDirectorySummary, UploadOptions, UploadReport,
    UploadSource,
};
pub use client::{API_KEY_HEADER, NativeApi, NativeApiBuilder};
pub use error::{ApiError, Error, Result, TransportSource, Unreachable};
pub use ids::{CollectionId, DatasetId, FileId, PersistentOrId, Pid, Version};
pub use models::files::{DataFile, FileMetadata, UploadBody, UploadResponse};
pub use models::search::{SearchItem, SearchPage};
pub use retry::{RetryNotice, RetryPolicy};
pub use secret::ApiToken;
