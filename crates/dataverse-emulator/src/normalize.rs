//! Request-URI normalisation, applied before routing.
//!
//! Dataverse answers `/api/x` and `/api/v1/x` identically (its `ApiRouter` rewrites one into
//! the other) and tolerates repeated or trailing slashes. We rewrite every request URI to the
//! canonical `/api/x` form without empty segments and keep the original URI in an extension
//! so error bodies can echo it (`requestUrl`).

use axum::http::{Request, Uri};

/// The URI as the client sent it (before normalisation).
#[derive(Clone, Debug)]
pub(crate) struct OriginalUri(pub Uri);

/// Canonical path: empty segments dropped, `/api/v1` folded into `/api`.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.len() >= 2 && segments[0] == "api" && segments[1] == "v1" {
        segments.remove(1);
    }
    let mut out = String::with_capacity(path.len());
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Rewrite the request URI in place (see module docs).
pub(crate) fn rewrite<B>(mut req: Request<B>) -> Request<B> {
    let original = req.uri().clone();
    let path = normalize_path(original.path());
    if path != original.path() {
        let pq = match original.query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let mut parts = original.clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req.extensions_mut().insert(OriginalUri(original));
    req
}

#[cfg(test)]
mod tests {
    use super::normalize_path;

    #[test]
    fn paths() {
        assert_eq!(normalize_path("/api//info/version/"), "/api/info/version");
        assert_eq!(normalize_path("/api/v1/info/version"), "/api/info/version");
        assert_eq!(normalize_path("//api/v1//users/:me/"), "/api/users/:me");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/api/v1"), "/api");
    }
}
