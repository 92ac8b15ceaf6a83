//! `dv role show ID|ALIAS`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv role show`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The role's numeric id or its alias.
    pub role: String,
}

/// Show a role.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let r = ctx.api.show_role(args.role.as_str()).await?;
    output::emit(ctx.output, &r, || {
        output::pairs(vec![
            ("id", opt(&r.id)),
            ("alias", r.alias.clone()),
            ("name", opt(&r.name)),
            ("description", opt(&r.description)),
            (
                "defined on",
                r.owner_id
                    .map_or_else(|| "built-in".to_string(), |o| o.to_string()),
            ),
            ("permissions", r.permissions.join(", ")),
        ])
    })
}
