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

/// Replace each path segment whose percent-decoded bytes are not UTF-8 by the percent-encoded
/// lossy decoding (U+FFFD for the bad bytes), as a Java servlet container decodes it, so the
/// routes see an unknown identifier (a Dataverse 404) rather than axum rejecting the path
/// with a plain-text 400.
pub(crate) fn repair_utf8(path: &str) -> std::borrow::Cow<'_, str> {
    fn decode(seg: &str) -> Vec<u8> {
        let b = seg.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if b[i] == b'%'
                && i + 2 < b.len()
                && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
            {
                out.push((h * 16 + l) as u8);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    }
    if !path.contains('%')
        || path
            .split('/')
            .all(|s| std::str::from_utf8(&decode(s)).is_ok())
    {
        return std::borrow::Cow::Borrowed(path);
    }
    let fixed: Vec<String> = path
        .split('/')
        .map(|seg| {
            let bytes = decode(seg);
            if std::str::from_utf8(&bytes).is_ok() {
                return seg.to_string();
            }
            let mut out = String::new();
            for c in String::from_utf8_lossy(&bytes).chars() {
                if c.is_ascii_alphanumeric() || "-._~:@!$&'()*+,;=".contains(c) {
                    out.push(c);
                } else {
                    let mut buf = [0u8; 4];
                    for byte in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{byte:02X}"));
                    }
                }
            }
            out
        })
        .collect();
    std::borrow::Cow::Owned(fixed.join("/"))
}

/// Query parameters whose values are secrets: the API key and the built-in user password.
const SECRET_PARAMS: [&str; 2] = ["key", "password"];

/// `path?query` of `uri` with the values of secret query parameters (`key`, `password`)
/// replaced by `***`, for logs and the `requestUrl` of error bodies.
pub(crate) fn redacted_path_and_query(uri: &Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else {
        return path.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.contains(&name) => format!("{name}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// The tracing span of one request: tower-http's default fields, with secret query
/// parameters masked (see [`redacted_path_and_query`]).
pub(crate) fn request_span<B>(req: &Request<B>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %req.method(),
        uri = %redacted_path_and_query(req.uri()),
        version = ?req.version(),
    )
}

/// Rewrite the request URI in place (see module docs).
pub(crate) fn rewrite<B>(mut req: Request<B>) -> Request<B> {
    let original = req.uri().clone();
    let path = normalize_path(&repair_utf8(original.path()));
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

    #[test]
    fn secret_query_parameters_are_masked() {
        use super::redacted_path_and_query;
        let uri: axum::http::Uri = "/api/users/:me?key=abc-123&x=1&password=p&keyx=2"
            .parse()
            .unwrap();
        assert_eq!(
            redacted_path_and_query(&uri),
            "/api/users/:me?key=***&x=1&password=***&keyx=2"
        );
        let uri: axum::http::Uri = "/api/info/version".parse().unwrap();
        assert_eq!(redacted_path_and_query(&uri), "/api/info/version");
    }

    #[test]
    fn invalid_utf8_segments_are_repaired() {
        use super::repair_utf8;
        assert_eq!(
            repair_utf8("/api/licenses/CC%20BY"),
            "/api/licenses/CC%20BY"
        );
        assert_eq!(repair_utf8("/api/x/%E2%82%AC"), "/api/x/%E2%82%AC");
        assert_eq!(repair_utf8("/api/licenses/%FF"), "/api/licenses/%EF%BF%BD");
        assert_eq!(repair_utf8("/api/a%FFb/ok%20"), "/api/a%EF%BF%BDb/ok%20");
        assert_eq!(repair_utf8("/api/%zz/%"), "/api/%zz/%");
    }
}
