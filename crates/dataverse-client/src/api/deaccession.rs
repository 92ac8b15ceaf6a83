//! Deaccessioning a published dataset version: `POST /api/datasets/{id}/versions/{v}/deaccession`.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, Version};
use crate::models::common::Message;

impl NativeApi {
    /// Deaccession a published version (`:latest-published` or a number) with a reason and
    /// an optional forwarding URL: it stays in the version list of those who may edit the
    /// dataset, answers reads only with `includeDeaccessioned`, leaves the search results
    /// of the public and stops being exported. Needs `PublishDataset`. Not re-sent once it
    /// may have reached the server.
    ///
    /// The reason must not be empty (Dataverse answers a 500 without one); the server
    /// refuses `:draft` and `:latest` (400) and versions already deaccessioned (404).
    ///
    /// Endpoint: `POST /api/datasets/{id}/versions/{v}/deaccession`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// api.deaccession_dataset(
    ///     "doi:10.5072/FK2/ABC123",
    ///     Version::parse("1.0")?,
    ///     "Superseded by a corrected dataset.",
    ///     Some("https://doi.org/10.5072/FK2/NEW456"),
    /// )
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub async fn deaccession_dataset(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Version,
        reason: &str,
        forward_url: Option<&str>,
    ) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        if reason.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "a reason for the deaccession is required".into(),
            ));
        }
        let mut body = serde_json::json!({ "deaccessionReason": reason });
        if let Some(url) = forward_url {
            body["deaccessionForwardURL"] = url.into();
        }
        let req = Request::post("datasets")
            .id(&id)
            .seg("versions")
            .seg(version)
            .seg("deaccession")
            .json(body);
        Ok(Message {
            message: self.execute_message(req).await?,
        })
    }
}
