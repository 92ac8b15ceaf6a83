//! File types and tabular ingest: the content type of an upload (the part's type, then the
//! extension, then the first bytes), Dataverse's friendly type names, and the CSV/TSV ingest
//! that turns an upload into a tab-separated `.tab` file with a header row; [`job`] runs that
//! ingest for a stored file.

pub(crate) mod job;
pub(crate) mod variables;

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// The generic type Dataverse replaces by detection.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
/// The type of an ingested tabular file.
pub(crate) const TAB: &str = "text/tab-separated-values";
/// CSV.
pub(crate) const CSV: &str = "text/csv";
/// TSV as uploaded (Dataverse's name for an un-ingested TSV).
pub(crate) const TSV: &str = "text/tsv";

/// Content type by file extension (a small `MimeTypeDetectionByFileExtension.properties`).
pub(crate) fn by_extension(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" => CSV,
        "tsv" => TSV,
        "tab" => TAB,
        "txt" | "text" => "text/plain",
        "md" => "text/markdown",
        "json" => "application/json",
        "xml" => "text/xml",
        "html" | "htm" => "text/html",
        "py" => "text/x-python",
        "r" => "type/x-r-syntax",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "dta" => "application/x-stata",
        "sav" => "application/x-spss-sav",
        "rdata" => "application/x-rlang-transport",
        "ipynb" => "application/x-ipynb+json",
        "nc" => "application/netcdf",
        "h5" | "hdf5" => "application/x-hdf5",
        "parquet" => "application/vnd.apache.parquet",
        _ => return None,
    })
}

/// Content type from the first bytes (a tiny JHOVE/Tika stand-in).
pub(crate) fn sniff(head: &[u8]) -> Option<&'static str> {
    let magic: [(&[u8], &str); 6] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF8", "image/gif"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
    ];
    for (m, t) in magic {
        if head.starts_with(m) {
            return Some(t);
        }
    }
    if head.is_empty() {
        return None;
    }
    // Text when the head is UTF-8 (allowing a character cut at the end) without NULs.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    };
    (text && !head.contains(&0)).then_some("text/plain")
}

/// The content type Dataverse gives an upload: the part's type unless generic, else by
/// extension, else by content; `text/plain` of a `.csv`/`.tsv` name is refined by extension.
pub(crate) fn detect(part_type: Option<&str>, name: &str, head: &[u8]) -> String {
    let declared = part_type
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty() && t != OCTET_STREAM);
    let ext = by_extension(name);
    match declared {
        Some(t) if t == "text/plain" && matches!(ext, Some(CSV) | Some(TSV)) => {
            ext.unwrap_or(CSV).to_string()
        }
        Some(t) => t,
        None => ext
            .or_else(|| sniff(head))
            .unwrap_or(OCTET_STREAM)
            .to_string(),
    }
}

/// Dataverse's friendly type name (`MimeTypeDisplay.properties`), else the type itself.
pub(crate) fn friendly_type(content_type: &str) -> String {
    let base = content_type.split(';').next().unwrap_or("").trim();
    match base {
        "text/plain" => "Plain Text",
        CSV | "text/comma-separated-values" => "Comma Separated Values",
        TSV => "Tab-Separated Values",
        TAB => "Tab-Delimited",
        "text/markdown" => "Markdown Text",
        "text/x-python" => "Python Source Code",
        "type/x-r-syntax" => "R Syntax",
        "text/html" => "HTML",
        "text/xml" => "XML",
        "application/json" => "JSON",
        "application/pdf" => "Adobe PDF",
        "application/zip" => "ZIP Archive",
        "application/gzip" => "Gzip Archive",
        "image/png" => "PNG Image",
        "image/jpeg" => "JPEG Image",
        "image/gif" => "GIF Image",
        "image/tiff" => "TIFF Image",
        "application/x-stata" => "Stata Binary",
        "application/x-spss-sav" => "SPSS SAV",
        "application/x-rlang-transport" => "R Data",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            "MS Excel Spreadsheet"
        }
        OCTET_STREAM => "Unknown",
        other => return other.to_string(),
    }
    .to_string()
}

/// Whether a content type is ingested as tabular data here (CSV and TSV).
pub(crate) fn is_tabular_candidate(content_type: &str) -> bool {
    matches!(
        content_type,
        CSV | "text/comma-separated-values" | TSV | TAB
    )
}

/// `name.csv` ⇒ `name.tab` (the extension replaced, or `.tab` appended).
pub(crate) fn tab_name(label: &str) -> String {
    match label.rfind('.') {
        Some(i) if i > 0 => format!("{}.tab", &label[..i]),
        _ => format!("{label}.tab"),
    }
}

/// Read one delimited record (RFC 4180 quoting: `"` around fields, `""` inside them;
/// quoted fields may span lines). `Ok(None)` at the end of input.
fn read_record<R: BufRead>(
    r: &mut R,
    delimiter: u8,
    line: &mut usize,
) -> Result<Option<Vec<String>>, String> {
    let mut fields = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    let mut buf = Vec::new();
    let mut in_quotes = false;
    let mut started = false;
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("read error: {e}"))?;
        if n == 0 {
            if in_quotes {
                return Err(format!(
                    "unterminated quoted value starting before line {line}"
                ));
            }
            if !started {
                return Ok(None);
            }
            break;
        }
        *line += 1;
        started = true;
        let mut i = 0;
        let mut ended = false;
        while i < buf.len() {
            let b = buf[i];
            if in_quotes {
                if b == b'"' {
                    if buf.get(i + 1) == Some(&b'"') {
                        field.push(b'"');
                        i += 1;
                    } else {
                        in_quotes = false;
                    }
                } else {
                    field.push(b);
                }
            } else if b == b'"' && field.is_empty() {
                in_quotes = true;
            } else if b == delimiter {
                fields.push(to_text(std::mem::take(&mut field), *line)?);
            } else if b == b'\n' {
                ended = true;
            } else if b == b'\r' && buf.get(i + 1) == Some(&b'\n') {
                // CRLF line end.
            } else {
                field.push(b);
            }
            i += 1;
        }
        if !in_quotes && (ended || !buf.ends_with(b"\n")) {
            break;
        }
    }
    fields.push(to_text(field, *line)?);
    Ok(Some(fields))
}

