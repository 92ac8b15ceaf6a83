//! Dataset writes through the router: create/validate/import, editMetadata, the
//! asynchronous publication and version history, locks, review, delete/destroy, dataset
//! role assignments and private URLs.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::*;
use dataverse_emulator::{Config, Emulator};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let dir = std::env::var_os("DATAVERSE_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dataverse-fixtures")
        });
    std::fs::read_to_string(dir.join("requests").join(name)).unwrap()
}

fn open_with(delay: Duration) -> (tempfile::TempDir, Emulator) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path());
    c.publish_delay = delay;
    let em = Emulator::open(c).unwrap();
    (dir, em)
}

async fn new_user(em: &Emulator, name: &str) -> String {
    let body = json!({"userName": name, "firstName": "Uma", "lastName": "User", "email": format!("{name}@example.org")});
    let (s, v) = call(
        em,
        Method::POST,
        "/api/builtin-users?key=burrito&password=pw",
        None,
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["data"]["apiToken"].as_str().unwrap().to_string()
}

/// Create a dataset from a body; returns (id, pid).
async fn create(em: &Emulator, coll: &str, key: &str, body: &str) -> (i64, String) {
    let (s, v, h) = call_full(
        em,
        Method::POST,
        &format!("/api/dataverses/{coll}/datasets"),
        Some(key),
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    assert_eq!(h.get("location").unwrap(), &format!("/datasets/{id}"));
    (id, v["data"]["persistentId"].as_str().unwrap().to_string())
}

async fn publish(em: &Emulator, id: i64, key: &str, kind: &str) -> (StatusCode, Value) {
    call(
        em,
        Method::POST,
        &format!("/api/datasets/{id}/actions/:publish?type={kind}"),
        Some(key),
        None,
    )
    .await
}

async fn edit(em: &Emulator, id: i64, key: &str, q: &str, body: &str) -> (StatusCode, Value) {
    call(
        em,
        Method::PUT,
        &format!("/api/datasets/{id}/editMetadata{q}"),
        Some(key),
        Some(body),
    )
    .await
}

fn field<'a>(version: &'a Value, name: &str) -> Option<&'a Value> {
    version["metadataBlocks"]
        .as_object()?
        .values()
        .flat_map(|b| b["fields"].as_array().into_iter().flatten())
        .find(|f| f["typeName"] == name)
        .map(|f| &f["value"])
}

