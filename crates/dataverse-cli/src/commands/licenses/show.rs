//! `dv licenses show ID`

use dataverse_client::models::licenses::License;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// `dv licenses show`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id, name ("CC BY 4.0"), rights identifier or unique name prefix.
    pub id: String,
}

/// Show one license.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let l = ctx.api.get_license(args.id.as_str()).await?;
    output::emit(ctx.output, &l, || show(&l))
}

/// A license as key-value pairs.
fn show(l: &License) -> CliResult {
    output::pairs(vec![
        ("id", opt(&l.id)),
        ("name", l.name.clone()),
        ("description", opt(&l.short_description)),
        ("uri", opt(&l.uri)),
        ("icon", opt(&l.icon_url)),
        ("active", yes(l.active)),
        ("default", yes(l.is_default)),
        ("sort order", opt(&l.sort_order)),
        ("rights identifier", opt(&l.rights_identifier)),
        ("scheme", opt(&l.rights_identifier_scheme)),
        ("language", opt(&l.language_code)),
    ])
}
