//! The core of every download: a `.part` file beside the destination, resumed after
//! interruptions with `Range`, checked, and renamed into place.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use super::expected::Expected;
use super::headers::{content_disposition_name, parse_content_range, sanitize_file_name};
use super::options::{DownloadProgress, PartMode};
use super::report::{DownloadReport, Verification};
use crate::background::PartSink;
use crate::checksum::{ChecksumAlgorithm, Hasher, digests_match, hash_file_into};
use crate::client::{NativeApi, Request, transport_error};
use crate::error::{Error, Result};

/// Where a download goes.
pub(super) enum Destination {
    /// This exact path.
    File(PathBuf),
    /// Into this directory, under the server's file name.
    Dir(PathBuf),
}

impl Destination {
    /// A directory when `path` is one or ends in a separator, else a file path.
    pub(super) fn of(path: &Path) -> Self {
        let text = path.as_os_str().to_string_lossy();
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            Destination::Dir(path.to_path_buf())
        } else {
            Destination::File(path.to_path_buf())
        }
    }
}

/// The result of moving the bytes, before they are checked.
struct Transferred {
    bytes: u64,
    digest: Option<String>,
    total: Option<u64>,
    content_type: Option<String>,
    resumes: u32,
    restarts: u32,
}

/// An [`Error::Io`] maker naming `operation` and `path`.
pub(super) fn io_error(operation: &str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let operation = operation.to_string();
    let path = path.to_path_buf();
    move |source| Error::Io {
        operation,
        path,
        source,
    }
}

