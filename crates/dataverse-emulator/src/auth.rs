//! Request authentication: `X-Dataverse-key` header or `?key=` query (header wins). Without
//! either, the Data Access API (`/api/access/*`) also serves the user signed in to the web
//! view (its cookie, see `web::session`), as Dataverse's `Access.getRequestor` falls back to
//! the session user; no other endpoint takes the cookie.
//!
//! [`Auth`] is the extractor for `@AuthRequired` routes: no key ⇒ guest; a key that does not
//! resolve to a user ⇒ 401 `Bad API key` (even for public reads, like Dataverse's AuthFilter).
//! Routes that ignore keys (info, metadatablocks, GET licenses) simply don't use it.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use rusqlite::Connection;

use crate::Emulator;
use crate::envelope::ApiError;
use crate::store::dataset_write;
use crate::store::users::{self, UserRow};

/// Header carrying the API token.
pub(crate) const API_KEY_HEADER: &str = "X-Dataverse-key";

/// Who is calling.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// No API key: Dataverse's `:guest`.
    Guest,
    /// An authenticated user (may be a superuser).
    User(Box<UserRow>),
    /// A private-URL (preview URL) token of the dataset with this id: Dataverse's
    /// `PrivateUrlUser`, read-only on that dataset's draft through its `member` assignment.
    PrivateUrl(i64),
}

impl Caller {
    /// The authenticated user, if any.
    pub(crate) fn user(&self) -> Option<&UserRow> {
        match self {
            Caller::Guest | Caller::PrivateUrl(_) => None,
            Caller::User(u) => Some(u),
        }
    }

    /// Whether the caller is a superuser.
    pub(crate) fn is_superuser(&self) -> bool {
        self.user().is_some_and(|u| u.superuser)
    }

    /// Dataverse identifier (`@name` or `:guest`).
    pub(crate) fn identifier(&self) -> String {
        match self {
            Caller::Guest => ":guest".to_string(),
            Caller::User(u) => u.identifier(),
            Caller::PrivateUrl(id) => format!("!{id}"),
        }
    }
}

/// The API key of a request: header first, then `?key=`.
pub(crate) fn request_api_key(parts: &Parts) -> Option<String> {
    if let Some(v) = parts.headers.get(API_KEY_HEADER)
        && let Ok(s) = v.to_str()
    {
        return Some(s.trim().to_string());
    }
    let Query(q) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).ok()?;
    q.get("key").cloned()
}

/// The caller an API key stands for: a user (their last API use recorded) or a private-URL
/// token; `None` when it is neither.
pub(crate) fn resolve_key(conn: &Connection, key: &str) -> Result<Option<Caller>, crate::Error> {
    if let Some(u) = users::by_token(conn, key)? {
        users::touch_api_use(conn, u.id)?;
        return Ok(Some(Caller::User(Box::new(u))));
    }
    Ok(dataset_write::private_url_dataset(conn, key)?.map(Caller::PrivateUrl))
}

/// Resolved caller plus the raw key that was sent.
#[derive(Debug, Clone)]
pub(crate) struct Auth {
    /// The caller.
    pub caller: Caller,
    /// The key as sent (header or query), if any.
    pub key: Option<String>,
}

impl FromRequestParts<Emulator> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Emulator) -> Result<Self, ApiError> {
        let key = request_api_key(parts);
        if key.is_none()
            && let Some(caller) = signed_url_caller(parts, state).await?
        {
            return Ok(Auth { caller, key: None });
        }
        let Some(k) = key.clone() else {
            // `Access.getRequestor`: without a key, the Data Access API serves the user
            // signed in to the web pages (a stale sign-in is a guest, as in Dataverse).
            let mut caller = Caller::Guest;
            if parts.uri.path().starts_with("/api/access/")
                && let Some(user) =
                    crate::web::session::signed_in_user(state, &parts.headers).await?
            {
                caller = Caller::User(Box::new(user));
            }
            return Ok(Auth { caller, key: None });
        };
        let caller = state
            .store()
            .call(move |conn| resolve_key(conn, &k))
            .await?;
        match caller {
            Some(caller) => Ok(Auth { caller, key }),
            None => Err(ApiError::unauthorized("Bad API key")),
        }
    }
}

/// `%XX` sequences decoded (`URLDecoder.decode`, without `+` to space: the signed URLs
/// carry no form encoding).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `SignedUrlAuthMechanism`: a request with `?token=` is a signed URL. Its `user` is looked
/// up and the URL's hash checked with that user's key (their API token; for `guest` the
/// URL's path); a URL that does not check out is a 401 `Bad signed URL`.
async fn signed_url_caller(parts: &Parts, state: &Emulator) -> Result<Option<Caller>, ApiError> {
    let Ok(Query(q)) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri) else {
        return Ok(None);
    };
    if !q.contains_key("token") {
        return Ok(None);
    }
    let bad = || ApiError::unauthorized("Bad signed URL");
    let Some(user) = q.get("user").cloned() else {
        return Err(bad());
    };
    let uri = parts
        .extensions
        .get::<crate::normalize::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost")
        .to_string();
    let pq = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), |pq| pq.as_str().to_string());
    let url = percent_decode(&format!("http://{host}{pq}"));
    let path = percent_decode(&format!("http://{host}{}", uri.path()));
    let method = parts.method.as_str().to_string();
    let caller = state
        .store()
        .read(move |conn| -> Result<Option<Caller>, crate::Error> {
            let caller = if user.eq_ignore_ascii_case("guest") {
                Caller::Guest
            } else {
                match users::by_identifier(conn, &user)? {
                    Some(u) => Caller::User(Box::new(u)),
                    None => return Ok(None),
                }
            };
            let (_, key) = crate::routes::common::guestbook::signing_key(conn, &caller, &path)?;
            Ok(
                crate::routes::common::guestbook::url_valid(&url, &user, &method, &key)
                    .then_some(caller),
            )
        })
        .await?;
    caller.map(Some).ok_or_else(bad)
}
