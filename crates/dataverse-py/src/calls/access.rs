//! Data access and access requests: a file, several files, a dataset's files or a
//! tabular file's bundle as bytes (in memory, as a stream, or written to a path chunk by
//! chunk), the URL of a file's bytes, and requests for access to restricted files.

use std::path::PathBuf;

use bytes::Bytes;
use dataverse_client::Error;
use dataverse_client::api::access::{ByteStream, DataAccessOptions};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use dataverse_client::models::guestbooks::GuestbookResponse;

use super::{Call, Fut, Json, ok, to_json};
use crate::args::body_from;
use crate::errors::invalid;

/// The access methods answered as JSON; `None` when `name` is not one. The byte methods
/// come here only with a `destination` (the bytes written there).
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    if let Some(open) = stream(name, c) {
        return Some(Box::pin(async move { save(c, open.await?).await }));
    }
    Some(match name {
        "get_datafile_download_url" => Box::pin(download_url(c)),
        "request_access" => Box::pin(request(c)),
        "allow_access_request" => Box::pin(allow(c)),
        "grant_file_access" => Box::pin(grant(c)),
        "list_file_access_requests" => Box::pin(list(c)),
        "reject_file_access_request" => Box::pin(reject(c)),
        "revoke_file_access" => Box::pin(revoke(c)),
        _ => return None,
    })
}

/// A byte method's future.
pub type BytesFut<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Bytes, Error>> + Send + 'a>>;

/// A stream method's future.
pub type StreamFut<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<ByteStream, Error>> + Send + 'a>>;

/// The methods answering bytes in memory (`get_datafile`, `get_datafiles`,
/// `download_all_datafiles`, `get_datafile_bundle`, and the image methods of
/// [`super::images`]); `None` when `name` is not one.
pub fn in_memory<'a>(name: &str, c: &'a Call) -> Option<BytesFut<'a>> {
    Some(match name {
        "get_datafile" => Box::pin(async move {
            let options = options(c)?;
            c.api
                .get_datafile(c.args.str("identifier")?, &options)
                .await
        }),
        "get_datafiles" => Box::pin(async move {
            let (ids, original) = datafiles(c)?;
            match guestbook(c)? {
                None => c.api.get_datafiles(&ids, original).await,
                Some(r) => c.api.get_datafiles_with_guestbook(&ids, original, &r).await,
            }
        }),
        "download_all_datafiles" => Box::pin(async move {
            let version = c.args.version("version")?;
            let original = c.args.bool_or("original", false)?;
            let id = c.args.str("identifier")?;
            match guestbook(c)? {
                None => c.api.download_all_datafiles(id, version, original).await,
                Some(r) => {
                    c.api
                        .download_all_datafiles_with_guestbook(id, version, original, &r)
                        .await
                }
            }
        }),
        "get_datafile_bundle" => Box::pin(bundle(c)),
        _ => return super::images::in_memory(name, c),
    })
}

/// The methods answering a byte stream (the `stream_*` ones, and the `get_*` ones of
/// [`in_memory`] when their bytes go to a path); `None` when `name` is not one.
pub fn stream<'a>(name: &str, c: &'a Call) -> Option<StreamFut<'a>> {
    Some(match name {
        "get_datafile" | "stream_datafile" => Box::pin(async move {
            let options = options(c)?;
            c.api
                .stream_datafile(c.args.str("identifier")?, &options)
                .await
        }),
        "get_datafiles" | "stream_datafiles" => Box::pin(async move {
            let (ids, original) = datafiles(c)?;
            match guestbook(c)? {
                None => c.api.stream_datafiles(&ids, original).await,
                Some(r) => {
                    c.api
                        .stream_datafiles_with_guestbook(&ids, original, &r)
                        .await
                }
            }
        }),
        "download_all_datafiles" | "stream_all_datafiles" => Box::pin(async move {
            let version = c.args.version("version")?;
            let original = c.args.bool_or("original", false)?;
            let id = c.args.str("identifier")?;
            match guestbook(c)? {
                None => c.api.stream_all_datafiles(id, version, original).await,
                Some(r) => {
                    c.api
                        .stream_all_datafiles_with_guestbook(id, version, original, &r)
                        .await
                }
            }
        }),
        "get_datafile_bundle" => Box::pin(async move {
            // The library reads a bundle whole (a few small entries).
            let b = bundle(c).await?;
            Ok(futures_util::stream::iter([Ok(b)]).boxed())
        }),
        _ => return None,
    })
}

/// The optional `guestbook_response` (the answers to the dataset's guestbook).
fn guestbook(c: &Call) -> Result<Option<GuestbookResponse>, Error> {
    c.args
        .raw("guestbook_response")
        .map(|v| body_from("guestbook_response", v))
        .transpose()
}

/// A tabular file's bundle, with the guestbook's answers when given.
async fn bundle(c: &Call) -> Result<Bytes, Error> {
    let id = c.args.str("identifier")?;
    match guestbook(c)? {
        None => c.api.get_datafile_bundle(id).await,
        Some(r) => c.api.get_datafile_bundle_with_guestbook(id, &r).await,
    }
}

