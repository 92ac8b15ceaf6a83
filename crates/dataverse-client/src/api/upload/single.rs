//! Adding or replacing one file: `upload_datafile`, `replace_datafile` and their `_with`
//! forms with a report.

use super::multipart::{Tally, form_factory, hashing_error, take_digest};
use super::options::UploadOptions;
use super::reconcile::Lookup;
use super::source::UploadSource;
use crate::background::lock;
use crate::checksum::{digests_match, hash_file};
use crate::client::{Body, MultipartBody, NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId};
use crate::models::files::{Checksum, FileMetadata, UploadBody, UploadResponse};
use crate::retry::Settled;

/// What an upload or replace did.
#[derive(Debug, Clone)]
pub struct UploadReport {
    /// The server's answer (`files[0]` is the new file).
    pub response: UploadResponse,
    /// The checksum computed on this side (lowercase hex): of the bytes sent, while they
    /// streamed, in [`NativeApi::upload_checksum_algorithm`]. When the server reports
    /// another algorithm, that of a file on disk read again in the server's algorithm; after
    /// a lost answer, the one that matched the file found on the server.
    pub checksum: Checksum,
    /// How many bytes were sent.
    pub bytes: u64,
    /// The checksum the server reports for the new file.
    pub server_checksum: Option<Checksum>,
    /// Whether the server's checksum was compared with the local one and matched (false
    /// when the server reports none, or, for a reader source, an algorithm other than the
    /// one its bytes were hashed with as they streamed).
    pub checksum_verified: bool,
    /// How many times the file was sent (retries of refused or unsent attempts included).
    pub attempts: u32,
    /// Set when the answer was lost (the error is given here) but the file was then found
    /// on the server, with the same name, folder and checksum, and taken as uploaded.
    /// Such a file may also have been there before the upload.
    pub recovered_from: Option<String>,
    /// A warning the server added (e.g. that the same content is already in the dataset).
    pub server_message: Option<String>,
}

impl UploadReport {
    /// The new file (`files[0]` of the answer).
    pub fn file(&self) -> Option<&FileMetadata> {
        self.response.files.first()
    }
}

/// Where a file goes: added to a dataset, or replacing a file.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// `POST /api/datasets/{id}/add`.
    Add(PersistentOrId),
    /// `POST /api/files/{id}/replace`.
    Replace {
        /// The file replaced.
        file: PersistentOrId,
        /// The dataset of the file, for finding the result after a lost answer.
        dataset: Option<u64>,
    },
}

impl Target {
    /// The request, without its body.
    fn request(&self) -> Request {
        match self {
            Target::Add(id) => Request::post("datasets").id(id).seg("add"),
            Target::Replace { file, .. } => Request::post("files").id(file).seg("replace"),
        }
    }
}

impl NativeApi {
    /// Add a file to a dataset (creating its draft if needed), streamed from disk or a
    /// reader, with `metadata` as its `jsonData`. Returns the server's answer; the new
    /// file is `files[0]`. The checksum of the bytes sent, computed while they stream, is
    /// compared with the server's: a difference is [`Error::ChecksumMismatch`].
    ///
    /// See [`upload_datafile_with`](Self::upload_datafile_with) for progress and details.
    ///
    /// Endpoint: `POST /api/datasets/{id}/add` (multipart `file` + `jsonData`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::upload::UploadSource;
    /// use dataverse_client::models::files::UploadBody;
    /// let body = UploadBody {
    ///     description: Some("Analysis results".into()),
    ///     directory_label: Some("analysis".into()),
    ///     restrict: Some(false),
    ///     ..Default::default()
    /// };
    /// let response = api
    ///     .upload_datafile("doi:10.5072/FK2/ABC123", UploadSource::path("data/results.csv"), &body)
    ///     .await?;
    /// println!("{:?}", response.files[0].data_file.id);
    /// # Ok(()) }
    /// ```
    pub async fn upload_datafile(
        &self,
        identifier: impl IntoPersistentOrId,
        file: impl Into<UploadSource>,
        metadata: &UploadBody,
    ) -> Result<UploadResponse> {
        Ok(self
            .upload_datafile_with(identifier, file, metadata, UploadOptions::default())
            .await?
            .response)
    }

