//! `dv metadatablocks list [--full]`

use dataverse_client::MetadataBlocks;
use dataverse_client::models::metadatablocks::FieldType;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt, yes};

/// `dv metadatablocks list`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fetch every block's complete definition (one request per block, concurrently).
    #[arg(long)]
    pub full: bool,
}

/// List the blocks (with `--full`, with their field counts).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let blocks = ctx.api.get_metadatablocks(args.full).await?;
    if let MetadataBlocks::Brief(list) = &blocks
        && list.is_empty()
        && ctx.output == OutputFormat::Csv
    {
        return output::line("id,name,displayName,displayOnCreate");
    }
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
            let rows = map
                .values()
                .map(|b| {
                    vec![
                        opt(&b.id),
                        b.name.clone(),
                        opt(&b.display_name),
                        b.fields.len().to_string(),
                        count_fields(b.fields.values()).to_string(),
                    ]
                })
                .collect();
            output::grid(
                "no metadata blocks",
                &[
                    Col::id("id").optional(1),
                    Col::id("name"),
                    Col::text("display name"),
                    Col::id("top-level fields"),
                    Col::id("all fields"),
                ],
                rows,
            )
        }
    })
}

/// Fields with all their child fields.
fn count_fields<'a>(fields: impl Iterator<Item = &'a FieldType>) -> usize {
    fields
        .map(|f| {
            1 + f
                .child_fields
                .as_ref()
                .map_or(0, |c| count_fields(c.values()))
        })
        .sum()
}
