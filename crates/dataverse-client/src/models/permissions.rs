//! What the caller may do on a collection, a dataset or a file: the answers of the
//! `userPermissions` endpoints, with Dataverse's keys.

use serde::{Deserialize, Serialize};

use super::Extra;

/// The caller's permissions on a collection (`GET /api/dataverses/{id}/userPermissions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionPermissions {
    /// May create collections in it (`AddDataverse`).
    #[serde(default)]
    pub can_add_dataverse: bool,
    /// May create datasets in it (`AddDataset`).
    #[serde(default)]
    pub can_add_dataset: bool,
    /// May see it while unpublished (`ViewUnpublishedDataverse`).
    #[serde(default)]
    pub can_view_unpublished_dataverse: bool,
    /// May edit it (`EditDataverse`).
    #[serde(default)]
    pub can_edit_dataverse: bool,
    /// May assign roles on it (`ManageDataversePermissions`).
    #[serde(default)]
    pub can_manage_dataverse_permissions: bool,
    /// May publish it (`PublishDataverse`).
    #[serde(default)]
    pub can_publish_dataverse: bool,
    /// May delete it (`DeleteDataverse`).
    #[serde(default)]
    pub can_delete_dataverse: bool,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The caller's permissions on a dataset (`GET /api/datasets/{id}/userPermissions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetPermissions {
    /// May see its draft (`ViewUnpublishedDataset`).
    #[serde(default)]
    pub can_view_unpublished_dataset: bool,
    /// May edit it (`EditDataset`).
    #[serde(default)]
    pub can_edit_dataset: bool,
    /// May publish (and deaccession) it (`PublishDataset`).
    #[serde(default)]
    pub can_publish_dataset: bool,
    /// May assign roles on it (`ManageDatasetPermissions`).
    #[serde(default)]
    pub can_manage_dataset_permissions: bool,
    /// May delete its draft (`DeleteDatasetDraft`).
    #[serde(default)]
    pub can_delete_dataset_draft: bool,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The caller's permissions on a file (`GET /api/access/datafile/{id}/userPermissions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePermissions {
    /// May download it (`DownloadFile`; everybody may download the unrestricted files of
    /// a published version).
    #[serde(default)]
    pub can_download_file: bool,
    /// May grant access to it (`ManageFilePermissions`).
    #[serde(default)]
    pub can_manage_file_permissions: bool,
    /// May edit the dataset that holds it (`EditDataset`).
    #[serde(default)]
    pub can_edit_owner_dataset: bool,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_dataverses() {
        let c: CollectionPermissions = serde_json::from_value(serde_json::json!({
            "canAddDataverse": true, "canAddDataset": false, "canViewUnpublishedDataverse": true,
            "canEditDataverse": false, "canManageDataversePermissions": true,
            "canPublishDataverse": false, "canDeleteDataverse": true, "canFly": true
        }))
        .unwrap();
        assert!(c.can_add_dataverse && c.can_view_unpublished_dataverse);
        assert!(c.can_manage_dataverse_permissions && c.can_delete_dataverse);
        assert!(!c.can_add_dataset && !c.can_edit_dataverse && !c.can_publish_dataverse);
        assert_eq!(c.extra["canFly"], true);
        let d = serde_json::to_value(DatasetPermissions {
            can_publish_dataset: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            d,
            serde_json::json!({
                "canViewUnpublishedDataset": false, "canEditDataset": false,
                "canPublishDataset": true, "canManageDatasetPermissions": false,
                "canDeleteDatasetDraft": false
            })
        );
        let f: FilePermissions =
            serde_json::from_str(r#"{"canDownloadFile":true,"canManageFilePermissions":false,"canEditOwnerDataset":false}"#)
                .unwrap();
        assert!(f.can_download_file && !f.can_edit_owner_dataset);
    }
}
