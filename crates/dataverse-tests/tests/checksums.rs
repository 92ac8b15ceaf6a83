//! File checksums other than MD5: `:FileFixityChecksumAlgorithm` set through
//! `/api/admin/settings`, files stored with SHA-1/SHA-256/SHA-512 and reported without an
//! `md5` field, downloads verified in the file's algorithm, earlier files keeping theirs;
//! and the admin settings endpoints themselves.

use dataverse_client::api::access::{DownloadOptions, Verification};
use dataverse_client::api::upload::{UploadDirectoryOptions, UploadOptions, UploadSource};
use dataverse_client::checksum::{ChecksumAlgorithm, Hasher};
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;
use serde_json::Value;

const SETTING: &str = ":FileFixityChecksumAlgorithm";

fn digest(algorithm: ChecksumAlgorithm, data: &[u8]) -> String {
    let mut h = Hasher::new(algorithm);
    h.update(data);
    h.finalize()
}

/// `(status, body)` of a raw call with an optional key and text body.
async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (u16, Value) {
    // reqwest is built without a default TLS provider; plain HTTP still needs one set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", server.base_url));
    if let Some(k) = key {
        req = req.header("X-Dataverse-key", k);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, v)
}

/// A new draft dataset (the finch fixture) in the root collection; its database id.
async fn finch_dataset(api: &NativeApi) -> u64 {
    let create: DatasetCreateBody =
        serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap();
    api.create_dataset(":root", &create, None, false)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn admin_settings_round_trip_from_loopback_without_a_key() {
    // As in Dataverse, the settings ask for no key: the blocked-endpoints policy (loopback
    // clients only, see tests/admin_api.rs) protects them.
    let server = TestServer::start().await;
    let path = format!("/api/admin/settings/{SETTING}");

    let (status, v) = call(&server, Method::GET, &path, None, None).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["message"], format!("Setting {SETTING} not found."));
    // A value that is not UTF-8 text is refused with Dataverse's JSON error.
    let resp = reqwest::Client::new()
        .put(format!("{}{path}", server.base_url))
        .body(vec![0xff, 0xfe, 0x41])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let refused: Value = resp.json().await.unwrap();
    assert_eq!(refused["status"], "ERROR", "{refused}");

    let (status, v) = call(&server, Method::PUT, &path, None, Some("SHA-256")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["message"], format!("Setting {SETTING} added."));
    let (_, v) = call(&server, Method::GET, &path, None, None).await;
    assert_eq!(v["data"]["message"], "SHA-256");
    let (_, v) = call(&server, Method::GET, "/api/admin/settings", None, None).await;
    assert_eq!(v["data"][SETTING], "SHA-256");

    let (status, v) = call(&server, Method::DELETE, &path, None, None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["message"], format!("Setting {SETTING} deleted."));
    let (status, _) = call(&server, Method::GET, &path, None, None).await;
    assert_eq!(status, 404);
    server.stop().await;
}

