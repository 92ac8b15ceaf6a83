//! Retries, redirects and broken answers, against scripted servers.

mod common;

use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use common::{Hits, client, serve};
use dataverse_client::{Error, NativeApi, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "11111111-2222-3333-4444-555555555555";

fn ok_version() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"OK","data":{"version":"6.11","build":"b"}}"#,
    )
        .into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({"status":"ERROR","message":message})),
    )
        .into_response()
}

#[tokio::test]
async fn a_503_twice_then_200_succeeds_on_the_third_attempt() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/info/version",
        get(move || {
            let h = h.clone();
            async move {
                if h.hit() <= 2 {
                    error(StatusCode::SERVICE_UNAVAILABLE, "try later")
                } else {
                    ok_version()
                }
            }
        }),
    ))
    .await;
    let v = client(&base, None).get_info_version().await.unwrap();
    assert_eq!(v.version.as_deref(), Some("6.11"));
    assert_eq!(hits.get(), 3);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_error_is_kept() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/info/version",
        get(move || {
            let h = h.clone();
            async move {
                h.hit();
                error(StatusCode::BAD_GATEWAY, "upstream down")
            }
        }),
    ))
    .await;
    let err = client(&base, None).get_info_version().await.unwrap_err();
    assert_eq!(hits.get(), 6, "default bound is 6 attempts");
    match err {
        Error::Server(api) => {
            assert_eq!(api.status, 502);
            assert_eq!(api.message, "upstream down");
            assert_eq!(api.method, "GET");
            assert!(api.url.ends_with("/api/info/version"));
        }
        other => panic!("{other:?}"),
    }
    let once = NativeApi::builder(&base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(once.get_info_version().await.is_err());
    assert_eq!(hits.get(), 7, "RetryPolicy::none sends once");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/metadatablocks/{name}",
        get(move || {
            let h = h.clone();
            async move {
                h.hit();
                error(StatusCode::NOT_FOUND, "Can't find metadata block 'x'")
            }
        }),
    ))
    .await;
    let err = client(&base, None)
        .get_metadatablock("x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(ref a) if a.message == "Can't find metadata block 'x'"),
        "{err:?}"
    );
    assert_eq!(hits.get(), 1);
}

#[tokio::test]
async fn a_post_that_failed_after_sending_is_not_resent() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/users/token/recreate",
        post(move || {
            let h = h.clone();
            async move {
                h.hit();
                error(StatusCode::SERVICE_UNAVAILABLE, "maybe done")
            }
        }),
    ))
    .await;
    let err = client(&base, Some(TOKEN))
        .recreate_user_api_token()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Server(ref a) if a.status == 503),
        "{err:?}"
    );
    assert_eq!(hits.get(), 1);
}

