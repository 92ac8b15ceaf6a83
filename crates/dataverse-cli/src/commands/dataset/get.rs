//! `dv dataset get ID... [--version V]`

use std::sync::Arc;

use dataverse_client::models::datasets::Dataset;
use dataverse_client::{PersistentOrId, Version};
use futures_util::{StreamExt, stream};

use super::display::emit_datasets;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::progress::Spinner;

/// Requests at once for `get --version` over several datasets.
const GET_CONCURRENCY: usize = 8;

/// `dv dataset get`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric ids or PIDs.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Which version: :latest (default), :latest-published, :draft, N or N.M.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
}

/// Read the datasets concurrently; print the successes, report each failure.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args { ids, version } = args;
    let version = version
        .as_deref()
        .map(Version::parse)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let total = ids.len();
    let spinner = Spinner::new(ctx.quiet || total < 2);
    spinner.set_message(format!("0/{total} datasets"));
    let results: Vec<dataverse_client::Result<Dataset>> = match version {
        None => {
            let s = spinner.clone();
            let progress: dataverse_client::api::datasets::BulkProgress =
                Arc::new(move |done, total| s.set_message(format!("{done}/{total} datasets")));
            ctx.api
                .get_datasets_with_progress(ids.iter(), Some(progress))
                .await
        }
        Some(v) => {
            let api = &ctx.api;
            let spinner = &spinner;
            let done = &std::sync::atomic::AtomicUsize::new(0);
            let mut indexed: Vec<(usize, dataverse_client::Result<Dataset>)> =
                stream::iter(ids.iter().enumerate().map(|(i, id)| async move {
                    let r = match PersistentOrId::parse(id) {
                        Ok(id) => api.get_dataset(&id, Some(v)).await,
                        Err(e) => Err(e),
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    spinner.set_message(format!("{n}/{total} datasets"));
                    (i, r)
                }))
                .buffer_unordered(GET_CONCURRENCY)
                .collect()
                .await;
            indexed.sort_by_key(|(i, _)| *i);
            indexed.into_iter().map(|(_, r)| r).collect()
        }
    };
    spinner.finish();
    if total == 1 {
        // One dataset: its error is the command's error (a malformed ID is a usage error).
        let ds = results
            .into_iter()
            .next()
            .ok_or_else(|| CliError::Usage("no dataset ID given".into()))??;
        return emit_datasets(ctx.output, &ds, std::slice::from_ref(&ds));
    }
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for (id, r) in ids.iter().zip(results) {
        match r {
            Ok(ds) => found.push(ds),
            Err(e) => failures.push((id, e)),
        }
    }
    emit_datasets(ctx.output, &found, &found)?;
    if failures.is_empty() {
        return Ok(());
    }
    for (id, e) in &failures {
        eprintln!("dv: {id}: {}", api_line(e));
    }
    Err(CliError::Incomplete(format!(
        "{} of {total} datasets could not be read",
        failures.len()
    )))
}
