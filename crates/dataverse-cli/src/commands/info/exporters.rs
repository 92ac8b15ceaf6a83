//! `dv info exporters`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt, yes};

/// `dv info exporters` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// List the metadata export formats.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let formats = ctx.api.get_export_formats().await?;
    output::emit(ctx.output, &formats, || {
        let rows = formats
            .iter()
            .map(|(name, e)| {
                vec![
                    name.clone(),
                    opt(&e.display_name),
                    opt(&e.media_type),
                    yes(e.is_harvestable),
                    yes(e.is_visible_in_user_interface),
                ]
            })
            .collect();
        output::grid(
            "no export formats",
            &[
                Col::id("name"),
                Col::text("display name"),
                Col::id("media type"),
                Col::id("harvestable").optional(1),
                Col::id("in UI").optional(2),
            ],
            rows,
        )
    })
}
