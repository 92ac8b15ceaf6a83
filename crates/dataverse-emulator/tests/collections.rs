//! Collections, permissions, role assignments, facets, dataset reads, the generator and
//! latency, through the router (tower `oneshot`).

mod common;

use common::*;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use dataverse_emulator::{Config, Emulator, GenerateSpec};
use serde_json::json;

/// `requests/dataverse-create-complete.json` of the shared fixtures.
const SCIENCE: &str = r#"{
  "name": "Scientific Research",
  "alias": "science",
  "dataverseContacts": [{"contactEmail": "pi@example.edu"}, {"contactEmail": "student@example.edu"}],
  "affiliation": "Scientific Research University",
  "description": "We do all the science.",
  "dataverseType": "LABORATORY"
}"#;

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

fn dv(alias: &str) -> String {
    json!({"alias": alias, "name": format!("{alias} name"), "dataverseContacts": [{"contactEmail": "a@example.org"}]}).to_string()
}

#[tokio::test]
async fn collection_lifecycle() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());

    let (s, v, h) = call_full(
        &em,
        Method::POST,
        "/api/dataverses/:root",
        key,
        Some(SCIENCE),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(h.get("location").unwrap(), "/dataverses/science");
    let d = &v["data"];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "alias",
            "name",
            "affiliation",
            "dataverseContacts",
            "permissionRoot",
            "description",
            "dataverseType",
            "isMetadataBlockRoot",
            "isFacetRoot",
            "ownerId",
            "creationDate",
            "effectiveRequiresFilesToPublishDataset",
            "isReleased"
        ]
    );
    assert_eq!(d["dataverseType"], "LABORATORY");
    assert_eq!(d["ownerId"], 1);
    assert_eq!(d["isReleased"], false);
    assert_eq!(
        d["dataverseContacts"],
        json!([{"displayOrder":0,"contactEmail":"pi@example.edu"},{"displayOrder":1,"contactEmail":"student@example.edu"}])
    );
    let id = d["id"].as_i64().unwrap();

    for path in [
        "/api/dataverses/science".to_string(),
        format!("/api/dataverses/{id}"),
        "/api/dataverses/SCIENCE".to_string(),
    ] {
        let (s, v) = call(&em, Method::GET, &path, key, None).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_eq!(v["data"]["alias"], "science");
    }
    let (_, v) = call(&em, Method::GET, "/api/dataverses/:root", None, None).await;
    assert_eq!(v["data"]["alias"], "root");
    assert!(v["data"].get("ownerId").is_none());

    // returnOwners
    let (_, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/science?returnOwners=true",
        key,
        None,
    )
    .await;
    assert_eq!(
        v["data"]["isPartOf"],
        json!({"type":"DATAVERSE","identifier":"root","isReleased":true,"displayName":"Root"})
    );

    // Update: only sent keys change.
    let (s, v) = call(
        &em,
        Method::PUT,
        "/api/dataverses/science",
        key,
        Some(r#"{"name":"Science!","dataverseType":"nope"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["name"], "Science!");
    assert_eq!(v["data"]["alias"], "science");
    assert_eq!(v["data"]["affiliation"], "Scientific Research University");
    assert_eq!(v["data"]["dataverseType"], "UNCATEGORIZED");

    // Child + contents.
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/dataverses/science",
        key,
        Some(&dv("chem")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/science/contents",
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"][0]["type"], "dataverse");
    assert_eq!(v["data"][0]["title"], "chem name");

    // Publish: child first is refused, then parent, then child.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/chem/actions/:publish",
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Dataverse chem may not be published because its host dataverse (science) has not been published."
    );
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/science/actions/:publish",
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["isReleased"], true);
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/science/actions/:publish",
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Dataverse science has already been published.");

    // Delete: non-empty refused, root refused, then bottom-up.
    let (s, v) = call(&em, Method::DELETE, "/api/dataverses/science", key, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Cannot delete non-empty dataverses");
    let (s, v) = call(&em, Method::DELETE, "/api/dataverses/:root", key, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Cannot delete the root dataverse");
    let (s, v) = call(&em, Method::DELETE, "/api/dataverses/CHEM", key, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), "Dataverse CHEM deleted");
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/dataverses/{id}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), format!("Dataverse {id} deleted"));
    let (s, v) = call(&em, Method::GET, "/api/dataverses/science", key, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "Can't find dataverse with identifier='science'");
}

