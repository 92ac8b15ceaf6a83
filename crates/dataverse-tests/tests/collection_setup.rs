//! A collection's set-up through the library against the embedded Dataverse: blocks with
//! inheritance, isRoot, input levels (and the pre-flight check that follows them),
//! `metadataBlocks` in create/update bodies, attributes; with their error cases.

mod common;

use dataverse_client::Error;
use dataverse_client::models::collection_setup::{CollectionSetup, InputLevel};
use dataverse_client::models::collections::{CollectionCreateBody, UpdateCollection};
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

#[test]
fn the_real_create_body_reads_and_writes_unchanged() {
    let v = fixture_json("requests/dataverse-create-with-metadataBlocks.json");
    let setup: CollectionSetup = serde_json::from_value(v["metadataBlocks"].clone()).unwrap();
    assert_eq!(
        setup.metadata_block_names.as_deref(),
        Some(&["citation".to_string(), "geospatial".to_string()][..])
    );
    let levels = setup.input_levels.as_ref().unwrap();
    assert_eq!(levels.len(), 8);
    assert_eq!(levels[0], InputLevel::new("geographicCoverage", true, true));
    assert_eq!(serde_json::to_value(&setup).unwrap(), v["metadataBlocks"]);
}

#[tokio::test]
async fn blocks_inheritance_and_is_root() {
    let server = TestServer::start().await;
    let api = server.admin();
    let root = api
        .list_collection_metadatablocks(":root", false, false)
        .await
        .unwrap();
    assert_eq!(root.names(), ["citation"]);

    let setup = CollectionSetup {
        metadata_block_names: Some(vec!["citation".into(), "geospatial".into()]),
        facet_ids: Some(vec!["authorName".into()]),
        ..Default::default()
    };
    let body = CollectionCreateBody::new("Geo", "geo", "geo@example.edu").metadata_blocks(&setup);
    let geo = api.create_collection(":root", &body).await.unwrap();
    assert_eq!(geo.is_metadata_block_root, Some(true));
    assert_eq!(geo.permission_root, Some(true));
    let child = CollectionCreateBody::new("Geo child", "geo-child", "geo@example.edu");
    api.create_collection("geo", &child).await.unwrap();
    let inherited = api
        .list_collection_metadatablocks("geo-child", false, true)
        .await
        .unwrap();
    assert_eq!(inherited.names(), ["citation", "geospatial"]);
    assert!(
        inherited.full().unwrap()["geospatial"]
            .fields
            .contains_key("geographicUnit")
    );
    assert!(
        !api.is_collection_metadatablocks_root("geo-child")
            .await
            .unwrap()
    );

    let m = api
        .set_collection_metadatablocks("geo-child", &["citation", "4"])
        .await
        .unwrap();
    assert_eq!(m, "Metadata blocks of dataverse geo-child updated.");
    assert!(
        api.is_collection_metadatablocks_root("geo-child")
            .await
            .unwrap()
    );
    assert_eq!(
        api.list_collection_metadatablocks("geo-child", false, false)
            .await
            .unwrap()
            .names(),
        ["citation", "astrophysics"]
    );
    let m = api
        .set_collection_metadatablocks_root("geo-child", false)
        .await
        .unwrap();
    assert_eq!(m, "Dataverse Geo child is now a metadata  non-root");
    assert_eq!(
        api.list_collection_metadatablocks("geo-child", false, false)
            .await
            .unwrap()
            .names(),
        ["citation", "geospatial"]
    );

    // Back to the parent's blocks with an update.
    let update = UpdateCollection::default().metadata_blocks(&CollectionSetup {
        inherit_metadata_blocks_from_parent: Some(true),
        ..Default::default()
    });
    let geo = api.update_collection("geo", &update).await.unwrap();
    assert_eq!(geo.is_metadata_block_root, Some(false));

    // Errors.
    let err = api
        .set_collection_metadatablocks("geo", &["nope"])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BadRequest(e) if e.message.contains("Can't find metadata block")),
        "{err:?}"
    );
    let err = api
        .list_collection_metadatablocks("nosuch", false, false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(matches!(
        api.set_collection_metadatablocks("geo", &[]).await,
        Err(Error::InvalidArgument(_))
    ));
    let err = server
        .anonymous()
        .is_collection_metadatablocks_root("root")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    let bad = CollectionCreateBody::new("Bad", "bad", "b@example.edu").metadata_blocks(
        &CollectionSetup {
            metadata_block_names: Some(vec!["nope".into()]),
            ..Default::default()
        },
    );
    let err = api.create_collection(":root", &bad).await.unwrap_err();
    assert!(
        matches!(&err, Error::BadRequest(e) if e.message == "Invalid metadata block name: \"nope\""),
        "{err:?}"
    );
}

