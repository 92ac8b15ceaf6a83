//! Citations and private-URL reads through the library against the embedded Dataverse:
//! `get_dataset_citation`, `get_datafile_citation`, `get_private_url_dataset_version` and
//! `get_private_url_dataset_version_citation`, with their error cases.

mod common;

use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, Version};
use dataverse_tests::{TestServer, fixture_json};

const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// The author names and title of the finch fixture, as the citation shows them.
fn finch_parts() -> (String, String) {
    let v = fixture_json("requests/dataset-create-finch1.json");
    let fields = v["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .unwrap()
        .clone();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["typeName"] == name)
            .unwrap()
            .clone()
    };
    let authors: Vec<String> = field("author")["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["authorName"]["value"].as_str().unwrap().to_string())
        .collect();
    (
        authors.join("; "),
        field("title")["value"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn dataset_citations_of_draft_and_published_versions() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.clone();
    let url = format!("https://doi.org/{}", pid.trim_start_matches("doi:"));
    let (authors, title) = finch_parts();
    let year = time_year();

    let draft = api
        .get_dataset_citation(pid.as_str(), Version::Draft, false)
        .await
        .unwrap();
    assert_eq!(
        draft,
        format!(
            "{authors}, {year}, \"{title}\", <a href=\"{url}\" target=\"_blank\">{url}</a>, Root, DRAFT VERSION"
        )
    );
    // `:latest` is the draft for those who may see it; guests get nothing yet.
    assert_eq!(
        api.get_dataset_citation(created.id, Version::Latest, false)
            .await
            .unwrap(),
        draft
    );
    let guest = server.anonymous();
    match guest
        .get_dataset_citation(pid.as_str(), Version::Draft, false)
        .await
    {
        Err(Error::Unauthorized(e)) => assert_eq!(
            e.message,
            "User :guest is not permitted to perform requested action."
        ),
        other => panic!("{other:?}"),
    }
    match guest
        .get_dataset_citation(created.id, Version::Latest, false)
        .await
    {
        Err(Error::NotFound(e)) => assert_eq!(
            e.message,
            format!(
                "Dataset version :latest of dataset {} not found",
                created.id
            )
        ),
        other => panic!("{other:?}"),
    }

    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let v1 = guest
        .get_dataset_citation(pid.as_str(), Version::Number { major: 1, minor: 0 }, false)
        .await
        .unwrap();
    assert!(v1.ends_with(", Root, V1"), "{v1}");
    assert!(v1.starts_with(&format!("{authors}, {year}, ")), "{v1}");
    assert_eq!(
        guest
            .get_dataset_citation(created.id, Version::LatestPublished, false)
            .await
            .unwrap(),
        v1
    );
    match guest
        .get_dataset_citation(created.id, Version::Number { major: 7, minor: 0 }, false)
        .await
    {
        Err(Error::NotFound(e)) => assert_eq!(
            e.message,
            format!("Dataset version 7.0 of dataset {} not found", created.id)
        ),
        other => panic!("{other:?}"),
    }
    match guest
        .get_dataset_citation(987654, Version::Latest, false)
        .await
    {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "Dataset with ID 987654 not found."),
        other => panic!("{other:?}"),
    }
    server.stop().await;
}

/// The current year (citations of drafts never published carry their last update's year;
/// published ones their publication's: both today here).
fn time_year() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Days since 1970 to a civil year (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year.to_string()
}

#[tokio::test]
async fn file_citations_name_the_file() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let source = UploadSource::reader(std::io::Cursor::new(b"x\n".to_vec()), "notes & data.txt");
    let file = api
        .upload_datafile(created.id, source, &UploadBody::default())
        .await
        .unwrap()
        .files[0]
        .data_file
        .id
        .unwrap();
    let dataset = api
        .get_dataset_citation(created.id, Version::Draft, false)
        .await
        .unwrap();
    let cited = api
        .get_datafile_citation(file, Version::Draft, false)
        .await
        .unwrap();
    assert_eq!(cited, format!("{dataset}; notes &amp; data.txt [fileName]"));
    // A file never published is not the guest's to cite.
    let guest = server.anonymous();
    match guest
        .get_datafile_citation(file, Version::Latest, false)
        .await
    {
        Err(Error::Unauthorized(e)) => assert_eq!(
            e.message,
            "User :guest is not permitted to perform requested action."
        ),
        other => panic!("{other:?}"),
    }
    api.publish_dataset_and_wait(created.id, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let v1 = guest
        .get_datafile_citation(file, Version::Number { major: 1, minor: 0 }, false)
        .await
        .unwrap();
    assert!(
        v1.ends_with(", Root, V1; notes &amp; data.txt [fileName]"),
        "{v1}"
    );
    // No such version for the file.
    match guest
        .get_datafile_citation(file, Version::Number { major: 2, minor: 0 }, false)
        .await
    {
        Err(Error::Unauthorized(e)) => {
            assert_eq!(
                e.message,
                "Dataset version cannot be found or unauthorized."
            )
        }
        other => panic!("{other:?}"),
    }
    // `:draft` without a draft: no file there.
    match api.get_datafile_citation(file, Version::Draft, false).await {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "File could not be found."),
        other => panic!("{other:?}"),
    }
    match api
        .get_datafile_citation(987654, Version::Latest, false)
        .await
    {
        Err(Error::NotFound(e)) => assert_eq!(e.message, "File with ID 987654 not found."),
        other => panic!("{other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn private_url_reads_show_the_draft_to_its_reviewer() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let private = api.create_dataset_private_url(created.id).await.unwrap();
    // No API token needed: the private URL's token is the credential.
    let reviewer = server.anonymous();
    let draft = reviewer
        .get_private_url_dataset_version(&private.token)
        .await
        .unwrap();
    assert_eq!(
        draft.version_state.as_ref().map(|s| s.as_str()),
        Some("DRAFT")
    );
    assert_eq!(draft.title(), Some(finch_parts().1.as_str()));
    let cited = reviewer
        .get_private_url_dataset_version_citation(&private.token)
        .await
        .unwrap();
    assert_eq!(
        cited,
        api.get_dataset_citation(created.id, Version::Draft, false)
            .await
            .unwrap()
    );
    // A token that is not one: Dataverse's 404, and the token stays out of the error.
    let forged = "00000000-1111-2222-3333-444444444444";
    let e = reviewer
        .get_private_url_dataset_version(forged)
        .await
        .unwrap_err();
    match &e {
        Error::NotFound(a) => assert_eq!(a.message, "Private URL user not found"),
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains(forged), "{e}");
    assert!(matches!(
        reviewer
            .get_private_url_dataset_version_citation(forged)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        reviewer.get_private_url_dataset_version("").await,
        Err(Error::InvalidArgument(_))
    ));
    // Deleted: the token opens nothing any more.
    api.delete_dataset_private_url(created.id).await.unwrap();
    assert!(matches!(
        reviewer
            .get_private_url_dataset_version(&private.token)
            .await,
        Err(Error::NotFound(_))
    ));
    server.stop().await;
}

/// Every place that prints a citation names a minor version by its major number only
/// (`DataCitation.getVersionFrom`: `V1` for 1.1): the citation endpoint, the search card
/// (`citation`, `citationHtml`), the exports, the bundle's file citations and the page.
#[tokio::test]
async fn a_minor_version_is_cited_by_its_major_number_everywhere() {
    use dataverse_client::models::datasets::DatasetField;
    use dataverse_client::models::metadata::EditMetadataBody;

    // Ingest (for the bundle) and publication finish before the calls answer.
    let server =
        TestServer::start_with(|c| c.publish_delay = std::time::Duration::ZERO, None, |r| r).await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.clone();
    // An ingested file, whose bundle carries the citations.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("birds.csv");
    std::fs::write(&csv, "species,count\nfinch,3\n").unwrap();
    let added = api
        .upload_datafile(
            pid.as_str(),
            UploadSource::path(csv),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let edit = EditMetadataBody::new([DatasetField::primitive("notesText", "Corrected.")]);
    api.edit_dataset_metadata(pid.as_str(), &edit, true)
        .await
        .unwrap();
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Minor, WAIT)
        .await
        .unwrap();

    let cited = api
        .get_dataset_citation(pid.as_str(), Version::Number { major: 1, minor: 1 }, false)
        .await
        .unwrap();
    assert!(cited.ends_with(", Root, V1"), "{cited}");

    let http = reqwest::Client::new();
    let get = |path: String| {
        let req = http
            .get(format!("{}{path}", server.base_url))
            .header("X-Dataverse-key", &server.admin_token);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let search: serde_json::Value =
        serde_json::from_str(&get("/api/search?q=*&type=dataset".into()).await).unwrap();
    let card = &search["data"]["items"][0];
    assert_eq!(card["global_id"], pid.as_str(), "{search}");
    let text = card["citation"].as_str().unwrap();
    assert!(text.ends_with(", Root, V1"), "{text}");
    let html = card["citationHtml"].as_str().unwrap();
    assert!(html.ends_with(", Root, V1"), "{html}");

    let export: serde_json::Value = serde_json::from_str(
        &get(format!(
            "/api/datasets/export?exporter=dataverse_json&persistentId={pid}"
        ))
        .await,
    )
    .unwrap();
    let text = export["datasetVersion"]["citation"].as_str().unwrap();
    assert!(text.ends_with(", Root, V1"), "{text}");
    let ddi = get(format!(
        "/api/datasets/export?exporter=ddi&persistentId={pid}"
    ))
    .await;
    assert!(ddi.contains(", Root, V1</biblCit>"), "{ddi}");
    let page = get(format!("/dataset.xhtml?persistentId={pid}")).await;
    assert!(page.contains("Root, V1"), "{page}");
    for body in [&ddi, &page] {
        assert!(!body.contains("V1.1"), "{body}");
    }

    // The bundle of the ingested file cites the version the same way.
    let id = added.files[0].data_file.id.unwrap();
    let zip = http
        .get(format!(
            "{}/api/access/datafile/bundle/{id}",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&zip);
    assert!(text.contains("version = {V1}"), "{text}");
    assert!(text.contains("ET  - V1\r\n"), "{text}");
    server.stop().await;
}
