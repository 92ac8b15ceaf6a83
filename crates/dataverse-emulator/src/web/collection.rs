//! The collection page (`/` for the root, `/dataverse/{alias}`): name, affiliation,
//! description, contacts, and its sub-collections and datasets (title, authors, publication
//! date, version), ten to a page, with a search box scoped to the collection, type filters
//! and the counts per type.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use rusqlite::Connection;

use super::error::PageError;
use super::layout::{self, Chrome, collection_href, dataset_href, rich};
use super::session::Viewer;
use crate::auth::Caller;
use crate::export::Citation;
use crate::model::VersionState;
use crate::routes::common::guards::{can_see_draft, collection_visible, find_collection};
use crate::store::collections::{self, CollectionRow};
use crate::store::datasets::{self, VersionSpec};
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
}

impl Kind {
    /// The search type name (`types=dataverses:datasets`).
    fn param(self) -> &'static str {
        match self {
            Kind::Collection => "dataverses",
            Kind::Dataset => "datasets",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Collection => "Collections",
            Kind::Dataset => "Datasets",
        }
    }

    const ALL: [Kind; 2] = [Kind::Collection, Kind::Dataset];
}

/// The page's query: `q`, `types` (repeated or `:`-joined) and `page` (from 1).
#[derive(Debug, Clone)]
pub(crate) struct Ask {
    q: String,
    types: Vec<Kind>,
    page: usize,
}

impl Ask {
    fn parse(pairs: &[(String, String)]) -> Ask {
        let mut ask = Ask {
            q: String::new(),
            types: Vec::new(),
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
                "page" => ask.page = v.trim().parse::<usize>().unwrap_or(1).max(1),
                _ => {}
            }
        }
        if ask.types.is_empty() {
            ask.types = Kind::ALL.to_vec();
        }
        ask
    }

    fn wants(&self, kind: Kind) -> bool {
        self.types.contains(&kind)
    }

    /// The query string of this ask on another page.
    fn href(&self, base: &str, page: usize) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", layout::query_value(&self.q)));
        }
        if self.types.len() != Kind::ALL.len() {
            let t: Vec<&str> = self.types.iter().map(|k| k.param()).collect();
            parts.push(format!("types={}", t.join(":")));
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
}

/// A sub-collection as listed.
#[derive(Debug, Clone)]
struct ChildCard {
    alias: String,
    name: String,
    affiliation: Option<String>,
    description: Option<String>,
    released: bool,
}

/// A dataset as listed: its newest version this viewer may see.
#[derive(Debug, Clone)]
struct DatasetCard {
    pid: String,
    title: String,
    authors: Vec<String>,
    published: Option<String>,
    version: String,
    state: VersionState,
}

/// Everything the page shows, read in one go.
#[derive(Debug)]
struct CollectionView {
    brand: String,
    collection: CollectionRow,
    /// Owners from the root down to the parent.
    trail: Vec<CollectionRow>,
    children: Vec<ChildCard>,
    datasets: Vec<DatasetCard>,
}

/// The version label Dataverse shows: `1.0`, or `DRAFT`.
pub(crate) fn version_label(v: &datasets::VersionRow) -> String {
    match v.version_number {
        Some(major) => format!("{major}.{}", v.minor_version_number.unwrap_or(0)),
        None => "DRAFT".to_string(),
    }
}

/// The datasets of a collection as this caller may see them.
fn dataset_cards(
    conn: &Connection,
    caller: &Caller,
    owner: i64,
) -> Result<Vec<DatasetCard>, Error> {
    let mut out = Vec::new();
    for ds in datasets::in_collection(conn, owner)? {
        let all = datasets::versions(conn, ds.id)?;
        let has_draft = all.iter().any(|v| v.state == VersionState::Draft);
        let draft_ok = has_draft && can_see_draft(conn, caller, ds.id)?;
        let Some(v) = datasets::select(&all, &VersionSpec::Latest, draft_ok, false) else {
            continue;
        };
        let blocks: serde_json::Value = serde_json::from_str(&v.metadata_blocks)?;
        let citation = Citation::from_blocks(&blocks);
        out.push(DatasetCard {
            pid: ds.pid(),
            title: citation.title,
            authors: citation.authors.into_iter().map(|a| a.name).collect(),
            published: ds
                .publication_date
                .as_deref()
                .map(|d| layout::date_part(d).to_string()),
            version: version_label(v),
            state: v.state,
        });
    }
    Ok(out)
}

