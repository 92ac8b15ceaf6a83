//! Models of the Data Access API's access requests and of download sizes and counts.

use serde::{Deserialize, Serialize};

use super::Extra;
use super::users::AuthenticatedUser;

/// One request for access to a restricted file (`GET /api/access/datafile/{id}/listRequests`):
/// the requesting user as `JsonPrinter.json(AuthenticatedUser)` prints it, plus the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileAccessRequest {
    /// `created` (open), `granted` or `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
    /// The user who asked (unknown fields kept in its `extra`).
    #[serde(flatten)]
    pub user: AuthenticatedUser,
}

/// `GET /api/datasets/{id}/versions/{v}/downloadsize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadSize {
    /// Total bytes of the selected files.
    pub storage_size: u64,
    /// The server's sentence (`Total size of the files available for download ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One data table of an ingested file (`GET /api/files/{id}/dataTables`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataTable {
    /// Number of variables (columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub var_quantity: Option<u64>,
    /// Number of cases (rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_quantity: Option<u64>,
    /// The table's UNF, where the server computed one.
    #[serde(default, rename = "UNF", skip_serializing_if = "Option::is_none")]
    pub unf: Option<String>,
    /// The variables, in file order.
    #[serde(default)]
    pub data_variables: Vec<DataVariable>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One variable of a data table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataVariable {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The variable's name (the column header).
    pub name: String,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `NUMERIC` or `CHARACTER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable_format_type: Option<String>,
    /// `discrete`, `contin`, `nominal`, `dichotomous`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable_interval_type: Option<String>,
    /// Position in the file (from 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_order: Option<u64>,
    /// Summary statistics by Dataverse's labels (`mean`, `medn`, `mode`, `min`, `max`,
    /// `stdev`, `vald`, `invd`), values as the server wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_statistics: Option<serde_json::Map<String, serde_json::Value>>,
    /// Fields this library does not know (categories, invalid ranges, metadata, ...).
    #[serde(flatten)]
    pub extra: Extra,
}
