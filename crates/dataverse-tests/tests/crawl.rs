//! `crawl_collection` on generated trees: exact results, filters, order, errors, cancellation.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use common::Hits;
use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, TitleSource};
use dataverse_client::models::collections::ContentItem;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::TestServer;
use futures_util::StreamExt;

const SPEC: &str = "collections=30,datasets=120,depth=4,seed=11";

/// The tree as a plain sequential walk sees it: (collection ids, dataset ids).
async fn naive_walk(api: &NativeApi) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let mut collections = BTreeSet::new();
    let mut datasets = BTreeSet::new();
    let mut todo = vec![":root".to_string()];
    while let Some(c) = todo.pop() {
        for item in api.get_collection_contents(c.as_str()).await.unwrap() {
            match item {
                ContentItem::Collection(sub) => {
                    if collections.insert(sub.id) {
                        todo.push(sub.id.to_string());
                    }
                }
                ContentItem::Dataset(d) => {
                    datasets.insert(d.id.unwrap());
                }
                ContentItem::Other(_) => {}
            }
        }
    }
    (collections, datasets)
}

fn ids(items: &[CrawlItem], datasets: bool) -> BTreeSet<u64> {
    items
        .iter()
        .filter(|i| i.is_dataset() == datasets)
        .map(CrawlItem::id)
        .collect()
}

/// Depth-first pre-order: every item's parent is the nearest earlier collection one level up.
fn assert_preorder(items: &[CrawlItem]) {
    let mut stack: Vec<u64> = Vec::new();
    for item in items {
        let depth = item.depth();
        assert!(
            depth >= 1 && depth <= stack.len() + 1,
            "depth jumps at {}",
            item.id()
        );
        stack.truncate(depth - 1);
        assert_eq!(
            item.parent_id(),
            stack
                .last()
                .copied()
                .or(item.parent_id().filter(|_| depth == 1)),
            "parent of {}",
            item.id()
        );
        if let CrawlItem::Collection(c) = item {
            stack.push(c.id);
        }
    }
}

#[tokio::test]
async fn crawl_finds_exactly_the_tree() {
    let server = TestServer::start_generated(SPEC).await;
    let api = server.anonymous();
    let (collections, datasets) = naive_walk(&api).await;
    assert_eq!(collections.len(), 30);
    assert_eq!(datasets.len(), 120);

    let items = api
        .crawl_collection(":root", CrawlFilter::All)
        .await
        .unwrap();
    assert_eq!(items.len(), 150, "no duplicates, nothing missing");
    assert_eq!(ids(&items, false), collections);
    assert_eq!(ids(&items, true), datasets);
    let unique: HashSet<(bool, u64)> = items.iter().map(|i| (i.is_dataset(), i.id())).collect();
    assert_eq!(unique.len(), items.len());
    assert_preorder(&items);
    for item in &items {
        if let CrawlItem::Dataset(d) = item {
            assert!(
                d.title.as_deref().is_some_and(|t| !t.is_empty()),
                "dataset {} has a title",
                d.id
            );
            assert_eq!(d.version.as_deref(), Some("1.0"));
            assert!(
                d.persistent_id
                    .as_deref()
                    .is_some_and(|p| p.starts_with("doi:10.5072/FK2/"))
            );
        }
    }

    let only_collections = api
        .crawl_collection(":root", CrawlFilter::Collections)
        .await
        .unwrap();
    assert!(only_collections.iter().all(|i| !i.is_dataset()));
    assert_eq!(ids(&only_collections, false), collections);
    let only_datasets = api
        .crawl_collection("root", CrawlFilter::Datasets)
        .await
        .unwrap();
    assert!(only_datasets.iter().all(CrawlItem::is_dataset));
    assert_eq!(ids(&only_datasets, true), datasets);
    server.stop().await;
}

