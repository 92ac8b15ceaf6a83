//! Models of roles and role assignments (WIRE §4.6, §4.7).

use serde::{Deserialize, Serialize};

use super::Extra;

/// A role: a named set of permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Alias, e.g. `curator`.
    pub alias: String,
    /// Name, e.g. `Curator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Permission names (`ViewUnpublishedDataset`, ... or `ALL`).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The collection that defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<u64>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

super::string_enum! {
    /// The kind of object a role is granted on.
    DefinitionPointType {
        /// A collection.
        Dataverse = "Dataverse",
        /// A dataset.
        Dataset = "Dataset",
        /// A file.
        DataFile = "DataFile",
    }
}

/// A role granted to someone on a collection, dataset or file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Who: `@user`, `:authenticated-users`, `&explicit/...`, `!<datasetId>` (preview URL).
    pub assignee: String,
    /// The assignee's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_name: Option<String>,
    /// Role id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<u64>,
    /// Role name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// Role description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_description: Option<String>,
    /// Role alias.
    #[serde(
        rename = "_roleAlias",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub role_alias: Option<String>,
    /// The preview URL token, for a preview URL's assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_url_token: Option<String>,
    /// Id of the object the role is granted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_point_id: Option<u64>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_point_name: Option<String>,
    /// `Dataverse`, `Dataset` or `DataFile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_point_type: Option<DefinitionPointType>,
    /// Its PID, for datasets and files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_point_global_id: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
