//! Crawl titles from search ([`TitleSource`]): the same titles as version reads, in fewer
//! requests, and a fallback to version reads where search is missing or broken.
//!
//! The search answers here are scripted (cards shaped like the real fixture's dataset
//! card, built from what the embedded server holds) so that the cases a real index
//! produces rarely (a dataset missing from it, a broken search service, a page cap) are
//! covered whatever the embedded server's own search does.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, TitleSource};
use dataverse_client::models::datasets::DatasetField;
use dataverse_client::models::metadata::EditMetadataBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};
use serde_json::{Value, json};

const SPEC: &str = "collections=12,datasets=60,depth=3,seed=5";

/// What the scripted `/api/search` answers.
#[derive(Default)]
struct Script {
    /// Cards every caller sees, in result order.
    cards: Vec<Value>,
    /// Cards only a caller with a token sees (drafts), each inserted at its position.
    signed_in_cards: Vec<(usize, Value)>,
    /// Items per page at most, whatever `per_page` asks (0: as asked).
    page_cap: usize,
    /// Answer every search with this status instead.
    fail_with: Option<u16>,
    /// Answer 500 to the pages from this offset on.
    fail_from: Option<usize>,
    /// The query pairs of every search request received.
    requests: Vec<Vec<(String, String)>>,
}

type Shared = Arc<Mutex<Script>>;

