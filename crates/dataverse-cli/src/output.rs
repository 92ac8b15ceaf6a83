//! Printing: tables for people, JSON for programs.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{CliError, CliResult};

/// Print `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Io(format!("cannot encode JSON: {e}")))?;
    line(&text)
}

/// Print one line on stdout.
pub fn line(text: &str) -> CliResult {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

/// A table with a header row.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> CliResult {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    for r in rows {
        t.add_row(r);
    }
    line(&t.to_string())
}

/// Key-value pairs as a two-column table.
pub fn pairs(rows: Vec<(&str, String)>) -> CliResult {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v]);
    }
    line(&t.to_string())
}

/// Print `value` as JSON, or run `table` for the table format.
pub fn emit<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> CliResult,
) -> CliResult {
    match format {
        OutputFormat::Json => json(value),
        OutputFormat::Table => table(),
    }
}

/// `Some(x)` as text, `None` as empty.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// A yes/no cell.
pub fn yes(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}
