//! The Data Access API (`Access.java`): one file streamed from disk (with a single `Range`,
//! `format=original` for ingested files), several files or a whole dataset version as a
//! streamed ZIP with folders from directory labels and `MANIFEST.TXT` last.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::AppError;
use super::common::extract::{DvBytes, utf8_body};
use super::common::extract::{Params, flag};
use super::common::guards;
use super::common::guards::find_dataset;
use super::common::guards::{can_see_draft, find_file, latest_visible};
use super::common::guestbook::{required_guestbook, response_missing};
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, RequestInfo};
use crate::model::VersionState;
use crate::permissions::{Permission, denied};
use crate::store::access_requests;
use crate::store::datasets::{self, VersionSpec};
use crate::store::files::{self, DataFileRow, FileMetaRow};
use crate::zip::ZipWriter;
use crate::{Emulator, Error};

/// `WebApplicationExceptionHandler`'s 403 text.
const FORBIDDEN: &str = "Not authorized to access this object via this API endpoint. Please check your code for typos, or consult our API guide at http://guides.dataverse.org.";

pub(super) fn forbidden(info: &RequestInfo) -> ApiError {
    ApiError::builder(StatusCode::FORBIDDEN, FORBIDDEN, Some(info))
}

/// One file to send: where its bytes are, its name and type.
#[derive(Debug, Clone)]
pub(super) struct Sendable {
    pub(super) path: PathBuf,
    /// The object key when the bytes are in the S3 bucket (then `path` is not used).
    pub(super) s3_key: Option<String>,
    /// `directoryLabel/label` inside a zip.
    pub(super) zip_path: String,
    pub(super) name: String,
    pub(super) content_type: String,
    pub(super) size: u64,
    /// The file's id and dataset, and whether it was ever published (downloads of
    /// published files are counted).
    pub(super) file_id: i64,
    pub(super) dataset_id: i64,
    pub(super) released: bool,
    /// An ingested tabular file (its `.tab` starts with the variable header line).
    pub(super) tabular: bool,
}

/// Whether this caller may have a file's bytes.
pub(super) enum Access {
    /// Yes: what to send.
    Granted(Sendable),
    /// No version the caller may see lists the file.
    NotFound,
    /// The caller may not download it.
    Forbidden,
}

/// The file as this caller may download it: a released version (or the draft for those who
/// may see it) must list it; restricted files need `DownloadFile`.
pub(super) fn sendable(
    conn: &Connection,
    data_dir: &std::path::Path,
    caller: &Caller,
    df: &DataFileRow,
    fm_in: Option<&FileMetaRow>,
    original: bool,
) -> Result<Access, Error> {
    let fm = match fm_in {
        Some(f) => f.clone(),
        None => match latest_visible(conn, caller, df, false)? {
            Some((_, fm)) => fm,
            None => {
                return Ok(if files::versions_listing(conn, df.id)?.is_empty() {
                    Access::NotFound
                } else {
                    Access::Forbidden
                });
            }
        },
    };
    if fm.restricted
        && !access_requests::permitted_on_file(
            conn,
            caller,
            Permission::DownloadFile,
            df.id,
            df.dataset_id,
        )?
    {
        return Ok(Access::Forbidden);
    }
    let use_original = original && df.tabular && df.original_format.is_some();
    let (path, name, content_type, size) = if use_original {
        let name = df.original_name.clone().unwrap_or_else(|| fm.label.clone());
        (
            files::blob_path(data_dir, &format!("{}.orig", df.blob)),
            name,
            df.original_format.clone().unwrap_or_default(),
            df.original_size.unwrap_or(0) as u64,
        )
    } else {
        (
            files::blob_path(data_dir, &df.blob),
            fm.label.clone(),
            df.content_type.clone(),
            df.filesize as u64,
        )
    };
    let zip_path = match fm.directory_label.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => format!("{d}/{name}"),
        None => name.clone(),
    };
    let s3_key = crate::storage::s3_key_of_blob(&df.blob).map(|key| {
        if use_original {
            format!("{key}.orig")
        } else {
            key.to_string()
        }
    });
    Ok(Access::Granted(Sendable {
        path,
        s3_key,
        zip_path,
        name,
        content_type,
        size,
        file_id: df.id,
        dataset_id: df.dataset_id,
        released: df.publication_date.is_some(),
        tabular: df.tabular && !use_original,
    }))
}

