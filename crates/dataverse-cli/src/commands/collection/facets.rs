//! `dv collection facets ID [--details]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// `dv collection facets`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// With ids and display names.
    #[arg(long)]
    pub details: bool,
}

/// List a collection's search facets.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    if args.details {
        let list = api.get_collection_facet_details(args.id.as_str()).await?;
        output::emit_list(ctx.output, &list, &["id", "name", "displayName"], || {
            let rows = list
                .iter()
                .map(|f| vec![opt(&f.id), f.name.clone(), opt(&f.display_name)])
                .collect();
            output::grid(
                "no facets",
                &[Col::id("id"), Col::id("name"), Col::text("display name")],
                rows,
            )
        })
    } else {
        let list = api.get_collection_facets(args.id.as_str()).await?;
        output::emit_list(ctx.output, &list, &["value"], || {
            output::grid(
                "no facets",
                &[Col::id("facet")],
                list.iter().map(|f| vec![f.clone()]).collect(),
            )
        })
    }
}
