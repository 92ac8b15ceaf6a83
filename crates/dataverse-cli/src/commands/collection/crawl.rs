//! `dv collection crawl [ID]`: the whole tree below a collection, concurrently.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::ValueEnum;
use dataverse_client::api::crawl::{
    CrawlFilter, CrawlItem, CrawlOptions, CrawlProgress, TitleSource,
};
use futures_util::StreamExt;
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, Col, opt, write_atomically};

use super::display;
use crate::progress::Spinner;

/// `dv collection crawl`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to start: alias, numeric id or :root.
    #[arg(default_value = ":root")]
    pub id: String,
    /// Only collections or only datasets.
    #[arg(long, value_enum)]
    pub only: Option<CrawlOnly>,
    /// Requests at once (default 8).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Skip reading dataset titles.
    #[arg(long)]
    pub no_titles: bool,
    /// Where dataset titles come from: `search` (one search request per 1,000 datasets,
    /// titles as fresh as the server's search index), `versions` (one version read per
    /// dataset), or `auto`: search where the server has it, version reads where not and
    /// for the datasets the search did not return.
    #[arg(long, value_enum, default_value_t = TitlesFrom::Auto)]
    pub titles_from: TitlesFrom,
    /// Keep going past failed requests and report them at the end.
    #[arg(long)]
    pub continue_on_error: bool,
}

/// `--only` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CrawlOnly {
    /// Only collections.
    Collections,
    /// Only datasets.
    Datasets,
}

/// `--titles-from` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TitlesFrom {
    /// Search where the server has it, else version reads.
    Auto,
    /// The search index.
    Search,
    /// One version read per dataset.
    Versions,
}

impl From<TitlesFrom> for TitleSource {
    fn from(t: TitlesFrom) -> Self {
        match t {
            TitlesFrom::Auto => TitleSource::Auto,
            TitlesFrom::Search => TitleSource::Search,
            TitlesFrom::Versions => TitleSource::Versions,
        }
    }
}

/// One crawl result as a flat row (table, CSV and Parquet).
#[derive(Serialize, Default)]
struct CrawlRow<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    parent_id: Option<u64>,
    depth: usize,
    persistent_id: Option<&'a str>,
    title: Option<&'a str>,
    version: Option<&'a str>,
}

/// The flat row of one crawl result.
fn row(item: &CrawlItem) -> CrawlRow<'_> {
    match item {
        CrawlItem::Collection(c) => CrawlRow {
            kind: "collection",
            id: c.id,
            parent_id: c.parent_id,
            depth: c.depth,
            persistent_id: None,
            title: c.title.as_deref(),
            version: None,
        },
        CrawlItem::Dataset(d) => CrawlRow {
            kind: "dataset",
            id: d.id,
            parent_id: d.parent_id,
            depth: d.depth,
            persistent_id: d.persistent_id.as_deref(),
            title: d.title.as_deref(),
            version: d.version.as_deref(),
        },
    }
}

/// The line after the table: what was found (only the kinds `--only` asked for) and at
/// what cost, e.g. `3 items (1 collection, 2 datasets) in 4 requests` and, with titles,
/// `; titles: 2 from search, 0 from version reads`.
fn summary(items: &[CrawlItem], only: Option<CrawlOnly>, progress: &CrawlProgress) -> String {
    let collections = items
        .iter()
        .filter(|i| matches!(i, CrawlItem::Collection(_)))
        .count();
    let datasets = items.len() - collections;
    let found = match only {
        None => format!(
            "{} ({}, {})",
            output::count(items.len(), "item"),
            output::count(collections, "collection"),
            output::count(datasets, "dataset")
        ),
        Some(CrawlOnly::Collections) => output::count(collections, "collection"),
        Some(CrawlOnly::Datasets) => output::count(datasets, "dataset"),
    };
    let mut line = format!("{found} in {}", output::count(progress.requests, "request"));
    if progress.titles_fetched > 0 {
        line.push_str(&format!(
            "; titles: {} from search, {} from version reads",
            progress.titles_from_search, progress.titles_from_versions
        ));
    }
    line
}

/// Where streamed lines go: stdout, or the `-O` file, created with the first line (one
/// write per line, so that an interrupted crawl leaves whole lines).
enum Sink {
    Stdout,
    File(Option<std::fs::File>, std::path::PathBuf),
}

impl Sink {
    fn open(path: Option<&Path>) -> Sink {
        match path {
            None => Sink::Stdout,
            Some(p) => Sink::File(None, p.to_path_buf()),
        }
    }

