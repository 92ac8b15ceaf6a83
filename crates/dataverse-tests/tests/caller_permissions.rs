//! The caller's permissions through the library against the embedded Dataverse
//! (`get_collection_user_permissions`, `get_dataset_user_permissions`,
//! `get_datafile_user_permissions`), checked against a matrix of caller roles: a guest, the
//! creator of the collection and dataset (admin there by creating the collection), a
//! curator and a contributor by assignment, an unrelated user and the superuser.

mod common;

use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::collections::CollectionCreateBody;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::models::permissions::{
    CollectionPermissions, DatasetPermissions, FilePermissions,
};
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;
use serde_json::json;

const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A plain HTTP client for calls beside the library (the TLS provider installed first, as
/// the library does before its own client).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Everyone of the matrix, with their clients.
struct Cast {
    guest: NativeApi,
    creator: NativeApi,
    curator: NativeApi,
    contributor: NativeApi,
    other: NativeApi,
    superuser: NativeApi,
}

struct World {
    server: TestServer,
    cast: Cast,
    dataset: u64,
    /// An unrestricted file of the dataset.
    open_file: u64,
    /// A restricted file of the dataset.
    closed_file: u64,
}

async fn assign(server: &TestServer, path: &str, assignee: &str, role: &str) {
    let http = http();
    let (status, v) = common::http_call(
        &http,
        &server.base_url,
        Method::POST,
        path,
        Some(&server.admin_token),
        Some(&json!({"assignee": assignee, "role": role})),
    )
    .await;
    assert_eq!(status, 200, "{path} {assignee} {role}: {v}");
}

/// `lab` created by `creator` (granted fullContributor on root), a draft dataset in it
/// with an open and a restricted file; `curator` is curator on `lab`, `contributor` is
/// contributor on the dataset.
async fn world() -> World {
    let server = TestServer::start().await;
    let http = http();
    let mut tokens = Vec::new();
    for name in ["creator", "curator", "contributor", "other"] {
        tokens.push(common::create_user(&http, &server.base_url, name).await);
    }
    let client = |i: usize| common::client(&server.base_url, Some(&tokens[i]));
    let cast = Cast {
        guest: server.anonymous(),
        creator: client(0),
        curator: client(1),
        contributor: client(2),
        other: client(3),
        superuser: server.admin(),
    };
    assign(
        &server,
        "/api/dataverses/root/assignments",
        "@creator",
        "fullContributor",
    )
    .await;
    cast.creator
        .create_collection(
            "root",
            &CollectionCreateBody::new("Lab", "lab", "lab@example.edu"),
        )
        .await
        .unwrap();
    let body: DatasetCreateBody =
        serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap();
    let dataset = cast
        .creator
        .create_dataset("lab", &body, None, false)
        .await
        .unwrap()
        .id;
    let upload = |name: &'static str, restrict: bool| {
        let api = cast.creator.clone();
        async move {
            let meta = UploadBody {
                restrict: Some(restrict),
                ..Default::default()
            };
            let source = UploadSource::reader(std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), name);
            api.upload_datafile(dataset, source, &meta)
                .await
                .unwrap()
                .files[0]
                .data_file
                .id
                .unwrap()
        }
    };
    let open_file = upload("open.txt", false).await;
    let closed_file = upload("closed.txt", true).await;
    assign(
        &server,
        "/api/dataverses/lab/assignments",
        "@curator",
        "curator",
    )
    .await;
    assign(
        &server,
        &format!("/api/datasets/{dataset}/assignments"),
        "@contributor",
        "contributor",
    )
    .await;
    World {
        server,
        cast,
        dataset,
        open_file,
        closed_file,
    }
}

fn collection_flags(p: &CollectionPermissions) -> [bool; 7] {
    [
        p.can_add_dataverse,
        p.can_add_dataset,
        p.can_view_unpublished_dataverse,
        p.can_edit_dataverse,
        p.can_manage_dataverse_permissions,
        p.can_publish_dataverse,
        p.can_delete_dataverse,
    ]
}

fn dataset_flags(p: &DatasetPermissions) -> [bool; 5] {
    [
        p.can_view_unpublished_dataset,
        p.can_edit_dataset,
        p.can_publish_dataset,
        p.can_manage_dataset_permissions,
        p.can_delete_dataset_draft,
    ]
}

fn file_flags(p: &FilePermissions) -> [bool; 3] {
    [
        p.can_download_file,
        p.can_manage_file_permissions,
        p.can_edit_owner_dataset,
    ]
}

const T: bool = true;
const F: bool = false;