async fn new_collection(em: &Emulator, key: &str, alias: &str, publish_it: bool) {
    let body = json!({"alias": alias, "name": alias, "dataverseContacts": [{"contactEmail": "a@example.org"}]});
    let (s, v) = call(
        em,
        Method::POST,
        "/api/dataverses/:root",
        Some(key),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    if publish_it {
        let (s, v) = call(
            em,
            Method::POST,
            &format!("/api/dataverses/{alias}/actions/:publish"),
            Some(key),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}

#[tokio::test]
async fn every_valid_fixture_is_accepted() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    for (name, license) in [
        ("dataset-create-finch1.json", Some("CC0 1.0")),
        ("dataset-create-finch2.json", Some("CC0 1.0")),
        ("dataset-create-all-default-fields.json", None),
        ("dataset-create-with-datasetType-software.json", None),
        ("dataset-create-finch1-nolicense.json", None),
    ] {
        let (id, pid) = create(&em, "root", &admin, &fixture(name)).await;
        assert!(pid.starts_with("doi:10.5072/FK2/"), "{pid}");
        let suffix = &pid["doi:10.5072/FK2/".len()..];
        assert_eq!(suffix.len(), 6);
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        let (s, v) = call(
            &em,
            Method::GET,
            &format!("/api/datasets/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{name}: {v}");
        let latest = &v["data"]["latestVersion"];
        assert_eq!(latest["versionState"], "DRAFT");
        assert!(latest.get("versionNumber").is_none());
        assert_eq!(latest["fileAccessRequest"], true);
        if let Some(l) = license {
            assert_eq!(latest["license"]["name"], l, "{name}");
        }
        assert!(field(latest, "title").is_some(), "{name}");
        if name.contains("software") {
            assert_eq!(v["data"]["datasetType"], "software");
        }
        if name.contains("all-default") {
            let blocks: Vec<&String> = latest["metadataBlocks"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            assert!(blocks.len() >= 5, "{blocks:?}");
        }
    }
    // finch1 without a license: custom terms (`:AllowCustomTermsOfUse` defaults to true)...
    let (id, _) = create(
        &em,
        "root",
        &admin,
        &fixture("dataset-create-finch1-nolicense.json"),
    )
    .await;
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert!(v["data"]["latestVersion"].get("license").is_none());
    let (s, v) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Dataset must have a valid license or Custom Terms Of Use configured before it can be published."
    );
    // ... and the default license when custom terms are not allowed.
    em.set_setting(":AllowCustomTermsOfUse", "false").unwrap();
    let (id, _) = create(
        &em,
        "root",
        &admin,
        &fixture("dataset-create-finch1-nolicense.json"),
    )
    .await;
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(v["data"]["latestVersion"]["license"]["name"], "CC0 1.0");
}

#[tokio::test]
async fn invalid_bodies_are_refused() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    for name in [
        "dataset-create-INVALID-empty.json",
        "dataset-create-INVALID-missing-required.json",
    ] {
        let body = fixture(name);
        let (s, v) = call(
            &em,
            Method::POST,
            "/api/dataverses/root/datasets",
            key,
            Some(&body),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{name}");
        let m = err(&v);
        assert!(m.starts_with("Validation Failed: "), "{m}");
        assert!(m.contains("Author Name is required."), "{m}");
        assert!(m.ends_with('.'), "{m}");
        if name.contains("empty") {
            assert!(m.contains("Title is required."), "{m}");
        } else {
            assert!(!m.contains("Title is required."), "{m}");
        }
        let (s, v) = call(
            &em,
            Method::POST,
            "/api/dataverses/root/validateDatasetJson",
            key,
            Some(&body),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            message(&v).starts_with(
                "The Dataset JSON provided failed validation with the following error: "
            ),
            "{v}"
        );
    }
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/validateDatasetJson",
        key,
        Some(&fixture("dataset-create-finch1.json")),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        message(&v),
        "The Dataset JSON provided is valid for this Dataverse Collection."
    );

    let finch: Value = serde_json::from_str(&fixture("dataset-create-finch1.json")).unwrap();
    let with_fields = |fields: Value| {
        let mut b = finch.clone();
        let list = b["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
            .as_array_mut()
            .unwrap();
        list.retain(|f| {
            !fields
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["typeName"] == f["typeName"])
        });
        list.extend(fields.as_array().unwrap().iter().cloned());
        b.to_string()
    };
    let cases = [
        (
            json!({"datasetVersion": {}}).to_string(),
            StatusCode::BAD_REQUEST,
            "Error parsing Json: Invalid JSON object: metadata blocks not found.",
        ),
        (
            json!({}).to_string(),
            StatusCode::BAD_REQUEST,
            "Error parsing Json: Invalid JSON object: metadata blocks not found.",
        ),
        (
            with_fields(
                json!([{"typeName":"title","multiple":true,"typeClass":"primitive","value":["x"]}]),
            ),
            StatusCode::BAD_REQUEST,
            "Error parsing Json: incorrect multiple   for field title",
        ),
        (
            with_fields(
                json!([{"typeName":"subject","multiple":true,"typeClass":"controlledVocabulary","value":["Alchemy"]}]),
            ),
            StatusCode::BAD_REQUEST,
            "Error parsing Json: Value 'Alchemy' does not exist in type 'subject'",
        ),
        (
            {
                let mut b = finch.clone();
                b["datasetVersion"]["license"] = json!({"name": "Nope 1.0", "uri": "http://nope"});
                b.to_string()
            },
            StatusCode::BAD_REQUEST,
            "Error parsing Json: Invalid license: Nope 1.0",
        ),
    ];
    for (body, status, text) in cases {
        let (s, v) = call(
            &em,
            Method::POST,
            "/api/dataverses/root/datasets",
            key,
            Some(&body),
        )
        .await;
        assert_eq!(s, status, "{v}");
        assert_eq!(err(&v), text);
    }
    // Unknown type names are dropped silently; license given as a plain name works.
    let mut b = finch.clone();
    b["datasetVersion"]["license"] = json!("CC BY 4.0");
    b["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"typeName":"noSuchField","multiple":false,"typeClass":"primitive","value":"x"}),
        );
    let (id, _) = create(&em, "root", &admin, &b.to_string()).await;
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions/:draft"),
        key,
        None,
    )
    .await;
    assert!(field(&v["data"], "noSuchField").is_none());
    assert_eq!(v["data"]["license"]["name"], "CC BY 4.0");
    // Unknown collection.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/nope/datasets",
        key,
        Some(&fixture("dataset-create-finch1.json")),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "Can't find dataverse with identifier='nope'");
}

