//! Endpoint methods of [`NativeApi`](crate::NativeApi), one module per family, each
//! named after the Dataverse path it wraps.

pub mod collections;
pub mod crawl;
pub mod datasets;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod users;