#[tokio::test]
async fn files_take_the_algorithm_set_when_they_arrive() {
    let server = TestServer::start().await;
    let api = server.admin();
    let admin = server.admin_token.clone();
    let ds = finch_dataset(&api).await;
    let dir = tempfile::tempdir().unwrap();
    let body = UploadBody::default();

    // Before the setting: MD5, reported both ways.
    let first = dir.path().join("first.bin");
    std::fs::write(&first, b"first file\n").unwrap();
    let before = api
        .upload_datafile(ds, UploadSource::path(&first), &body)
        .await
        .unwrap();
    let before_id = before.files[0].data_file.id.unwrap();

    let mut seen = Vec::new();
    for (name, algorithm) in [
        ("SHA-1", ChecksumAlgorithm::Sha1),
        ("SHA-256", ChecksumAlgorithm::Sha256),
        ("SHA-512", ChecksumAlgorithm::Sha512),
    ] {
        let path = format!("/api/admin/settings/{SETTING}");
        let (status, v) = call(&server, Method::PUT, &path, Some(&admin), Some(name)).await;
        assert_eq!(status, 200, "{v}");
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| (i % 241) as u8 ^ name.len() as u8)
            .collect();
        let file = dir.path().join(format!("{name}.bin"));
        std::fs::write(&file, &data).unwrap();
        let report = api
            .upload_datafile_with(ds, UploadSource::path(&file), &body, UploadOptions::new())
            .await
            .unwrap();
        let id = report.file().and_then(|f| f.data_file.id).unwrap();
        assert!(report.checksum_verified, "upload of {name} not verified");

        // The wire: `checksum` in the algorithm, and no `md5` (as JsonPrinter omits it).
        let (status, v) = call(
            &server,
            Method::GET,
            &format!("/api/files/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, 200, "{v}");
        let df = &v["data"]["dataFile"];
        assert_eq!(df["checksum"]["type"], name, "{v}");
        assert_eq!(df["checksum"]["value"], digest(algorithm, &data), "{v}");
        assert!(df.get("md5").is_none(), "{v}");

        // A download is checked in the file's algorithm.
        let out = dir.path().join(format!("{name}.out"));
        let dl = api
            .download_datafile(id, &out, &DownloadOptions::new())
            .await
            .unwrap();
        match &dl.verification {
            Verification::Checksum {
                algorithm: a,
                value,
            } => {
                assert_eq!(*a, algorithm);
                assert_eq!(value, &digest(algorithm, &data));
            }
            other => panic!("{name}: not verified by checksum: {other:?}"),
        }
        assert_eq!(std::fs::read(&out).unwrap(), data);
        seen.push(id);
    }

    // The first file kept its MD5 through the changes.
    let (_, v) = call(
        &server,
        Method::GET,
        &format!("/api/files/{before_id}"),
        Some(&admin),
        None,
    )
    .await;
    let df = &v["data"]["dataFile"];
    assert_eq!(df["checksum"]["type"], "MD5");
    assert_eq!(df["md5"], digest(ChecksumAlgorithm::Md5, b"first file\n"));

    // The files table shows each file's own algorithm.
    let files = api
        .get_datafiles_metadata(ds, Some(Version::Draft), &[])
        .await
        .unwrap();
    let types: Vec<String> = files
        .iter()
        .filter_map(|f| f.data_file.checksum.as_ref().map(|c| c.r#type.clone()))
        .collect();
    for t in ["MD5", "SHA-1", "SHA-256", "SHA-512"] {
        assert!(types.iter().any(|x| x == t), "{t} missing from {types:?}");
    }
    assert_eq!(seen.len(), 3);

    // A fresh client learns the algorithm from the dataset's newest file before a directory
    // upload sends anything (here it sends nothing: the file is there already).
    let fresh = server.admin();
    assert_eq!(fresh.upload_checksum_algorithm(), ChecksumAlgorithm::Md5);
    let again = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("SHA-512.bin"),
        again.path().join("SHA-512.bin"),
    )
    .unwrap();
    let summary = fresh
        .upload_directory(ds, again.path(), UploadDirectoryOptions::default())
        .await
        .unwrap();
    assert_eq!(summary.skipped.len(), 1, "{summary:?}");
    assert_eq!(fresh.upload_checksum_algorithm(), ChecksumAlgorithm::Sha512);
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_algorithm_falls_back_to_md5() {
    let server = TestServer::start().await;
    let api = server.admin();
    let admin = server.admin_token.clone();
    let path = format!("/api/admin/settings/{SETTING}");
    let (status, _) = call(&server, Method::PUT, &path, Some(&admin), Some("CRC32")).await;
    assert_eq!(status, 200);
    let ds = finch_dataset(&api).await;
    let report = api
        .upload_datafile(
            ds,
            UploadSource::reader(std::io::Cursor::new(b"abc".to_vec()), "abc.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    let checksum = report.files[0].data_file.checksum.clone().unwrap();
    assert_eq!(checksum.r#type, "MD5");
    assert_eq!(checksum.value, "900150983cd24fb0d6963f7d28e17f72");
    server.stop().await;
}
