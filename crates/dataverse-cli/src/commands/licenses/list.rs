//! `dv licenses list`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// `dv licenses list` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// List the licenses the installation offers.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let list = ctx.api.get_available_licenses().await?;
    output::emit(ctx.output, &list, || {
        let rows = list
            .iter()
            .map(|l| {
                vec![
                    opt(&l.id),
                    l.name.clone(),
                    opt(&l.uri),
                    yes(l.active),
                    yes(l.is_default),
                ]
            })
            .collect();
        output::table(&["id", "name", "uri", "active", "default"], rows)
    })
}
