//! Models of the Data Access API's access requests and of download sizes and counts.

use serde::{Deserialize, Serialize};

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
