//! `dv dataset files ID [--mime TYPE]... [--version V]`: the files table, printed or
//! written to `-O FILE`.

use dataverse_client::models::files::FileMetadata;
use dataverse_client::{DATAFILES_COLUMNS, DatafileRow, Version, datafiles_rows};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, Col, opt, write_atomically};

/// `dv dataset files`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Only files of this content type (`text/csv`, or `text/*`); repeat for several.
    #[arg(long = "mime", value_name = "TYPE")]
    pub mime: Vec<String>,
    /// Which version: :latest (default), :latest-published, :draft, N or N.M.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
}

/// Print the files table, or write it to `-O FILE` (format from `--output`, else from
/// the file's extension).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args { id, mime, version } = args;
    let version = version
        .as_deref()
        .map(Version::parse)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let path = ctx.out.as_deref();
    let format = match (ctx.asked_format, path) {
        (Some(f), _) => f,
        (None, Some(p)) => output::format_of_path(p)?,
        (None, None) => ctx.output,
    };
    if format == OutputFormat::Parquet && path.is_none() {
        return Err(CliError::Usage(
            "Parquet output needs a file: add -O FILE.parquet".into(),
        ));
    }
    let filters: Vec<&str> = mime.iter().map(String::as_str).collect();
    let files = ctx
        .api
        .get_datafiles_metadata(id.as_str(), version, &filters)
        .await?;
    let bytes: Vec<u8> = match format {
        OutputFormat::Json => to_json(&files)?.into_bytes(),
        OutputFormat::Ndjson => {
            let mut text = String::new();
            for f in &files {
                text.push_str(
                    &serde_json::to_string(f)
                        .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))?,
                );
                text.push('\n');
            }
            if path.is_none() {
                text.pop();
            }
            text.into_bytes()
        }
        OutputFormat::Csv => files_csv(&datafiles_rows(&files)).into_bytes(),
        // A table written to a file is not cut to the terminal's width.
        OutputFormat::Table => files_table(
            &datafiles_rows(&files),
            path.map_or_else(output::terminal_width, |_| None),
        )
        .into_bytes(),
        OutputFormat::Parquet => parquet(&files)?,
    };
    match path {
        None => output::line(&String::from_utf8_lossy(&bytes)),
        Some(p) => {
            let mut bytes = bytes;
            if format != OutputFormat::Parquet && !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            write_atomically(p, &bytes)?;
            if !ctx.quiet {
                eprintln!(
                    "dv: wrote {} file(s) of {id} to {}",
                    files.len(),
                    p.display()
                );
            }
            Ok(())
        }
    }
}

/// Pretty JSON text.
fn to_json<T: Serialize + ?Sized>(value: &T) -> CliResult<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))
}

/// One row's cells in the order of [`DATAFILES_COLUMNS`].
fn row_cells(r: &DatafileRow) -> [String; 12] {
    [
        opt(&r.id),
        r.persistent_id.clone().unwrap_or_default(),
        r.label.clone(),
        r.directory.clone().unwrap_or_default(),
        r.description.clone().unwrap_or_default(),
        r.content_type.clone().unwrap_or_default(),
        r.size.to_string(),
        r.checksum_type.clone().unwrap_or_default(),
        r.checksum_value.clone().unwrap_or_default(),
        r.restricted.to_string(),
        r.tabular.to_string(),
        r.creation_date.clone().unwrap_or_default(),
    ]
}

/// The files table as CSV: the columns of [`DATAFILES_COLUMNS`], in order.
fn files_csv(rows: &[DatafileRow]) -> String {
    let mut out = DATAFILES_COLUMNS.join(",");
    for r in rows {
        out.push('\n');
        let cells: Vec<String> = row_cells(r).iter().map(|c| output::csv_cell(c)).collect();
        out.push_str(&cells.join(","));
    }
    out
}

/// The files table for people: id, path, type, size, restricted, tabular, checksum;
/// fitted to `width` (the checksum, tabular and restricted columns drop first).
fn files_table(rows: &[DatafileRow], width: Option<usize>) -> String {
    if rows.is_empty() {
        return "no files".into();
    }
    let body = rows
        .iter()
        .map(|r| {
            let path = match &r.directory {
                Some(d) => format!("{d}/{}", r.label),
                None => r.label.clone(),
            };
            vec![
                opt(&r.id),
                path,
                r.content_type.clone().unwrap_or_default(),
                output::human_size(r.size),
                output::yes(Some(r.restricted)),
                output::yes(Some(r.tabular)),
                match (&r.checksum_type, &r.checksum_value) {
                    (Some(t), Some(v)) => format!("{t} {v}"),
                    _ => String::new(),
                },
            ]
        })
        .collect();
    output::grid_text(
        "no files",
        &[
            Col::id("id"),
            Col::path("path"),
            Col::id("content type"),
            Col::id("size"),
            Col::id("restricted").optional(1),
            Col::id("tabular").optional(2),
            Col::id("checksum").optional(3),
        ],
        body,
        width,
    )
}

/// The files table as Parquet.
#[cfg(feature = "parquet")]
fn parquet(files: &[FileMetadata]) -> CliResult<Vec<u8>> {
    let mut df = dataverse_client::api::table::datafiles_frame(files)?;
    let mut buf = Vec::new();
    polars::prelude::ParquetWriter::new(&mut buf)
        .finish(&mut df)
        .map_err(|e| CliError::io(format!("cannot write Parquet: {e}")))?;
    Ok(buf)
}

/// Without the `parquet` feature: a usage error.
#[cfg(not(feature = "parquet"))]
fn parquet(_files: &[FileMetadata]) -> CliResult<Vec<u8>> {
    Err(CliError::Usage(
        "this dv was built without Parquet support (cargo feature `parquet` of dataverse-cli)"
            .into(),
    ))
}
