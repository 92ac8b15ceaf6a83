//! `dv dataset download-size ID [--version V] [--mode all|original|archival] [filters]`

use dataverse_client::Version;
use dataverse_client::api::access::{DownloadSizeMode, DownloadSizeQuery};
use serde_json::json;

use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output;

/// `dv dataset download-size`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset id or PID.
    pub id: String,
    /// The version (:latest, :latest-published, :draft, N or N.M).
    #[arg(long, value_name = "V", default_value = ":latest")]
    pub version: String,
    /// Ingested tables counted with both sizes (all), the original only, or the .tab only
    /// (archival).
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// Only files of this content type.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Only files with this access status (Public, Restricted, ...).
    #[arg(long, value_name = "STATUS")]
    pub access_status: Option<String>,
    /// Only files in this category.
    #[arg(long, value_name = "NAME")]
    pub category: Option<String>,
    /// Only files whose name or description contain this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Count a deaccessioned version too.
    #[arg(long)]
    pub include_deaccessioned: bool,
}

/// Print the total size a download of the version would bring.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let version = Version::parse(&args.version).map_err(|e| CliError::Usage(api_line(&e)))?;
    let mode = args
        .mode
        .as_deref()
        .map(str::parse::<DownloadSizeMode>)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let query = DownloadSizeQuery {
        mode,
        content_type: args.content_type,
        access_status: args.access_status,
        category_name: args.category,
        search_text: args.search,
        include_deaccessioned: args.include_deaccessioned,
        ..Default::default()
    };
    let size = ctx
        .api
        .get_dataset_download_size(args.id.as_str(), version, &query)
        .await?;
    let v =
        json!({ "dataset": args.id, "storageSize": size.storage_size, "message": size.message });
    output::emit(ctx.output, &v, || {
        output::line(&format!(
            "{} ({} bytes)",
            output::human_size(size.storage_size),
            size.storage_size
        ))
    })
}
