//! `dv metadatablocks list [--full]|show NAME`

use dataverse_client::MetadataBlocks;
use dataverse_client::models::metadatablocks::FieldType;

use crate::cli::MetadatablocksCommand;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// Run `dv metadatablocks ...`.
pub async fn run(cmd: MetadatablocksCommand, ctx: &Context) -> CliResult {
    match cmd {
        MetadatablocksCommand::List { full } => {
            let blocks = ctx.api.get_metadatablocks(full).await?;
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
                    output::table(&["id", "name", "display name", "on create"], rows)
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
                    output::table(
                        &[
                            "id",
                            "name",
                            "display name",
                            "top-level fields",
                            "all fields",
                        ],
                        rows,
                    )
                }
            })
        }
        MetadatablocksCommand::Show { name } => {
            let block = ctx.api.get_metadatablock(&name).await?;
            output::emit(ctx.output, &block, || {
                let mut rows = Vec::new();
                for f in block.fields.values() {
                    push_rows(&mut rows, f, 0);
                }
                output::line(&format!(
                    "{} ({})",
                    block.display_name.as_deref().unwrap_or(&block.name),
                    block.name
                ))?;
                output::table(
                    &[
                        "field",
                        "title",
                        "type",
                        "class",
                        "multiple",
                        "required",
                        "vocabulary",
                    ],
                    rows,
                )
            })
        }
    }
}

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

fn push_rows(rows: &mut Vec<Vec<String>>, f: &FieldType, depth: usize) {
    rows.push(vec![
        format!("{}{}", "  ".repeat(depth), f.name),
        opt(&f.title),
        opt(&f.field_type),
        opt(&f.type_class),
        yes(f.multiple),
        yes(f.is_required),
        f.controlled_vocabulary_values
            .as_ref()
            .map(|v| format!("{} values", v.len()))
            .unwrap_or_default(),
    ]);
    if let Some(children) = &f.child_fields {
        for c in children.values() {
            push_rows(rows, c, depth + 1);
        }
    }
}
