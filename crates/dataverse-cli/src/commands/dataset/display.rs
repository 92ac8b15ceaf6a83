//! How datasets, and the problems found in a create body, are shown.

use dataverse_client::models::datasets::{Dataset, DatasetVersion};
use dataverse_client::models::metadata::MetadataProblem;
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// The version a dataset answer carries (the requested one, else the latest).
fn version_of(ds: &Dataset) -> Option<&DatasetVersion> {
    ds.dataset_version
        .as_deref()
        .or(ds.latest_version.as_deref())
}

/// Print `value` (a dataset or a list of them): JSON and NDJSON complete, table and CSV
/// as one flat row per dataset.
pub(super) fn emit_datasets<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    list: &[Dataset],
) -> CliResult {
    if format == OutputFormat::Csv {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|ds| {
                let v = version_of(ds);
                serde_json::json!({
                    "id": ds.id,
                    "persistent_id": ds.persistent_id(),
                    "version": v.map(DatasetVersion::version_label),
                    "state": v.and_then(|v| v.version_state.clone()),
                    "title": v.and_then(|v| v.title()),
                })
            })
            .collect();
        if rows.is_empty() {
            return output::line("id,persistent_id,version,state,title");
        }
        return output::csv(&rows);
    }
    output::emit(format, value, || show_datasets(list))
}

/// Datasets as a table: id, PID, version, state, title. A draft's state is its version
/// label already, so the state column is blank for it.
fn show_datasets(list: &[Dataset]) -> CliResult {
    let rows = list
        .iter()
        .map(|ds| {
            let v = version_of(ds);
            let label = v.map(DatasetVersion::version_label).unwrap_or_default();
            let state = v
                .and_then(|v| v.version_state.as_ref())
                .map(ToString::to_string)
                .filter(|s| *s != label)
                .unwrap_or_default();
            vec![
                opt(&ds.id),
                ds.persistent_id().unwrap_or_default(),
                label,
                state,
                v.and_then(|v| v.title()).unwrap_or_default().to_string(),
            ]
        })
        .collect();
    output::grid(
        "no datasets",
        &[
            Col::id("id"),
            Col::id("persistent id"),
            Col::id("version"),
            Col::id("state").optional(1),
            Col::text("title"),
        ],
        rows,
    )
}

/// Pre-flight problems as one line: how many and the first, e.g. `the body has 3
/// problems: citation.author: ... (use -v to list all)`. With `verbose`, every problem is
/// printed on stderr first, one per line, and the summary points at them.
pub(super) fn problems_summary(problems: &[MetadataProblem], verbose: bool) -> String {
    let one_line = |p: &MetadataProblem| {
        p.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    if verbose {
        for p in problems {
            eprintln!("dv: {}", one_line(p));
        }
    }
    match problems {
        [] => "the body has no problems".to_string(),
        [only] if !verbose => format!("the body has 1 problem: {}", one_line(only)),
        [_] => "the body has 1 problem (above)".to_string(),
        [first, ..] if !verbose => format!(
            "the body has {} problems: {} (use -v to list all)",
            problems.len(),
            one_line(first)
        ),
        _ => format!("the body has {} problems (listed above)", problems.len()),
    }
}