/// The real fixture's dataset card, renamed to one of the server's datasets.
fn card(id: u64, pid: &str, title: &str, version: Option<&str>) -> Value {
    let raw = fixture_json("doc-examples/search-basic.response.json");
    let mut card = raw["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "dataset")
        .unwrap()
        .clone();
    card["name"] = json!(title);
    card["entity_id"] = json!(id);
    card["global_id"] = json!(pid);
    match version {
        Some(v) => {
            let (major, minor) = v.split_once('.').unwrap();
            card["versionState"] = json!("RELEASED");
            card["majorVersion"] = json!(major.parse::<u64>().unwrap());
            card["minorVersion"] = json!(minor.parse::<u64>().unwrap());
            card["publicationStatuses"] = json!(["Published"]);
        }
        None => {
            let card = card.as_object_mut().unwrap();
            card.remove("majorVersion");
            card.remove("minorVersion");
            card.remove("published_at");
            card.insert("versionState".into(), json!("DRAFT"));
            card.insert("publicationStatuses".into(), json!(["Draft"]));
        }
    }
    card
}

async fn scripted_search(req: Request, script: Shared) -> Response {
    let query = req.uri().query().unwrap_or("").to_string();
    let pairs: Vec<(String, String)> = reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let signed_in = req.headers().contains_key("x-dataverse-key");
    let mut s = script.lock().unwrap();
    s.requests.push(pairs.clone());
    if let Some(status) = s.fail_with {
        let body = json!({"status": "ERROR", "message": "Search is broken here"});
        return (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response();
    }
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let start: usize = get("start").map_or(0, |v| v.parse().unwrap());
    if s.fail_from.is_some_and(|from| start >= from) {
        let body = json!({"status": "ERROR", "message": "Solr went away"});
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
    }
    let mut per_page: usize = get("per_page").map_or(10, |v| v.parse().unwrap());
    if s.page_cap > 0 {
        per_page = per_page.min(s.page_cap);
    }
    let mut all = s.cards.clone();
    if signed_in {
        for (at, card) in &s.signed_in_cards {
            all.insert(*at, card.clone());
        }
    }
    let items: Vec<Value> = all.iter().skip(start).take(per_page).cloned().collect();
    let body = json!({"status": "OK", "data": {
        "q": get("q").unwrap_or_default(), "total_count": all.len(), "start": start,
        "spelling_alternatives": {}, "items": items, "count_in_response": items.len()}});
    axum::Json(body).into_response()
}

/// The generated tree with a scripted `/api/search` in front of it.
async fn server(script: Shared) -> TestServer {
    TestServer::start_with(
        |_| {},
        Some(SPEC),
        move |router| {
            router.layer(middleware::from_fn(move |req: Request, next: Next| {
                let script = script.clone();
                async move {
                    if req.uri().path() == "/api/search" {
                        return scripted_search(req, script).await;
                    }
                    next.run(req).await
                }
            }))
        },
    )
    .await
}

fn client(server: &TestServer, signed_in: bool) -> NativeApi {
    common::client(
        &server.base_url,
        signed_in.then_some(server.admin_token.as_str()),
    )
}

/// Dataset id -> (title, version) of a crawl.
fn titles(items: &[CrawlItem]) -> BTreeMap<u64, (Option<String>, Option<String>)> {
    items
        .iter()
        .filter_map(|i| match i {
            CrawlItem::Dataset(d) => Some((d.id, (d.title.clone(), d.version.clone()))),
            CrawlItem::Collection(_) => None,
        })
        .collect()
}

async fn crawl(api: &NativeApi, start: &str, source: TitleSource) -> dataverse_client::CrawlReport {
    api.crawl_collection_with(start, CrawlOptions::new().titles_from(source))
        .await
        .unwrap()
}

/// Cards for every dataset of `reference` (a crawl with version reads), published ones.
fn cards_of(reference: &[CrawlItem]) -> Vec<Value> {
    reference
        .iter()
        .filter_map(|i| match i {
            CrawlItem::Dataset(d) => Some(card(
                d.id,
                d.persistent_id.as_deref().unwrap(),
                d.title.as_deref().unwrap(),
                d.version.as_deref(),
            )),
            CrawlItem::Collection(_) => None,
        })
        .collect()
}

#[tokio::test]
async fn search_titles_agree_with_version_reads_for_guests_and_for_a_user_seeing_drafts() {
    let script = Shared::default();
    let server = server(script.clone()).await;
    let admin = client(&server, true);
    let guest = client(&server, false);

    // Two published datasets get a draft with a new title: the owner's `:latest` is the
    // draft, the guest's the published version.
    let published = crawl(&guest, ":root", TitleSource::Versions).await;
    let datasets: Vec<_> = published
        .items
        .iter()
        .filter_map(|i| match i {
            CrawlItem::Dataset(d) => Some(d.clone()),
            CrawlItem::Collection(_) => None,
        })
        .collect();
    assert_eq!(datasets.len(), 60);
    let drafted = [&datasets[3], &datasets[41]];
    let mut draft_cards = Vec::new();
    for d in drafted {
        let title = format!("Redrafted {}", d.id);
        let edit = EditMetadataBody::new([DatasetField::primitive("title", title.as_str())]);
        admin
            .edit_dataset_metadata(d.id, &edit, true)
            .await
            .unwrap();
        draft_cards.push(card(
            d.id,
            d.persistent_id.as_deref().unwrap(),
            &title,
            None,
        ));
    }
    {
        let mut s = script.lock().unwrap();
        s.cards = cards_of(&published.items);
        // The draft card of the first one comes before its published card (on another
        // page), the other one after it.
        s.signed_in_cards = vec![(0, draft_cards[0].clone()), (61, draft_cards[1].clone())];
        s.page_cap = 25;
    }

    for (who, api) in [("guest", &guest), ("owner", &admin)] {
        let by_versions = crawl(api, ":root", TitleSource::Versions).await;
        script.lock().unwrap().requests.clear();
        let by_search = crawl(api, ":root", TitleSource::Search).await;
        assert_eq!(
            titles(&by_search.items),
            titles(&by_versions.items),
            "{who}: same titles and versions"
        );
        let keys = |r: &dataverse_client::CrawlReport| {
            r.items
                .iter()
                .map(|i| (i.is_dataset(), i.id()))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&by_search), keys(&by_versions), "{who}: same items");
        let p = by_search.progress;
        let pages = 3; // 60 or 62 cards, 25 a page
        assert_eq!(p.search_requests, pages, "{who}");
        assert_eq!(p.titles_from_search, 60, "{who}");
        assert_eq!(p.titles_from_versions, 0, "{who}");
        assert_eq!(p.titles_fetched, 60, "{who}");
        assert_eq!(
            p.requests,
            13 + pages,
            "{who}: listings and search pages only"
        );
        assert!(by_search.search_unavailable.is_none());
        assert_eq!(by_versions.progress.requests, 13 + 60);
        // Every page asked the same query, starts stepping by the page the server gave.
        let requests = script.lock().unwrap().requests.clone();
        let mut starts: Vec<String> = requests
            .iter()
            .map(|r| {
                for key in ["q", "type", "per_page", "show_entity_ids"] {
                    assert!(r.iter().any(|(k, _)| k == key), "{key} in {r:?}");
                }
                assert!(r.contains(&("q".into(), "*".into())));
                assert!(r.contains(&("type".into(), "dataset".into())));
                assert!(r.contains(&("per_page".into(), "1000".into())));
                assert!(
                    !r.iter().any(|(k, _)| k == "subtree"),
                    "the root: no subtree"
                );
                r.iter().find(|(k, _)| k == "start").unwrap().1.clone()
            })
            .collect();
        starts.sort();
        assert_eq!(starts, ["0", "25", "50"], "{who}");
    }
    // The owner's crawl shows the drafts, the guest's the published titles.
    let owner = crawl(&admin, ":root", TitleSource::Auto).await;
    let owner_titles = titles(&owner.items);
    for d in drafted {
        assert_eq!(
            owner_titles[&d.id],
            (Some(format!("Redrafted {}", d.id)), Some("DRAFT".into()))
        );
    }
    let guest_titles = titles(&crawl(&guest, ":root", TitleSource::Auto).await.items);
    for d in drafted {
        assert_eq!(guest_titles[&d.id], (d.title.clone(), Some("1.0".into())));
    }
    server.stop().await;
}

#[tokio::test]
async fn datasets_search_did_not_return_are_read_from_versions() {
    let script = Shared::default();
    let server = server(script.clone()).await;
    let api = client(&server, false);
    let reference = crawl(&api, ":root", TitleSource::Versions).await;
    let mut cards = cards_of(&reference.items);
    // Seven datasets are missing from the index; one has a card without a title; one is a
    // deaccessioned card.
    let missing: Vec<Value> = cards.drain(10..17).collect();
    assert_eq!(missing.len(), 7);
    cards[0]["name"] = json!("");
    cards[1]["versionState"] = json!("DEACCESSIONED");
    cards[1]["publicationStatuses"] = json!(["Deaccessioned"]);
    script.lock().unwrap().cards = cards;

    let report = crawl(&api, ":root", TitleSource::Auto).await;
    assert_eq!(titles(&report.items), titles(&reference.items));
    let p = report.progress;
    assert_eq!(p.titles_from_search, 60 - 9);
    assert_eq!(p.titles_from_versions, 9);
    assert_eq!(p.search_requests, 1);
    assert_eq!(p.requests, 13 + 1 + 9);
    server.stop().await;
}

#[tokio::test]
async fn no_search_or_a_broken_one_falls_back_to_version_reads() {
    let script = Shared::default();
    let server = server(script.clone()).await;
    let api = client(&server, false);
    let reference = crawl(&api, ":root", TitleSource::Versions).await;
    for status in [404, 400, 401, 500] {
        script.lock().unwrap().fail_with = Some(status);
        let auto = crawl(&api, ":root", TitleSource::Auto).await;
        assert_eq!(titles(&auto.items), titles(&reference.items), "{status}");
        assert_eq!(auto.progress.titles_from_versions, 60);
        assert_eq!(auto.progress.titles_from_search, 0);
        assert_eq!(auto.progress.errors, 0, "not an error of the crawl");
        assert!(auto.errors.is_empty());
        assert_eq!(
            auto.search_unavailable.as_ref().and_then(Error::status),
            Some(status)
        );
        // Search asked for explicitly: its failure is the crawl's.
        let err = api
            .crawl_collection_with(
                ":root",
                CrawlOptions::new().titles_from(TitleSource::Search),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Crawl { collection, .. } if collection == ":root"),
            "{err:?}"
        );
        assert_eq!(err.status(), Some(status));
        // ... unless failures are collected: then versions give the titles.
        let report = api
            .crawl_collection_with(
                ":root",
                CrawlOptions::new()
                    .titles_from(TitleSource::Search)
                    .continue_on_error(true),
            )
            .await
            .unwrap();
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].error.status(), Some(status));
        assert_eq!(titles(&report.items), titles(&reference.items));
    }
    // Without titles, or with version reads, search is never asked.
    script.lock().unwrap().requests.clear();
    let plain = api
        .crawl_collection_with(":root", CrawlOptions::new().fetch_titles(false))
        .await
        .unwrap();
    assert_eq!(plain.progress.search_requests, 0);
    let only_collections = api
        .crawl_collection(":root", CrawlFilter::Collections)
        .await
        .unwrap();
    assert!(only_collections.iter().all(|i| !i.is_dataset()));
    crawl(&api, ":root", TitleSource::Versions).await;
    assert!(script.lock().unwrap().requests.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_subtree_is_searched_by_its_alias_also_when_started_by_id() {
    let script = Shared::default();
    let server = server(script.clone()).await;
    let api = client(&server, false);
    let full = crawl(&api, ":root", TitleSource::Versions).await;
    script.lock().unwrap().cards = cards_of(&full.items);
    // A top-level collection with datasets below it.
    let top = full
        .items
        .iter()
        .find(|i| {
            !i.is_dataset()
                && i.depth() == 1
                && full
                    .items
                    .iter()
                    .any(|d| d.is_dataset() && d.parent_id() == Some(i.id()))
        })
        .unwrap()
        .id();
    let alias = api.get_collection(top).await.unwrap().alias.unwrap();
    for start in [alias.clone(), top.to_string()] {
        script.lock().unwrap().requests.clear();
        let by_versions = crawl(&api, &start, TitleSource::Versions).await;
        let by_search = crawl(&api, &start, TitleSource::Auto).await;
        assert_eq!(titles(&by_search.items), titles(&by_versions.items));
        assert!(!titles(&by_search.items).is_empty());
        assert_eq!(by_search.progress.titles_from_versions, 0);
        let lookups = usize::from(start != alias);
        assert_eq!(by_search.progress.search_requests, 1 + lookups, "{start}");
        let requests = script.lock().unwrap().requests.clone();
        assert_eq!(requests.len(), 1);
        assert!(
            requests[0].contains(&("subtree".into(), alias.clone())),
            "{:?}",
            requests[0]
        );
    }
    server.stop().await;
}

/// A builtin user's token (`POST /api/builtin-users`).
async fn create_user(server: &TestServer, name: &str) -> String {
    let body = json!({
        "firstName": name, "lastName": "Tester", "userName": name,
        "email": format!("{name}@example.edu")
    });
    let v = common::post_json(
        &server.base_url,
        "/api/builtin-users?password=p4ssw0rd!&key=burrito",
        &body,
    )
    .await;
    v["data"]["apiToken"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_embedded_search_gives_the_titles_of_version_reads_to_everyone() {
    use dataverse_client::models::collections::CollectionCreateBody;
    use dataverse_client::models::metadata::DatasetCreateBody;

    let server = TestServer::start_generated("collections=6,datasets=30,depth=2,seed=9").await;
    let admin = client(&server, true);
    let finch = || -> DatasetCreateBody {
        serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
    };
    // An unpublished collection with a draft dataset in it.
    let hidden = CollectionCreateBody::new("Hidden Lab", "hidden-lab", "h@example.edu");
    admin.create_collection(":root", &hidden).await.unwrap();
    admin
        .create_dataset("hidden-lab", &finch(), None, false)
        .await
        .unwrap();
    // A draft dataset in a published collection, and a published dataset with a new draft.
    let before = crawl(&admin, ":root", TitleSource::Versions).await;
    let (top, some) = before
        .items
        .iter()
        .find_map(|i| match i {
            CrawlItem::Dataset(d) if d.depth == 2 => Some((d.parent_id.unwrap(), d.clone())),
            _ => None,
        })
        .unwrap();
    admin
        .create_dataset(top, &finch(), None, false)
        .await
        .unwrap();
    let edit = EditMetadataBody::new([DatasetField::primitive("title", "A retitled draft")]);
    admin
        .edit_dataset_metadata(some.id, &edit, true)
        .await
        .unwrap();

    let other = common::client(
        &server.base_url,
        Some(create_user(&server, "olga").await.as_str()),
    );
    let guest = client(&server, false);
    for (who, api, datasets) in [
        ("owner", &admin, 32),
        ("other user", &other, 30),
        ("guest", &guest, 30),
    ] {
        let by_versions = crawl(api, ":root", TitleSource::Versions).await;
        let by_search = crawl(api, ":root", TitleSource::Auto).await;
        assert!(by_search.search_unavailable.is_none(), "{who}");
        assert_eq!(
            titles(&by_search.items),
            titles(&by_versions.items),
            "{who}"
        );
        assert_eq!(titles(&by_search.items).len(), datasets, "{who}");
        let p = by_search.progress;
        assert_eq!(
            p.titles_from_search, datasets,
            "{who}: all from one search page"
        );
        assert_eq!(p.titles_from_versions, 0, "{who}");
        assert_eq!(p.search_requests, 1, "{who}");
        let retitled = &titles(&by_search.items)[&some.id];
        if who == "owner" {
            assert_eq!(
                retitled,
                &(Some("A retitled draft".into()), Some("DRAFT".into()))
            );
        } else {
            assert_eq!(retitled, &(some.title.clone(), Some("1.0".into())), "{who}");
        }
    }
    // A subtree by id: searched by its alias, the same titles.
    let by_versions = crawl(&admin, &top.to_string(), TitleSource::Versions).await;
    let by_search = crawl(&admin, &top.to_string(), TitleSource::Search).await;
    assert_eq!(titles(&by_search.items), titles(&by_versions.items));
    assert_eq!(by_search.progress.titles_from_versions, 0);
    assert_eq!(
        by_search.progress.search_requests, 2,
        "alias lookup and one page"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_page_failing_midway_keeps_the_titles_found_and_reads_the_rest() {
    let script = Shared::default();
    let server = server(script.clone()).await;
    let api = client(&server, false);
    let reference = crawl(&api, ":root", TitleSource::Versions).await;
    {
        let mut s = script.lock().unwrap();
        s.cards = cards_of(&reference.items);
        s.page_cap = 20;
        s.fail_from = Some(40);
    }
    let report = crawl(&api, ":root", TitleSource::Auto).await;
    assert_eq!(titles(&report.items), titles(&reference.items));
    let p = report.progress;
    assert_eq!(p.search_requests, 3, "pages at 0, 20 and 40");
    assert_eq!(p.titles_from_search, 40);
    assert_eq!(p.titles_from_versions, 20);
    assert_eq!(
        report.search_unavailable.as_ref().and_then(Error::status),
        Some(500)
    );
    server.stop().await;
}
