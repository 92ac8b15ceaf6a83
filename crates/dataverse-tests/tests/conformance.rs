//! Every method of the info, metadata block, license and user families against the
//! embedded Dataverse, with their error cases. The read-only part also runs against a
//! real installation, explicitly: set `DATAVERSE_URL` (and optionally
//! `DATAVERSE_API_TOKEN`) and run the ignored test with `-- --ignored`.

mod common;

use axum::Router;
use common::{Hits, serve};
use dataverse_client::ids::{CollectionId, PersistentOrId, Version};
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, real_installation};

/// Checks that hold on any Dataverse installation; `authenticated` when `api` has a valid token.
async fn read_only_suite(api: &NativeApi, authenticated: bool) {
    let version = api.get_info_version().await.unwrap();
    assert!(version.version.as_deref().is_some_and(|v| !v.is_empty()));
    assert!(!api.get_info_server().await.unwrap().hostname.is_empty());
    assert!(
        !api.get_info_api_terms_of_use()
            .await
            .unwrap()
            .message
            .is_empty()
    );

    let formats = api.get_export_formats().await.unwrap();
    for name in ["dataverse_json", "ddi", "oai_dc", "schema.org"] {
        assert!(formats.contains_key(name), "exporter {name}");
    }
    assert_eq!(
        formats["schema.org"].media_type.as_deref(),
        Some("application/ld+json")
    );

    let brief = api.get_metadatablocks(false).await.unwrap();
    assert!(brief.names().contains(&"citation"));
    assert!(
        brief
            .brief()
            .unwrap()
            .iter()
            .all(|b| b.id.is_some() && b.display_name.is_some())
    );
    let full = api
        .get_metadatablocks(true)
        .await
        .unwrap()
        .into_full()
        .unwrap();
    assert_eq!(
        full.keys().map(String::as_str).collect::<Vec<_>>(),
        brief.names()
    );
    let citation = api.get_metadatablock("citation").await.unwrap();
    assert_eq!(&citation, &full["citation"]);
    assert_eq!(citation.display_name.as_deref(), Some("Citation Metadata"));
    assert_eq!(citation.fields["title"].is_required, Some(true));
    assert_eq!(
        citation
            .find_field("authorName")
            .unwrap()
            .type_class
            .as_ref()
            .unwrap()
            .as_str(),
        "primitive"
    );
    // The root collection's blocks: among the installation's, citation's title required.
    let of_root = api.get_collection_metadatablocks(":root").await.unwrap();
    assert!(
        of_root.keys().all(|k| full.contains_key(k)),
        "{:?}",
        of_root.keys()
    );
    assert_eq!(of_root["citation"].fields["title"].is_required, Some(true));
    let err = api
        .get_collection_metadatablocks("no-such-collection-xyz")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    // An edit body with a misspelled field is caught before anything is sent.
    let edit = dataverse_client::models::metadata::EditMetadataBody::new([
        dataverse_client::models::datasets::DatasetField::primitive("titel", "x"),
        dataverse_client::models::datasets::DatasetField::primitive("title", "x"),
    ]);
    let problems =
        dataverse_client::models::metadata::validate_edit_metadata(&of_root, &edit.fields);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "titel");
    let subject = citation.find_field("subject").unwrap();
    assert!(
        subject
            .controlled_vocabulary_values
            .as_ref()
            .unwrap()
            .contains(&"Chemistry".to_string())
    );
    let by_id = api
        .get_metadatablock(&citation.id.unwrap().to_string())
        .await
        .unwrap();
    assert_eq!(by_id.name, "citation");
    match api.get_metadatablock("no-such-block").await.unwrap_err() {
        Error::NotFound(e) => assert!(e.message.contains("no-such-block"), "{}", e.message),
        other => panic!("{other:?}"),
    }

    let licenses = api.get_available_licenses().await.unwrap();
    assert!(licenses.iter().any(|l| l.name == "CC0 1.0"));
    let first = &licenses[0];
    assert_eq!(&api.get_license(first.id.unwrap()).await.unwrap(), first);
    assert_eq!(&api.get_license(first.name.as_str()).await.unwrap(), first);
    assert!(matches!(
        api.get_license(987_654_321).await.unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        api.get_license("no such license").await.unwrap_err(),
        Error::NotFound(_)
    ));

    if authenticated {
        let me = api.get_user().await.unwrap();
        assert!(me.identifier.as_deref().is_some_and(|i| i.starts_with('@')));
        let exp = api.get_user_api_token_expiration_date().await.unwrap();
        assert!(exp.expires_on.is_some(), "{}", exp.message);
    }
}

#[tokio::test]
async fn read_only_suite_on_the_embedded_server() {
    let server = TestServer::start().await;
    read_only_suite(&server.admin(), true).await;
    read_only_suite(&server.anonymous(), false).await;
    let v1 = NativeApi::builder(&server.base_url)
        .api_version(Some("v1"))
        .build()
        .unwrap();
    read_only_suite(&v1, false).await;
    server.stop().await;
}