#[tokio::test]
async fn permissions_with_a_second_user_and_anonymous() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let uma = new_user(&em, "uma").await;
    let bob = new_user(&em, "bob").await;
    let finch = fixture("dataset-create-finch1.json");

    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/datasets",
        Some(&uma),
        Some(&finch),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "User @uma is not permitted to perform requested action."
    );
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/datasets",
        None,
        Some(&finch),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "User :guest is not permitted to perform requested action."
    );

    // Uma may add datasets to root: she becomes Contributor (editor) of hers.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        Some(&admin),
        Some(r#"{"assignee":"@uma","role":"dsContributor"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (id, _) = create(&em, "root", &uma, &finch).await;
    let (s, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/assignments"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"][0]["assignee"], "@uma");
    assert_eq!(v["data"][0]["_roleAlias"], "contributor");

    // Drafts: visible to uma, not to bob or anonymous.
    let (s, _) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    for key in [Some(bob.as_str()), None] {
        let (s, _) = call(&em, Method::GET, &format!("/api/datasets/{id}"), key, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = call(
            &em,
            Method::GET,
            &format!("/api/datasets/{id}/versions/:draft"),
            key,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, v) = call(&em, Method::GET, "/api/dataverses/root/contents", key, None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!v["data"].as_array().unwrap().iter().any(|c| c["id"] == id));
    }
    let (_, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/root/contents",
        Some(&uma),
        None,
    )
    .await;
    assert!(
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id && c["type"] == "dataset")
    );

    // Uma edits but may not publish; bob may not edit.
    let (s, _) = edit(
        &em,
        id,
        &uma,
        "",
        r#"{"typeName":"subtitle","value":"Sub"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = edit(
        &em,
        id,
        &bob,
        "",
        r#"{"typeName":"subtitle","value":"Sub"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, v) = publish(&em, id, &uma, "major").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "User @uma is not permitted to perform requested action."
    );
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/actions/:publish?type=major"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");

    // After publication anonymous reads the released version; the new draft stays hidden.
    let (s, _) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::OK);
    edit(
        &em,
        id,
        &uma,
        "?replace=true",
        r#"{"typeName":"title","value":"Newer"}"#,
    )
    .await;
    let (s, v) = get(&em, &format!("/api/datasets/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["latestVersion"]["versionState"], "RELEASED");
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions/:latest")).await;
    assert_eq!(v["data"]["versionState"], "RELEASED");
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions/:latest"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(v["data"]["versionState"], "DRAFT");

    // Deleting a published single-version dataset needs a superuser.
    let (id2, _) = create(&em, "root", &uma, &finch).await;
    publish(&em, id2, &admin, "major").await;
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id2}"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(err(&v), "Only superusers can delete published datasets");
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id2}/destroy"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
}

