//! Models of `/api/licenses`.

use serde::{Deserialize, Serialize};

use super::Extra;

/// A license an installation offers (`GET /api/licenses`, WIRE §4.11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct License {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Name, e.g. `"CC0 1.0"`.
    pub name: String,
    /// One-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_description: Option<String>,
    /// The license text's URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Whether it can be chosen for new datasets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Whether it is the installation's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Position in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
    /// E.g. the SPDX id `"CC0-1.0"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_identifier: Option<String>,
    /// E.g. `"SPDX"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_identifier_scheme: Option<String>,
    /// URI of the identifier scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_uri: Option<String>,
    /// Language of the license text, e.g. `"en"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Which license to fetch: a database id or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseRef {
    /// Database id (`GET /api/licenses/{id}`).
    Id(u64),
    /// A name (`"CC BY 4.0"`), an SPDX-style rights identifier (`"CC-BY-4.0"`) or a unique
    /// prefix of a name (`"CC BY"`), matched case-insensitively against the list.
    Name(String),
}

impl From<u64> for LicenseRef {
    fn from(id: u64) -> Self {
        LicenseRef::Id(id)
    }
}

impl From<&str> for LicenseRef {
    fn from(s: &str) -> Self {
        let t = s.trim();
        match t.parse::<u64>() {
            Ok(id) if !t.is_empty() => LicenseRef::Id(id),
            _ => LicenseRef::Name(t.to_string()),
        }
    }
}

impl From<String> for LicenseRef {
    fn from(s: String) -> Self {
        LicenseRef::from(s.as_str())
    }
}

impl From<&String> for LicenseRef {
    fn from(s: &String) -> Self {
        LicenseRef::from(s.as_str())
    }
}
