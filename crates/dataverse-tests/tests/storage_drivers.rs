//! Storage drivers through the library against the embedded Dataverse, with and without an
//! S3 store on a real S3 server (`s3s-fs`): the installation's stores, a collection's and a
//! dataset's driver (set, inherited, reset), the superuser-only and unknown-label answers,
//! and uploads following the dataset's effective store (direct to S3, or native).

mod common;

use std::time::Duration;

use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::files::UploadBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::s3::S3Server;
use dataverse_tests::{TestServer, fixture_json};
use serde_json::Value;

async fn with_s3() -> (TestServer, S3Server) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let s3 = S3Server::start().await;
    let config = s3.config();
    let server = TestServer::start_with(
        |c| {
            c.publish_delay = Duration::ZERO;
            c.s3 = Some(config);
        },
        None,
        |r| r,
    )
    .await;
    (server, s3)
}

/// A dataset in collection `alias`; its database id.
async fn dataset_in(server: &TestServer, alias: &str) -> u64 {
    let v: Value = reqwest::Client::new()
        .post(format!(
            "{}/api/dataverses/{alias}/datasets",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .json(&fixture_json("requests/dataset-create-finch1.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["data"]["id"].as_u64().unwrap_or_else(|| panic!("{v}"))
}

/// The `science` collection under root.
async fn science(server: &TestServer) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/dataverses/root", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .json(&fixture_json("requests/dataverse-create-minimal.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

/// Upload a small file; its storage identifier.
async fn upload(api: &NativeApi, ds: u64, name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, name.as_bytes()).unwrap();
    let report = api
        .upload_datafile(ds, UploadSource::path(&path), &UploadBody::default())
        .await
        .unwrap();
    report.files[0]
        .data_file
        .storage_identifier
        .clone()
        .unwrap()
}

#[tokio::test]
async fn drivers_are_set_inherited_and_reset_and_uploads_follow_them() {
    let (server, _s3) = with_s3().await;
    science(&server).await;
    let api = server.admin();
    let ds = dataset_in(&server, "science").await;

    let stores = api.list_storage_drivers("science").await.unwrap();
    assert_eq!(
        stores.into_iter().collect::<Vec<_>>(),
        vec![("S3".into(), "s3".into()), ("file".into(), "file".into())]
    );
    // Nothing set: the collection reports `undefined`, and uses the default (S3).
    let own = api
        .get_collection_storage_driver("science", false)
        .await
        .unwrap();
    assert_eq!(own.name.as_deref(), Some("undefined"));
    assert_eq!((own.r#type.as_deref(), own.direct_upload), (None, false));
    let effective = api
        .get_collection_storage_driver("science", true)
        .await
        .unwrap();
    assert_eq!(effective.name.as_deref(), Some("s3"));
    assert!(effective.direct_upload);
    assert!(upload(&api, ds, "a.txt").await.starts_with("s3://"));

    // The root collection on the file store: science and its dataset inherit it.
    let m = api
        .set_collection_storage_driver(":root", "file")
        .await
        .unwrap();
    assert_eq!(m, "Storage set to: file/file");
    let root = api.get_collection(":root").await.unwrap();
    assert_eq!(root.extra.get("storageDriverLabel"), Some(&"file".into()));
    let effective = api
        .get_collection_storage_driver("science", true)
        .await
        .unwrap();
    assert_eq!(effective.name.as_deref(), Some("file"));
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(
        (driver.name.as_deref(), driver.direct_upload),
        (Some("file"), false)
    );
    assert!(matches!(
        api.get_upload_urls(ds, 10).await,
        Err(Error::NotFound(_))
    ));
    assert!(upload(&api, ds, "b.txt").await.starts_with("local://"));

    // The dataset's own driver wins over its collections'.
    let m = api.set_dataset_storage_driver(ds, "S3").await.unwrap();
    assert_eq!(m, "Storage driver set to: S3/s3");
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(
        (driver.name.as_deref(), driver.label.as_deref()),
        (Some("s3"), Some("S3"))
    );
    assert!(upload(&api, ds, "c.txt").await.starts_with("s3://"));

    // Reset: the dataset inherits the file store again, then the default once root is reset.
    let m = api.reset_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(m, "Storage reset to default: s3");
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(driver.name.as_deref(), Some("file"));
    let m = api.reset_collection_storage_driver(":root").await.unwrap();
    assert_eq!(m, "Storage reset to default: s3");
    let own = api
        .get_collection_storage_driver(":root", false)
        .await
        .unwrap();
    assert_eq!(own.name.as_deref(), Some(""), "a reset stores a blank id");
    let root = api.get_collection(":root").await.unwrap();
    assert!(!root.extra.contains_key("storageDriverLabel"));
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(driver.name.as_deref(), Some("s3"));
    assert!(upload(&api, ds, "d.txt").await.starts_with("s3://"));
}

#[tokio::test]
async fn unknown_labels_and_non_superusers_are_refused() {
    let (server, _s3) = with_s3().await;
    let api = server.admin();
    let ds = dataset_in(&server, "root").await;
    match api.set_dataset_storage_driver(ds, "s3").await {
        Err(Error::BadRequest(e)) => assert_eq!(e.message, "No Storage Driver found for : s3"),
        other => panic!("{other:?}"),
    }
    match api.set_collection_storage_driver("root", "nope").await {
        Err(Error::BadRequest(e)) => {
            assert_eq!(e.message, "No Storage Driver found for : nope")
        }
        other => panic!("{other:?}"),
    }
    match api.set_dataset_storage_driver(999_999, "file").await {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "No such dataset"),
        other => panic!("{other:?}"),
    }

    let http = reqwest::Client::new();
    let token = common::create_user(&http, &server.base_url, "carol").await;
    let carol = NativeApi::builder(&server.base_url)
        .api_token(token.as_str())
        .build()
        .unwrap();
    for result in [
        carol.set_dataset_storage_driver(ds, "file").await,
        carol.reset_dataset_storage_driver(ds).await,
        carol.set_collection_storage_driver("root", "file").await,
        carol.reset_collection_storage_driver("root").await,
    ] {
        match result {
            Err(Error::Forbidden(e)) => assert_eq!(e.message, "Superusers only."),
            other => panic!("{other:?}"),
        }
    }
    // The listing needs AddDataverse on the collection.
    assert!(matches!(
        carol.list_storage_drivers("root").await,
        Err(Error::Unauthorized(_))
    ));
    // Setting without a token: the dataset endpoint's own 400.
    match server
        .anonymous()
        .set_dataset_storage_driver(ds, "file")
        .await
    {
        Err(Error::BadRequest(e)) => assert_eq!(e.message, "Authentication is required."),
        other => panic!("{other:?}"),
    }
    // Nothing changed.
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(driver.name.as_deref(), Some("s3"));
}

#[tokio::test]
async fn without_an_s3_store_only_the_file_store_is_listed() {
    let server = TestServer::start().await;
    let api = server.admin();
    let stores = api.list_storage_drivers(":root").await.unwrap();
    assert_eq!(
        stores.into_iter().collect::<Vec<_>>(),
        vec![("file".into(), "file".into())]
    );
    let ds = dataset_in(&server, "root").await;
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert_eq!(
        (driver.name.as_deref(), driver.r#type.as_deref()),
        (Some("file"), Some("file"))
    );
    assert!(matches!(
        api.set_dataset_storage_driver(ds, "S3").await,
        Err(Error::BadRequest(_))
    ));
    assert_eq!(
        api.set_dataset_storage_driver(ds, "file").await.unwrap(),
        "Storage driver set to: file/file"
    );
    assert!(upload(&api, ds, "x.txt").await.starts_with("local://"));
}

#[tokio::test]
async fn stored_objects_register_only_into_a_dataset_whose_store_is_s3() {
    let (server, _s3) = with_s3().await;
    let api = server.admin();
    let ds = dataset_in(&server, "root").await;
    let urls = api.get_upload_urls(ds, 5).await.unwrap();
    let sid = urls.storage_identifier.clone();
    let put = reqwest::Client::new()
        .put(urls.url.clone().unwrap())
        .header("x-amz-tagging", "dv-state=temp")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    let add = |json_data: String| {
        let form = reqwest::multipart::Form::new().text("jsonData", json_data);
        reqwest::Client::new()
            .post(format!("{}/api/datasets/{ds}/add", server.base_url))
            .header("X-Dataverse-key", &server.admin_token)
            .multipart(form)
            .send()
    };
    let body = serde_json::json!({"storageIdentifier": sid, "fileName": "hello.txt",
        "mimeType": "text/plain", "md5Hash": "5d41402abc4b2a76b9719d911017c592"})
    .to_string();
    // The dataset's store is the file store now: the object is refused.
    api.set_dataset_storage_driver(ds, "file").await.unwrap();
    let r = add(body.clone()).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["message"], "Dataset store configuration does not allow provided storageIdentifier.",
        "{v}"
    );
    // Back on S3 it registers.
    api.reset_dataset_storage_driver(ds).await.unwrap();
    let r = add(body).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}
