//! `dv file permissions ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, yes};

/// `dv file permissions`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric file id or file PID.
    pub id: String,
}

/// What the caller may do with a file (Dataverse answers signed-in users only).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let p = ctx
        .api
        .get_datafile_user_permissions(args.id.as_str())
        .await?;
    output::emit(ctx.output, &p, || {
        output::pairs(vec![
            ("download", yes(Some(p.can_download_file))),
            (
                "manage permissions",
                yes(Some(p.can_manage_file_permissions)),
            ),
            ("edit dataset", yes(Some(p.can_edit_owner_dataset))),
        ])
    })
}
