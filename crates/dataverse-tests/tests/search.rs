//! The Search API in the library: every real search fixture decodes, requests carry every
//! parameter, items of older servers decode, and the stream pages, caps, deduplicates and
//! fails as documented, against scripted servers (the embedded server's own search is
//! tested in `search_server.rs`).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{Hits, client, serve};
use dataverse_client::models::datasets::VersionState;
use dataverse_client::models::search::{PublicationStatus, SearchItem, SearchPage};
use dataverse_client::{Error, SearchQuery};
use dataverse_tests::{fixture_json, fixtures_dir};
use futures_util::StreamExt;
use serde_json::{Value, json};

/// The search fixtures of the shared folder, all of which must be there.
const FIXTURES: [&str; 5] = [
    "search-basic.response.json",
    "search-fq-published-only.response.json",
    "search-metadata_fields-citation-all.response.json",
    "search-metadata_fields-specific.response.json",
    "search-subtree-relevance-facets.response.json",
];

fn fixture_data(name: &str) -> Value {
    let raw = fixture_json(&format!("doc-examples/{name}"));
    assert_eq!(raw["status"], "OK", "{name}");
    raw["data"].clone()
}

/// Decode a page and check nothing was unknown and it serializes back to what was sent.
fn decode_exactly(name: &str, data: &Value) -> SearchPage {
    let page: SearchPage =
        serde_json::from_value(data.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(page.extra.is_empty(), "{name}: {:?}", page.extra.keys());
    for (i, item) in page.items.iter().enumerate() {
        let extra = match item {
            SearchItem::Collection(c) => &c.extra,
            SearchItem::Dataset(d) => &d.extra,
            SearchItem::File(f) => &f.extra,
            SearchItem::Other(v) => panic!("{name}: item {i} not typed: {v}"),
        };
        assert!(extra.is_empty(), "{name}: item {i}: {:?}", extra.keys());
    }
    assert_eq!(
        &serde_json::to_value(&page).unwrap(),
        data,
        "{name} does not round-trip"
    );
    page
}

#[test]
fn every_search_fixture_is_there_and_decodes_exactly() {
    let dir = fixtures_dir().join("doc-examples");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("search-") && n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        on_disk,
        expected,
        "the search fixtures in {}",
        dir.display()
    );
    for name in FIXTURES {
        let data = fixture_data(name);
        let page = decode_exactly(name, &data);
        assert_eq!(page.count_in_response as usize, page.items.len(), "{name}");
        assert!(page.total_count >= page.count_in_response, "{name}");
    }
}

#[test]
fn the_basic_fixture_has_every_kind_of_item() {
    let page = decode_exactly("basic", &fixture_data("search-basic.response.json"));
    assert_eq!(page.q, "trees");
    assert_eq!(
        (page.total_count, page.start, page.count_in_response),
        (5, 0, 5)
    );
    assert_eq!(
        page.spelling_alternatives.as_ref().unwrap()["trees"],
        "[tree]"
    );
    let kinds: Vec<_> = page.items.iter().map(|i| i.type_name().unwrap()).collect();
    assert_eq!(
        kinds,
        ["dataverse", "dataverse", "file", "dataverse", "dataset"]
    );

    let SearchItem::Collection(c) = &page.items[0] else {
        panic!()
    };
    assert_eq!(c.identifier.as_deref(), Some("trees"));
    assert_eq!(c.parent_dataverse_identifier.as_deref(), Some("root"));
    assert_eq!(
        c.publication_statuses,
        Some(vec![PublicationStatus::Published])
    );

    let SearchItem::File(f) = &page.items[2] else {
        panic!()
    };
    assert_eq!(f.file_id, Some(12));
    assert_eq!(f.dataset_id, Some(32));
    assert_eq!(f.size_in_bytes, Some(8361));
    assert_eq!(f.md5.as_deref(), Some("0386269a5acb2c57b4eade587ff4db64"));
    assert_eq!(f.file_content_type.as_deref(), Some("image/png"));
    assert_eq!(
        f.dataset_persistent_id.as_deref(),
        Some("doi:10.5072/FK2/XTT5BV")
    );
    assert_eq!(
        f.release_or_create_date.as_deref(),
        Some("2016-05-10T12:53:39Z")
    );
    assert_eq!(
        page.items[2].identifier().as_deref(),
        Some("doi:10.5072/FK2/XTT5BV/PCCHV7")
    );

    let SearchItem::Dataset(d) = &page.items[4] else {
        panic!()
    };
    assert_eq!(d.global_id.as_deref(), Some("doi:10.70122/FK2/MB5VGR"));
    assert_eq!(d.version_state, Some(VersionState::Released));
    assert_eq!((d.major_version, d.minor_version), (Some(3), Some(0)));
    assert_eq!((d.file_count, d.version_id), (Some(3), Some(1260)));
    assert_eq!(d.identifier_of_dataverse.as_deref(), Some("dvbe69f5e1"));
    assert_eq!(d.authors.as_ref().unwrap().len(), 4);
    assert_eq!(d.producers.as_ref().unwrap()[1], "Spielberg, Stephen");
    assert_eq!(
        d.contacts.as_ref().unwrap()[0].name.as_deref(),
        Some("Finch, Fiona")
    );
    assert!(d.citation_html.as_ref().unwrap().contains("<a href="));
}

