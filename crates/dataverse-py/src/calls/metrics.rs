//! Metrics (`/api/info/metrics`): pyDataverse's `MetricsApi` calls, and any count or
//! list by name, as JSON rows or the server's CSV.

use dataverse_client::Error;
use dataverse_client::api::metrics::{DataLocation, Metric, MetricList, MetricsApi};
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};
use crate::errors::invalid;

/// The metrics methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "total" => Box::pin(total(c)),
        "past_days" => Box::pin(past_days(c)),
        "get_dataverses_by_subject" => Box::pin(list(c, MetricList::DataversesBySubject)),
        "get_dataverses_by_category" => Box::pin(list(c, MetricList::DataversesByCategory)),
        "get_datasets_by_subject" => Box::pin(list(c, MetricList::DatasetsBySubject)),
        "get_datasets_by_data_location" => Box::pin(by_location(c)),
        "metrics" => Box::pin(general(c)),
        _ => return None,
    })
}

fn metric(c: &Call, arg: &str) -> Result<Metric, Error> {
    let name = c.args.str(arg)?;
    Metric::parse(&name).ok_or_else(|| {
        invalid(format!(
            "{arg} {name:?} is not one of dataverses, datasets, files, downloads, accounts"
        ))
    })
}

fn location(s: &str) -> Result<DataLocation, Error> {
    match s {
        "local" => Ok(DataLocation::Local),
        "remote" => Ok(DataLocation::Remote),
        "all" => Ok(DataLocation::All),
        other => Err(invalid(format!(
            "data_location {other:?} is not one of local, remote, all"
        ))),
    }
}

/// The metrics API with `parent_alias` and `data_location` when given.
fn scoped(c: &Call) -> Result<MetricsApi<'_>, Error> {
    let mut m = c.api.metrics();
    if let Some(a) = c.args.opt_str("parent_alias")? {
        m = m.parent_alias(a);
    }
    if let Some(l) = c.args.opt_str("data_location")? {
        m = m.data_location(location(&l)?);
    }
    Ok(m)
}

async fn total(c: &Call) -> Result<Json, Error> {
    let metric = metric(c, "data_type")?;
    let m = scoped(c)?;
    ok(json!(match c.args.opt_str("date_str")? {
        Some(month) => m.to_month(metric, &month).await?,
        None => m.total(metric).await?,
    }))
}

fn days(c: &Call, arg: &str) -> Result<Option<u32>, Error> {
    c.args
        .opt_str(arg)?
        .map(|d| {
            d.parse::<u32>()
                .map_err(|_| invalid(format!("{arg} {d:?} is not a number of days")))
        })
        .transpose()
}

async fn past_days(c: &Call) -> Result<Json, Error> {
    let metric = metric(c, "data_type")?;
    let days = days(c, "days_str")?.ok_or_else(|| invalid("days_str is required"))?;
    ok(json!(scoped(c)?.past_days(metric, days).await?))
}

async fn by_location(c: &Call) -> Result<Json, Error> {
    let l = location(&c.args.str("data_location")?)?;
    let m = c.api.metrics().data_location(l);
    let m = match c.args.opt_str("parent_alias")? {
        Some(a) => m.parent_alias(a),
        None => m,
    };
    ok(json!(m.total(Metric::Datasets).await?))
}

async fn list(c: &Call, list: MetricList) -> Result<Json, Error> {
    let month = c.args.opt_str("date_str")?;
    rows(c, list, month.as_deref()).await
}

/// A list as rows, or as the server's CSV text with `csv=True`.
async fn rows(c: &Call, list: MetricList, month: Option<&str>) -> Result<Json, Error> {
    let m = scoped(c)?;
    if c.args.bool_or("csv", false)? {
        ok(json!(m.csv_to(list, month).await?))
    } else {
        to_json(&m.list_to(list, month).await?)
    }
}

/// Every list, by its path after `/api/info/metrics/`.
fn lists() -> impl Iterator<Item = MetricList> {
    Metric::ALL.into_iter().map(MetricList::Monthly).chain([
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
    ])
}

/// `metrics(name, to_month=, past_days=, parent_alias=, data_location=, csv=)`: a count
/// (`datasets`, ...) or a list (`datasets/bySubject`, `files/monthly`, ...).
async fn general(c: &Call) -> Result<Json, Error> {
    let name = c.args.str("name")?;
    let month = c.args.opt_str("to_month")?;
    let past = days(c, "past_days")?;
    if let Some(metric) = Metric::parse(&name) {
        if c.args.bool_or("csv", false)? {
            return Err(invalid(format!(
                "metrics/{name} is a count: it has no CSV form"
            )));
        }
        let m = scoped(c)?;
        return ok(json!(match (month, past) {
            (Some(_), Some(_)) => {
                return Err(invalid("give to_month or past_days, not both"));
            }
            (Some(month), None) => m.to_month(metric, &month).await?,
            (None, Some(days)) => m.past_days(metric, days).await?,
            (None, None) => m.total(metric).await?,
        }));
    }
    let list = lists().find(|l| l.path() == name).ok_or_else(|| {
        let known: Vec<String> = Metric::ALL
            .iter()
            .map(|m| m.as_str().to_string())
            .chain(lists().map(MetricList::path))
            .collect();
        invalid(format!("no metric {name:?} (known: {})", known.join(", ")))
    })?;
    if past.is_some() {
        return Err(invalid(format!(
            "metrics/{name} is a list: past_days applies to counts only"
        )));
    }
    rows(c, list, month.as_deref()).await
}
