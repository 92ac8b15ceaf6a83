//! `dv collection contents ID`

use dataverse_client::models::collections::ContentItem;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv collection contents`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the sub-collections and datasets directly inside a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let items = ctx.api.get_collection_contents(args.id.as_str()).await?;
    output::emit(ctx.output, &items, || {
        let rows = items
            .iter()
            .map(|i| match i {
                ContentItem::Collection(c) => vec![
                    "collection".into(),
                    c.id.to_string(),
                    String::new(),
                    opt(&c.title),
                ],
                ContentItem::Dataset(d) => vec![
                    "dataset".into(),
                    opt(&d.id),
                    d.persistent_id().unwrap_or_default(),
                    opt(&d.publication_date),
                ],
                ContentItem::Other(v) => vec![
                    v.get("type")
                        .and_then(|t| t.as_str())
                        .unwrap_or("?")
                        .to_string(),
                    v.get("id").map(|i| i.to_string()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                ],
            })
            .collect();
        output::table(&["type", "id", "persistent id", "title / published"], rows)
    })
}
