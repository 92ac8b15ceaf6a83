//! `dv role list [COLLECTION]`

use dataverse_client::models::roles::Role;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// The JSON keys of a role (the CSV header of an empty list).
pub(crate) const ROLE_KEYS: &[&str] = &[
    "alias",
    "name",
    "permissions",
    "description",
    "id",
    "ownerId",
];

/// `dv role list`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    #[arg(default_value = ":root")]
    pub collection: String,
}

/// List the roles available on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx
        .api
        .get_dataverse_roles(args.collection.as_str())
        .await?;
    print(ctx.output, &list)
}

/// Print roles: a table of id, alias, name, where defined and permissions.
pub(crate) fn print(format: OutputFormat, list: &[Role]) -> CliResult {
    output::emit_list(format, list, ROLE_KEYS, || {
        let rows = list
            .iter()
            .map(|r| {
                vec![
                    opt(&r.id),
                    r.alias.clone(),
                    opt(&r.name),
                    r.owner_id
                        .map_or_else(|| "built-in".to_string(), |o| o.to_string()),
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
                Col::id("defined on"),
                Col::text("permissions").optional(1),
            ],
            rows,
        )
    })
}
