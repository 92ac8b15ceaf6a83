//! Schema reads through the library against the embedded server:
//! `get_facetable_dataset_fields` (`GET /api/datasetfields/facetables`),
//! `get_dataset_summary_field_names` (`GET /api/datasets/summaryFieldNames`) and `logout`
//! (`POST /api/logout`, which Dataverse refuses while session authentication is off).

use dataverse_client::Error;
use dataverse_client::models::metadatablocks::{FieldType, TypeClass};
use dataverse_tests::TestServer;

/// The facetable fields with a title, read straight from the block TSVs the server loads
/// (`#datasetField` rows, `facetable` column), in load order: what the server must list.
fn facetable_in_tsvs() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dataverse-emulator/data");
    let mut names = Vec::new();
    for file in [
        "citation.tsv",
        "geospatial.tsv",
        "social_science.tsv",
        "astrophysics.tsv",
        "biomedical.tsv",
        "journals.tsv",
        "3d_objects.tsv",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let mut columns: Option<Vec<String>> = None;
        for line in text.lines() {
            let cells: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
            if cells[0].starts_with('#') {
                columns = (cells[0] == "#datasetField")
                    .then(|| cells.iter().map(|c| c.trim().to_string()).collect());
                continue;
            }
            let Some(cols) = &columns else { continue };
            let col = |name: &str| {
                cols.iter()
                    .position(|c| c == name)
                    .and_then(|i| cells.get(i))
                    .map(|c| c.trim())
                    .unwrap_or_default()
            };
            if col("facetable").eq_ignore_ascii_case("true") && !col("title").is_empty() {
                names.push(col("name").to_string());
            }
        }
    }
    names
}

#[tokio::test]
async fn facetable_fields_are_every_facetable_field_of_the_blocks() {
    let server = TestServer::start().await;
    let fields: Vec<FieldType> = server
        .anonymous()
        .get_facetable_dataset_fields()
        .await
        .unwrap();
    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    assert_eq!(names, facetable_in_tsvs());
    for facet in ["authorName", "subject", "keywordValue", "dateOfDeposit"] {
        assert!(names.iter().any(|n| n == facet), "{facet} missing");
    }
    let subject = fields.iter().find(|f| f.name == "subject").unwrap();
    assert_eq!(subject.type_class, Some(TypeClass::ControlledVocabulary));
    assert_eq!(subject.display_name.as_deref(), Some("Subject"));
    assert!(
        !fields.iter().any(|f| f.name == "title"),
        "title is not facetable"
    );
    server.stop().await;
}

#[tokio::test]
async fn summary_field_names_follow_the_setting() {
    let server = TestServer::start().await;
    let api = server.anonymous();
    assert_eq!(
        api.get_dataset_summary_field_names().await.unwrap(),
        [
            "dsDescription",
            "subject",
            "keyword",
            "publication",
            "notesText"
        ]
    );
    let emulator =
        dataverse_emulator::Emulator::open(dataverse_emulator::Config::new(server.dir.path()))
            .unwrap();
    emulator
        .set_setting(":CustomDatasetSummaryFields", "title , author,keyword")
        .unwrap();
    assert_eq!(
        api.get_dataset_summary_field_names().await.unwrap(),
        ["title", "author", "keyword"]
    );
    server.stop().await;
}

#[tokio::test]
async fn logout_is_refused_while_session_authentication_is_off() {
    let server = TestServer::start().await;
    for api in [server.anonymous(), server.admin()] {
        let err = api.logout().await.unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{err:?}");
        assert_eq!(err.status(), Some(500));
        assert_eq!(
            err.server_message(),
            Some(
                "This endpoint is only available when session authentication feature flag is enabled"
            )
        );
    }
    server.stop().await;
}
