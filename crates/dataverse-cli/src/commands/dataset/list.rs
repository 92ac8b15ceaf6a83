//! `dv dataset list COLLECTION` (alias `ls`): the datasets directly inside a collection.

use dataverse_client::models::collections::ContentItem;
use dataverse_client::models::datasets::Dataset;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv dataset list`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection: alias, numeric id or :root.
    #[arg(value_name = "COLLECTION")]
    pub collection: String,
}

/// List the datasets directly inside a collection (JSON: the server's entries for them).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let items = ctx
        .api
        .get_collection_contents(args.collection.as_str())
        .await?;
    let datasets: Vec<&Dataset> = items
        .iter()
        .filter_map(|i| match i {
            ContentItem::Dataset(d) => Some(d.as_ref()),
            _ => None,
        })
        .collect();
    output::emit(ctx.output, &datasets, || {
        if datasets.is_empty() {
            return output::line(&format!("no datasets in {}", args.collection));
        }
        let rows = datasets
            .iter()
            .map(|d| {
                vec![
                    opt(&d.id),
                    d.persistent_id().unwrap_or_default(),
                    d.publication_date
                        .clone()
                        .unwrap_or_else(|| "never".to_string()),
                ]
            })
            .collect();
        output::table(&["id", "persistent id", "published"], rows)
    })
}
