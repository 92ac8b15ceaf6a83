//! Hostile and broken input against the embedded Dataverse, with raw HTTP: malformed JSON,
//! wrong content types, oversized bodies, unknown query parameters, non-numeric ids, very
//! long paths, and concurrent writers on one dataset. Every answer must be a Dataverse-style
//! JSON error (`{"status":"ERROR","message":...}`) with the right code, never a 500 or a
//! hang, and the SQLite store must pass `PRAGMA integrity_check` afterwards.

use std::path::Path;
use std::time::Duration;

use dataverse_tests::{TestServer, fixture_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// No request may take longer than this (a hang fails the test).
const DEADLINE: Duration = Duration::from_secs(20);

/// A small body limit so the 413 cases stay cheap.
const LIMIT: usize = 64 * 1024;

fn http() -> reqwest::Client {
    // reqwest is built without a default TLS provider; loopback http needs none, but the
    // builder insists on one being installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(DEADLINE)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

struct Answer {
    status: StatusCode,
    text: String,
    /// `METHOD url` of the request, for messages.
    request: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "{}: {}: not JSON ({e}): {}",
                self.request, self.status, self.text
            )
        })
    }

    /// The answer is `{"status":"ERROR","message":<non-empty>}` with `status`.
    #[track_caller]
    fn expect_error(&self, status: u16, what: &str) -> String {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{what}: expected {status}, got {}: {}",
            self.status,
            self.text
        );
        let v = self.json();
        assert_eq!(v["status"], "ERROR", "{what}: {v}");
        let m = v["message"].as_str().unwrap_or_default().to_string();
        assert!(!m.is_empty(), "{what}: no message in {v}");
        m
    }
}

