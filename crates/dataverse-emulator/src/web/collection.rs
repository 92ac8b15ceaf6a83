//! The collection page (`/` for the root, `/dataverse/{alias}`): name, affiliation,
//! description, contacts, and what lies under the collection, ten to a page, found with
//! the emulator's Search API ([`crate::search`]: the same index, query language,
//! permissions, type filters and facets as `GET /api/search?subtree=...`).
//!
//! As on Dataverse's collection page (`SearchIncludeFragment`): without a query it browses
//! (`q=*`, collections and datasets, newest first); with one it searches (collections,
//! datasets and files, by relevance). `types=dataverses:datasets:files` picks types, each
//! `fq=field:"value"` narrows by a facet, `page` counts from 1.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use rusqlite::Connection;
use serde_json::Value;

use super::error::PageError;
use super::layout::{self, Chrome, collection_href, dataset_href, human_size, rich};
use super::session::Viewer;
use crate::auth::Caller;
use crate::routes::common::guards::{collection_visible, find_collection};
use crate::search::execute::{self, FacetCategory, Found, Search, SortField};
use crate::search::query::{self, Source};
use crate::search::{self as index, document};
use crate::store::collections::{self, CollectionRow};
use crate::store::datasets::VersionRow;
use crate::{Emulator, Error};

/// Results on one page (as on Dataverse's collection pages).
const PER_PAGE: usize = 10;

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A collection ("dataverse" in Dataverse's search types).
    Collection,
    /// A dataset.
    Dataset,
    /// A file.
    File,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Collection, Kind::Dataset, Kind::File];

    /// The type's name in the page's `types` and in the index (`dvObjectType`).
    fn param(self) -> &'static str {
        match self {
            Kind::Collection => document::DATAVERSES,
            Kind::Dataset => document::DATASETS,
            Kind::File => document::FILES,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Collection => "Collections",
            Kind::Dataset => "Datasets",
            Kind::File => "Files",
        }
    }

    /// The key of the search's count per type.
    fn count_key(self) -> &'static str {
        match self {
            Kind::Collection => "Dataverses",
            Kind::Dataset => "Datasets",
            Kind::File => "Files",
        }
    }
}

/// The page's query: `q`, `types` (repeated or `:`-joined), `fq` (repeated) and `page`.
#[derive(Debug, Clone)]
pub(crate) struct Ask {
    q: String,
    /// The types asked for; none means the mode's default.
    types: Vec<Kind>,
    fq: Vec<String>,
    page: usize,
}

impl Ask {
    fn parse(pairs: &[(String, String)]) -> Ask {
        let mut ask = Ask {
            q: String::new(),
            types: Vec::new(),
            fq: Vec::new(),
            page: 1,
        };
        for (k, v) in pairs {
            match k.as_str() {
                "q" => ask.q = v.trim().to_string(),
                "types" => {
                    for t in v.split(':') {
                        if let Some(kind) = Kind::ALL.into_iter().find(|k| k.param() == t)
                            && !ask.types.contains(&kind)
                        {
                            ask.types.push(kind);
                        }
                    }
                }
                "fq" if !v.trim().is_empty() && !ask.fq.contains(v) => ask.fq.push(v.clone()),
                "page" => ask.page = v.trim().parse::<usize>().unwrap_or(1).max(1),
                _ => {}
            }
        }
        ask
    }

    /// Browsing (no query) or searching.
    fn browsing(&self) -> bool {
        self.q.is_empty() || self.q == "*"
    }

    /// The types searched: those asked for, else collections and datasets when browsing
    /// and every type when searching (`SearchIncludeFragment`'s defaults).
    fn kinds(&self) -> Vec<Kind> {
        if !self.types.is_empty() {
            self.types.clone()
        } else if self.browsing() {
            vec![Kind::Collection, Kind::Dataset]
        } else {
            Kind::ALL.to_vec()
        }
    }

