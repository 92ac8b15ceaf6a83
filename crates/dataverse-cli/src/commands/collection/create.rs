//! `dv collection create`

use super::display::show;
use super::fields::CollectionFields;
use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection create`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The parent collection.
    #[arg(long, default_value = ":root")]
    pub parent: String,
    /// The fields, from flags.
    #[command(flatten)]
    pub fields: CollectionFields,
}

/// Create an unpublished collection under the parent.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let body = args.fields.create_body()?;
    let c = ctx
        .api
        .create_collection(args.parent.as_str(), &body)
        .await?;
    output::emit(ctx.output, &c, || show(&c))
}