fn numbers(v: &Value) -> Vec<(Option<i64>, Option<i64>, String)> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["versionNumber"].as_i64(),
                x["versionMinorNumber"].as_i64(),
                x["versionState"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn version_history_and_publish_errors() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let (id, pid) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/actions/:publish"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Missing 'type' parameter (either 'major','minor', or 'updatecurrent')."
    );
    let (s, v) = publish(&em, id, &admin, "Sideways").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Illegal 'type' parameter value 'sideways'. It needs to be either 'major', 'minor', or 'updatecurrent'."
    );
    let (s, v) = publish(&em, id, &admin, "minor").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Cannot publish as minor version. Re-try as major release."
    );

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/:persistentId/actions/:publish?type=major&persistentId={pid}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["data"].get("latestVersion").is_none());
    assert_eq!(v["data"]["id"], id);
    assert!(v["data"]["publicationDate"].is_string());
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions")).await;
    assert_eq!(numbers(&v), [(Some(1), Some(0), "RELEASED".to_string())]);

    let (s, v) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let ident = pid.trim_start_matches("doi:10.5072/");
    assert_eq!(
        err(&v),
        format!(
            "Latest version of dataset {ident} is already released. Only draft versions can be released."
        )
    );

    edit(
        &em,
        id,
        &admin,
        "?replace=true",
        r#"{"typeName":"title","value":"Second"}"#,
    )
    .await;
    let (s, _) = publish(&em, id, &admin, "minor").await;
    assert_eq!(s, StatusCode::OK);
    edit(
        &em,
        id,
        &admin,
        "?replace=true",
        r#"{"typeName":"title","value":"Third"}"#,
    )
    .await;
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        key,
        None,
    )
    .await;
    assert_eq!(v["data"][0]["versionState"], "DRAFT");
    assert_eq!(v["data"][0]["latestVersionPublishingState"], "DRAFT");
    let (s, _) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        key,
        None,
    )
    .await;
    assert_eq!(
        numbers(&v),
        [
            (Some(2), Some(0), "RELEASED".to_string()),
            (Some(1), Some(1), "RELEASED".to_string()),
            (Some(1), Some(0), "RELEASED".to_string()),
        ]
    );
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions/1.1")).await;
    assert_eq!(field(&v["data"], "title").unwrap(), "Second");
    let (_, v) = get(
        &em,
        &format!("/api/datasets/{id}/versions/:latest-published"),
    )
    .await;
    assert_eq!(field(&v["data"], "title").unwrap(), "Third");

    // updatecurrent: superuser only; overwrites 2.0 without a new number.
    let uma = new_user(&em, "uma").await;
    let (s, v) = publish(&em, id, &uma, "updatecurrent").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Only superusers can update the current version");
    edit(
        &em,
        id,
        &admin,
        "?replace=true",
        r#"{"typeName":"title","value":"Fixed typo"}"#,
    )
    .await;
    let (s, v) = publish(&em, id, &admin, "updatecurrent").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["status_details"],
        "The published version of your Dataset has been updated."
    );
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    assert_eq!(field(&v["data"][0], "title").unwrap(), "Fixed typo");

    // Unpublished collection.
    new_collection(&em, &admin, "lab", false).await;
    let (id2, _) = create(&em, "lab", &admin, &fixture("dataset-create-finch2.json")).await;
    let (s, v) = publish(&em, id2, &admin, "major").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "This dataset may not be published because its host dataverse (lab) has not been published."
    );
}

