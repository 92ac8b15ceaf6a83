//! `dv collection assignments ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv collection assignments`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the role assignments on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_collection_assignments(args.id.as_str()).await?;
    output::emit(ctx.output, &list, || {
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
        output::table(&["id", "assignee", "role", "role name", "on"], rows)
    })
}
