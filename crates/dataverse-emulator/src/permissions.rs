//! Dataverse's permission model: the [`Permission`] enum, roles as permission sets, and
//! [`permitted`], which answers "may this caller do X on this object?" from the role
//! assignments on the object and on every ancestor collection.

use rusqlite::{Connection, OptionalExtension};

use crate::Error;
use crate::auth::Caller;
use crate::envelope::ApiError;

/// A Dataverse permission (`edu.harvard.iq.dataverse.authorization.Permission`), in
/// declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Permission {
    AddDataverse,
    AddDataset,
    ViewUnpublishedDataverse,
    ViewUnpublishedDataset,
    DownloadFile,
    EditDataverse,
    EditDataset,
    ManageDataversePermissions,
    ManageDatasetPermissions,
    ManageFilePermissions,
    PublishDataverse,
    PublishDataset,
    LinkDataverse,
    LinkDataset,
    DeleteDataverse,
    DeleteDatasetDraft,
}

impl Permission {
    /// Every permission, in declaration order (what `"ALL"` in a role means).
    pub(crate) const ALL: [Permission; 16] = [
        Permission::AddDataverse,
        Permission::AddDataset,
        Permission::ViewUnpublishedDataverse,
        Permission::ViewUnpublishedDataset,
        Permission::DownloadFile,
        Permission::EditDataverse,
        Permission::EditDataset,
        Permission::ManageDataversePermissions,
        Permission::ManageDatasetPermissions,
        Permission::ManageFilePermissions,
        Permission::PublishDataverse,
        Permission::PublishDataset,
        Permission::LinkDataverse,
        Permission::LinkDataset,
        Permission::DeleteDataverse,
        Permission::DeleteDatasetDraft,
    ];

    /// The wire name (`"AddDataverse"`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Permission::AddDataverse => "AddDataverse",
            Permission::AddDataset => "AddDataset",
            Permission::ViewUnpublishedDataverse => "ViewUnpublishedDataverse",
            Permission::ViewUnpublishedDataset => "ViewUnpublishedDataset",
            Permission::DownloadFile => "DownloadFile",
            Permission::EditDataverse => "EditDataverse",
            Permission::EditDataset => "EditDataset",
            Permission::ManageDataversePermissions => "ManageDataversePermissions",
            Permission::ManageDatasetPermissions => "ManageDatasetPermissions",
            Permission::ManageFilePermissions => "ManageFilePermissions",
            Permission::PublishDataverse => "PublishDataverse",
            Permission::PublishDataset => "PublishDataset",
            Permission::LinkDataverse => "LinkDataverse",
            Permission::LinkDataset => "LinkDataset",
            Permission::DeleteDataverse => "DeleteDataverse",
            Permission::DeleteDatasetDraft => "DeleteDatasetDraft",
        }
    }

    /// Whether only authenticated users can hold it (`Permission.requiresAuthenticatedUser`):
    /// every permission but the three read ones. Guests and private-URL users never have
    /// these, whatever is assigned to `:guest`.
    pub(crate) fn requires_authenticated_user(self) -> bool {
        !matches!(
            self,
            Permission::ViewUnpublishedDataverse
                | Permission::ViewUnpublishedDataset
                | Permission::DownloadFile
        )
    }

    /// Parse a wire name (exact case).
    pub(crate) fn from_name(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The permissions of a role, from its stored `permissions` column (a JSON array of names,
/// `"ALL"` meaning every permission), in declaration order.
pub(crate) fn role_permissions(stored: &str) -> Vec<Permission> {
    let names: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    if names.iter().any(|n| n == "ALL") {
        return Permission::ALL.to_vec();
    }
    let mut granted: Vec<Permission> = names
        .iter()
        .filter_map(|n| Permission::from_name(n))
        .collect();
    granted.sort_by_key(|p| Permission::ALL.iter().position(|q| q == p));
    granted.dedup();
    granted
}

/// Whether a stored role permission list grants `permission`.
fn grants(stored: &str, permission: Permission) -> bool {
    role_permissions(stored).contains(&permission)
}

/// An object permissions are checked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DvObject {
    /// A collection (dataverse) by id.
    Collection(i64),
    /// A dataset by id.
    Dataset(i64),
}

/// The assignee identifiers a caller acts as: `@user`, `:authenticated-users`, `:guest`.
pub(crate) fn assignees(caller: &Caller) -> Vec<String> {
    match caller {
        Caller::Guest => vec![":guest".to_string()],
        Caller::PrivateUrl(id) => vec![format!("!{id}")],
        Caller::User(u) => vec![
            u.identifier(),
            ":authenticated-users".to_string(),
            ":guest".to_string(),
        ],
    }
}

/// Whether `caller` has `permission` on `object`: superusers always; anyone else through a
/// role assignment (to them, to `:authenticated-users` when authenticated, or to `:guest`) on
/// the object or on any collection above it.
pub(crate) fn permitted(
    conn: &Connection,
    caller: &Caller,
    permission: Permission,
    object: DvObject,
) -> Result<bool, Error> {
    if caller.is_superuser() {
        return Ok(true);
    }
    if caller.user().is_some_and(|u| u.deactivated) {
        return Ok(false);
    }
    // `PermissionServiceBean.hasPermissionsFor`: unauthenticated callers never hold the
    // permissions reserved to authenticated users.
    if caller.user().is_none() && permission.requires_authenticated_user() {
        return Ok(false);
    }
    let (start, dataset) = match object {
        DvObject::Collection(id) => (Some(id), None),
        DvObject::Dataset(id) => {
            let owner: Option<i64> = conn
                .query_row("SELECT owner_id FROM datasets WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            (owner, Some(id))
        }
    };
    let who = assignees(caller);
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE chain(id) AS (
             SELECT ?1
             UNION ALL
             SELECT d.owner_id FROM dataverses d JOIN chain c ON d.id = c.id
             WHERE d.owner_id IS NOT NULL
         )
         SELECT r.permissions FROM role_assignments a JOIN roles r ON r.id = a.role_id
         WHERE (a.definition_point_id IN (SELECT id FROM chain) OR a.definition_point_id = ?2)
           AND a.assignee IN (?3, ?4, ?5)",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        start.unwrap_or(-1),
        dataset.unwrap_or(-1),
        who.first().map(String::as_str).unwrap_or(":guest"),
        who.get(1).map(String::as_str).unwrap_or(":guest"),
        who.get(2).map(String::as_str).unwrap_or(":guest"),
    ])?;
    while let Some(row) = rows.next()? {
        let stored: String = row.get(0)?;
        if grants(&stored, permission) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Dataverse's answer to a `PermissionException`: 401
/// `User @name is not permitted to perform requested action.`
pub(crate) fn denied(caller: &Caller) -> ApiError {
    ApiError::unauthorized(format!(
        "User {} is not permitted to perform requested action.",
        caller.identifier()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_all() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_name(p.name()), Some(p));
        }
        assert_eq!(role_permissions(r#"["ALL"]"#).len(), 16);
        assert_eq!(
            role_permissions(r#"["AddDataset","DownloadFile"]"#),
            vec![Permission::AddDataset, Permission::DownloadFile]
        );
        assert!(role_permissions("not json").is_empty());
    }

    #[test]
    fn only_read_permissions_are_open_to_guests() {
        let open: Vec<Permission> = Permission::ALL
            .into_iter()
            .filter(|p| !p.requires_authenticated_user())
            .collect();
        assert_eq!(
            open,
            vec![
                Permission::ViewUnpublishedDataverse,
                Permission::ViewUnpublishedDataset,
                Permission::DownloadFile
            ]
        );
    }
}