#[tokio::test]
async fn titles_match_the_version_reads_and_can_be_skipped() {
    let server = TestServer::start_generated(SPEC).await;
    let api = server.anonymous();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let r = requests.clone();
    let report = api
        .crawl_collection_with(
            ":root",
            CrawlOptions::new()
                .filter_by(CrawlFilter::Datasets)
                .fetch_titles(false)
                .on_progress(move |p| {
                    r.lock().unwrap().push(*p);
                }),
        )
        .await
        .unwrap();
    assert_eq!(report.items.len(), 120);
    assert!(report.items.iter().all(|i| i.title().is_none()));
    // Without titles: one request per collection (30 and the root).
    assert_eq!(report.progress.requests, 31);
    assert_eq!(report.progress.collections_visited, 31);
    assert_eq!(report.progress.datasets_found, 120);
    let seen = requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 31, "one progress report per request");
    assert!(seen.windows(2).all(|w| w[0].requests < w[1].requests));

    let with_titles = api
        .crawl_collection_with(
            ":root",
            CrawlOptions::new().titles_from(TitleSource::Versions),
        )
        .await
        .unwrap();
    assert_eq!(with_titles.progress.requests, 31 + 120);
    assert_eq!(with_titles.progress.titles_fetched, 120);
    assert_eq!(with_titles.progress.titles_from_versions, 120);
    assert_eq!(with_titles.progress.search_requests, 0);
    // A sample of titles equals the dataset's own citation title.
    let sample: Vec<_> = with_titles
        .items
        .iter()
        .filter(|i| i.is_dataset())
        .step_by(17)
        .collect();
    for item in sample {
        let CrawlItem::Dataset(d) = item else {
            unreachable!()
        };
        let pid = d.persistent_id.clone().unwrap();
        let url = format!(
            "{}/api/datasets/:persistentId/versions/:latest?persistentId={pid}",
            server.base_url
        );
        let body = raw_get(&url).await;
        let title = body["data"]["metadataBlocks"]["citation"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["typeName"] == "title")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(d.title.as_deref(), Some(title.as_str()));
    }
    server.stop().await;
}

async fn raw_get(url: &str) -> serde_json::Value {
    // A tiny HTTP/1.1 GET, independent of the client under test.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut sock = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    sock.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    // The emulator answers with Content-Length (no chunking) for JSON.
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn order_is_deterministic_whatever_the_response_timing() {
    let plain = TestServer::start_generated(SPEC).await;
    let sequential = NativeApi::builder(&plain.base_url)
        .max_concurrency(1)
        .build()
        .unwrap();
    let reference: Vec<(bool, u64)> = sequential
        .crawl_collection(":root", CrawlFilter::All)
        .await
        .unwrap()
        .iter()
        .map(|i| (i.is_dataset(), i.id()))
        .collect();
    plain.stop().await;

    // Same tree, every response delayed by a random 0-8 ms.
    let jittery = TestServer::start_with(
        |_| {},
        Some(SPEC),
        |router| {
            router.layer(middleware::from_fn(|req: Request, next: Next| async move {
                tokio::time::sleep(Duration::from_millis(fastrand::u64(0..9))).await;
                next.run(req).await
            }))
        },
    )
    .await;
    for concurrency in [4, 32] {
        let api = NativeApi::builder(&jittery.base_url)
            .max_concurrency(concurrency)
            .build()
            .unwrap();
        let got: Vec<(bool, u64)> = api
            .crawl_collection(":root", CrawlFilter::All)
            .await
            .unwrap()
            .iter()
            .map(|i| (i.is_dataset(), i.id()))
            .collect();
        assert_eq!(got, reference, "concurrency {concurrency}");
    }
    jittery.stop().await;
}

#[tokio::test]
async fn the_stream_yields_the_same_items() {
    let server = TestServer::start_generated(SPEC).await;
    let api = server.anonymous();
    let listed = api
        .crawl_collection(":root", CrawlFilter::All)
        .await
        .unwrap();
    let mut stream = api
        .crawl_collection_stream(":root", CrawlOptions::new())
        .unwrap();
    let mut streamed = Vec::new();
    while let Some(item) = stream.next().await {
        streamed.push(item.unwrap());
    }
    let key = |i: &CrawlItem| (i.is_dataset(), i.id());
    let a: BTreeSet<_> = listed.iter().map(key).collect();
    let b: BTreeSet<_> = streamed.iter().map(key).collect();
    assert_eq!(streamed.len(), listed.len());
    assert_eq!(a, b);
    server.stop().await;
}

/// A server whose contents listing of one collection always fails with 500.
async fn failing_server(victim: Arc<Mutex<Option<u64>>>) -> TestServer {
    TestServer::start_with(
        |_| {},
        Some(SPEC),
        move |router| {
            router.layer(middleware::from_fn(move |req: Request, next: Next| {
                let victim = victim.clone();
                async move {
                    let target = victim.lock().unwrap().map(|v| format!("/api/dataverses/{v}/contents"));
                    if target.as_deref() == Some(req.uri().path()) {
                        return (
                            StatusCode::INTERNAL_SERVER_ERROR,
                            axum::Json(serde_json::json!({"status":"ERROR","code":500,"message":"Internal server error","incidentId":"x"})),
                        )
                            .into_response();
                    }
                    let r: Response = next.run(req).await;
                    r
                }
            }))
        },
    )
    .await
}

#[tokio::test]
async fn a_failing_subtree_fails_the_crawl_naming_the_collection_unless_errors_are_collected() {
    let victim = Arc::new(Mutex::new(None));
    let server = failing_server(victim.clone()).await;
    let api = common::client(&server.base_url, None);
    let full = api
        .crawl_collection(":root", CrawlFilter::All)
        .await
        .unwrap();
    // Pick a collection at depth 2 that has children or datasets below it.
    let chosen = full
        .iter()
        .filter_map(|i| match i {
            CrawlItem::Collection(c) if c.depth == 2 => Some(c.id),
            _ => None,
        })
        .find(|id| full.iter().any(|i| i.parent_id() == Some(*id)))
        .expect("a depth-2 collection with contents");
    *victim.lock().unwrap() = Some(chosen);

    match api
        .crawl_collection(":root", CrawlFilter::All)
        .await
        .unwrap_err()
    {
        Error::Crawl { collection, source } => {
            assert_eq!(collection, chosen.to_string());
            assert_eq!(source.status(), Some(500));
        }
        other => panic!("{other:?}"),
    }

    let report = api
        .crawl_collection_with(":root", CrawlOptions::new().continue_on_error(true))
        .await
        .unwrap();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].collection, chosen.to_string());
    // Everything outside the failed subtree is there; the chosen collection itself too.
    assert!(
        report
            .items
            .iter()
            .any(|i| i.id() == chosen && !i.is_dataset())
    );
    assert!(report.items.iter().all(|i| i.parent_id() != Some(chosen)));
    assert!(report.items.len() < full.len());
    server.stop().await;
}