impl NativeApi {
    /// The download core: resolve the target, move the bytes, check, rename into place.
    pub(super) async fn download_to(
        &self,
        file: &str,
        base: Request,
        destination: Destination,
        expected: &Expected,
        mode: PartMode,
        progress: Option<DownloadProgress>,
    ) -> Result<DownloadReport> {
        let mut pending = None;
        let target = match destination {
            Destination::File(p) => p,
            Destination::Dir(dir) => {
                // The name comes from the answer: ask first, decide where to write after.
                let response = self.execute_response(base.clone()).await?;
                let name = content_disposition_name(response.headers())
                    .or_else(|| expected.name.as_deref().and_then(sanitize_file_name))
                    .unwrap_or_else(|| format!("file-{}", slug(file)));
                pending = Some(response);
                dir.join(name)
            }
        };
        if (!mode.overwrite || mode.skip_identical)
            && let Some(report) = existing_file(file, &target, expected, mode).await?
        {
            return Ok(report);
        }
        let part = part_path(&target)?;
        if let Some(parent) = part.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io_error("creating directory", parent))?;
        }
        let mut offset = 0;
        if mode.resume
            && let Ok(meta) = tokio::fs::metadata(&part).await
            && meta.is_file()
        {
            offset = meta.len();
            if expected.size.is_some_and(|s| offset > s) {
                offset = 0;
            }
        }
        let resumed_from = offset;
        let mut retried_stale = false;
        loop {
            let result = self
                .transfer(
                    file,
                    &base,
                    &part,
                    offset,
                    pending.take(),
                    expected,
                    mode.sync,
                    &progress,
                )
                .await
                .and_then(|t| verify(file, expected, &t).map(|v| (t, v)));
            match result {
                Ok((t, verification)) => {
                    tokio::fs::rename(&part, &target)
                        .await
                        .map_err(io_error("renaming into place", &target))?;
                    return Ok(DownloadReport {
                        file: file.to_string(),
                        path: target,
                        bytes: t.bytes,
                        content_type: t.content_type,
                        verification,
                        resumed_from,
                        resumes: t.resumes,
                        restarts: t.restarts,
                        skipped: false,
                    });
                }
                Err(e @ (Error::ChecksumMismatch { .. } | Error::SizeMismatch { .. })) => {
                    let _ = tokio::fs::remove_file(&part).await;
                    if offset > 0 && !retried_stale {
                        // The leftover .part may be of another file version: start over once.
                        tracing::warn!(file, error = %e, "download resumed from an earlier .part does not match; starting over");
                        retried_stale = true;
                        offset = 0;
                        continue;
                    }
                    return Err(e);
                }
                Err(e) => {
                    // Keep the .part for a later resume when trying again may succeed
                    // and there is something to resume.
                    let empty = tokio::fs::metadata(&part)
                        .await
                        .is_ok_and(|m| m.is_file() && m.len() == 0);
                    if empty || (!e.is_retryable() && !matches!(e, Error::Io { .. })) {
                        let _ = tokio::fs::remove_file(&part).await;
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Move the bytes into `part`, starting at `offset` (bytes already there), resuming
    /// after interruptions.
    #[allow(clippy::too_many_arguments)]
    async fn transfer(
        &self,
        file: &str,
        base: &Request,
        part: &Path,
        mut offset: u64,
        mut pending: Option<reqwest::Response>,
        expected: &Expected,
        sync: bool,
        progress: &Option<DownloadProgress>,
    ) -> Result<Transferred> {
        let algorithm = expected.checksum.as_ref().map(|(a, _)| *a);
        let mut hasher = algorithm.map(Hasher::new);
        if offset > 0 {
            // Hash what the leftover holds, then go on from there.
            let mut h = algorithm.map(Hasher::new);
            let read = match h.as_mut() {
                Some(h) => hash_file_into(h, part, Some(offset))
                    .await
                    .map_err(io_error("reading", part))?,
                None => offset,
            };
            if read == offset {
                hasher = h;
            } else {
                offset = 0;
            }
        }
        let mut out = PartSink::open(part, offset, hasher, sync)
            .await
            .map_err(io_error("creating", part))?;
        let report = |done: u64, total: Option<u64>| {
            if let Some(p) = progress {
                p(done, total);
            }
        };

        let mut total = expected.size;
        let mut content_type = None;
        let mut resumes = 0;
        let mut restarts = 0;
        if offset > 0 && expected.size == Some(offset) {
            // A complete leftover: nothing to fetch, only to check.
            report(offset, total);
            return finish(out, part, offset, total, content_type, 0, 0).await;
        }
        let policy = self.retry_policy().clone();
        let max_attempts = policy.max_attempts.max(1);
        let mut failures: u32 = 0;
        let mut previous_delay = None;
        loop {
            let response = match pending.take() {
                Some(r) if offset == 0 => r,
                _ => {
                    let mut req = base.clone();
                    if offset > 0 {
                        req = req.header("Range", format!("bytes={offset}-"));
                    }
                    match self.execute_response(req).await {
                        Ok(r) => r,
                        Err(e) if offset > 0 && e.status() == Some(416) && restarts == 0 => {
                            // What we hold is not a prefix of the file (a longer leftover):
                            // start over from zero.
                            tracing::debug!(
                                file,
                                offset,
                                "416 for the resume range; starting over"
                            );
                            reset(&mut out, part, algorithm).await?;
                            offset = 0;
                            restarts += 1;
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            let mut response = response;
            let url = response.url().clone();
            content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut restart = offset > 0;
            if response.status() == StatusCode::PARTIAL_CONTENT {
                match parse_content_range(response.headers()) {
                    Some((start, full)) if start == offset => {
                        restart = false;
                        total = full.or(total);
                    }
                    Some((0, full)) => total = full.or(total),
                    _ => {
                        // A range we did not ask for: drop it and ask for everything.
                        tracing::warn!(
                            file,
                            "unusable Content-Range in a 206 answer; starting over"
                        );
                        drop(response);
                        reset(&mut out, part, algorithm).await?;
                        offset = 0;
                        restarts += 1;
                        failures += 1;
                        if failures >= max_attempts {
                            return Err(Error::Transport {
                                method: "GET".into(),
                                url: url.to_string(),
                                message: "the server answered with a range that was not asked for"
                                    .into(),
                                maybe_sent: true,
                                timeout: false,
                                source: None,
                            });
                        }
                        continue;
                    }
                }
            } else {
                total = response.content_length().or(expected.size);
            }
            if restart {
                // The server ignored `Range` (or started elsewhere): the body is the whole file.
                tracing::debug!(
                    file,
                    offset,
                    "the server sent the whole file again; restarting from zero"
                );
                reset(&mut out, part, algorithm).await?;
                offset = 0;
                restarts += 1;
            }
            report(offset, total);
            let before = offset;
            let interruption = loop {
                match response.chunk().await {
                    Ok(Some(bytes)) => {
                        offset += bytes.len() as u64;
                        out.write(&bytes).await.map_err(io_error("writing", part))?;
                        report(offset, total);
                    }
                    Ok(None) => {
                        break match total {
                            Some(t) if offset < t => Some(Error::Transport {
                                method: "GET".into(),
                                url: url.to_string(),
                                message: format!(
                                    "the response body ended after {offset} of {t} bytes"
                                ),
                                maybe_sent: true,
                                timeout: false,
                                source: None,
                            }),
                            _ => None,
                        };
                    }
                    Err(e) => break Some(transport_error(&reqwest::Method::GET, &url, e)),
                }
            };
            let Some(err) = interruption else {
                return finish(out, part, offset, total, content_type, resumes, restarts).await;
            };
            out.flush().await.map_err(io_error("writing", part))?;
            if offset > before {
                failures = 0;
                previous_delay = None;
            }
            failures += 1;
            if failures >= max_attempts {
                return Err(err);
            }
            let delay = policy.next_delay(previous_delay);
            tracing::warn!(file, offset, total, attempt = failures, delay_ms = delay.as_millis() as u64, error = %err, "download interrupted, resuming");
            tokio::time::sleep(delay).await;
            previous_delay = Some(delay);
            resumes += 1;
        }
    }
}

/// What to do about a file already at `target`: `Some(report)` to skip the download (its
/// checksum matches and `skip_identical` is on), an error when it differs (or cannot be
/// compared) and `overwrite` is off, else `None` to go on.
async fn existing_file(
    file: &str,
    target: &Path,
    expected: &Expected,
    mode: PartMode,
) -> Result<Option<DownloadReport>> {
    let Ok(meta) = tokio::fs::metadata(target).await else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Ok(None);
    }
    let size_differs = expected.size.is_some_and(|s| s != meta.len());
    let same = match &expected.checksum {
        Some((algorithm, want)) if !size_differs => {
            let mut h = Hasher::new(*algorithm);
            hash_file_into(&mut h, target, None)
                .await
                .map_err(io_error("reading", target))?;
            let got = h.finalize();
            digests_match(want, &got).then_some((*algorithm, got))
        }
        _ => None,
    };
    match same {
        Some((algorithm, value)) if mode.skip_identical => Ok(Some(DownloadReport {
            file: file.to_string(),
            path: target.to_path_buf(),
            bytes: meta.len(),
            content_type: None,
            verification: Verification::Checksum { algorithm, value },
            resumed_from: 0,
            resumes: 0,
            restarts: 0,
            skipped: true,
        })),
        Some(_) => Ok(None),
        None if mode.overwrite => Ok(None),
        None => {
            let why = if expected.checksum.is_some() {
                "a different file is already there"
            } else {
                "a file is already there and the server has no checksum to compare it with"
            };
            Err(Error::Io {
                operation: "refusing to overwrite".into(),
                path: target.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, why),
            })
        }
    }
}

/// Flush and sync the part file, and hand back what was transferred.
async fn finish(
    out: PartSink,
    part: &Path,
    bytes: u64,
    total: Option<u64>,
    content_type: Option<String>,
    resumes: u32,
    restarts: u32,
) -> Result<Transferred> {
    let hasher = out.finish().await.map_err(io_error("writing", part))?;
    Ok(Transferred {
        bytes,
        digest: hasher.map(Hasher::finalize),
        total,
        content_type,
        resumes,
        restarts,
    })
}

/// Empty the part file and write from its start again, hashing afresh.
async fn reset(
    out: &mut PartSink,
    part: &Path,
    algorithm: Option<ChecksumAlgorithm>,
) -> Result<()> {
    out.reset(algorithm.map(Hasher::new))
        .await
        .map_err(io_error("truncating", part))
}

fn verify(file: &str, expected: &Expected, t: &Transferred) -> Result<Verification> {
    if let (Some((algorithm, want)), Some(got)) = (&expected.checksum, &t.digest) {
        if digests_match(want, got) {
            return Ok(Verification::Checksum {
                algorithm: *algorithm,
                value: got.clone(),
            });
        }
        return Err(Error::ChecksumMismatch {
            file: file.to_string(),
            algorithm: *algorithm,
            expected: want.to_ascii_lowercase(),
            actual: got.clone(),
        });
    }
    if let Some(size) = expected.size {
        if size != t.bytes {
            return Err(Error::SizeMismatch {
                file: file.to_string(),
                expected: size,
                actual: t.bytes,
            });
        }
        return Ok(Verification::Unverified { size_checked: true });
    }
    // A Content-Length, when sent, was enforced while reading.
    Ok(Verification::Unverified {
        size_checked: t.total == Some(t.bytes),
    })
}

/// `.<name>.part` beside `target`.
fn part_path(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "download destination '{}' has no file name",
                target.display()
            ))
        })?
        .to_string_lossy();
    Ok(target.with_file_name(format!(".{name}.part")))
}

/// A file-name-friendly form of an identifier (`doi:10.5072/FK2/X` -> `doi-10.5072-FK2-X`).
pub(super) fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_files_sit_beside_the_target() {
        assert_eq!(
            part_path(Path::new("out/data.csv")).unwrap(),
            PathBuf::from("out/.data.csv.part")
        );
        assert!(part_path(Path::new("/")).is_err());
    }
}
