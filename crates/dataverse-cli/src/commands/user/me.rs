//! `dv user me`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// `dv user me` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Show the user the token belongs to.
pub(crate) async fn execute(ctx: &Context, _args: Args) -> CliResult {
    let u = ctx.api.get_user().await?;
    output::emit(ctx.output, &u, || {
        output::pairs(vec![
            ("id", opt(&u.id)),
            ("identifier", opt(&u.identifier)),
            ("name", opt(&u.display_name)),
            ("email", opt(&u.email)),
            ("affiliation", opt(&u.affiliation)),
            ("superuser", yes(u.superuser)),
            ("deactivated", yes(u.deactivated)),
            ("created", opt(&u.created_time)),
            ("last API use", opt(&u.last_api_use_time)),
        ])
    })
}
