//! Streaming uploads: adding and replacing files, and syncing a whole directory.
//!
//! A file goes up as `multipart/form-data` with a `jsonData` part ([`UploadBody`]) and a
//! `file` part streamed in 256 KiB chunks, never read whole into memory. Its checksum is
//! computed while it streams, in the algorithm the server last reported for an uploaded
//! file (MD5 until then: [`NativeApi::upload_checksum_algorithm`]), and compared with the
//! checksum the server reports. When the server uses another algorithm, a file on disk is
//! read once more to check it, and the client remembers the algorithm for the next upload.
//!
//! Adding a file is not idempotent, so a failed add is never blindly sent again: when the
//! request may have reached the server (connection cut after sending, a 5xx answer, an
//! unreadable answer), the dataset's files are listed first, and a file with the same
//! name, folder and checksum is taken as the upload having succeeded. Only when none is
//! found is a path source sent again (a reader cannot be rewound: one attempt only), under
//! the client's one [`RetryPolicy`](crate::RetryPolicy).
//!
//! Where the dataset's store takes direct uploads (S3), a file on disk goes straight to
//! the store instead, through presigned URLs, and is then registered (see `direct.rs`);
//! [`UploadMode`] forces one way or the other.
//!
//! The pieces: [`UploadSource`] (what is sent), the options, the multipart body and its
//! checksum tally, one file ([`NativeApi::upload_datafile_with`]), the look for a file
//! after a lost answer, and a whole directory ([`NativeApi::upload_directory`]).
//!
//! [`UploadBody`]: crate::models::files::UploadBody
//! [`NativeApi::upload_checksum_algorithm`]: crate::NativeApi::upload_checksum_algorithm
//! [`NativeApi::upload_datafile_with`]: crate::NativeApi::upload_datafile_with
//! [`NativeApi::upload_directory`]: crate::NativeApi::upload_directory

mod direct;
mod directory;
mod matching;
mod multipart;
mod options;
mod reconcile;
mod resume;
mod single;
mod source;
mod walk;

pub use direct::DEFAULT_PARALLEL_PARTS;
pub use directory::{DirectoryFile, PlannedFile, UploadDirectorySummary};
pub use matching::find_identical;
pub use options::{
    DirectoryPartProgress, DirectoryProgress, DirectoryProgressFn, PartDone, PartProgress,
    UploadDirectoryOptions, UploadMode, UploadOptions, UploadProgress,
};
pub use single::UploadReport;
pub use source::{UploadSource, guess_content_type};

/// The lowercase hex digest of `data` (tests of the upload modules).
#[cfg(test)]
fn digest(algorithm: crate::checksum::ChecksumAlgorithm, data: &[u8]) -> String {
    let mut h = crate::checksum::Hasher::new(algorithm);
    h.update(data);
    h.finalize()
}
