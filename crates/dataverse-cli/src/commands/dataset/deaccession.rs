//! `dv dataset deaccession ID --version V --reason TEXT [--forward-url URL]`

use dataverse_client::Version;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset deaccession`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// The published version to withdraw: :latest-published or a number such as 1.0.
    #[arg(long, value_name = "V")]
    pub version: String,
    /// Why (shown to visitors of the deaccessioned version).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Where the data can be found now.
    #[arg(long, value_name = "URL")]
    pub forward_url: Option<String>,
}

/// Deaccession a published version.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let version = Version::parse(&args.version)?;
    let m = ctx
        .api
        .deaccession_dataset(
            args.id.as_str(),
            version,
            &args.reason,
            args.forward_url.as_deref(),
        )
        .await?;
    output::emit(ctx.output, &m, || output::line(&m.message))
}
