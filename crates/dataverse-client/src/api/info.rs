//! `/api/info/*`: version, server, terms of use, export formats.

use std::collections::BTreeMap;

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::models::common::Message;
use crate::models::info::{Exporter, ServerInfo, VersionInfo};

impl NativeApi {
    /// The installation's Dataverse version and build.
    ///
    /// Endpoint: `GET /api/info/version`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let version = api.get_info_version().await?;
    /// println!("{:?} {:?}", version.version, version.build);
    /// # Ok(()) }
    /// ```
    pub async fn get_info_version(&self) -> Result<VersionInfo> {
        self.execute(Request::get("info").seg("version")).await
    }

    /// The host name the installation reports.
    ///
    /// Endpoint: `GET /api/info/server`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let server = api.get_info_server().await?;
    /// println!("{}", server.hostname);
    /// # Ok(()) }
    /// ```
    pub async fn get_info_server(&self) -> Result<ServerInfo> {
        let hostname = self
            .execute_message(Request::get("info").seg("server"))
            .await?;
        Ok(ServerInfo { hostname })
    }

    /// The installation's API terms of use.
    ///
    /// Endpoint: `GET /api/info/apiTermsOfUse`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let terms = api.get_info_api_terms_of_use().await?;
    /// println!("{}", terms.message);
    /// # Ok(()) }
    /// ```
    pub async fn get_info_api_terms_of_use(&self) -> Result<Message> {
        let message = self
            .execute_message(Request::get("info").seg("apiTermsOfUse"))
            .await?;
        Ok(Message { message })
    }

    /// The metadata export formats, keyed by exporter name (`ddi`, `dataverse_json`, ...).
    ///
    /// Endpoint: `GET /api/info/exportFormats`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for (name, exporter) in api.get_export_formats().await? {
    ///     println!("{name} -> {:?}", exporter.display_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_export_formats(&self) -> Result<BTreeMap<String, Exporter>> {
        self.execute(Request::get("info").seg("exportFormats"))
            .await
    }
}
