//! `dv collection metadatablocks ID [--fields] [--on-create] [--set NAMES] [--root BOOL]`

use dataverse_client::MetadataBlocks;
use dataverse_client::models::metadatablocks::FieldType;

use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, Col, opt, yes};

/// `dv collection metadatablocks`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// With each block's fields as the collection sets them up (required, shown on create).
    #[arg(long, conflicts_with_all = ["set", "root"])]
    pub fields: bool,
    /// Only blocks (and fields) shown on the create form or required.
    #[arg(long, conflicts_with_all = ["set", "root"])]
    pub on_create: bool,
    /// Give the collection its own blocks (names or ids, comma-separated); it becomes a
    /// metadata-block root.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAMES",
        conflicts_with = "root"
    )]
    pub set: Vec<String>,
    /// Make the collection a metadata-block root (true) or inherit its parent's blocks
    /// again (false).
    #[arg(long, value_name = "BOOL")]
    pub root: Option<bool>,
}

/// List (or set) the blocks a collection offers.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    if !args.set.is_empty() {
        let names: Vec<&str> = args.set.iter().map(|s| s.trim()).collect();
        if names.iter().any(|n| n.is_empty()) {
            return Err(CliError::Usage("--set has an empty block name".into()));
        }
        let m = api
            .set_collection_metadatablocks(args.id.as_str(), &names)
            .await?;
        return output::message(ctx.output, &m);
    }
    if let Some(root) = args.root {
        let m = api
            .set_collection_metadatablocks_root(args.id.as_str(), root)
            .await?;
        return output::message(ctx.output, &m);
    }
    let blocks = api
        .list_collection_metadatablocks(args.id.as_str(), args.on_create, args.fields)
        .await?;
    output::emit(ctx.output, &blocks, || match &blocks {
        MetadataBlocks::Brief(list) => {
            let rows = list
                .iter()
                .map(|b| {
                    vec![
                        opt(&b.id),
                        b.name.clone(),
                        opt(&b.display_name),
                        yes(b.display_on_create),
                    ]
                })
                .collect();
            output::grid(
                "no metadata blocks",
                &[
                    Col::id("id").optional(1),
                    Col::id("name"),
                    Col::text("display name"),
                    Col::id("on create"),
                ],
                rows,
            )
        }
        MetadataBlocks::Full(map) => {
            let mut rows = Vec::new();
            for b in map.values() {
                for f in b.fields.values() {
                    push_rows(&mut rows, &b.name, f, 0);
                }
            }
            output::grid(
                "no metadata blocks",
                &[
                    Col::id("block"),
                    Col::id("field"),
                    Col::text("title"),
                    Col::id("required"),
                    Col::id("on create"),
                ],
                rows,
            )
        }
    })
}

/// One row per field, children indented under their parent.
fn push_rows(rows: &mut Vec<Vec<String>>, block: &str, f: &FieldType, depth: usize) {
    rows.push(vec![
        block.to_string(),
        format!("{}{}", "  ".repeat(depth), f.name),
        opt(&f.title),
        yes(f.is_required),
        yes(f.display_on_create),
    ]);
    for c in f.child_fields.iter().flat_map(|c| c.values()) {
        push_rows(rows, block, c, depth + 1);
    }
}
