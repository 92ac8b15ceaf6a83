//! `dv file citation ID [--version V] [--include-deaccessioned]`

use dataverse_client::Version;

use crate::commands::dataset::citation::print;
use crate::context::Context;
use crate::error::CliResult;

/// `dv file citation`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric file id or file PID.
    pub id: String,
    /// Which version of its dataset: :latest (default), :latest-published, :draft, or a
    /// number such as 1.0.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// Also find a deaccessioned version.
    #[arg(long)]
    pub include_deaccessioned: bool,
}

/// Print a file's citation (the dataset's, naming the file).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let version = args
        .version
        .as_deref()
        .map(Version::parse)
        .transpose()?
        .unwrap_or_default();
    let html = ctx
        .api
        .get_datafile_citation(args.id.as_str(), version, args.include_deaccessioned)
        .await?;
    print(ctx, &html)
}