/// A facet field: name, display name, `(value, count)` pairs.
type FacetRow<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, u64)>);

#[test]
fn facets_relevance_type_counts_and_metadata_fields() {
    let page = decode_exactly(
        "facets",
        &fixture_data("search-subtree-relevance-facets.response.json"),
    );
    let facets: Vec<FacetRow<'_>> = page
        .facet_fields()
        .map(|(k, f)| (k, f.friendly.as_deref(), f.counts().collect()))
        .collect();
    assert_eq!(
        facets,
        vec![
            (
                "subject_ss",
                Some("Subject"),
                vec![("Medicine, Health and Life Sciences", 2)]
            ),
            (
                "authorName_ss",
                Some("Author Name"),
                vec![("Finch, Fiona", 1)]
            ),
            (
                "publicationDate",
                Some("Publication Date"),
                vec![("2016", 2)]
            ),
        ]
    );
    let SearchItem::Collection(c) = &page.items[0] else {
        panic!()
    };
    assert!((c.score.unwrap() - 3.8500118255615234).abs() < 1e-12);
    let matches = c.matches.as_ref().unwrap();
    assert_eq!(
        matches[1]["name"].snippets[0],
        "<span class=\"search-term-match\">Finches</span>"
    );

    let page = decode_exactly(
        "specific",
        &fixture_data("search-metadata_fields-specific.response.json"),
    );
    let counts = page.total_count_per_object_type.as_ref().unwrap();
    assert_eq!((counts["Datasets"], counts["Dataverses"]), (2, 2));
    let SearchItem::Dataset(d) = &page.items[0] else {
        panic!()
    };
    assert_eq!(d.version_state, Some(VersionState::Draft));
    assert_eq!(d.published_at, None);
    let citation = &d.metadata_blocks.as_ref().unwrap()["citation"];
    let names: Vec<_> = citation
        .fields
        .iter()
        .map(|f| f.type_name.as_str())
        .collect();
    assert_eq!(names, ["dsDescription", "author"]);
    // The second dataset of the same page is a short, older-looking item.
    let SearchItem::Dataset(d) = &page.items[1] else {
        panic!()
    };
    assert_eq!((d.version_state.as_ref(), d.file_count), (None, None));
}

