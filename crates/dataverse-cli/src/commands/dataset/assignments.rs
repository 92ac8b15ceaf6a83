//! `dv dataset assignments ID`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

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
    output::emit(ctx.output, &list, || {
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
        output::table(&["id", "assignee", "role", "role name"], rows)
    })
}
