//! Search benchmark:
//! `cargo bench -p dataverse-tests --bench search [-- COUNT LATENCY_MS] [--data DIR]`.
//!
//! Generates COUNT published datasets (default 100,000, in `collections=100,depth=3`) in a
//! temporary embedded Dataverse, timing the generation (the search index is built inside
//! it) and measuring the SQLite file and, where SQLite has `dbstat`, the pages of the
//! index's tables. Then, against the server without latency:
//!
//! - the median and p99 latency of a term, a phrase, a field and the `*` query, with facets,
//!   at `per_page` 10 and 1000;
//! - the time to stream every result of `*` (datasets) through `search_stream`;
//! - the time of `get_datasets` of the same datasets at concurrency 32, for the ratio.
//!
//! Last, against the same store with LATENCY_MS per response (default 20), a crawl of the
//! whole tree with titles from search and with titles from version reads, at concurrency
//! 32: requests and time. Set `BENCH_SKIP_VERSION_CRAWL=1` to skip the crawl with version
//! reads (about COUNT / 32 × LATENCY_MS), `BENCH_ONLY_QUERIES=1` to stop after the query
//! latencies (for profiling). `--data DIR` keeps the store in DIR and reuses it when it is
//! there already (then generation and index size are not measured again).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, TitleSource};
use dataverse_client::{NativeApi, RetryPolicy, SearchQuery};
use dataverse_emulator::{Config, Emulator, GenerateSpec, Server};
use futures_util::StreamExt;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let (data, args) = dataverse_tests::bench_args("--data");
    let count: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let latency_ms: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);

    let temp = tempfile::tempdir().expect("temp dir");
    let dir = data.map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    let db = dir.join("dataverse.sqlite3");
    if db.exists() {
        println!("reusing the store in {}", dir.display());
    } else {
        generate(&dir, count);
    }

    let fast = Server::start(
        Emulator::open(Config::new(&dir)).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    let api = NativeApi::builder(fast.base_url())
        .max_concurrency(32)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");

    println!("\nquery latency (one client, sequential, no server latency)");
    println!("| query | facets | per_page | runs | total_count | median (ms) | p99 (ms) |");
    println!("|---|---|---|---|---|---|---|");
    let queries = [
        ("term", "Svalbard"),
        ("phrase", "\"Sensor Readings\""),
        ("field", "authorName:Finch"),
        ("all", "*"),
    ];
    let runs_of = |per_page: u32| {
        let default = if per_page == 10 { 200 } else { 30 };
        std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(default)
    };
    // Each query with facets at both page sizes, and the term query without facets (the
    // share of the facet counts).
    let cases = queries
        .iter()
        .map(|&(k, q)| (k, q, true, 10u32))
        .chain(std::iter::once(("term", "Svalbard", false, 10)))
        .chain(queries.iter().map(|&(k, q)| (k, q, true, 1000)));
    for (kind, q, facets, per_page) in cases {
        let runs: usize = runs_of(per_page);
        let query = SearchQuery::new(q).per_page(per_page).show_facets(facets);
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        // One warm-up.
        api.search(&query).await.expect("search");
        for _ in 0..runs {
            let t = Instant::now();
            let page = api.search(&query).await.expect("search");
            times.push(t.elapsed());
            total = page.total_count;
        }
        times.sort();
        println!(
            "| {kind} `{q}` | {} | {per_page} | {runs} | {total} | {:.1} | {:.1} |",
            if facets { "yes" } else { "no" },
            ms(times[times.len() / 2]),
            ms(times[(times.len() * 99).div_ceil(100) - 1])
        );
    }

    if std::env::var_os("BENCH_ONLY_QUERIES").is_some() {
        fast.shutdown().await;
        return;
    }

    let t = Instant::now();
    let mut stream = api
        .search_stream(&SearchQuery::new("*").type_("dataset"))
        .expect("stream");
    let mut pids = Vec::with_capacity(count);
    while let Some(item) = stream.next().await {
        if let Some(pid) = item.expect("item").identifier() {
            pids.push(pid);
        }
    }
    let stream_secs = t.elapsed().as_secs_f64();
    println!(
        "\nsearch_stream of `*` (datasets, pages of 1000): {} items in {stream_secs:.2} s",
        pids.len()
    );

    let t = Instant::now();
    let results = api.get_datasets(pids.iter()).await;
    let get_secs = t.elapsed().as_secs_f64();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    println!(
        "get_datasets of the same {} at concurrency 32: {ok} ok in {get_secs:.2} s; \
         search_stream / get_datasets = {:.2}",
        pids.len(),
        stream_secs / get_secs
    );
    fast.shutdown().await;

    let mut config = Config::new(&dir);
    config.latency = Duration::from_millis(latency_ms);
    let slow = Server::start(
        Emulator::open(config).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    let api = NativeApi::builder(slow.base_url())
        .max_concurrency(32)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    println!("\ncrawl of the whole tree with titles, latency {latency_ms} ms, concurrency 32");
    println!(
        "| titles from | requests | search requests | from search | from versions | time (s) |"
    );
    println!("|---|---|---|---|---|---|");
    let skip_versions = std::env::var_os("BENCH_SKIP_VERSION_CRAWL").is_some();
    for source in [TitleSource::Search, TitleSource::Versions] {
        if source == TitleSource::Versions && skip_versions {
            continue;
        }
        let t = Instant::now();
        let report = api
            .crawl_collection_with(
                ":root",
                CrawlOptions::new()
                    .filter_by(CrawlFilter::All)
                    .titles_from(source),
            )
            .await
            .expect("crawl");
        let secs = t.elapsed().as_secs_f64();
        let titled = report
            .items
            .iter()
            .filter(|i| matches!(i, CrawlItem::Dataset(d) if d.title.is_some()))
            .count();
        assert_eq!(titled, count, "every dataset has its title");
        let p = report.progress;
        println!(
            "| {source:?} | {} | {} | {} | {} | {secs:.2} |",
            p.requests, p.search_requests, p.titles_from_search, p.titles_from_versions
        );
    }
    slow.shutdown().await;
}

/// Generate COUNT datasets into `dir`, reporting the time, the index build time inside it,
/// and the store's size.
fn generate(dir: &std::path::Path, count: usize) {
    let db = dir.join("dataverse.sqlite3");
    let emulator = Emulator::open(Config::new(dir)).expect("open");
    let empty_size = file_size(&db);
    let spec_text = format!("collections=100,datasets={count},depth=3,seed=7");
    let spec: GenerateSpec = spec_text.parse().expect("spec");
    let t = Instant::now();
    let summary = emulator.generate(&spec).expect("generate");
    let generate_secs = t.elapsed().as_secs_f64();
    drop(emulator);
    println!("generated {spec_text} ({summary}) in {generate_secs:.1} s");
    let full_size = file_size(&db);
    println!(
        "SQLite file: {:.1} MB empty, {:.1} MB after generating",
        empty_size as f64 / 1e6,
        full_size as f64 / 1e6
    );
    index_pages(&db);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Pages of the full-text tables (names containing `search` or `fts`), through SQLite's
/// `dbstat`, when the SQLite build has it.
fn index_pages(db: &std::path::Path) {
    let conn = rusqlite::Connection::open(db).expect("open the store");
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .expect("page size");
    let sql = "SELECT name, count(*) FROM dbstat \
               WHERE name LIKE '%search%' OR name LIKE '%fts%' GROUP BY name ORDER BY name";
    let rows: rusqlite::Result<Vec<(String, i64)>> = conn
        .prepare(sql)
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect());
    match rows {
        Ok(rows) if !rows.is_empty() => {
            let pages: i64 = rows.iter().map(|(_, n)| n).sum();
            println!(
                "index tables: {} pages of {page_size} bytes = {:.1} MB ({})",
                pages,
                (pages * page_size) as f64 / 1e6,
                rows.iter()
                    .map(|(name, n)| format!("{name} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Ok(_) => println!("index tables: none named *search* or *fts* in the store"),
        Err(e) => println!("index tables: dbstat unavailable ({e})"),
    }
}
