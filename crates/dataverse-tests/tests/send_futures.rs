//! The client's futures that fan out requests are `Send`: they are spawned on a
//! multi-threaded tokio runtime (which would not compile otherwise) and give the same
//! answers as when awaited in place.

use dataverse_client::models::datasets::DatasetField;
use dataverse_client::models::metadata::{DatasetCreateBody, EditMetadataBody};
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadatablock_and_preflight_futures_are_spawned_on_tokio() {
    let server = TestServer::start().await;
    let api = server.admin();

    let a = api.clone();
    let full = tokio::spawn(async move { a.get_metadatablocks(true).await })
        .await
        .unwrap()
        .unwrap()
        .into_full()
        .unwrap();
    assert!(full.contains_key("citation"), "{:?}", full.keys());
    assert!(!full["citation"].fields.is_empty());

    let a = api.clone();
    let body = finch();
    let problems = tokio::spawn(async move { a.preflight_dataset(&body).await })
        .await
        .unwrap()
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    let a = api.clone();
    let body = finch();
    let problems = tokio::spawn(async move { a.preflight_dataset_in(":root", &body).await })
        .await
        .unwrap()
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.clone();
    let a = api.clone();
    let problems = tokio::spawn(async move {
        let edit = EditMetadataBody::new([DatasetField::primitive("titel", "New")]);
        a.preflight_edit(pid.as_str(), &edit).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.contains("titel"), "{problems:?}");
    server.stop().await;
}
