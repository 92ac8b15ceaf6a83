//! The HTTP application: routes per endpoint family, Dataverse-style 404/405/413/500.

/// Unwrap a Dataverse error out of a store closure: `tryr!(check(...)?)`.
macro_rules! tryr {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(api) => return Ok(Err(api)),
        }
    };
}

mod access;
mod admin;
mod assignments;
mod builtin_users;
mod collections;
mod dataset_access;
mod dataset_create;
mod dataset_edit;
mod datasets;
mod exports;
mod file_add;
mod files;
mod info;
mod licenses;
mod metadatablocks;
mod users;

use std::any::Any;
use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::Emulator;
use crate::envelope::{ApiError, RequestInfo, payload_too_large};
use crate::normalize;

/// What a store closure answers: a Dataverse error, or a value.
pub(crate) type Answer<T> = Result<Result<T, ApiError>, crate::Error>;

/// Query parameters as a map (unknown ones are simply ignored, like JAX-RS; an
/// undecodable query string counts as empty).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Params(
            axum::extract::Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
                .map(|q| q.0)
                .unwrap_or_default(),
        ))
    }
}

/// `findAuthenticatedUserOrDie` plus the superuser check of superuser-only endpoints.
pub(crate) fn superuser(caller: &crate::auth::Caller) -> Result<(), ApiError> {
    if caller.user().is_none() {
        return Err(ApiError::unauthorized(
            "Only authenticated users can perform the requested operation",
        ));
    }
    if !caller.is_superuser() {
        return Err(ApiError::forbidden(
            "This API end point can be used by superusers only.",
        ));
    }
    Ok(())
}

/// JAX-RS boolean query parameter: `true` (any case) ⇒ true, anything else ⇒ false.
pub(crate) fn flag(params: &HashMap<String, String>, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Build the whole application (see [`Emulator::router`]).
pub(crate) fn app(emulator: Emulator) -> Router {
    let max = emulator.config().max_body_bytes;
    let limits = BodyLimits {
        body: max as u64,
        upload: emulator.config().max_upload_bytes,
    };
    let latency = emulator.config().latency;
    let faults = emulator.config().faults.clone();
    let inner = Router::new()
        .route("/", get(root))
        .merge(info::routes())
        .merge(admin::routes())
        .merge(metadatablocks::routes())
        .merge(licenses::routes())
        .merge(users::routes())
        .merge(builtin_users::routes())
        .merge(collections::routes())
        .merge(datasets::routes())
        .merge(dataset_create::routes())
        .merge(dataset_edit::routes())
        .merge(dataset_access::routes())
        .merge(exports::routes())
        .merge(files::routes())
        .merge(file_add::routes())
        .merge(access::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(
            emulator.clone(),
            files::sweep_after_delete,
        ))
        .with_state(emulator);
    let normalized = inner.map_request(normalize::rewrite::<Body>);
    let mut outer = Router::new()
        .fallback_service(normalized)
        .layer(middleware::from_fn_with_state(limits, limit_body))
        .layer(middleware::from_fn_with_state(latency, delay));
    if let Some(spec) = faults {
        outer = outer.layer(middleware::from_fn_with_state(
            crate::faults::Injector::new(spec),
            crate::faults::inject,
        ));
    }
    outer.layer(CatchPanicLayer::custom(panic_response)).layer(
        TraceLayer::new_for_http()
            .make_span_with(crate::normalize::request_span::<axum::body::Body>),
    )
}

async fn root() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html><html><head><title>Dataverse emulator</title></head>\
         <body><p>Dataverse emulator. The Native API is under /api.</p></body></html>",
    )
}

async fn not_found(info: RequestInfo) -> ApiError {
    ApiError::endpoint_not_found(&info)
}

async fn method_not_allowed(info: RequestInfo) -> ApiError {
    ApiError::builder(
        StatusCode::METHOD_NOT_ALLOWED,
        crate::envelope::METHOD_NOT_ALLOWED,
        Some(&info),
    )
}

/// Reject bodies whose declared length exceeds the limit before any handler runs.
/// Body size limits: one for file uploads, one for everything else.
#[derive(Debug, Clone, Copy)]
struct BodyLimits {
    body: u64,
    upload: Option<u64>,
}

/// Whether a request is a multipart file upload (add or replace), which has its own limit.
pub(crate) fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && ((path.starts_with("/api/datasets/") || path.starts_with("/api/v1/datasets/"))
            && path.ends_with("/add")
            || (path.starts_with("/api/files/") || path.starts_with("/api/v1/files/"))
                && path.ends_with("/replace"))
}

async fn limit_body(State(limits): State<BodyLimits>, req: Request, next: Next) -> Response {
    let max = if is_upload(req.method(), req.uri().path()) {
        limits.upload
    } else {
        Some(limits.body)
    };
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

/// Delay every `/api` response by the configured latency (an async sleep, not blocking).
async fn delay(State(latency): State<Duration>, req: Request, next: Next) -> Response {
    let api = {
        let path = req.uri().path();
        path == "/api" || path.starts_with("/api/")
    };
    let response = next.run(req).await;
    if api && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    response
}

fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    ApiError::internal().into_response()
}