    /// The link to this ask on another page.
    fn href(&self, base: &str, page: usize) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", layout::query_value(&self.q)));
        }
        if !self.types.is_empty() {
            let t: Vec<&str> = self.types.iter().map(|k| k.param()).collect();
            parts.push(format!("types={}", t.join(":")));
        }
        for f in &self.fq {
            parts.push(format!("fq={}", layout::query_value(f)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", parts.join("&"))
        }
    }

    /// This ask with other types, from its first page.
    fn with_types(&self, types: Vec<Kind>) -> Ask {
        Ask {
            types,
            page: 1,
            ..self.clone()
        }
    }

    /// This ask with a filter added or removed, from its first page.
    fn toggle_fq(&self, fq: &str) -> Ask {
        let mut next = Ask {
            page: 1,
            ..self.clone()
        };
        if let Some(i) = next.fq.iter().position(|f| f == fq) {
            next.fq.remove(i);
        } else {
            next.fq.push(fq.to_string());
        }
        next
    }
}

/// The filter query of a facet value: `field:"value"`.
fn facet_fq(field: &str, value: &str) -> String {
    format!(
        "{field}:\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// Everything the page shows, read in one go.
#[derive(Debug)]
struct CollectionView {
    brand: String,
    collection: CollectionRow,
    /// Owners from the root down to the parent.
    trail: Vec<CollectionRow>,
    /// The search, or why the query was refused.
    found: Result<Found, String>,
    /// The page shown (the last one when more was asked).
    page: usize,
}

/// The version label Dataverse shows: `1.0`, or `DRAFT`.
pub(crate) fn version_label(v: &VersionRow) -> String {
    match v.version_number {
        Some(major) => format!("{major}.{}", v.minor_version_number.unwrap_or(0)),
        None => "DRAFT".to_string(),
    }
}

/// The search of the page's listing, or the message for a query the parser refuses.
fn search_of(
    conn: &Connection,
    c: &CollectionRow,
    ask: &Ask,
    page: usize,
) -> Result<Result<Search, String>, Error> {
    let q_text = if ask.browsing() { "*" } else { ask.q.as_str() };
    let q = match query::parse(q_text, Source::Q) {
        Ok(q) => q,
        Err(e) => {
            return Ok(Err(format!(
                "The query '{q_text}' cannot be searched: {e}."
            )));
        }
    };
    let mut fq = Vec::new();
    for f in &ask.fq {
        match query::parse(f, Source::Fq) {
            Ok(node) => fq.push(node),
            Err(e) => return Ok(Err(format!("The filter '{f}' cannot be applied: {e}."))),
        }
    }
    Ok(Ok(Search {
        q,
        fq,
        types: ask.kinds().iter().map(|k| k.param()).collect(),
        // The root's subtree is everything.
        subtrees: if c.owner_id.is_none() {
            Vec::new()
        } else {
            vec![c.id]
        },
        collection_facets: collections::effective_facets(conn, c)?,
        sort: if ask.browsing() {
            SortField::Date
        } else {
            SortField::Relevance
        },
        descending: true,
        per_page: PER_PAGE,
        start: (page - 1) * PER_PAGE,
        show_relevance: false,
        show_facets: true,
        show_entity_ids: true,
        show_api_urls: false,
        show_type_counts: true,
        query_entities: true,
        metadata_fields: Vec::new(),
        site_url: String::new(),
    }))
}

fn load(
    em: &Emulator,
    conn: &Connection,
    caller: &Caller,
    alias: Option<&str>,
    ask: &Ask,
) -> Result<CollectionView, PageError> {
    let collection = match alias {
        Some(a) => find_collection(conn, a)?,
        None => collections::root(conn)?
            .ok_or_else(|| PageError::Internal(Error::Store("no root collection".into())))?,
    };
    if !collection_visible(conn, caller, &collection)? {
        return Err(PageError::Forbidden(
            "This collection is not published, and you may not see it unpublished.".into(),
        ));
    }
    let mut trail = collections::owner_chain(conn, collection.owner_id)?;
    trail.reverse();
    let vis = execute::visibility(conn, caller)?;
    let mut page = ask.page;
    let found = loop {
        let s = match search_of(conn, &collection, ask, page)? {
            Ok(s) => s,
            Err(message) => break Err(message),
        };
        let found = execute::run(conn, em.blocks(), caller, &vis, &s)?;
        let pages = (found.total.max(0) as usize).div_ceil(PER_PAGE).max(1);
        // Past the last page: show the last one.
        if page > pages {
            page = pages;
            continue;
        }
        break Ok(found);
    };
    Ok(CollectionView {
        brand: collections::publisher(conn)?,
        collection,
        trail,
        found,
        page,
    })
}

/// `GET /`: the root collection.
pub(crate) async fn root(
    State(em): State<Emulator>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, PageError> {
    show(em, None, viewer, uri).await
}

/// `GET /dataverse/{alias}`.
pub(crate) async fn by_alias(
    State(em): State<Emulator>,
    Path(alias): Path<String>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, PageError> {
    show(em, Some(alias), viewer, uri).await
}

async fn show(
    em: Emulator,
    alias: Option<String>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, PageError> {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let ask = Ask::parse(&pairs);
    let caller = viewer.caller.clone();
    index::ensure_current(&em).await?;
    let em2 = em.clone();
    let ask2 = ask.clone();
    let view = em
        .store()
        .read(move |conn| load(&em2, conn, &caller, alias.as_deref(), &ask2))
        .await?;
    let here = uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    Ok(layout::respond(
        StatusCode::OK,
        render(&view, &ask, &viewer, &here),
    ))
}

fn facets(found: &Found, ask: &Ask, base: &str) -> Markup {
    let counts = |kind: Kind| {
        found
            .type_counts
            .iter()
            .find(|(k, _)| *k == kind.count_key())
            .map_or(0, |(_, n)| *n)
    };
    let kinds = ask.kinds();
    html! {
        h2 { "Type" }
        ul {
            @for kind in Kind::ALL {
                li {
                    @if kinds == [kind] {
                        strong { (kind.label()) " (" (counts(kind)) ")" }
                    } @else {
                        a href=(ask.with_types(vec![kind]).href(base, 1)) {
                            (kind.label()) " (" (counts(kind)) ")"
                        }
                    }
                }
            }
        }
        @for FacetCategory { name, friendly, labels } in &found.facets {
            h3 { (friendly) }
            ul {
                @for (value, n) in labels {
                    @let fq = facet_fq(name, value);
                    li {
                        @if ask.fq.contains(&fq) {
                            strong { (value) " (" (n) ")" } " "
                            a href=(ask.toggle_fq(&fq).href(base, 1)) aria-label={ "Remove the filter " (value) } { "remove" }
                        } @else {
                            a href=(ask.toggle_fq(&fq).href(base, 1)) { (value) " (" (n) ")" }
                        }
                    }
                }
            }
        }
    }
}

fn render(view: &CollectionView, ask: &Ask, viewer: &Viewer, here: &str) -> Markup {
    let c = &view.collection;
    let is_root = c.owner_id.is_none();
    let base = collection_href(&c.alias, is_root);
    let kinds = ask.kinds();
    let chrome = Chrome {
        brand: &view.brand,
        viewer,
        here,
    };
    let page = view.page;
    let main = html! {
        @if !view.trail.is_empty() {
            nav.crumbs aria-label="Breadcrumb" {
                ol {
                    @for o in &view.trail {
                        li { a href=(collection_href(&o.alias, o.owner_id.is_none())) { (o.name) } }
                    }
                    li aria-current="page" { (c.name) }
                }
            }
        }
        h1 {
            (c.name)
            @if !c.is_released { " " span.badge { "Unpublished" } }
        }
        @if let Some(a) = c.affiliation.as_deref().filter(|a| !a.is_empty()) {
            p.muted { (a) }
        }
        @if let Some(d) = c.description.as_deref().filter(|d| !d.is_empty()) {
            div.description { (rich(d)) }
        }
        @if !c.contacts.is_empty() {
            p {
                "Contact: "
                @for (i, e) in c.contacts.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "mailto:" (e) } { (e) }
                }
            }
        }
        form.search role="search" method="get" action=(base) {
            div.q {
                label for="q" { "Search this collection" }
                input #q type="search" name="q" value=(ask.q) placeholder="Words, \"a phrase\", title:finch, ...";
            }
            button type="submit" { "Search" }
        }
        @match &view.found {
            Err(message) => {
                p.notice.error role="alert" { (message) }
            }
            Ok(found) => {
                @let total = found.total.max(0) as usize;
                @let pages = total.div_ceil(PER_PAGE).max(1);
                div.layout {
                    aside.facets aria-label="Filter results" {
                        form.types method="get" action=(base) {
                            @if !ask.q.is_empty() { input type="hidden" name="q" value=(ask.q); }
                            @for f in &ask.fq { input type="hidden" name="fq" value=(f); }
                            fieldset {
                                legend { "Show" }
                                @for kind in Kind::ALL {
                                    label {
                                        input type="checkbox" name="types" value=(kind.param()) checked[kinds.contains(&kind)];
                                        " " (kind.label())
                                    }
                                }
                                button type="submit" { "Apply" }
                            }
                        }
                        (facets(found, ask, &base))
                    }
                    section aria-labelledby="results-heading" {
                        h2 #results-heading {
                            @if total == 0 {
                                "No results"
                            } @else {
                                (format!("{} to {} of {} results", (page - 1) * PER_PAGE + 1, (page - 1) * PER_PAGE + found.items.len(), total))
                            }
                        }
                        @if !ask.fq.is_empty() {
                            p.muted {
                                "Filtered by "
                                @for (i, f) in ask.fq.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    code { (f) } " "
                                    a href=(ask.toggle_fq(f).href(&base, 1)) aria-label={ "Remove the filter " (f) } { "(remove)" }
                                }
                            }
                        }
                        ul.results {
                            @for item in &found.items {
                                li { (render_item(item)) }
                            }
                        }
                        @if pages > 1 {
                            nav.pager aria-label="Pages" {
                                @if page > 1 {
                                    a rel="prev" href=(ask.href(&base, page - 1)) { "Previous" }
                                }
                                span { "Page " (page) " of " (pages) }
                                @if page < pages {
                                    a rel="next" href=(ask.href(&base, page + 1)) { "Next" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page(&c.name, &chrome, main)
}

fn text<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The statuses worth a badge (all but `Published`).
fn badges(item: &Value) -> Vec<&str> {
    item.get("publicationStatuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|s| *s != document::PUBLISHED)
                .collect()
        })
        .unwrap_or_default()
}

fn render_item(item: &Value) -> Markup {
    let draft = badges(item).contains(&document::DRAFT);
    let date = layout::date_part(text(item, "published_at")).to_string();
    html! {
        @match text(item, "type") {
            "dataverse" => {
                div.kind { "Collection" }
                a.title href=(collection_href(text(item, "identifier"), false)) { (text(item, "name")) }
            }
            "dataset" => {
                @let pid = text(item, "global_id");
                @let href = match (draft, item.get("majorVersion").and_then(Value::as_i64), item.get("minorVersion").and_then(Value::as_i64)) {
                    (true, _, _) => format!("{}&version=DRAFT", dataset_href(pid)),
                    (false, Some(a), Some(b)) => format!("{}&version={a}.{b}", dataset_href(pid)),
                    _ => dataset_href(pid),
                };
                div.kind { "Dataset" }
                a.title href=(href) { (text(item, "name")) }
            }
            "file" => {
                @let href = format!("/file.xhtml?fileId={}{}", layout::query_value(text(item, "file_id")), if draft { "&version=DRAFT" } else { "" });
                div.kind { "File" }
                a.title href=(href) { (text(item, "name")) }
            }
            other => {
                div.kind { (other) }
                span.title { (text(item, "name")) }
            }
        }
        @for b in badges(item) { " " span.badge { (b) } }
        @match text(item, "type") {
            "dataverse" => {
                @if let Some(p) = item.get("parentDataverseName").and_then(Value::as_str) {
                    div.muted { "In " (p) }
                }
            }
            "dataset" => {
                @if let Some(a) = item.get("authors").and_then(Value::as_array).filter(|a| !a.is_empty()) {
                    div { (a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")) }
                }
                div.muted {
                    @if !date.is_empty() { "Published " (date) " · " }
                    @match (item.get("majorVersion").and_then(Value::as_i64), item.get("minorVersion").and_then(Value::as_i64)) {
                        (Some(a), Some(b)) => { "Version " (a) "." (b) }
                        _ => { "Version " (text(item, "versionState")) }
                    }
                    " · " span.mono { (text(item, "global_id")) }
                }
            }
            "file" => {
                div.muted {
                    (text(item, "file_type"))
                    @if let Some(n) = item.get("size_in_bytes").and_then(Value::as_i64) { " · " (human_size(n)) }
                    @if let Some(c) = item.get("checksum") {
                        " · " span.mono { (c.get("type").and_then(Value::as_str).unwrap_or("")) ": " (c.get("value").and_then(Value::as_str).unwrap_or("")) }
                    }
                    @if item.get("restricted").and_then(Value::as_bool) == Some(true) { " · Restricted" }
                }
                div { "In " a href=(dataset_href(text(item, "dataset_persistent_id"))) { (text(item, "dataset_name")) } }
            }
            _ => {}
        }
        @if let Some(d) = item.get("description").and_then(Value::as_str).filter(|d| !d.is_empty()) {
            div { (rich(d)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn asks_parse_and_link_back() {
        let a = Ask::parse(&pairs(&[
            ("q", " finch "),
            ("types", "datasets"),
            ("page", "2"),
        ]));
        assert_eq!(a.q, "finch");
        assert_eq!(a.types, vec![Kind::Dataset]);
        assert_eq!(a.href("/", 3), "/?q=finch&types=datasets&page=3");
        let a = Ask::parse(&pairs(&[
            ("types", "datasets"),
            ("types", "dataverses:bogus"),
            ("page", "x"),
        ]));
        assert_eq!(a.types, vec![Kind::Dataset, Kind::Collection]);
        assert_eq!(a.page, 1);
        assert_eq!(
            a.href("/dataverse/x", 1),
            "/dataverse/x?types=datasets:dataverses"
        );
    }

    #[test]
    fn default_types_follow_the_mode_and_facets_toggle() {
        let browse = Ask::parse(&[]);
        assert_eq!(browse.kinds(), vec![Kind::Collection, Kind::Dataset]);
        assert_eq!(browse.href("/", 1), "/");
        let search = Ask::parse(&pairs(&[("q", "beak"), ("page", "3")]));
        assert_eq!(search.kinds(), Kind::ALL.to_vec());
        let fq = facet_fq("authorName_ss", "Finch, \"F\"");
        assert_eq!(fq, "authorName_ss:\"Finch, \\\"F\\\"\"");
        let on = search.toggle_fq(&fq);
        assert_eq!(on.page, 1);
        assert_eq!(on.fq, vec![fq.clone()]);
        assert!(
            on.href("/", 1)
                .starts_with("/?q=beak&fq=authorName_ss:%22Finch")
        );
        assert!(on.toggle_fq(&fq).fq.is_empty());
    }
}
