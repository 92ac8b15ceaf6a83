//! `dv metadatablocks show NAME`

use dataverse_client::models::metadatablocks::FieldType;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt, yes};

/// `dv metadatablocks show`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Block name, e.g. citation.
    pub name: String,
}

/// Show one block's fields, children indented under their parent.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let block = ctx.api.get_metadatablock(&args.name).await?;
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
        output::grid(
            "no fields",
            &[
                Col::id("field"),
                Col::text("title"),
                Col::id("type"),
                Col::id("class").optional(2),
                Col::id("multiple").optional(3),
                Col::id("required"),
                Col::id("vocabulary").optional(1),
            ],
            rows,
        )
    })
}

/// One row for `f`, then its children's, indented by `depth`.
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