/// A file name as Dataverse puts it in a download's headers:
/// `URLEncoder.encode(name, "UTF-8").replaceAll("\\+", "%20")` (`DownloadInstanceWriter`,
/// and `S3AccessIO.generateTemporaryDownloadUrl` for a redirect), so a space is `%20`.
pub(super) fn encoded_file_name(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `Content-Type` and `Content-disposition` of a download, as `DownloadInstanceWriter`
/// writes them: both carry the encoded name.
fn download_headers(file: &Sendable) -> [(header::HeaderName, HeaderValue); 2] {
    let name = encoded_file_name(&file.name);
    [
        (
            header::CONTENT_TYPE,
            header_value(&format!("{}; name=\"{name}\"", file.content_type)),
        ),
        (
            header::CONTENT_DISPOSITION,
            header_value(&format!("attachment; filename=\"{name}\"")),
        ),
    ]
}

/// A single `Range: bytes=...` against `size`: `Ok(None)` without a header, `Err` when it
/// cannot be satisfied (416).
fn parse_range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(v) = headers.get(header::RANGE) else {
        return Ok(None);
    };
    let v = v.to_str().map_err(|_| ())?.trim();
    let spec = v.strip_prefix("bytes=").ok_or(())?.trim();
    if spec.contains(',') {
        return Err(());
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 || size == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end: u64 = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            b.parse::<u64>()
                .map_err(|_| ())?
                .min(size.saturating_sub(1))
        };
        if start >= size || end < start {
            return Err(());
        }
        (start, end)
    };
    Ok(Some(range))
}

pub(super) fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

/// `datafile access error: ...`: an optional service (format conversion, thumbnail,
/// subsetting) this file does not offer (Dataverse's 404).
const NO_SERVICE: &str = "datafile access error: requested optional service (image scaling, format conversion, etc.) is not supported on this datafile.";

/// `datafile access error: ...`: a thumbnail that cannot be made (Dataverse's 404).
const NOT_PERFORMED: &str = "datafile access error: requested optional service (image scaling, format conversion, etc.) could not be performed on this datafile.";

/// The optional services of `GET /api/access/datafile/{id}` asked for: `format=original`
/// (the saved original of an ingested file; the file itself otherwise), `format=tab` and
/// `noVarHeader` (tabular files only), `imageThumb` (image and PDF files). Others
/// (`format=RData`, `format=prep`, `variables`) are not offered here: Dataverse's 404.
#[derive(Debug, Clone, Copy, Default)]
struct Services {
    original: bool,
    no_var_header: bool,
    /// `imageThumb`: the size asked for (`true`, empty or not a number: 64). Zero or less
    /// (`Some(0)`) is a thumbnail request that, as in Dataverse, answers the file itself.
    thumb: Option<u32>,
    /// Something other than `format=original` was asked for: only tabular files qualify.
    tabular_only: bool,
    unsupported: bool,
}

fn services(p: &HashMap<String, String>) -> Services {
    let mut s = Services::default();
    match p.get("format").map(String::as_str) {
        None => {}
        Some("original") => s.original = true,
        Some("tab") => s.tabular_only = true,
        Some(_) => s.unsupported = true,
    }
    if let Some(v) = p.get("noVarHeader") {
        s.tabular_only = true;
        s.no_var_header = !v.eq_ignore_ascii_case("false");
    }
    if let Some(v) = p.get("imageThumb") {
        // `DownloadInstance`/`DownloadInstanceWriter`: `true` and values that are not an
        // int mean the default size; an int of zero or less leaves the file as it is.
        s.thumb = Some(match v.parse::<i32>() {
            Ok(n) => u32::try_from(n).unwrap_or(0),
            Err(_) => crate::thumbnail::DEFAULT_SIZE,
        });
    }
    if p.contains_key("variables") {
        s.unsupported = true;
    }
    s
}

