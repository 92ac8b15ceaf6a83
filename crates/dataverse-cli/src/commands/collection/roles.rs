//! `dv collection roles ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv collection roles`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// List the roles defined on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_dataverse_roles(args.id.as_str()).await?;
    output::emit(ctx.output, &list, || {
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
        output::table(&["id", "alias", "name", "permissions"], rows)
    })
}
