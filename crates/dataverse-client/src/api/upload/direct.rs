//! Direct upload to S3 storage: the bytes go straight to the object store through the
//! presigned URLs Dataverse hands out (`uploadurls`), in one PUT or in parts, and the file
//! is then registered with its storage identifier and checksum.
//!
//! - Detection: `uploadurls` answers 404 when the dataset's store takes no direct upload;
//!   the answer is remembered per dataset by the client (and its clones), and the upload
//!   goes natively. [`UploadMode`] forces one way.
//! - One PUT for a file up to the part size, with `x-amz-tagging: dv-state=temp` when the
//!   URL signs that header. Larger files go in parts of the size the server gives, several
//!   at once ([`UploadOptions::parallel_parts`]), each read from disk as it is sent and
//!   retried on its own; the multipart upload is then completed with the ETags, or aborted
//!   when a part cannot be sent (unless it can be resumed) or the upload is cancelled.
//! - The checksum is computed while the bytes go out (the file is read a second time, in
//!   order, beside the parts), in [`NativeApi::upload_checksum_algorithm`].
//! - Resume: with [`UploadOptions::resume_dir`], the URLs and the ETags of stored parts are
//!   saved as they arrive (see `resume.rs`); the same upload started again sends only the
//!   missing parts, or only registers the file when every byte is stored.
//! - Never twice: a registration that may have reached the server is followed by a look at
//!   the draft's files for the storage identifier before it is sent again.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::options::{PartDone, UploadMode, UploadOptions, UploadProgress};
use super::resume::{self, ResumeFile, SavedUpload};
use super::single::{Target, UploadReport, check_directory_label};
use super::source::UploadSource;
use crate::checksum::{ChecksumAlgorithm, hash_file};
use crate::client::{Body, MultipartBody, NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::direct_upload::{RegisterFilesResponse, StorageDriver, UploadUrls};
use crate::models::files::{Checksum, UploadBody, UploadResponse};
use crate::retry::{Reconciled, Settled};

/// Parts sent at once by default.
pub const DEFAULT_PARALLEL_PARTS: usize = 4;

/// The chunk size parts are read in.
const CHUNK: usize = 256 * 1024;

impl NativeApi {
    /// Presigned URLs for sending a file of `size` bytes straight to the dataset's S3
    /// store: one PUT (`url`) up to the part size, else one URL per part plus the
    /// `complete` and `abort` links. A store without direct upload answers
    /// [`Error::NotFound`]; a size over the store's limit [`Error::FileTooLarge`].
    ///
    /// Endpoint: `GET /api/datasets/{id}/uploadurls?size=N`
    pub async fn get_upload_urls(
        &self,
        dataset: impl IntoPersistentOrId,
        size: u64,
    ) -> Result<UploadUrls> {
        let id = dataset.into_persistent_or_id()?;
        self.execute(
            Request::get("datasets")
                .id(&id)
                .seg("uploadurls")
                .query("size", size),
        )
        .await
        .map_err(Error::upload_limit)
    }

    /// The storage driver of a dataset: its id, type, and whether it takes direct uploads.
    ///
    /// Endpoint: `GET /api/datasets/{id}/storageDriver`
    pub async fn get_dataset_storage_driver(
        &self,
        dataset: impl IntoPersistentOrId,
    ) -> Result<StorageDriver> {
        let id = dataset.into_persistent_or_id()?;
        self.execute(Request::get("datasets").id(&id).seg("storageDriver"))
            .await
    }

    /// Complete a multipart upload with the ETags of its parts (`complete` of
    /// [`UploadUrls`]). The server aborts the upload when the store refuses.
    ///
    /// Endpoint: `PUT /api/datasets/mpupload?globalid=&uploadid=&storageidentifier=`
    pub async fn complete_multipart_upload(
        &self,
        link: &str,
        etags: &BTreeMap<u32, String>,
    ) -> Result<()> {
        let body: serde_json::Map<String, Value> = etags
            .iter()
            .map(|(n, e)| (n.to_string(), Value::String(e.clone())))
            .collect();
        self.execute_message(mpupload(Request::put, link)?.json(Value::Object(body)))
            .await
            .map(|_| ())
    }

    /// Abort a multipart upload (`abort` of [`UploadUrls`]): the store drops its parts.
    ///
    /// Endpoint: `DELETE /api/datasets/mpupload?globalid=&uploadid=&storageidentifier=`
    pub async fn abort_multipart_upload(&self, link: &str) -> Result<()> {
        self.execute_response(mpupload(Request::delete, link)?)
            .await
            .map(|_| ())
    }

    /// Register files already in the dataset's store (direct uploads) in one call: each
    /// entry is the `jsonData` of one file (`storageIdentifier`, `fileName`, `mimeType`,
    /// `checksum` `{"@type","@value"}`, and the file metadata). Entries that fail are
    /// reported in the answer (HTTP 200 all the same). With `replace`, each entry carries
    /// `fileToReplaceId` and the files replace those.
    ///
    /// Not idempotent: after a failure that may have reached the server, the draft's files
    /// are looked at, and when every entry's storage identifier is there the answer is
    /// built from them; otherwise the failure is returned and nothing is sent again.
    ///
    /// Endpoint: `POST /api/datasets/{id}/addFiles` or `/replaceFiles` (multipart `jsonData`)
    pub async fn register_files(
        &self,
        dataset: impl IntoPersistentOrId,
        entries: &[UploadBody],
        replace: bool,
    ) -> Result<RegisterFilesResponse> {
        let id = dataset.into_persistent_or_id()?;
        let json = serde_json::to_string(entries)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode the entries: {e}")))?;
        let mut req = Request::post("datasets").id(&id).seg(if replace {
            "replaceFiles"
        } else {
            "addFiles"
        });
        req.body = Some(json_data_form(json));
        let wanted: Vec<String> = entries
            .iter()
            .filter_map(|e| {
                e.extra
                    .get("storageIdentifier")?
                    .as_str()
                    .map(str::to_string)
            })
            .collect();
        let id_ref = &id;
        let wanted = &wanted;
        let settled = self
            .execute_envelope_with(&req, move |_err: &Error| async move {
                Ok(match self.registered(id_ref, wanted).await {
                    Ok(found) if found.len() == wanted.len() && !wanted.is_empty() => {
                        Reconciled::Landed(found)
                    }
                    _ => Reconciled::Unknown,
                })
            })
            .await?;
        match settled {
            Settled::Answered((env, url)) => crate::client::decode(&req, &url, env.data),
            Settled::Found(found) => Ok(RegisterFilesResponse {
                files: found
                    .into_iter()
                    .map(|(sid, fm)| {
                        serde_json::from_value(json!({
                            "storageIdentifier": sid,
                            "successMessage": "Found in the dataset after a lost answer",
                            "fileDetails": fm,
                        }))
                        .unwrap_or_else(|_| unreachable_entry())
                    })
                    .collect(),
                result: Default::default(),
                extra: Default::default(),
            }),
        }
    }

    /// The draft's files whose storage identifier is one of `wanted`, as
    /// `(storage identifier, file metadata JSON)`.
    async fn registered(
        &self,
        dataset: &PersistentOrId,
        wanted: &[String],
    ) -> Result<Vec<(String, Value)>> {
        let files = match self
            .get_datafiles_metadata(dataset, Some(Version::Draft), &[])
            .await
        {
            Ok(f) => f,
            Err(Error::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(files
            .into_iter()
            .filter_map(|f| {
                let sid = f.data_file.storage_identifier.clone()?;
                if !wanted.contains(&sid) {
                    return None;
                }
                Some((sid, serde_json::to_value(&f).ok()?))
            })
            .collect())
    }

    /// Whether the dataset's store is known to take direct uploads (`None`: not asked yet).
    fn direct_offer(&self, dataset: &str) -> Option<bool> {
        self.direct_offers().get(dataset).copied()
    }

    /// Learn from the dataset's storage driver whether its store takes direct uploads,
    /// unless already known; a server without the endpoint leaves it unknown (the first
    /// upload then asks `uploadurls`).
    pub(super) async fn learn_direct_offer(&self, dataset: &PersistentOrId) {
        let key = dataset.to_string();
        if self.direct_offer(&key).is_some() {
            return;
        }
        if let Ok(driver) = self.get_dataset_storage_driver(dataset).await {
            self.remember_offer(&key, driver.direct_upload);
        }
    }

    fn remember_offer(&self, dataset: &str, offered: bool) {
        self.direct_offers().insert(dataset.to_string(), offered);
    }

    /// Send `source` to `target` directly to the store when the store offers it (or the
    /// options force it), and register it: `Ok(None)` when it goes natively instead.
    pub(super) async fn send_direct(
        &self,
        target: &Target,
        source: &UploadSource,
        metadata: &UploadBody,
        options: &UploadOptions,
    ) -> Result<Option<UploadReport>> {
        let Some(staged) = self.stage_direct(target, source, metadata, options).await? else {
            return Ok(None);
        };
        let report = self
            .register_stored(
                &staged.dataset,
                staged.replaces.clone(),
                &staged.entry,
                staged.checksum.clone(),
                staged.size,
            )
            .await?;
        if let Some(r) = &staged.resume {
            r.remove();
        }
        Ok(Some(report))
    }

    /// Put `source`'s bytes in the store when the store takes direct uploads (or the
    /// options force it), without registering the file: `Ok(None)` when it goes natively.
    pub(super) async fn stage_direct(
        &self,
        target: &Target,
        source: &UploadSource,
        metadata: &UploadBody,
        options: &UploadOptions,
    ) -> Result<Option<Staged>> {
        if options.mode == UploadMode::Native {
            return Ok(None);
        }
        let forced = options.mode == UploadMode::Direct;
        let (dataset, replaces) = match target {
            Target::Add(id) => (id.clone(), None),
            Target::Replace {
                dataset: Some(ds),
                file,
            } => (PersistentOrId::Id(*ds), Some(file.clone())),
            Target::Replace { dataset: None, .. } if forced => {
                return Err(Error::InvalidArgument(
                    "direct upload of a replacement needs the file's dataset, which could not be read".into(),
                ));
            }
            Target::Replace { dataset: None, .. } => return Ok(None),
        };
        let Some(path) = source.local_path() else {
            if forced {
                return Err(Error::InvalidArgument(
                    "direct upload needs a file on disk (its parts are read at their offsets)"
                        .into(),
                ));
            }
            return Ok(None);
        };
        let key = dataset.to_string();
        if !forced && self.direct_offer(&key) == Some(false) {
            return Ok(None);
        }
        if let Some(dir) = metadata.directory_label.as_deref() {
            check_directory_label(dir)?;
        }
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| io("reading", path, e))?;
        let size = meta.len();
        let mtime_ms = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        let resume_file = options
            .resume_dir
            .as_deref()
            .map(|dir| ResumeFile::new(dir, self.base_url().as_str(), &key, path, size, mtime_ms));
        let mut saved = resume_file.as_ref().and_then(ResumeFile::load);
        if let Some(s) = &saved
            && s.stored.is_none()
            && !resume::still_valid(&s.urls, resume::now_unix())
        {
            tracing::warn!(file = %path.display(), "the saved upload's URLs have expired; starting again");
            if let Some(link) = &s.urls.abort
                && let Err(e) = self.abort_multipart_upload(link).await
            {
                tracing::warn!(error = %e, "could not abort the expired upload");
            }
            saved = None;
        }
        let mut state = match saved {
            Some(s) => {
                tracing::info!(file = %path.display(), parts_stored = s.etags.len(), "resuming a direct upload");
                s
            }
            None => match self.get_upload_urls(&dataset, size).await {
                Ok(urls) => {
                    self.remember_offer(&key, true);
                    SavedUpload {
                        urls,
                        etags: BTreeMap::new(),
                        stored: None,
                    }
                }
                Err(Error::NotFound(api)) => {
                    self.remember_offer(&key, false);
                    if forced {
                        return Err(Error::InvalidArgument(format!(
                            "the dataset's store takes no direct upload: {}",
                            api.message
                        )));
                    }
                    return Ok(None);
                }
                Err(e) => return Err(e),
            },
        };
        if let Some(r) = &resume_file {
            r.save(&state);
        }
        let algorithm = self.upload_checksum_algorithm();
        let checksum = match state.stored.clone() {
            Some((alg, value)) => {
                if let Some(p) = &options.progress {
                    p(size, Some(size));
                }
                let alg = ChecksumAlgorithm::parse(&alg).unwrap_or(algorithm);
                Checksum::new(alg, value)
            }
            None => {
                let checksum = self
                    .store_bytes(
                        path,
                        size,
                        algorithm,
                        &mut state,
                        resume_file.as_ref(),
                        options,
                    )
                    .await?;
                state.stored = Some((checksum.r#type.clone(), checksum.value.clone()));
                if let Some(r) = &resume_file {
                    r.save(&state);
                }
                checksum
            }
        };
        let entry = registration_entry(source, metadata, &state.urls, &checksum, size);
        Ok(Some(Staged {
            dataset,
            replaces,
            entry,
            checksum,
            size,
            resume: resume_file,
        }))
    }

    /// Put the file's bytes in the store (one PUT or the missing parts, then `complete`),
    /// hashing them meanwhile; returns the checksum.
    async fn store_bytes(
        &self,
        path: &Path,
        size: u64,
        algorithm: ChecksumAlgorithm,
        state: &mut SavedUpload,
        resume_file: Option<&ResumeFile>,
        options: &UploadOptions,
    ) -> Result<Checksum> {
        let sent = Arc::new(AtomicU64::new(0));
        let progress = options.progress.clone();
        let hashing = async {
            hash_file(path, algorithm)
                .await
                .map_err(|e| io("reading", path, e))
        };
        if let Some(url) = state.urls.url.clone() {
            let put = self.put_range(&url, path, 0, size, size, &sent, progress.as_ref());
            let (put, digest) = tokio::join!(put, hashing);
            put?;
            return Ok(Checksum::new(algorithm, digest?));
        }
        let parts = state.urls.parts();
        let part_size = state.urls.part_size.max(1);
        let expected = size.div_ceil(part_size).max(1);
        if parts.len() as u64 != expected
            || parts
                .iter()
                .enumerate()
                .any(|(i, (n, _))| *n as usize != i + 1)
        {
            return Err(Error::InvalidArgument(format!(
                "the server gave {} part URLs for {size} bytes in parts of {part_size}; expected {expected}",
                parts.len()
            )));
        }
        let (Some(complete), Some(abort)) = (state.urls.complete.clone(), state.urls.abort.clone())
        else {
            return Err(Error::InvalidArgument(
                "the server's multipart URLs come without complete and abort links".into(),
            ));
        };
        // Parts stored before (a resumed upload) count as sent.
        let already: u64 = state
            .etags
            .keys()
            .map(|n| part_len(*n, part_size, size))
            .sum();
        sent.store(already, Ordering::Relaxed);
        if let Some(p) = &progress {
            p(already, Some(size));
        }
        let count = u32::try_from(expected).unwrap_or(u32::MAX);
        let part_done = |part: u32, resumed: bool| {
            if let Some(f) = &options.part_progress {
                f(&PartDone {
                    part,
                    parts: count,
                    bytes: part_len(part, part_size, size),
                    resumed,
                });
            }
        };
        for n in state.etags.keys() {
            part_done(*n, true);
        }
        let missing: Vec<(u32, String)> = parts
            .into_iter()
            .filter(|(n, _)| !state.etags.contains_key(n))
            .collect();
        // Aborts the upload if this future is dropped (cancelled) before it is disarmed.
        let mut guard = AbortGuard {
            api: self.clone(),
            link: Some(abort.clone()),
            state: resume_file.cloned(),
        };
        let parallel = options
            .parallel_parts
            .unwrap_or(DEFAULT_PARALLEL_PARTS)
            .max(1);
        let sent_ref = &sent;
        let progress_ref = progress.as_ref();
        let uploads = stream::iter(missing)
            .map(|(n, url)| async move {
                let offset = u64::from(n - 1) * part_size;
                let len = part_len(n, part_size, size);
                self.put_range(&url, path, offset, len, size, sent_ref, progress_ref)
                    .await
                    .map(|etag| (n, etag))
            })
            .buffer_unordered(parallel);
        let collect = async {
            let mut uploads = std::pin::pin!(uploads);
            let mut first_error = None;
            while let Some(done) = uploads.next().await {
                match done {
                    Ok((n, etag)) => {
                        state.etags.insert(n, etag);
                        part_done(n, false);
                        if let Some(r) = resume_file {
                            r.save(state);
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            first_error.map_or(Ok(()), Err)
        };
        let (parts_done, digest) = tokio::join!(collect, hashing);
        if let Err(e) = parts_done {
            if resume_file.is_some() {
                // Kept for a later run: the stored parts are not sent again.
                guard.link = None;
                return Err(e);
            }
            guard.disarm_and_abort().await;
            return Err(e);
        }
        let digest = digest?;
        guard.link = None;
        if let Err(e) = self
            .complete_multipart_upload(&complete, &state.etags)
            .await
        {
            // The server aborts the upload itself when the store refuses it.
            if let Some(r) = resume_file {
                r.remove();
            }
            return Err(e);
        }
        Ok(Checksum::new(algorithm, digest))
    }

    /// PUT bytes `offset..offset+len` of `path` to a presigned URL, retried under the
    /// client's policy; returns the ETag.
    #[allow(clippy::too_many_arguments)]
    async fn put_range(
        &self,
        url: &str,
        path: &Path,
        offset: u64,
        len: u64,
        total: u64,
        sent: &Arc<AtomicU64>,
        progress: Option<&UploadProgress>,
    ) -> Result<String> {
        let policy = self.retry_policy().clone();
        let tagged = signs_tagging(url);
        let shown = url_without_query(url);
        let mut attempt = 1u32;
        let mut previous_delay = None;
        loop {
            let counted = Arc::new(AtomicU64::new(0));
            let result = self
                .put_once(
                    url, path, offset, len, tagged, &counted, sent, total, progress,
                )
                .await;
            let err = match result {
                Ok(etag) => return Ok(etag),
                Err(e) => e,
            };
            // What this attempt counted is sent again.
            sent.fetch_sub(counted.load(Ordering::Relaxed), Ordering::Relaxed);
            let retryable = match &err {
                Error::ObjectStore { status, .. } => {
                    matches!(status, None | Some(408 | 429 | 500 | 502 | 503 | 504))
                }
                Error::Io { .. } => false,
                _ => false,
            };
            if !retryable || attempt >= policy.max_attempts {
                return Err(err);
            }
            let delay = policy.next_delay(previous_delay);
            tracing::warn!(url = %shown, attempt, error = %err, delay_ms = delay.as_millis() as u64, "part upload failed, retrying");
            tokio::time::sleep(delay).await;
            previous_delay = Some(delay);
            attempt += 1;
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn put_once(
        &self,
        url: &str,
        path: &Path,
        offset: u64,
        len: u64,
        tagged: bool,
        counted: &Arc<AtomicU64>,
        sent: &Arc<AtomicU64>,
        total: u64,
        progress: Option<&UploadProgress>,
    ) -> Result<String> {
        let shown = url_without_query(url);
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| io("opening", path, e))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(|e| io("reading", path, e))?;
        let counted_in = counted.clone();
        let progress_in = progress.cloned();
        // Progress is reported from the stream; `sent` is shared by every part.
        let sent_in = sent.clone();
        let body = ReaderStream::with_capacity(file.take(len), CHUNK).inspect_ok(move |chunk| {
            let n = chunk.len() as u64;
            counted_in.fetch_add(n, Ordering::Relaxed);
            let now = sent_in.fetch_add(n, Ordering::Relaxed) + n;
            if let Some(p) = &progress_in {
                p(now, Some(total));
            }
        });
        let mut req = self
            .http()
            .put(url)
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(reqwest::Body::wrap_stream(body));
        if tagged {
            req = req.header("x-amz-tagging", "dv-state=temp");
        }
        let resp = req.send().await.map_err(|e| Error::ObjectStore {
            operation: "PUT".into(),
            url: shown.clone(),
            status: None,
            message: crate::client::transport_message(&e),
        })?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            return Err(Error::ObjectStore {
                operation: "PUT".into(),
                url: shown,
                status: Some(status.as_u16()),
                message: s3_error_text(&body),
            });
        }
        let etag = resp
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| Error::ObjectStore {
                operation: "PUT".into(),
                url: shown,
                status: Some(status.as_u16()),
                message: "the store's answer has no ETag".into(),
            })?;
        Ok(etag)
    }

    /// Register a stored file (add, or replace `replaces`): never sent twice when the
    /// answer is lost and the file is found in the draft.
    #[allow(clippy::too_many_arguments)]
    async fn register_stored(
        &self,
        dataset: &PersistentOrId,
        replaces: Option<PersistentOrId>,
        body: &UploadBody,
        checksum: Checksum,
        size: u64,
    ) -> Result<UploadReport> {
        let sid = body
            .extra
            .get("storageIdentifier")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // A file registered by an earlier run whose answer was lost is not sent again.
        let wanted = std::slice::from_ref(&sid);
        if let Ok(found) = self.registered(dataset, wanted).await
            && let Some((_, fm)) = found.into_iter().next()
        {
            tracing::info!(storage_identifier = %sid, "the file is already registered");
            return self.report_from(
                fm,
                checksum,
                size,
                Some("registered by an earlier run".into()),
                None,
            );
        }
        let mut req = match &replaces {
            None => Request::post("datasets").id(dataset).seg("add"),
            Some(file) => Request::post("files").id(file).seg("replace"),
        };
        req.body = Some(json_data_form(body.to_json_string()));
        let settled = self
            .execute_envelope_with(&req, |err: &Error| {
                let lost = err.to_string();
                async move {
                    Ok(match self.registered(dataset, wanted).await {
                        Ok(found) => match found.into_iter().next() {
                            Some((_, fm)) => Reconciled::Landed((fm, lost)),
                            None => Reconciled::NotLanded,
                        },
                        Err(_) => Reconciled::Unknown,
                    })
                }
            })
            .await?;
        match settled {
            Settled::Answered((env, url)) => {
                let response: UploadResponse = crate::client::decode(&req, &url, env.data.clone())?;
                let fm = response
                    .files
                    .first()
                    .and_then(|f| serde_json::to_value(f).ok())
                    .unwrap_or(Value::Null);
                self.report_from(fm, checksum, size, None, env.message_text())
            }
            Settled::Found((fm, lost)) => self.report_from(fm, checksum, size, Some(lost), None),
        }
    }

    /// The report of a registered file, its checksum compared with the one sent.
    fn report_from(
        &self,
        fm: Value,
        checksum: Checksum,
        size: u64,
        recovered_from: Option<String>,
        server_message: Option<String>,
    ) -> Result<UploadReport> {
        let file = serde_json::from_value(fm).map_err(|e| {
            Error::InvalidArgument(format!("the registered file could not be read: {e}"))
        })?;
        let response = UploadResponse {
            files: vec![file],
            extra: Default::default(),
        };
        let server_checksum = response.files[0].data_file.checksum.clone();
        let verified = server_checksum.as_ref().is_some_and(|c| {
            c.r#type == checksum.r#type && crate::checksum::digests_match(&c.value, &checksum.value)
        });
        if let Some(c) = &server_checksum
            && c.r#type == checksum.r#type
            && !verified
        {
            return Err(Error::ChecksumMismatch {
                file: format!("registered '{}'", response.files[0].label),
                algorithm: checksum.algorithm().unwrap_or_default(),
                expected: c.value.clone(),
                actual: checksum.value,
            });
        }
        Ok(UploadReport {
            response,
            checksum,
            bytes: size,
            server_checksum,
            checksum_verified: verified,
            attempts: 1,
            recovered_from,
            server_message,
        })
    }
}

/// A file whose bytes are in the store, waiting for its registration.
pub(super) struct Staged {
    /// The dataset.
    pub dataset: PersistentOrId,
    /// The file it replaces, if any.
    pub replaces: Option<PersistentOrId>,
    /// Its `jsonData` (`storageIdentifier`, `fileName`, `mimeType`, `checksum`, metadata).
    pub entry: UploadBody,
    /// The checksum of its bytes.
    pub checksum: Checksum,
    /// Its size.
    pub size: u64,
    /// Its saved state, removed once it is registered.
    pub resume: Option<ResumeFile>,
}

/// The `jsonData` registering a stored file.
fn registration_entry(
    source: &UploadSource,
    metadata: &UploadBody,
    urls: &UploadUrls,
    checksum: &Checksum,
    size: u64,
) -> UploadBody {
    let mut body = metadata.clone();
    let extra = &mut body.extra;
    extra.insert(
        "storageIdentifier".into(),
        urls.storage_identifier.clone().into(),
    );
    extra.insert("fileName".into(), source.name().to_string().into());
    extra.insert("mimeType".into(), source.content_type().into());
    extra.insert(
        "checksum".into(),
        json!({"@type": checksum.r#type, "@value": checksum.value}),
    );
    extra.insert("fileSize".into(), size.into());
    body
}

/// Aborts a multipart upload when dropped armed (the upload future was cancelled), and
/// removes its saved state.
struct AbortGuard {
    api: NativeApi,
    link: Option<String>,
    state: Option<ResumeFile>,
}

impl AbortGuard {
    /// Abort now and disarm.
    async fn disarm_and_abort(&mut self) {
        if let Some(link) = self.link.take() {
            if let Err(e) = self.api.abort_multipart_upload(&link).await {
                tracing::warn!(error = %e, "could not abort the multipart upload");
            }
            if let Some(s) = &self.state {
                s.remove();
            }
        }
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        let Some(link) = self.link.take() else {
            return;
        };
        if let Some(s) = &self.state {
            s.remove();
        }
        let api = self.api.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if let Err(e) = api.abort_multipart_upload(&link).await {
                    tracing::warn!(error = %e, "could not abort the cancelled multipart upload");
                }
            });
        }
    }
}

/// The size of part `n` (from 1) of a file of `size` bytes in parts of `part_size`.
fn part_len(n: u32, part_size: u64, size: u64) -> u64 {
    let start = u64::from(n.saturating_sub(1)) * part_size;
    size.saturating_sub(start).min(part_size)
}

/// Whether a presigned URL signs `x-amz-tagging` (the client must then send it).
fn signs_tagging(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| {
        u.query_pairs().any(|(k, v)| {
            k.eq_ignore_ascii_case("X-Amz-SignedHeaders")
                && v.split(';')
                    .any(|h| h.eq_ignore_ascii_case("x-amz-tagging"))
        })
    })
}

/// A presigned URL without its query (the signature), for messages and logs.
fn url_without_query(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.to_string()
        }
        Err(_) => "(presigned URL)".into(),
    }
}

/// The `Code: Message` of an S3 error document, or its start.
fn s3_error_text(body: &str) -> String {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].to_string())
    };
    match (tag("Code"), tag("Message")) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c,
        _ => body.chars().take(120).collect(),
    }
}