#[tokio::test]
async fn publication_is_asynchronous_with_a_lock() {
    let (_d, em) = open_with(Duration::from_millis(300));
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let (id, pid) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;
    let (s, v) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["data"].get("publicationDate").is_none());
    let (s, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(s, StatusCode::OK);
    let lock = &v["data"][0];
    assert_eq!(lock["lockType"], "finalizePublication");
    assert_eq!(lock["user"], "dataverseAdmin");
    assert_eq!(lock["dataset"], pid.as_str());
    assert!(
        lock["message"]
            .as_str()
            .unwrap()
            .starts_with("Publishing the dataset; ")
    );
    let date = lock["date"].as_str().unwrap();
    assert!(date.contains(" UTC "), "{date}");
    assert_eq!(date.split(' ').count(), 6, "{date}");
    // Publishing again or editing while it finalizes is refused.
    let (s, v) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "This dataset is locked. Reason: finalizePublication. Please try publishing later."
    );
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Dataset cannot be edited due to dataset lock.");
    let (s, _) = get(
        &em,
        &format!("/api/datasets/{id}/versions/:latest-published"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    tokio::time::sleep(Duration::from_millis(700)).await;
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(v["data"], json!([]));
    let (s, v) = get(
        &em,
        &format!("/api/datasets/{id}/versions/:latest-published"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["versionNumber"], 1);
    assert_eq!(v["data"]["versionState"], "RELEASED");
    let (_, v) = call(&em, Method::GET, &format!("/api/datasets/{id}"), key, None).await;
    assert!(v["data"]["publicationDate"].is_string());
}

#[tokio::test]
async fn pending_publication_is_finished_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path());
    c.publish_delay = Duration::from_secs(3600);
    let em = Emulator::open(c.clone()).unwrap();
    let admin = em.admin_token().unwrap();
    let (id, _) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;
    let (s, _) = publish(&em, id, &admin, "major").await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    drop(em);
    let em = Emulator::open(c).unwrap();
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(v["data"], json!([]));
    let (s, v) = get(&em, &format!("/api/datasets/{id}/versions/1.0")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn edit_metadata_rules() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let (id, _) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;

    // Appends to multiple fields, sets empty single fields, keeps filled single fields.
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "",
        &fixture("dataset-editMetadata-add.json"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["data"];
    assert_eq!(d["versionState"], "DRAFT");
    let subjects = field(d, "subject").unwrap().as_array().unwrap();
    assert!(subjects.contains(&json!("Astronomy and Astrophysics")));
    assert!(subjects.len() >= 2);
    let authors = field(d, "author").unwrap().as_array().unwrap();
    assert_eq!(
        authors.last().unwrap()["authorName"]["value"],
        "Spruce, Sabrina"
    );
    assert_eq!(field(d, "kindOfData").unwrap(), &json!(["Bar Chart"]));
    let title = field(d, "title").unwrap().clone();
    let (_, v) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"title","value":"Ignored"}"#,
    )
    .await;
    assert_eq!(field(&v["data"], "title").unwrap(), &title);
    let (_, v) = edit(
        &em,
        id,
        &admin,
        "",
        &fixture("dataset-editMetadata-single-field.json"),
    )
    .await;
    assert!(
        field(&v["data"], "subject")
            .unwrap()
            .as_array()
            .unwrap()
            .contains(&json!("Social Sciences"))
    );

    // replace=true resets then sets.
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "?replace=true",
        &fixture("dataset-editMetadata-replace-sample.json"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["data"];
    assert_eq!(field(d, "title").unwrap(), "Post Publish Title Change");
    assert_eq!(
        field(d, "subject").unwrap(),
        &json!(["Astronomy and Astrophysics"])
    );
    assert_eq!(field(d, "author").unwrap().as_array().unwrap().len(), 2);
    assert_eq!(field(d, "subtitle").unwrap(), "More Birds and Trees");

    // Clearing: "" / [] remove the field; clearing a required field is refused.
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "?replace=true",
        r#"{"fields":[{"typeName":"subtitle","value":""},{"typeName":"kindOfData","value":[]}]}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(field(&v["data"], "subtitle").is_none());
    assert!(field(&v["data"], "kindOfData").is_none());
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "?replace=true",
        &fixture("dataset-editMetadata-clear-fields.json"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "?replace=true",
        r#"{"typeName":"title","value":""}"#,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Error parsing dataset update: Empty required value for field: title"
    );
    let (s, v) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subject","value":["Alchemy"]}"#,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Error parsing dataset update: Value 'Alchemy' does not exist in type 'subject'"
    );
    let (s, _) = edit(
        &em,
        id,
        &admin,
        "",
        &fixture("dataset-editMetadata-single-compound.json"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Editing a released latest version creates exactly one draft.
    publish(&em, id, &admin, "major").await;
    edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"A"}"#,
    )
    .await;
    let (_, v) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"alternativeTitle","value":["B"]}"#,
    )
    .await;
    assert_eq!(field(&v["data"], "subtitle").unwrap(), "A");
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        key,
        None,
    )
    .await;
    assert_eq!(
        numbers(&v),
        [
            (None, None, "DRAFT".to_string()),
            (Some(1), Some(0), "RELEASED".to_string())
        ]
    );
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions/1.0")).await;
    assert!(field(&v["data"], "subtitle").is_none());
}