/// Record a counted download of each published file (`gbrecs=true` skips it, as in
/// Dataverse's guestbook-response rules).
pub(super) async fn count_downloads(
    em: &Emulator,
    user: Option<i64>,
    files: Vec<(i64, i64)>,
) -> Result<(), AppError> {
    if files.is_empty() {
        return Ok(());
    }
    em.store()
        .call(move |conn| -> Result<(), AppError> {
            let tx = conn.transaction()?;
            let now = crate::store::time_fmt::now_iso();
            for (file, dataset) in files {
                access_requests::record_response(
                    &tx,
                    file,
                    dataset,
                    user,
                    access_requests::EVENT_DOWNLOAD,
                    &now,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Length of the first line (with its `\n`) of a file: the variable header of a `.tab`.
async fn header_len(f: &mut tokio::fs::File) -> Result<u64, AppError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            seen += i as u64 + 1;
            break;
        }
        seen += n as u64;
    }
    f.seek(std::io::SeekFrom::Start(0)).await?;
    Ok(seen)
}

pub(super) async fn datafile(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let wanted = services(&p);
    let gbrecs = flag(&p, "gbrecs");
    let data_dir = em.config().data_dir.clone();
    let info2 = info.clone();
    let caller = auth.caller.clone();
    let file = em
        .store()
        .read(move |conn| -> Result<Sendable, AppError> {
            let df = find_file(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::endpoint_not_found(&info2)))?;
            let file = match sendable(conn, &data_dir, &caller, &df, None, wanted.original)? {
                Access::Granted(s) => s,
                Access::NotFound => return Err(ApiError::endpoint_not_found(&info2).into()),
                Access::Forbidden => return Err(forbidden(&info2).into()),
            };
            if let Some(gb) = required_guestbook(conn, &caller, df.dataset_id, &p)? {
                return Err(response_missing(gb).into());
            }
            if wanted.unsupported
                || (wanted.tabular_only && !df.tabular)
                || (wanted.thumb.is_some() && !crate::thumbnail::supported(&df.content_type))
            {
                return Err(ApiError::builder(StatusCode::NOT_FOUND, NO_SERVICE, None).into());
            }
            Ok(file)
        })
        .await?;
    let file = match wanted.thumb {
        Some(size) if size > 0 => thumbnail_of(file, size).await?,
        _ => file,
    };
    // A thumbnail is not a download (`isThumbnailDownload`).
    let counted = !gbrecs && wanted.thumb.is_none() && file.released && {
        let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
        range.is_none_or(|r| {
            r.trim()
                .strip_prefix("bytes=")
                .is_some_and(|r| r.trim().starts_with("0-"))
        })
    };
    if counted {
        count_downloads(
            &em,
            auth.caller.user().map(|u| u.id),
            vec![(file.file_id, file.dataset_id)],
        )
        .await?;
    }
    if let Some(key) = &file.s3_key {
        return from_bucket(&em, key, &file, &headers).await;
    }
    let mut f = tokio::fs::File::open(&file.path)
        .await
        .map_err(|e| ApiError::from(Error::Io(e)))?;
    let full = f
        .metadata()
        .await
        .map_err(|e| ApiError::from(Error::Io(e)))?
        .len();
    let skip = if wanted.no_var_header && file.tabular {
        header_len(&mut f).await?
    } else {
        0
    };
    let size = full - skip.min(full);
    let range = match parse_range(&headers, size) {
        Ok(r) => r,
        Err(()) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [
                    (header::CONTENT_RANGE, format!("bytes */{size}")),
                    (header::ACCEPT_RANGES, "bytes".to_string()),
                ],
            )
                .into_response());
        }
    };
    let mut resp_headers = HeaderMap::from_iter(download_headers(&file));
    resp_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let (status, start, len) = match range {
        Some((start, end)) => {
            resp_headers.insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes {start}-{end}/{size}")),
            );
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        None => (StatusCode::OK, 0, size),
    };
    if skip + start > 0 {
        f.seek(std::io::SeekFrom::Start(skip + start))
            .await
            .map_err(|e| ApiError::from(Error::Io(e)))?;
    }
    resp_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    let stream = ReaderStream::with_capacity(f.take(len), 256 * 1024);
    Ok((status, resp_headers, Body::from_stream(stream)).into_response())
}

