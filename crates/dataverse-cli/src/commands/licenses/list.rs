//! `dv licenses list`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt, yes};

/// The JSON keys of a license (the CSV header of an empty list).
const LICENSE_KEYS: &[&str] = &[
    "id",
    "name",
    "shortDescription",
    "uri",
    "iconUrl",
    "active",
    "isDefault",
    "sortOrder",
];

/// `dv licenses list` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// List the licenses the installation offers.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let list = ctx.api.get_available_licenses().await?;
    output::emit_list(ctx.output, &list, LICENSE_KEYS, || {
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
        output::grid(
            "no licenses",
            &[
                Col::id("id").optional(2),
                Col::id("name"),
                Col::id("uri"),
                Col::id("active").optional(1),
                Col::id("default"),
            ],
            rows,
        )
    })
}
