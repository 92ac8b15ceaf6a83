//! `dv dataset metadata ID --jsonld [--version V] [--triples]`,
//! `dv dataset metadata ID --set FILE.jsonld [--replace]`,
//! `dv dataset metadata ID --delete FILE.jsonld`: the semantic (JSON-LD) metadata API.

use std::path::PathBuf;

use dataverse_client::Version;
use dataverse_client::models::jsonld::jsonld_triples;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::input::read_json;
use crate::output;

/// `dv dataset metadata`
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["jsonld", "set", "delete"])))]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Print the version's metadata as JSON-LD (the OAI-ORE aggregation, with its
    /// `@context` inline).
    #[arg(long)]
    pub jsonld: bool,
    /// With --jsonld: which version (:latest, the default; :draft, :latest-published, 1.0).
    #[arg(long, value_name = "V", requires = "jsonld")]
    pub version: Option<String>,
    /// With --jsonld: print the RDF triples (N-Triples) the JSON-LD expands to instead.
    #[arg(long, requires = "jsonld")]
    pub triples: bool,
    /// Add the metadata of a JSON-LD file (`-` for stdin) to the draft; values are
    /// appended to multi-valued fields.
    #[arg(long, value_name = "FILE.jsonld")]
    pub set: Option<PathBuf>,
    /// With --set: replace the fields the file names instead of adding to them.
    #[arg(long, requires = "set")]
    pub replace: bool,
    /// Delete from the draft every field a JSON-LD file (`-` for stdin) names.
    #[arg(long, value_name = "FILE.jsonld")]
    pub delete: Option<PathBuf>,
}

/// Read, write or delete metadata as JSON-LD.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    let id = args.id.as_str();
    if args.replace && args.set.is_none() {
        return Err(CliError::Usage("--replace goes with --set FILE".into()));
    }
    if (args.version.is_some() || args.triples) && !args.jsonld {
        return Err(CliError::Usage(
            "--version and --triples go with --jsonld".into(),
        ));
    }
    if args.jsonld {
        let version = args
            .version
            .as_deref()
            .map(Version::parse)
            .transpose()
            .map_err(|e| CliError::Usage(api_line(&e)))?;
        let doc = api.get_dataset_jsonld(id, version).await?;
        if args.triples {
            for t in jsonld_triples(&doc)? {
                output::line(&t.to_string())?;
            }
            return Ok(());
        }
        return output::json(&doc);
    }
    let (path, done) = match (&args.set, &args.delete) {
        (Some(path), _) => {
            let doc = read_json(path)?;
            (
                path,
                api.update_dataset_jsonld(id, &doc, args.replace).await?,
            )
        }
        (None, Some(path)) => {
            let doc = read_json(path)?;
            (path, api.delete_dataset_jsonld(id, &doc).await?)
        }
        (None, None) => {
            return Err(CliError::Usage(
                "say what to do: --jsonld, --set FILE or --delete FILE".into(),
            ));
        }
    };
    let what = if done.created {
        "a new draft was created"
    } else {
        "the draft was updated"
    };
    match ctx.output {
        OutputFormat::Table => output::line(&format!(
            "{id}: {what} from {} ({})",
            path.display(),
            done.date
        )),
        format => output::emit(format, &done.raw, || Ok(())),
    }
}