/// `data_format`, `no_var_header`, `image_thumb`, `gbrecs`, `range` (`[start, end]`,
/// `end` inclusive and optional) and `guestbook_response`.
fn options(c: &Call) -> Result<DataAccessOptions, Error> {
    let mut o = DataAccessOptions::new()
        .no_var_header(c.args.bool_or("no_var_header", false)?)
        .gbrecs(c.args.bool_or("gbrecs", false)?);
    if let Some(f) = c.args.opt_str("data_format")? {
        o = o.format(f);
    }
    if let Some(r) = guestbook(c)? {
        o = o.guestbook_response(r);
    }
    if let Some(t) = c.args.raw("image_thumb") {
        o = o.image_thumb(match t {
            Value::Bool(b) => b.to_string(),
            Value::String(s) => s,
            Value::Number(n) if n.is_u64() => n.to_string(),
            other => {
                return Err(invalid(format!(
                    "image_thumb must be True or a size in pixels, not {other}"
                )));
            }
        });
    }
    if let Some(r) = c.args.raw("range") {
        let bad = || {
            invalid(format!(
                "range must be (start, end) or (start, None), not {r}"
            ))
        };
        let parts = r.as_array().ok_or_else(bad)?;
        let (start, end) = match parts.as_slice() {
            [s] => (s.as_u64().ok_or_else(bad)?, None),
            [s, Value::Null] => (s.as_u64().ok_or_else(bad)?, None),
            [s, e] => {
                let (s, e) = (s.as_u64().ok_or_else(bad)?, e.as_u64().ok_or_else(bad)?);
                if e < s {
                    return Err(bad());
                }
                (s, Some(e))
            }
            _ => return Err(bad()),
        };
        o = o.range(start, end);
    }
    Ok(o)
}

/// The file ids of `get_datafiles` (a list, or pyDataverse's `"1,2,3"`), and whether the
/// saved originals are asked for (`data_format="original"`, the only format there).
fn datafiles(c: &Call) -> Result<(Vec<u64>, bool), Error> {
    let raw = match c.args.raw("identifier") {
        Some(Value::String(s)) => s.split(',').map(|s| s.trim().to_string()).collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => c.args.strs("identifier")?,
    };
    let ids = raw
        .iter()
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| invalid(format!("file id {s:?} is not a database id")))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let original = match c.args.opt_str("data_format")?.as_deref() {
        None => false,
        Some("original") => true,
        Some(other) => {
            return Err(invalid(format!(
                "data_format {other:?}: several files can only be asked as 'original'"
            )));
        }
    };
    Ok((ids, original))
}

/// Write a stream to `destination` chunk by chunk (never whole in memory), reporting
/// progress as `(bytes written, None)`. A failed transfer removes the partial file.
async fn save(c: &Call, mut stream: ByteStream) -> Result<Json, Error> {
    let path = PathBuf::from(c.args.str("destination")?);
    let io = |e: std::io::Error| invalid(format!("cannot write {}: {e}", path.display()));
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut written = 0u64;
    let result: Result<(), Error> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
            if let Some(p) = &c.progress {
                p.report(written, None);
            }
        }
        file.flush().await.map_err(io)
    }
    .await;
    drop(file);
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    if let Some(p) = &c.progress {
        p.report(written, Some(written));
    }
    ok(json!({ "path": path.display().to_string(), "bytes": written }))
}

async fn download_url(c: &Call) -> Result<Json, Error> {
    let options = options(c)?;
    let url = c
        .api
        .get_datafile_download_url(c.args.str("identifier")?, &options)
        .await?;
    ok(json!(url.as_str()))
}

fn message(m: String) -> Value {
    json!({ "message": m })
}

async fn request(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    ok(message(match guestbook(c)? {
        None => c.api.request_access(id).await?,
        Some(r) => c.api.request_access_with_guestbook(id, &r).await?,
    }))
}

async fn allow(c: &Call) -> Result<Json, Error> {
    let allow = c.args.bool_or("do_allow", true)?;
    ok(message(
        c.api
            .allow_access_request(c.args.str("identifier")?, allow)
            .await?,
    ))
}

async fn grant(c: &Call) -> Result<Json, Error> {
    let user = c.args.str("user")?;
    ok(message(
        c.api
            .grant_file_access(c.args.str("identifier")?, &user)
            .await?,
    ))
}

async fn list(c: &Call) -> Result<Json, Error> {
    let history = c.args.bool_or("include_history", false)?;
    to_json(
        &c.api
            .list_file_access_requests(c.args.str("identifier")?, history)
            .await?,
    )
}

async fn reject(c: &Call) -> Result<Json, Error> {
    let user = c.args.str("user")?;
    ok(message(
        c.api
            .reject_file_access_request(c.args.str("identifier")?, &user)
            .await?,
    ))
}

async fn revoke(c: &Call) -> Result<Json, Error> {
    let user = c.args.str("user")?;
    ok(message(
        c.api
            .revoke_file_access(c.args.str("identifier")?, &user)
            .await?,
    ))
}
