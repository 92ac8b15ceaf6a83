//! `dv collection crawl [ID]`: the whole tree below a collection, concurrently.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::ValueEnum;
use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions};
use futures_util::StreamExt;
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, Col, opt};

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
    /// Skip reading dataset titles (one request per dataset less).
    #[arg(long)]
    pub no_titles: bool,
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

/// One crawl result as a flat row (table and CSV).
#[derive(Serialize)]
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
/// what cost, e.g. `3 items (1 collection, 2 datasets) in 4 requests`.
fn summary(items: &[CrawlItem], only: Option<CrawlOnly>, requests: usize) -> String {
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
    format!("{found} in {}", output::count(requests, "request"))
}

/// Walk the tree; NDJSON streams the items as they are found, the other formats print
/// them at the end. Failed requests make the crawl incomplete (exit 1).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
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
    if ctx.output == OutputFormat::Ndjson {
        let mut stream = ctx.api.crawl_collection_stream(args.id.as_str(), options)?;
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    spinner.finish();
                    return Err(e.into());
                }
            };
            output::ndjson_line(&item)?;
        }
        spinner.finish();
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
    match ctx.output {
        // Parquet is refused before any command runs (`commands::check_output`).
        OutputFormat::Json | OutputFormat::Ndjson | OutputFormat::Parquet => {
            output::json(&report.items)?
        }
        OutputFormat::Csv => {
            let rows: Vec<serde_json::Value> = report
                .items
                .iter()
                .filter_map(|i| serde_json::to_value(row(i)).ok())
                .collect();
            if rows.is_empty() {
                output::line("type,id,parent_id,depth,persistent_id,title,version")?
            } else {
                output::csv(&rows)?
            }
        }
        OutputFormat::Table => {
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
                    summary(&report.items, args.only, report.progress.requests)
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