/// The file's thumbnail of `size` (made and cached on first use) to send in its place:
/// `x.png`, `image/png`. Dataverse's 404 when none can be made.
async fn thumbnail_of(file: Sendable, size: u32) -> Result<Sendable, AppError> {
    let not_performed = || ApiError::builder(StatusCode::NOT_FOUND, NOT_PERFORMED, None);
    if file.s3_key.is_some() {
        return Err(not_performed().into());
    }
    let (path, content_type, filesize) = (file.path.clone(), file.content_type.clone(), file.size);
    let made = tokio::task::spawn_blocking(move || {
        crate::thumbnail::get_or_make(&path, &content_type, filesize, size)
    })
    .await
    .map_err(|e| Error::Storage(format!("thumbnail task failed: {e}")))?;
    let Some(path) = made else {
        return Err(not_performed().into());
    };
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|e| ApiError::from(Error::Io(e)))?
        .len();
    let name = crate::thumbnail::file_name(&file.name);
    Ok(Sendable {
        path,
        zip_path: name.clone(),
        name,
        content_type: "image/png".to_string(),
        size,
        tabular: false,
        ..file
    })
}

/// A file held in the S3 bucket: a 303 to a presigned GET when the store redirects
/// downloads (`download-redirect`), else the object streamed through (with the `Range` of
/// the request passed on).
async fn from_bucket(
    em: &Emulator,
    key: &str,
    file: &Sendable,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let Some((bucket, config)) = em.s3() else {
        return Err(Error::Storage("a file is in S3 but no S3 store is configured".into()).into());
    };
    if config.download_redirect {
        // S3AccessIO names the file with `filename*=` here.
        let disposition = format!(
            "attachment; filename*=UTF-8''{}",
            encoded_file_name(&file.name)
        );
        let url = bucket.presign_get(
            key,
            &disposition,
            &file.content_type,
            config.url_expiration.as_secs().max(1),
        );
        return Ok((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, header_value(&url))],
        )
            .into_response());
    }
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let resp = match bucket.get(key, range).await {
        Ok(r) => r,
        Err(crate::storage::s3::S3Error::Status { status: 416, .. }) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [
                    (header::CONTENT_RANGE, format!("bytes */{}", file.size)),
                    (header::ACCEPT_RANGES, "bytes".to_string()),
                ],
            )
                .into_response());
        }
        Err(e) => return Err(Error::Storage(e.to_string()).into()),
    };
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::OK);
    let mut out = HeaderMap::from_iter(download_headers(file));
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    for name in [header::CONTENT_LENGTH, header::CONTENT_RANGE] {
        if let Some(v) = resp
            .headers()
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
        {
            out.insert(name, header_value(v));
        }
    }
    Ok((status, out, Body::from_stream(resp.bytes_stream())).into_response())
}

/// `doi:10.5072/FK2/ABCDEF` ⇒ `doi-10.5072-fk2-abcdef`.
fn pid_slug(pid: &str) -> String {
    pid.to_lowercase().replace([':', '/'], "-")
}

/// The published files of a zip, counted as downloads unless `gbrecs=true`.
async fn count_zip(
    em: &Emulator,
    user: Option<i64>,
    gbrecs: bool,
    entries: &[Sendable],
) -> Result<(), AppError> {
    if gbrecs {
        return Ok(());
    }
    let files = entries
        .iter()
        .filter(|e| e.released)
        .map(|e| (e.file_id, e.dataset_id))
        .collect();
    count_downloads(em, user, files).await
}

/// Stream a zip of `entries` plus `MANIFEST.TXT` (last).
/// Files held in the S3 store are read from the bucket as they are written.
fn zip_response(
    em: &Emulator,
    name: &str,
    entries: Vec<Sendable>,
    skipped: Vec<String>,
) -> Response {
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let bucket = em.s3().map(|(b, _)| b.clone());
    tokio::spawn(async move {
        let mut z = ZipWriter::new(writer);
        let mut manifest = String::new();
        for e in &entries {
            let added = match &e.s3_key {
                Some(key) => add_object(&mut z, bucket.as_ref(), &e.zip_path, key).await,
                None => z.add_file(&e.zip_path, &e.path).await,
            };
            if let Err(err) = added {
                tracing::warn!(error = %err, "zip download aborted");
                return;
            }
            manifest.push_str(&format!(
                "{} ({}) {} bytes.\n",
                e.zip_path, e.content_type, e.size
            ));
        }
        for s in &skipped {
            manifest.push_str(&format!(
                "{s} was not included: you are not authorized to download it.\n"
            ));
        }
        if z.add_bytes("MANIFEST.TXT", manifest.as_bytes())
            .await
            .is_ok()
            && let Err(err) = z.finish().await
        {
            tracing::warn!(error = %err, "zip download aborted");
        }
    });
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&format!("attachment; filename=\"{name}\"")),
    );
    (
        StatusCode::OK,
        headers,
        Body::from_stream(ReaderStream::with_capacity(reader, 64 * 1024)),
    )
        .into_response()
}