    /// [`upload_datafile`](Self::upload_datafile) with options (a progress callback), and
    /// a report: the checksum and size of what was sent, whether the server's checksum
    /// matched, how many attempts it took, and whether a lost answer was recovered.
    ///
    /// The bytes are hashed as they stream with
    /// [`upload_checksum_algorithm`](Self::upload_checksum_algorithm), and the algorithm
    /// the server reports for the new file is remembered for the next upload. When the two
    /// differ (the first upload to a server configured for SHA-1, SHA-256 or SHA-512), a
    /// path source is read once more to verify it, and a reader source is left unverified.
    ///
    /// The upload has no total timeout (only the connect and idle timeouts apply). When an
    /// attempt fails after it may have reached the server, the dataset's draft is listed:
    /// a file there with the same name, folder and checksum ends the upload as a success
    /// (`recovered_from` says so); otherwise a path source is sent again, up to the retry
    /// policy's attempts, and a reader source fails with the error.
    ///
    /// Endpoint: `POST /api/datasets/{id}/add` (+ `GET /api/datasets/{id}/versions/:draft/files`
    /// after a failure)
    pub async fn upload_datafile_with(
        &self,
        identifier: impl IntoPersistentOrId,
        file: impl Into<UploadSource>,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        let id = identifier.into_persistent_or_id()?;
        self.send_file(Target::Add(id), file.into(), metadata, options)
            .await
    }

    /// Replace a file with new content. The server does not carry the old file's metadata
    /// over: give description, folder, categories again in `metadata`. When the content
    /// type differs from the old file's the server refuses unless `force_replace` is set.
    /// The new file keeps the lineage (`rootDataFileId`, `previousDataFileId`).
    ///
    /// Endpoint: `POST /api/files/{id}/replace` (multipart `file` + `jsonData`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::upload::UploadSource;
    /// use dataverse_client::models::files::UploadBody;
    /// let body = UploadBody { description: Some("Updated analysis results".into()), ..Default::default() };
    /// api.replace_datafile(12345, UploadSource::path("data/results_v2.csv"), &body).await?;
    /// # Ok(()) }
    /// ```
    pub async fn replace_datafile(
        &self,
        file: impl IntoPersistentOrId,
        new_file: impl Into<UploadSource>,
        metadata: &UploadBody,
    ) -> Result<UploadResponse> {
        Ok(self
            .replace_datafile_with(file, new_file, metadata, UploadOptions::default())
            .await?
            .response)
    }

    /// [`replace_datafile`](Self::replace_datafile) with options and a report, like
    /// [`upload_datafile_with`](Self::upload_datafile_with). After a failure that may have
    /// reached the server, a file in the draft whose `previousDataFileId` is the replaced
    /// file and whose checksum matches is taken as the result.
    ///
    /// Endpoint: `GET /api/files/{id}?returnDatasetVersion=true`, then
    /// `POST /api/files/{id}/replace`
    pub async fn replace_datafile_with(
        &self,
        file: impl IntoPersistentOrId,
        new_file: impl Into<UploadSource>,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        let file = file.into_persistent_or_id()?;
        // The dataset, to look for the result if the answer gets lost. A failure here is
        // left to the replace itself to report.
        let dataset = match self
            .execute::<FileMetadata>(
                Request::get("files")
                    .id(&file)
                    .query("returnDatasetVersion", true),
            )
            .await
        {
            Ok(fm) => fm.dataset_version.and_then(|v| v.dataset_id),
            Err(e @ (Error::NotFound(_) | Error::Unauthorized(_))) => return Err(e),
            Err(_) => None,
        };
        self.send_file(
            Target::Replace { file, dataset },
            new_file.into(),
            metadata,
            options,
        )
        .await
    }

    /// Send `source` to `target`, through the one request path: after a failure that may
    /// have reached the server, the hook of [`Lookup`] looks for the file before anything
    /// is sent again.
    async fn send_file(
        &self,
        target: Target,
        source: UploadSource,
        metadata: &UploadBody,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        if source.name().trim().is_empty() {
            return Err(Error::InvalidArgument(
                "the file to upload has no name".into(),
            ));
        }
        if let Some(dir) = metadata.directory_label.as_deref() {
            check_directory_label(dir)?;
        }
        if let Some(report) = self
            .send_direct(&target, &source, metadata, &options)
            .await
            .map_err(Error::upload_limit)?
        {
            return Ok(report);
        }
        let tally = Tally::new(self.upload_checksum_algorithm());
        let mut req = target.request().transfer();
        req.body = Some(Body::Multipart(MultipartBody {
            form: form_factory(
                &source,
                metadata.to_json_string(),
                tally.clone(),
                options.progress.clone(),
            ),
            rebuildable: source.is_rebuildable(),
        }));
        let lookup = Lookup {
            api: self,
            target: &target,
            source: &source,
            metadata,
            tally: &tally,
        };
        let lookup = &lookup;
        let settled = self
            .execute_envelope_with(&req, move |err: &Error| {
                lookup.after_failure(err.to_string())
            })
            .await
            .map_err(Error::upload_limit)?;
        let (env, url) = match settled {
            Settled::Answered(answer) => answer,
            Settled::Found(report) => return Ok(report),
        };
        let response: UploadResponse = crate::client::decode(&req, &url, env.data.clone())?;
        let (checksum, bytes) = take_digest(&tally)
            .await
            .map_err(|e| hashing_error(&source, e))?;
        let mut report = UploadReport {
            response,
            checksum,
            bytes,
            server_checksum: None,
            checksum_verified: false,
            attempts: lock(&tally).sends().max(1),
            recovered_from: None,
            server_message: env.message_text(),
        };
        self.verify(&mut report, &source).await?;
        Ok(report)
    }

