//! `dv file thumbnail FILE [--size N] [-O FILE.png]`: an image file's PNG thumbnail (its
//! longest side `--size` pixels, 64 by default), to `-O` or stdout. Not counted as a
//! download.

use crate::context::Context;
use crate::error::CliResult;

/// `dv file thumbnail`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// Pixels on the longest side (the server's default, 64, when absent).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub size: Option<u32>,
}

/// Fetch the thumbnail and write it.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let png = ctx
        .api
        .get_datafile_thumbnail(args.id.as_str(), args.size)
        .await?;
    crate::output::write_out(ctx.out.as_deref(), &png)
}