#[tokio::test]
async fn dropping_the_crawl_stops_all_requests() {
    let hits = Hits::default();
    let h = hits.clone();
    let server = TestServer::start_with(
        |c| c.latency = Duration::from_millis(100),
        Some(SPEC),
        move |router| {
            router.layer(middleware::from_fn(move |req: Request, next: Next| {
                let h = h.clone();
                async move {
                    h.hit();
                    next.run(req).await
                }
            }))
        },
    )
    .await;
    let api = NativeApi::builder(&server.base_url)
        .max_concurrency(4)
        .build()
        .unwrap();
    let crawl = api.crawl_collection(":root", CrawlFilter::All);
    assert!(
        tokio::time::timeout(Duration::from_millis(350), crawl)
            .await
            .is_err(),
        "the crawl takes longer"
    );
    // Requests written just before the drop may still arrive; new ones would need a finished one (100 ms).
    tokio::time::sleep(Duration::from_millis(30)).await;
    let at_drop = hits.get();
    assert!(at_drop > 0 && at_drop < 151, "{at_drop}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(hits.get(), at_drop, "no request started after the drop");

    let mut stream = api
        .crawl_collection_stream(":root", CrawlOptions::new())
        .unwrap();
    let _first = stream.next().await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let at_drop = hits.get();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        hits.get(),
        at_drop,
        "no request started after the stream was dropped"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_missing_start_is_not_found() {
    let server = TestServer::start().await;
    let err = server
        .anonymous()
        .crawl_collection("no-such-alias", CrawlFilter::All)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Crawl { collection, .. } if collection == "no-such-alias"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(404));
    assert!(matches!(
        server
            .anonymous()
            .crawl_collection("bad alias!", CrawlFilter::All)
            .await,
        Err(Error::InvalidArgument(_))
    ));
    server.stop().await;
}
