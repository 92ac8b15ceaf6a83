//! The frame every page shares (header with the installation's name and the sign-in state,
//! a skip link, the main landmark), the embedded stylesheet, and small formatting helpers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::session::Viewer;
use crate::store::collections;
use crate::{Emulator, Error};

/// Path of the stylesheet.
pub(crate) const STYLESHEET: &str = "/resources/web.css";

/// The stylesheet, compiled into the binary.
const CSS: &str = include_str!("style.css");

/// `GET /resources/web.css`.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// What the frame needs to know about the page.
#[derive(Debug)]
pub(crate) struct Chrome<'a> {
    /// The installation's name (the root collection's).
    pub brand: &'a str,
    /// Who is looking.
    pub viewer: &'a Viewer,
    /// This page's path and query, to come back to after signing in.
    pub here: &'a str,
}

/// The installation's name: the root collection's.
pub(crate) async fn brand(em: &Emulator) -> Result<String, Error> {
    em.store().read(|conn| collections::publisher(conn)).await
}

/// A whole page.
pub(crate) fn page(title: &str, chrome: &Chrome<'_>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " - " (chrome.brand) }
                link rel="stylesheet" href=(STYLESHEET);
            }
            body {
                a.skip href="#content" { "Skip to content" }
                header.site {
                    a.brand href="/" { (chrome.brand) }
                    nav.account aria-label="Account" {
                        @if let Some(name) = chrome.viewer.name() {
                            span.who { "Signed in as " strong { (name) } }
                            @if chrome.viewer.via_cookie {
                                form.inline method="post" action="/logout.xhtml" {
                                    button type="submit" { "Sign out" }
                                }
                            }
                        } @else {
                            a href={ "/loginpage.xhtml?redirectPage=" (query_value(chrome.here)) } { "Sign in" }
                        }
                    }
                }
                main #content {
                    @if chrome.viewer.expired {
                        p.notice role="status" { "Your sign-in is no longer valid; you see what a guest sees. Sign in again to see more." }
                    }
                    (main)
                }
                footer.site {
                    "Embedded local Dataverse · the Native API is under "
                    code { "/api" }
                }
            }
        }
    }
}

/// A rendered page with its status; never cached, as it depends on who is signed in.
pub(crate) fn respond(status: StatusCode, page: Markup) -> Response {
    let mut resp = (status, axum::response::Html(page.into_string())).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Metadata HTML as Dataverse allows it (see [`super::sanitize`]).
pub(crate) fn rich(html: &str) -> PreEscaped<String> {
    PreEscaped(super::sanitize::sanitize(html))
}

/// Percent-encode a query value, keeping `:` and `/` readable (as PIDs appear in
/// Dataverse's own links).
pub(crate) fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `/dataset.xhtml?persistentId=...`.
pub(crate) fn dataset_href(pid: &str) -> String {
    format!("/dataset.xhtml?persistentId={}", query_value(pid))
}

/// `/dataverse/{alias}`, or `/` for the root.
pub(crate) fn collection_href(alias: &str, is_root: bool) -> String {
    if is_root {
        "/".to_string()
    } else {
        format!("/dataverse/{}", query_value(alias))
    }
}

/// `1.2 MB`, as Dataverse shows sizes (powers of 1024, one decimal).
pub(crate) fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The `yyyy-MM-dd` part of a timestamp.
pub(crate) fn date_part(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_query_values() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(
            query_value("doi:10.5072/FK2/A B&c"),
            "doi:10.5072/FK2/A%20B%26c"
        );
        assert_eq!(
            dataset_href("doi:1/2"),
            "/dataset.xhtml?persistentId=doi:1/2"
        );
    }
}
