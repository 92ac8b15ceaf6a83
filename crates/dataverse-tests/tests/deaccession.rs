//! Deaccession through the library against the embedded Dataverse (`deaccession_dataset`):
//! the error cases with Dataverse's messages, and the effect on reads (with and without
//! `includeDeaccessioned`, by editors and by others), version lists, search and exports.

mod common;

use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::metadata::{DatasetCreateBody, EditMetadataBody};
use dataverse_client::{Error, NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;
use serde_json::{Value, json};

const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A plain HTTP client for calls beside the library (the TLS provider installed first, as
/// the library does before its own client).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
const V1: Version = Version::Number { major: 1, minor: 0 };
const V2: Version = Version::Number { major: 2, minor: 0 };

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// A published dataset (V1) in root; its id and PID.
async fn published(api: &NativeApi) -> (u64, String) {
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    api.publish_dataset_and_wait(created.id, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    (created.id, created.persistent_id)
}

/// Titles the search finds for `q` (datasets), as `token` sees them.
async fn search_titles(server: &TestServer, token: Option<&str>, q: &str) -> Vec<(String, Value)> {
    let http = http();
    let (status, v) = common::http_call(
        &http,
        &server.base_url,
        Method::GET,
        &format!("/api/search?q={q}&type=dataset"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap_or_default().to_string(),
                i["publicationStatuses"].clone(),
            )
        })
        .collect()
}

fn api_message(e: Error) -> (u16, String) {
    match e {
        Error::NotFound(a)
        | Error::Unauthorized(a)
        | Error::Forbidden(a)
        | Error::BadRequest(a)
        | Error::Server(a) => (a.status, a.message),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn refusals_answer_with_dataverses_messages() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (id, _) = published(&api).await;
    for v in [Version::Draft, Version::Latest] {
        let e = api
            .deaccession_dataset(id, v, "why", None)
            .await
            .unwrap_err();
        assert_eq!(
            api_message(e),
            (
                400,
                "Only :latest-published or a specific version can be deaccessioned".into()
            ),
            "{v}"
        );
    }
    let e = api
        .deaccession_dataset(id, V2, "why", None)
        .await
        .unwrap_err();
    assert_eq!(
        api_message(e),
        (
            404,
            format!("Dataset version 2.0 of dataset {id} not found")
        )
    );
    let e = api
        .deaccession_dataset(987654, V1, "why", None)
        .await
        .unwrap_err();
    assert_eq!(
        api_message(e),
        (404, "Dataset with ID 987654 not found.".into())
    );
    // Not the guest's, nor an unrelated user's, to deaccession.
    let e = server
        .anonymous()
        .deaccession_dataset(id, V1, "why", None)
        .await
        .unwrap_err();
    assert_eq!(
        api_message(e),
        (
            401,
            "User :guest is not permitted to perform requested action.".into()
        )
    );
    let http = http();
    let token = common::create_user(&http, &server.base_url, "someone").await;
    let e = common::client(&server.base_url, Some(&token))
        .deaccession_dataset(id, V1, "why", None)
        .await
        .unwrap_err();
    assert_eq!(
        api_message(e),
        (
            401,
            "User @someone is not permitted to perform requested action.".into()
        )
    );
    // A forwarding URL longer than Dataverse's column.
    let long = format!("https://example.org/{}", "x".repeat(1300));
    let e = api
        .deaccession_dataset(id, V1, "why", Some(&long))
        .await
        .unwrap_err();
    let (status, message) = api_message(e);
    assert_eq!(status, 400);
    assert!(
        message.starts_with(
            "Invalid deaccession forward URL: Error setting deaccessionLink: String length is greater than maximum (1260)."
        ),
        "{message}"
    );
    // An empty reason never leaves the client (Dataverse would answer a 500).
    assert!(matches!(
        api.deaccession_dataset(id, V1, "  ", None).await,
        Err(Error::InvalidArgument(_))
    ));
    // Nothing of that changed the version.
    let v = api.get_dataset_version(id, V1).await.unwrap();
    assert_eq!(
        v.version_state.as_ref().map(|s| s.as_str()),
        Some("RELEASED")
    );
    server.stop().await;
}

#[tokio::test]
async fn bodies_the_library_would_not_send() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (id, _) = published(&api).await;
    let http = http();
    let path = format!("/api/datasets/{id}/versions/1.0/deaccession");
    let admin = Some(server.admin_token.as_str());
    // Without a reason Dataverse's `getString` throws: its 500.
    let (status, v) = common::http_call(
        &http,
        &server.base_url,
        Method::POST,
        &path,
        admin,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 500, "{v}");
    assert_eq!(
        v["message"],
        "Internal server error. More details available at the server logs."
    );
    assert!(v["incidentId"].is_string());
    // Malformed JSON.
    let resp = http
        .post(format!("{}{path}", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Error parsing Json: "),
        "{v}"
    );
    // A forwarding URL that is not text is no URL (`getString(name, null)`).
    let (status, v) = common::http_call(
        &http,
        &server.base_url,
        Method::POST,
        &path,
        admin,
        Some(&json!({"deaccessionReason": "dup", "deaccessionForwardURL": 7})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let v = api.get_dataset_versions(id).await.unwrap();
    assert_eq!(v[0].extra.get("deaccessionLink"), None, "{:?}", v[0].extra);
    server.stop().await;
}

#[tokio::test]
async fn a_deaccessioned_only_version_leaves_reads_search_and_exports() {
    let server = TestServer::start().await;
    let api = server.admin();
    let guest = server.anonymous();
    let (id, pid) = published(&api).await;
    let title = api.get_dataset_version(id, V1).await.unwrap();
    let title = title.title().unwrap().to_string();
    let word = title.split_whitespace().next().unwrap().to_string();
    assert_eq!(search_titles(&server, None, &word).await.len(), 1);

    let done = api
        .deaccession_dataset(
            pid.as_str(),
            Version::LatestPublished,
            "Superseded.",
            Some("https://example.org/new"),
        )
        .await
        .unwrap();
    assert_eq!(
        done.message,
        format!("Dataset {pid} deaccessioned for version :latest-published")
    );

    // Reads: gone without `includeDeaccessioned`, for everyone.
    for who in [&api, &guest] {
        assert!(matches!(
            who.get_dataset_version(id, V1).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            who.get_dataset_citation(id, V1, false).await,
            Err(Error::NotFound(_))
        ));
    }
    // With it: the citation says so, for anyone; the version with its files only for
    // those who may edit the dataset.
    let cited = guest.get_dataset_citation(id, V1, true).await.unwrap();
    assert!(
        cited.ends_with(", Root, V1, DEACCESSIONED VERSION"),
        "{cited}"
    );
    let http = http();
    let read = |token: Option<String>| {
        let http = http.clone();
        let base = server.base_url.clone();
        async move {
            common::http_call(
                &http,
                &base,
                Method::GET,
                &format!("/api/datasets/{id}/versions/1.0?includeDeaccessioned=true"),
                token.as_deref(),
                None,
            )
            .await
        }
    };
    let (status, v) = read(Some(server.admin_token.clone())).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["versionState"], "DEACCESSIONED");
    assert_eq!(v["data"]["deaccessionNote"], "Superseded.");
    assert_eq!(v["data"]["deaccessionLink"], "https://example.org/new");
    assert_eq!(v["data"]["latestVersionPublishingState"], "DEACCESSIONED");
    let (status, _) = read(None).await;
    assert_eq!(status, 404);
    // Its file list likewise; its file counts are for anyone (`checkPerms` false there).
    for (path, guest_status) in [("files", 404), ("files/counts", 200)] {
        let (status, v) = common::http_call(
            &http,
            &server.base_url,
            Method::GET,
            &format!("/api/datasets/{id}/versions/1.0/{path}?includeDeaccessioned=true"),
            None,
            None,
        )
        .await;
        assert_eq!(status, guest_status, "{path}: {v}");
    }
    // Version lists: editors see it, others do not.
    let all = api.get_dataset_versions(id).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0].version_state.as_ref().map(|s| s.as_str()),
        Some("DEACCESSIONED")
    );
    assert!(guest.get_dataset_versions(id).await.unwrap().is_empty());
    // The dataset itself is still there, without a latest version.
    let ds = guest.get_dataset(id, None).await.unwrap();
    assert!(ds.latest_version.is_none());

    // Search: the public no longer finds it; the superuser finds it as deaccessioned.
    assert!(search_titles(&server, None, &word).await.is_empty());
    let seen = search_titles(&server, Some(&server.admin_token), &word).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].1, json!(["Deaccessioned"]));

    // Exports: nothing published is left to export.
    assert!(
        api.get_dataset_export(pid.as_str(), "dataverse_json")
            .await
            .is_err()
    );

    // Deaccessioned once is enough.
    let e = api
        .deaccession_dataset(id, V1, "again", None)
        .await
        .unwrap_err();
    assert_eq!(
        api_message(e),
        (
            404,
            format!("Dataset version 1.0 of dataset {id} not found")
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn deaccessioning_the_newest_version_falls_back_to_the_one_before() {
    let server = TestServer::start().await;
    let api = server.admin();
    let guest = server.anonymous();
    let (id, pid) = published(&api).await;
    let edit: EditMetadataBody = serde_json::from_value(json!({
        "fields": [{"typeName": "title", "multiple": false, "typeClass": "primitive", "value": "Corrected finches"}]
    }))
    .unwrap();
    api.edit_dataset_metadata(id, &edit, true).await.unwrap();
    api.publish_dataset_and_wait(id, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    api.deaccession_dataset(id, V2, "Wrong title.", None)
        .await
        .unwrap();
    // The latest published version is V1 again, for reads, citations, search and exports.
    let latest = guest
        .get_dataset_version(id, Version::LatestPublished)
        .await
        .unwrap();
    assert_eq!(latest.version_number, Some(1));
    let cited = guest
        .get_dataset_citation(id, Version::LatestPublished, false)
        .await
        .unwrap();
    assert!(cited.ends_with(", V1"), "{cited}");
    let found = search_titles(&server, None, "Corrected").await;
    assert!(found.is_empty(), "{found:?}");
    let export = api
        .get_dataset_export(pid.as_str(), "dataverse_json")
        .await
        .unwrap();
    let export: Value = serde_json::from_str(&export).unwrap();
    assert_eq!(export["datasetVersion"]["versionNumber"], 1);
    // With `includeDeaccessioned`, `:latest-published` is the deaccessioned V2 for editors
    // and nothing for others (`checkPermsWhenDeaccessioned`).
    let http = http();
    let path = format!("/api/datasets/{id}/versions/:latest-published?includeDeaccessioned=true");
    let (s, v) = common::http_call(
        &http,
        &server.base_url,
        Method::GET,
        &path,
        Some(&server.admin_token),
        None,
    )
    .await;
    assert_eq!((s, v["data"]["versionNumber"].clone()), (200, json!(2)));
    let (s, _) = common::http_call(&http, &server.base_url, Method::GET, &path, None, None).await;
    assert_eq!(s, 404);
    server.stop().await;
}

/// A collection's contents still list a dataset whose only published version was
/// deaccessioned, so a guest's crawl with titles reads that version (asking again with
/// `includeDeaccessioned` after the 404 of the plain `:latest` read) instead of failing. A
/// dataset whose newer version was deaccessioned keeps the title of its older published
/// version, as the plain read gives it.
#[tokio::test]
async fn a_guests_crawl_with_titles_passes_a_deaccessioned_dataset() {
    use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, TitleSource};

    let server = TestServer::start().await;
    let api = server.admin();
    let guest = server.anonymous();
    let (gone, gone_pid) = published(&api).await;
    let gone_title = api.get_dataset_version(gone, V1).await.unwrap();
    let gone_title = gone_title.title().unwrap().to_string();
    api.deaccession_dataset(gone_pid.as_str(), V1, "Superseded.", None)
        .await
        .unwrap();
    let (older, _) = published(&api).await;
    let older_title = api.get_dataset_version(older, V1).await.unwrap();
    let older_title = older_title.title().unwrap().to_string();
    let edit: EditMetadataBody = serde_json::from_value(json!({
        "fields": [{"typeName": "title", "multiple": false, "typeClass": "primitive", "value": "Corrected finches"}]
    }))
    .unwrap();
    api.edit_dataset_metadata(older, &edit, true).await.unwrap();
    api.publish_dataset_and_wait(older, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    api.deaccession_dataset(older, V2, "Wrong title.", None)
        .await
        .unwrap();

    for source in [TitleSource::Versions, TitleSource::Auto] {
        let options = CrawlOptions::new()
            .filter_by(CrawlFilter::Datasets)
            .fetch_titles(true)
            .titles_from(source);
        let report = guest.crawl_collection_with(":root", options).await.unwrap();
        let title_of = |id: u64| -> Vec<(Option<String>, Option<String>)> {
            report
                .items
                .iter()
                .filter_map(|i| match i {
                    CrawlItem::Dataset(d) if d.id == id => {
                        Some((d.title.clone(), d.version.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            title_of(gone),
            vec![(Some(gone_title.clone()), Some("1.0".to_string()))],
            "{source:?}"
        );
        assert_eq!(
            title_of(older),
            vec![(Some(older_title.clone()), Some("1.0".to_string()))],
            "{source:?}"
        );
    }
}
