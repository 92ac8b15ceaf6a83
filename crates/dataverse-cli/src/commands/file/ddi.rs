//! `dv file ddi FILE [--exclude E,..] [--include E,..] [--file-metadata-id N]`: an ingested
//! table's DDI codebook (XML: the dataset's citation, the file, its variables with their
//! summary statistics), to stdout or `-O FILE`.

use dataverse_client::api::access::DatafileDdiOptions;

use crate::context::Context;
use crate::error::CliResult;

/// `dv file ddi`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// Leave out these elements (`sumStat`, `location`, `fileDscr`, ...; `*` alone: all
    /// but those --include names).
    #[arg(long, value_name = "E,..", value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Keep these elements.
    #[arg(long, value_name = "E,..", value_delimiter = ',')]
    pub include: Vec<String>,
    /// Describe the file as this file metadata (one version's) has it; default the latest.
    #[arg(long, value_name = "N")]
    pub file_metadata_id: Option<u64>,
}

/// Fetch the DDI and write it.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let mut options = DatafileDdiOptions::new()
        .exclude(args.exclude)
        .include(args.include);
    if let Some(id) = args.file_metadata_id {
        options = options.file_metadata_id(id);
    }
    let xml = ctx.api.get_datafile_ddi(args.id.as_str(), &options).await?;
    let mut bytes = xml.into_bytes();
    if ctx.out.is_none() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    crate::output::write_out(ctx.out.as_deref(), &bytes)
}