#[test]
fn items_of_dataverse_4_and_5_decode() {
    // Shapes of 4.x/5.x answers: no versionState, publicationStatuses or checksum, md5 only,
    // numbers as strings, no published_at on a draft, ids as numbers.
    let data = json!({
        "q": "*", "total_count": "3", "start": "0", "spelling_alternatives": {},
        "items": [
            {"name": "Old file", "type": "file", "url": "https://h/api/access/datafile/7",
             "file_id": 7, "description": "", "published_at": "2015-01-02T03:04:05Z",
             "file_type": "Comma Separated Values", "file_content_type": "text/csv",
             "size_in_bytes": "1024", "md5": "d41d8cd98f00b204e9800998ecf8427e",
             "unf": "UNF:6:abc==", "dataset_citation": "Old, 2015, \"Old\""},
            {"name": "Old draft", "type": "dataset", "url": "https://doi.org/10.5072/FK2/OLD",
             "global_id": "doi:10.5072/FK2/OLD", "description": "d",
             "citationHtml": "c", "citation": "c", "authors": ["Old, Author"]},
            {"name": "Old collection", "type": "dataverse", "url": "https://h/dataverse/old",
             "identifier": "old", "description": "", "published_at": "2015-01-01T00:00:00Z",
             "datasetCount": "4"}
        ],
        "count_in_response": 3
    });
    let page: SearchPage = serde_json::from_value(data).unwrap();
    assert_eq!((page.total_count, page.count_in_response), (3, 3));
    let SearchItem::File(f) = &page.items[0] else {
        panic!()
    };
    assert_eq!((f.file_id, f.size_in_bytes), (Some(7), Some(1024)));
    assert_eq!(f.checksum, None);
    assert_eq!(f.md5.as_deref(), Some("d41d8cd98f00b204e9800998ecf8427e"));
    assert_eq!(f.publication_statuses, None);
    assert!(f.extra.is_empty(), "{:?}", f.extra);
    let SearchItem::Dataset(d) = &page.items[1] else {
        panic!()
    };
    assert_eq!(
        (d.version_state.as_ref(), d.published_at.as_deref()),
        (None, None)
    );
    assert_eq!(
        page.items[1].dedupe_key().as_deref(),
        Some("dataset:doi:10.5072/FK2/OLD")
    );
    let SearchItem::Collection(c) = &page.items[2] else {
        panic!()
    };
    assert_eq!(c.dataset_count, Some(4));
}

fn ok_page(data: Value) -> Response {
    axum::Json(json!({"status": "OK", "data": data})).into_response()
}

#[tokio::test]
async fn search_sends_every_parameter_and_decodes_the_answer() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let s = seen.clone();
    let base = serve(Router::new().route(
        "/api/search",
        get(move |RawQuery(q): RawQuery| {
            let s = s.clone();
            async move {
                s.lock().unwrap().push(q.unwrap_or_default());
                ok_page(fixture_data(
                    "search-subtree-relevance-facets.response.json",
                ))
            }
        }),
    ))
    .await;
    let api = client(&base, None);
    let query = SearchQuery::new("finch")
        .type_("dataverse")
        .type_("dataset")
        .subtree("birds")
        .subtree("finches")
        .sort("name")
        .order("desc")
        .per_page(2)
        .start(0)
        .show_relevance(true)
        .show_facets(true)
        .fq("publicationStatus:Published")
        .fq("subject_ss:\"Medicine, Health and Life Sciences\"")
        .show_entity_ids(true)
        .metadata_fields("citation:*")
        .geo_point("42.3,-71.1")
        .geo_radius("5")
        .show_type_counts(true)
        .search_service("solr");
    let page = api.search(&query).await.unwrap();
    let local: SearchPage = serde_json::from_value(fixture_data(
        "search-subtree-relevance-facets.response.json",
    ))
    .unwrap();
    assert_eq!(page, local);
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [
            "q=finch&type=dataverse&type=dataset&subtree=birds&subtree=finches&sort=name&order=desc\
          &per_page=2&start=0&show_relevance=true&show_facets=true&fq=publicationStatus%3APublished\
          &fq=subject_ss%3A%22Medicine%2C+Health+and+Life+Sciences%22&show_entity_ids=true\
          &metadata_fields=citation%3A*&geo_point=42.3%2C-71.1&geo_radius=5&show_type_counts=true\
          &search_service=solr"
        ]
    );

    // search_count asks for one item, without the presentation parameters.
    let n = api.search_count(&query).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        seen.lock().unwrap()[1],
        "q=finch&type=dataverse&type=dataset&subtree=birds&subtree=finches&per_page=1\
         &fq=publicationStatus%3APublished&fq=subject_ss%3A%22Medicine%2C+Health+and+Life+Sciences%22\
         &geo_point=42.3%2C-71.1&geo_radius=5&search_service=solr"
    );
}

