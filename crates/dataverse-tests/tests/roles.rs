//! Roles and role assignments through the library against the embedded Dataverse: the
//! roles available on a collection, creating, showing and deleting custom roles with every
//! error case, assignments on collections and datasets, and a custom role granting its
//! permission to a second user end to end.

mod common;

use dataverse_client::models::collections::CollectionCreateBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::models::roles::{RoleDefinition, RoleRef};
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

async fn user(server: &TestServer, name: &str) -> NativeApi {
    let http = reqwest::Client::new();
    let token = common::create_user(&http, &server.base_url, name).await;
    common::client(&server.base_url, Some(&token))
}

fn message(e: &Error) -> String {
    e.api_error()
        .map(|a| a.message.clone())
        .unwrap_or_else(|| e.to_string())
}

#[tokio::test]
async fn available_roles_create_show_delete() {
    let server = TestServer::start().await;
    let api = server.admin();
    let builtin: Vec<String> = api
        .get_dataverse_roles(":root")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.alias)
        .collect();
    assert_eq!(
        builtin,
        [
            "admin",
            "fileDownloader",
            "fullContributor",
            "dvContributor",
            "dsContributor",
            "contributor",
            "curator",
            "member"
        ]
    );

    api.create_collection(":root", &CollectionCreateBody::new("Lab", "lab", "l@b.org"))
        .await
        .unwrap();
    let def = RoleDefinition::new("dlOnly", "Download only", ["DownloadFile"])
        .description("Downloads files");
    let role = api.create_role("lab", &def).await.unwrap();
    assert_eq!(role.alias, "dlOnly");
    assert_eq!(role.name.as_deref(), Some("Download only"));
    assert_eq!(role.permissions, ["DownloadFile"]);
    assert_eq!(role.description.as_deref(), Some("Downloads files"));
    let id = role.id.unwrap();
    assert_eq!(id, 9);

    // Available on lab (defined there) but not on root; id 9 comes first, as in Dataverse's
    // HashSet of roles.
    let on_lab: Vec<String> = api
        .get_dataverse_roles("lab")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.alias)
        .collect();
    assert_eq!(on_lab.first().map(String::as_str), Some("dlOnly"));
    assert_eq!(on_lab.len(), 9);
    assert_eq!(api.get_dataverse_roles(":root").await.unwrap().len(), 8);

    // Shown by id and by alias; the JSON of a built-in role through the superuser.
    assert_eq!(api.show_role(id).await.unwrap(), role);
    assert_eq!(api.show_role("dlOnly").await.unwrap(), role);
    let all = api
        .create_role(
            "lab",
            &RoleDefinition::new("everything", "Everything", ["ALL"]),
        )
        .await
        .unwrap();
    assert_eq!(all.permissions.len(), 16);
    let curator = api.show_role("curator").await.unwrap();
    assert_eq!(curator.owner_id, None);

    // The errors, in Dataverse's words.
    let e = api.create_role("lab", &def).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert_eq!(message(&e), "Role with this alias already exists.");
    let e = api
        .create_role("nowhere", &RoleDefinition::new("x1", "X", ["DownloadFile"]))
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "Can't find dataverse with identifier='nowhere'"
    );
    let e = api
        .create_role("lab", &RoleDefinition::new("x1", "X", ["Fly"]))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument(_)),
        "checked locally: {e:?}"
    );
    let e = api.show_role(999u64).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert_eq!(message(&e), "Dataverse Role with ID 999 not found.");
    let e = api.show_role("nosuch").await.unwrap_err();
    assert_eq!(message(&e), "Dataverse Role with alias nosuch not found.");
    let e = api.delete_role("curator").await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)));
    assert_eq!(message(&e), "May not delete Built In Role Curator.");

    // Others: a plain user may neither create nor see roles.
    let uma = user(&server, "uma").await;
    let e = uma
        .create_role("lab", &RoleDefinition::new("x2", "X", ["DownloadFile"]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    assert_eq!(
        message(&e),
        "User @uma is not permitted to perform requested action."
    );
    let e = uma.show_role(id).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)));
    assert_eq!(message(&e), "Permission required to view roles.");
    assert!(matches!(
        uma.get_dataverse_roles("lab").await,
        Err(Error::Unauthorized(_))
    ));
    // A collection admin sees the roles defined there but still may not create one.
    api.set_collection_assignment("lab", "@uma", "admin")
        .await
        .unwrap();
    assert_eq!(uma.show_role("dlOnly").await.unwrap().id, Some(id));
    let e = uma
        .create_role("lab", &RoleDefinition::new("x3", "X", ["DownloadFile"]))
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "Roles can only be created or edited by superusers."
    );

    // Deleting a role takes its assignments with it.
    api.set_collection_assignment("lab", "@uma", "dlOnly")
        .await
        .unwrap();
    let m = api
        .delete_role(RoleRef::Alias("dlOnly".into()))
        .await
        .unwrap();
    assert_eq!(m, "role Download only deleted.");
    let left = api.get_collection_assignments("lab").await.unwrap();
    assert!(
        left.iter()
            .all(|a| a.role_alias.as_deref() != Some("dlOnly"))
    );
    assert!(matches!(api.show_role(id).await, Err(Error::NotFound(_))));
    server.stop().await;
}

