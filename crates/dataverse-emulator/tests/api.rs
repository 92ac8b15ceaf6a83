//! Router-level tests (tower `oneshot`) and one real-socket test.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::*;
use dataverse_emulator::{Config, DATAVERSE_VERSION, Emulator, Server};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN_FIXTURE: &str = include_str!("../data/builtin-user-create-dataverseAdmin.json");

#[tokio::test]
async fn info_endpoints() {
    let (_d, em) = open();
    let (s, v) = get(&em, "/api/info/version").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "OK");
    assert_eq!(v["data"]["version"], DATAVERSE_VERSION);
    assert!(v["data"]["build"].is_string());
    let (_, v) = get(&em, "/api/info/server").await;
    assert_eq!(message(&v), "localhost");
    let (_, v) = get(&em, "/api/info/apiTermsOfUse").await;
    assert_eq!(
        message(&v),
        "There are no API Terms of Use for this Dataverse installation."
    );
    let (_, v) = get(&em, "/api/info/exportFormats").await;
    let fixture: Value =
        serde_json::from_str(include_str!("../data/info-exportFormats.json")).unwrap();
    assert_eq!(v, fixture);
    let (_, v) = get(&em, "/api/info/zipDownloadLimit").await;
    assert_eq!(v["data"], 104857600);
    // Keys are ignored on info routes, even bad ones.
    let (s, _) = call(&em, Method::GET, "/api/info/version", Some("nope"), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn path_normalisation() {
    let (_d, em) = open();
    for p in [
        "/api/v1/info/version",
        "/api//info/version/",
        "/api/v1//info//version//",
        "/api/info/version?unknown=1",
    ] {
        let (s, v) = get(&em, p).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(v["data"]["version"], DATAVERSE_VERSION);
    }
    let resp = em
        .router()
        .oneshot(
            Request::builder()
                .method(Method::HEAD)
                .uri("/")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = em
        .router()
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let (_d, em) = open();
    let (s, v) = get(&em, "/api/nope/thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["status"], "ERROR");
    assert_eq!(v["code"], 404);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("API endpoint does not exist on this server.")
    );
    assert_eq!(v["requestMethod"], "GET");
    assert!(
        v["requestUrl"]
            .as_str()
            .unwrap()
            .ends_with("/api/nope/thing")
    );

    let (s, v) = call(&em, Method::DELETE, "/api/info/version", None, None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(v["code"], 405);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("API endpoint does not support this method.")
    );
    assert_eq!(v["requestMethod"], "DELETE");
}

#[tokio::test]
async fn metadatablocks() {
    let (_d, em) = open();
    let (s, v) = get(&em, "/api/metadatablocks").await;
    assert_eq!(s, StatusCode::OK);
    let list = v["data"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
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
    let keys: Vec<&String> = list[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "displayName", "displayOnCreate", "name"]);
    assert_eq!(list[0]["id"], 1);
    assert_eq!(list[6]["id"], 7);

    let (_, v) = get(&em, "/api/metadatablocks/citation").await;
    let b = &v["data"];
    assert_eq!(b["displayName"], "Citation Metadata");
    let title = &b["fields"]["title"];
    assert_eq!(title["type"], "TEXT");
    assert_eq!(title["typeClass"], "primitive");
    assert_eq!(title["isRequired"], true);
    assert!(
        b["fields"].get("authorName").is_none(),
        "children are nested only"
    );
    let author_name = &b["fields"]["author"]["childFields"]["authorName"];
    assert_eq!(author_name["displayName"], "Author Name");
    assert_eq!(b["fields"]["author"]["typeClass"], "compound");
    let subject = &b["fields"]["subject"];
    assert_eq!(subject["typeClass"], "controlledVocabulary");
    assert_eq!(
        subject["controlledVocabularyValues"]
            .as_array()
            .unwrap()
            .len(),
        14
    );
    assert!(title.get("controlledVocabularyValues").is_none());

    let (_, by_id) = get(&em, "/api/metadatablocks/1").await;
    assert_eq!(by_id, v);

    let (s, v) = get(&em, "/api/metadatablocks/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        v,
        json!({"status": "ERROR", "message": "Can't find metadata block 'nope'"})
    );

    let (_, v) = get(
        &em,
        "/api/metadatablocks?returnDatasetFieldTypes=true&onlyDisplayedOnCreate=true",
    )
    .await;
    let full = v["data"].as_array().unwrap();
    assert!(
        full.iter()
            .all(|b| b["displayOnCreate"] == true && b["fields"].is_object())
    );
    assert!(full[0]["fields"].get("title").is_some());
}

#[tokio::test]
async fn licenses() {
    let (_d, em) = open();
    let (s, v) = get(&em, "/api/licenses").await;
    assert_eq!(s, StatusCode::OK);
    let list = v["data"].as_array().unwrap();
    let expected: Vec<Value> = [
        include_str!("../data/licenseCC0-1.0.json"),
        include_str!("../data/licenseCC-BY-4.0.json"),
    ]
    .iter()
    .map(|t| serde_json::from_str(t).unwrap())
    .collect();
    assert_eq!(list.len(), 2);
    for (got, want) in list.iter().zip(&expected) {
        assert_eq!(got["name"], want["name"]);
        assert_eq!(got["uri"], want["uri"]);
        assert_eq!(got["iconUrl"], want["iconUrl"]);
    }
    assert_eq!(list[0]["id"], 1);
    assert_eq!(list[0]["isDefault"], true);
    assert_eq!(list[1]["isDefault"], false);

    let (_, v) = get(&em, "/api/licenses/2").await;
    assert_eq!(v["data"]["name"], "CC BY 4.0");
    let (s, v) = get(&em, "/api/licenses/99").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["message"], "License with ID 99 not found");
    let (s, v) = get(&em, "/api/licenses/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], 404);
    let (_, v) = get(&em, "/api/licenses/default").await;
    assert_eq!(message(&v), "Default license ID is 1");
    let (s, _) = call(&em, Method::GET, "/api/licenses", Some("bad"), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn users_me_and_tokens() {
    let (_d, em) = open();
    let token = em.admin_token().unwrap();
    let (s, v) = call(&em, Method::GET, "/api/users/:me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    let u = &v["data"];
    assert_eq!(u["identifier"], "@dataverseAdmin");
    assert_eq!(u["superuser"], true);
    assert_eq!(u["displayName"], "Dataverse Admin");
    assert_eq!(u["authenticationProviderId"], "builtin");
    assert!(u.as_object().unwrap().values().all(|v| !v.is_null()));

    // ?key= works too; header wins over query.
    let (s, _) = get(&em, &format!("/api/users/:me?key={token}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &em,
        Method::GET,
        "/api/users/:me?key=bad",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let (s, v) = get(&em, "/api/users/:me").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["message"], "User with token null not found.");
    let (s, v) = call(&em, Method::GET, "/api/users/:me", Some("bogus"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v, json!({"status": "ERROR", "message": "Bad API key"}));

    let (s, v) = call(&em, Method::GET, "/api/users/token", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    let m = message(&v);
    assert!(m.starts_with(&format!("Token {token} expires on ")), "{m}");

    let (s, v) = call(
        &em,
        Method::POST,
        "/api/users/token/recreate?returnExpiration=true",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let m = message(&v).to_string();
    assert!(m.starts_with("New token for dataverseAdmin is "), "{m}");
    assert!(m.contains(" and expires on "));
    let new_token = m["New token for dataverseAdmin is ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(new_token, em.admin_token().unwrap());
    let (s, _) = call(&em, Method::GET, "/api/users/:me", Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, v) = call(
        &em,
        Method::DELETE,
        "/api/users/token",
        Some(&new_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), "Token for dataverseAdmin deleted.");
    let (s, _) = call(&em, Method::GET, "/api/users/:me", Some(&new_token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn builtin_users() {
    let (_d, em) = open();
    let body = json!({"firstName": "Uma", "lastName": "User", "userName": "uma",
        "affiliation": "X", "position": "P", "email": "uma@example.org"})
    .to_string();
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=pw&key=burrito",
        None,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["data"];
    assert_eq!(d["user"]["userName"], "uma");
    assert_eq!(d["authenticatedUser"]["identifier"], "@uma");
    assert_eq!(d["authenticatedUser"]["superuser"], false);
    let tok = d["apiToken"].as_str().unwrap().to_string();
    let (s, v) = call(&em, Method::GET, "/api/users/:me", Some(&tok), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["email"], "uma@example.org");

    // Duplicate (case-insensitive).
    let dup = body.replace("\"uma\"", "\"UMA\"");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=pw&key=burrito",
        None,
        Some(&dup),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["message"], "username 'UMA' already exists");
    // Wrong / missing key.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=pw&key=taco",
        None,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["message"], "Bad api key ");
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=pw",
        None,
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Please provide a key")
    );
    // Malformed JSON.
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=pw&key=burrito",
        None,
        Some("{nope"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["status"], "ERROR");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Error parsing Json: ")
    );
    // The admin fixture itself is a duplicate.
    let (s, _) = call(
        &em,
        Method::POST,
        "/api/builtin-users?password=admin&key=burrito",
        None,
        Some(ADMIN_FIXTURE),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Token lookup: disabled by default.
    let (s, v) = get(&em, "/api/builtin-users/uma/api-token?password=pw").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["message"], "This API endpoint has been disabled.");
    em.set_setting(":AllowApiTokenLookupViaApi", "true")
        .unwrap();
    let (s, v) = get(&em, "/api/builtin-users/uma/api-token?password=pw").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), tok);
    let (s, v) = get(&em, "/api/builtin-users/uma/api-token?password=wrong").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["message"], "Bad username or password");
    let (s, v) = get(
        &em,
        "/api/builtin-users/dataverseAdmin/api-token?password=admin",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(message(&v), em.admin_token().unwrap());
}

#[tokio::test]
async fn oversized_body_is_413() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(dir.path());
    cfg.max_body_bytes = 100;
    let em = Emulator::open(cfg).unwrap();
    let big = format!("{{\"userName\":\"{}\"}}", "x".repeat(500));
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/builtin-users?key=burrito",
        None,
        Some(&big),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["status"], "ERROR");
}

#[tokio::test]
async fn reopen_is_idempotent_and_override_works() {
    let dir = tempfile::tempdir().unwrap();
    let first = Emulator::open(Config::new(dir.path()))
        .unwrap()
        .admin_token()
        .unwrap();
    let em = Emulator::open(Config::new(dir.path())).unwrap();
    assert_eq!(em.admin_token().unwrap(), first);
    let (_, v) = get(&em, "/api/licenses").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    drop(em);

    let mut cfg = Config::new(dir.path());
    cfg.admin_token = Some("11111111-2222-3333-4444-555555555555".into());
    let em = Emulator::open(cfg.clone()).unwrap();
    assert_eq!(
        em.admin_token().unwrap(),
        "11111111-2222-3333-4444-555555555555"
    );
    let (s, _) = call(
        &em,
        Method::GET,
        "/api/users/:me",
        Some("11111111-2222-3333-4444-555555555555"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&em, Method::GET, "/api/users/:me", Some(&first), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    drop(em);
    let em = Emulator::open(cfg).unwrap();
    assert_eq!(
        em.admin_token().unwrap(),
        "11111111-2222-3333-4444-555555555555"
    );
    drop(em);

    let conn = rusqlite_check(dir.path());
    assert_eq!(conn, "ok");
}

fn rusqlite_check(dir: &std::path::Path) -> String {
    // Integrity check through the emulator's own store file.
    let path = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "sqlite3"))
        .unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let users: i64 = conn
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 1);
    let roles: i64 = conn
        .query_row("SELECT count(*) FROM roles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(roles, 8);
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn real_server_roundtrip() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_d, em) = open();
    let server = Server::start(em, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    let mut sock = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    sock.write_all(
        b"GET /api/v1/info/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = String::new();
    sock.read_to_string(&mut buf).await.unwrap();
    assert!(buf.starts_with("HTTP/1.1 200"), "{buf}");
    assert!(buf.contains("\"version\":\"6.11\""), "{buf}");
    server.shutdown().await;
}
