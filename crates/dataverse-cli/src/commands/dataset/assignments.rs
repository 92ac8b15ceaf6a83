//! `dv dataset assignments ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, ASSIGNMENT_KEYS, Col, opt};

/// `dv dataset assignments`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
}

/// List the role assignments on a dataset.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let mut list = ctx.api.get_dataset_assignments(args.id.as_str()).await?;
    // A private URL's token is printed only by `private-url create|show`.
    for a in &mut list {
        a.private_url_token = None;
    }
    output::emit_list(ctx.output, &list, ASSIGNMENT_KEYS, || {
        let rows = list
            .iter()
            .map(|a| {
                vec![
                    opt(&a.id),
                    a.assignee.clone(),
                    opt(&a.role_alias),
                    opt(&a.role_name),
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
            ],
            rows,
        )
    })
}