    fn line(&mut self, text: &str) -> CliResult {
        match self {
            Sink::Stdout => output::line(text),
            Sink::File(file, p) => {
                let fail = |e| CliError::io_at(format!("cannot write {}", p.display()), e);
                let f = match file {
                    Some(f) => f,
                    None => file.insert(std::fs::File::create(&*p).map_err(fail)?),
                };
                f.write_all(format!("{text}\n").as_bytes()).map_err(fail)
            }
        }
    }
}

/// The CSV header of the crawl rows.
fn csv_header() -> String {
    let header = serde_json::to_value(CrawlRow::default()).unwrap_or_default();
    let text = output::csv_text(&[header]);
    text.split_once('\n')
        .map(|(h, _)| h.to_string())
        .unwrap_or(text)
}

/// One crawl result as a CSV line (under [`csv_header`]).
fn csv_row(item: &CrawlItem) -> String {
    let value = serde_json::to_value(row(item)).unwrap_or_default();
    let text = output::csv_text(&[value]);
    text.split_once('\n')
        .map(|(_, r)| r.to_string())
        .unwrap_or_default()
}

/// The crawl rows as Parquet: numbers as unsigned integers, the rest as text.
#[cfg(feature = "parquet")]
fn parquet(items: &[CrawlItem]) -> CliResult<Vec<u8>> {
    use polars::prelude::{Column, DataFrame, ParquetWriter};
    let rows: Vec<serde_json::Value> = items
        .iter()
        .filter_map(|i| serde_json::to_value(row(i)).ok())
        .collect();
    let header = serde_json::to_value(CrawlRow::default()).unwrap_or_default();
    let names: Vec<String> = header
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let columns: Vec<Column> = names
        .iter()
        .map(|name| {
            let cells: Vec<&serde_json::Value> = rows
                .iter()
                .map(|r| r.get(name).unwrap_or(&serde_json::Value::Null))
                .collect();
            if cells.iter().all(|c| c.is_null() || c.is_u64()) {
                Column::new(
                    name.as_str().into(),
                    cells.iter().map(|c| c.as_u64()).collect::<Vec<_>>(),
                )
            } else {
                Column::new(
                    name.as_str().into(),
                    cells
                        .iter()
                        .map(|c| match c {
                            serde_json::Value::Null => None,
                            serde_json::Value::String(s) => Some(s.clone()),
                            other => Some(other.to_string()),
                        })
                        .collect::<Vec<_>>(),
                )
            }
        })
        .collect();
    let mut df = DataFrame::new(rows.len(), columns)
        .map_err(|e| CliError::io(format!("cannot build the crawl table: {e}")))?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .finish(&mut df)
        .map_err(|e| CliError::io(format!("cannot write Parquet: {e}")))?;
    Ok(buf)
}

/// Without the `parquet` feature: a usage error.
#[cfg(not(feature = "parquet"))]
fn parquet(_items: &[CrawlItem]) -> CliResult<Vec<u8>> {
    Err(CliError::Usage(
        "this dv was built without Parquet support (cargo feature `parquet` of dataverse-cli)"
            .into(),
    ))
}

