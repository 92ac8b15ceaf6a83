//! `dv dataset citation ID [--version V] [--include-deaccessioned]`

use dataverse_client::Version;

use crate::context::Context;
use crate::error::CliResult;
use crate::html_text;
use crate::output;

/// `dv dataset citation`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Which version: :latest (default; the draft if you may see it), :latest-published,
    /// :draft, or a number such as 1.0.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// Also find a deaccessioned version.
    #[arg(long)]
    pub include_deaccessioned: bool,
}

/// Print a version's citation as Dataverse formats it: as text on a terminal, the
/// server's HTML in `message` with `-o json`.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let version = args
        .version
        .as_deref()
        .map(Version::parse)
        .transpose()?
        .unwrap_or_default();
    let html = ctx
        .api
        .get_dataset_citation(args.id.as_str(), version, args.include_deaccessioned)
        .await?;
    print(ctx, &html)
}

/// The citation: text in a table, `{"message": html}` as data.
pub(crate) fn print(ctx: &Context, html: &str) -> CliResult {
    let v = serde_json::json!({ "message": html });
    output::emit(ctx.output, &v, || output::line(&html_text::to_text(html)))
}
