//! `dv collection update ID`

use super::display::show;
use super::fields::CollectionFields;
use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection update`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// The fields, from flags.
    #[command(flatten)]
    pub fields: CollectionFields,
}

/// Change the fields given.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let body = args.fields.update_body()?;
    let c = ctx.api.update_collection(args.id.as_str(), &body).await?;
    output::emit(ctx.output, &c, || show(&c))
}