/// Add the object `key` of the S3 store to the zip, streamed from the bucket.
async fn add_object<W: tokio::io::AsyncWrite + Unpin>(
    z: &mut ZipWriter<W>,
    bucket: Option<&crate::storage::s3::Bucket>,
    name: &str,
    key: &str,
) -> std::io::Result<()> {
    let Some(bucket) = bucket else {
        return Err(std::io::Error::other(
            "a file is in S3 but no S3 store is configured",
        ));
    };
    let resp = bucket
        .get(key, None)
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let body = futures_util::TryStreamExt::map_err(resp.bytes_stream(), std::io::Error::other);
    z.add_reader(name, tokio_util::io::StreamReader::new(body))
        .await
}

/// Several files by id: one dataset only; those the caller may not download are skipped and
/// named in the manifest; none allowed ⇒ 403.
async fn zip_of_ids(
    em: Emulator,
    ids_text: String,
    (original, gbrecs): (bool, bool),
    p: HashMap<String, String>,
    auth: Auth,
    info: RequestInfo,
) -> Result<Response, AppError> {
    let mut ids = Vec::new();
    for part in ids_text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) => ids.push(id),
            Err(_) => {
                return Err(ApiError::bad_request(format!("Invalid file id: {part}")).into());
            }
        }
    }
    if ids.is_empty() {
        return Err(ApiError::bad_request("No file ids were given.").into());
    }
    let user = auth.caller.user().map(|u| u.id);
    let data_dir = em.config().data_dir.clone();
    let info2 = info.clone();
    let (name, entries, skipped) = em
        .store()
        .read(
            move |conn| -> Result<(String, Vec<Sendable>, Vec<String>), AppError> {
                let mut dataset = None;
                let mut entries = Vec::new();
                let mut skipped = Vec::new();
                for id in ids {
                    let Some(df) = files::datafile(conn, id)? else {
                        return Err(ApiError::endpoint_not_found(&info2).into());
                    };
                    if dataset.is_some_and(|d| d != df.dataset_id) {
                        return Err(ApiError::bad_request(
                            "All files must belong to the same dataset.",
                        )
                        .into());
                    }
                    dataset = Some(df.dataset_id);
                    match sendable(conn, &data_dir, &auth.caller, &df, None, original)? {
                        Access::Granted(s) => entries.push(s),
                        Access::NotFound | Access::Forbidden => skipped.push(format!("file {id}")),
                    }
                }
                if let Some(d) = dataset
                    && !entries.is_empty()
                    && let Some(gb) = required_guestbook(conn, &auth.caller, d, &p)?
                {
                    return Err(response_missing(gb).into());
                }
                if entries.is_empty() {
                    return Err(forbidden(&info2).into());
                }
                let pid = match dataset {
                    Some(d) => datasets::by_id(conn, d)?.map(|ds| ds.pid()),
                    None => None,
                };
                let name = format!(
                    "{}.zip",
                    pid_slug(&pid.unwrap_or_else(|| "dataverse_files".into()))
                );
                Ok((name, entries, skipped))
            },
        )
        .await?;
    count_zip(&em, user, gbrecs, &entries).await?;
    Ok(zip_response(&em, &name, entries, skipped))
}

pub(super) async fn datafiles_get(
    State(em): State<Emulator>,
    Path(ids): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let original = p.get("format").is_some_and(|f| f == "original");
    let gbrecs = flag(&p, "gbrecs");
    zip_of_ids(em, ids, (original, gbrecs), p, auth, info).await
}

pub(super) async fn datafiles_post(
    State(em): State<Emulator>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let original = p.get("format").is_some_and(|f| f == "original");
    let body = utf8_body(&body)?;
    let trimmed = body.trim();
    let ids = if trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed)
            .map_err(|e| ApiError::bad_request(format!("Error parsing Json: {e}")))?;
        v.get("fileIds")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    } else {
        trimmed
            .strip_prefix("fileIds=")
            .unwrap_or(trimmed)
            .to_string()
    };
    let gbrecs = flag(&p, "gbrecs");
    zip_of_ids(em, ids, (original, gbrecs), p, auth, info).await
}

