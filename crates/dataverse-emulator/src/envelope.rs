//! Dataverse response envelopes: `{"status":"OK","data":...}` and the error bodies.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::normalize::OriginalUri;

/// Message of Dataverse's 404 for unknown endpoints (`WebApplicationExceptionHandler`).
pub(crate) const ENDPOINT_NOT_FOUND: &str = "API endpoint does not exist on this server. Please check your code for typos, or consult our API guide at http://guides.dataverse.org.";
/// Message of Dataverse's 405 (`WebApplicationExceptionHandler`).
pub(crate) const METHOD_NOT_ALLOWED: &str = "API endpoint does not support this method. Consult our API guide at http://guides.dataverse.org.";
/// Default message of Dataverse's 500 (`JsonResponseBuilder`).
pub(crate) const INTERNAL_ERROR: &str =
    "Internal server error. More details available at the server logs.";

/// `{"status":"OK","data":<data>}`.
pub(crate) fn ok(data: Value) -> Response {
    (StatusCode::OK, Json(json!({"status": "OK", "data": data}))).into_response()
}

/// `{"status":"OK","data":{"message":<message>}}` (Dataverse's `ok(String)`).
pub(crate) fn msg(message: impl Into<String>) -> Response {
    ok(json!({"message": message.into()}))
}

/// An error answered as `{"status":"ERROR","message":...}` plus optional extra keys.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: Map<String, Value>,
    /// Whether this says the endpoint does not exist (see [`Unrouted`]).
    unrouted: bool,
}

/// Marks (in the response's extensions, never on the wire) an answer saying that no
/// endpoint serves this method and path: the router's own 404 and 405, and a handler's 404
/// for a path segment its route captures but Dataverse has no endpoint for (an unknown
/// `actions/{action}`). The coverage test tells routed endpoints from unrouted ones by it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unrouted;

impl ApiError {
    /// Plain Dataverse error (`AbstractApiBean.error(status, msg)`).
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("status".into(), "ERROR".into());
        body.insert("message".into(), Value::String(message.into()));
        ApiError {
            status,
            body,
            unrouted: false,
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The `message` of the body.
    pub(crate) fn message(&self) -> &str {
        self.body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// 400 Bad Request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 Forbidden.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// A `JsonResponseBuilder`-style error: status, code, message[, requestUrl, requestMethod].
    pub(crate) fn builder(
        status: StatusCode,
        message: &str,
        request: Option<&RequestInfo>,
    ) -> Self {
        let mut body = Map::new();
        body.insert("status".into(), "ERROR".into());
        body.insert("code".into(), status.as_u16().into());
        body.insert("message".into(), message.into());
        if let Some(r) = request {
            body.insert("requestUrl".into(), r.url.clone().into());
            body.insert("requestMethod".into(), r.method.as_str().into());
        }
        ApiError {
            status,
            body,
            unrouted: false,
        }
    }

    /// Add (or replace) a key of the error body.
    pub(crate) fn insert(&mut self, key: &str, value: Value) {
        self.body.insert(key.into(), value);
    }

    /// Dataverse's 404 for an endpoint that does not exist.
    pub(crate) fn endpoint_not_found(request: &RequestInfo) -> Self {
        Self::builder(StatusCode::NOT_FOUND, ENDPOINT_NOT_FOUND, Some(request))
    }

    /// [`endpoint_not_found`](Self::endpoint_not_found) for a method and path no endpoint
    /// serves (marked [`Unrouted`]).
    pub(crate) fn no_such_endpoint(request: &RequestInfo) -> Self {
        let mut e = Self::endpoint_not_found(request);
        e.unrouted = true;
        e
    }

    /// Dataverse's 405 for a path served with other methods (marked [`Unrouted`]).
    pub(crate) fn method_not_allowed(request: &RequestInfo) -> Self {
        let mut e = Self::builder(
            StatusCode::METHOD_NOT_ALLOWED,
            METHOD_NOT_ALLOWED,
            Some(request),
        );
        e.unrouted = true;
        e
    }

    /// Dataverse's 500 with a fresh `incidentId`.
    pub(crate) fn internal() -> Self {
        let mut e = Self::builder(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_ERROR, None);
        e.body
            .insert("incidentId".into(), uuid::Uuid::new_v4().to_string().into());
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(Value::Object(self.body))).into_response();
        if self.unrouted {
            response.extensions_mut().insert(Unrouted);
        }
        response
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        let err = ApiError::internal();
        tracing::error!(error = %e, incident = ?err.body.get("incidentId"), "internal error");
        err
    }
}

/// What error bodies echo about the request: the URL as sent and the method.
#[derive(Clone, Debug)]
pub(crate) struct RequestInfo {
    /// Absolute URL of the request as the client sent it.
    pub url: String,
    /// The HTTP method.
    pub method: Method,
}

impl RequestInfo {
    /// Build from request parts (uses the pre-normalisation URI if recorded).
    pub(crate) fn from_parts(parts: &Parts) -> Self {
        Self::from_pieces(
            &parts.method,
            &parts.headers,
            parts.extensions.get::<OriginalUri>().map(|o| &o.0),
            &parts.uri,
        )
    }

    pub(crate) fn from_pieces(
        method: &Method,
        headers: &HeaderMap,
        original: Option<&axum::http::Uri>,
        uri: &axum::http::Uri,
    ) -> Self {
        let uri = original.unwrap_or(uri);
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .unwrap_or("localhost");
        // The API key may come as `?key=`: never echo it (nor a password) back.
        let pq = crate::normalize::redacted_path_and_query(uri);
        RequestInfo {
            url: format!("http://{host}{pq}"),
            method: method.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestInfo::from_parts(parts))
    }
}

/// 413 envelope for oversized request bodies.
pub(crate) fn payload_too_large() -> ApiError {
    ApiError::builder(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request body is larger than the maximum allowed size.",
        None,
    )
}
