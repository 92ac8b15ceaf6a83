//! The multipart body of an upload, built afresh for each attempt, and the tally of what
//! the current attempt's stream read and hashed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, stream};

use super::options::UploadProgress;
use super::source::UploadSource;
use crate::background::{hash_queue, hashed, lock, thread_stopped};
use crate::checksum::{ChecksumAlgorithm, Hasher};
use crate::client::FormFactory;
use crate::error::Error;
use crate::models::files::Checksum;

/// Chunks waiting for the hashing thread before sending waits for it (4 MiB).
const HASH_QUEUE: usize = 16;

/// What the stream of the current attempt saw.
pub(super) struct Tally {
    /// What every attempt hashes its bytes with.
    algorithm: ChecksumAlgorithm,
    /// How many forms were built; the stream of an older one no longer counts.
    generation: u64,
    /// The thread hashing the current attempt's bytes; it ends with the stream.
    hashing: Option<tokio::task::JoinHandle<Hasher>>,
    /// Bytes the current attempt's stream read.
    bytes: u64,
}

impl Tally {
    /// A tally for attempts hashing with `algorithm`.
    pub(super) fn new(algorithm: ChecksumAlgorithm) -> Arc<Mutex<Tally>> {
        Arc::new(Mutex::new(Tally {
            algorithm,
            generation: 0,
            hashing: None,
            bytes: 0,
        }))
    }

    /// How many times a form was built, that is how many attempts sent (or tried to send)
    /// the file.
    pub(super) fn sends(&self) -> u32 {
        u32::try_from(self.generation).unwrap_or(u32::MAX)
    }
}

/// The checksum of what the current attempt's stream read, and how many bytes that was.
/// Waits for the hashing thread, which ends once the stream has ended or been dropped.
pub(super) async fn take_digest(tally: &Mutex<Tally>) -> std::io::Result<(Checksum, u64)> {
    let (hashing, algorithm, bytes) = {
        let mut t = lock(tally);
        (t.hashing.take(), t.algorithm, t.bytes)
    };
    let hasher = match hashing {
        Some(task) => hashed(task).await?,
        None => Hasher::new(algorithm),
    };
    Ok((Checksum::new(hasher.algorithm(), hasher.finalize()), bytes))
}

/// The multipart form of every attempt: `jsonData`, then the `file` part streamed from a
/// freshly opened `source`, hashed on a thread of its own and counted in `tally`.
pub(super) fn form_factory(
    source: &UploadSource,
    json: String,
    tally: Arc<Mutex<Tally>>,
    progress: Option<UploadProgress>,
) -> FormFactory {
    let name = source.name().to_string();
    let content_type = source.content_type();
    let opener = source.opener();
    let algorithm = lock(&tally).algorithm;
    Arc::new(move || {
        let (inner, len) = opener.open()?;
        // Bytes are hashed on a thread of their own, so that sending does not wait for it.
        let (queue, hashing) = hash_queue(Hasher::new(algorithm), HASH_QUEUE);
        let generation = {
            let mut t = lock(&tally);
            t.generation += 1;
            t.hashing = Some(hashing);
            t.bytes = 0;
            t.generation
        };
        let tally = tally.clone();
        let progress = progress.clone();
        let state = (inner, Some(queue));
        let chunks = stream::unfold(state, move |(mut inner, queue)| {
            let tally = tally.clone();
            let progress = progress.clone();
            async move {
                let bytes = match inner.next().await {
                    Some(Ok(bytes)) => bytes,
                    // The queue is dropped with the error or at the end: the thread stops.
                    Some(Err(e)) => return Some((Err(e), (inner, None))),
                    None => return None,
                };
                let done = {
                    let mut t = lock(&tally);
                    (t.generation == generation).then(|| {
                        t.bytes += bytes.len() as u64;
                        t.bytes
                    })
                };
                if done.is_some()
                    && let Some(q) = &queue
                    && q.send(bytes.clone()).await.is_err()
                {
                    return Some((Err(thread_stopped("checksum")), (inner, None)));
                }
                if let (Some(done), Some(p)) = (done, &progress) {
                    p(done, len);
                }
                Some((Ok(bytes), (inner, queue)))
            }
        });
        let body = reqwest::Body::wrap_stream(chunks);
        let part = match len {
            Some(n) => reqwest::multipart::Part::stream_with_length(body, n),
            None => reqwest::multipart::Part::stream(body),
        };
        let part = part
            .file_name(name.clone())
            .mime_str(&content_type)
            .map_err(|e| {
                Error::InvalidArgument(format!("content type '{content_type}' is not valid: {e}"))
            })?;
        Ok(reqwest::multipart::Form::new()
            .text("jsonData", json.clone())
            .part("file", part))
    })
}

/// A failure of the hashing thread of an upload of `source`.
pub(super) fn hashing_error(source: &UploadSource, e: std::io::Error) -> Error {
    Error::Io {
        operation: "hashing".into(),
        path: source
            .local_path()
            .map_or_else(|| PathBuf::from(source.name()), Path::to_path_buf),
        source: e,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::super::digest;
    use super::*;

    #[tokio::test]
    async fn the_form_streams_and_hashes_each_attempt_afresh() {
        let dir = std::env::temp_dir().join(format!("dv-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        let data: Vec<u8> = (0..600_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for alg in [ChecksumAlgorithm::Md5, ChecksumAlgorithm::Sha256] {
            let expected = Checksum::new(alg, digest(alg, &data));
            let tally = Tally::new(alg);
            let seen = Arc::new(AtomicU64::new(0));
            let seen2 = seen.clone();
            let factory = form_factory(
                &UploadSource::path(&path),
                "{}".into(),
                tally.clone(),
                Some(Arc::new(move |done, total| {
                    assert_eq!(total, Some(600_000));
                    seen2.store(done, Ordering::Relaxed);
                })),
            );
            for _ in 0..2 {
                let form = factory().unwrap();
                let boundary = form.boundary().to_string();
                let mut body = form.into_stream();
                let mut out = Vec::new();
                while let Some(chunk) = body.next().await {
                    out.extend_from_slice(&chunk.unwrap());
                }
                let text = String::from_utf8_lossy(&out);
                assert!(text.contains("name=\"jsonData\""));
                assert!(text.contains("filename=\"f.bin\""));
                assert!(text.contains(&boundary));
                let (checksum, bytes) = take_digest(&tally).await.unwrap();
                assert_eq!(bytes, 600_000);
                assert_eq!(checksum, expected);
                assert_eq!(seen.load(Ordering::Relaxed), 600_000);
            }
            // A reader too, and it can be turned into a form only once.
            let once = form_factory(
                &UploadSource::reader(std::io::Cursor::new(data.clone()), "r.bin"),
                "{}".into(),
                tally.clone(),
                None,
            );
            let mut body = once().unwrap().into_stream();
            while let Some(chunk) = body.next().await {
                chunk.unwrap();
            }
            let (checksum, bytes) = take_digest(&tally).await.unwrap();
            assert_eq!(bytes, 600_000);
            assert_eq!(checksum, expected);
            assert!(matches!(once(), Err(Error::InvalidArgument(_))));
        }
        // Nothing streamed yet: the empty digest, still in the tally's algorithm.
        let (checksum, bytes) = take_digest(&Tally::new(ChecksumAlgorithm::Sha1))
            .await
            .unwrap();
        assert_eq!(bytes, 0);
        assert_eq!(
            checksum,
            Checksum::new(
                ChecksumAlgorithm::Sha1,
                digest(ChecksumAlgorithm::Sha1, b"")
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
