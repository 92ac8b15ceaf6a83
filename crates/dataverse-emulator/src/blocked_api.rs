//! Dataverse's blocked-endpoints policy (`ApiBlockingFilter`): the endpoints listed in
//! `:BlockedApiEndpoints` (here by default `admin,builtin-users`, as a secure installation
//! sets them) answer only as `:BlockedApiPolicy` allows:
//!
//! - `localhost-only` (the default here, as `setup-all.sh` sets it): only clients whose TCP
//!   peer address is `127.0.0.1` or `::1` (Dataverse's `IpAddress.isLocalhost`), with no API
//!   key needed; a proxy header such as `X-Forwarded-For` is never consulted;
//! - `unblock-key`: only requests carrying the `:BlockedApiKey` in the
//!   `X-Dataverse-unblock-key` header or the `unblock-key` query parameter;
//! - `drop`: nobody.
//!
//! A refused request gets Dataverse's 503 `{"status":"error","message":...}`. The policy,
//! list and key come from the emulator's [`BlockedApi`] configuration (`dv serve`'s flags,
//! like Dataverse's `dataverse.api.blocked.*` JVM options) or else from the database
//! settings, read again after every change through `/api/admin/settings`. As in Dataverse,
//! an entry blocks every endpoint whose path starts with it (`{x}` in an entry matches one
//! segment), and only endpoints that exist: an unknown path under `/api/admin` is a 404.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use axum::Json;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Emulator;
use crate::store::Store;

/// Database setting naming the policy.
pub(crate) const POLICY_SETTING: &str = ":BlockedApiPolicy";
/// Database setting listing the blocked endpoints (comma-separated).
pub(crate) const ENDPOINTS_SETTING: &str = ":BlockedApiEndpoints";
/// Database setting holding the unblock key.
pub(crate) const KEY_SETTING: &str = ":BlockedApiKey";
/// Header carrying the unblock key.
pub const UNBLOCK_KEY_HEADER: &str = "X-Dataverse-unblock-key";
/// Query parameter carrying the unblock key (when the header is absent or blank).
const UNBLOCK_KEY_PARAM: &str = "unblock-key";
/// The endpoints a secure installation blocks (`setup-all.sh`).
pub const DEFAULT_BLOCKED_ENDPOINTS: &str = "admin,builtin-users";

/// How blocked endpoints answer (`:BlockedApiPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockedApiPolicy {
    /// `drop`: refused to everyone.
    Drop,
    /// `localhost-only`: served to loopback clients (`127.0.0.1`, `::1`) only.
    LocalhostOnly,
    /// `unblock-key`: served to requests carrying the unblock key.
    UnblockKey,
}

impl BlockedApiPolicy {
    /// The setting's value (`drop`, `localhost-only`, `unblock-key`).
    pub fn as_str(self) -> &'static str {
        match self {
            BlockedApiPolicy::Drop => "drop",
            BlockedApiPolicy::LocalhostOnly => "localhost-only",
            BlockedApiPolicy::UnblockKey => "unblock-key",
        }
    }

    /// Dataverse's message for a refused request under this policy.
    fn message(self) -> &'static str {
        match self {
            BlockedApiPolicy::Drop => "Endpoint blocked. Access denied.",
            BlockedApiPolicy::LocalhostOnly => "Endpoint restricted to localhost access only.",
            BlockedApiPolicy::UnblockKey => "Endpoint requires an unblock key for access.",
        }
    }
}

impl std::fmt::Display for BlockedApiPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BlockedApiPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "drop" => Ok(BlockedApiPolicy::Drop),
            "localhost-only" => Ok(BlockedApiPolicy::LocalhostOnly),
            "unblock-key" => Ok(BlockedApiPolicy::UnblockKey),
            other => Err(format!(
                "unknown blocked-API policy {other:?} (expected drop, localhost-only or unblock-key)"
            )),
        }
    }
}

