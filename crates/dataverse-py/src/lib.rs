//! The native part of the `dataverse_rs` Python package (`dataverse_rs._native`): the
//! Rust client behind one generic call, the embedded Dataverse, and cancellation. The
//! Python package (`python/dataverse_rs`) gives them the spec's names, signatures and
//! result objects.

mod args;
mod byte_stream;
mod calls;
mod client;
mod errors;
mod item_stream;
mod local;
mod local_s3;
mod progress;
mod raise;
mod runtime;
mod table;

use pyo3::prelude::*;

/// Validate a request body against the Rust type (`kind`: `CollectionCreateBody`,
/// `UpdateCollection`, `DatasetCreateBody`, `EditMetadataBody`, `UploadBody`); raises
/// `InvalidArgument` naming the first problem.
#[pyfunction]
fn validate_body(kind: &str, body: &str) -> PyResult<()> {
    use dataverse_client::models::{collections, guestbooks, metadata};
    let fail = |e: dataverse_client::Error| raise::raise("InvalidArgument", &e.to_string());
    let value: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| raise::raise("InvalidArgument", &format!("{kind}: not JSON: {e}")))?;
    match kind {
        "CollectionCreateBody" => {
            let b: collections::CollectionCreateBody =
                args::body_from(kind, value).map_err(fail)?;
            b.validate().map_err(fail)
        }
        "UpdateCollection" => {
            let b: collections::UpdateCollection = args::body_from(kind, value).map_err(fail)?;
            b.validate().map_err(fail)
        }
        "DatasetCreateBody" => args::body_from::<metadata::DatasetCreateBody>(kind, value)
            .map(|_| ())
            .map_err(fail),
        "EditMetadataBody" => args::body_from::<metadata::EditMetadataBody>(kind, value)
            .map(|_| ())
            .map_err(fail),
        "UploadBody" => args::body_from::<dataverse_client::UploadBody>(kind, value)
            .map(|_| ())
            .map_err(fail),
        "GuestbookBody" => args::body_from::<guestbooks::Guestbook>(kind, value)
            .map(|_| ())
            .map_err(fail),
        "GuestbookResponse" => args::body_from::<guestbooks::GuestbookResponse>(kind, value)
            .map(|_| ())
            .map_err(fail),
        other => Err(raise::raise(
            "InvalidArgument",
            &format!("no body type {other}"),
        )),
    }
}

/// The module `dataverse_rs._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<local::LocalServer>()?;
    m.add_class::<runtime::CancelToken>()?;
    m.add_class::<item_stream::ItemStream>()?;
    m.add_function(wrap_pyfunction!(item_stream::open_stream, m)?)?;
    m.add_function(wrap_pyfunction!(validate_body, m)?)?;
    byte_stream::register(m)?;
    Ok(())
}
