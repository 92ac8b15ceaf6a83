//! Printing: tables for people, JSON for programs; files written whole or not at all.

use std::io::Write;
use std::path::Path;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{CliError, CliResult};

/// Print `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))?;
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
    line(&table_text(header, rows))
}

/// [`table`] as text.
pub fn table_text(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    for r in rows {
        t.add_row(r);
    }
    t.to_string()
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

/// Print `value` in `format`; `table` prints the table form.
///
/// NDJSON prints each element of an array on its own line (anything else on one line);
/// CSV prints an array of objects as rows (an object as one row) under a header of all
/// their keys, nested values as JSON text.
pub fn emit<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> CliResult,
) -> CliResult {
    match format {
        OutputFormat::Json => json(value),
        OutputFormat::Table => table(),
        OutputFormat::Ndjson => match to_value(value)? {
            serde_json::Value::Array(items) => {
                for item in items {
                    ndjson_line(&item)?;
                }
                Ok(())
            }
            other => ndjson_line(&other),
        },
        OutputFormat::Csv => {
            let rows = match to_value(value)? {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            csv(&rows)
        }
        OutputFormat::Parquet => Err(CliError::Usage(
            "Parquet output is only for `dv dataset files`".into(),
        )),
    }
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> CliResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))
}

/// One compact JSON line.
pub fn ndjson_line<T: Serialize + ?Sized>(value: &T) -> CliResult {
    let text = serde_json::to_string(value)
        .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))?;
    line(&text)
}

/// Rows of JSON values as CSV: the header is every key in first-seen order.
pub fn csv(rows: &[serde_json::Value]) -> CliResult {
    line(&csv_text(rows))
}

/// [`csv`] as text (no final line break).
pub fn csv_text(rows: &[serde_json::Value]) -> String {
    let mut header: Vec<String> = Vec::new();
    for r in rows {
        match r {
            serde_json::Value::Object(o) => {
                for k in o.keys() {
                    if !header.contains(k) {
                        header.push(k.clone());
                    }
                }
            }
            _ => {
                if !header.iter().any(|h| h == "value") {
                    header.push("value".into());
                }
            }
        }
    }
    let mut out = header
        .iter()
        .map(|h| csv_cell(h))
        .collect::<Vec<_>>()
        .join(",");
    for r in rows {
        out.push('\n');
        let cells: Vec<String> = header
            .iter()
            .map(|h| {
                let v = match r {
                    serde_json::Value::Object(o) => o.get(h),
                    other if h == "value" => Some(other),
                    _ => None,
                };
                csv_cell(&match v {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
            })
            .collect();
        out.push_str(&cells.join(","));
    }
    out
}

/// One CSV cell, quoted when it holds a comma, a quote or a line break.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A server's message: `{"message": ...}` as data, the text itself in a table.
pub fn message(format: OutputFormat, text: &str) -> CliResult {
    let v = serde_json::json!({ "message": text });
    emit(format, &v, || line(text))
}

/// Write `bytes` to a temporary file next to `path`, then rename it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| CliError::io_at(format!("cannot write {}", path.display()), e);
    if !dir.is_dir() {
        return Err(CliError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "cannot write {}: the directory {} does not exist",
                path.display(),
                dir.display()
            ),
        )));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dv-export-");
    // Keep the mode of a file being replaced; a new file gets the usual mode (0666 less
    // the umask) rather than the temporary file's 0600.
    match std::fs::metadata(path) {
        Ok(meta) => {
            builder.permissions(meta.permissions());
        }
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
        }
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// `Some(x)` as text, `None` as empty.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// `n` and a noun, in the plural unless `n` is 1: `1 dataset`, `2 datasets`, `0 items`
/// (for nouns whose plural adds an `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A yes/no cell.
pub fn yes(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn counts_have_their_plural() {
        assert_eq!(super::count(0, "item"), "0 items");
        assert_eq!(super::count(1, "collection"), "1 collection");
        assert_eq!(super::count(2, "dataset"), "2 datasets");
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }
}
