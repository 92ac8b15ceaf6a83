//! `/api/datasets/{id}`: datasets and their versions.

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::ids::{PersistentOrId, Version};
use crate::models::datasets::DatasetVersion;

impl NativeApi {
    /// One version of a dataset without its file list (the crawl's title read).
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}?excludeFiles=true`
    pub(crate) async fn get_dataset_version_brief(
        &self,
        id: &PersistentOrId,
        version: Version,
    ) -> Result<DatasetVersion> {
        let req = Request::get(&["datasets", &id.segment(), "versions", &version.segment()])
            .target(id)
            .query("excludeFiles", "true");
        self.execute(req).await
    }
}
