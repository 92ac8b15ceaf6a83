//! `dv collection facets ID [--details]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

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
        output::emit(ctx.output, &list, || {
            let rows = list
                .iter()
                .map(|f| vec![opt(&f.id), f.name.clone(), opt(&f.display_name)])
                .collect();
            output::table(&["id", "name", "display name"], rows)
        })
    } else {
        let list = api.get_collection_facets(args.id.as_str()).await?;
        output::emit(ctx.output, &list, || {
            output::table(&["facet"], list.iter().map(|f| vec![f.clone()]).collect())
        })
    }
}
