//! The Data Access API through the library against the embedded Dataverse: files as bytes
//! and streams with their optional services and ranges, zips of several files and of a
//! whole version (entry names and order, `MANIFEST.TXT` last), a tabular file's bundle,
//! download URLs, download counts and sizes, data tables, and access requests to a restricted file end
//! to end with other users (every refusal in Dataverse's order, with its words; the
//! grantee then downloading the file).

mod common;

use std::path::Path;

use dataverse_client::api::access::{DataAccessOptions, DownloadSizeMode, DownloadSizeQuery};
use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};
use futures_util::StreamExt;

const CSV: &[u8] = b"name,count\nfinch,3\nsparrow,5\n";
const TAB: &str = "name\tcount\nfinch\t3\nsparrow\t5\n";

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// The server's message of an API error, and its variant's status.
fn refusal(e: &Error) -> (u16, String) {
    let api = e
        .api_error()
        .unwrap_or_else(|| panic!("not an API error: {e:?}"));
    (api.status, api.message.clone())
}

/// `(name, bytes)` of each entry of a stored (uncompressed) ZIP, in central-directory order.
fn unzip(z: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([z[i], z[i + 1], z[i + 2], z[i + 3]]) as usize;
    let end = z.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "no end record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50);
        let size = u32_at(at + 20);
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30);
        let comment = u16_at(at + 32);
        let local = u32_at(at + 42);
        let name = String::from_utf8(z[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        out.push((name, z[data_at..data_at + size].to_vec()));
        at += 46 + name_len + extra + comment;
    }
    out
}

async fn upload(
    api: &NativeApi,
    ds: u64,
    dir: &Path,
    name: &str,
    bytes: &[u8],
    body: UploadBody,
) -> u64 {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let up = api
        .upload_datafile(ds, UploadSource::path(&path), &body)
        .await
        .unwrap();
    up.files[0].data_file.id.unwrap()
}

async fn wait_unlocked(api: &NativeApi, ds: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !api.get_dataset_lock(ds, None).await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "still locked");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A published dataset with `raw/blob.bin` and an ingested `table.csv`:
/// (dataset, binary file, table file).
async fn published(api: &NativeApi, dir: &Path, binary: &[u8]) -> (u64, u64, u64) {
    let ds = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let raw = UploadBody {
        directory_label: Some("raw".into()),
        ..Default::default()
    };
    let bin = upload(api, ds, dir, "blob.bin", binary, raw).await;
    let csv = upload(api, ds, dir, "table.csv", CSV, UploadBody::default()).await;
    wait_unlocked(api, ds).await;
    api.publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    (ds, bin, csv)
}

