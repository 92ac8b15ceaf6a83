//! Printing: tables for people, JSON for programs; files written whole or not at all.

use std::io::{IsTerminal, Write};
use std::path::Path;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{CliError, CliResult};

/// The JSON keys of an assignment (the CSV header of an empty list of
/// collection or dataset role assignments).
pub const ASSIGNMENT_KEYS: &[&str] = &[
    "id",
    "assignee",
    "assigneeName",
    "roleId",
    "roleName",
    "roleDescription",
    "_roleAlias",
    "definitionPointId",
    "definitionPointName",
    "definitionPointType",
    "definitionPointGlobalId",
];

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

/// The width tables must fit: `COLUMNS` when set (as a number), else the terminal's
/// width when stdout is a terminal, else none (no limit). A width of 0 counts as 80.
pub fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        return Some(if n == 0 { DEFAULT_WIDTH } else { n });
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    Some(match Table::new().width() {
        Some(w) if w > 0 => usize::from(w),
        _ => DEFAULT_WIDTH,
    })
}

/// The width assumed when a terminal reports none.
pub const DEFAULT_WIDTH: usize = 80;

/// Shortened text columns keep at least this many characters before a column is dropped.
const COMFORTABLE: usize = 16;

/// A table column and how it gives way when the table is wider than the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    name: &'static str,
    shorten: bool,
    middle: bool,
    drop: Option<u8>,
}

impl Col {
    /// A column of identifiers (PIDs, aliases, names, checksums, URLs, content types,
    /// numbers, dates): never wrapped nor shortened.
    pub const fn id(name: &'static str) -> Col {
        Col {
            name,
            shorten: false,
            middle: false,
            drop: None,
        }
    }

    /// A column of prose (titles, descriptions): shortened with "…" when space is short.
    pub const fn text(name: &'static str) -> Col {
        Col {
            name,
            shorten: true,
            middle: false,
            drop: None,
        }
    }

    /// A column of file paths: shortened in the middle ("raw/field-cam…2012.tab"), so the
    /// start and the extension stay.
    pub const fn path(name: &'static str) -> Col {
        Col {
            name,
            shorten: true,
            middle: true,
            drop: None,
        }
    }

    /// This column may be left out when the table does not fit: rank 1 goes first.
    pub const fn optional(self, rank: u8) -> Col {
        Col {
            drop: Some(rank),
            ..self
        }
    }
}

/// A table with a header row (columns that never shorten); "no items" when empty.
/// Prefer [`grid`], which says which columns may shorten or drop.
#[allow(dead_code)]
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> CliResult {
    line(&table_text(header, rows))
}

/// [`table`] as text.
#[allow(dead_code)]
pub fn table_text(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let cols = vec![Col::id(""); header.len()];
    grid_layout("no items", &cols, header, rows, terminal_width())
}

/// A table that fits the terminal ([`terminal_width`]): identifier columns stay whole,
/// prose columns are shortened with "…", optional columns drop first. With no rows, the
/// `empty` words instead of an empty box ("no roles").
pub fn grid(empty: &str, cols: &[Col], rows: Vec<Vec<String>>) -> CliResult {
    line(&grid_text(empty, cols, rows, terminal_width()))
}

/// [`grid`] as text for a given width (`None`: no limit).
pub fn grid_text(
    empty: &str,
    cols: &[Col],
    rows: Vec<Vec<String>>,
    width: Option<usize>,
) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    grid_layout(empty, cols, &names, rows, width)
}

fn grid_layout(
    empty: &str,
    cols: &[Col],
    names: &[&str],
    rows: Vec<Vec<String>>,
    width: Option<usize>,
) -> String {
    if rows.is_empty() {
        return empty.to_string();
    }
    // One line per cell: line breaks and tabs become spaces.
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    if c.contains(['\n', '\r', '\t']) {
                        c.split_whitespace().collect::<Vec<_>>().join(" ")
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let natural: Vec<usize> = (0..cols.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| text_width(c))
                .chain(std::iter::once(text_width(names[i])))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let (kept, widths) = fit(cols, names, &natural, width);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            kept.iter()
                .zip(&widths)
                .map(|(&i, &w)| shorten(names[i], w)),
        );
    for r in rows {
        t.add_row(kept.iter().zip(&widths).map(|(&i, &w)| {
            let cell = r.get(i).map(String::as_str).unwrap_or("");
            if cols[i].middle {
                shorten_middle(cell, w)
            } else if cols[i].shorten {
                shorten(cell, w)
            } else {
                cell.to_string()
            }
        }));
    }
    t.to_string()
}

