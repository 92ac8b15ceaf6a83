//! Models of `/api/info/*`.

use serde::{Deserialize, Serialize};

use super::Extra;

/// `GET /api/info/version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// The Dataverse version, e.g. `"6.11"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The build string (a branch or commit; `null` on some installations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /api/info/server`: the server's host name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The fully qualified host name the installation reports.
    pub hostname: String,
}

/// One exporter of `GET /api/info/exportFormats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exporter {
    /// Human-readable name, e.g. `"DDI Codebook v2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Media type of the exported document, e.g. `"application/xml"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Offered over OAI-PMH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_harvestable: Option<bool>,
    /// Shown in the web interface's export menu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_visible_in_user_interface: Option<bool>,
    /// XML namespace (XML exporters).
    #[serde(
        rename = "XMLNameSpace",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub xml_namespace: Option<String>,
    /// XML schema location (XML exporters).
    #[serde(
        rename = "XMLSchemaLocation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub xml_schema_location: Option<String>,
    /// XML schema version (XML exporters).
    #[serde(
        rename = "XMLSchemaVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub xml_schema_version: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
