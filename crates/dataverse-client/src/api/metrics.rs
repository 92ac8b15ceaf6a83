//! `/api/info/metrics` (pyDataverse's `MetricsApi`): counts of collections, datasets,
//! files, downloads and accounts, and the lists behind them, as typed JSON or as the
//! server's own CSV.
//!
//! ```no_run
//! # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
//! use dataverse_client::api::metrics::{MetricList, Metric};
//! let metrics = api.metrics();
//! println!("{} datasets", metrics.total(Metric::Datasets).await?);
//! println!("{} new this week", metrics.past_days(Metric::Datasets, 7).await?);
//! for row in metrics.list(MetricList::Monthly(Metric::Files)).await? {
//!     println!("{:?} {:?}", row.date, row.count);
//! }
//! let csv = metrics.parent_alias("lab").csv(MetricList::DataversesBySubject).await?;
//! # Ok(()) }
//! ```

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::models::metrics::{MetricCount, MetricRow};

/// A metric with a total, a count to a month and one over the past days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Published collections.
    Dataverses,
    /// Published datasets (`dataLocation` applies).
    Datasets,
    /// Files of published datasets.
    Files,
    /// Downloads (guestbook responses).
    Downloads,
    /// User accounts (no `parentAlias`).
    Accounts,
}

impl Metric {
    /// Every metric, in this order.
    pub const ALL: [Metric; 5] = [
        Metric::Dataverses,
        Metric::Datasets,
        Metric::Files,
        Metric::Downloads,
        Metric::Accounts,
    ];

    /// The path segment (`dataverses`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Dataverses => "dataverses",
            Metric::Datasets => "datasets",
            Metric::Files => "files",
            Metric::Downloads => "downloads",
            Metric::Accounts => "accounts",
        }
    }

    /// Parse a path segment.
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A metrics list: answered as rows ([`MetricsApi::list`]) or as CSV ([`MetricsApi::csv`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricList {
    /// Running totals per month (`{metric}/monthly`).
    Monthly(Metric),
    /// Published collections per category (`dataverses/byCategory`).
    DataversesByCategory,
    /// Collections per subject (`dataverses/bySubject`).
    DataversesBySubject,
    /// Published datasets per subject (`datasets/bySubject`; a month applies).
    DatasetsBySubject,
    /// Files per content type, with sizes (`files/byType`).
    FilesByType,
    /// Files per month and content type (`files/byType/monthly`).
    FilesByTypeMonthly,
    /// Downloads per file (`filedownloads`; a month applies).
    FileDownloads,
    /// Downloads per month and file (`filedownloads/monthly`).
    FileDownloadsMonthly,
    /// Distinct downloaders per dataset (`uniquedownloads`; a month applies).
    UniqueDownloads,
    /// Distinct downloaders per month and dataset (`uniquedownloads/monthly`).
    UniqueDownloadsMonthly,
    /// Distinct downloaders per file (`uniquefiledownloads`; a month applies).
    UniqueFileDownloads,
    /// Distinct downloaders per month and file (`uniquefiledownloads/monthly`).
    UniqueFileDownloadsMonthly,
}

impl MetricList {
    /// The path after `/api/info/metrics/`.
    pub fn path(self) -> String {
        match self {
            MetricList::Monthly(m) => format!("{}/monthly", m.as_str()),
            MetricList::DataversesByCategory => "dataverses/byCategory".into(),
            MetricList::DataversesBySubject => "dataverses/bySubject".into(),
            MetricList::DatasetsBySubject => "datasets/bySubject".into(),
            MetricList::FilesByType => "files/byType".into(),
            MetricList::FilesByTypeMonthly => "files/byType/monthly".into(),
            MetricList::FileDownloads => "filedownloads".into(),
            MetricList::FileDownloadsMonthly => "filedownloads/monthly".into(),
            MetricList::UniqueDownloads => "uniquedownloads".into(),
            MetricList::UniqueDownloadsMonthly => "uniquedownloads/monthly".into(),
            MetricList::UniqueFileDownloads => "uniquefiledownloads".into(),
            MetricList::UniqueFileDownloadsMonthly => "uniquefiledownloads/monthly".into(),
        }
    }

    /// Whether the list can be asked up to a month (`.../toMonth/{YYYY-MM}`).
    pub fn takes_month(self) -> bool {
        matches!(
            self,
            MetricList::DatasetsBySubject
                | MetricList::FileDownloads
                | MetricList::UniqueDownloads
                | MetricList::UniqueFileDownloads
        )
    }
}

/// Where datasets live (`dataLocation`): local (the default), harvested, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataLocation {
    /// Deposited here.
    Local,
    /// Harvested from elsewhere.
    Remote,
    /// Both.
    All,
}

impl DataLocation {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            DataLocation::Local => "local",
            DataLocation::Remote => "remote",
            DataLocation::All => "all",
        }
    }
}

