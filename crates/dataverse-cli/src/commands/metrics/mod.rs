//! `dv metrics NAME [--past-days N | --to-month YYYY-MM] [--parent ALIAS]`: the counts and
//! lists of `/api/info/metrics`.

use dataverse_client::api::metrics::{DataLocation, Metric, MetricList};
use dataverse_client::models::metrics::MetricRow;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, Col, opt};

/// The examples at the end of `dv metrics --help`.
pub const EXAMPLES: &str = "\
Examples:
  dv metrics datasets                          # published datasets up to now
  dv metrics datasets --past-days 30           # published in the last 30 days
  dv metrics files --to-month 2024-12 --parent lab
  dv metrics datasets/monthly                  # running totals per month
  dv metrics dataverses/bySubject -o csv       # the server's own CSV
  dv metrics datasets/bySubject --to-month 2024-06 -o json";

/// The names `dv metrics` takes.
fn names() -> Vec<String> {
    let mut names: Vec<String> = Metric::ALL.iter().map(|m| m.as_str().to_string()).collect();
    names.extend(lists().iter().map(|l| l.path()));
    names
}

fn lists() -> Vec<MetricList> {
    let mut lists: Vec<MetricList> = Metric::ALL.into_iter().map(MetricList::Monthly).collect();
    lists.extend([
        MetricList::DataversesByCategory,
        MetricList::DataversesBySubject,
        MetricList::DatasetsBySubject,
        MetricList::FilesByType,
        MetricList::FilesByTypeMonthly,
        MetricList::FileDownloads,
        MetricList::FileDownloadsMonthly,
        MetricList::UniqueDownloads,
        MetricList::UniqueDownloadsMonthly,
        MetricList::UniqueFileDownloads,
        MetricList::UniqueFileDownloadsMonthly,
    ]);
    lists
}

/// `--data-location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Location {
    /// Datasets deposited here (the server's default).
    Local,
    /// Harvested datasets.
    Remote,
    /// Both.
    All,
}

/// `dv metrics`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A count (dataverses, datasets, files, downloads, accounts) or a list
    /// (datasets/monthly, dataverses/bySubject, dataverses/byCategory, datasets/bySubject,
    /// files/byType, files/byType/monthly, filedownloads, uniquedownloads,
    /// uniquefiledownloads, and their /monthly).
    pub name: String,
    /// Count over the past N days (counts only).
    #[arg(long, value_name = "N", conflicts_with = "to_month")]
    pub past_days: Option<u32>,
    /// Count up to the end of this month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub to_month: Option<String>,
    /// Only within this published collection (its alias).
    #[arg(long, value_name = "ALIAS")]
    pub parent: Option<String>,
    /// Local, harvested or all datasets (dataset metrics only).
    #[arg(long, value_enum)]
    pub data_location: Option<Location>,
}

/// Print a count or a list.
pub async fn execute(ctx: &Context, args: Args) -> CliResult {
    let mut api = ctx.api.metrics();
    if let Some(p) = &args.parent {
        api = api.parent_alias(p.as_str());
    }
    if let Some(l) = args.data_location {
        api = api.data_location(match l {
            Location::Local => DataLocation::Local,
            Location::Remote => DataLocation::Remote,
            Location::All => DataLocation::All,
        });
    }
    let name = args.name.trim_matches('/');
    if let Some(metric) = Metric::ALL
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(name))
    {
        let n = match (&args.past_days, &args.to_month) {
            (Some(days), _) => api.past_days(metric, *days).await?,
            (None, Some(month)) => api.to_month(metric, month).await?,
            (None, None) => api.total(metric).await?,
        };
        let v = serde_json::json!({ "count": n });
        return output::emit(ctx.output, &v, || output::line(&n.to_string()));
    }
    let Some(list) = lists()
        .into_iter()
        .find(|l| l.path().eq_ignore_ascii_case(name))
    else {
        return Err(CliError::Usage(format!(
            "unknown metric {:?}: one of {}",
            args.name,
            names().join(", ")
        )));
    };
    if args.past_days.is_some() {
        return Err(CliError::Usage(format!(
            "--past-days is for counts, not for the list {}",
            list.path()
        )));
    }
    if args.to_month.is_some() && !list.takes_month() {
        return Err(CliError::Usage(format!(
            "--to-month does not apply to {}",
            list.path()
        )));
    }
    let month = args.to_month.as_deref();
    if ctx.output == OutputFormat::Csv {
        // The server's own CSV, as it sent it.
        let text = api.csv_to(list, month).await?;
        return output::line(&text);
    }
    let rows = api.list_to(list, month).await?;
    output::emit(ctx.output, &rows, || table(&rows))
}

/// A column of the table: its head and how a row fills it.
type Column = (Col, fn(&MetricRow) -> String);

/// A table of the columns the rows have, in the server's CSV order.
fn table(rows: &[MetricRow]) -> CliResult {
    let has = |f: fn(&MetricRow) -> bool| rows.iter().any(f);
    let mut cols: Vec<Column> = Vec::new();
    if has(|r| r.date.is_some()) {
        cols.push((Col::id("date"), |r| opt(&r.date)));
    }
    if has(|r| r.category.is_some()) {
        cols.push((Col::text("category"), |r| opt(&r.category)));
    }
    if has(|r| r.subject.is_some()) {
        cols.push((Col::text("subject"), |r| opt(&r.subject)));
    }
    if has(|r| r.contenttype.is_some()) {
        cols.push((Col::text("content type"), |r| opt(&r.contenttype)));
    }
    if has(|r| r.id.is_some()) {
        cols.push((Col::id("id"), |r| opt(&r.id)));
    }
    if has(|r| r.pid.is_some()) {
        cols.push((Col::id("pid"), |r| opt(&r.pid)));
    }
    cols.push((Col::id("count"), |r| opt(&r.count)));
    if has(|r| r.size.is_some()) {
        cols.push((Col::id("size"), |r| {
            r.size.map(output::human_size).unwrap_or_default()
        }));
    }
    let grid: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|(_, f)| f(r)).collect())
        .collect();
    let heads: Vec<Col> = cols.into_iter().map(|(c, _)| c).collect();
    output::grid("no rows", &heads, grid)
}
