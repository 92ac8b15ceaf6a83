//! `dv guestbook list [COLLECTION] [--inherited] [--stats]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// The JSON keys of a guestbook (the CSV header of an empty list).
const KEYS: &[&str] = &[
    "id",
    "name",
    "enabled",
    "emailRequired",
    "nameRequired",
    "institutionRequired",
    "positionRequired",
    "createTime",
    "dataverseId",
];

/// `dv guestbook list`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    #[arg(default_value = ":root")]
    pub collection: String,
    /// Also the guestbooks of the collections above it.
    #[arg(long)]
    pub inherited: bool,
    /// With how many datasets of the collection use each, and their responses.
    #[arg(long)]
    pub stats: bool,
}

/// List guestbooks.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx
        .api
        .list_guestbooks(args.collection.as_str(), args.inherited, args.stats)
        .await?;
    output::emit_list(ctx.output, &list, KEYS, || {
        let rows = list
            .iter()
            .map(|g| {
                vec![
                    opt(&g.id),
                    opt(&g.name),
                    if g.enabled { "yes" } else { "no" }.to_string(),
                    g.custom_questions.len().to_string(),
                    opt(&g.usage_count),
                    opt(&g.response_count),
                    opt(&g.dataverse_id),
                ]
            })
            .collect();
        output::grid(
            "no guestbooks",
            &[
                Col::id("id"),
                Col::text("name"),
                Col::id("enabled"),
                Col::id("questions"),
                Col::id("datasets").optional(1),
                Col::id("responses").optional(1),
                Col::id("collection").optional(2),
            ],
            rows,
        )
    })
}
