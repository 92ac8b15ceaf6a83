//! Who is looking at a page, and signing in with an API token.
//!
//! A page's viewer is the user of the `X-Dataverse-key` header (for scripts and tests, as
//! the API honours it; a bad key is a 401 page), else the user of the sign-in cookie, else a
//! guest. Signing in is a form POST of the token: it is checked, then kept in an `HttpOnly`,
//! `SameSite=Strict` cookie, so it never appears in a URL or a page. A cookie whose token no
//! longer works makes the viewer a guest, told to sign in again. Signing in and out are
//! refused when the browser says the form came from another site (`Origin`).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::error::PageError;
use super::layout::{self, Chrome};
use crate::auth::{API_KEY_HEADER, Caller, resolve_key};
use crate::routes::common::extract::Params;
use crate::store::users::{self, UserRow};
use crate::{Emulator, Error};

/// Name of the sign-in cookie.
pub(crate) const COOKIE: &str = "dvtoken";

/// The sign-in cookie's token, if the request carries one.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// The user the sign-in cookie stands for (`None`: no cookie, or a token that no longer
/// works).
pub(crate) async fn signed_in_user(
    em: &Emulator,
    headers: &HeaderMap,
) -> Result<Option<UserRow>, Error> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    em.store()
        .read(move |conn| users::by_token(conn, &token))
        .await
}

/// The viewer of a page.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// Whose permissions the page is rendered with.
    pub caller: Caller,
    /// Signed in through the cookie (the page offers to sign out).
    pub via_cookie: bool,
    /// A cookie was sent but its token no longer works.
    pub expired: bool,
}

impl Viewer {
    /// A guest.
    pub(crate) fn guest() -> Viewer {
        Viewer {
            caller: Caller::Guest,
            via_cookie: false,
            expired: false,
        }
    }

    /// The signed-in user's name for the page header.
    pub(crate) fn name(&self) -> Option<String> {
        let user = self.caller.user()?;
        let name = user.display_name();
        Some(if name.is_empty() {
            user.identifier()
        } else {
            name
        })
    }
}

impl FromRequestParts<Emulator> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, em: &Emulator) -> Result<Self, PageError> {
        if let Some(v) = parts.headers.get(API_KEY_HEADER) {
            let key = v.to_str().unwrap_or_default().trim().to_string();
            let caller = em.store().call(move |conn| resolve_key(conn, &key)).await?;
            return match caller {
                Some(caller) => Ok(Viewer {
                    caller,
                    via_cookie: false,
                    expired: false,
                }),
                None => Err(PageError::BadKey),
            };
        }
        if cookie_token(&parts.headers).is_none() {
            return Ok(Viewer::guest());
        }
        Ok(match signed_in_user(em, &parts.headers).await? {
            Some(user) => Viewer {
                caller: Caller::User(Box::new(user)),
                via_cookie: true,
                expired: false,
            },
            None => Viewer {
                expired: true,
                ..Viewer::guest()
            },
        })
    }
}

/// Where to go after signing in: a path on this server, else the root.
fn local_path(raw: Option<&str>) -> String {
    match raw {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Whether a token can be a cookie value as it is (RFC 6265 `cookie-octet`s).
fn cookie_safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

fn form_page(brand: &str, viewer: &Viewer, redirect: &str, problem: Option<&str>) -> maud::Markup {
    let chrome = Chrome {
        brand,
        viewer,
        here: "/loginpage.xhtml",
    };
    layout::page(
        "Sign in",
        &chrome,
        html! {
            h1 { "Sign in" }
            @if let Some(p) = problem {
                p.notice.error role="alert" { (p) }
            }
            p {
                "Sign in with your API token to see what it may see: unpublished collections, "
                "drafts and restricted files. The token is kept in a cookie this browser sends "
                "only to this server, never in a link or a page."
            }
            form.signin method="post" action="/loginpage.xhtml" {
                input type="hidden" name="redirectPage" value=(redirect);
                label for="token" { "API token" }
                input #token type="password" name="token" autocomplete="off" required spellcheck="false";
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// `GET /loginpage.xhtml`: the sign-in form.
pub(crate) async fn signin_form(
    State(em): State<Emulator>,
    viewer: Viewer,
    Params(p): Params,
) -> Result<Response, PageError> {
    let brand = layout::brand(&em).await?;
    let redirect = local_path(p.get("redirectPage").map(String::as_str));
    Ok(layout::respond(
        StatusCode::OK,
        form_page(&brand, &viewer, &redirect, None),
    ))
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub(crate) struct SignIn {
    token: String,
    #[serde(rename = "redirectPage")]
    redirect: Option<String>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("token_set", &!self.token.is_empty())
            .field("redirect", &self.redirect)
            .finish()
    }
}

/// Whether a form POST comes from a page of this server: a browser names the page's origin
/// in `Origin`, which must then be this server's (no other site signs a viewer in or out).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

fn cross_site() -> PageError {
    PageError::Forbidden("This form can only be sent from this server's own pages.".into())
}

/// `POST /loginpage.xhtml`: check the token; keep it in the cookie and go back where the
/// viewer came from, or show the form again saying what was wrong.
pub(crate) async fn signin(
    State(em): State<Emulator>,
    headers: HeaderMap,
    form: Result<Form<SignIn>, FormRejection>,
) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        return Err(cross_site());
    }
    let brand = layout::brand(&em).await?;
    let Ok(Form(form)) = form else {
        return Err(PageError::BadRequest(
            "The sign-in form was incomplete.".into(),
        ));
    };
    let redirect = local_path(form.redirect.as_deref());
    let token = form.token.trim().to_string();
    let user = if cookie_safe(&token) {
        let t = token.clone();
        em.store()
            .read(move |conn| users::by_token(conn, &t))
            .await?
    } else {
        None
    };
    if user.is_none() {
        let page = form_page(
            &brand,
            &Viewer::guest(),
            &redirect,
            Some("That API token is not valid (unknown, expired or disabled)."),
        );
        return Ok(layout::respond(StatusCode::UNAUTHORIZED, page));
    }
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    let Ok(cookie) = HeaderValue::from_str(&cookie) else {
        return Err(PageError::BadRequest(
            "The token cannot be kept in a cookie.".into(),
        ));
    };
    let mut resp = Redirect::to(&redirect).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(resp)
}

/// `POST /logout.xhtml`: forget the cookie and go to the root.
pub(crate) async fn signout(headers: HeaderMap) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        return Err(cross_site());
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("dvtoken=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; dvtoken=abc-1"),
        );
        assert_eq!(cookie_token(&h).as_deref(), Some("abc-1"));
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("xdvtoken=1; dvtoken="),
        );
        assert_eq!(cookie_token(&h), None);
    }

    #[test]
    fn redirects_stay_on_this_server() {
        assert_eq!(local_path(Some("/dataverse/x?q=1")), "/dataverse/x?q=1");
        for bad in ["//evil.org", "https://evil.org", "/\\evil", "x", ""] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn forms_are_taken_from_this_server_only() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&h), "no Origin (not a browser, or an old one)");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
        for other in ["http://evil.example", "http://127.0.0.1:9090", "null"] {
            h.insert(header::ORIGIN, HeaderValue::from_static(other));
            assert!(!same_origin(&h), "{other}");
        }
    }

    #[test]
    fn tokens_that_cannot_be_cookies_are_refused() {
        assert!(cookie_safe("0f1e2d3c-aaaa-bbbb-cccc-000000000000"));
        for bad in ["", "a b", "a;b", "a\"b", "é"] {
            assert!(!cookie_safe(bad), "{bad}");
        }
    }
}
