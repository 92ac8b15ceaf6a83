//! `dv search QUERY`: the installation's Search API (`GET /api/search`).
//!
//! A table shows one page and its facets; JSON the server's page object; NDJSON and CSV
//! stream every result, page after page.

use clap::ValueEnum;
use dataverse_client::SearchQuery;
use dataverse_client::models::search::{SearchItem, SearchPage};
use futures_util::StreamExt;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, Col, csv_cell};

/// The examples at the end of `dv search --help`.
pub const EXAMPLES: &str = "\
Examples:
  dv search trees
  dv search 'title:finch' --type dataset --subtree birds --sort date --order desc
  dv search '*' --type file --fq 'fileContentType:text/csv' -o ndjson --limit 500
  dv search birds --facets --per-page 20
  dv search '*' --type dataset --count";

/// The CSV header, also the columns of each streamed row.
const CSV_HEADER: &[&str] = &["type", "id", "name", "published_at", "url"];

/// A `--type` of result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Collections.
    Dataverse,
    /// Datasets.
    Dataset,
    /// Files.
    File,
}

/// A `--sort` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// By name.
    Name,
    /// By publication (or creation) date.
    Date,
}

/// A `--order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// `dv search QUERY [options]`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query, in Solr syntax: words, "a phrase", `title:finch`, `*` for everything.
    pub query: String,
    /// Only results of this type; repeat for several.
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<Kind>,
    /// Only results below the collection with this alias; repeat for several.
    #[arg(long, value_name = "ALIAS")]
    pub subtree: Vec<String>,
    /// A filter query (`publicationStatus:Published`); repeat for several.
    #[arg(long, value_name = "FILTER")]
    pub fq: Vec<String>,
    /// Sort by name or date (default: relevance).
    #[arg(long)]
    pub sort: Option<Sort>,
    /// Sort order.
    #[arg(long)]
    pub order: Option<Order>,
    /// At most N results (a table shows one page of at most N).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Results per request (at most 1000; default: 10 for a table or JSON, 1000 when
    /// streaming NDJSON or CSV).
    #[arg(long, value_name = "N")]
    pub per_page: Option<u32>,
    /// Skip the first N results.
    #[arg(long, value_name = "N")]
    pub start: Option<u64>,
    /// Also show the facet counts (a second table; `facets` in JSON).
    #[arg(long)]
    pub facets: bool,
    /// Print only how many results there are.
    #[arg(long, conflicts_with_all = ["facets", "limit", "per_page", "start", "sort", "order"])]
    pub count: bool,
}

impl Args {
    /// The query as the library builds it.
    fn query(&self) -> SearchQuery {
        let mut q = SearchQuery::new(self.query.as_str());
        for t in &self.types {
            q = q.type_(match t {
                Kind::Dataverse => "dataverse",
                Kind::Dataset => "dataset",
                Kind::File => "file",
            });
        }
        for s in &self.subtree {
            q = q.subtree(s.as_str());
        }
        for f in &self.fq {
            q = q.fq(f.as_str());
        }
        if let Some(s) = self.sort {
            q = q.sort(match s {
                Sort::Name => "name",
                Sort::Date => "date",
            });
        }
        if let Some(o) = self.order {
            q = q.order(match o {
                Order::Asc => "asc",
                Order::Desc => "desc",
            });
        }
        if let Some(n) = self.start {
            q = q.start(n);
        }
        if self.facets {
            q = q.show_facets(true);
        }
        q
    }
}

/// Run `dv search`.
pub async fn execute(ctx: &Context, args: Args) -> CliResult {
    search(ctx, &args).await.map_err(no_search_api)
}

async fn search(ctx: &Context, args: &Args) -> CliResult {
    let query = args.query();
    if args.count {
        let n = ctx.api.search_count(&query).await?;
        let v = serde_json::json!({ "total_count": n });
        return output::emit(ctx.output, &v, || output::line(&n.to_string()));
    }
    match ctx.output {
        OutputFormat::Ndjson | OutputFormat::Csv => stream(ctx, args, query).await,
        _ => one_page(ctx, args, query).await,
    }
}

