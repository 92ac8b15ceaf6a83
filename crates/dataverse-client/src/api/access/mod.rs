//! `/api/access/...`: downloading files and whole datasets, files as bytes and streams,
//! access requests to restricted files, download sizes and counts.
//!
//! A download streams to a temporary `.<name>.part` file next to the destination, hashing
//! as it writes. A transfer cut off half-way (connection reset, body cut short, idle
//! timeout) is resumed with `Range: bytes=N-`; a server that answers `200` instead of
//! `206` is read again from the start. At the end the bytes are checked against the
//! checksum the server reports for the file (MD5, SHA-1, SHA-256 or SHA-512) and the file
//! is renamed into place only when it matches; on a mismatch the temporary file is deleted
//! and nothing appears at the destination.
//!
//! The pieces: the options, the reports, what a file should be, the
//! resumable transfer, one file ([`NativeApi::download_datafile`]), a dataset
//! ([`NativeApi::download_dataset`]), and the response headers.
//!
//! [`NativeApi::download_datafile`]: crate::NativeApi::download_datafile
//! [`NativeApi::download_dataset`]: crate::NativeApi::download_dataset

mod bytes;
mod dataset;
mod ddi;
mod expected;
mod guestbook;
mod headers;
mod images;
mod options;
mod report;
mod requests;
mod single;
mod stats;
mod transfer;

pub use bytes::{ByteStream, DataAccessOptions};
pub use ddi::DatafileDdiOptions;
pub use options::{DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions, DownloadProgress};
pub use report::{DatasetDownloadReport, DownloadReport, FileDownloadOutcome, Verification};
pub use stats::{DownloadSizeMode, DownloadSizeQuery};
