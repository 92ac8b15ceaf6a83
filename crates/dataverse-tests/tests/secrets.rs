//! The API token never shows: not in log lines at any level (everything captured at TRACE,
//! the client, reqwest, hyper and the embedded server alike), not in errors' `Display` or
//! `Debug`, not in the client's `Debug`; and a redirect to another origin never carries the
//! `X-Dataverse-key` header. The `dv` binary's own checks (`-vvv`, profiles, help, process
//! arguments) live with the CLI's tests (`crates/dataverse-cli/tests/cli/secrets.rs`), where
//! Cargo builds the binary they run.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::TestServer;

/// Every log line of this test binary, at TRACE, from every crate.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Capture(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        buf
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> String {
    String::from_utf8_lossy(&logs().lock().expect("log buffer")).into_owned()
}

/// The token appears nowhere in the captured logs (which are not empty).
#[track_caller]
fn assert_not_logged(token: &str) {
    let text = captured();
    assert!(
        text.contains("sending"),
        "the capture sees the client's debug lines:\n{text}"
    );
    if let Some(line) = text.lines().find(|l| l.contains(token)) {
        panic!("the token is in a log line: {line}");
    }
}

#[track_caller]
fn assert_hidden_in_error(e: &Error, token: &str) {
    let shown = format!("{e}\n{e:?}");
    assert!(!shown.contains(token), "the token is in an error: {shown}");
}

fn client(base: &str, token: &str) -> NativeApi {
    NativeApi::builder(base)
        .api_token(token)
        .retry_policy(common::fast_retries())
        .build()
        .expect("client")
}

#[tokio::test]
async fn success_and_401_never_show_the_token() {
    logs();
    let server = TestServer::start().await;
    let api = server.admin();
    let user = api.get_user().await.expect("the admin's user");
    assert!(!format!("{user:?}").contains(&server.admin_token));
    assert!(!format!("{api:?}").contains(&server.admin_token));
    let builder = NativeApi::builder(&server.base_url).api_token(server.admin_token.as_str());
    assert!(!format!("{builder:?}").contains(&server.admin_token));

    // A bad token: 401 `Bad API key` from every endpoint family.
    let bad = "b4d70c3e-1111-4222-8333-944445555666";
    let api = client(&server.base_url, bad);
    let e = api.get_user().await.expect_err("bad key");
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    assert_hidden_in_error(&e, bad);
    let e = api.get_collection(":root").await.expect_err("bad key");
    assert_eq!(e.status(), Some(401), "{e:?}");
    assert_hidden_in_error(&e, bad);
    let e = api.get_dataset(1, None).await.expect_err("bad key");
    assert_hidden_in_error(&e, bad);
    assert!(!format!("{api:?}").contains(bad));

    assert_not_logged(&server.admin_token);
    assert_not_logged(bad);
    server.stop().await;
}

#[tokio::test]
async fn a_server_echoing_the_token_in_errors_is_redacted() {
    logs();
    let token = "e0c40000-aaaa-4bbb-8ccc-dddd00001111";
    // A hostile or buggy server that puts the key it received into its error messages.
    let echo = |status: StatusCode| {
        move |headers: HeaderMap| async move {
            let key = headers
                .get("X-Dataverse-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (
                status,
                axum::Json(serde_json::json!({
                    "status": "ERROR",
                    "message": format!("Internal error for key {key} (key={key})"),
                })),
            )
        }
    };
    let router = axum::Router::new()
        .without_v07_checks()
        .route(
            "/api/users/:me",
            axum::routing::get(echo(StatusCode::INTERNAL_SERVER_ERROR)),
        )
        .route(
            "/api/dataverses/{id}",
            axum::routing::get(echo(StatusCode::BAD_REQUEST)),
        )
        .route(
            "/api/info/version",
            axum::routing::get(echo(StatusCode::SERVICE_UNAVAILABLE)),
        );
    let base = common::serve(router).await;
    let api = client(&base, token);
    let e = api.get_user().await.expect_err("500");
    assert!(matches!(e, Error::Server(_)), "{e:?}");
    assert!(
        e.server_message().is_some_and(|m| m.contains("***")),
        "the echoed key is replaced: {e:?}"
    );
    assert_hidden_in_error(&e, token);
    let e = api.get_collection("x").await.expect_err("400");
    assert_hidden_in_error(&e, token);
    let e = api.get_info_version().await.expect_err("503 after retries");
    assert_hidden_in_error(&e, token);
    assert_not_logged(token);
}