/// The blocked-endpoints configuration (Dataverse's `dataverse.api.blocked.policy`,
/// `.endpoints` and `.key` options). Each part left `None` comes from the database setting
/// (`:BlockedApiPolicy`, `:BlockedApiEndpoints`, `:BlockedApiKey`), and without that from
/// a secure installation's values: `localhost-only` for `admin,builtin-users`, no key.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BlockedApi {
    /// The policy.
    pub policy: Option<BlockedApiPolicy>,
    /// Comma-separated endpoint prefixes such as `admin,builtin-users` (empty: none).
    pub endpoints: Option<String>,
    /// The unblock key of the `unblock-key` policy.
    pub key: Option<String>,
}

impl std::fmt::Debug for BlockedApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockedApi")
            .field("policy", &self.policy)
            .field("endpoints", &self.endpoints)
            .field("key_set", &self.key.is_some())
            .finish()
    }
}

/// The policy in force: configuration over database settings over defaults.
#[derive(Debug, Clone)]
struct Effective {
    policy: BlockedApiPolicy,
    /// Each entry's segments (`{x}` as `None`, matching any one segment).
    prefixes: Vec<Vec<Option<String>>>,
    key: Option<String>,
}

/// The policy in force, cached until a setting changes.
#[derive(Debug, Default)]
pub(crate) struct Cache(RwLock<Option<Arc<Effective>>>);

impl Cache {
    /// Forget the cached policy (a setting changed).
    pub(crate) fn invalidate(&self) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn parse_prefixes(list: &str) -> Vec<Vec<Option<String>>> {
    list.split(',')
        .map(|e| e.trim().trim_start_matches('/').trim_end_matches('/'))
        .filter(|e| !e.is_empty())
        .map(|e| {
            e.split('/')
                .map(|s| {
                    (!(s.starts_with('{') && s.ends_with('}') && s.len() > 2))
                        .then(|| s.to_string())
                })
                .collect()
        })
        .collect()
}

async fn effective(em: &Emulator) -> Result<Arc<Effective>, crate::Error> {
    if let Some(e) = em
        .blocked_cache()
        .0
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
    {
        return Ok(e);
    }
    let config = em.config().blocked_api.clone();
    let stored = em
        .store()
        .call(|c| -> Result<_, crate::Error> {
            Ok((
                Store::setting(c, POLICY_SETTING)?,
                Store::setting(c, ENDPOINTS_SETTING)?,
                Store::setting(c, KEY_SETTING)?,
            ))
        })
        .await?;
    let policy = match config.policy {
        Some(p) => p,
        // An unknown stored policy is `drop`, as Dataverse falls back to it.
        None => stored
            .0
            .map(|v| v.parse().unwrap_or(BlockedApiPolicy::Drop))
            .unwrap_or(BlockedApiPolicy::LocalhostOnly),
    };
    let endpoints = config
        .endpoints
        .or(stored.1)
        .unwrap_or_else(|| DEFAULT_BLOCKED_ENDPOINTS.to_string());
    let key = config.key.or(stored.2).filter(|k| !k.trim().is_empty());
    let e = Arc::new(Effective {
        policy,
        prefixes: parse_prefixes(&endpoints),
        key,
    });
    *em.blocked_cache()
        .0
        .write()
        .unwrap_or_else(|e| e.into_inner()) = Some(e.clone());
    Ok(e)
}

/// Whether `path` (without `/api/`) starts with the entry's segments.
fn matches(prefix: &[Option<String>], path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments.len() >= prefix.len()
        && prefix
            .iter()
            .zip(&segments)
            .all(|(p, s)| p.as_deref().is_none_or(|p| p == *s))
}

/// Dataverse's `IpAddress.isLocalhost`: exactly `127.0.0.1` or `::1` (an IPv4-mapped
/// `::ffff:127.0.0.1` counts as `127.0.0.1`).
pub(crate) fn is_localhost(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST)
        }
    }
}