/// Walk the tree; NDJSON and CSV stream the items as they are found (an interrupted crawl
/// leaves whole lines, under CSV's header), the other formats print them at the end.
/// `-O FILE` writes them to a file (format from --output or the extension; Parquet only
/// there). Failed requests make the crawl incomplete (exit 1).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
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
    if format == OutputFormat::Table && path.is_some() {
        return Err(CliError::Usage(
            "-O FILE takes json, ndjson, csv or parquet, not a table: add --output".into(),
        ));
    }
    let filter = match args.only {
        None => CrawlFilter::All,
        Some(CrawlOnly::Collections) => CrawlFilter::Collections,
        Some(CrawlOnly::Datasets) => CrawlFilter::Datasets,
    };
    let spinner = Spinner::new(ctx.quiet);
    let s = spinner.clone();
    // Failed requests the crawl skipped (`--continue-on-error`), as last reported.
    let failed = Arc::new(AtomicUsize::new(0));
    let f = Arc::clone(&failed);
    let options = CrawlOptions::new()
        .filter_by(filter)
        .fetch_titles(!args.no_titles)
        .titles_from(args.titles_from.into())
        .concurrency(args.concurrency)
        .continue_on_error(args.continue_on_error)
        .on_progress(move |p| {
            f.store(p.errors, Ordering::Relaxed);
            s.set_message(format!(
                "{} collections listed, {} found; {} datasets, {} titles; {} errors",
                p.collections_visited,
                p.collections_found,
                p.datasets_found,
                p.titles_fetched,
                p.errors
            ))
        });
    if matches!(format, OutputFormat::Ndjson | OutputFormat::Csv) {
        let mut sink = Sink::open(path);
        // CSV's header goes out with the first row (or at the end of an empty crawl), so
        // that a crawl refused at its start prints nothing.
        let mut header = (format == OutputFormat::Csv).then(csv_header);
        let mut count = 0usize;
        let mut stream = ctx.api.crawl_collection_stream(args.id.as_str(), options)?;
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    spinner.finish();
                    return Err(e.into());
                }
            };
            let text = match format {
                OutputFormat::Csv => csv_row(&item),
                _ => serde_json::to_string(&item)
                    .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))?,
            };
            if let Some(h) = header.take() {
                sink.line(&h)?;
            }
            sink.line(&text)?;
            count += 1;
        }
        spinner.finish();
        if let Some(h) = header.take() {
            sink.line(&h)?;
        }
        if let Some(p) = path
            && !ctx.quiet
        {
            eprintln!(
                "dv: wrote {} to {}",
                output::count(count, "item"),
                p.display()
            );
        }
        // The stream skips failures silently: still report that the crawl is incomplete.
        let failed = failed.load(Ordering::Relaxed);
        if failed > 0 {
            return Err(CliError::Incomplete(format!(
                "the crawl is incomplete: {} failed and were skipped",
                output::count(failed, "request")
            )));
        }
        return Ok(());
    }
    let report = ctx
        .api
        .crawl_collection_with(args.id.as_str(), options)
        .await;
    spinner.finish();
    let report = report?;
    if let Some(e) = &report.search_unavailable
        && !ctx.quiet
    {
        eprintln!(
            "dv: no usable search on this server ({}); titles read from versions",
            api_line(e)
        );
    }
    match (format, path) {
        (OutputFormat::Parquet, Some(p)) | (OutputFormat::Json, Some(p)) => {
            let bytes = if format == OutputFormat::Parquet {
                parquet(&report.items)?
            } else {
                let mut text = serde_json::to_string_pretty(&report.items)
                    .map_err(|e| CliError::io(format!("cannot encode JSON: {e}")))?;
                text.push('\n');
                text.into_bytes()
            };
            write_atomically(p, &bytes)?;
            if !ctx.quiet {
                eprintln!(
                    "dv: wrote {} to {}",
                    output::count(report.items.len(), "item"),
                    p.display()
                );
            }
        }
        // NDJSON and CSV were streamed above; Parquet without -O refused.
        (
            OutputFormat::Json | OutputFormat::Ndjson | OutputFormat::Parquet | OutputFormat::Csv,
            _,
        ) => output::json(&report.items)?,
        (OutputFormat::Table, _) => {
            let ids = report
                .items
                .iter()
                .filter(|i| !i.is_dataset())
                .map(CrawlItem::id)
                .collect();
            let aliases = display::aliases(&ctx.api, ids, args.concurrency).await;
            let rows = report
                .items
                .iter()
                .map(|i| {
                    let r = row(i);
                    // A draft shows its state once: in the version column when the
                    // title was read, else here.
                    let published = match i {
                        CrawlItem::Dataset(d) => match &d.dataset.publication_date {
                            Some(date) => date.clone(),
                            None if r.version.is_none() => "draft".into(),
                            None => String::new(),
                        },
                        CrawlItem::Collection(_) => String::new(),
                    };
                    vec![
                        r.kind.to_string(),
                        r.id.to_string(),
                        opt(&r.parent_id),
                        r.depth.to_string(),
                        match r.persistent_id {
                            Some(pid) => pid.to_string(),
                            None => aliases.get(&r.id).cloned().unwrap_or_default(),
                        },
                        format!(
                            "{}{}",
                            "  ".repeat(r.depth.saturating_sub(1)),
                            r.title.unwrap_or("")
                        ),
                        r.version.unwrap_or("").to_string(),
                        published,
                    ]
                })
                .collect();
            output::grid(
                "no items",
                &[
                    Col::id("type"),
                    Col::id("id"),
                    Col::id("parent").optional(2),
                    Col::id("depth").optional(1),
                    Col::id("alias / persistent id"),
                    Col::text("title"),
                    Col::id("version"),
                    Col::id("published").optional(3),
                ],
                rows,
            )?;
            if !ctx.quiet {
                eprintln!(
                    "dv: {}",
                    summary(&report.items, args.only, &report.progress)
                );
            }
        }
    }
    if !report.errors.is_empty() {
        for f in &report.errors {
            let what = match f.dataset_id {
                Some(id) => format!("dataset {id} in collection {}", f.collection),
                None => format!("collection {}", f.collection),
            };
            eprintln!("dv: skipped {what}: {}", api_line(&f.error));
        }
        return Err(CliError::Incomplete(format!(
            "the crawl is incomplete: {} failed",
            output::count(report.errors.len(), "request")
        )));
    }
    Ok(())
}