#[tokio::test]
async fn custom_role_grants_its_permission_to_a_second_user() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.as_str();
    let bea = user(&server, "bea").await;
    // A draft is hidden from a user without a role.
    assert!(matches!(
        bea.get_dataset(pid, None).await,
        Err(Error::Unauthorized(_))
    ));
    api.create_role(
        ":root",
        &RoleDefinition::new("peeker", "Peeker", ["ViewUnpublishedDataset"]),
    )
    .await
    .unwrap();
    let a = api
        .set_dataset_assignment(pid, "@bea", "peeker")
        .await
        .unwrap();
    assert_eq!(a.assignee, "@bea");
    assert_eq!(a.role_alias.as_deref(), Some("peeker"));
    assert_eq!(a.definition_point_global_id.as_deref(), Some(pid));
    let seen = bea.get_dataset(pid, None).await.unwrap();
    assert_eq!(seen.id, Some(created.id));
    // The role grants viewing, not editing: bea may not grant roles on the dataset.
    let e = bea
        .set_dataset_assignment(pid, "@bea", "curator")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");

    // Granting twice conflicts; revoking takes the permission away again.
    let e = api
        .set_dataset_assignment(pid, "@bea", "peeker")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)));
    assert_eq!(message(&e), "Role has already been granted.");
    let m = api
        .remove_dataset_assignment(pid, a.id.unwrap())
        .await
        .unwrap();
    assert!(
        m.starts_with("Role Peeker revoked for assignee @bea in "),
        "{m}"
    );
    assert!(matches!(
        bea.get_dataset(pid, None).await,
        Err(Error::Unauthorized(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn assignments_on_collections_and_datasets() {
    let server = TestServer::start().await;
    let api = server.admin();
    api.create_collection(":root", &CollectionCreateBody::new("Lab", "lab", "l@b.org"))
        .await
        .unwrap();
    let created = api
        .create_dataset("lab", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.as_str();
    let _cy = user(&server, "cy").await;

    let on_lab = api
        .set_collection_assignment("lab", "@cy", "curator")
        .await
        .unwrap();
    assert_eq!(on_lab.definition_point_name.as_deref(), Some("Lab"));
    let on_ds = api
        .set_dataset_assignment(pid, "@cy", "fileDownloader")
        .await
        .unwrap();
    // A dataset lists its own assignments, then its collection's.
    let listed = api.get_dataset_assignments(pid).await.unwrap();
    let ids: Vec<u64> = listed.iter().filter_map(|a| a.id).collect();
    let ds_at = ids.iter().position(|i| Some(*i) == on_ds.id).unwrap();
    let lab_at = ids.iter().position(|i| Some(*i) == on_lab.id).unwrap();
    assert!(ds_at < lab_at, "{ids:?}");
    assert!(listed.iter().any(|a| a.assignee == "@dataverseAdmin"));

    // Errors: unknown assignee, unknown role (words differ between the two families),
    // unknown assignment.
    let e = api
        .set_collection_assignment("lab", "@nobody", "curator")
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Assignee not found");
    let e = api
        .set_collection_assignment("lab", "@cy", "wizard")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)));
    assert!(
        message(&e).starts_with("Can't find role named 'wizard' in dataverse [Dataverse id:"),
        "{}",
        message(&e)
    );
    let e = api
        .set_dataset_assignment(pid, "@cy", "wizard")
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "Cannot find role named 'wizard' in dataverse Lab"
    );
    let e = api
        .set_dataset_assignment(pid, "", "curator")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    let e = api
        .remove_collection_assignment("lab", 9999)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert_eq!(message(&e), "Role assignment 9999 not found");
    let e = api.remove_dataset_assignment(pid, 9999).await.unwrap_err();
    assert_eq!(message(&e), "\"Role assignment 9999 not found\"");

    // The collection's assignment can be revoked through the dataset, as in Dataverse.
    let m = api
        .remove_dataset_assignment(pid, on_lab.id.unwrap())
        .await
        .unwrap();
    assert_eq!(m, "Role Curator revoked for assignee @cy in Lab");
    let m = api
        .remove_collection_assignment("lab", on_ds.id.unwrap())
        .await
        .unwrap();
    assert!(
        m.starts_with("Role File Downloader revoked for assignee @cy in "),
        "{m}"
    );
    server.stop().await;
}