    /// Compare the server's checksum of the new file with the bytes sent, and remember the
    /// server's algorithm for the next upload.
    async fn verify(&self, report: &mut UploadReport, source: &UploadSource) -> Result<()> {
        let Some(f) = report.response.files.first() else {
            return Ok(());
        };
        report.server_checksum = f.data_file.checksum.clone();
        let Some((alg, expected)) = f.data_file.verifiable_checksum() else {
            return Ok(());
        };
        self.set_upload_checksum_algorithm(alg);
        if report.checksum.algorithm() != Some(alg) {
            // Hashed in another algorithm as it streamed: only a file on disk can be read
            // again in the server's.
            let Some(p) = source.local_path() else {
                return Ok(());
            };
            match hash_file(p, alg).await {
                Ok(digest) => report.checksum = Checksum::new(alg, digest),
                Err(e) => {
                    tracing::warn!(file = %p.display(), error = %e, "could not read the file again to verify its {alg} checksum");
                    return Ok(());
                }
            }
        }
        let actual = &report.checksum.value;
        if digests_match(expected, actual) {
            report.checksum_verified = true;
            return Ok(());
        }
        Err(Error::ChecksumMismatch {
            file: format!(
                "uploaded '{}' (file id {})",
                source.name(),
                f.data_file
                    .id
                    .map_or_else(|| "unknown".to_string(), |i| i.to_string())
            ),
            algorithm: alg,
            expected: expected.to_string(),
            actual: actual.clone(),
        })
    }
}