#[tokio::test]
async fn a_bad_query_is_the_servers_bad_request_and_a_big_page_is_refused_locally() {
    let hits = Hits::default();
    let h = hits.clone();
    let base = serve(Router::new().route(
        "/api/search",
        get(move || {
            h.hit();
            async {
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"status": "ERROR",
                        "message": "Invalid type 'tool'. Must be one of [dataverse, dataset, file]"})),
                )
            }
        }),
    ))
    .await;
    let api = client(&base, None);
    let err = api
        .search(&SearchQuery::new("*").type_("tool"))
        .await
        .unwrap_err();
    match &err {
        Error::BadRequest(a) => {
            assert_eq!(a.status, 400);
            assert_eq!(
                a.message,
                "Invalid type 'tool'. Must be one of [dataverse, dataset, file]"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits.get(), 1, "a 400 is not retried");
    let err = api
        .search(&SearchQuery::new("*").per_page(1001))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        Error::InvalidArgument(
            "per_page 1001 is over Dataverse's limit of 1000 results per page".into()
        )
        .to_string()
    );
    assert_eq!(hits.get(), 1, "nothing sent");
}

/// A scripted index: datasets `D0..Dn`, paged by `start`/`per_page` like Dataverse, with
/// hooks to shift the index or fail a page. Records `(start, per_page)` of each request.
#[derive(Clone)]
struct Index {
    items: Arc<Mutex<Vec<String>>>,
    requests: Arc<Mutex<Vec<(u64, u64)>>>,
    /// Insert an item at the front after this many requests.
    shift_after: Option<usize>,
    /// Fail the request with this number (1-based) with a 400.
    fail_at: Option<usize>,
    /// Claim this total instead of the real one.
    claimed_total: Option<u64>,
}

impl Index {
    fn new(n: usize) -> Self {
        Index {
            items: Arc::new(Mutex::new((0..n).map(|i| format!("D{i}")).collect())),
            requests: Arc::default(),
            shift_after: None,
            fail_at: None,
            claimed_total: None,
        }
    }

    fn requests(&self) -> Vec<(u64, u64)> {
        self.requests.lock().unwrap().clone()
    }

    async fn serve(&self) -> String {
        let index = self.clone();
        serve(Router::new().route(
            "/api/search",
            get(move |RawQuery(q): RawQuery| {
                let index = index.clone();
                async move { index.answer(&q.unwrap_or_default()) }
            }),
        ))
        .await
    }

    fn answer(&self, query: &str) -> Response {
        let url = reqwest::Url::parse(&format!("http://x/?{query}")).unwrap();
        let param = |k: &str| {
            url.query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.parse::<u64>().unwrap())
        };
        let start = param("start").unwrap_or(0);
        let per_page = match param("per_page").unwrap_or(0) {
            0 => 10,
            n => n,
        };
        let number = {
            let mut r = self.requests.lock().unwrap();
            r.push((start, per_page));
            r.len()
        };
        if self.fail_at == Some(number) {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"status": "ERROR", "message": "Cannot parse page"})),
            )
                .into_response();
        }
        let mut items = self.items.lock().unwrap();
        let page: Vec<Value> = items
            .iter()
            .skip(start as usize)
            .take(per_page as usize)
            .map(|name| {
                json!({"name": name, "type": "dataset",
                       "global_id": format!("doi:10.5072/FK2/{name}"),
                       "publicationStatuses": ["Published"]})
            })
            .collect();
        let total = self.claimed_total.unwrap_or(items.len() as u64);
        if self.shift_after == Some(number) {
            items.insert(0, "NEW".into());
        }
        ok_page(json!({
            "q": "*", "total_count": total, "start": start, "spelling_alternatives": {},
            "count_in_response": page.len(), "items": page,
        }))
    }
}

async fn names(stream: dataverse_client::SearchStream) -> Vec<String> {
    stream
        .map(|item| item.unwrap().name().unwrap().to_string())
        .collect()
        .await
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("D{i}")).collect()
}

