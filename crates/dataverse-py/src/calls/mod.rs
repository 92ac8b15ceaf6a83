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
use crate::errors::invalid;
use crate::progress::Progress;

/// A method's future.
pub type Fut<'a> = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>;

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
pub async fn dispatch(name: &str, call: Call) -> Result<Value, Error> {
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

/// A result as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| invalid(format!("cannot convert the result: {e}")))
}