#[tokio::test]
async fn locks_endpoints() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let uma = new_user(&em, "uma").await;
    let (id, _) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;

    let (s, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/locks"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"], json!([]));
    let (s, _) = get(&em, &format!("/api/datasets/{id}/locks?type=Foo")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/lock/Foo"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/lock/Ingest"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "This API end point can be used by superusers only."
    );

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/lock/Ingest"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), "dataset locked with lock type Ingest");
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/lock/Ingest"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "dataset already locked with lock type Ingest");
    // Ingest does not block metadata edits.
    let (s, _) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/lock/Workflow"),
        key,
        None,
    )
    .await;
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks?type=Workflow")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["lockType"], "Workflow");
    let (s, _) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    for (q, expect) in [
        ("?type=Ingest", "lock type Ingest removed"),
        ("?type=Ingest", "no lock type Ingest on the dataset"),
        ("", "locks removed"),
        ("", "dataset not locked"),
    ] {
        let (s, v) = call(
            &em,
            Method::DELETE,
            &format!("/api/datasets/{id}/locks{q}"),
            key,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(message(&v), expect);
    }
}

#[tokio::test]
async fn review_workflow() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let uma = new_user(&em, "uma").await;
    call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        Some(&admin),
        Some(r#"{"assignee":"@uma","role":"dsContributor"}"#),
    )
    .await;
    let (id, _) = create(&em, "root", &uma, &fixture("dataset-create-finch1.json")).await;

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/submitForReview"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["inReview"], true);
    assert_eq!(
        v["data"]["message"],
        format!("Dataset id {id} has been submitted for review.")
    );
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/submitForReview"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "You cannot submit this dataset for review because it is already in review."
    );
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(v["data"][0]["lockType"], "InReview");
    // The author may not edit while in review; a curator (here the superuser) may.
    let (s, v) = edit(&em, id, &uma, "", r#"{"typeName":"subtitle","value":"x"}"#).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Dataset cannot be edited due to In Review dataset lock."
    );
    let (s, _) = edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let url = format!("/api/datasets/{id}/returnToAuthor");
    let (s, _) = call(&em, Method::POST, &url, Some(&admin), Some("")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        Some(&admin),
        Some(r#"{"reasonForReturn":""}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "You must enter a reason for returning a dataset to the author(s)."
    );
    let (s, _) = call(
        &em,
        Method::POST,
        &url,
        Some(&uma),
        Some(r#"{"reasonForReturn":"Fix it"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        Some(&admin),
        Some(r#"{"reasonForReturn":"Fix it"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["inReview"], false);
    let (_, v) = get(&em, &format!("/api/datasets/{id}/locks")).await;
    assert_eq!(v["data"], json!([]));
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        Some(&admin),
        Some(r#"{"reasonForReturn":"again"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    publish(&em, id, &admin, "major").await;
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/submitForReview"),
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Latest version of dataset is already released. Only draft versions can be submitted for review."
    );
}

#[tokio::test]
async fn delete_and_destroy() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let finch = fixture("dataset-create-finch1.json");

    // Deleting the only draft destroys the dataset.
    let (id, _) = create(&em, "root", &admin, &finch).await;
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id}/versions/1.0"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Only the :draft version can be deleted");
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id}/versions/:draft"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        message(&v),
        format!("Draft version of dataset {id} deleted")
    );
    let (s, v) = call(&em, Method::GET, &format!("/api/datasets/{id}"), key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), format!("Dataset with ID {id} not found."));

    // A draft on top of a release: only the draft goes.
    let (id, pid) = create(&em, "root", &admin, &finch).await;
    publish(&em, id, &admin, "major").await;
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id}/versions/:draft"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(err(&v), "This is NOT a DRAFT version");
    edit(
        &em,
        id,
        &admin,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    let (s, _) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id}/versions/:draft"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        key,
        None,
    )
    .await;
    assert_eq!(numbers(&v), [(Some(1), Some(0), "RELEASED".to_string())]);

    // DELETE datasets/{id}: never-published ⇒ gone; published (superuser) ⇒ gone.
    let (id2, _) = create(&em, "root", &admin, &finch).await;
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/{id2}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), format!("Dataset {id2} deleted"));

    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/datasets/:persistentId/destroy?persistentId={pid}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(message(&v), format!("Dataset {pid} destroyed"));
    let (s, _) = call(&em, Method::GET, &format!("/api/datasets/{id}"), key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = call(&em, Method::GET, "/api/dataverses/root/contents", key, None).await;
    assert_eq!(v["data"], json!([]));
}