#[tokio::test]
async fn the_stream_pages_until_total_count() {
    let index = Index::new(25);
    let api = client(&index.serve().await, None);
    let stream = api
        .search_stream(&SearchQuery::new("*").per_page(10).show_facets(true))
        .unwrap();
    assert_eq!(names(stream).await, expected(0..25));
    assert_eq!(
        index.requests(),
        [(0, 10), (10, 10), (20, 10)],
        "stops at total_count"
    );

    // Without per_page, pages of 1000; from the query's start.
    let index = Index::new(1500);
    let api = client(&index.serve().await, None);
    let got = names(
        api.search_stream(&SearchQuery::new("*").start(200))
            .unwrap(),
    )
    .await;
    assert_eq!(got, expected(200..1500));
    assert_eq!(index.requests(), [(200, 1000), (1200, 1000)]);
}

#[tokio::test]
async fn the_stream_stops_at_an_empty_page_and_at_the_limit() {
    // A server that claims more than it has.
    let mut index = Index::new(7);
    index.claimed_total = Some(100);
    let api = client(&index.serve().await, None);
    let got = names(
        api.search_stream(&SearchQuery::new("*").per_page(5))
            .unwrap(),
    )
    .await;
    assert_eq!(got, expected(0..7));
    // The offset moves by what each page held.
    assert_eq!(index.requests(), [(0, 5), (5, 5), (7, 5)]);

    let index = Index::new(25);
    let api = client(&index.serve().await, None);
    let query = SearchQuery::new("*").per_page(10).limit(12);
    assert_eq!(
        names(api.search_stream(&query).unwrap()).await,
        expected(0..12)
    );
    assert_eq!(
        index.requests(),
        [(0, 10), (10, 2)],
        "no more than the limit is asked for"
    );

    let api = client(&index.serve().await, None);
    let got = names(api.search_stream(&SearchQuery::new("*").limit(0)).unwrap()).await;
    assert!(got.is_empty());
}

#[tokio::test]
async fn the_stream_never_yields_an_entity_twice_when_the_index_shifts() {
    let mut index = Index::new(25);
    index.shift_after = Some(1); // a new dataset lands in front after the first page
    let api = client(&index.serve().await, None);
    let got = names(
        api.search_stream(&SearchQuery::new("*").per_page(10))
            .unwrap(),
    )
    .await;
    // Page 2 starts again with D9 (shifted by one): it is skipped, not repeated.
    assert_eq!(got, expected(0..25));
    assert_eq!(index.requests(), [(0, 10), (10, 10), (20, 10)]);
}

#[tokio::test]
async fn an_error_mid_stream_surfaces_once_and_ends_it() {
    let mut index = Index::new(25);
    index.fail_at = Some(2);
    let api = client(&index.serve().await, None);
    let mut stream = api
        .search_stream(&SearchQuery::new("*").per_page(10))
        .unwrap();
    let mut ok = 0;
    let mut errors = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => ok += 1,
            Err(e) => errors.push(e),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(&errors[0], Error::BadRequest(a) if a.message == "Cannot parse page"),
        "{:?}",
        errors[0]
    );
    assert!(stream.next().await.is_none());
    assert_eq!(
        index.requests().len(),
        2,
        "nothing fetched after the failure"
    );
}

#[tokio::test]
async fn the_next_page_is_fetched_while_the_caller_reads_and_no_further() {
    let index = Index::new(20);
    let api = client(&index.serve().await, None);
    let mut stream = api
        .search_stream(&SearchQuery::new("*").per_page(5))
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.name(), Some("D0"));
    // The caller is busy with page 1: page 2 arrives anyway.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while index.requests().len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "page 2 was not prefetched"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // But not page 3: one page ahead only.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(index.requests(), [(0, 5), (5, 5)]);
    let rest: Vec<_> = stream.map(|i| i.unwrap()).collect().await;
    assert_eq!(rest.len(), 19);
    assert_eq!(index.requests().len(), 4);
}

#[tokio::test]
async fn dropping_the_stream_stops_fetching() {
    let index = Index::new(100);
    let api = client(&index.serve().await, None);
    let mut stream = api
        .search_stream(&SearchQuery::new("*").per_page(5))
        .unwrap();
    stream.next().await.unwrap().unwrap();
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(index.requests().len() <= 2, "{:?}", index.requests());
}