/// Refuse directory labels the server would refuse (absolute, `..`).
pub(super) fn check_directory_label(dir: &str) -> Result<()> {
    if dir.starts_with('/') || dir.starts_with('\\') || dir.split(['/', '\\']).any(|s| s == "..") {
        return Err(Error::InvalidArgument(format!(
            "directory label '{dir}' must be a relative path without '..'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::super::digest;
    use super::*;
    use crate::checksum::ChecksumAlgorithm;

    #[test]
    fn directory_labels() {
        assert!(check_directory_label("a/b").is_ok());
        assert!(check_directory_label("/a").is_err());
        assert!(check_directory_label("a/../b").is_err());
        assert!(check_directory_label("..").is_err());
    }

    /// What the scripted server of the algorithm tests does.
    struct Script {
        /// The checksum type it reports.
        algorithm: ChecksumAlgorithm,
        /// The bytes whose checksum it reports.
        content: Vec<u8>,
        /// Report a wrong checksum.
        corrupt: bool,
        /// Answer every add with a 500 (the draft listing still has the file).
        fail_add: bool,
    }

    /// The one file of the scripted server, as it describes it.
    fn scripted_file(s: &Script) -> serde_json::Value {
        let value = if s.corrupt {
            "0".repeat(s.algorithm.hex_len())
        } else {
            digest(s.algorithm, &s.content)
        };
        let mut data_file = serde_json::json!({
            "id": 7, "filename": "f.bin", "contentType": "application/octet-stream",
            "filesize": s.content.len(), "checksum": {"type": s.algorithm.as_str(), "value": value},
            "tabularData": false, "rootDataFileId": -1
        });
        if s.algorithm == ChecksumAlgorithm::Md5 {
            data_file["md5"] = value.into();
        }
        serde_json::json!({"label": "f.bin", "restricted": false, "version": 1, "dataFile": data_file})
    }

    /// A server with `POST /api/datasets/1/add` and the draft listing of dataset 1, run by
    /// the returned script.
    async fn scripted_server(script: Script) -> (String, Arc<Mutex<Script>>) {
        use axum::extract::State;
        use axum::http::StatusCode;
        use axum::routing::{get, post};
        type Shared = State<Arc<Mutex<Script>>>;
        let script = Arc::new(Mutex::new(script));
        let router = axum::Router::new()
            .route(
                "/api/datasets/1/add",
                post(|State(s): Shared, _body: axum::body::Bytes| async move {
                    let s = lock(&s);
                    if s.fail_add {
                        let body = serde_json::json!({"status": "ERROR", "message": "Internal server error."});
                        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body));
                    }
                    let body = serde_json::json!({"status": "OK", "data": {"files": [scripted_file(&s)]}});
                    (StatusCode::OK, axum::Json(body))
                }),
            )
            .route(
                "/api/datasets/1/versions/{version}/files",
                get(|State(s): Shared| async move {
                    let files = vec![scripted_file(&lock(&s))];
                    axum::Json(serde_json::json!({"status": "OK", "data": files}))
                }),
            )
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (format!("http://{addr}"), script)
    }

    fn reader(data: &[u8]) -> UploadSource {
        UploadSource::reader(std::io::Cursor::new(data.to_vec()), "f.bin")
            .with_size(data.len() as u64)
    }

    #[tokio::test]
    async fn uploads_learn_the_servers_checksum_algorithm() {
        use ChecksumAlgorithm::{Md5, Sha256, Sha512};
        let data = b"a,b\n1,2\n".repeat(50_000);
        let (base, script) = scripted_server(Script {
            algorithm: Sha256,
            content: data.clone(),
            corrupt: false,
            fail_add: false,
        })
        .await;
        let api = NativeApi::new(&base).unwrap();
        let body = UploadBody::default();
        assert_eq!(api.upload_checksum_algorithm(), Md5);

        // The first upload streams MD5; the server answers SHA-256, which a reader cannot
        // be checked with any more. The algorithm is learnt.
        let r = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Md5, digest(Md5, &data)));
        assert!(!r.checksum_verified);
        assert_eq!(
            r.server_checksum.as_ref().and_then(Checksum::algorithm),
            Some(Sha256)
        );
        assert_eq!(api.upload_checksum_algorithm(), Sha256);

        // The next one streams SHA-256 and is verified; clones share what was learnt.
        let r = api
            .clone()
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Sha256, digest(Sha256, &data)));
        assert!(r.checksum_verified);
        assert_eq!(r.bytes, data.len() as u64);

        // The server moves to SHA-512: a path is read again to verify it, in SHA-512.
        lock(&script).algorithm = Sha512;
        let dir = std::env::temp_dir().join(format!("dv-upload-alg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, &data).unwrap();
        let r = api
            .upload_datafile_with(1, &path, &body, UploadOptions::new())
            .await
            .unwrap();
        assert_eq!(r.checksum, Checksum::new(Sha512, digest(Sha512, &data)));
        assert!(r.checksum_verified);
        assert_eq!(api.upload_checksum_algorithm(), Sha512);

        // A wrong checksum from the server is a mismatch in its algorithm, streamed or not.
        lock(&script).corrupt = true;
        for source in [UploadSource::path(&path), reader(&data)] {
            let err = api
                .upload_datafile_with(1, source, &body, UploadOptions::new())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::ChecksumMismatch { algorithm, actual, .. }
                    if *algorithm == Sha512 && *actual == digest(Sha512, &data)),
                "{err:?}"
            );
        }

        // A client built for the server's algorithm verifies a reader at once.
        lock(&script).corrupt = false;
        let preset = NativeApi::builder(&base)
            .upload_checksum_algorithm(Sha512)
            .build()
            .unwrap();
        let r = preset
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.checksum_verified);
        assert_eq!(r.checksum.algorithm(), Some(Sha512));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_lost_answer_is_matched_in_the_servers_algorithm() {
        use ChecksumAlgorithm::{Md5, Sha1};
        let data = b"lost answers\n".repeat(1000);
        let (base, _script) = scripted_server(Script {
            algorithm: Sha1,
            content: data.clone(),
            corrupt: false,
            fail_add: true,
        })
        .await;
        let body = UploadBody::default();
        let fast = crate::retry::RetryPolicy::new()
            .max_attempts(2)
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(2));
        let api = NativeApi::builder(&base)
            .retry_policy(fast)
            .build()
            .unwrap();

        // A reader hashed with MD5 cannot be recognised in a SHA-1 listing: the error stays.
        let err = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Server(e) if e.status == 500),
            "{err:?}"
        );
        assert_eq!(
            api.upload_checksum_algorithm(),
            Md5,
            "nothing learnt from a failure"
        );

        // A path is hashed again in the listed file's algorithm and found there.
        let dir = std::env::temp_dir().join(format!("dv-upload-lost-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, &data).unwrap();
        let r = api
            .upload_datafile_with(1, &path, &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.recovered_from.is_some());
        assert!(r.checksum_verified);
        assert_eq!(r.checksum, Checksum::new(Sha1, digest(Sha1, &data)));
        assert_eq!(
            api.upload_checksum_algorithm(),
            Sha1,
            "learnt from the file found"
        );

        // Now a reader streams SHA-1, and its digest finds the file.
        let r = api
            .upload_datafile_with(1, reader(&data), &body, UploadOptions::new())
            .await
            .unwrap();
        assert!(r.recovered_from.is_some());
        assert_eq!(r.checksum, Checksum::new(Sha1, digest(Sha1, &data)));
        assert_eq!(r.bytes, data.len() as u64);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
