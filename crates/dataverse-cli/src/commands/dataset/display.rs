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

/// Print pre-flight problems on stderr, one per line.
pub(super) fn report_problems(problems: &[MetadataProblem]) {
    for p in problems {
        let text = p.to_string();
        eprintln!(
            "dv: {}",
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
}