#[tokio::test]
async fn a_post_refused_with_429_is_retried() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/users/token/recreate",
        post(move || {
            let h = h.clone();
            async move {
                if h.hit() == 1 {
                    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "0")], "slow down").into_response()
                } else {
                    axum::Json(serde_json::json!({"status":"OK","data":{"message":"New token for jdoe is abc-123"}}))
                        .into_response()
                }
            }
        }),
    ))
    .await;
    let r = client(&base, Some(TOKEN))
        .recreate_user_api_token()
        .await
        .unwrap();
    assert_eq!(r.token.unwrap().expose(), "abc-123");
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/info/version",
        get(move || {
            let h = h.clone();
            async move {
                if h.hit() == 1 {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "1")],
                        "",
                    )
                        .into_response()
                } else {
                    ok_version()
                }
            }
        }),
    ))
    .await;
    let start = Instant::now();
    client(&base, None).get_info_version().await.unwrap();
    // The computed backoff is at most 5 ms here; only Retry-After explains a 1 s wait.
    assert!(
        start.elapsed() >= Duration::from_millis(990),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn retry_after_is_capped_and_rate_limit_reported() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/info/version",
        get(move || {
            let h = h.clone();
            async move {
                h.hit();
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "3600")],
                    "",
                )
                    .into_response()
            }
        }),
    ))
    .await;
    let api = NativeApi::builder(&base)
        .retry_policy(
            common::fast_retries()
                .max_attempts(2)
                .max_retry_after(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let err = api.get_info_version().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(hits.get(), 2);
}

/// A raw TCP server: the first `cut` connections get a body cut off mid-way, later ones
/// the whole body.
async fn truncating_server(cut: usize, hits: Hits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = hits.hit();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let body = r#"{"status":"OK","data":{"version":"6.11","build":"b"}}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let part = if n <= cut {
                    &body[..body.len() / 2]
                } else {
                    body
                };
                let _ = sock.write_all(part.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_truncated_response_is_retried_for_a_get() {
    let hits = Hits::default();
    let base = truncating_server(1, hits.clone()).await;
    let v = client(&base, None).get_info_version().await.unwrap();
    assert_eq!(v.build.as_deref(), Some("b"));
    assert_eq!(hits.get(), 2);
}

#[tokio::test]
async fn an_always_truncated_response_is_a_transport_error() {
    let hits = Hits::default();
    let base = truncating_server(usize::MAX, hits.clone()).await;
    let err = client(&base, None).get_info_version().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        hits.get(),
        dataverse_client::RetryPolicy::default().max_attempts as usize
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_never_reached_the_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = client(&format!("http://{addr}"), Some(TOKEN))
        .get_info_version()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            maybe_sent, url, ..
        } => {
            assert!(!maybe_sent);
            assert!(url.contains(&addr.to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_with_a_path() {
    let base = serve(
        Router::new()
            .route(
                "/api/info/version",
                get(|| async { axum::Json(serde_json::json!({"status":"OK","data":{"version":6}})) }),
            )
            .route("/api/licenses", get(|| async { "{\"status\":\"OK\",\"data\":[{\"name\":\"x\"},{\"id\":\"two\",\"name\":\"y\"}]}" }))
            .route(
                "/api/dataverses/root/datasets",
                post(|| async {
                    (
                        StatusCode::CREATED,
                        "{\"status\":\"OK\",\"data\":{\"id\":{\"x\":1},\"persistentId\":\"doi:10.5072/FK2/A\"}}",
                    )
                }),
            )
            .route("/api/info/server", get(|| async { "<html>not json</html>" }))
            .route("/api/info/apiTermsOfUse", get(|| async { "{\"status\":\"OK\",\"data\":{}}" })),
    )
    .await;
    let api = client(&base, None);
    // Shapes of other versions do not fail the call: a number where a string was expected
    // is read as its text; an id that is no number is kept raw in `_unparsed`.
    assert_eq!(
        api.get_info_version().await.unwrap().version.as_deref(),
        Some("6")
    );
    let licenses = api.get_available_licenses().await.unwrap();
    assert_eq!(licenses.len(), 2);
    assert_eq!(licenses[1].id, None);
    assert_eq!(licenses[1].extra["_unparsed"]["id"], "two");
    // A created dataset means nothing without its id: a decode error with the path.
    let body: dataverse_client::models::metadata::DatasetCreateBody = serde_json::from_value(
        dataverse_tests::fixture_json("requests/dataset-create-finch1.json"),
    )
    .unwrap();
    match api
        .create_dataset("root", &body, None, false)
        .await
        .unwrap_err()
    {
        Error::Decode { path, .. } => assert_eq!(path, "id"),
        other => panic!("{other:?}"),
    }
    match api.get_info_server().await.unwrap_err() {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, ".");
            assert!(message.contains("not JSON"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        api.get_info_api_terms_of_use().await.unwrap_err(),
        Error::Decode { .. }
    ));
}

#[tokio::test]
async fn a_redirect_to_another_host_never_carries_the_token() {
    let seen_b = Hits::default();
    let keyed_b = Hits::default();
    let (s, k) = (seen_b.clone(), keyed_b.clone());
    let other = serve(Router::new().route(
        "/api/info/version",
        get(move |headers: HeaderMap| {
            let (s, k) = (s.clone(), k.clone());
            async move {
                s.hit();
                if headers.contains_key("x-dataverse-key") {
                    k.hit();
                }
                ok_version()
            }
        }),
    ))
    .await;
    let keyed_a = Hits::default();
    let ka = keyed_a.clone();
    let target = format!("{other}/api/info/version");
    let base = serve(
        Router::new()
            .route(
                "/api/info/version",
                get(move || {
                    let target = target.clone();
                    async move { (StatusCode::FOUND, [(header::LOCATION, target)]).into_response() }
                }),
            )
            .route(
                "/api/info/server",
                get(|| async {
                    (
                        StatusCode::TEMPORARY_REDIRECT,
                        [(header::LOCATION, "/api/info/server2")],
                    )
                        .into_response()
                }),
            )
            .route(
                "/api/info/server2",
                get(move |headers: HeaderMap| {
                    let ka = ka.clone();
                    async move {
                        if headers.get("x-dataverse-key").and_then(|v| v.to_str().ok())
                            == Some(TOKEN)
                        {
                            ka.hit();
                        }
                        axum::Json(serde_json::json!({"status":"OK","data":{"message":"h"}}))
                    }
                }),
            ),
    )
    .await;
    let api = client(&base, Some(TOKEN));
    api.get_info_version().await.unwrap();
    assert_eq!(seen_b.get(), 1, "the redirect was followed");
    assert_eq!(keyed_b.get(), 0, "the other host never saw the token");
    assert_eq!(api.get_info_server().await.unwrap().hostname, "h");
    assert_eq!(keyed_a.get(), 1, "a same-origin redirect keeps the token");
}

#[tokio::test]
async fn the_token_is_sent_as_the_header_and_never_shows_in_errors() {
    let base = serve(Router::new().route(
        "/api/users/{me}",
        get(|headers: HeaderMap| async move {
            let key = headers
                .get("X-Dataverse-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            error(StatusCode::UNAUTHORIZED, &format!("Bad API key {key}"))
        }),
    ))
    .await;
    let err = client(&base, Some(TOKEN)).get_user().await.unwrap_err();
    assert!(
        matches!(err, Error::Unauthorized(ref a) if a.message == "Bad API key ***"),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_html_error_page_keeps_its_text() {
    let base = serve(Router::new().route(
        "/api/info/version",
        get(|| async {
            (
                StatusCode::BAD_GATEWAY,
                "<html><body>502 Bad Gateway</body></html>",
            )
        }),
    ))
    .await;
    let err = client(&base, None).get_info_version().await.unwrap_err();
    assert!(
        matches!(err, Error::Server(ref a) if a.message.contains("502 Bad Gateway")),
        "{err:?}"
    );
}