#[tokio::test]
async fn bytes_streams_zips_counts_and_sizes() {
    let server = TestServer::start().await;
    let api = server.admin();
    let dir = tempfile::tempdir().unwrap();
    let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (ds, bin, csv) = published(&api, dir.path(), &binary).await;

    // Nothing downloaded yet.
    assert_eq!(api.get_file_download_count(csv).await.unwrap(), 0);

    // The ingested table with its header line, without it, and its original.
    let none = DataAccessOptions::new();
    assert_eq!(api.get_datafile(csv, &none).await.unwrap(), TAB.as_bytes());
    let tab = DataAccessOptions::new().format("tab");
    assert_eq!(api.get_datafile(csv, &tab).await.unwrap(), TAB.as_bytes());
    let bare = DataAccessOptions::new().no_var_header(true).gbrecs(true);
    assert_eq!(
        api.get_datafile(csv, &bare).await.unwrap(),
        "finch\t3\nsparrow\t5\n".as_bytes()
    );
    let original = DataAccessOptions::new().format("original").gbrecs(true);
    assert_eq!(api.get_datafile(csv, &original).await.unwrap(), CSV);
    // format=original of a file that is not tabular is the file itself.
    assert_eq!(api.get_datafile(bin, &original).await.unwrap(), binary);
    // Services a file does not offer: Dataverse's 404 with its words.
    for opts in [
        DataAccessOptions::new().format("tab"),
        DataAccessOptions::new().no_var_header(true),
        DataAccessOptions::new().format("RData"),
        DataAccessOptions::new().image_thumb("true"),
    ] {
        let e = api.get_datafile(bin, &opts).await.unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{opts:?}: {e:?}");
        assert!(
            refusal(&e)
                .1
                .starts_with("datafile access error: requested optional service"),
            "{e:?}"
        );
    }

    // A range as a stream: counted only when it starts at byte 0.
    let mut s = api
        .stream_datafile(bin, &DataAccessOptions::new().range(100, Some(199)))
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(chunk) = s.next().await {
        got.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(got, &binary[100..200]);
    // Two counted reads of the table (no gbrecs), the others not counted.
    assert_eq!(api.get_file_download_count(csv).await.unwrap(), 2);
    assert_eq!(api.get_file_download_count(bin).await.unwrap(), 0);

    // Several files as one zip: folders, the ingested name, MANIFEST.TXT last; counted.
    let zip = api.get_datafiles(&[bin, csv], false).await.unwrap();
    let entries = unzip(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["raw/blob.bin", "table.tab", "MANIFEST.TXT"]);
    assert_eq!(entries[0].1, binary);
    assert_eq!(entries[1].1, TAB.as_bytes());
    let mut streamed = Vec::new();
    let mut s = api.stream_datafiles(&[csv], true).await.unwrap();
    while let Some(chunk) = s.next().await {
        streamed.extend_from_slice(&chunk.unwrap());
    }
    let names: Vec<String> = unzip(&streamed).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["table.csv", "MANIFEST.TXT"]);
    assert_eq!(api.get_file_download_count(csv).await.unwrap(), 4);
    assert_eq!(api.get_file_download_count(bin).await.unwrap(), 1);
    let e = api.get_datafiles(&[], false).await.unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");

    // The whole version, in memory and streamed: the same entries.
    let all = api.download_all_datafiles(ds, None, true).await.unwrap();
    let names: Vec<String> = unzip(&all).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["raw/blob.bin", "table.csv", "MANIFEST.TXT"]);
    let mut s = api
        .stream_all_datafiles(ds, Some(Version::Number { major: 1, minor: 0 }), false)
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Some(chunk) = s.next().await {
        streamed.extend_from_slice(&chunk.unwrap());
    }
    let names: Vec<String> = unzip(&streamed).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["raw/blob.bin", "table.tab", "MANIFEST.TXT"]);
    let e = api
        .download_all_datafiles(ds, Some(Version::Number { major: 7, minor: 0 }), false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");

    // A tabular file's bundle: Dataverse's entries in its order; counted as a download.
    let before = api.get_file_download_count(csv).await.unwrap();
    let bundle = unzip(&api.get_datafile_bundle(csv).await.unwrap());
    let names: Vec<&str> = bundle.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "table.tab",
            "table.csv",
            "table-ddi.xml",
            "tablecitation-endnote.xml",
            "tablecitation-ris.ris",
            "tablecitation-bib.bib"
        ]
    );
    assert_eq!(bundle[0].1, TAB.as_bytes());
    assert_eq!(bundle[1].1, CSV);
    let ddi = String::from_utf8(bundle[2].1.clone()).unwrap();
    let doc = roxmltree::Document::parse(&ddi).unwrap();
    let vars: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("var"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(vars, ["name", "count"]);
    let case_qnty = doc
        .descendants()
        .find(|n| n.has_tag_name("caseQnty"))
        .unwrap();
    assert_eq!(case_qnty.text(), Some("2"));
    let endnote = String::from_utf8(bundle[3].1.clone()).unwrap();
    let doc = roxmltree::Document::parse(&endnote).unwrap();
    let ref_type = doc
        .descendants()
        .find(|n| n.has_tag_name("ref-type"))
        .unwrap();
    assert_eq!(
        (ref_type.attribute("name"), ref_type.text()),
        (Some("Dataset"), Some("59"))
    );
    let ris = String::from_utf8(bundle[4].1.clone()).unwrap();
    assert!(
        ris.contains("TY  - DATA\r\n") && ris.contains("C1  - table.tab\r\n"),
        "{ris}"
    );
    assert!(
        ris.contains("ET  - V1\r\n") && ris.ends_with("ER  - \r\n"),
        "{ris}"
    );
    let bib = String::from_utf8(bundle[5].1.clone()).unwrap();
    assert!(
        bib.starts_with("@data{") && bib.contains("version = {V1},"),
        "{bib}"
    );
    assert_eq!(api.get_file_download_count(csv).await.unwrap(), before + 1);
    // A file that is not an ingested table: the file alone.
    let bundle = unzip(&api.get_datafile_bundle(bin).await.unwrap());
    assert_eq!(bundle.len(), 1);
    assert_eq!((bundle[0].0.as_str(), &bundle[0].1), ("blob.bin", &binary));
    let e = api.get_datafile_bundle(999_999).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");

    // The table's variables and summary statistics; a file that is not tabular: 400.
    let tables = api.get_file_data_tables(csv).await.unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(
        (tables[0].var_quantity, tables[0].case_quantity),
        (Some(2), Some(2))
    );
    let vars = &tables[0].data_variables;
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["name", "count"]);
    // JsonPrinter leaves out what the CSV ingest never sets (null).
    assert!(!tables[0].extra.contains_key("recordsPerCase"));
    for key in [
        "fileStartPosition",
        "fileEndPosition",
        "recordSegmentNumber",
        "numberOfDecimalPoints",
    ] {
        assert!(vars.iter().all(|v| !v.extra.contains_key(key)), "{key}");
    }
    assert_eq!(vars[1].file_order, Some(1));
    assert_eq!(vars[0].variable_format_type.as_deref(), Some("CHARACTER"));
    assert_eq!(vars[1].variable_format_type.as_deref(), Some("NUMERIC"));
    let stats = vars[1].summary_statistics.as_ref().unwrap();
    for (k, want) in [
        ("mean", "4.0"),
        ("min", "3.0"),
        ("max", "5.0"),
        ("vald", "2.0"),
    ] {
        assert_eq!(stats[k], want, "{k}");
    }
    assert_eq!(
        refusal(&api.get_file_data_tables(bin).await.unwrap_err()),
        (
            400,
            "This operation is only available for tabular files.".into()
        )
    );
    assert_eq!(
        refusal(&api.get_file_data_tables(999_999).await.unwrap_err()),
        (404, "File not found for given id.".into())
    );

    // The local store hands out the plain access URL.
    let url = api
        .get_datafile_download_url(bin, &DataAccessOptions::new())
        .await
        .unwrap();
    assert_eq!(
        url.as_str(),
        format!("{}/api/access/datafile/{bin}", server.base_url)
    );

    // Download sizes by mode.
    let tab_len = TAB.len() as u64;
    let (csv_len, bin_len) = (CSV.len() as u64, binary.len() as u64);
    for (mode, want) in [
        (None, bin_len + tab_len + csv_len),
        (Some(DownloadSizeMode::All), bin_len + tab_len + csv_len),
        (Some(DownloadSizeMode::Original), bin_len + csv_len),
        (Some(DownloadSizeMode::Archival), bin_len + tab_len),
    ] {
        let q = DownloadSizeQuery {
            mode,
            ..Default::default()
        };
        let size = api
            .get_dataset_download_size(ds, Version::Latest, &q)
            .await
            .unwrap();
        assert_eq!(size.storage_size, want, "{mode:?}");
    }
    let q = DownloadSizeQuery {
        content_type: Some("text/tab-separated-values".into()),
        mode: Some(DownloadSizeMode::Original),
        ..Default::default()
    };
    let size = api
        .get_dataset_download_size(ds, Version::Latest, &q)
        .await
        .unwrap();
    assert_eq!(size.storage_size, csv_len);
    assert_eq!(
        size.message.as_deref(),
        Some(
            format!("Total size of the files available for download in this version of the dataset: {csv_len} bytes")
                .as_str()
        )
    );
    let total = bin_len + tab_len + csv_len;
    let http = reqwest::Client::new();
    let (status, v) = common::http_call(
        &http,
        &server.base_url,
        reqwest::Method::GET,
        &format!("/api/datasets/{ds}/versions/:latest/downloadsize"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let grouped = format!("{},{:03}", total / 1000, total % 1000);
    assert!(
        v["data"]["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{grouped} bytes")),
        "{v}"
    );
    for (query, message) in [
        ("mode=Big", "Invalid mode: Big"),
        ("accessStatus=Open", "Invalid access status: Open"),
    ] {
        let (status, v) = common::http_call(
            &http,
            &server.base_url,
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:latest/downloadsize?{query}"),
            None,
            None,
        )
        .await;
        assert_eq!((status, v["message"].as_str()), (400, Some(message)), "{v}");
    }
    let e = api.get_file_download_count(999_999).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    server.stop().await;
}

