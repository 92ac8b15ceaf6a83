//! `dv collection attribute ID NAME VALUE` (alias, name, description, affiliation,
//! filePIDsEnabled, requireFilesToPublishDataset, allowedDatasetTypes)

use super::display::show;
use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection attribute`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// alias, name, description, affiliation, or (superusers) filePIDsEnabled,
    /// requireFilesToPublishDataset.
    pub name: String,
    /// The new value (true/false for the last two).
    pub value: String,
}

/// Change one attribute; show the collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let c = ctx
        .api
        .set_collection_attribute(args.id.as_str(), &args.name, &args.value)
        .await?;
    output::emit(ctx.output, &c, || show(&c))
}
