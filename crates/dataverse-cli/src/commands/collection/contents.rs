//! `dv collection contents ID`

use dataverse_client::models::collections::ContentItem;

use std::collections::HashMap;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

use super::display;

/// `dv collection contents`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the sub-collections and datasets directly inside a collection. The table shows a
/// collection's alias (one more request each) and title, a dataset's PID and publication
/// date ("draft" before the first).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let items = ctx.api.get_collection_contents(args.id.as_str()).await?;
    let aliases = if ctx.output == OutputFormat::Table {
        let ids = items
            .iter()
            .filter_map(|i| match i {
                ContentItem::Collection(c) => Some(c.id),
                _ => None,
            })
            .collect();
        display::aliases(&ctx.api, ids, 8).await
    } else {
        HashMap::new()
    };
    output::emit_list(ctx.output, &items, &["type", "id", "title"], || {
        let rows = items
            .iter()
            .map(|i| match i {
                ContentItem::Collection(c) => vec![
                    "collection".into(),
                    c.id.to_string(),
                    aliases.get(&c.id).cloned().unwrap_or_default(),
                    opt(&c.title),
                    String::new(),
                ],
                ContentItem::Dataset(d) => vec![
                    "dataset".into(),
                    opt(&d.id),
                    d.persistent_id().unwrap_or_default(),
                    String::new(),
                    d.publication_date.clone().unwrap_or_else(|| "draft".into()),
                ],
                ContentItem::Other(v) => vec![
                    v.get("type")
                        .and_then(|t| t.as_str())
                        .unwrap_or("?")
                        .to_string(),
                    v.get("id").map(|i| i.to_string()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            })
            .collect();
        output::grid(
            "no items",
            &[
                Col::id("type"),
                Col::id("id"),
                Col::id("alias / persistent id"),
                Col::text("title"),
                Col::id("published"),
            ],
            rows,
        )
    })
}