/// The request of an `mpupload` link: the path must be the installation's
/// `/api/datasets/mpupload`; the query is kept.
fn mpupload(make: fn(&str) -> Request, link: &str) -> Result<Request> {
    let parsed = url::Url::parse("http://installation.invalid")
        .and_then(|base| base.join(link))
        .map_err(|e| Error::InvalidArgument(format!("bad mpupload link {link:?}: {e}")))?;
    let path = parsed.path().trim_end_matches('/');
    if !(path.ends_with("/api/datasets/mpupload") || path.ends_with("/api/v1/datasets/mpupload")) {
        return Err(Error::InvalidArgument(format!(
            "the mpupload link {link:?} is not /api/datasets/mpupload"
        )));
    }
    let mut req = make("datasets").seg("mpupload");
    for (k, v) in parsed.query_pairs() {
        req = req.query(&k, v);
    }
    Ok(req)
}

/// A multipart body with only `jsonData`.
fn json_data_form(json: String) -> Body {
    Body::Multipart(MultipartBody {
        form: Arc::new(move || Ok(reqwest::multipart::Form::new().text("jsonData", json.clone()))),
        rebuildable: true,
    })
}

fn io(operation: &str, path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        operation: operation.into(),
        path: path.to_path_buf(),
        source,
    }
}