/// Which columns to keep and how wide each is, for a table of `natural` column widths.
fn fit(
    cols: &[Col],
    names: &[&str],
    natural: &[usize],
    width: Option<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let mut kept: Vec<usize> = (0..cols.len()).collect();
    let Some(width) = width else {
        let widths = kept.iter().map(|&i| natural[i]).collect();
        return (kept, widths);
    };
    loop {
        // Borders and padding of UTF8_FULL_CONDENSED: "│ a │ b │".
        let overhead = 3 * kept.len() + 1;
        let fixed: usize = kept
            .iter()
            .filter(|&&i| !cols[i].shorten)
            .map(|&i| natural[i])
            .sum();
        let total: usize = kept.iter().map(|&i| natural[i]).sum::<usize>() + overhead;
        if total <= width {
            let widths = kept.iter().map(|&i| natural[i]).collect();
            return (kept, widths);
        }
        let at_least = |floor: usize| -> Vec<usize> {
            kept.iter()
                .map(|&i| {
                    if cols[i].shorten {
                        natural[i].min(floor.max(text_width(names[i])))
                    } else {
                        natural[i]
                    }
                })
                .collect()
        };
        let comfortable = at_least(COMFORTABLE);
        if comfortable.iter().sum::<usize>() + overhead <= width {
            let widths = share(cols, &kept, natural, comfortable, width - overhead - fixed);
            return (kept, widths);
        }
        let droppable = kept
            .iter()
            .enumerate()
            .filter_map(|(pos, &i)| cols[i].drop.map(|rank| (rank, pos)))
            .min_by_key(|&(rank, pos)| (rank, std::cmp::Reverse(pos)));
        if let Some((_, pos)) = droppable {
            kept.remove(pos);
            continue;
        }
        let least = at_least(1);
        let flexible_least: usize = kept
            .iter()
            .zip(&least)
            .filter(|&(&i, _)| cols[i].shorten)
            .map(|(_, &w)| w)
            .sum();
        let room = width.saturating_sub(overhead + fixed).max(flexible_least);
        let widths = share(cols, &kept, natural, least, room);
        return (kept, widths);
    }
}

