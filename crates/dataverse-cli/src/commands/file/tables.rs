//! `dv file tables FILE`: the variables of an ingested file with their summary statistics.

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file tables`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
}

/// Print the file's data tables (JSON: as the server sent them).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let tables = ctx.api.get_file_data_tables(args.id.as_str()).await?;
    output::emit(ctx.output, &tables, || {
        let stat = |s: &Option<serde_json::Map<String, serde_json::Value>>, k: &str| {
            s.as_ref()
                .and_then(|m| m.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let mut rows = Vec::new();
        for t in &tables {
            for v in &t.data_variables {
                let s = &v.summary_statistics;
                rows.push(vec![
                    v.name.clone(),
                    output::opt(&v.variable_format_type),
                    output::opt(&v.variable_interval_type),
                    stat(s, "vald"),
                    stat(s, "min"),
                    stat(s, "max"),
                    stat(s, "mean"),
                    stat(s, "stdev"),
                ]);
            }
        }
        output::table(
            &[
                "VARIABLE", "TYPE", "INTERVAL", "VALID", "MIN", "MAX", "MEAN", "STDEV",
            ],
            rows,
        )
    })
}
