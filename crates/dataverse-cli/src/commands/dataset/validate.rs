//! `dv dataset validate --collection C --json FILE`

use std::path::PathBuf;

use dataverse_client::models::metadata::{DatasetCreateBody, MetadataProblem};
use serde::Serialize;

use super::display::problems_summary;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::input::read_body;
use crate::output;
use crate::progress::Spinner;

/// `dv dataset validate`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection: alias, numeric id or :root.
    #[arg(long, value_name = "C")]
    pub collection: String,
    /// The create body (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,
}

/// What `validate` prints: the server's verdict and the local pre-flight's problems.
#[derive(Serialize)]
struct ValidationReport {
    valid: bool,
    message: String,
    preflight: Vec<MetadataProblem>,
}

/// Check locally and by the server at once; exit 1 when the server finds it not valid.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args { collection, json } = args;
    let api = &ctx.api;
    let body: DatasetCreateBody = read_body(&json, "dataset create body")?;
    let spinner = Spinner::new(ctx.quiet);
    spinner.set_message("validating".into());
    let (problems, verdict) = tokio::join!(
        api.preflight_dataset(&body),
        api.validate_dataset_json(collection.as_str(), &body)
    );
    spinner.finish();
    let problems = problems?;
    let verdict = verdict?;
    if !problems.is_empty() && !ctx.quiet {
        // The list itself is in the JSON output (`preflight`), and on stderr with -v.
        eprintln!("dv: {}", problems_summary(&problems, ctx.verbose));
    }
    let report = ValidationReport {
        valid: verdict.valid,
        message: verdict.message.clone(),
        preflight: problems,
    };
    output::emit(ctx.output, &report, || {
        let word = if report.valid { "valid" } else { "invalid" };
        output::line(&format!("{word}: {}", report.message.trim()))
    })?;
    if !report.valid {
        return Err(CliError::Incomplete(format!(
            "the server found {} not valid for collection {collection}",
            json.display()
        )));
    }
    Ok(())
}