/// The metrics endpoints, with an optional `parentAlias` and `dataLocation` (see
/// [`NativeApi::metrics`]). Cheap to clone.
#[derive(Debug, Clone)]
pub struct MetricsApi<'a> {
    api: &'a NativeApi,
    parent_alias: Option<String>,
    data_location: Option<DataLocation>,
}

/// Check a `YYYY-MM` month locally (the server names the problem too, but only after a
/// round trip).
fn check_month(month: &str) -> Result<()> {
    let b = month.as_bytes();
    let ok = b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(month[5..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "month {month:?} is not of the form YYYY-MM"
        )))
    }
}

impl NativeApi {
    /// The metrics endpoints (`/api/info/metrics/*`, no authentication).
    pub fn metrics(&self) -> MetricsApi<'_> {
        MetricsApi {
            api: self,
            parent_alias: None,
            data_location: None,
        }
    }
}

impl MetricsApi<'_> {
    /// Count only within this published collection's subtree (`parentAlias`; an unpublished
    /// one counts the whole installation, as in Dataverse).
    pub fn parent_alias(mut self, alias: impl Into<String>) -> Self {
        self.parent_alias = Some(alias.into());
        self
    }

    /// Count local, harvested or all datasets (`dataLocation`; dataset metrics only).
    pub fn data_location(mut self, location: DataLocation) -> Self {
        self.data_location = Some(location);
        self
    }

    fn request(&self, path: &str, datasets: bool, accounts: bool) -> Request {
        let mut req = Request::get("info").seg("metrics");
        for seg in path.split('/') {
            req = req.seg(seg);
        }
        if let (Some(a), false) = (&self.parent_alias, accounts) {
            req = req.query("parentAlias", a);
        }
        if let (Some(l), true) = (self.data_location, datasets) {
            req = req.query("dataLocation", l.as_str());
        }
        req
    }

    fn count_request(&self, metric: Metric, suffix: &str) -> Request {
        self.request(
            &format!("{}{suffix}", metric.as_str()),
            metric == Metric::Datasets,
            metric == Metric::Accounts,
        )
    }

    /// The count up to now.
    ///
    /// Endpoint: `GET /api/info/metrics/{metric}`
    pub async fn total(&self, metric: Metric) -> Result<u64> {
        let c: MetricCount = self.api.execute(self.count_request(metric, "")).await?;
        Ok(c.count)
    }

    /// The count up to the end of `month` (`YYYY-MM`, not after the current month).
    ///
    /// Endpoint: `GET /api/info/metrics/{metric}/toMonth/{month}`
    pub async fn to_month(&self, metric: Metric, month: &str) -> Result<u64> {
        check_month(month)?;
        let req = self.count_request(metric, &format!("/toMonth/{month}"));
        let c: MetricCount = self.api.execute(req).await?;
        Ok(c.count)
    }

    /// The count over the past `days` days (at least 1).
    ///
    /// Endpoint: `GET /api/info/metrics/{metric}/pastDays/{days}`
    pub async fn past_days(&self, metric: Metric, days: u32) -> Result<u64> {
        if days < 1 {
            return Err(Error::InvalidArgument(
                "the number of days must be at least 1".into(),
            ));
        }
        let req = self.count_request(metric, &format!("/pastDays/{days}"));
        let c: MetricCount = self.api.execute(req).await?;
        Ok(c.count)
    }

    fn list_request(&self, list: MetricList, month: Option<&str>) -> Result<Request> {
        let mut path = list.path();
        if let Some(m) = month {
            if !list.takes_month() {
                return Err(Error::InvalidArgument(format!(
                    "metrics/{path} cannot be asked up to a month"
                )));
            }
            check_month(m)?;
            path = format!("{path}/toMonth/{m}");
        }
        let datasets = matches!(
            list,
            MetricList::Monthly(Metric::Datasets) | MetricList::DatasetsBySubject
        );
        let accounts = list == MetricList::Monthly(Metric::Accounts);
        Ok(self.request(&path, datasets, accounts))
    }

    /// A list as rows (asked as JSON).
    ///
    /// Endpoint: `GET /api/info/metrics/{list}` with `Accept: application/json`
    pub async fn list(&self, list: MetricList) -> Result<Vec<MetricRow>> {
        self.list_to(list, None).await
    }

    /// A list as rows, up to `month` when given (only for lists that
    /// [take one](MetricList::takes_month)).
    ///
    /// Endpoint: `GET /api/info/metrics/{list}[/toMonth/{month}]` with
    /// `Accept: application/json`
    pub async fn list_to(&self, list: MetricList, month: Option<&str>) -> Result<Vec<MetricRow>> {
        let req = self
            .list_request(list, month)?
            .header("Accept", "application/json");
        self.api.execute(req).await
    }

    /// A list as the server's CSV text (a header line, quoted strings, no final newline).
    ///
    /// Endpoint: `GET /api/info/metrics/{list}[/toMonth/{month}]` with `Accept: text/csv`
    pub async fn csv(&self, list: MetricList) -> Result<String> {
        self.csv_to(list, None).await
    }

    /// [`csv`](Self::csv) up to `month` when given.
    pub async fn csv_to(&self, list: MetricList, month: Option<&str>) -> Result<String> {
        let req = self.list_request(list, month)?.header("Accept", "text/csv");
        self.api.execute_text(req).await
    }

    /// Running totals per month of a metric (JSON).
    ///
    /// Endpoint: `GET /api/info/metrics/{metric}/monthly`
    pub async fn monthly(&self, metric: Metric) -> Result<Vec<MetricRow>> {
        self.list(MetricList::Monthly(metric)).await
    }

    /// Collections per subject.
    ///
    /// Endpoint: `GET /api/info/metrics/dataverses/bySubject`
    pub async fn dataverses_by_subject(&self) -> Result<Vec<MetricRow>> {
        self.list(MetricList::DataversesBySubject).await
    }

    /// Published collections per category.
    ///
    /// Endpoint: `GET /api/info/metrics/dataverses/byCategory`
    pub async fn dataverses_by_category(&self) -> Result<Vec<MetricRow>> {
        self.list(MetricList::DataversesByCategory).await
    }

    /// Published datasets per subject, up to `month` when given.
    ///
    /// Endpoint: `GET /api/info/metrics/datasets/bySubject[/toMonth/{month}]`
    pub async fn datasets_by_subject(&self, month: Option<&str>) -> Result<Vec<MetricRow>> {
        self.list_to(MetricList::DatasetsBySubject, month).await
    }

    /// Files per content type, with their total size.
    ///
    /// Endpoint: `GET /api/info/metrics/files/byType`
    pub async fn files_by_type(&self) -> Result<Vec<MetricRow>> {
        self.list(MetricList::FilesByType).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_checked_locally() {
        assert!(check_month("2024-05").is_ok());
        for bad in ["2024-5", "2024-13", "24-05", "2024/05", "2024-05-01", ""] {
            assert!(check_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn requests_carry_scope_only_where_it_applies() {
        let api = NativeApi::new("https://demo.example").unwrap();
        let m = api
            .metrics()
            .parent_alias("lab")
            .data_location(DataLocation::All);
        let url = |r: Request| api.url_for(&r).to_string();
        assert_eq!(
            url(m.count_request(Metric::Datasets, "/pastDays/7")),
            "https://demo.example/api/info/metrics/datasets/pastDays/7?parentAlias=lab&dataLocation=all"
        );
        assert_eq!(
            url(m.count_request(Metric::Files, "")),
            "https://demo.example/api/info/metrics/files?parentAlias=lab"
        );
        assert_eq!(
            url(m.count_request(Metric::Accounts, "")),
            "https://demo.example/api/info/metrics/accounts"
        );
        assert_eq!(
            url(m
                .list_request(MetricList::DatasetsBySubject, Some("2024-05"))
                .unwrap()),
            "https://demo.example/api/info/metrics/datasets/bySubject/toMonth/2024-05?parentAlias=lab&dataLocation=all"
        );
        assert!(
            m.list_request(MetricList::FilesByType, Some("2024-05"))
                .is_err()
        );
    }
}
