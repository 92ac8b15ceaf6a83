//! `dv dataset template [--collection C]`

use dataverse_client::models::metadata::required_fields_template;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset template`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dv dataset template > dataset.json                          # the blocks of :root
  dv dataset template --collection research-lab > dataset.json
  dv dataset create --collection research-lab --json dataset.json   # once every <...> is filled in")]
pub struct Args {
    /// The collection whose metadata blocks to use: alias, numeric id or :root.
    #[arg(long, value_name = "C", default_value = ":root")]
    pub collection: String,
}

/// Print a create body holding the required fields of the collection's blocks, with
/// `<placeholder>` values (always JSON: it is meant for `dv dataset create --json`).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let blocks = ctx
        .api
        .get_collection_metadatablocks(args.collection.as_str())
        .await?;
    output::json(&required_fields_template(&blocks))
}
