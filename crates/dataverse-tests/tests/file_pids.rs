//! File PIDs through the library against the embedded Dataverse: minted on publish when
//! the installation or the collection registers them, by the admin API otherwise, and
//! files read (metadata and bytes) by their PID.

use std::time::Duration;

use dataverse_client::Error;
use dataverse_client::NativeApi;
use dataverse_client::api::access::DownloadOptions;
use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::collections::CollectionCreateBody;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

async fn setting(server: &TestServer, name: &str, value: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let status = reqwest::Client::new()
        .put(format!("{}/api/admin/settings/{name}", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .body(value.to_string())
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{name}: {status}");
}

/// A published dataset in `collection` with one file; the file's id.
async fn published_file(api: &NativeApi, collection: &str, text: &str) -> u64 {
    let pid = api
        .create_dataset(collection, &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    let reader = std::io::Cursor::new(text.as_bytes().to_vec());
    let up = api
        .upload_datafile(
            pid.as_str(),
            UploadSource::reader(reader, "data.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    let id = up.files[0].data_file.id.unwrap();
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, Duration::from_secs(30))
        .await
        .unwrap();
    id
}

async fn pid_of(api: &NativeApi, file: u64) -> String {
    let info = api.get_datafile_metadata(file, false).await.unwrap();
    info.data_file.persistent_id.unwrap_or_default()
}

#[tokio::test]
async fn minted_on_publish_and_resolvable() {
    let server = TestServer::start().await;
    let api = server.admin();
    // Off by default: no PID.
    let before = published_file(&api, ":root", "before").await;
    assert_eq!(pid_of(&api, before).await, "");

    setting(&server, ":FilePIDsEnabled", "true").await;
    let file = published_file(&api, ":root", "hello file pids").await;
    let pid = pid_of(&api, file).await;
    assert!(pid.starts_with("doi:10.5072/FK2/"), "{pid}");
    assert_eq!(
        pid.matches('/').count(),
        3,
        "dataset identifier / file part: {pid}"
    );
    // Read by PID: the metadata, the bytes (also as a guest: the file is published).
    let by_pid = api
        .get_datafile_metadata(pid.as_str(), false)
        .await
        .unwrap();
    assert_eq!(by_pid.data_file.id, Some(file));
    let dir = tempfile::tempdir().unwrap();
    let report = server
        .anonymous()
        .download_datafile(pid.as_str(), dir.path(), &DownloadOptions::new())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&report.path).unwrap(), b"hello file pids");
    // A file with a PID is cited directly: its own PID, its name, the dataset's title in <em>.
    let cited = api
        .get_datafile_citation(file, dataverse_client::Version::LatestPublished, false)
        .await
        .unwrap();
    let url = format!("https://doi.org/{}", &pid["doi:".len()..]);
    assert!(cited.contains("\"data.txt\", <em>"), "{cited}");
    assert!(cited.contains(&format!("<a href=\"{url}\"")), "{cited}");
    assert!(!cited.contains("[fileName]"), "{cited}");
    let indirect = api
        .get_datafile_citation(before, dataverse_client::Version::LatestPublished, false)
        .await
        .unwrap();
    assert!(indirect.ends_with("[fileName]"), "{indirect}");
    // Lower case resolves too; an unknown PID is a 404.
    assert!(
        api.get_datafile_metadata(pid.to_lowercase().as_str(), false)
            .await
            .is_ok()
    );
    let err = api
        .get_datafile_metadata("doi:10.5072/FK2/NOSUCH/ABCDEF", false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");

    // The admin API registers the file published before.
    let m = api.register_all_datafile_pids().await.unwrap();
    assert_eq!(
        m,
        "Datafile registration complete.1 of  1 unregistered, published files registered successfully."
    );
    assert!(pid_of(&api, before).await.starts_with("doi:"));
    let m = api.register_datafile_pid(before).await.unwrap();
    assert_eq!(m, "File was already registered. ");
}

#[tokio::test]
async fn per_collection_and_admin_registration() {
    let server = TestServer::start().await;
    let api = server.admin();
    setting(&server, ":AllowEnablingFilePIDsPerCollection", "true").await;
    let body = CollectionCreateBody::new("Pids", "pids", "p@example.edu");
    api.create_collection(":root", &body).await.unwrap();
    api.publish_collection("pids").await.unwrap();
    let file = published_file(&api, "pids", "one").await;
    assert_eq!(pid_of(&api, file).await, "");
    let err = api.register_datafile_pid(file).await.unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message == "PIDs are not enabled for this file's collection."),
        "{err:?}"
    );
    let c = api
        .set_collection_attribute("pids", "filePIDsEnabled", "true")
        .await
        .unwrap();
    assert_eq!(c.file_pids_enabled(), Some(true));
    let m = api.register_datafile_pid(file).await.unwrap();
    assert_eq!(
        m,
        "Datafile registration complete. File registered successfully."
    );
    let pid = pid_of(&api, file).await;
    assert!(pid.starts_with("doi:10.5072/FK2/"), "{pid}");
    // Files published from now on get one at once.
    let next = published_file(&api, "pids", "two").await;
    assert!(pid_of(&api, next).await.starts_with("doi:"));
    // An unknown file: Dataverse logs it and answers its success message all the same.
    let m = api.register_datafile_pid(999_999).await.unwrap();
    assert_eq!(
        m,
        "Datafile registration complete. File registered successfully."
    );
    // No PID needs a superuser (the blocked-API policy guards /api/admin), but registering
    // them all needs a signed-in user.
    let user = reqwest::Client::new()
        .post(format!(
            "{}/api/builtin-users?password=p4ssw0rd!&key=burrito",
            server.base_url
        ))
        .json(&serde_json::json!({"firstName": "Pid", "lastName": "Clerk",
            "userName": "pidclerk", "email": "pidclerk@example.edu"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let token = user["data"]["apiToken"].as_str().unwrap().to_string();
    let user = NativeApi::builder(&server.base_url)
        .api_token(token.as_str())
        .build()
        .unwrap();
    let m = user.register_all_datafile_pids().await.unwrap();
    assert!(
        m.starts_with("Datafile registration complete.0 of  0"),
        "{m}"
    );
    let err = server
        .anonymous()
        .register_all_datafile_pids()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
}