#[tokio::test]
async fn a_transport_failure_never_shows_the_token() {
    logs();
    let token = "7a000000-1234-4567-89ab-cdef00112233";
    // A port that was just free: connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let api = client(&format!("http://{addr}"), token);
    let e = api.get_user().await.expect_err("refused");
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_hidden_in_error(&e, token);
    assert_not_logged(token);
}

/// What the second server saw: the `X-Dataverse-key` header of each request, if any.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

async fn recording_server(seen: Seen) -> String {
    let router = axum::Router::new().fallback(move |req: Request| {
        let seen = seen.clone();
        async move {
            let key = req
                .headers()
                .get("X-Dataverse-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            seen.lock()
                .expect("seen")
                .push((req.uri().to_string(), key));
            axum::Json(serde_json::json!({"status": "OK", "data": {"version": "6.11", "build": "other-host"}}))
                .into_response()
        }
    });
    common::serve(router).await
}

#[tokio::test]
async fn a_redirect_to_another_origin_never_carries_the_token() {
    logs();
    let token = "0d1ff000-0000-4000-8000-000000000042";
    // Server B, another origin (same loopback address, another port).
    let seen: Seen = Arc::default();
    let other = recording_server(seen.clone()).await;
    // Server A redirects: version -> B, server -> A itself (same origin, keeps the key),
    // users/:me -> B with a 307.
    let seen_a: Seen = Arc::default();
    let (other2, other3) = (other.clone(), other.clone());
    let seen_a2 = seen_a.clone();
    let router = axum::Router::new()
        .without_v07_checks()
        .route(
            "/api/info/version",
            axum::routing::get(move || {
                let to = format!("{other2}/api/info/version?from=a");
                async move { (StatusCode::FOUND, [("location", to)]) }
            }),
        )
        .route(
            "/api/users/:me",
            axum::routing::get(move || {
                let to = format!("{other3}/api/users/:me");
                async move { (StatusCode::TEMPORARY_REDIRECT, [("location", to)]) }
            }),
        )
        .route(
            "/api/info/server",
            axum::routing::get(|| async {
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [("location", "/api/info/server-moved")],
                )
            }),
        )
        .route(
            "/api/info/server-moved",
            axum::routing::get(move |headers: HeaderMap| {
                let seen_a = seen_a2.clone();
                async move {
                    let key = headers
                        .get("X-Dataverse-key")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    seen_a
                        .lock()
                        .expect("seen")
                        .push(("/api/info/server-moved".into(), key));
                    axum::Json(serde_json::json!({"status": "OK", "data": {"message": "a-host"}}))
                }
            }),
        );
    let base = common::serve(router).await;
    assert_ne!(base, other, "two origins");
    let api = client(&base, token);

    let v = api.get_info_version().await.expect("followed to B");
    assert_eq!(v.build.as_deref(), Some("other-host"));
    let _ = api.get_user().await;
    // Same origin: the redirect keeps the key (so the check above can tell the difference).
    api.get_info_server().await.expect("same-origin redirect");
    let a = seen_a.lock().expect("seen").clone();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].1.as_deref(), Some(token), "same origin keeps the key");

    let b = seen.lock().expect("seen").clone();
    assert!(!b.is_empty(), "B was reached");
    for (uri, key) in &b {
        assert_eq!(key, &None, "the key was sent to another origin at {uri}");
        assert!(!uri.contains(token), "{uri}");
    }
    assert_not_logged(token);
}

/// Dataverse also takes the key as `?key=` (WIRE §1): the embedded server must neither log
/// it nor echo it in an error body's `requestUrl`.
#[tokio::test]
async fn a_token_in_the_query_string_is_neither_logged_nor_echoed_by_the_embedded_server() {
    logs();
    let server = TestServer::start().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let token = server.admin_token.clone();
    for (path, status) in [
        ("/api/users/:me", 200),
        ("/api/no/such/endpoint", 404),
        ("/api/datasets/abc", 400),
        ("/api/info/version", 200),
    ] {
        let resp = http
            .get(format!("{}{path}?x=1&key={token}", server.base_url))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), status, "{path}");
        let text = resp.text().await.unwrap_or_default();
        assert!(!text.contains(&token), "{path} echoes the key: {text}");
        if status == 404 {
            assert!(text.contains("key=***"), "{text}");
        }
    }
    // The client's own requests, so the capture is known to hold the server's spans.
    server.admin().get_info_version().await.expect("version");
    let text = captured();
    assert!(
        text.contains("key=***"),
        "the server's request spans are captured"
    );
    assert_not_logged(&token);
    server.stop().await;
}