pub(super) async fn dataset_zip(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    whole_dataset(em, idtf, None, p, info, auth).await
}

pub(super) async fn dataset_version_zip(
    State(em): State<Emulator>,
    Path((idtf, v)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    whole_dataset(em, idtf, Some(v), p, info, auth).await
}

async fn whole_dataset(
    em: Emulator,
    idtf: String,
    spec: Option<String>,
    p: HashMap<String, String>,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let original = p.get("format").is_some_and(|f| f == "original");
    let gbrecs = flag(&p, "gbrecs");
    let user = auth.caller.user().map(|u| u.id);
    let data_dir = em.config().data_dir.clone();
    let (name, entries, skipped) = em
        .store()
        .read(
            move |conn| -> Result<(String, Vec<Sendable>, Vec<String>), AppError> {
                let ds = find_dataset(conn, &idtf, &p)?;
                let draft_ok = can_see_draft(conn, &auth.caller, ds.id)?;
                let text = spec.clone().unwrap_or_else(|| ":latest".into());
                let parsed = guards::version_spec(&text)?;
                if parsed == VersionSpec::Draft && !draft_ok {
                    return Err(denied(&auth.caller).into());
                }
                let all = datasets::versions(conn, ds.id)?;
                let Some(version) =
                    datasets::select(&all, &parsed, draft_ok, flag(&p, "includeDeaccessioned"))
                else {
                    return Err(
                        if draft_ok || all.iter().any(|v| v.state != VersionState::Draft) {
                            ApiError::not_found(format!(
                                "Dataset version {text} of dataset {} not found",
                                ds.id
                            ))
                        } else {
                            forbidden(&info)
                        }
                        .into(),
                    );
                };
                let mut entries = Vec::new();
                let mut skipped = Vec::new();
                for (fm, df) in files::in_version(conn, version.id)? {
                    match sendable(conn, &data_dir, &auth.caller, &df, Some(&fm), original)? {
                        Access::Granted(s) => entries.push(s),
                        Access::NotFound | Access::Forbidden => skipped.push(fm.path()),
                    }
                }
                if !entries.is_empty()
                    && let Some(gb) = required_guestbook(conn, &auth.caller, ds.id, &p)?
                {
                    return Err(response_missing(gb).into());
                }
                if entries.is_empty() && !skipped.is_empty() {
                    return Err(forbidden(&info).into());
                }
                let suffix = match (version.state, spec.is_some()) {
                    (VersionState::Draft, _) => "_draft".to_string(),
                    (_, true) => format!(
                        "_{}.{}",
                        version.version_number.unwrap_or(0),
                        version.minor_version_number.unwrap_or(0)
                    ),
                    _ => String::new(),
                };
                Ok((
                    format!("{}{suffix}.zip", pid_slug(&ds.pid())),
                    entries,
                    skipped,
                ))
            },
        )
        .await?;
    count_zip(&em, user, gbrecs, &entries).await?;
    Ok(zip_response(&em, &name, entries, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::RANGE, HeaderValue::from_str(v).unwrap());
            m
        };
        assert_eq!(parse_range(&HeaderMap::new(), 10), Ok(None));
        assert_eq!(parse_range(&h("bytes=0-3"), 10), Ok(Some((0, 3))));
        assert_eq!(parse_range(&h("bytes=5-"), 10), Ok(Some((5, 9))));
        assert_eq!(parse_range(&h("bytes=-4"), 10), Ok(Some((6, 9))));
        assert_eq!(parse_range(&h("bytes=8-100"), 10), Ok(Some((8, 9))));
        for bad in [
            "bytes=10-",
            "bytes=5-2",
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=-0",
        ] {
            assert_eq!(parse_range(&h(bad), 10), Err(()), "{bad}");
        }
        assert_eq!(encoded_file_name("a b/ü.csv"), "a%20b%2F%C3%BC.csv");
        assert_eq!(encoded_file_name("x+\"y\".txt"), "x%2B%22y%22.txt");
        assert_eq!(pid_slug("doi:10.5072/FK2/ABC"), "doi-10.5072-fk2-abc");
    }
}