/// The client's address: the TCP peer of the connection, never a proxy header.
fn peer(req: &Request) -> Option<SocketAddr> {
    let ext = req.extensions();
    ext.get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| *p)
        .or_else(|| ext.get::<MockConnectInfo<SocketAddr>>().map(|m| m.0))
}

fn sent_key(req: &Request) -> Option<String> {
    let header = req
        .headers()
        .get(UNBLOCK_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty());
    if let Some(h) = header {
        return Some(h.to_string());
    }
    let query = req.uri().query()?;
    url_query_value(query, UNBLOCK_KEY_PARAM)
}

fn url_query_value(query: &str, name: &str) -> Option<String> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&format!("/?{query}").parse().ok()?)
        .ok()?
        .0
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Middleware on the matched API routes: refuse a blocked endpoint unless the policy lets
/// this request through.
pub(crate) async fn guard(State(em): State<Emulator>, req: Request, next: Next) -> Response {
    let effective = match effective(&em).await {
        Ok(e) => e,
        Err(e) => return crate::routes::AppError::from(e).into_response(),
    };
    let concrete = req.uri().path().trim_start_matches("/api/").to_string();
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().trim_start_matches("/api/").to_string());
    let blockable = effective
        .prefixes
        .iter()
        .any(|p| matches(p, &concrete) || template.as_deref().is_some_and(|t| matches(p, t)));
    if !blockable {
        return next.run(req).await;
    }
    let allowed = match effective.policy {
        BlockedApiPolicy::Drop => false,
        // The TCP peer (set by `Server`, or by an embedder's `MockConnectInfo` layer); a
        // router served without it refuses.
        BlockedApiPolicy::LocalhostOnly => peer(&req).is_some_and(|p| is_localhost(p.ip())),
        BlockedApiPolicy::UnblockKey => effective
            .key
            .as_deref()
            .is_some_and(|k| sent_key(&req).as_deref() == Some(k)),
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::debug!(path = %concrete, policy = %effective.policy, "blocked endpoint refused");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "error", "message": effective.policy.message()})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_path_prefixes_by_segment() {
        let p = parse_prefixes(" /admin/ ,builtin-users,datasets/{id}/versions,,");
        assert_eq!(p.len(), 3);
        assert!(matches(&p[0], "admin"));
        assert!(matches(&p[0], "admin/settings/:Foo"));
        assert!(!matches(&p[0], "administrator"));
        assert!(!matches(&p[0], "info/admin"));
        assert!(matches(&p[1], "builtin-users/u/api-token"));
        assert!(matches(&p[2], "datasets/7/versions/1.0"));
        assert!(matches(&p[2], "datasets/{id}/versions"));
        assert!(!matches(&p[2], "datasets/7/files"));
    }

    #[test]
    fn localhost_is_exactly_the_loopback_address() {
        assert!(is_localhost("127.0.0.1".parse().unwrap()));
        assert!(is_localhost("::1".parse().unwrap()));
        assert!(is_localhost("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!is_localhost("127.0.0.2".parse().unwrap()));
        assert!(!is_localhost("10.1.2.3".parse().unwrap()));
        assert!(!is_localhost("::".parse().unwrap()));
    }

    #[test]
    fn policies_parse_and_print() {
        for p in [
            BlockedApiPolicy::Drop,
            BlockedApiPolicy::LocalhostOnly,
            BlockedApiPolicy::UnblockKey,
        ] {
            assert_eq!(p.as_str().parse::<BlockedApiPolicy>(), Ok(p));
        }
        assert!("allow".parse::<BlockedApiPolicy>().is_err());
    }

    #[test]
    fn the_key_comes_from_the_query_when_no_header() {
        assert_eq!(
            url_query_value("a=1&unblock-key=s%20k", "unblock-key").as_deref(),
            Some("s k")
        );
        assert_eq!(url_query_value("a=1", "unblock-key"), None);
    }
}