#[tokio::test]
async fn dataset_role_assignments() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let uma = new_user(&em, "uma").await;
    let (id, _) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;
    let url = format!("/api/datasets/{id}/assignments");
    let (s, _) = call(&em, Method::GET, &url, Some(&uma), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        key,
        Some(r#"{"assignee":"@nobody","role":"curator"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Assignee not found");
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        key,
        Some(r#"{"assignee":"@uma","role":"curator"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let aid = v["data"]["id"].as_i64().unwrap();
    assert_eq!(v["data"]["definitionPointType"], "Dataset");
    assert_eq!(v["data"]["definitionPointId"], id);
    let (s, _) = call(
        &em,
        Method::POST,
        &url,
        key,
        Some(r#"{"assignee":"@uma","role":"curator"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Uma, now curator, can see and manage: the dataset's two assignments, then its
    // collection's (`listAssignments` adds the owner's, as Dataverse does).
    let (s, v) = call(&em, Method::GET, &url, Some(&uma), None).await;
    assert_eq!(s, StatusCode::OK);
    let points: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["definitionPointType"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(points, ["Dataset", "Dataset", "Dataverse"], "{v}");
    let (s, v) = call(&em, Method::DELETE, &format!("{url}/{aid}"), key, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        message(&v),
        "Role Curator revoked for assignee @uma in Darwin's Finches"
    );
    let (s, v) = call(&em, Method::DELETE, &format!("{url}/{aid}"), key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), format!("\"Role assignment {aid} not found\""));
    let (s, v) = call(
        &em,
        Method::POST,
        &url,
        key,
        Some(r#"{"assignee":"@uma","role":"nope"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Cannot find role named 'nope' in dataverse Root");
}

#[tokio::test]
async fn private_url_scope() {
    let (_d, em) = open_with(Duration::ZERO);
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let (id, _) = create(&em, "root", &admin, &fixture("dataset-create-finch1.json")).await;
    let (other, _) = create(&em, "root", &admin, &fixture("dataset-create-finch2.json")).await;
    new_collection(&em, &admin, "hidden", false).await;

    let url = format!("/api/datasets/{id}/privateUrl");
    let (s, v) = call(&em, Method::GET, &url, key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "Private URL not found.");
    let (s, v) = call(&em, Method::POST, &url, key, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let token = v["data"]["token"].as_str().unwrap().to_string();
    assert_eq!(
        v["data"]["link"],
        format!("http://localhost/previewurl.xhtml?token={token}")
    );
    let ra = &v["data"]["roleAssignment"];
    assert_eq!(ra["assignee"], format!("!{id}"));
    assert_eq!(ra["_roleAlias"], "member");
    assert_eq!(ra["privateUrlToken"], token.as_str());
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("/api/datasets/{id}/previewUrl"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Preview URL already exists for this dataset.");
    let (s, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/previewUrl"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["token"], token.as_str());

    // The token reads this draft only.
    let t = Some(token.as_str());
    let (s, v) = call(&em, Method::GET, &format!("/api/datasets/{id}"), t, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["latestVersion"]["versionState"], "DRAFT");
    let (s, _) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions/:draft"),
        t,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}/versions"),
        t,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // `ListVersionsCommand` lists unpublished versions only to those with EditDataset,
    // which a private-URL user (not authenticated) never holds.
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
    let (s, v) = call(&em, Method::GET, &format!("/api/datasets/{other}"), t, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        format!("User !{id} is not permitted to perform requested action.")
    );
    let (s, _) = call(&em, Method::GET, "/api/dataverses/hidden", t, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = edit(
        &em,
        id,
        &token,
        "",
        r#"{"typeName":"subtitle","value":"x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call(&em, Method::GET, &url, t, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(&em, Method::GET, "/api/users/:me", t, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), format!("User with token {token} not found."));

    let (s, v) = call(&em, Method::DELETE, &url, key, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), "Private URL deleted.");
    let (s, v) = call(&em, Method::DELETE, &url, key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "No Private URL to delete.");
    let (s, v) = call(&em, Method::GET, &format!("/api/datasets/{id}"), t, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(err(&v), "Bad API key");

    // Publishing removes the private URL; none can be made while the latest is released.
    let (_, v) = call(&em, Method::POST, &url, key, None).await;
    let token = v["data"]["token"].as_str().unwrap().to_string();
    publish(&em, id, &admin, "major").await;
    let (s, _) = call(&em, Method::GET, &url, key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(&em, Method::POST, &url, key, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Can't create Preview URL because the latest version of this dataset is not a draft."
    );
}

#[tokio::test]
async fn files_in_create_bodies() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let uma = new_user(&em, "uma").await;
    let body = fixture("dataset-create-superuser-with-files.json");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/datasets",
        Some(&uma),
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Only a superuser may add files via this api");
    create(&em, "root", &admin, &body).await;
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/datasets/:import?pid=doi:10.5072/FK2/WITHFILES&release=no",
        Some(&admin),
        Some(&fixture("dataset-import-with-files.json")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn import_with_pid() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let uma = new_user(&em, "uma").await;
    let body = fixture("dataset-create-finch1.json");
    let url = "/api/dataverses/root/datasets/:import";

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=doi:10.5072/FK2/IMPORT"),
        Some(&uma),
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Not a superuser");
    let (s, v) = call(&em, Method::POST, url, key, Some(&body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Please provide a persistent identifier, either by including it in the JSON, or by using the pid query parameter."
    );
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=nonsense"),
        key,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Cannot parse the PID parameter 'nonsense'. Make sure it is in valid form - see Dataverse Native API documentation."
    );
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=doi:10.9999/OTHER"),
        key,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Cannot import a dataset that has a PID that doesn't match the server's settings"
    );

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=doi:10.5072/FK2/IMPORT&release=yes"),
        key,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["persistentId"], "doi:10.5072/FK2/IMPORT");
    assert_eq!(v["data"]["releaseCompleted"], false);
    let id = v["data"]["id"].as_i64().unwrap();
    let (_, v) = get(&em, &format!("/api/datasets/{id}/versions/1.0")).await;
    assert_eq!(v["data"]["versionState"], "RELEASED");
    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=doi:10.5072/FK2/IMPORT"),
        key,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Persistent identifier doi:10.5072/FK2/IMPORT already exists in this Dataverse installation."
    );

    let (s, v) = call(
        &em,
        Method::POST,
        &format!("{url}?pid=doi:10.5072/FK2/DRAFTY&release=no"),
        key,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(v["data"].get("releaseCompleted").is_none());
    let (_, v) = call(
        &em,
        Method::GET,
        "/api/datasets/:persistentId?persistentId=doi:10.5072/FK2/DRAFTY",
        key,
        None,
    )
    .await;
    assert_eq!(v["data"]["latestVersion"]["versionState"], "DRAFT");
}
