//! `dv collection storage-driver get|set|reset|list`: the store a collection keeps new
//! files in, and the installation's stores.

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col};

/// `dv collection storage-driver ...`
#[derive(Debug, Subcommand)]
pub enum StorageDriverCommand {
    /// Show the store set on the collection (`undefined` when none), or with
    /// --effective the one it uses.
    #[command(visible_alias = "show")]
    Get {
        /// Alias, numeric id or :root.
        id: String,
        /// The store in use: the collection's own, else inherited, else the default.
        #[arg(long)]
        effective: bool,
    },
    /// Keep the collection's new files in the store with this label (superusers).
    Set {
        /// Alias, numeric id or :root.
        id: String,
        /// The store's label (see `list`).
        label: String,
    },
    /// Let the collection inherit its owner's store again (superusers).
    Reset {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// List the stores the collection may use, by label and id.
    #[command(visible_alias = "ls")]
    List {
        /// Alias, numeric id or :root.
        id: String,
    },
}

/// Run `dv collection storage-driver ...`.
pub(crate) async fn execute(ctx: &Context, cmd: StorageDriverCommand) -> CliResult {
    let api = &ctx.api;
    match cmd {
        StorageDriverCommand::Get { id, effective } => {
            let d = api
                .get_collection_storage_driver(id.as_str(), effective)
                .await?;
            output::emit(ctx.output, &d, || {
                crate::commands::dataset::show_storage_driver(&d)
            })
        }
        StorageDriverCommand::Set { id, label } => {
            let m = api
                .set_collection_storage_driver(id.as_str(), &label)
                .await?;
            output::message(ctx.output, &m)
        }
        StorageDriverCommand::Reset { id } => {
            let m = api.reset_collection_storage_driver(id.as_str()).await?;
            output::message(ctx.output, &m)
        }
        StorageDriverCommand::List { id } => {
            let list = api.list_storage_drivers(id.as_str()).await?;
            let rows: Vec<serde_json::Value> = list
                .iter()
                .map(|(label, id)| serde_json::json!({"label": label, "id": id}))
                .collect();
            output::emit_list(ctx.output, &rows, &["label", "id"], || {
                output::grid(
                    "no stores",
                    &[Col::text("label"), Col::id("id")],
                    list.iter()
                        .map(|(label, id)| vec![label.clone(), id.clone()])
                        .collect(),
                )
            })
        }
    }
}
