//! Integration tests of the `dv` binary: each test starts its own embedded Dataverse
//! (or uses the embedded local one) in a sandbox with its own config file and data
//! directory, and checks that no known token is ever printed.

#[path = "common/mod.rs"]
mod common;

#[path = "cli/access.rs"]
mod access;
#[path = "cli/auth.rs"]
mod auth;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/caller_views.rs"]
mod caller_views;
#[path = "cli/collection.rs"]
mod collection;
#[path = "cli/collection_setup.rs"]
mod collection_setup;
#[path = "cli/dataset.rs"]
mod dataset;
#[path = "cli/direct_upload.rs"]
mod direct_upload;
#[path = "cli/edits.rs"]
mod edits;
#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/files.rs"]
mod files;
#[path = "cli/guestbooks.rs"]
mod guestbooks;
#[path = "cli/info.rs"]
mod info;
#[path = "cli/licenses.rs"]
mod licenses;
#[path = "cli/local.rs"]
mod local;
#[path = "cli/messages.rs"]
mod messages;
#[path = "cli/metadatablocks.rs"]
mod metadatablocks;
#[path = "cli/metrics.rs"]
mod metrics;
#[path = "cli/misc.rs"]
mod misc;
#[path = "cli/readme.rs"]
mod readme;
#[path = "cli/roles.rs"]
mod roles;
#[path = "cli/search.rs"]
mod search;
#[path = "cli/secrets.rs"]
mod secrets;
#[path = "cli/semantic.rs"]
mod semantic;
#[path = "cli/serve_policy.rs"]
mod serve_policy;
#[path = "cli/tables.rs"]
mod tables;
#[path = "cli/thumbnails_ddi.rs"]
mod thumbnails_ddi;
#[path = "cli/user.rs"]
mod user;
#[path = "cli/verbs.rs"]
mod verbs;
