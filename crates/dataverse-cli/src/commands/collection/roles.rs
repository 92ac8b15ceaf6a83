//! `dv collection roles ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// The JSON keys of a role (the CSV header of an empty list).
const ROLE_KEYS: &[&str] = &[
    "id",
    "alias",
    "name",
    "description",
    "permissions",
    "ownerId",
];

/// `dv collection roles`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the roles defined on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_dataverse_roles(args.id.as_str()).await?;
    output::emit_list(ctx.output, &list, ROLE_KEYS, || {
        let rows = list
            .iter()
            .map(|r| {
                vec![
                    opt(&r.id),
                    r.alias.clone(),
                    opt(&r.name),
                    r.permissions.join(", "),
                ]
            })
            .collect();
        output::grid(
            "no roles",
            &[
                Col::id("id"),
                Col::id("alias"),
                Col::text("name"),
                Col::text("permissions").optional(1),
            ],
            rows,
        )
    })
}
