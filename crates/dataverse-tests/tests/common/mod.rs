//! A scripted HTTP server for edge cases the embedded Dataverse never produces.

// Each integration test binary compiles this module and uses only some of its helpers;
// what one binary leaves unused is used by another.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dataverse_client::{NativeApi, RetryPolicy};

/// Serve `router` on a free loopback port; returns the base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// A shared request counter.
#[derive(Clone, Default)]
pub struct Hits(Arc<AtomicUsize>);

impl Hits {
    /// Count one and return the number of hits so far (1 for the first).
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    /// How many so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The default retry policy with short waits, so tests do not sleep.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_secs(5))
}

/// A client of `base` with `token` and fast retries.
pub fn client(base: &str, token: Option<&str>) -> NativeApi {
    NativeApi::builder(base)
        .api_token_opt(token)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

/// POST a JSON body with a plain HTTP/1.1 request (independent of the client under test).
pub async fn post_json(
    base: &str,
    path_and_query: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.strip_prefix("http://").unwrap();
    let body = body.to_string();
    let mut sock = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!(
        "POST {path_and_query} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    sock.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (_, json) = text.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// One request with reqwest (independent of the client under test): the status and the
/// body as JSON (a string when it is not JSON).
pub async fn http_call(
    http: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut rb = http.request(method.clone(), format!("{base}{path}"));
    if let Some(t) = token {
        rb = rb.header("X-Dataverse-key", t);
    }
    if let Some(b) = body {
        rb = rb
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let resp = rb
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, v)
}

/// A builtin user `name` (created with the default builtin-users key); its API token.
pub async fn create_user(http: &reqwest::Client, base: &str, name: &str) -> String {
    let body = serde_json::json!({
        "firstName": name, "lastName": "Tester", "userName": name,
        "email": format!("{name}@example.edu")
    });
    let (status, v) = http_call(
        http,
        base,
        reqwest::Method::POST,
        "/api/builtin-users?password=p4ssw0rd!&key=burrito",
        None,
        Some(&body),
    )
    .await;
    assert!(
        (200..300).contains(&status),
        "create user {name}: {status} {v}"
    );
    v["data"]["apiToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}
