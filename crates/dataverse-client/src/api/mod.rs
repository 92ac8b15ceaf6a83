//! Endpoint methods of [`NativeApi`](crate::NativeApi), one module per family, each
//! named after the Dataverse path it wraps.

pub mod access;
pub mod collection_setup;
pub mod collections;
pub mod crawl;
pub mod datasets;
pub mod file_pids;
pub mod files;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod search;
pub mod table;
pub mod upload;
pub mod users;