fn load(
    conn: &Connection,
    caller: &Caller,
    alias: Option<&str>,
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
    let mut children = Vec::new();
    for c in collections::children(conn, collection.id)? {
        if collection_visible(conn, caller, &c)? {
            children.push(ChildCard {
                alias: c.alias,
                name: c.name,
                affiliation: c.affiliation,
                description: c.description,
                released: c.is_released,
            });
        }
    }
    let datasets = dataset_cards(conn, caller, collection.id)?;
    Ok(CollectionView {
        brand: collections::publisher(conn)?,
        collection,
        trail,
        children,
        datasets,
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
    let view = em
        .store()
        .read(move |conn| load(conn, &caller, alias.as_deref()))
        .await?;
    let here = uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    Ok(layout::respond(
        StatusCode::OK,
        render(&view, &ask, &viewer, &here),
    ))
}

/// One result of the listing.
enum Item<'a> {
    Child(&'a ChildCard),
    Dataset(&'a DatasetCard),
}

fn matches(q: &str, text: &str) -> bool {
    q.is_empty() || text.to_lowercase().contains(&q.to_lowercase())
}

fn render(view: &CollectionView, ask: &Ask, viewer: &Viewer, here: &str) -> Markup {
    let c = &view.collection;
    let is_root = c.owner_id.is_none();
    let base = collection_href(&c.alias, is_root);
    // The title filter (the Search API's query language comes with the search index).
    let children: Vec<&ChildCard> = view
        .children
        .iter()
        .filter(|ch| matches(&ask.q, &ch.name))
        .collect();
    let datasets: Vec<&DatasetCard> = view
        .datasets
        .iter()
        .filter(|d| matches(&ask.q, &d.title))
        .collect();
    let mut items: Vec<Item<'_>> = Vec::new();
    if ask.wants(Kind::Collection) {
        items.extend(children.iter().map(|c| Item::Child(c)));
    }
    if ask.wants(Kind::Dataset) {
        items.extend(datasets.iter().map(|d| Item::Dataset(d)));
    }
    let total = items.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = ask.page.min(pages);
    let shown: Vec<&Item<'_>> = items
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let counts = [
        (Kind::Collection, children.len()),
        (Kind::Dataset, datasets.len()),
    ];
    let chrome = Chrome {
        brand: &view.brand,
        viewer,
        here,
    };
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
                input #q type="search" name="q" value=(ask.q) placeholder="Search by title";
            }
            fieldset {
                legend { "Show" }
                @for kind in Kind::ALL {
                    label {
                        input type="checkbox" name="types" value=(kind.param()) checked[ask.wants(kind)];
                        " " (kind.label())
                    }
                }
            }
            button type="submit" { "Search" }
        }
        div.layout {
            aside.facets aria-label="Filter results" {
                h2 { "Type" }
                ul {
                    @for (kind, n) in counts {
                        li {
                            @if ask.types == [kind] {
                                strong { (kind.label()) " (" (n) ")" }
                            } @else {
                                a href=(Ask { types: vec![kind], ..ask.clone() }.href(&base, 1)) {
                                    (kind.label()) " (" (n) ")"
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="results-heading" {
                h2 #results-heading {
                    @if total == 0 {
                        "No results"
                    } @else {
                        (format!("{} to {} of {} results", (page - 1) * PER_PAGE + 1, (page - 1) * PER_PAGE + shown.len(), total))
                    }
                }
                ul.results {
                    @for item in &shown {
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
    };
    layout::page(&c.name, &chrome, main)
}

fn render_item(item: &Item<'_>) -> Markup {
    match item {
        Item::Child(ch) => html! {
            div.kind { "Collection" }
            a.title href=(collection_href(&ch.alias, false)) { (ch.name) }
            @if !ch.released { " " span.badge { "Unpublished" } }
            @if let Some(a) = ch.affiliation.as_deref().filter(|a| !a.is_empty()) {
                div.muted { (a) }
            }
            @if let Some(d) = ch.description.as_deref().filter(|d| !d.is_empty()) {
                div { (rich(d)) }
            }
        },
        Item::Dataset(d) => html! {
            div.kind { "Dataset" }
            a.title href=(dataset_href(&d.pid)) { (d.title) }
            @match d.state {
                VersionState::Draft => { " " span.badge { "Draft" } }
                VersionState::Deaccessioned => { " " span.badge { "Deaccessioned" } }
                _ => {}
            }
            @if !d.authors.is_empty() {
                div { (d.authors.join("; ")) }
            }
            div.muted {
                @if let Some(p) = &d.published { "Published " (p) " · " }
                "Version " (d.version)
                " · " span.mono { (d.pid) }
            }
        },
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
        assert_eq!(a.href("/dataverse/x", 1), "/dataverse/x");
    }
}