fn to_text(bytes: Vec<u8>, line: usize) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| format!("line {line} is not valid UTF-8"))
}

/// A value as the `.tab` file stores it: as is, or quoted when it holds a tab, a line break
/// or starts with a quote.
fn tab_value(v: &str) -> String {
    if v.contains(['\t', '\n', '\r']) || v.starts_with('"') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// Ingest a CSV (`delimiter` `,`) or TSV (`\t`) file at `src` into a `.tab` file at `dst`
/// with a header row. Streams: memory does not grow with the file. Every record must have
/// as many values as the header (`Reading mismatch, line N of the Data file: M delimited
/// values expected, K found.`); an empty file, one with no data rows or invalid UTF-8 fails
/// too.
pub(crate) fn csv_to_tab(src: &Path, dst: &Path, delimiter: u8) -> Result<(), String> {
    let input = std::fs::File::open(src).map_err(|e| format!("cannot open upload: {e}"))?;
    let mut r = BufReader::with_capacity(64 * 1024, input);
    let out = std::fs::File::create(dst).map_err(|e| format!("cannot write: {e}"))?;
    let mut w = BufWriter::with_capacity(64 * 1024, out);
    let mut line = 0usize;
    let Some(header) = read_record(&mut r, delimiter, &mut line)? else {
        return Err("the file is empty".into());
    };
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err("the header row is empty".into());
    }
    let width = header.len();
    let write_row = |row: &[String], w: &mut BufWriter<std::fs::File>| {
        let text: Vec<String> = row.iter().map(|v| tab_value(v)).collect();
        w.write_all(text.join("\t").as_bytes())
            .and_then(|_| w.write_all(b"\n"))
            .map_err(|e| format!("write error: {e}"))
    };
    write_row(&header, &mut w)?;
    let mut rows = 0usize;
    while let Some(rec) = read_record(&mut r, delimiter, &mut line)? {
        if rec.len() == 1 && rec[0].is_empty() {
            continue; // blank line
        }
        if rec.len() != width {
            return Err(format!(
                "Reading mismatch, line {line} of the Data file: {width} delimited values expected, {} found.",
                rec.len()
            ));
        }
        write_row(&rec, &mut w)?;
        rows += 1;
    }
    if rows == 0 {
        // Dataverse's ingest fails on a table without rows (its UNF calculation throws).
        return Err("the file has a header but no data rows".into());
    }
    w.flush().map_err(|e| format!("write error: {e}"))?;
    Ok(())
}

/// Read at most `n` leading bytes of a file (for sniffing).
pub(crate) fn head_of(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        let k = f.read(&mut buf[filled..])?;
        if k == 0 {
            break;
        }
        filled += k;
    }
    buf.truncate(filled);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_order() {
        assert_eq!(detect(Some("image/png"), "a.csv", b"x"), "image/png");
        assert_eq!(detect(Some("application/octet-stream"), "a.csv", b"x"), CSV);
        assert_eq!(detect(Some("text/plain"), "a.csv", b"x"), CSV);
        assert_eq!(detect(None, "noext", b"%PDF-1.4"), "application/pdf");
        assert_eq!(detect(None, "noext", b"hello"), "text/plain");
        assert_eq!(detect(None, "noext", b"\x00\x01\x02"), OCTET_STREAM);
        assert_eq!(tab_name("data.csv"), "data.tab");
        assert_eq!(tab_name("data"), "data.tab");
    }

    #[test]
    fn csv_ingest_quotes_and_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("in.csv");
        let dst = dir.path().join("out.tab");
        std::fs::write(&src, "a,b\r\n1,\"x, \"\"y\"\"\"\n2,\"multi\nline\"\n").unwrap();
        csv_to_tab(&src, &dst, b',').unwrap();
        assert_eq!(
            std::fs::read_to_string(&dst).unwrap(),
            "a\tb\n1\tx, \"y\"\n2\t\"multi\nline\"\n"
        );
        std::fs::write(&src, "a,b\n1,2,3\n").unwrap();
        let e = csv_to_tab(&src, &dst, b',').unwrap_err();
        assert!(e.contains("2 delimited values expected, 3 found"), "{e}");
        std::fs::write(&src, "a,b\n\"1,2\n").unwrap();
        assert!(csv_to_tab(&src, &dst, b',').is_err());
        std::fs::write(&src, b"a,b\n\xff,1\n").unwrap();
        assert!(csv_to_tab(&src, &dst, b',').is_err());
        // No data rows: a header alone (blank lines do not count), or nothing at all.
        for text in ["a,b\n", "a,b", "a,b\n\n\n", ""] {
            std::fs::write(&src, text).unwrap();
            let e = csv_to_tab(&src, &dst, b',').unwrap_err();
            assert!(
                e.contains("no data rows") || e.contains("empty"),
                "{text:?}: {e}"
            );
        }
    }
}
