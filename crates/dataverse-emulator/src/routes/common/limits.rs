//! Request body limits, attached to the routes in the route table: every route answers a
//! body over `Config::max_body_bytes` with Dataverse's 413, and the upload routes
//! (`POST .../add`, `POST .../replace`) have their own limit, `Config::max_upload_bytes`
//! (none by default). A declared `Content-Length` over the limit is refused before the
//! handler runs; a body without one is counted while it is read (`DefaultBodyLimit` for
//! JSON and raw bodies, the multipart reader for uploads).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::Emulator;
use crate::envelope::payload_too_large;

/// The limit of every route but the uploads, on `routes` (with their fallbacks).
pub(crate) fn general(routes: Router<Emulator>, max: usize) -> Router<Emulator> {
    routes
        .layer(middleware::from_fn_with_state(
            Some(max as u64),
            declared_length,
        ))
        .layer(DefaultBodyLimit::max(max))
}

/// The limits of the upload routes: `POST` carries the file and has the upload limit (the
/// multipart reader counts it, so axum's own limit is off); any other method is answered
/// (405) under the general limit, like every other route.
pub(crate) fn uploads(
    routes: Router<Emulator>,
    max_body: usize,
    max_upload: Option<u64>,
) -> Router<Emulator> {
    let limits = UploadLimits {
        body: max_body as u64,
        upload: max_upload,
    };
    routes
        .layer(middleware::from_fn_with_state(limits, upload_length))
        .layer(DefaultBodyLimit::disable())
}

/// The limits an upload route applies, by method.
#[derive(Debug, Clone, Copy)]
struct UploadLimits {
    body: u64,
    upload: Option<u64>,
}

async fn upload_length(State(limits): State<UploadLimits>, req: Request, next: Next) -> Response {
    let max = if req.method() == Method::POST {
        limits.upload
    } else {
        Some(limits.body)
    };
    declared_length(State(max), req, next).await
}

/// Refuse a request whose declared `Content-Length` is over `max` (none: no limit).
async fn declared_length(State(max): State<Option<u64>>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let (Some(n), Some(max)) = (declared, max)
        && n > max
    {
        return payload_too_large().into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use tower::ServiceExt;

    use crate::{Config, Emulator};

    /// The status of a request declaring a body of `declared` bytes (none sent).
    async fn status(em: &Emulator, method: Method, uri: &str, declared: u64) -> StatusCode {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-length", declared.to_string())
            .body(Body::empty())
            .unwrap();
        em.router().oneshot(req).await.unwrap().status()
    }

    #[tokio::test]
    async fn each_route_has_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.max_body_bytes = 100;
        config.max_upload_bytes = Some(1000);
        let em = Emulator::open(config).unwrap();
        let too_large = StatusCode::PAYLOAD_TOO_LARGE;
        // An upload between the two limits gets past the check (and is refused for lack of
        // an API key); over the upload limit it is a 413.
        for uri in ["/api/datasets/1/add", "/api/v1/files/1/replace"] {
            assert_ne!(
                status(&em, Method::POST, uri, 500).await,
                too_large,
                "{uri}"
            );
            assert_eq!(
                status(&em, Method::POST, uri, 5000).await,
                too_large,
                "{uri}"
            );
            // Any other method on an upload path has the general limit.
            assert_eq!(status(&em, Method::PUT, uri, 500).await, too_large, "{uri}");
        }
        // Every other route, and paths that name no route, have the general limit.
        for uri in [
            "/api/info/version",
            "/api/datasets/1/editMetadata",
            "/api/no/such",
        ] {
            assert_eq!(
                status(&em, Method::POST, uri, 500).await,
                too_large,
                "{uri}"
            );
            assert_ne!(status(&em, Method::POST, uri, 50).await, too_large, "{uri}");
        }
    }
}
