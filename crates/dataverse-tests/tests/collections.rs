//! Collections through the library against the embedded Dataverse: the lifecycle, every
//! error case, and permissions with a second, non-admin user.

mod common;

use dataverse_client::models::collections::{
    CollectionCreateBody, ContentItem, DataverseType, UpdateCollection,
};
use dataverse_client::{Error, NativeApi};
use dataverse_tests::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Create a builtin user through `POST /api/builtin-users` and return their API token.
async fn create_user(server: &TestServer, username: &str) -> String {
    let body = serde_json::json!({
        "firstName": "Uma", "lastName": "User", "userName": username,
        "affiliation": "Example", "position": "Researcher", "email": format!("{username}@example.edu")
    })
    .to_string();
    let host = server.base_url.strip_prefix("http://").unwrap();
    let mut sock = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!(
        "POST /api/builtin-users?password=p4ssw0rd&key=burrito HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    sock.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (_, json) = text.split_once("\r\n\r\n").unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {text}"));
    v["data"]["apiToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{text}"))
        .to_string()
}

fn user_client(server: &TestServer, token: &str) -> NativeApi {
    NativeApi::builder(&server.base_url)
        .api_token(token)
        .build()
        .unwrap()
}

#[tokio::test]
async fn collection_lifecycle() {
    let server = TestServer::start().await;
    let api = server.admin();

    let root = api.get_collection(":root").await.unwrap();
    assert_eq!(root.alias.as_deref(), Some("root"));
    assert_eq!(root.is_released, Some(true));
    assert_eq!(root.owner_id, None);

    let body =
        CollectionCreateBody::new("Research Laboratory", "research-lab", "lab@university.edu")
            .affiliation("Department of Science")
            .description("All the science.")
            .dataverse_type(DataverseType::Laboratory);
    let created = api.create_collection("root", &body).await.unwrap();
    let id = created.id.unwrap();
    assert_eq!(created.alias.as_deref(), Some("research-lab"));
    assert_eq!(created.name.as_deref(), Some("Research Laboratory"));
    assert_eq!(created.is_released, Some(false));
    assert_eq!(created.owner_id, root.id);
    assert_eq!(created.dataverse_type, Some(DataverseType::Laboratory));
    assert_eq!(
        created.dataverse_contacts.as_ref().unwrap()[0].contact_email,
        "lab@university.edu"
    );
    // Every other key the server sent is one WIRE §4.1 documents.
    let documented = [
        "theme",
        "storageDriverLabel",
        "filePIDsEnabled",
        "effectiveRequiresFilesToPublishDataset",
        "inputLevels",
        "childCount",
        "isPartOf",
        "allowedDatasetTypes",
        "effectiveDatasetFileCountLimit",
        "datasetFileCountLimit",
    ];
    assert!(
        created
            .extra
            .keys()
            .all(|k| documented.contains(&k.as_str())),
        "{:?}",
        created.extra.keys()
    );

    // By alias (any case), by id, and the creator's admin assignment.
    assert_eq!(api.get_collection("RESEARCH-LAB").await.unwrap(), created);
    assert_eq!(api.get_collection(id).await.unwrap(), created);
    let assignments = api
        .get_collection_assignments("research-lab")
        .await
        .unwrap();
    assert!(assignments.iter().any(|a| a.assignee == "@dataverseAdmin"
        && a.role_alias.as_deref() == Some("admin")
        && a.definition_point_id == Some(id)));

    // Update changes only what is sent.
    let update = UpdateCollection {
        description: Some("Updated.".into()),
        ..Default::default()
    };
    let updated = api
        .update_collection("research-lab", &update)
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("Updated."));
    assert_eq!(updated.name, created.name);
    assert_eq!(updated.affiliation, created.affiliation);

    // A child, then contents, publishing rules and deletion rules.
    let child = api
        .create_collection(
            "research-lab",
            &CollectionCreateBody::new("Child", "rl-child", "c@university.edu"),
        )
        .await
        .unwrap();
    let contents = api.get_collection_contents("research-lab").await.unwrap();
    assert!(
        matches!(&contents[..], [ContentItem::Collection(c)] if Some(c.id) == child.id && c.title.as_deref() == Some("Child"))
    );

    let err = api.publish_collection("rl-child").await.unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("has not been published")),
        "{err:?}"
    );
    let published = api.publish_collection("research-lab").await.unwrap();
    assert_eq!(published.is_released, Some(true));
    let err = api.publish_collection("research-lab").await.unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("already been published")),
        "{err:?}"
    );
    api.publish_collection("rl-child").await.unwrap();

    let err = api.delete_collection("research-lab").await.unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message == "Cannot delete non-empty dataverses"),
        "{err:?}"
    );
    let err = api.delete_collection(":root").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");

    let empty = api
        .create_collection(
            "research-lab",
            &CollectionCreateBody::new("Empty", "rl-empty", "e@university.edu"),
        )
        .await
        .unwrap();
    let msg = api.delete_collection("rl-empty").await.unwrap();
    assert!(msg.message.contains("deleted"), "{}", msg.message);
    let err = api.get_collection(empty.id.unwrap()).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound(e) if e.message.contains("Can't find dataverse")),
        "{err:?}"
    );

    // Facets are inherited from the root; roles list.
    assert_eq!(
        api.get_collection_facets("rl-child").await.unwrap(),
        ["authorName", "subject", "keywordValue", "dateOfDeposit"]
    );
    let details = api
        .get_collection_facet_details("research-lab")
        .await
        .unwrap();
    assert_eq!(details.len(), 4);
    assert!(details.iter().all(
        |d| d.id.as_deref().is_some_and(|i| i.parse::<u64>().is_ok()) && d.display_name.is_some()
    ));
    let _roles = api.get_dataverse_roles(":root").await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn server_side_create_and_update_errors() {
    let server = TestServer::start().await;
    let api = server.admin();
    api.create_collection(
        ":root",
        &CollectionCreateBody::new("Lab", "dup-lab", "a@b.org"),
    )
    .await
    .unwrap();
    let err = api
        .create_collection(
            ":root",
            &CollectionCreateBody::new("Lab 2", "DUP-LAB", "a@b.org"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("already exists")),
        "{err:?}"
    );

    let err = api
        .create_collection(
            "no-such-parent",
            &CollectionCreateBody::new("Lab", "lab-x", "a@b.org"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound(e) if e.message.contains("no-such-parent")),
        "{err:?}"
    );

    api.create_collection(
        ":root",
        &CollectionCreateBody::new("Other", "other-lab", "a@b.org"),
    )
    .await
    .unwrap();
    let rename = UpdateCollection {
        alias: Some("Dup-Lab".into()),
        ..Default::default()
    };
    let err = api
        .update_collection("other-lab", &rename)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(e) if e.message.contains("already exists")),
        "{err:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn local_validation_sends_nothing() {
    // The client never reaches the server for bodies the server would reject.
    let hits = common::Hits::default();
    let h = hits.clone();
    let base = common::serve(axum::Router::new().fallback(move || {
        let h = h.clone();
        async move {
            h.hit();
            "{}"
        }
    }))
    .await;
    let api = NativeApi::builder(&base).api_token("t").build().unwrap();
    let mut no_contact = CollectionCreateBody::new("Lab", "lab", "a@b.org");
    no_contact.dataverse_contacts.clear();
    for body in [
        CollectionCreateBody::new("Lab", "bad alias", "a@b.org"),
        CollectionCreateBody::new("", "lab", "a@b.org"),
        CollectionCreateBody::new("Lab", "lab", "not-an-email"),
        CollectionCreateBody::new("Lab", "12345", "a@b.org"),
        no_contact,
    ] {
        assert!(
            matches!(
                api.create_collection(":root", &body).await,
                Err(Error::InvalidArgument(_))
            ),
            "{body:?}"
        );
    }
    assert!(matches!(
        api.update_collection("lab", &UpdateCollection::default())
            .await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        api.get_collection("a/b").await,
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(hits.get(), 0);
}

#[tokio::test]
async fn permissions_of_a_plain_user_and_of_anonymous_callers() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let uma_token = create_user(&server, "uma").await;
    let uma = user_client(&server, &uma_token);
    let anonymous = server.anonymous();

    // A plain user cannot create under root (no AddDataverse there): Dataverse answers 401.
    let err = uma
        .create_collection(
            ":root",
            &CollectionCreateBody::new("Uma's", "uma-lab", "uma@example.edu"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized(e) if e.message.contains("@uma")),
        "{err:?}"
    );
    assert!(matches!(
        anonymous
            .create_collection(
                ":root",
                &CollectionCreateBody::new("Anon", "anon-lab", "a@b.org")
            )
            .await,
        Err(Error::Unauthorized(_))
    ));

    // Unpublished collections and their contents are invisible to others.
    admin
        .create_collection(
            ":root",
            &CollectionCreateBody::new("Hidden", "hidden", "h@b.org"),
        )
        .await
        .unwrap();
    admin
        .create_collection(
            "hidden",
            &CollectionCreateBody::new("Inner", "hidden-inner", "h@b.org"),
        )
        .await
        .unwrap();
    for client in [&uma, &anonymous] {
        assert!(matches!(
            client.get_collection("hidden").await,
            Err(Error::Unauthorized(_))
        ));
        assert!(matches!(
            client.get_collection_contents("hidden").await,
            Err(Error::Unauthorized(_))
        ));
        let root_items = client.get_collection_contents(":root").await.unwrap();
        assert!(root_items.iter().all(
            |i| !matches!(i, ContentItem::Collection(c) if c.title.as_deref() == Some("Hidden"))
        ));
    }
    assert!(matches!(
        uma.get_collection_assignments("hidden").await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.publish_collection("hidden").await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        uma.delete_collection("hidden-inner").await,
        Err(Error::Unauthorized(_))
    ));
    let change = UpdateCollection {
        name: Some("Mine".into()),
        ..Default::default()
    };
    assert!(matches!(
        uma.update_collection("hidden", &change).await,
        Err(Error::Unauthorized(_))
    ));

    // Once published it is visible; the unpublished child is still hidden in its contents.
    admin.publish_collection("hidden").await.unwrap();
    assert_eq!(
        uma.get_collection("hidden").await.unwrap().name.as_deref(),
        Some("Hidden")
    );
    assert!(
        anonymous
            .get_collection_contents("hidden")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        admin.get_collection_contents("hidden").await.unwrap().len(),
        1
    );
    server.stop().await;
}

#[tokio::test]
async fn a_bad_token_is_refused_even_for_public_collection_reads() {
    let server = TestServer::start().await;
    let bad = NativeApi::builder(&server.base_url)
        .api_token("nope")
        .build()
        .unwrap();
    let err = bad.get_collection(":root").await.unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized(e) if e.message == "Bad API key"),
        "{err:?}"
    );
    server.stop().await;
}