#[tokio::test]
async fn collection_and_dataset_flags_follow_the_roles() {
    let w = world().await;
    let c = &w.cast;
    // Collection `lab`: add dataverse, add dataset, view unpublished, edit, manage
    // permissions, publish, delete (curator: the permissions of role-curator.json).
    let on_lab: [(&str, &NativeApi, [bool; 7]); 6] = [
        ("guest", &c.guest, [F; 7]),
        ("creator", &c.creator, [T; 7]),
        ("curator", &c.curator, [T, T, T, F, F, F, F]),
        ("contributor", &c.contributor, [F; 7]),
        ("other", &c.other, [F; 7]),
        ("superuser", &c.superuser, [T; 7]),
    ];
    for (who, api, expected) in on_lab {
        let p = api.get_collection_user_permissions("lab").await.unwrap();
        assert_eq!(collection_flags(&p), expected, "{who} on lab");
    }
    // Dataset: view unpublished, edit, publish, manage permissions, delete draft.
    let on_dataset: [(&str, &NativeApi, [bool; 5]); 6] = [
        ("guest", &c.guest, [F; 5]),
        ("creator", &c.creator, [T; 5]),
        ("curator", &c.curator, [T; 5]),
        ("contributor", &c.contributor, [T, T, F, F, T]),
        ("other", &c.other, [F; 5]),
        ("superuser", &c.superuser, [T; 5]),
    ];
    for (who, api, expected) in on_dataset {
        let p = api.get_dataset_user_permissions(w.dataset).await.unwrap();
        assert_eq!(dataset_flags(&p), expected, "{who} on the dataset");
    }
    // The same dataset by PID.
    let pid = c
        .superuser
        .get_dataset(w.dataset, None)
        .await
        .unwrap()
        .persistent_id()
        .unwrap()
        .to_string();
    let by_pid = c
        .contributor
        .get_dataset_user_permissions(pid.as_str())
        .await
        .unwrap();
    assert_eq!(dataset_flags(&by_pid), [T, T, F, F, T]);
    w.server.stop().await;
}

#[tokio::test]
async fn guests_never_hold_permissions_reserved_to_users() {
    let w = world().await;
    // A role given to `:guest` grants guests its read permissions only
    // (`Permission.requiresAuthenticatedUser`).
    assign(
        &w.server,
        &format!("/api/datasets/{}/assignments", w.dataset),
        ":guest",
        "contributor",
    )
    .await;
    let p = w
        .cast
        .guest
        .get_dataset_user_permissions(w.dataset)
        .await
        .unwrap();
    assert_eq!(dataset_flags(&p), [T, F, F, F, F]);
    // An authenticated user gets the whole role through `:guest`.
    let p = w
        .cast
        .other
        .get_dataset_user_permissions(w.dataset)
        .await
        .unwrap();
    assert_eq!(dataset_flags(&p), [T, T, F, F, T]);
    w.server.stop().await;
}

#[tokio::test]
async fn file_flags_follow_roles_restriction_and_publication() {
    let w = world().await;
    let c = &w.cast;
    // Guests are refused: the endpoint wants an authenticated user.
    match c.guest.get_datafile_user_permissions(w.open_file).await {
        Err(Error::Unauthorized(e)) => assert_eq!(
            e.message,
            "Only authenticated users can perform the requested operation"
        ),
        other => panic!("{other:?}"),
    }
    // Download, manage file permissions, edit owner dataset; the draft is unpublished.
    let draft: [(&str, &NativeApi, u64, [bool; 3]); 6] = [
        ("creator", &c.creator, w.open_file, [T, T, T]),
        ("curator", &c.curator, w.closed_file, [T, T, T]),
        ("contributor", &c.contributor, w.closed_file, [T, F, T]),
        ("other", &c.other, w.open_file, [F, F, F]),
        ("other", &c.other, w.closed_file, [F, F, F]),
        ("superuser", &c.superuser, w.closed_file, [T, T, T]),
    ];
    for (who, api, file, expected) in draft {
        let p = api.get_datafile_user_permissions(file).await.unwrap();
        assert_eq!(file_flags(&p), expected, "{who} on draft file {file}");
    }
    c.superuser.publish_collection("lab").await.unwrap();
    c.superuser
        .publish_dataset_and_wait(w.dataset, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    // Published: everybody may download the open file, not the restricted one.
    let open = c
        .other
        .get_datafile_user_permissions(w.open_file)
        .await
        .unwrap();
    assert_eq!(file_flags(&open), [T, F, F]);
    let closed = c
        .other
        .get_datafile_user_permissions(w.closed_file)
        .await
        .unwrap();
    assert_eq!(file_flags(&closed), [F, F, F]);
    w.server.stop().await;
}

#[tokio::test]
async fn unknown_objects_and_bad_ids_answer_as_dataverse() {
    let w = world().await;
    let api = &w.cast.superuser;
    match api.get_collection_user_permissions("nowhere").await {
        Err(Error::NotFound(e)) => {
            assert_eq!(e.message, "Can't find dataverse with identifier='nowhere'")
        }
        other => panic!("{other:?}"),
    }
    match api.get_dataset_user_permissions(987654).await {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "Dataset with ID 987654 not found."),
        other => panic!("{other:?}"),
    }
    match api.get_datafile_user_permissions(987654).await {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "File with ID 987654 not found."),
        other => panic!("{other:?}"),
    }
    // A malformed PID never leaves the client.
    assert!(matches!(
        api.get_dataset_user_permissions("not a pid").await,
        Err(Error::InvalidArgument(_))
    ));
    // A bad token is refused before any permission is computed.
    let bad = common::client(&w.server.base_url, Some("not-a-token"));
    match bad.get_collection_user_permissions("lab").await {
        Err(Error::Unauthorized(e)) => assert_eq!(e.message, "Bad API key"),
        other => panic!("{other:?}"),
    }
    w.server.stop().await;
}