#[tokio::test]
async fn input_levels_and_preflight() {
    let server = TestServer::start().await;
    let api = server.admin();
    let body = CollectionCreateBody::new("Notes", "notes", "n@example.edu");
    api.create_collection(":root", &body).await.unwrap();
    assert_eq!(api.get_collection_input_levels("notes").await.unwrap(), []);
    // Before: the finch body passes the pre-flight check in this collection.
    assert_eq!(
        api.preflight_dataset_in("notes", &finch()).await.unwrap(),
        []
    );

    let levels = [
        InputLevel::new("notesText", true, true).display_on_create(true),
        InputLevel::new("geographicUnit", true, true),
        InputLevel::new("alternativeTitle", false, false),
    ];
    let c = api
        .set_collection_input_levels("notes", &levels)
        .await
        .unwrap();
    assert_eq!(c.input_levels(), levels);
    assert_eq!(c.is_metadata_block_root, Some(true));
    assert_eq!(
        api.get_collection_input_levels("notes").await.unwrap(),
        levels
    );

    // The pre-flight check follows the levels: required fields (also in a block the body
    // does not use), and a field left out.
    let problems = api.preflight_dataset_in("notes", &finch()).await.unwrap();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["citation.notesText", "geospatial.geographicUnit"],
        "{problems:?}"
    );
    let mut with_alt = serde_json::to_value(finch()).unwrap();
    with_alt["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"typeName": "alternativeTitle", "multiple": true, "typeClass": "primitive", "value": ["Alt"]}));
    let with_alt: DatasetCreateBody = serde_json::from_value(with_alt).unwrap();
    let problems = api.preflight_dataset_in("notes", &with_alt).await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.path == "citation.alternativeTitle"),
        "{problems:?}"
    );
    // The server agrees about the required fields.
    let err = api
        .create_dataset("notes", &finch(), None, false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("Notes is required.")),
        "{err:?}"
    );
    // A block the collection does not offer.
    let mut astro = serde_json::to_value(finch()).unwrap();
    astro["datasetVersion"]["metadataBlocks"]["astrophysics"] = serde_json::json!({"fields": [{"typeName": "astroType", "multiple": true, "typeClass": "controlledVocabulary", "value": ["Star"]}]});
    let astro: DatasetCreateBody = serde_json::from_value(astro).unwrap();
    let problems = api.preflight_dataset_in(":root", &astro).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "the collection does not offer metadata block 'astrophysics'"
    );

    // Errors.
    assert!(matches!(
        api.set_collection_input_levels("notes", &[]).await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        api.set_collection_input_levels("notes", &[InputLevel::new("notesText", true, false)])
            .await,
        Err(Error::InvalidArgument(_))
    ));
    let err = api
        .set_collection_input_levels("notes", &[InputLevel::new("nope", false, true)])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BadRequest(e) if e.message == "Invalid dataset field type name: nope"),
        "{err:?}"
    );
    assert!(matches!(
        api.get_collection_input_levels("nosuch").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        api.preflight_dataset_in("nosuch", &finch()).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn attributes() {
    let server = TestServer::start().await;
    let api = server.admin();
    let body = CollectionCreateBody::new("Attrs", "attrs", "a@example.edu");
    api.create_collection(":root", &body).await.unwrap();
    let c = api
        .set_collection_attribute("attrs", "name", "Renamed")
        .await
        .unwrap();
    assert_eq!(c.name.as_deref(), Some("Renamed"));
    assert_eq!(c.effective_requires_files_to_publish_dataset(), Some(false));
    let c = api
        .set_collection_attribute("attrs", "requireFilesToPublishDataset", "true")
        .await
        .unwrap();
    assert_eq!(c.effective_requires_files_to_publish_dataset(), Some(true));
    assert_eq!(c.file_pids_enabled(), None);

    let err = api
        .set_collection_attribute("attrs", "color", "red")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message == "'color' is not a supported attribute"),
        "{err:?}"
    );
    let err = api
        .set_collection_attribute("attrs", "filePIDsEnabled", "true")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    let err = api
        .set_collection_attribute("attrs", "requireFilesToPublishDataset", "perhaps")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BadRequest(e) if e.message == "Illegal boolean value 'perhaps'"),
        "{err:?}"
    );
    assert!(matches!(
        api.set_collection_attribute("attrs", "", "x").await,
        Err(Error::InvalidArgument(_))
    ));
    let err = server
        .anonymous()
        .set_collection_attribute("attrs", "name", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
}

/// `requireFilesToPublishDataset`: a curator cannot publish or submit a dataset without
/// files there; a superuser can (`getEffectiveRequiresFilesToPublishDataset`).
#[tokio::test]
async fn require_files_to_publish() {
    let server = TestServer::start().await;
    let api = server.admin();
    let body = CollectionCreateBody::new("Needs files", "needfiles", "n@example.edu");
    api.create_collection(":root", &body).await.unwrap();
    api.set_collection_attribute("needfiles", "requireFilesToPublishDataset", "true")
        .await
        .unwrap();
    api.publish_collection("needfiles").await.unwrap();
    let user = reqwest::Client::new()
        .post(format!(
            "{}/api/builtin-users?password=p4ssw0rd!&key=burrito",
            server.base_url
        ))
        .json(&serde_json::json!({"firstName": "Cu", "lastName": "Rator",
            "userName": "curie", "email": "curie@example.edu"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let token = user["data"]["apiToken"].as_str().unwrap().to_string();
    let curie = dataverse_client::NativeApi::builder(&server.base_url)
        .api_token(token.as_str())
        .build()
        .unwrap();
    api.set_collection_assignment("needfiles", "@curie", "curator")
        .await
        .unwrap();
    let pid = curie
        .create_dataset("needfiles", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    let err = curie
        .publish_dataset(pid.as_str(), ReleaseType::Major)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e)
            if e.message == "Published datasets should contain at least one data file."),
        "{err:?}"
    );
    let err = curie
        .submit_dataset_for_review(pid.as_str())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message
            == "The dataset must contain at least one data file in order to be submitted for review."),
        "{err:?}"
    );
    // The superuser is exempt.
    api.publish_dataset(pid.as_str(), ReleaseType::Major)
        .await
        .unwrap();
}
