//! Endpoint methods of [`NativeApi`](crate::NativeApi), one module per family, each
//! named after the Dataverse path it wraps.

pub mod access;
pub mod citations;
pub mod collection_aliases;
pub mod collection_setup;
pub mod collections;
pub mod crawl;
pub mod dataset_fields;
pub mod datasets;
pub mod deaccession;
pub mod file_pids;
pub mod files;
pub mod guestbooks;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod metrics;
pub mod permissions;
pub mod roles;
pub mod search;
pub mod semantic;
pub mod storage_drivers;
pub mod table;
pub mod tree;
pub mod upload;
pub mod users;