fn unreachable_entry() -> crate::models::direct_upload::RegisteredFile {
    crate::models::direct_upload::RegisteredFile {
        storage_identifier: None,
        success_message: None,
        warning_message: None,
        error_message: Some("the found file could not be read".into()),
        file_details: None,
        extra: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    #[test]
    fn parts_cover_the_file() {
        assert_eq!(part_len(1, 5, 11), 5);
        assert_eq!(part_len(3, 5, 11), 1);
        assert_eq!(part_len(1, 5, 0), 0);
    }

    #[test]
    fn tagging_is_sent_only_when_signed() {
        assert!(signs_tagging(
            "http://h/b/k?X-Amz-SignedHeaders=host%3Bx-amz-tagging&X-Amz-Signature=s"
        ));
        assert!(!signs_tagging("http://h/b/k?X-Amz-SignedHeaders=host"));
    }

    #[test]
    fn presigned_urls_lose_their_signature_in_messages() {
        assert_eq!(
            url_without_query("http://h:9/b/k?X-Amz-Signature=secret"),
            "http://h:9/b/k"
        );
    }

    #[test]
    fn mpupload_links_become_api_requests() {
        let req = mpupload(
            Request::put,
            "/api/datasets/mpupload?globalid=doi%3A10.5072%2FFK2%2FX&uploadid=u+1&storageidentifier=s3://b:n",
        )
        .unwrap();
        assert_eq!(req.method, Method::PUT);
        assert!(
            req.query
                .contains(&("globalid".into(), "doi:10.5072/FK2/X".into()))
        );
        assert!(
            req.query
                .contains(&("storageidentifier".into(), "s3://b:n".into()))
        );
        assert!(mpupload(Request::put, "/api/admin/settings?x=1").is_err());
        assert!(
            mpupload(
                Request::put,
                "http://elsewhere.example/api/datasets/mpupload"
            )
            .is_ok()
        );
    }

    #[test]
    fn s3_errors_read_as_code_and_message() {
        let body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(s3_error_text(body), "AccessDenied: Request has expired");
    }
}
