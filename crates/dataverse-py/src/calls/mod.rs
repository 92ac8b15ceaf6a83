//! Every method of `NativeApi`, by name: keyword arguments in, the result as JSON out.

pub mod access;
mod citations;
mod collection_setup;
mod collections;
mod dataset_admin;
mod datasets;
mod direct_upload;
mod files;
mod guestbooks;
mod images;
mod metrics;
mod permissions;
mod roles;
mod search_query;
mod semantic;
mod server;
mod storage_drivers;
pub mod streams;
mod transfer;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use dataverse_client::{Error, NativeApi};
use serde::Serialize;
use serde_json::Value;

use crate::args::Args;
use crate::errors::{error_json, invalid};
use crate::progress::Progress;

/// A method's future.
pub type Fut<'a> = Pin<Box<dyn Future<Output = Result<Json, Error>> + Send + 'a>>;

/// A method's result as JSON text, written straight from the typed value: no
/// `serde_json::Value` tree is built and dropped on the way to Python, which for the large
/// answers (`get_datasets` of 1,000, a crawl) cost more CPU time than the requests.
#[derive(Debug)]
pub struct Json(String);

impl Json {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json(value.to_string())
    }
}

/// What one call needs.
pub struct Call {
    /// The client.
    pub api: Arc<NativeApi>,
    /// Its keyword arguments.
    pub args: Args,
    /// The caller's progress callable, for the methods that report progress.
    pub progress: Option<Progress>,
}

/// Run the method `name`.
pub async fn dispatch(name: &str, call: Call) -> Result<Json, Error> {
    let fut = collections::dispatch(name, &call)
        .or_else(|| datasets::dispatch(name, &call))
        .or_else(|| files::dispatch(name, &call))
        .or_else(|| server::dispatch(name, &call))
        .or_else(|| transfer::dispatch(name, &call))
        .or_else(|| citations::dispatch(name, &call))
        .or_else(|| collection_setup::dispatch(name, &call))
        .or_else(|| dataset_admin::dispatch(name, &call))
        .or_else(|| permissions::dispatch(name, &call))
        .or_else(|| access::dispatch(name, &call))
        .or_else(|| roles::dispatch(name, &call))
        .or_else(|| metrics::dispatch(name, &call))
        .or_else(|| semantic::dispatch(name, &call))
        .or_else(|| storage_drivers::dispatch(name, &call))
        .or_else(|| direct_upload::dispatch(name, &call))
        .or_else(|| guestbooks::dispatch(name, &call))
        .or_else(|| images::dispatch(name, &call));
    match fut {
        Some(fut) => fut.await,
        None => Err(invalid(format!("NativeApi has no method {name}"))),
    }
}

/// An answer assembled as a `serde_json::Value`, as the method's result.
pub fn ok(value: Value) -> Result<Json, Error> {
    Ok(value.into())
}

/// A result as JSON text.
pub fn to_json<T: Serialize>(value: &T) -> Result<Json, Error> {
    serde_json::to_string(value)
        .map(Json)
        .map_err(unconvertible)
}

/// A result as a `serde_json::Value`, for the answers assembled from several parts.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(unconvertible)
}

fn unconvertible(e: serde_json::Error) -> Error {
    invalid(format!("cannot convert the result: {e}"))
}

/// The results of a many-at-once call (`get_datasets`, ...) in input order, as a JSON array
/// of `{"ok": result}` and `{"error": {...}}` entries, written in one pass.
pub fn outcomes<T: Serialize>(results: &[Result<T, Error>]) -> Result<Json, Error> {
    let mut out = Vec::with_capacity(results.len().saturating_mul(256));
    out.push(b'[');
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match result {
            Ok(value) => {
                out.extend_from_slice(b"{\"ok\":");
                serde_json::to_writer(&mut out, value).map_err(unconvertible)?;
                out.push(b'}');
            }
            Err(e) => serde_json::to_writer(&mut out, &error_json(e)).map_err(unconvertible)?,
        }
    }
    out.push(b']');
    // serde_json writes UTF-8 only, so this does not fail.
    String::from_utf8(out)
        .map(Json)
        .map_err(|e| invalid(format!("cannot convert the result: {e}")))
}
