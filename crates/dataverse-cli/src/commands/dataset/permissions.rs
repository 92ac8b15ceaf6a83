//! `dv dataset permissions ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, yes};

/// `dv dataset permissions`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
}

/// What the caller (the token's user, or a guest without one) may do on a dataset.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let p = ctx
        .api
        .get_dataset_user_permissions(args.id.as_str())
        .await?;
    output::emit(ctx.output, &p, || {
        output::pairs(vec![
            ("view draft", yes(Some(p.can_view_unpublished_dataset))),
            ("edit", yes(Some(p.can_edit_dataset))),
            ("publish", yes(Some(p.can_publish_dataset))),
            (
                "manage permissions",
                yes(Some(p.can_manage_dataset_permissions)),
            ),
            ("delete draft", yes(Some(p.can_delete_dataset_draft))),
        ])
    })
}
