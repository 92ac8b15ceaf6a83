//! `dv dataset create --collection C --json FILE`

use std::path::PathBuf;

use dataverse_client::models::metadata::DatasetCreateBody;

use super::display::problems_summary;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::input::read_body;
use crate::output;
use crate::progress::Spinner;

/// `dv dataset create`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection: alias, numeric id or :root.
    #[arg(long, value_name = "C")]
    pub collection: String,
    /// The create body (`{"datasetVersion": {...}}`; `-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,
    /// Import under this existing PID instead of minting one (superusers only).
    #[arg(long, value_name = "PID")]
    pub pid: Option<String>,
    /// With --pid: release the imported dataset as 1.0.
    #[arg(long, requires = "pid")]
    pub publish: bool,
    /// Send the body without checking it first against the blocks the collection offers
    /// (its input levels included).
    #[arg(long)]
    pub no_preflight: bool,
}

/// Check the body against what the collection offers (unless told not to), then create.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    let body: DatasetCreateBody = read_body(&args.json, "dataset create body")?;
    if !args.no_preflight {
        let spinner = Spinner::new(ctx.quiet);
        spinner.set_message("checking the metadata against the collection's blocks".into());
        let problems = api
            .preflight_dataset_in(args.collection.as_str(), &body)
            .await;
        spinner.finish();
        let problems = problems?;
        if !problems.is_empty() {
            return Err(CliError::Usage(format!(
                "{}; nothing was sent (--no-preflight skips this check)",
                problems_summary(&problems, ctx.verbose)
            )));
        }
    }
    let created = api
        .create_dataset(
            args.collection.as_str(),
            &body,
            args.pid.as_deref(),
            args.publish,
        )
        .await?;
    output::emit(ctx.output, &created, || {
        let mut rows = vec![
            ("id", created.id.to_string()),
            ("persistent id", created.persistent_id.clone()),
        ];
        if let Some(done) = created.release_completed {
            rows.push(("released", output::yes(Some(done))));
        }
        output::pairs(rows)
    })
}
