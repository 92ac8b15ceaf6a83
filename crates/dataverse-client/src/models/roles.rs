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

/// The body of a new role (`RoleDTO`): `POST /api/roles?dvo=` or
/// `POST /api/dataverses/{id}/roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDefinition {
    /// Unique across the installation: letters, digits, `_` and `-`, at most 16.
    pub alias: String,
    /// Display name.
    pub name: String,
    /// Description (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Permission names (`AddDataset`, `DownloadFile`, ...), or `["ALL"]`.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// The permission names Dataverse knows (`Permission`), in declaration order.
pub const PERMISSIONS: [&str; 16] = [
    "AddDataverse",
    "AddDataset",
    "ViewUnpublishedDataverse",
    "ViewUnpublishedDataset",
    "DownloadFile",
    "EditDataverse",
    "EditDataset",
    "ManageDataversePermissions",
    "ManageDatasetPermissions",
    "ManageFilePermissions",
    "PublishDataverse",
    "PublishDataset",
    "LinkDataverse",
    "LinkDataset",
    "DeleteDataverse",
    "DeleteDatasetDraft",
];

impl RoleDefinition {
    /// A role with these permissions.
    pub fn new(
        alias: impl Into<String>,
        name: impl Into<String>,
        permissions: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        RoleDefinition {
            alias: alias.into(),
            name: name.into(),
            description: None,
            permissions: permissions.into_iter().map(Into::into).collect(),
        }
    }

    /// Set the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Check what Dataverse would fail on with an internal error: the alias (non-empty,
    /// `[A-Za-z0-9_-]`, at most 16), a name, the description's length and the permission
    /// names (`ALL` first, or each one of [`PERMISSIONS`]).
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: String| Err(crate::Error::InvalidArgument(m));
        if self.alias.is_empty()
            || self.alias.chars().count() > 16
            || !self
                .alias
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return bad(format!(
                "role alias {:?} must be 1 to 16 letters, digits, '_' or '-'",
                self.alias
            ));
        }
        if self.name.is_empty() {
            return bad("a role needs a name".into());
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 255)
        {
            return bad("a role description has at most 255 characters".into());
        }
        let all = self
            .permissions
            .first()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("all"));
        if !all
            && let Some(p) = self
                .permissions
                .iter()
                .find(|p| !PERMISSIONS.contains(&p.as_str()))
        {
            return bad(format!(
                "unknown permission {p:?} (known: ALL, {})",
                PERMISSIONS.join(", ")
            ));
        }
        Ok(())
    }
}

/// A role named by database id or by alias (`GET /api/roles/{id}` or
/// `/api/roles/:alias?alias=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    /// By database id.
    Id(u64),
    /// By alias.
    Alias(String),
}

impl From<u64> for RoleRef {
    fn from(id: u64) -> Self {
        RoleRef::Id(id)
    }
}

impl From<&str> for RoleRef {
    /// Digits are an id; anything else an alias.
    fn from(s: &str) -> Self {
        match s.parse::<u64>() {
            Ok(id) => RoleRef::Id(id),
            Err(_) => RoleRef::Alias(s.to_string()),
        }
    }
}

impl From<String> for RoleRef {
    fn from(s: String) -> Self {
        RoleRef::from(s.as_str())
    }
}

/// The body of a new role assignment (`RoleAssignmentDTO`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRequest {
    /// `@username`, `:authenticated-users`, `:guest`, `&explicit/...`.
    pub assignee: String,
    /// The role's alias.
    pub role: String,
}