/// Grow the shortened columns from `widths` towards their natural widths, one character
/// at a time in turn, until together they use `room` characters.
fn share(
    cols: &[Col],
    kept: &[usize],
    natural: &[usize],
    mut widths: Vec<usize>,
    room: usize,
) -> Vec<usize> {
    let flexible: Vec<usize> = (0..kept.len()).filter(|&p| cols[kept[p]].shorten).collect();
    let mut used: usize = flexible.iter().map(|&p| widths[p]).sum();
    while used < room {
        let mut grew = false;
        for &p in &flexible {
            if used < room && widths[p] < natural[kept[p]] {
                widths[p] += 1;
                used += 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    widths
}

/// Display width of `s` (one column per character).
fn text_width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `width` characters, the last one "…" when anything was cut.
pub fn shorten(s: &str, width: usize) -> String {
    if text_width(s) <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `s` cut to `width` characters by leaving out its middle, marked "…".
pub fn shorten_middle(s: &str, width: usize) -> String {
    let n = text_width(s);
    if n <= width {
        return s.to_string();
    }
    let keep = width.saturating_sub(1);
    let tail = keep / 2;
    let head = keep - tail;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

/// Key-value pairs as a two-column table. Values with spaces (prose) wrap at word
/// boundaries to fit the terminal; values without (identifiers) stay whole.
pub fn pairs(rows: Vec<(&str, String)>) -> CliResult {
    line(&pairs_text(rows, terminal_width()))
}

/// [`pairs`] as text for a given width (`None`: no limit).
pub fn pairs_text(rows: Vec<(&str, String)>, width: Option<usize>) -> String {
    let key_width = rows.iter().map(|(k, _)| text_width(k)).max().unwrap_or(0);
    let room = width.map(|w| w.saturating_sub(key_width + 7).max(COMFORTABLE));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    for (k, v) in rows {
        let v = match room {
            Some(room) => wrap_words(&v, room),
            None => v,
        };
        t.add_row(vec![k.to_string(), v]);
    }
    t.to_string()
}

/// Prose wrapped into lines of at most `width` characters at spaces; a word longer than
/// that stays whole on its own line.
fn wrap_words(s: &str, width: usize) -> String {
    if text_width(s) <= width && !s.contains(['\n', '\r', '\t']) {
        return s.to_string();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        if !current.is_empty() && text_width(&current) + 1 + text_width(word) > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines.join("\n")
}

/// A byte count for people: `512 B`, `1.5 KiB`, `300 KiB`, `2.0 GiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Precision loss is irrelevant at one decimal.
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1023.95 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
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

/// [`emit`] for a list: its CSV has the `header` row (the JSON keys of an item) even when
/// the list is empty.
pub fn emit_list<T: Serialize>(
    format: OutputFormat,
    list: &[T],
    header: &[&str],
    table: impl FnOnce() -> CliResult,
) -> CliResult {
    if format == OutputFormat::Csv && list.is_empty() {
        return line(
            &header
                .iter()
                .map(|h| csv_cell(h))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    emit(format, list, table)
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

/// Write `bytes` to `-O FILE` (atomically: never half-written) or stdout (a closed pipe is
/// not an error).
pub fn write_out(out: Option<&Path>, bytes: &[u8]) -> CliResult {
    if let Some(path) = out {
        return write_atomically(path, bytes);
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::io_at("cannot write to stdout", e)),
    }
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

/// The format of `-O FILE` given without `--output`, from the file's extension: `.json`,
/// `.ndjson`/`.jsonl`, `.csv`, `.parquet`, `.txt` (a table); a command refuses the
/// formats it cannot write.
pub fn format_of_path(path: &Path) -> CliResult<OutputFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => Ok(OutputFormat::Json),
        "ndjson" | "jsonl" => Ok(OutputFormat::Ndjson),
        "csv" => Ok(OutputFormat::Csv),
        "parquet" => Ok(OutputFormat::Parquet),
        "txt" => Ok(OutputFormat::Table),
        _ => Err(CliError::Usage(format!(
            "cannot tell the format of {} from its extension (.json, .ndjson, .csv, .parquet, .txt): add --output",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::{Col, csv_cell, grid_text, human_size, pairs_text, shorten, shorten_middle};

    #[test]
    fn formats_from_extensions() {
        use super::{OutputFormat, format_of_path};
        use std::path::Path;
        assert_eq!(
            format_of_path(Path::new("a.CSV")).ok(),
            Some(OutputFormat::Csv)
        );
        assert_eq!(
            format_of_path(Path::new("x/files.parquet")).ok(),
            Some(OutputFormat::Parquet)
        );
        assert_eq!(
            format_of_path(Path::new("f.jsonl")).ok(),
            Some(OutputFormat::Ndjson)
        );
        assert_eq!(
            format_of_path(Path::new("t.txt")).ok(),
            Some(OutputFormat::Table)
        );
        assert!(format_of_path(Path::new("yaml")).is_err());
    }

    fn widest(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec![
                "doi:10.5072/FK2/ABCDEFGHIJ".into(),
                "a-long-collection-alias".into(),
                "A rather long dataset title that goes on and on about what it holds".into(),
                "3".into(),
                "low value".into(),
            ],
            vec![
                "doi:10.5072/FK2/XYZ".into(),
                "short".into(),
                "Short".into(),
                "1".into(),
                "x".into(),
            ],
        ]
    }

    const COLS: [Col; 5] = [
        Col::id("persistent id"),
        Col::id("alias"),
        Col::text("title"),
        Col::id("depth").optional(2),
        Col::text("note").optional(1),
    ];

    #[test]
    fn a_table_that_fits_is_left_alone() {
        let text = grid_text("no items", &COLS, rows(), Some(200));
        assert!(
            text.contains("goes on and on about what it holds"),
            "{text}"
        );
        assert!(text.contains("low value"), "{text}");
        assert_eq!(text, grid_text("no items", &COLS, rows(), None));
    }

    #[test]
    fn narrow_tables_shorten_prose_and_drop_optional_columns_first() {
        let text = grid_text("no items", &COLS, rows(), Some(90));
        assert!(widest(&text) <= 90, "{text}");
        // The optional note went first; the depth (rank 2) still fits.
        assert!(
            !text.contains("note") && !text.contains("low value"),
            "{text}"
        );
        assert!(text.contains("depth"), "{text}");
        let text = grid_text("no items", &COLS, rows(), Some(80));
        assert!(widest(&text) <= 80, "{text}");
        assert!(!text.contains("depth"), "{text}");
        // Identifiers whole, the title shortened.
        assert!(text.contains("doi:10.5072/FK2/ABCDEFGHIJ"), "{text}");
        assert!(text.contains("a-long-collection-alias"), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(!text.contains("holds"), "{text}");
        assert_eq!(text.lines().count(), 6, "one line per row: {text}");
    }

    #[test]
    fn very_narrow_tables_keep_identifiers_whole() {
        let text = grid_text("no items", &COLS, rows(), Some(40));
        assert!(!text.contains("depth"), "{text}");
        assert!(text.contains("doi:10.5072/FK2/ABCDEFGHIJ"), "{text}");
        assert!(text.contains("a-long-collection-alias"), "{text}");
        assert_eq!(text.lines().count(), 6, "{text}");
    }

    #[test]
    fn empty_tables_say_so() {
        assert_eq!(
            grid_text("no roles", &COLS, Vec::new(), Some(80)),
            "no roles"
        );
    }

    #[test]
    fn shortening() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("ab cdef", 4), "ab…");
        assert_eq!(shorten("été à Paris", 5), "été…");
        assert_eq!(shorten_middle("abcdefghij.tab", 9), "abcd….tab");
        assert_eq!(shorten_middle("short.tab", 9), "short.tab");
    }

    #[test]
    fn pairs_wrap_prose_but_not_identifiers() {
        let url = format!("https://example.org/{}", "x".repeat(90));
        let prose = "word ".repeat(40);
        let text = pairs_text(vec![("link", url.clone())], Some(80));
        assert!(text.contains(&url), "{text}");
        let text = pairs_text(vec![("link", "x".into()), ("description", prose)], Some(80));
        assert!(
            text.lines().filter(|l| l.contains("word")).count() > 2,
            "{text}"
        );
        assert!(widest(&text) <= 80, "{text}");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(300 * 1024), "300 KiB");
        assert_eq!(human_size(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_size(u64::MAX), "16 EiB");
    }

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
