//! Helpers shared by the emulator's tests: a fresh store, and requests through the router.

// Each integration test binary compiles this module and uses only some of its helpers;
// what one binary leaves unused is used by another.
#![allow(dead_code)]

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use dataverse_emulator::{Config, Emulator};
use serde_json::Value;
use tower::ServiceExt;

/// A new emulator in a temporary data directory (kept alive by the returned guard).
pub fn open() -> (tempfile::TempDir, Emulator) {
    let dir = tempfile::tempdir().unwrap();
    let em = Emulator::open(Config::new(dir.path())).unwrap();
    (dir, em)
}

/// The client address of requests through [`router`]: a loopback client, as the tests
/// talk to the emulator from the same machine.
pub const LOOPBACK_PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40000);

/// The emulator's router, its requests coming from `peer` (what `Server` reads from the
/// TCP connection).
pub fn router_from(em: &Emulator, peer: SocketAddr) -> axum::Router {
    em.router().layer(MockConnectInfo(peer))
}

/// The emulator's router, its requests coming from a loopback client.
pub fn router(em: &Emulator) -> axum::Router {
    router_from(em, SocketAddr::from(LOOPBACK_PEER))
}

/// One request through the router: status, body (JSON, else the text as a JSON string) and headers.
/// The key goes in a header spelled in mixed case, which the server must accept.
pub async fn call_full(
    em: &Emulator,
    method: Method,
    uri: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value, HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(k) = key {
        req = req.header("x-dataverse-KEY", k);
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let resp = router(em).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, v, headers)
}

/// [`call_full`] without the headers.
pub async fn call(
    em: &Emulator,
    method: Method,
    uri: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let (s, v, _) = call_full(em, method, uri, key, body).await;
    (s, v)
}

/// An anonymous GET.
pub async fn get(em: &Emulator, uri: &str) -> (StatusCode, Value) {
    call(em, Method::GET, uri, None, None).await
}

/// The `message` of an error envelope.
pub fn err(v: &Value) -> &str {
    assert_eq!(v["status"], "ERROR", "{v}");
    v["message"].as_str().unwrap()
}

/// The `data.message` of a success envelope.
pub fn message(v: &Value) -> &str {
    v["data"]["message"].as_str().unwrap()
}
