//! Request extractors and body readers that answer like Dataverse: query parameters, JSON
//! and raw bodies (bad or oversized bodies get Dataverse's error envelope, not axum's plain
//! text), and the multipart upload body (`jsonData` plus the `file` part streamed to a
//! temporary blob while its checksum is computed), with the file-name and `directoryLabel`
//! sanitising uploads need.

use std::collections::HashMap;

use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;

use super::AppError;
use crate::checksum::{self, Algorithm};
use crate::envelope::{ApiError, payload_too_large};
use crate::store::blobs::{self, TempBlob};
use crate::{Emulator, Error};

/// `http://host` of the request (the `Host` header; `localhost` without one), for links in
/// answers.
pub(crate) fn site_url(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Query parameters as a map (unknown ones are simply ignored, like JAX-RS; an
/// undecodable query string counts as empty).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Params(
            axum::extract::Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
                .map(|q| q.0)
                .unwrap_or_default(),
        ))
    }
}

/// JAX-RS boolean query parameter: `true` (any case) ⇒ true, anything else ⇒ false.
pub(crate) fn flag(params: &HashMap<String, String>, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// JSON body extractor answering like Dataverse: malformed JSON ⇒ 400
/// `Error parsing Json: <detail>`; body over the limit ⇒ 413 envelope.
#[derive(Debug)]
pub(crate) struct DvJson<T>(pub T);

impl<S, T> FromRequest<S> for DvJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(rej) => {
                return Err(if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    payload_too_large()
                } else {
                    ApiError::bad_request(format!("Error parsing Json: {}", rej.body_text()))
                });
            }
        };
        serde_json::from_slice::<T>(&bytes)
            .map(DvJson)
            .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))
    }
}

/// Raw body extractor answering like Dataverse: a body over the limit (also when it arrives
/// chunked, without a `Content-Length`) ⇒ the 413 envelope; a body that cannot be read ⇒ 400
/// envelope with `prefix` and the reason. Use instead of `axum::body::Bytes`/`String`, whose
/// rejections are plain text.
#[derive(Debug)]
pub(crate) struct DvBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for DvBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => Ok(DvBytes(b)),
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(payload_too_large()),
            Err(rej) => Err(ApiError::bad_request(format!(
                "Error reading the request body: {}",
                rej.body_text()
            ))),
        }
    }
}

/// A text body as `&str`; 400 when it is not UTF-8.
pub(crate) fn utf8_body(body: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("The request body is not valid UTF-8 text."))
}

/// Largest `jsonData` accepted (it is read into memory).
const MAX_JSON: usize = 1024 * 1024;

/// The received `file` part.
#[derive(Debug)]
pub(crate) struct Upload {
    pub tmp: TempBlob,
    pub filename: String,
    pub part_type: Option<String>,
    pub size: u64,
    /// Checksum in the algorithm of `:FileFixityChecksumAlgorithm` when it arrived.
    pub checksum: String,
    pub algorithm: Algorithm,
    /// The first bytes (for type sniffing).
    pub head: Vec<u8>,
}

/// What a multipart upload carried.
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub json: Option<String>,
    pub file: Option<Upload>,
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        payload_too_large()
    } else {
        ApiError::bad_request(format!(
            "Error reading the multipart body: {}",
            e.body_text()
        ))
    }
}

/// The file's name as sent, without any folder part; refused when nothing usable is left.
pub(crate) fn sanitize_filename(raw: &str) -> Result<String, ApiError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean == "." || clean == ".." {
        return Err(ApiError::bad_request(format!("Invalid file name '{raw}'.")));
    }
    Ok(clean)
}

/// A `directoryLabel` normalised (`\` ⇒ `/`, no empty or `.` segments); `..` segments and
/// absolute paths are refused. Empty ⇒ none.
pub(crate) fn directory_label(raw: &str) -> Result<Option<String>, ApiError> {
    let unified = raw.trim().replace('\\', "/");
    let absolute =
        unified.starts_with('/') || unified.as_bytes().get(1) == Some(&b':') && unified.len() >= 2;
    let segments: Vec<&str> = unified
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if absolute || segments.contains(&"..") {
        return Err(ApiError::bad_request(format!(
            "Invalid directoryLabel '{raw}': it may not be an absolute path or contain '..'."
        )));
    }
    Ok((!segments.is_empty()).then(|| segments.join("/")))
}

/// Read the whole multipart body: `jsonData` (text field or file part, UTF-8 required) and
/// the `file` part streamed to a temporary file with its checksum (in the algorithm of
/// `:FileFixityChecksumAlgorithm`). Other parts are skipped.
pub(crate) async fn read_form(
    em: &Emulator,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Form, AppError> {
    let mut mp = multipart.map_err(|e| {
        ApiError::bad_request(format!(
            "A multipart/form-data body is required: {}",
            e.body_text()
        ))
    })?;
    let mut form = Form::default();
    let setting = em
        .store()
        .call(|c| crate::store::Store::setting(c, checksum::SETTING))
        .await?;
    let algorithm = Algorithm::from_setting(setting.as_deref());
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "jsonData" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if bytes.len() + chunk.len() > MAX_JSON {
                        return Err(ApiError::bad_request("jsonData is too large.").into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(bytes).map_err(|_| {
                    ApiError::bad_request("The jsonData part is not valid UTF-8 text.")
                })?;
                form.json = Some(text);
            }
            "file" if form.file.is_none() => {
                let filename = sanitize_filename(field.file_name().unwrap_or("file"))?;
                let part_type = field.content_type().map(str::to_string);
                let tmp = blobs::create(&em.config().data_dir)?;
                let file = tokio::fs::File::create(tmp.path()).await?;
                let mut out = tokio::io::BufWriter::with_capacity(1024 * 1024, file);
                // The checksum runs on a blocking thread beside the receiving task (a bounded
                // queue of shared chunks), so hashing and receiving use two cores.
                let (to_hasher, mut chunks) = tokio::sync::mpsc::channel::<axum::body::Bytes>(32);
                let hasher = tokio::task::spawn_blocking(move || {
                    let mut h = checksum::Hasher::new(algorithm);
                    while let Some(b) = chunks.blocking_recv() {
                        h.update(&b);
                    }
                    h.finalize()
                });
                let mut size = 0u64;
                let mut head = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if to_hasher.send(chunk.clone()).await.is_err() {
                        return Err(Error::Store("checksum task stopped".into()).into());
                    }
                    if head.len() < 512 {
                        let take = (512 - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                    }
                    size += chunk.len() as u64;
                    if em.config().max_upload_bytes.is_some_and(|max| size > max) {
                        return Err(payload_too_large().into());
                    }
                    out.write_all(&chunk).await?;
                }
                // Flushing the buffer writes everything out (tokio's File flush waits for
                // its pending write); the file is closed before it is renamed into place.
                out.flush().await?;
                drop(out);
                drop(to_hasher);
                let checksum = hasher
                    .await
                    .map_err(|e| Error::Store(format!("checksum task: {e}")))?;
                form.file = Some(Upload {
                    tmp,
                    filename,
                    part_type,
                    size,
                    checksum,
                    algorithm,
                    head,
                });
            }
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_labels() {
        assert_eq!(directory_label("a/b/").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("a\\b").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("./a//b").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("").unwrap(), None);
        for bad in ["../x", "a/../b", "/etc", "C:/x", "a/.."] {
            assert!(directory_label(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(sanitize_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(sanitize_filename("C:\\x\\data.csv").unwrap(), "data.csv");
        assert!(sanitize_filename("..").is_err());
        assert!(sanitize_filename("dir/").is_err());
    }
}