async fn send(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Answer {
    let request = format!("{method} {url}");
    let mut rb = client.request(method, url);
    if let Some(t) = token {
        rb = rb.header("X-Dataverse-key", t);
    }
    if let Some(ct) = content_type {
        rb = rb.header("Content-Type", ct);
    }
    if let Some(b) = body {
        rb = rb.body(b);
    }
    let resp = tokio::time::timeout(DEADLINE, rb.send())
        .await
        .unwrap_or_else(|_| panic!("request to {url} hung"))
        .unwrap_or_else(|e| panic!("request to {url} failed: {e}"));
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{url}: {text}");
    Answer {
        status,
        text,
        request,
    }
}

/// Create a draft dataset from the finch fixture in root; returns (id, pid).
async fn create_dataset(server: &TestServer) -> (u64, String) {
    let c = http();
    let body = serde_json::to_vec(&fixture_json("requests/dataset-create-finch1.json")).unwrap();
    let a = send(
        &c,
        Method::POST,
        &format!("{}/api/dataverses/root/datasets", server.base_url),
        Some(&server.admin_token),
        Some("application/json"),
        Some(body),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let v = a.json();
    (
        v["data"]["id"].as_u64().expect("id"),
        v["data"]["persistentId"].as_str().expect("pid").to_string(),
    )
}

/// `PRAGMA integrity_check` on the store, opened read-only beside the running server.
fn integrity_check(dir: &Path) {
    let path = dir.join("dataverse.sqlite3");
    assert!(path.is_file(), "no store at {}", path.display());
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open the store read-only");
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, ["ok"], "integrity_check");
    let fk: Vec<(String, i64)> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(fk.is_empty(), "foreign key violations: {fk:?}");
}

async fn small_limit_server() -> TestServer {
    TestServer::start_with(|c| c.max_body_bytes = LIMIT, None, |r| r).await
}

#[tokio::test]
async fn malformed_json_bodies_are_400_error_parsing_json() {
    let server = small_limit_server().await;
    let (id, _) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    // Far deeper than serde_json's recursion limit, still under the body limit.
    let deep = "[".repeat(20_000);
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("truncated object", br#"{"name":"#.to_vec()),
        ("not JSON at all", b"hello".to_vec()),
        ("empty body", Vec::new()),
        ("trailing garbage", br#"{"name":"x"} {"#.to_vec()),
        ("invalid UTF-8", b"{\"name\":\"\xff\xfe\"}".to_vec()),
        ("deep nesting", deep.into_bytes()),
        ("NUL bytes", b"\0\0\0".to_vec()),
    ];
    let targets = [
        (Method::POST, format!("{base}/api/dataverses/root")),
        (Method::POST, format!("{base}/api/dataverses/root/datasets")),
        (
            Method::POST,
            format!("{base}/api/dataverses/root/validateDatasetJson"),
        ),
        (
            Method::PUT,
            format!("{base}/api/datasets/{id}/editMetadata"),
        ),
        (
            Method::POST,
            format!("{base}/api/datasets/{id}/assignments"),
        ),
        (
            Method::POST,
            format!("{base}/api/dataverses/root/assignments"),
        ),
    ];
    for (method, url) in &targets {
        for (what, body) in &bodies {
            let a = send(
                &c,
                method.clone(),
                url,
                token,
                Some("application/json"),
                Some(body.clone()),
            )
            .await;
            let m = a.expect_error(400, &format!("{method} {url} with {what}"));
            // `Error parsing Json: ...`, or for editMetadata `Error parsing dataset update: ...`
            // (WIRE §2).
            assert!(
                m.starts_with("Error parsing Json")
                    || m.starts_with("Error parsing dataset update"),
                "{method} {url} with {what}: {m}"
            );
        }
    }
    // The server still works and the dataset is untouched.
    let a = send(
        &c,
        Method::GET,
        &format!("{base}/api/datasets/{id}"),
        token,
        None,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.json()["data"]["latestVersion"]["versionState"],
        "DRAFT",
        "{}",
        a.text
    );
    integrity_check(server.dir.path());
}

#[tokio::test]
async fn well_formed_json_of_the_wrong_shape_is_a_400() {
    let server = TestServer::start().await;
    let (id, _) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    for (method, url, body) in [
        (
            Method::POST,
            format!("{base}/api/dataverses/root"),
            json!([1, 2, 3]),
        ),
        (
            Method::POST,
            format!("{base}/api/dataverses/root/datasets"),
            json!({"datasetVersion": "nope"}),
        ),
        (
            Method::PUT,
            format!("{base}/api/datasets/{id}/editMetadata"),
            json!({"fields": 7}),
        ),
        (
            Method::PUT,
            format!("{base}/api/datasets/{id}/editMetadata"),
            json!(null),
        ),
    ] {
        let a = send(
            &c,
            method.clone(),
            &url,
            token,
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await;
        a.expect_error(400, &format!("{method} {url} with {body}"));
    }
    integrity_check(server.dir.path());
}

#[tokio::test]
async fn wrong_content_types_get_a_dataverse_error_or_are_read_as_json() {
    // Dataverse's JSON endpoints read the body as JSON whatever the declared type, except
    // where JAX-RS @Consumes filters it: there a mismatched type is a 415. Either way the
    // answer must be a Dataverse envelope, never a crash; a body that is not JSON is a 400.
    let server = TestServer::start().await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    let good = serde_json::to_vec(&fixture_json("requests/dataset-create-finch1.json")).unwrap();
    for ct in [
        Some("text/plain"),
        Some("application/xml"),
        Some("multipart/form-data; boundary=x"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let a = send(
            &c,
            Method::POST,
            &format!("{base}/api/dataverses/root/datasets"),
            token,
            ct,
            Some(good.clone()),
        )
        .await;
        match a.status.as_u16() {
            201 => assert_eq!(a.json()["status"], "OK", "{ct:?}: {}", a.text),
            code @ (400 | 415) => {
                a.expect_error(code, &format!("{ct:?}"));
            }
            other => panic!("{ct:?}: unexpected {other}: {}", a.text),
        }
        // Not JSON under a non-JSON type: always a 400/415 error envelope.
        let a = send(
            &c,
            Method::POST,
            &format!("{base}/api/dataverses/root/datasets"),
            token,
            ct,
            Some(b"<xml/>".to_vec()),
        )
        .await;
        let code = a.status.as_u16();
        assert!(matches!(code, 400 | 415), "{ct:?}: {code} {}", a.text);
        a.expect_error(code, &format!("{ct:?} with XML"));
    }
    integrity_check(server.dir.path());
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_with_a_dataverse_body() {
    let server = small_limit_server().await;
    let (id, _) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    // Valid JSON, just too big: a string value of LIMIT + 1 bytes.
    let big = json!({"fields": [{"typeName": "title", "value": "x".repeat(LIMIT + 1)}]})
        .to_string()
        .into_bytes();
    for (method, url) in [
        (
            Method::PUT,
            format!("{base}/api/datasets/{id}/editMetadata"),
        ),
        (Method::POST, format!("{base}/api/dataverses/root/datasets")),
        (Method::POST, format!("{base}/api/dataverses/root")),
        // Even an endpoint that reads no body, and an unknown one.
        (
            Method::POST,
            format!("{base}/api/datasets/{id}/lock/Ingest"),
        ),
        (Method::POST, format!("{base}/api/no/such/endpoint")),
    ] {
        // With a Content-Length (refused before the handler runs).
        let a = send(
            &c,
            method.clone(),
            &url,
            token,
            Some("application/json"),
            Some(big.clone()),
        )
        .await;
        a.expect_error(413, &format!("{method} {url} (Content-Length)"));
        // Chunked, without a declared length (refused while reading).
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            big.chunks(8192).map(|c| Ok(c.to_vec())).collect();
        let stream = futures_util::stream::iter(chunks);
        let resp = tokio::time::timeout(
            DEADLINE,
            c.request(method.clone(), &url)
                .header("X-Dataverse-key", &server.admin_token)
                .header("Content-Type", "application/json")
                .body(reqwest::Body::wrap_stream(stream))
                .send(),
        )
        .await
        .expect("no hang");
        match resp {
            Ok(resp) => {
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                // Endpoints that never read the body may answer before reading it.
                if status != StatusCode::PAYLOAD_TOO_LARGE {
                    assert!(
                        url.contains("/lock/") || url.contains("/no/such/"),
                        "{method} {url} chunked: {status} {text}"
                    );
                    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{text}");
                } else {
                    Answer {
                        status,
                        text,
                        request: format!("{method} {url} (chunked)"),
                    }
                    .expect_error(413, "chunked body over the limit");
                }
            }
            // The server may close the connection once it has answered 413 mid-upload.
            Err(e) => assert!(!e.is_timeout(), "{method} {url} chunked: {e}"),
        }
    }
    // A body just under the limit is read (and judged on its content).
    let under = json!({"fields": [{"typeName": "subject", "value": ["Chemistry"]}]})
        .to_string()
        .into_bytes();
    let a = send(
        &c,
        Method::PUT,
        &format!("{base}/api/datasets/{id}/editMetadata"),
        token,
        Some("application/json"),
        Some(under),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    integrity_check(server.dir.path());
}

#[tokio::test]
async fn unknown_query_parameters_are_ignored() {
    let server = TestServer::start().await;
    let (id, pid) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    for path in [
        "/api/info/version?foo=bar&&=&%zz=1".to_string(),
        "/api/dataverses/root?unknown=1&returnOwners=maybe".to_string(),
        format!("/api/datasets/{id}?x=%00&y=%FF%FE&z"),
        format!(
            "/api/datasets/:persistentId?persistentId={pid}&persistentId2=no&excludeFiles=perhaps"
        ),
        format!("/api/datasets/{id}/versions/:draft?includeDeaccessioned=1&limit=abc"),
        "/api/dataverses/root/contents?a=1&a=2".to_string(),
        "/api/licenses?%E2%82%AC=%E2%82%AC".to_string(),
    ] {
        let a = send(&c, Method::GET, &format!("{base}{path}"), token, None, None).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        assert_eq!(a.json()["status"], "OK", "{path}");
    }
}

#[tokio::test]
async fn non_numeric_and_odd_ids_are_clean_errors() {
    let server = TestServer::start().await;
    let (id, _) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    // (method, path, expected status); sources: WIRE §2 (400 `Bad dataset ID number: x.`,
    // 400 missing persistentId, 404 unknown PID / collection / dataset).
    let cases: Vec<(Method, String, u16)> = vec![
        (Method::GET, "/api/datasets/abc".into(), 400),
        (Method::GET, "/api/datasets/1.5".into(), 400),
        (Method::GET, "/api/datasets/-1".into(), 400),
        (
            Method::GET,
            "/api/datasets/99999999999999999999999".into(),
            400,
        ),
        (Method::GET, "/api/datasets/%F0%9F%98%80".into(), 400),
        (Method::GET, "/api/datasets/:persistentId".into(), 400),
        (
            Method::GET,
            "/api/datasets/:persistentId?persistentId=".into(),
            400,
        ),
        (
            Method::GET,
            "/api/datasets/:persistentId?persistentId=doi:10.5072/FK2/NOPE".into(),
            404,
        ),
        (
            Method::GET,
            "/api/datasets/:persistentId?persistentId=not-a-pid".into(),
            400,
        ),
        (Method::GET, "/api/datasets/abc/versions".into(), 400),
        (Method::PUT, "/api/datasets/abc/editMetadata".into(), 400),
        (
            Method::POST,
            "/api/datasets/abc/actions/:publish?type=major".into(),
            400,
        ),
        (Method::GET, "/api/datasets/abc/locks".into(), 400),
        (Method::DELETE, "/api/datasets/abc".into(), 400),
        (
            Method::GET,
            "/api/datasets/999999/versions/:draft".into(),
            404,
        ),
        (Method::GET, format!("/api/datasets/{id}/versions/1.x"), 400),
        (Method::GET, format!("/api/datasets/{id}/versions/-3"), 400),
        (
            Method::GET,
            format!("/api/datasets/{id}/locks?type=Nope"),
            404,
        ),
        (Method::POST, format!("/api/datasets/{id}/lock/Nope"), 404),
        (Method::GET, "/api/dataverses/no-such-alias".into(), 404),
        (Method::GET, "/api/dataverses/99999".into(), 404),
        (Method::GET, "/api/dataverses/%00".into(), 404),
        (Method::GET, "/api/dataverses/..%2F..%2Fetc".into(), 404),
        (Method::GET, "/api/users/%00".into(), 404),
        (Method::GET, "/api/licenses/%FF".into(), 404),
    ];
    let mut failures = Vec::new();
    for (method, path, expected) in &cases {
        let body = matches!(*method, Method::PUT | Method::POST).then(|| b"{}".to_vec());
        let a = send(
            &c,
            method.clone(),
            &format!("{base}{path}"),
            token,
            Some("application/json"),
            body,
        )
        .await;
        let ok_shape = serde_json::from_str::<Value>(&a.text).is_ok_and(|v| {
            v["status"] == "ERROR" && v["message"].as_str().is_some_and(|m| !m.is_empty())
        });
        if a.status.as_u16() != *expected || !ok_shape {
            failures.push(format!(
                "{method} {path}: expected {expected}, got {} {}",
                a.status, a.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn unparseable_pids_are_bad_requests_and_unknown_ones_not_found() {
    let server = TestServer::start().await;
    let (_, pid) = create_dataset(&server).await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    // `findDatasetOrDie`: a PID no provider parses is a 400 naming it, on every
    // `:persistentId` endpoint; a well-formed unknown one keeps the 404.
    let unknown = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";
    for (pid_text, status, message) in [
        ("12345", 400, "Bad dataset ID number: 12345.".to_string()),
        ("doi:", 400, "Bad dataset ID number: doi:.".to_string()),
        (
            "doi:10.5072",
            400,
            "Bad dataset ID number: doi:10.5072.".to_string(),
        ),
        (
            "doi:5072/FK2/X",
            400,
            "Bad dataset ID number: doi:5072/FK2/X.".to_string(),
        ),
        (
            "urn:nbn:x/y",
            400,
            "Bad dataset ID number: urn:nbn:x/y.".to_string(),
        ),
        ("", 400, "Bad dataset ID number: .".to_string()),
        ("doi:10.5072/FK2/NOPE", 404, unknown.to_string()),
        ("hdl:1902.1/NOPE", 404, unknown.to_string()),
        ("https://doi.org/10.5072/FK2/NOPE", 404, unknown.to_string()),
    ] {
        for (method, path) in [
            (Method::GET, "/api/datasets/:persistentId"),
            (Method::GET, "/api/datasets/:persistentId/versions"),
            (Method::GET, "/api/datasets/:persistentId/locks"),
            (Method::PUT, "/api/datasets/:persistentId/editMetadata"),
        ] {
            let body = (method == Method::PUT).then(|| b"{}".to_vec());
            let url = reqwest::Url::parse_with_params(
                &format!("{base}{path}"),
                [("persistentId", pid_text)],
            )
            .unwrap();
            let a = send(
                &c,
                method.clone(),
                url.as_str(),
                token,
                Some("application/json"),
                body,
            )
            .await;
            assert_eq!(
                a.status.as_u16(),
                status,
                "{method} {path} {pid_text}: {}",
                a.text
            );
            let v: Value = serde_json::from_str(&a.text).unwrap();
            assert_eq!(v["message"], message.as_str(), "{method} {path} {pid_text}");
        }
    }
    // The dataset's own PID, also as a resolver URL, finds it.
    let url_form = pid.replacen("doi:", "https://doi.org/", 1);
    for p in [pid.as_str(), url_form.as_str()] {
        let a = send(
            &c,
            Method::GET,
            &format!("{base}/api/datasets/:persistentId?persistentId={p}"),
            token,
            None,
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{p}: {}", a.text);
    }
    server.stop().await;
}

#[tokio::test]
async fn very_long_paths_and_aliases_are_clean_errors() {
    let server = TestServer::start().await;
    let c = http();
    let base = &server.base_url;
    let token = Some(server.admin_token.as_str());
    for n in [61, 1_000, 8_000, 60_000] {
        let alias = "a".repeat(n);
        let a = send(
            &c,
            Method::GET,
            &format!("{base}/api/dataverses/{alias}"),
            token,
            None,
            None,
        )
        .await;
        // The HTTP layer may refuse an enormous URI (414) before Dataverse sees it.
        if a.status == StatusCode::URI_TOO_LONG {
            continue;
        }
        a.expect_error(404, &format!("alias of {n} characters"));
        // Creating one is a 400/403 validation error, never a crash.
        let body = json!({
            "name": "Long", "alias": alias,
            "dataverseContacts": [{"contactEmail": "a@b.cd"}]
        });
        let a = send(
            &c,
            Method::POST,
            &format!("{base}/api/dataverses/root"),
            token,
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await;
        let code = a.status.as_u16();
        assert!(
            matches!(code, 400 | 403),
            "create alias of {n}: {code} {}",
            a.text
        );
        a.expect_error(code, "long alias");
    }
    let deep = "/x".repeat(4_000);
    let a = send(
        &c,
        Method::GET,
        &format!("{base}/api{deep}"),
        token,
        None,
        None,
    )
    .await;
    if a.status != StatusCode::URI_TOO_LONG {
        a.expect_error(404, "deep path");
    }
    integrity_check(server.dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_one_dataset_leave_a_consistent_store() {
    let server =
        TestServer::start_with(|c| c.publish_delay = Duration::from_millis(20), None, |r| r).await;
    let (id, pid) = create_dataset(&server).await;
    let c = http();
    let base = server.base_url.clone();
    let token = server.admin_token.clone();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..16u32 {
        let (c, base, token) = (c.clone(), base.clone(), token.clone());
        tasks.spawn(async move {
            let (method, url, body) = match i % 4 {
                0 | 1 => (
                    Method::PUT,
                    format!("{base}/api/datasets/{id}/editMetadata?replace=true"),
                    Some(
                        json!({"fields": [{"typeName": "title", "value": format!("Title {i}")}]})
                            .to_string()
                            .into_bytes(),
                    ),
                ),
                2 => (
                    Method::POST,
                    format!("{base}/api/datasets/{id}/actions/:publish?type=major"),
                    None,
                ),
                _ => (
                    Method::POST,
                    format!("{base}/api/datasets/{id}/lock/Ingest"),
                    None,
                ),
            };
            let a = send(
                &c,
                method.clone(),
                &url,
                Some(&token),
                Some("application/json"),
                body,
            )
            .await;
            (i, method, url, a)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (i, method, url, a) = r.expect("task");
        let code = a.status.as_u16();
        let v = a.json();
        if code == 200 {
            assert_eq!(v["status"], "OK", "{i} {method} {url}: {v}");
        } else {
            // Conflicts are business rules (403 locked / already locked / published
            // minor...) or 409; each is a Dataverse error with a message.
            assert!(
                matches!(code, 400 | 403 | 409),
                "{i} {method} {url}: {code} {v}"
            );
            a.expect_error(code, &format!("{i} {method} {url}"));
        }
        outcomes.push((i, code));
    }
    assert_eq!(outcomes.len(), 16);
    // Release whatever locks remain, let publication finish, then re-read.
    let a = send(
        &c,
        Method::DELETE,
        &format!("{base}/api/datasets/{id}/locks?type=Ingest"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let mut locks = Value::Null;
    for _ in 0..200 {
        let a = send(
            &c,
            Method::GET,
            &format!("{base}/api/datasets/{id}/locks"),
            Some(&token),
            None,
            None,
        )
        .await;
        locks = a.json()["data"].clone();
        if locks.as_array().is_some_and(Vec::is_empty) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(locks, json!([]), "locks left behind");
    // Two reads agree with each other and with the versions list.
    let a1 = send(
        &c,
        Method::GET,
        &format!("{base}/api/datasets/{id}"),
        Some(&token),
        None,
        None,
    )
    .await;
    let a2 = send(
        &c,
        Method::GET,
        &format!("{base}/api/datasets/:persistentId?persistentId={pid}"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(a1.status, StatusCode::OK, "{}", a1.text);
    let (d1, d2) = (a1.json()["data"].clone(), a2.json()["data"].clone());
    assert_eq!(d1["latestVersion"], d2["latestVersion"]);
    let versions = send(
        &c,
        Method::GET,
        &format!("{base}/api/datasets/{id}/versions"),
        Some(&token),
        None,
        None,
    )
    .await
    .json();
    let versions = versions["data"].as_array().expect("versions").clone();
    assert!(!versions.is_empty());
    // At most one draft, and it comes first; released versions are numbered distinctly.
    let drafts = versions
        .iter()
        .filter(|v| v["versionState"] == "DRAFT")
        .count();
    assert!(drafts <= 1, "{drafts} drafts");
    if drafts == 1 {
        assert_eq!(versions[0]["versionState"], "DRAFT");
    }
    let mut numbers: Vec<(u64, u64)> = versions
        .iter()
        .filter(|v| v["versionState"] == "RELEASED")
        .map(|v| {
            (
                v["versionNumber"].as_u64().unwrap(),
                v["versionMinorNumber"].as_u64().unwrap(),
            )
        })
        .collect();
    let before = numbers.len();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        before,
        "duplicate version numbers: {versions:?}"
    );
    // The latest version's title is one of the titles written.
    let title = d1["latestVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["typeName"] == "title"))
        .and_then(|f| f["value"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        title == "Darwin's Finches" || title.starts_with("Title "),
        "{title}"
    );
    integrity_check(server.dir.path());
}
