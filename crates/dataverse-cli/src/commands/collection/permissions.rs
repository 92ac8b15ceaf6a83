//! `dv collection permissions ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, yes};

/// `dv collection permissions`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
}

/// What the caller (the token's user, or a guest without one) may do on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let p = ctx
        .api
        .get_collection_user_permissions(args.id.as_str())
        .await?;
    output::emit(ctx.output, &p, || {
        output::pairs(vec![
            ("add collections", yes(Some(p.can_add_dataverse))),
            ("add datasets", yes(Some(p.can_add_dataset))),
            (
                "view unpublished",
                yes(Some(p.can_view_unpublished_dataverse)),
            ),
            ("edit", yes(Some(p.can_edit_dataverse))),
            (
                "manage permissions",
                yes(Some(p.can_manage_dataverse_permissions)),
            ),
            ("publish", yes(Some(p.can_publish_dataverse))),
            ("delete", yes(Some(p.can_delete_dataverse))),
        ])
    })
}
