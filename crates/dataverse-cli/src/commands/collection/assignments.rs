//! `dv collection assignments ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, ASSIGNMENT_KEYS, Col, opt};

/// `dv collection assignments`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the role assignments on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_collection_assignments(args.id.as_str()).await?;
    output::emit_list(ctx.output, &list, ASSIGNMENT_KEYS, || {
        let rows = list
            .iter()
            .map(|a| {
                vec![
                    opt(&a.id),
                    a.assignee.clone(),
                    opt(&a.role_alias),
                    opt(&a.role_name),
                    opt(&a.definition_point_name),
                ]
            })
            .collect();
        output::grid(
            "no role assignments",
            &[
                Col::id("id"),
                Col::id("assignee"),
                Col::id("role"),
                Col::text("role name").optional(1),
                Col::text("on"),
            ],
            rows,
        )
    })
}