#[tokio::test]
async fn access_requests_end_to_end() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let http = reqwest::Client::new();
    let base = server.base_url.clone();
    let bob = common::client(&base, Some(&common::create_user(&http, &base, "bob").await));
    let carol = common::client(
        &base,
        Some(&common::create_user(&http, &base, "carol").await),
    );
    common::create_user(&http, &base, "dave").await;
    let dir = tempfile::tempdir().unwrap();
    let ds = admin
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let open = upload(
        &admin,
        ds,
        dir.path(),
        "open.txt",
        b"for all\n",
        UploadBody::default(),
    )
    .await;
    let restricted = UploadBody {
        restrict: Some(true),
        ..Default::default()
    };
    let secret = upload(
        &admin,
        ds,
        dir.path(),
        "secret.txt",
        b"for few\n",
        restricted,
    )
    .await;
    admin
        .publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let plain = DataAccessOptions::new();
    let bad = |e: Error| refusal(&e);

    // Before any request: bob may read the open file only.
    assert_eq!(
        bob.get_datafile(open, &plain).await.unwrap(),
        &b"for all\n"[..]
    );
    let e = bob.get_datafile(secret, &plain).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");

    // Refusals of a request, in Dataverse's order.
    assert_eq!(
        bad(bob.request_access(999_999).await.unwrap_err()),
        (400, "Could not find datafile with id 999999.".into())
    );
    assert_eq!(
        bad(server.anonymous().request_access(secret).await.unwrap_err()),
        (400, "Could not find user to execute command: null".into())
    );
    assert_eq!(
        bad(bob.request_access(open).await.unwrap_err()),
        (
            400,
            "You may not request access to this file. It may already be available to you.".into()
        )
    );
    // A draft that takes no requests (terms of access instead).
    admin
        .restrict_datafile(open, true, Some(false), Some("Ask the curator."))
        .await
        .unwrap();
    assert_eq!(
        bad(bob.request_access(secret).await.unwrap_err()),
        (
            400,
            "Requests for access are not accepted on the Dataset.".into()
        )
    );
    let (status, message) = bad(bob.allow_access_request(ds, true).await.unwrap_err());
    assert_eq!(status, 400);
    assert!(message.starts_with("Problem saving dataset "), "{message}");
    let (status, message) = bad(admin.allow_access_request(999_999, true).await.unwrap_err());
    assert_eq!(
        (status, message.as_str()),
        (400, "Could not find Dataset with id: 999999")
    );
    let message = admin.allow_access_request(ds, true).await.unwrap();
    assert!(
        message.starts_with("Dataset ") && message.ends_with(" allows file access requests."),
        "{message}"
    );

    // The manager's list: nobody else may read it; empty is a 404.
    assert_eq!(
        bad(bob
            .list_file_access_requests(secret, false)
            .await
            .unwrap_err()),
        (
            403,
            "Requestor does not have permission to manage file download requests.".into()
        )
    );
    assert_eq!(
        bad(admin
            .list_file_access_requests(secret, false)
            .await
            .unwrap_err()),
        (
            404,
            "There are no access requests for this file: secret.txt.".into()
        )
    );

    // Bob asks (once), carol asks too.
    assert_eq!(
        bob.request_access(secret).await.unwrap(),
        "Access to File secret.txt requested."
    );
    assert_eq!(
        bad(bob.request_access(secret).await.unwrap_err()),
        (
            400,
            "An access request for this file on your behalf already exists.".into()
        )
    );
    carol.request_access(secret).await.unwrap();
    let list = admin
        .list_file_access_requests(secret, false)
        .await
        .unwrap();
    let who: Vec<(&str, &str)> = list
        .iter()
        .map(|r| {
            (
                r.user.identifier.as_deref().unwrap(),
                r.request_state.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(who, [("@bob", "created"), ("@carol", "created")]);
    assert_eq!(list[0].user.email.as_deref(), Some("bob@example.edu"));

    // Granting: only managers, only known users, only once.
    let (status, message) = bad(bob.grant_file_access(secret, "@bob").await.unwrap_err());
    assert_eq!(status, 400);
    assert!(
        message.starts_with("Problem trying grant access on secret.txt : Can't execute command"),
        "{message}"
    );
    assert_eq!(
        bad(admin
            .grant_file_access(secret, "@nobody")
            .await
            .unwrap_err()),
        (
            400,
            "Could not find assignee with identifier @nobody.".into()
        )
    );
    assert_eq!(
        admin.grant_file_access(secret, "@bob").await.unwrap(),
        "Access to File secret.txt granted."
    );
    assert_eq!(
        bad(admin.grant_file_access(secret, "@bob").await.unwrap_err()),
        (
            400,
            "Problem trying grant access on secret.txt : Role has already been granted.".into()
        )
    );

    // The grantee downloads; carol still may not; bob may not ask again.
    assert_eq!(
        bob.get_datafile(secret, &plain).await.unwrap(),
        &b"for few\n"[..]
    );
    let e = carol.get_datafile(secret, &plain).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    let zip = bob
        .download_all_datafiles(ds, Some(Version::Number { major: 1, minor: 0 }), false)
        .await
        .unwrap();
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["open.txt", "secret.txt", "MANIFEST.TXT"]);
    assert_eq!(
        bad(bob.request_access(secret).await.unwrap_err()).1,
        "You may not request access to this file. It may already be available to you."
    );

    // Rejecting carol; dave never asked.
    assert_eq!(
        admin
            .reject_file_access_request(secret, "@carol")
            .await
            .unwrap(),
        "Access to File secret.txt rejected."
    );
    assert_eq!(
        bad(admin
            .reject_file_access_request(secret, "@dave")
            .await
            .unwrap_err()),
        (
            400,
            "No request for access to file secret.txt for user dave Tester".into()
        )
    );
    assert_eq!(
        bad(bob
            .reject_file_access_request(secret, "@carol")
            .await
            .unwrap_err()),
        (
            400,
            "Requestor does not have permission to manage file download requests.".into()
        )
    );
    let history = admin.list_file_access_requests(secret, true).await.unwrap();
    let states: Vec<&str> = history
        .iter()
        .map(|r| r.request_state.as_deref().unwrap())
        .collect();
    assert_eq!(states, ["granted", "rejected"]);
    assert!(matches!(
        admin
            .list_file_access_requests(secret, false)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));

    // Revoking: only managers; then bob is refused again; a second revoke finds nothing.
    let e = bob.revoke_file_access(secret, "@bob").await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    assert_eq!(
        admin.revoke_file_access(secret, "@bob").await.unwrap(),
        "File Downloader access has been revoked for user @bob on file secret.txt"
    );
    let e = bob.get_datafile(secret, &plain).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert_eq!(
        bad(admin.revoke_file_access(secret, "@bob").await.unwrap_err()),
        (400, "No File Downloader role found for user @bob".into())
    );
    server.stop().await;
}