/// One page: a table (and the facets), or the server's page object.
async fn one_page(ctx: &Context, args: &Args, query: SearchQuery) -> CliResult {
    let per_page = match (args.per_page, args.limit) {
        (Some(p), Some(l)) => Some(u64::from(p).min(l)),
        (Some(p), None) => Some(u64::from(p)),
        (None, Some(l)) => Some(l.min(u64::from(dataverse_client::api::search::MAX_PER_PAGE))),
        (None, None) => None,
    };
    let query = match per_page {
        Some(n) => query.per_page(u32::try_from(n).unwrap_or(u32::MAX)),
        None => query,
    };
    let page = ctx.api.search(&query).await?;
    if ctx.output == OutputFormat::Json {
        return output::json(&page);
    }
    table(ctx, args, &page)
}

fn table(ctx: &Context, args: &Args, page: &SearchPage) -> CliResult {
    let rows = page
        .items
        .iter()
        .map(|item| {
            vec![
                item.type_name().unwrap_or_default().to_string(),
                item.identifier().unwrap_or_default(),
                item.name().unwrap_or_default().to_string(),
                item.published_at().unwrap_or("unpublished").to_string(),
            ]
        })
        .collect();
    output::grid(
        "no results",
        &[
            Col::id("type"),
            Col::id("id"),
            Col::text("name"),
            Col::id("published").optional(1),
        ],
        rows,
    )?;
    if args.facets {
        let rows: Vec<Vec<String>> = page
            .facet_fields()
            .flat_map(|(field, facet)| {
                let name = facet.friendly.clone().unwrap_or_else(|| field.to_string());
                facet
                    .counts()
                    .map(move |(value, n)| vec![name.clone(), value.to_string(), n.to_string()])
            })
            .collect();
        output::line("")?;
        output::grid(
            "no facets",
            &[Col::text("facet"), Col::text("value"), Col::id("count")],
            rows,
        )?;
    }
    if !ctx.quiet {
        eprintln!("{} of {} results", page.items.len(), page.total_count);
    }
    Ok(())
}

/// Every result (or `--limit` of them), item by item as the pages arrive.
async fn stream(ctx: &Context, args: &Args, mut query: SearchQuery) -> CliResult {
    if let Some(n) = args.per_page {
        query = query.per_page(n);
    }
    if let Some(n) = args.limit {
        query = query.limit(n);
    }
    query.validate()?;
    let csv = ctx.output == OutputFormat::Csv;
    if csv {
        output::line(&CSV_HEADER.join(","))?;
    }
    let mut items = ctx.api.search_stream(&query)?;
    while let Some(item) = items.next().await {
        let item = item?;
        if csv {
            output::line(&csv_row(&item))?;
        } else {
            output::ndjson_line(&item)?;
        }
    }
    Ok(())
}

/// One CSV row of [`CSV_HEADER`].
fn csv_row(item: &SearchItem) -> String {
    [
        item.type_name().unwrap_or_default().to_string(),
        item.identifier().unwrap_or_default(),
        item.name().unwrap_or_default().to_string(),
        item.published_at().unwrap_or_default().to_string(),
        item.url().unwrap_or_default().to_string(),
    ]
    .iter()
    .map(|c| csv_cell(c))
    .collect::<Vec<_>>()
    .join(",")
}

/// A 404 from `/api/search` means the server has no Search API (an installation that
/// turned it off, or a proxy in front of one): say so.
fn no_search_api(e: CliError) -> CliError {
    match e {
        CliError::Api(dataverse_client::Error::NotFound(api))
            if api
                .url
                .split('?')
                .next()
                .is_some_and(|path| path.ends_with("/api/search")) =>
        {
            CliError::Explained {
                message: "this server has no Search API".into(),
                source: Box::new(dataverse_client::Error::NotFound(api)),
            }
        }
        other => other,
    }
}