#[tokio::test]
async fn create_and_update_errors() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    let post = |body: String| {
        let em = em.clone();
        let admin = admin.clone();
        async move {
            call(
                &em,
                Method::POST,
                "/api/dataverses/root",
                Some(&admin),
                Some(&body),
            )
            .await
        }
    };
    let (s, v) =
        post(r#"{"name":"x","dataverseContacts":[{"contactEmail":"a@b.c"}]}"#.into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Error parsing the POSTed json into a dataverse: Field 'alias' is mandatory"
    );
    let (s, v) =
        post(r#"{"alias":"x","dataverseContacts":[{"contactEmail":"a@b.c"}]}"#.into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Error parsing the POSTed json into a dataverse: Field 'name' is mandatory"
    );
    let (s, v) = post(r#"{"alias":"x","name":"x"}"#.into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "At least one contact is required.");
    let (s, v) = post(dv("bad alias!")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("Found an illegal character(s)"));
    let (s, v) = post(dv("12345")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Alias should not be a number");
    let (s, v) = post("{not json".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("Error parsing Json: "));

    let (s, _) = post(dv("Alpha")).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = post(dv("alpha")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "A dataverse with alias alpha already exists");
    let (s, _) = post(dv("beta")).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = call(
        &em,
        Method::PUT,
        "/api/dataverses/beta",
        key,
        Some(r#"{"alias":"ALPHA"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "A dataverse with alias ALPHA already exists");
    let (s, v) = call(
        &em,
        Method::PUT,
        "/api/dataverses/beta",
        key,
        Some(r#"{"dataverseContacts":[]}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "At least one contact is required.");

    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/nope",
        key,
        Some(&dv("gamma")),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "Can't find dataverse with identifier='nope'");
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/root",
        Some("bad-key"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(err(&v), "Bad API key");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root",
        None,
        Some(&dv("gamma")),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "Only authenticated users can perform the requested operation"
    );
}

#[tokio::test]
async fn permissions_for_a_normal_user() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let uma = new_user(&em, "uma").await;

    // No AddDataverse on root for a fresh user.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root",
        Some(&uma),
        Some(&dv("umas")),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "User @uma is not permitted to perform requested action."
    );

    // Admin makes a collection and grants uma dvContributor on it.
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/dataverses/root",
        Some(&admin),
        Some(&dv("lab")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = call(&em, Method::GET, "/api/dataverses/lab", Some(&uma), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, v) = call(&em, Method::GET, "/api/dataverses/lab", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        err(&v),
        "User :guest is not permitted to perform requested action."
    );
    let (s, _) = call(&em, Method::GET, "/api/dataverses/lab/contents", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/lab/assignments",
        Some(&admin),
        Some(r#"{"assignee":"@uma","role":"dvContributor"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/lab",
        Some(&uma),
        Some(&dv("umas")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Uma is admin of what she created: she can see, edit, publish? (parent unpublished) and
    // list its assignments.
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/umas/assignments",
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"][0]["assignee"], "@uma");
    assert_eq!(v["data"][0]["_roleAlias"], "admin");
    let (s, _) = call(
        &em,
        Method::PUT,
        "/api/dataverses/umas",
        Some(&uma),
        Some(r#"{"name":"Uma's"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // But not on the parent.
    let (s, _) = call(
        &em,
        Method::PUT,
        "/api/dataverses/lab",
        Some(&uma),
        Some(r#"{"name":"x"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call(
        &em,
        Method::GET,
        "/api/dataverses/lab/assignments",
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // dvContributor includes ViewUnpublishedDataverse? No: it grants AddDataverse only.
    // Guests still see nothing unpublished.
    let (s, _) = call(&em, Method::GET, "/api/dataverses/umas", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Publishing makes it visible to guests.
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/dataverses/lab/actions/:publish",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/dataverses/umas/actions/:publish",
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(&em, Method::GET, "/api/dataverses/lab/contents", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    // Uma can delete her own (published, empty) collection: admin role includes DeleteDataverse.
    let (s, v) = call(
        &em,
        Method::DELETE,
        "/api/dataverses/umas",
        Some(&uma),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn assignments_and_roles() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    new_user(&em, "gabbi").await;
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/root/assignments",
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let a = &v["data"][0];
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "assignee",
            "assigneeName",
            "roleId",
            "roleName",
            "roleDescription",
            "_roleAlias",
            "definitionPointId",
            "definitionPointName",
            "definitionPointType"
        ]
    );
    assert_eq!(a["assignee"], "@dataverseAdmin");
    assert_eq!(a["definitionPointType"], "Dataverse");
    // The roles available on root: the built-in ones, admin first (ascending id).
    let (s, v) = call(&em, Method::GET, "/api/dataverses/root/roles", key, None).await;
    assert_eq!(s, StatusCode::OK);
    let aliases: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alias"].as_str().unwrap())
        .collect();
    assert_eq!(
        aliases,
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

    let body = r#"{"assignee": "@gabbi", "role": "curator"}"#;
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        key,
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["assignee"], "@gabbi");
    assert_eq!(v["data"]["roleName"], "Curator");
    let aid = v["data"]["id"].as_i64().unwrap();
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        key,
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(err(&v), "Role has already been granted.");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        key,
        Some(r#"{"assignee":"@nobody","role":"curator"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(err(&v), "Assignee not found");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/assignments",
        key,
        Some(r#"{"assignee":"@gabbi","role":"wizard"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Can't find role named 'wizard' in dataverse [Dataverse id:1 name:Root]"
    );

    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/dataverses/root/assignments/{aid}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        message(&v),
        "Role Curator revoked for assignee @gabbi in Root"
    );
    let (s, v) = call(
        &em,
        Method::DELETE,
        &format!("/api/dataverses/root/assignments/{aid}"),
        key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), format!("Role assignment {aid} not found"));
}

#[tokio::test]
async fn facets_inheritance() {
    let (_d, em) = open();
    let admin = em.admin_token().unwrap();
    let key = Some(admin.as_str());
    call(
        &em,
        Method::POST,
        "/api/dataverses/root",
        key,
        Some(&dv("a")),
    )
    .await;
    call(&em, Method::POST, "/api/dataverses/a", key, Some(&dv("b"))).await;
    let (s, v) = call(&em, Method::GET, "/api/dataverses/b/facets", key, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["data"],
        json!(["authorName", "subject", "keywordValue", "dateOfDeposit"])
    );
    let (_, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/root/facets?returnDetails=true",
        key,
        None,
    )
    .await;
    let first = &v["data"][0];
    assert_eq!(first["name"], "authorName");
    assert_eq!(first["displayName"], "Author Name");
    assert!(first["id"].is_string());

    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/a/facets",
        key,
        Some(r#"["subject","nope"]"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/a/facets",
        key,
        Some(r#"["subject","title"]"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), "Facets of dataverse a updated.");
    let (_, v) = call(&em, Method::GET, "/api/dataverses/b/facets/", key, None).await;
    assert_eq!(v["data"], json!(["subject", "title"]));
    let (_, v) = call(&em, Method::GET, "/api/dataverses/a", key, None).await;
    assert_eq!(v["data"]["isFacetRoot"], true);
    let (_, v) = call(&em, Method::GET, "/api/dataverses/root/facets", key, None).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 4);
}

fn spec(c: usize, d: usize, depth: usize, seed: u64) -> GenerateSpec {
    GenerateSpec {
        collections: c,
        datasets: d,
        depth,
        seed,
    }
}

#[tokio::test]
async fn generated_datasets_read() {
    let (_d, em) = open();
    let summary = em.generate(&spec(6, 20, 3, 7)).unwrap();
    assert_eq!(
        (summary.collections, summary.datasets, summary.max_depth),
        (6, 20, 3)
    );
    // Find a dataset through contents of the collections.
    let (_, v) = call(
        &em,
        Method::GET,
        "/api/dataverses/root/contents",
        None,
        None,
    )
    .await;
    let top = v["data"].as_array().unwrap();
    assert_eq!(top.len(), 2, "{v}");
    // Walk all collections via ids 2..=7 (DvObject ids: root 1, then collections).
    let mut ds_ids = Vec::new();
    for id in 2..=7 {
        let (s, v) = call(
            &em,
            Method::GET,
            &format!("/api/dataverses/{id}/contents"),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        for item in v["data"].as_array().unwrap() {
            if item["type"] == "dataset" {
                ds_ids.push(item["id"].as_i64().unwrap());
                assert!(item.get("latestVersion").is_none());
            }
        }
    }
    ds_ids.sort();
    assert_eq!(ds_ids, (8..28).collect::<Vec<i64>>());

    let (s, v) = call(&em, Method::GET, "/api/datasets/8", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let d = &v["data"];
    let pid = format!(
        "doi:{}/{}",
        d["authority"].as_str().unwrap(),
        d["identifier"].as_str().unwrap()
    );
    assert!(d["identifier"].as_str().unwrap().starts_with("FK2/"));
    assert_eq!(d["identifier"].as_str().unwrap().len(), 10);
    assert_eq!(d["publisher"], "Root");
    let lv = &d["latestVersion"];
    assert_eq!(lv["versionState"], "RELEASED");
    assert_eq!(lv["versionNumber"], 1);
    assert_eq!(lv["versionMinorNumber"], 0);
    assert_eq!(lv["license"]["name"], "CC0 1.0");
    assert_eq!(lv["datasetPersistentId"], pid.as_str());
    let fields = lv["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = fields
        .iter()
        .map(|f| f["typeName"].as_str().unwrap())
        .collect();
    for n in [
        "title",
        "author",
        "datasetContact",
        "dsDescription",
        "subject",
        "keyword",
        "productionDate",
        "distributionDate",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    assert!(fields[1]["value"][0]["authorAffiliation"]["value"].is_string());

    let (s, v) = call(
        &em,
        Method::GET,
        &format!("/api/datasets/:persistentId?persistentId={pid}"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["id"], 8);
    for (uri, status, text) in [
        (
            "/api/datasets/:persistentId",
            400,
            "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.",
        ),
        (
            "/api/datasets/:persistentId?persistentId=doi:10.5072/FK2/NOPE00",
            404,
            "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.",
        ),
        ("/api/datasets/abc", 400, "Bad dataset ID number: abc."),
        ("/api/datasets/4242", 404, "Dataset with ID 4242 not found."),
        (
            "/api/datasets/8/versions/1.x",
            400,
            "Illegal version identifier '1.x'",
        ),
        (
            "/api/datasets/8/versions/2.0",
            404,
            "Dataset version 2.0 of dataset 8 not found",
        ),
        (
            "/api/datasets/8/versions/:draft",
            401,
            "User :guest is not permitted to perform requested action.",
        ),
    ] {
        let (s, v) = call(&em, Method::GET, uri, None, None).await;
        assert_eq!(s.as_u16(), status, "{uri}: {v}");
        assert_eq!(err(&v), text, "{uri}");
    }
    let admin = em.admin_token().unwrap();
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/datasets/8/versions/:draft",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err(&v), "Dataset version :draft of dataset 8 not found");
    for spec in ["1", "1.0", ":latest", ":latest-published"] {
        let (s, v) = call(
            &em,
            Method::GET,
            &format!("/api/datasets/8/versions/{spec}?excludeFiles=true"),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{spec}");
        assert_eq!(v["data"]["versionNumber"], 1);
        assert!(v["data"].get("files").is_none());
    }
    let (_, v) = call(&em, Method::GET, "/api/datasets/8/versions/1", None, None).await;
    assert_eq!(v["data"]["files"], json!([]));
    let (s, v) = call(&em, Method::GET, "/api/datasets/8/versions", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let (s, v) = call(
        &em,
        Method::GET,
        "/api/datasets/8?returnOwners=true",
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["isPartOf"]["type"], "DATAVERSE");
}

#[tokio::test]
async fn generator_is_deterministic() {
    let sample = |em: Emulator| async move {
        let mut out = Vec::new();
        for uri in [
            "/api/dataverses/2",
            "/api/dataverses/5",
            "/api/datasets/12",
            "/api/datasets/30",
            "/api/datasets/12/versions",
        ] {
            let (s, v) = call(&em, Method::GET, uri, None, None).await;
            assert_eq!(s, StatusCode::OK, "{uri}");
            out.push(v);
        }
        out
    };
    let (_a, a) = open();
    let (_b, b) = open();
    let (_c, c) = open();
    let sa = a.generate(&spec(5, 30, 2, 99)).unwrap();
    let sb = b.generate(&spec(5, 30, 2, 99)).unwrap();
    c.generate(&spec(5, 30, 2, 100)).unwrap();
    // Everything but the time the index took.
    let parts = |s: &dataverse_emulator::GenerateSummary| {
        (s.collections, s.datasets, s.max_depth, s.indexed)
    };
    assert_eq!(parts(&sa), parts(&sb));
    assert_eq!(
        sa.indexed,
        5 + 30,
        "every new collection and dataset is indexed"
    );
    let (va, vb, vc) = (sample(a.clone()).await, sample(b).await, sample(c).await);
    assert_eq!(va, vb);
    assert_ne!(va, vc);

    // Exact counts, integrity, and a second run with the same seed is refused.
    let counts = rusqlite_counts(_a.path());
    assert_eq!(counts, (1 + 5, 30, 30, "ok".to_string()));
    assert!(a.generate(&spec(5, 30, 2, 99)).is_err());
    a.generate(&spec(0, 3, 0, 5)).unwrap();
    // depth larger than collections: one per level.
    let (_e, e) = open();
    assert_eq!(e.generate(&spec(2, 0, 5, 1)).unwrap().max_depth, 2);
}

fn rusqlite_counts(dir: &std::path::Path) -> (i64, i64, i64, String) {
    let conn = rusqlite::Connection::open(dir.join("dataverse.sqlite3")).unwrap();
    let n = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    (n("dataverses"), n("datasets"), n("dataset_versions"), check)
}

#[tokio::test]
async fn latency_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.latency = Duration::from_millis(150);
    let em = Emulator::open(config).unwrap();
    let start = Instant::now();
    let (s, _) = call(&em, Method::GET, "/api/info/version", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(start.elapsed() >= Duration::from_millis(150));
    let start = Instant::now();
    let (s, _) = call(&em, Method::GET, "/api/dataverses/nope", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

/// Drafts are written straight into the store (the write API comes later) to check who
/// sees them.
#[tokio::test]
async fn draft_visibility() {
    let (dir, em) = open();
    em.generate(&spec(1, 1, 1, 3)).unwrap();
    // Dataset 3 (released 1.0) gets a draft; dataset 5 is a never-published draft.
    {
        let conn = rusqlite::Connection::open(dir.path().join("dataverse.sqlite3")).unwrap();
        conn.execute_batch(
            "INSERT INTO dataset_versions (dataset_id, state, metadata_blocks, license_name,
                 create_time, last_update_time)
             SELECT 3, 'DRAFT', metadata_blocks, license_name, '2026-01-01T00:00:00Z',
                 '2026-01-01T00:00:00Z' FROM dataset_versions WHERE dataset_id = 3;
             INSERT INTO dvobjects (id, dtype) VALUES (5, 'Dataset');
             INSERT INTO datasets (id, owner_id, protocol, authority, identifier,
                 storage_identifier, created)
             VALUES (5, 2, 'doi', '10.5072', 'FK2/DRAFT1', 'file://10.5072/FK2/DRAFT1',
                 '2026-01-01T00:00:00Z');
             INSERT INTO dataset_versions (dataset_id, state, metadata_blocks, create_time,
                 last_update_time)
             VALUES (5, 'DRAFT', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    let admin = em.admin_token().unwrap();
    let uma = new_user(&em, "uma").await;

    // Guest and a stranger: the released version only.
    for key in [None, Some(uma.as_str())] {
        let (s, v) = call(&em, Method::GET, "/api/datasets/3", key, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["data"]["latestVersion"]["versionState"], "RELEASED");
        assert_eq!(
            v["data"]["latestVersion"]["latestVersionPublishingState"],
            "DRAFT"
        );
        let (_, v) = call(
            &em,
            Method::GET,
            "/api/datasets/3/versions/:latest",
            key,
            None,
        )
        .await;
        assert_eq!(v["data"]["versionState"], "RELEASED");
        let (_, v) = call(&em, Method::GET, "/api/datasets/3/versions", key, None).await;
        assert_eq!(v["data"].as_array().unwrap().len(), 1);
        let (s, _) = call(
            &em,
            Method::GET,
            "/api/datasets/3/versions/:draft",
            key,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, v) = call(&em, Method::GET, "/api/datasets/5", key, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        let (_, v) = call(&em, Method::GET, "/api/dataverses/2/contents", key, None).await;
        assert_eq!(v["data"].as_array().unwrap().len(), 1);
    }
    // The superuser sees drafts, newest first.
    let k = Some(admin.as_str());
    let (_, v) = call(&em, Method::GET, "/api/datasets/3", k, None).await;
    assert_eq!(v["data"]["latestVersion"]["versionState"], "DRAFT");
    assert!(v["data"]["latestVersion"].get("versionNumber").is_none());
    assert!(v["data"]["latestVersion"].get("releaseTime").is_none());
    let (_, v) = call(&em, Method::GET, "/api/datasets/3/versions", k, None).await;
    let states: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["versionState"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["DRAFT", "RELEASED"]);
    let (s, _) = call(
        &em,
        Method::GET,
        "/api/datasets/:persistentId/versions/:draft?persistentId=doi:10.5072/FK2/draft1",
        k,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = call(&em, Method::GET, "/api/dataverses/2/contents", k, None).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);

    // A curator grant on the collection lets uma see the drafts below it.
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/dataverses/2/assignments",
        k,
        Some(r#"{"assignee":"@uma","role":"curator"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(&em, Method::GET, "/api/datasets/5", Some(&uma), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["latestVersion"]["versionState"], "DRAFT");
}
