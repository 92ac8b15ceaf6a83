//! `dv dataset storage-driver get|set|reset`: the store a dataset keeps new files in.

use clap::Subcommand;
use dataverse_client::models::direct_upload::StorageDriver;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv dataset storage-driver ...`
#[derive(Debug, Subcommand)]
pub enum StorageDriverCommand {
    /// Show the dataset's store (its own, else inherited from its collection).
    #[command(visible_alias = "show")]
    Get {
        /// Numeric id or PID.
        id: String,
    },
    /// Keep the dataset's new files in the store with this label (superusers).
    Set {
        /// Numeric id or PID.
        id: String,
        /// The store's label (`dv collection storage-driver list` shows them).
        label: String,
    },
    /// Let the dataset inherit its collection's store again (superusers).
    Reset {
        /// Numeric id or PID.
        id: String,
    },
}

/// Run `dv dataset storage-driver ...`.
pub(crate) async fn execute(ctx: &Context, cmd: StorageDriverCommand) -> CliResult {
    let api = &ctx.api;
    match cmd {
        StorageDriverCommand::Get { id } => {
            let d = api.get_dataset_storage_driver(id.as_str()).await?;
            output::emit(ctx.output, &d, || show(&d))
        }
        StorageDriverCommand::Set { id, label } => {
            let m = api.set_dataset_storage_driver(id.as_str(), &label).await?;
            output::message(ctx.output, &m)
        }
        StorageDriverCommand::Reset { id } => {
            let m = api.reset_dataset_storage_driver(id.as_str()).await?;
            output::message(ctx.output, &m)
        }
    }
}

/// A storage driver as `key  value` lines.
pub(crate) fn show(d: &StorageDriver) -> CliResult {
    output::pairs(vec![
        ("name", opt(&d.name)),
        ("type", opt(&d.r#type)),
        ("label", opt(&d.label)),
        ("direct upload", output::yes(Some(d.direct_upload))),
        ("direct download", output::yes(Some(d.direct_download))),
    ])
}
