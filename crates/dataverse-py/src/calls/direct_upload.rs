//! Direct upload to an S3 store, step by step: presigned URLs, completing or aborting a
//! multipart upload, and registering files already in the store.

use std::collections::BTreeMap;

use dataverse_client::{Error, UploadBody};
use serde_json::{Value, json};

use super::{Call, Fut, Json, ok, to_json};
use crate::args::body_from;
use crate::errors::invalid;

/// The direct-upload methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_upload_urls" => Box::pin(urls(c)),
        "register_files" => Box::pin(register(c)),
        "complete_multipart_upload" => Box::pin(complete(c)),
        "abort_multipart_upload" => Box::pin(abort(c)),
        _ => return None,
    })
}

async fn urls(c: &Call) -> Result<Json, Error> {
    let size = c
        .args
        .opt_u64("size")?
        .ok_or_else(|| invalid("size is required"))?;
    to_json(
        &c.api
            .get_upload_urls(c.args.str("identifier")?, size)
            .await?,
    )
}

async fn register(c: &Call) -> Result<Json, Error> {
    let entries = match c.args.raw("entries") {
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| body_from::<UploadBody>(&format!("entries[{i}]"), v))
            .collect::<Result<Vec<_>, Error>>()?,
        Some(other) => return Err(invalid(format!("entries must be a list, not {other}"))),
        None => return Err(invalid("entries is required")),
    };
    let replace = c.args.bool_or("replace", false)?;
    to_json(
        &c.api
            .register_files(c.args.str("identifier")?, &entries, replace)
            .await?,
    )
}

async fn complete(c: &Call) -> Result<Json, Error> {
    let etags = match c.args.raw("etags") {
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| {
                let n = k
                    .parse::<u32>()
                    .map_err(|_| invalid(format!("etags: part number {k:?} is not a number")))?;
                let tag = v
                    .as_str()
                    .ok_or_else(|| invalid(format!("etags: the ETag of part {k} is not text")))?;
                Ok((n, tag.to_string()))
            })
            .collect::<Result<BTreeMap<u32, String>, Error>>()?,
        _ => return Err(invalid("etags must be a dict of part number to ETag")),
    };
    c.api
        .complete_multipart_upload(&c.args.str("link")?, &etags)
        .await?;
    ok(json!(true))
}

async fn abort(c: &Call) -> Result<Json, Error> {
    c.api.abort_multipart_upload(&c.args.str("link")?).await?;
    ok(json!(true))
}
