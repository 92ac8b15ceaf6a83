//! Models of `/api/info/metrics` answers: a single `{"count": N}` and the rows of the lists
//! (time series, by category, subject or content type, downloads per file or dataset).

use serde::{Deserialize, Serialize};

use super::Extra;

/// `{"count": N}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricCount {
    /// The count.
    pub count: u64,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One row of a metrics list. Which fields are set depends on the list: `date` and `count`
/// in time series, `category`/`subject` with `count`, `contenttype` with `count` and `size`,
/// `id`/`pid` with `count` for downloads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    /// Month, `YYYY-MM` (time series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Collection category (`Laboratory`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Subject (`Chemistry`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// File content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contenttype: Option<String>,
    /// Database id of a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// PID of a dataset or file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    /// The count (a running total in time series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Total size in bytes (by content type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
