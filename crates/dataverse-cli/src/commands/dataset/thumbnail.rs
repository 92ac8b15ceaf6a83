//! `dv dataset thumbnail DATASET [--logo] [-O FILE.png]`: the image that stands for a
//! dataset (48 pixels; `--logo`: its logo, 140 pixels), to `-O` or stdout.

use crate::context::Context;
use crate::error::CliResult;

/// `dv dataset thumbnail`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset id or PID.
    pub id: String,
    /// The logo (larger) instead of the thumbnail.
    #[arg(long)]
    pub logo: bool,
}

/// Fetch the image and write it.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let png = if args.logo {
        ctx.api.get_dataset_logo(args.id.as_str()).await?
    } else {
        ctx.api.get_dataset_thumbnail(args.id.as_str()).await?
    };
    crate::output::write_out(ctx.out.as_deref(), &png)
}