/// Run explicitly against a real installation:
/// `DATAVERSE_URL=https://demo.dataverse.org cargo test -p dataverse-tests --test conformance -- --ignored`.
#[tokio::test]
#[ignore = "needs DATAVERSE_URL (a real installation); run with --ignored"]
async fn read_only_suite_on_a_real_installation() {
    let api = real_installation();
    let authenticated = api.has_token();
    read_only_suite(&api, authenticated).await;
}

#[tokio::test]
async fn embedded_server_answers_like_a_fresh_install() {
    let server = TestServer::start().await;
    let api = server.anonymous();
    assert_eq!(
        api.get_info_version().await.unwrap().version.as_deref(),
        Some(dataverse_emulator::DATAVERSE_VERSION)
    );
    assert_eq!(api.get_info_server().await.unwrap().hostname, "localhost");
    assert_eq!(
        api.get_info_api_terms_of_use().await.unwrap().message,
        "There are no API Terms of Use for this Dataverse installation."
    );
    let names = api.get_metadatablocks(false).await.unwrap();
    assert_eq!(
        names.names(),
        [
            "citation",
            "geospatial",
            "socialscience",
            "astrophysics",
            "biomedical",
            "journal",
            "3dobjects"
        ]
    );
    let licenses = api.get_available_licenses().await.unwrap();
    assert_eq!(
        licenses.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["CC0 1.0", "CC BY 4.0"]
    );
    assert_eq!(api.get_license("CC BY").await.unwrap().name, "CC BY 4.0");
    assert_eq!(api.get_license("cc-by-4.0").await.unwrap().id, Some(2));
    assert!(
        matches!(api.get_license("CC").await.unwrap_err(), Error::InvalidArgument(m) if m.contains("ambiguous"))
    );
    server.stop().await;
}

#[tokio::test]
async fn a_bad_token_is_unauthorized_with_the_servers_message() {
    let server = TestServer::start().await;
    let bad = NativeApi::builder(&server.base_url)
        .api_token("not-a-real-token")
        .build()
        .unwrap();
    match bad.get_user().await.unwrap_err() {
        Error::Unauthorized(e) => {
            assert_eq!(e.status, 401);
            assert_eq!(e.message, "Bad API key");
            assert!(!e.url.contains("not-a-real-token"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        bad.get_user_api_token_expiration_date().await,
        Err(Error::Unauthorized(_))
    ));
    // Info, blocks and licenses ignore the key, as Dataverse does.
    assert!(bad.get_info_version().await.is_ok());
    assert!(bad.get_metadatablocks(false).await.is_ok());
    assert!(bad.get_available_licenses().await.is_ok());
    server.stop().await;
}

#[tokio::test]
async fn me_without_a_token_is_a_bad_request() {
    let server = TestServer::start().await;
    match server.anonymous().get_user().await.unwrap_err() {
        Error::BadRequest(e) => assert_eq!(e.message, "User with token null not found."),
        other => panic!("{other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn token_life_cycle() {
    let server = TestServer::start().await;
    let api = server.admin();
    let exp = api.get_user_api_token_expiration_date().await.unwrap();
    assert!(!exp.message.contains(&server.admin_token));
    assert!(exp.message.contains("***"));

    let recreated = api.recreate_user_api_token().await.unwrap();
    let new_token = recreated.token.clone().unwrap();
    assert_ne!(new_token.expose(), server.admin_token);
    assert!(!recreated.message.contains(new_token.expose()));
    assert!(!format!("{recreated:?}").contains(new_token.expose()));
    assert!(recreated.expires_on.is_some());
    assert!(
        matches!(api.get_user().await, Err(Error::Unauthorized(_))),
        "the old token stops working"
    );

    let api = NativeApi::builder(&server.base_url)
        .api_token(new_token)
        .build()
        .unwrap();
    assert_eq!(
        api.get_user().await.unwrap().identifier.as_deref(),
        Some("@dataverseAdmin")
    );
    let deleted = api.delete_user_api_token().await.unwrap();
    assert!(deleted.message.contains("deleted"), "{}", deleted.message);
    assert!(matches!(api.get_user().await, Err(Error::Unauthorized(_))));
    server.stop().await;
}

#[tokio::test]
async fn invalid_arguments_fail_before_any_request() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().fallback(move || {
        let h = h.clone();
        async move {
            h.hit();
            "{}"
        }
    }))
    .await;
    let anon = NativeApi::new(&base).unwrap();
    assert!(matches!(
        anon.get_metadatablock("  ").await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        anon.get_license("").await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        anon.get_user_api_token_expiration_date().await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        anon.recreate_user_api_token().await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        anon.delete_user_api_token().await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        PersistentOrId::parse("doi:10.5072"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        PersistentOrId::parse("doi 10.5072/FK2/X"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        CollectionId::parse("bad alias!"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Version::parse("latest"),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(hits.get(), 0, "nothing was sent");
}
