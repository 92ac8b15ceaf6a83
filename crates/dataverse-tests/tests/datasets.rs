//! Datasets through the library against the embedded Dataverse: the lifecycle, versions,
//! metadata edits, publication and its lock, review, private URLs, deletion, import,
//! bulk reads and exports, with permission cases for a second user and anonymous callers.

mod common;

use std::time::Duration;

use dataverse_client::models::datasets::{DatasetField, LockType, ReleaseType};
use dataverse_client::models::metadata::{DatasetCreateBody, EditMetadataBody};
use dataverse_client::{Error, NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};

const WAIT: Duration = Duration::from_secs(10);

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

async fn create_user(server: &TestServer, username: &str) -> NativeApi {
    let body = serde_json::json!({
        "firstName": "Uma", "lastName": "User", "userName": username, "email": format!("{username}@example.edu")
    });
    let v = common::post_json(
        &server.base_url,
        "/api/builtin-users?password=p4ssw0rd&key=burrito",
        &body,
    )
    .await;
    let token = v["data"]["apiToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string();
    NativeApi::builder(&server.base_url)
        .api_token(token)
        .build()
        .unwrap()
}

#[tokio::test]
async fn lifecycle_and_version_history() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    assert!(
        created.persistent_id.starts_with("doi:10.5072/FK2/"),
        "{}",
        created.persistent_id
    );
    assert_eq!(created.persistent_id.len(), "doi:10.5072/FK2/".len() + 6);
    let pid = created.persistent_id.as_str();

    let ds = api.get_dataset(pid, None).await.unwrap();
    assert_eq!(ds.id, Some(created.id));
    let draft = ds.dataset_version.as_ref().unwrap();
    assert_eq!(
        draft.version_state.as_ref().map(|s| s.as_str()),
        Some("DRAFT")
    );
    assert_eq!(draft.version_number, None);
    assert_eq!(draft.title(), Some("Darwin's Finches"));
    assert!(
        draft
            .metadata_blocks
            .as_ref()
            .unwrap()
            .contains_key("citation")
    );
    assert_eq!(
        api.get_dataset(created.id, None).await.unwrap().id,
        Some(created.id)
    );

    // Append (no replace): subject is multiple, so a value is added; title is single and
    // filled, so it is silently kept.
    let edit = EditMetadataBody::new([
        DatasetField::vocabulary_multiple("subject", ["Chemistry"]),
        DatasetField::primitive("title", "Ignored"),
    ]);
    let v = api.edit_dataset_metadata(pid, &edit, false).await.unwrap();
    assert_eq!(v.title(), Some("Darwin's Finches"));
    let subjects = v.field("citation", "subject").unwrap().value.clone();
    assert_eq!(
        serde_json::to_value(&subjects).unwrap(),
        serde_json::json!(["Medicine, Health and Life Sciences", "Chemistry"])
    );
    // Replace resets the named fields.
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "Finches 1.0")]);
    assert_eq!(
        api.edit_dataset_metadata(pid, &edit, true)
            .await
            .unwrap()
            .title(),
        Some("Finches 1.0")
    );

    // The first release must be major.
    let err = api
        .publish_dataset(pid, ReleaseType::Minor)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("major")),
        "{err:?}"
    );
    let published = api
        .publish_dataset_and_wait(pid, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let v1 = published.dataset_version.as_ref().unwrap();
    assert_eq!(
        (v1.version_number, v1.version_minor_number),
        (Some(1), Some(0))
    );
    assert_eq!(
        v1.version_state.as_ref().map(|s| s.as_str()),
        Some("RELEASED")
    );
    assert!(published.publication_date.is_some());
    assert!(api.get_dataset_lock(pid, None).await.unwrap().is_empty());

    // Editing a published dataset creates one draft; minor then major releases.
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "Finches 1.1")]);
    api.edit_dataset_metadata(pid, &edit, true).await.unwrap();
    api.edit_dataset_metadata(
        pid,
        &EditMetadataBody::new([DatasetField::primitive("subtitle", "More")]),
        false,
    )
    .await
    .unwrap();
    let versions = api.get_dataset_versions(pid).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| v.version_label())
            .collect::<Vec<_>>(),
        ["DRAFT", "1.0"]
    );
    api.publish_dataset_and_wait(pid, ReleaseType::Minor, WAIT)
        .await
        .unwrap();
    api.edit_dataset_metadata(
        pid,
        &EditMetadataBody::new([DatasetField::primitive("title", "Finches 2.0")]),
        true,
    )
    .await
    .unwrap();
    api.publish_dataset_and_wait(pid, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let versions = api.get_dataset_versions(pid).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| v.version_label())
            .collect::<Vec<_>>(),
        ["2.0", "1.1", "1.0"]
    );
    assert!(
        versions
            .iter()
            .all(|v| v.version_state.as_ref().map(|s| s.as_str()) == Some("RELEASED"))
    );
    assert_eq!(versions[1].title(), Some("Finches 1.1"));

    // Version selectors.
    let v11 = api
        .get_dataset(pid, Some(Version::parse("1.1").unwrap()))
        .await
        .unwrap();
    assert_eq!(v11.dataset_version.unwrap().title(), Some("Finches 1.1"));
    assert_eq!(
        api.get_dataset_version(pid, Version::parse("1").unwrap())
            .await
            .unwrap()
            .title(),
        Some("Finches 1.0")
    );
    assert_eq!(
        api.get_dataset_version(pid, Version::LatestPublished)
            .await
            .unwrap()
            .title(),
        Some("Finches 2.0")
    );
    assert!(matches!(
        api.get_dataset_version(pid, Version::Draft).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        api.get_dataset_version(pid, Version::parse("7.0").unwrap())
            .await,
        Err(Error::NotFound(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn the_publication_lock_is_visible_until_finalized() {
    let server = TestServer::start_with(
        |c| c.publish_delay = Duration::from_millis(400),
        None,
        |r| r,
    )
    .await;
    let api = server.admin();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    api.publish_dataset(pid.as_str(), ReleaseType::Major)
        .await
        .unwrap();
    let locks = api.get_dataset_lock(pid.as_str(), None).await.unwrap();
    assert_eq!(locks.len(), 1, "{locks:?}");
    assert_eq!(locks[0].lock_type, LockType::FinalizePublication);
    // Editing and publishing again are refused while it is held.
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "x")]);
    assert!(matches!(
        api.edit_dataset_metadata(pid.as_str(), &edit, true).await,
        Err(Error::Forbidden(_))
    ));
    api.wait_for_unlock(pid.as_str(), LockType::FinalizePublication, WAIT)
        .await
        .unwrap();
    assert!(
        api.get_dataset_lock(pid.as_str(), Some(LockType::FinalizePublication))
            .await
            .unwrap()
            .is_empty()
    );
    let v = api
        .get_dataset_version(pid.as_str(), Version::LatestPublished)
        .await
        .unwrap();
    assert_eq!(v.version_label(), "1.0");
    server.stop().await;
}

#[tokio::test]
async fn every_valid_fixture_is_accepted_and_the_invalid_ones_refused() {
    let server = TestServer::start().await;
    let api = server.admin();
    for file in [
        "requests/dataset-create-finch1.json",
        "requests/dataset-create-finch2.json",
        "requests/dataset-create-all-default-fields.json",
        "requests/dataset-create-with-datasetType-software.json",
        "requests/dataset-create-finch1-nolicense.json",
    ] {
        let body: DatasetCreateBody = serde_json::from_value(fixture_json(file)).unwrap();
        let v = api.validate_dataset_json(":root", &body).await.unwrap();
        assert!(v.valid, "{file}: {}", v.message);
        let created = api
            .create_dataset(":root", &body, None, false)
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ds = api.get_dataset(created.id, None).await.unwrap();
        let title = body
            .field("citation", "title")
            .and_then(|f| f.value.as_str())
            .map(str::to_string);
        assert_eq!(
            ds.dataset_version.unwrap().title().map(str::to_string),
            title,
            "{file}"
        );
    }
    for file in [
        "requests/dataset-create-INVALID-missing-required.json",
        "requests/dataset-create-INVALID-empty.json",
    ] {
        let body: DatasetCreateBody = serde_json::from_value(fixture_json(file)).unwrap();
        let v = api.validate_dataset_json(":root", &body).await.unwrap();
        assert!(!v.valid, "{file}: {}", v.message);
        assert!(v.message.contains("failed validation"), "{}", v.message);
        let err = api
            .create_dataset(":root", &body, None, false)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Forbidden(_) | Error::BadRequest(_)),
            "{file}: {err:?}"
        );
    }
    let missing: DatasetCreateBody = serde_json::from_value(fixture_json(
        "requests/dataset-create-INVALID-missing-required.json",
    ))
    .unwrap();
    match api
        .create_dataset(":root", &missing, None, false)
        .await
        .unwrap_err()
    {
        Error::Forbidden(e) => assert!(e.message.starts_with("Validation Failed"), "{}", e.message),
        other => panic!("{other:?}"),
    }
    // Wrong vocabulary value and wrong `multiple` are 400s.
    let mut bad = finch();
    bad.set_field(
        "citation",
        DatasetField::vocabulary_multiple("subject", ["Alchemy"]),
    );
    match api
        .create_dataset(":root", &bad, None, false)
        .await
        .unwrap_err()
    {
        Error::BadRequest(e) => assert!(e.message.contains("Alchemy"), "{}", e.message),
        other => panic!("{other:?}"),
    }
    let mut bad = finch();
    bad.set_field("citation", DatasetField::primitive("subject", "Chemistry"));
    assert!(matches!(
        api.create_dataset(":root", &bad, None, false).await,
        Err(Error::BadRequest(_))
    ));
    // `publish` without a PID is refused locally.
    assert!(matches!(
        api.create_dataset(":root", &finch(), None, true).await,
        Err(Error::InvalidArgument(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn import_with_a_pid_is_for_superusers() {
    let server = TestServer::start().await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), Some("doi:10.5072/FK2/IMPORT1"), true)
        .await
        .unwrap();
    assert_eq!(created.persistent_id, "doi:10.5072/FK2/IMPORT1");
    api.wait_for_unlock(
        "doi:10.5072/FK2/IMPORT1",
        LockType::FinalizePublication,
        WAIT,
    )
    .await
    .unwrap();
    let v = api
        .get_dataset_version("doi:10.5072/FK2/IMPORT1", Version::LatestPublished)
        .await
        .unwrap();
    assert_eq!(v.version_label(), "1.0");
    let uma = create_user(&server, "uma").await;
    assert!(matches!(
        uma.create_dataset(":root", &finch(), Some("doi:10.5072/FK2/IMPORT2"), false)
            .await,
        Err(Error::Forbidden(_) | Error::Unauthorized(_))
    ));
    assert!(matches!(
        api.create_dataset(":root", &finch(), Some("not-a-pid"), false)
            .await,
        Err(Error::InvalidArgument(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn permissions_of_a_plain_user_and_anonymous() {
    let server = TestServer::start().await;
    let api = server.admin();
    let uma = create_user(&server, "uma").await;
    let anonymous = server.anonymous();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    let pid = pid.as_str();

    assert!(matches!(
        uma.create_dataset(":root", &finch(), None, false).await,
        Err(Error::Unauthorized(_))
    ));
    for client in [&uma, &anonymous] {
        assert!(matches!(
            client.get_dataset(pid, None).await,
            Err(Error::Unauthorized(_))
        ));
        assert!(matches!(
            client.get_dataset_version(pid, Version::Draft).await,
            Err(Error::Unauthorized(_))
        ));
    }
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "Mine")]);
    assert!(matches!(
        uma.edit_dataset_metadata(pid, &edit, true).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.publish_dataset(pid, ReleaseType::Major).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.delete_dataset(pid).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.get_dataset_assignments(pid).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.create_dataset_private_url(pid).await,
        Err(Error::Unauthorized(_))
    ));

    api.publish_dataset_and_wait(pid, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    api.edit_dataset_metadata(
        pid,
        &EditMetadataBody::new([DatasetField::primitive("title", "Draft title")]),
        true,
    )
    .await
    .unwrap();
    // Others see the published version only, never the draft.
    for client in [&uma, &anonymous] {
        let ds = client.get_dataset(pid, None).await.unwrap();
        assert_eq!(ds.dataset_version.unwrap().version_label(), "1.0");
        let versions = client.get_dataset_versions(pid).await.unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| v.version_label())
                .collect::<Vec<_>>(),
            ["1.0"]
        );
    }
    assert_eq!(
        api.get_dataset(pid, None)
            .await
            .unwrap()
            .dataset_version
            .unwrap()
            .title(),
        Some("Draft title")
    );
    // updatecurrent is for superusers only.
    assert!(matches!(
        uma.publish_dataset(pid, ReleaseType::UpdateCurrent).await,
        Err(Error::Unauthorized(_) | Error::Forbidden(_))
    ));
    assert!(matches!(
        uma.destroy_dataset(pid).await,
        Err(Error::Unauthorized(_) | Error::Forbidden(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn review_private_urls_and_deletion() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    let pid = pid.as_str();

    api.submit_dataset_for_review(pid).await.unwrap();
    let locks = api
        .get_dataset_lock(pid, Some(LockType::InReview))
        .await
        .unwrap();
    assert_eq!(locks.len(), 1);
    assert!(matches!(
        api.return_dataset_to_author(pid, " ").await,
        Err(Error::InvalidArgument(_))
    ));
    api.return_dataset_to_author(pid, "Please add a description.")
        .await
        .unwrap();
    assert!(api.get_dataset_lock(pid, None).await.unwrap().is_empty());

    let private = api.create_dataset_private_url(pid).await.unwrap();
    assert!(private.link.contains(&private.token));
    assert!(!format!("{private:?}").contains(&private.token));
    assert!(matches!(
        api.create_dataset_private_url(pid).await,
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        api.get_dataset_private_url(pid).await.unwrap().token,
        private.token
    );
    // The token reads that draft, and nothing else.
    let reviewer = NativeApi::builder(&server.base_url)
        .api_token(private.token.as_str())
        .build()
        .unwrap();
    assert_eq!(
        reviewer
            .get_dataset_version(pid, Version::Draft)
            .await
            .unwrap()
            .title(),
        Some("Darwin's Finches")
    );
    let other = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    assert!(matches!(
        reviewer.get_dataset(other.id, None).await,
        Err(Error::Unauthorized(_))
    ));
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "x")]);
    assert!(matches!(
        reviewer.edit_dataset_metadata(pid, &edit, true).await,
        Err(Error::Unauthorized(_))
    ));
    api.delete_dataset_private_url(pid).await.unwrap();
    assert!(matches!(
        api.get_dataset_private_url(pid).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        reviewer.get_dataset_version(pid, Version::Draft).await,
        Err(Error::Unauthorized(_))
    ));

    // Deleting the draft of a never-published dataset deletes it.
    api.delete_dataset(pid).await.unwrap();
    assert!(matches!(
        api.get_dataset(pid, None).await,
        Err(Error::NotFound(_))
    ));
    // Destroy works on published datasets for superusers.
    let published = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    api.publish_dataset_and_wait(published.id, ReleaseType::Major, WAIT)
        .await
        .unwrap();
    assert!(api.delete_dataset(published.id).await.is_err());
    let msg = api
        .destroy_dataset(published.persistent_id.as_str())
        .await
        .unwrap();
    assert!(msg.message.contains("destroyed"), "{}", msg.message);
    assert!(matches!(
        api.get_dataset(published.id, None).await,
        Err(Error::NotFound(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn get_datasets_keeps_order_and_every_error() {
    let server = TestServer::start_generated("collections=2,datasets=6,depth=1,seed=3").await;
    let api = server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let ids: Vec<String> = vec![
        created.persistent_id.clone(),
        "doi:10.5072/FK2/NOPE00".into(),
        "not a pid".into(),
        created.id.to_string(),
        "987654".into(),
    ];
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let progress: dataverse_client::api::datasets::BulkProgress =
        std::sync::Arc::new(move |done, total| s.lock().unwrap().push((done, total)));
    let results = api
        .get_datasets_with_progress(ids.iter(), Some(progress))
        .await;
    assert_eq!(results.len(), 5);
    assert_eq!(results[0].as_ref().unwrap().id, Some(created.id));
    assert!(matches!(results[1], Err(Error::NotFound(_))));
    assert!(matches!(results[2], Err(Error::InvalidArgument(_))));
    assert_eq!(
        results[3].as_ref().unwrap().persistent_id().as_deref(),
        Some(created.persistent_id.as_str())
    );
    assert!(matches!(results[4], Err(Error::NotFound(_))));
    let mut seen = seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, (1..=5).map(|d| (d, 5)).collect::<Vec<_>>());
    server.stop().await;
}

#[tokio::test]
async fn an_edit_is_checked_against_the_blocks_of_the_datasets_collection() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    // The blocks come from the dataset's collection (root here), with full definitions.
    let blocks = api.get_dataset_metadatablocks(pid.as_str()).await.unwrap();
    let of_root = api.get_collection_metadatablocks(":root").await.unwrap();
    assert_eq!(
        blocks.keys().collect::<Vec<_>>(),
        of_root.keys().collect::<Vec<_>>()
    );
    assert!(blocks["citation"].fields.contains_key("title"));
    let edit = EditMetadataBody::new([
        DatasetField::primitive("titel", "x"),
        DatasetField::primitive("title", "A new title"),
    ]);
    let problems = api.preflight_edit(pid.as_str(), &edit).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "titel");
    let good = EditMetadataBody::new([DatasetField::primitive("title", "A new title")]);
    assert_eq!(api.preflight_edit(pid.as_str(), &good).await.unwrap(), []);
    // An unknown dataset is the server's 404, not an empty list.
    assert!(matches!(
        api.preflight_edit("doi:10.5072/FK2/NOSUCH", &good).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn a_draft_exports_only_when_asked_for() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    // Never published: the default (the latest published version) is not found, which
    // the export words as a 400.
    let bad_version =
        "Unable to look up dataset based on version. Try :latest-published or :draft.";
    let e = api
        .get_dataset_export(pid.as_str(), "dataverse_json")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::BadRequest(a) if a.message == bad_version),
        "{e:?}"
    );
    let e = api
        .get_dataset_version_export(pid.as_str(), "dataverse_json", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::BadRequest(a) if a.message == bad_version),
        "{e:?}"
    );
    // `:latest` is the draft for its owner.
    let latest = api
        .get_dataset_version_export(pid.as_str(), "dataverse_json", Some(Version::Latest))
        .await
        .unwrap();
    assert!(latest.contains("\"DRAFT\""), "{latest}");
    let draft = api
        .get_dataset_version_export(pid.as_str(), "dataverse_json", Some(Version::Draft))
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&draft).unwrap();
    assert_eq!(v["datasetVersion"]["versionState"], "DRAFT", "{v}");
    // Anonymous: the draft is not theirs to see.
    let anonymous = server.anonymous();
    assert!(
        anonymous
            .get_dataset_version_export(pid.as_str(), "ddi", Some(Version::Draft))
            .await
            .is_err()
    );
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    for version in [
        None,
        Some(Version::LatestPublished),
        Some(Version::Number { major: 1, minor: 0 }),
    ] {
        let doc = api
            .get_dataset_version_export(pid.as_str(), "dataverse_json", version)
            .await
            .unwrap_or_else(|e| panic!("{version:?}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["datasetVersion"]["versionNumber"], 1, "{version:?}");
    }
    // Once 2.0 is out, 1.0 no longer exports: only the latest published version does.
    let edit =
        dataverse_client::models::metadata::EditMetadataBody::new([DatasetField::primitive(
            "title",
            "Darwin's Finches, again",
        )]);
    api.edit_dataset_metadata(pid.as_str(), &edit, true)
        .await
        .unwrap();
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let e = api
        .get_dataset_version_export(
            pid.as_str(),
            "dataverse_json",
            Some(Version::Number { major: 1, minor: 0 }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::BadRequest(a) if a.message == "Non-draft version requested (1.0) but for published versions only the latest (:latest-published) is supported."),
        "{e:?}"
    );
    let doc = api
        .get_dataset_version_export(pid.as_str(), "dataverse_json", Some(Version::Latest))
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["datasetVersion"]["versionNumber"], 2);
    server.stop().await;
}

#[tokio::test]
async fn exports_in_every_advertised_format() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id;
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let formats = api.get_export_formats().await.unwrap();
    for (name, exporter) in &formats {
        let doc = api
            .get_dataset_export(pid.as_str(), name)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let media = exporter.media_type.as_deref().unwrap_or("");
        if media.contains("json") {
            let v: serde_json::Value =
                serde_json::from_str(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                v.to_string().contains("Darwin's Finches")
                    || v.to_string().contains("Darwin\\u0027s Finches"),
                "{name}"
            );
        } else if media.contains("xml") {
            let xml = roxmltree::Document::parse(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            let text: String = xml.descendants().filter_map(|n| n.text()).collect();
            assert!(text.contains("Darwin's Finches"), "{name}");
            assert!(
                doc.contains(pid.trim_start_matches("doi:")),
                "{name}: the PID"
            );
        }
    }
    let dicts = api
        .get_datasets_export(
            [pid.as_str(), "doi:10.5072/FK2/NOPE00"],
            "dataverse_json",
            true,
        )
        .await;
    assert_eq!(
        dicts[0].as_ref().unwrap().as_json().unwrap()["datasetVersion"]["versionNumber"],
        1
    );
    assert!(matches!(dicts[1], Err(Error::NotFound(_))));
    let texts = api.get_datasets_export([pid.as_str()], "ddi", true).await;
    assert!(
        matches!(texts[0], Err(Error::Decode { .. })),
        "ddi is not JSON"
    );
    assert!(matches!(
        api.get_dataset_export(pid.as_str(), "nope").await,
        Err(Error::Forbidden(_) | Error::BadRequest(_))
    ));
    server.stop().await;
}
