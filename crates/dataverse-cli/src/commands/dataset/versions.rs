//! `dv dataset versions ID`

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// `dv dataset versions`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
}

/// List a dataset's versions, newest first (CSV: one flat row per version).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let list = ctx.api.get_dataset_versions(args.id.as_str()).await?;
    if ctx.output == OutputFormat::Csv {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|v| {
                serde_json::json!({
                    "version": v.version_label(),
                    "state": v.version_state,
                    "release_time": v.release_time,
                    "last_update_time": v.last_update_time,
                })
            })
            .collect();
        if rows.is_empty() {
            return output::line("version,state,release_time,last_update_time");
        }
        return output::csv(&rows);
    }
    output::emit(ctx.output, &list, || {
        let rows = list
            .iter()
            .map(|v| {
                let label = v.version_label();
                // A draft's label is its state already: show it once.
                let state = opt(&v.version_state);
                let state = if state == label { String::new() } else { state };
                vec![label, state, opt(&v.release_time), opt(&v.last_update_time)]
            })
            .collect();
        output::grid(
            "no versions",
            &[
                Col::id("version"),
                Col::id("state"),
                Col::id("released"),
                Col::id("last update").optional(1),
            ],
            rows,
        )
    })
}
