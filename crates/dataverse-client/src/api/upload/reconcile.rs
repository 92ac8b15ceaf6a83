//! After an upload failed in a way that may have reached the server: is the file there?
//!
//! Adding a file is not idempotent, so a failed add is never blindly sent again. The
//! request path asks [`Lookup::after_failure`] first, which lists the dataset's draft: a
//! file with the same name, folder and checksum (for a replace: the replaced file's
//! successor with the checksum) is taken as the upload having succeeded; when none is
//! there the file may be sent again.

use std::sync::Mutex;

use super::matching::{LocalDigest, has_name, norm_dir};
use super::multipart::{Tally, hashing_error, take_digest};
use super::single::{Target, UploadReport};
use super::source::UploadSource;
use crate::background::lock;
use crate::client::NativeApi;
use crate::error::{Error, Result};
use crate::ids::{PersistentOrId, Version};
use crate::models::files::{Checksum, FileMetadata, UploadBody, UploadResponse};
use crate::retry::Reconciled;

/// What an upload's reconcile hook looks with: the upload's target, source and metadata,
/// and the tally of what its last attempt sent.
pub(super) struct Lookup<'a> {
    /// The client that lists the dataset's files.
    pub api: &'a NativeApi,
    /// Where the file went.
    pub target: &'a Target,
    /// What was sent.
    pub source: &'a UploadSource,
    /// Its `jsonData` (the name and folder it is stored under).
    pub metadata: &'a UploadBody,
    /// What the last attempt streamed.
    pub tally: &'a Mutex<Tally>,
}

impl Lookup<'_> {
    /// The reconcile hook: after the failure `lost`, the report of the upload when the file
    /// is on the server; not landed when it is not; unknown when the listing fails.
    pub(super) async fn after_failure(&self, lost: String) -> Result<Reconciled<UploadReport>> {
        let Lookup {
            api, source, tally, ..
        } = *self;
        tracing::warn!(file = %source.name(), error = %lost, "upload failed after it may have reached the server; looking for the file");
        let (streamed, bytes) = take_digest(tally)
            .await
            .map_err(|e| hashing_error(source, e))?;
        // A path is hashed whole (the attempt may have stopped half-way); of a reader
        // only the checksum of what was read of it is known.
        let mut local = match source.local_path() {
            Some(p) => LocalDigest::path(p),
            None => LocalDigest::streamed(&streamed),
        };
        match self.find_sent(&mut local).await {
            Ok(Some((found, checksum))) => {
                if let Some((alg, _)) = found.data_file.verifiable_checksum() {
                    api.set_upload_checksum_algorithm(alg);
                }
                Ok(Reconciled::Landed(UploadReport {
                    server_checksum: found.data_file.checksum.clone(),
                    // Found by comparing its checksum with the local bytes.
                    checksum_verified: true,
                    response: UploadResponse {
                        files: vec![found],
                        extra: Default::default(),
                    },
                    checksum,
                    bytes: source
                        .local_path()
                        .and_then(|p| std::fs::metadata(p).ok())
                        .map_or(bytes, |m| m.len()),
                    attempts: lock(tally).sends().max(1),
                    recovered_from: Some(lost),
                    server_message: None,
                }))
            }
            Ok(None) => {
                tracing::warn!(file = %source.name(), "the file is not on the server; it may be sent again");
                Ok(Reconciled::NotLanded)
            }
            Err(list_err) => {
                tracing::warn!(error = %list_err, "could not list the dataset's files; not sending the file again");
                Ok(Reconciled::Unknown)
            }
        }
    }

    /// The file the failed request may have created, if it is in the draft, and the local
    /// checksum that matched its checksum.
    async fn find_sent(
        &self,
        local: &mut LocalDigest<'_>,
    ) -> Result<Option<(FileMetadata, Checksum)>> {
        let (source, metadata) = (self.source, self.metadata);
        let (dataset, replaced) = match self.target {
            Target::Add(id) => (id.clone(), None),
            Target::Replace {
                dataset: Some(ds),
                file,
            } => (PersistentOrId::Id(*ds), Some(file)),
            Target::Replace { dataset: None, .. } => return Ok(None),
        };
        let files = match self
            .api
            .get_datafiles_metadata(&dataset, Some(Version::Draft), &[])
            .await
        {
            Ok(f) => f,
            // No draft: nothing was added.
            Err(Error::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let name = metadata.label.as_deref().unwrap_or(source.name());
        let dir = norm_dir(metadata.directory_label.as_deref());
        for f in files {
            let candidate = match replaced {
                None => has_name(&f, name) && norm_dir(f.directory_label.as_deref()) == dir,
                Some(PersistentOrId::Id(old)) => {
                    f.data_file.previous_data_file_id == Some(*old as i64)
                }
                // A replaced file named by PID: match on the name instead.
                Some(PersistentOrId::Pid(_)) => has_name(&f, name),
            };
            if !candidate {
                continue;
            }
            if let Some(checksum) = local.matches(&f).await {
                return Ok(Some((f, checksum)));
            }
        }
        Ok(None)
    }
}
