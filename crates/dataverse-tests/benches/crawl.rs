//! Crawl benchmark: `cargo bench -p dataverse-tests --bench crawl [-- SPEC LATENCY_MS]`.
//!
//! Generates a tree in a temporary embedded Dataverse (default
//! `collections=1000,datasets=10000,depth=5,seed=1`), serves it with a fixed latency per
//! response (default 20 ms), and times `crawl_collection` without titles, with titles from
//! version reads and with titles from search at concurrency 1, 8 and 32, next to the lower bound `max(levels, requests / concurrency) ×
//! latency`. Then it measures the server's own throughput for contents listings at
//! concurrency 32 without latency. Set `BENCH_SKIP_SEQUENTIAL=1` to skip concurrency 1
//! (it takes minutes by design).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions, TitleSource};
use dataverse_client::{NativeApi, RetryPolicy};
use dataverse_emulator::{Config, Emulator, GenerateSpec, Server};
use futures_util::{StreamExt, stream};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let spec_text = args
        .first()
        .cloned()
        .unwrap_or_else(|| "collections=1000,datasets=10000,depth=5,seed=1".into());
    let latency_ms: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let skip_sequential = std::env::var_os("BENCH_SKIP_SEQUENTIAL").is_some();

    let dir = tempfile::tempdir().expect("temp dir");
    let spec: GenerateSpec = spec_text.parse().expect("spec");
    let t = Instant::now();
    let emulator = Emulator::open(Config::new(dir.path())).expect("open");
    emulator.generate(&spec).expect("generate");
    println!(
        "generated {spec_text} in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut config = Config::new(dir.path());
    config.latency = Duration::from_millis(latency_ms);
    let slow = Server::start(
        Emulator::open(config).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    let latency = latency_ms as f64 / 1000.0;
    println!("\nserver latency {latency_ms} ms per response");
    println!("| titles | concurrency | requests | levels | lower bound (s) | crawl (s) | ratio |");
    println!("|---|---|---|---|---|---|---|");
    let sources = [None, Some(TitleSource::Versions), Some(TitleSource::Search)];
    for source in sources {
        let titles = source.is_some();
        for concurrency in [1usize, 8, 32] {
            if concurrency == 1 && skip_sequential {
                continue;
            }
            let api = NativeApi::builder(slow.base_url())
                .max_concurrency(concurrency)
                .retry_policy(RetryPolicy::none())
                .build()
                .expect("client");
            let start = Instant::now();
            let report = api
                .crawl_collection_with(
                    ":root",
                    CrawlOptions::new()
                        .filter_by(CrawlFilter::All)
                        .fetch_titles(titles)
                        .titles_from(source.unwrap_or_default()),
                )
                .await
                .expect("crawl");
            let secs = start.elapsed().as_secs_f64();
            let requests = report.progress.requests;
            let max_depth = report
                .items
                .iter()
                .filter(|i| !i.is_dataset())
                .map(CrawlItem::depth)
                .max()
                .unwrap_or(0);
            // Listing rounds: the start and each level below it; titles need one round more.
            let levels = max_depth + 1 + usize::from(titles);
            let bound =
                (levels as f64).max((requests as f64 / concurrency as f64).ceil()) * latency;
            println!(
                "| {} | {concurrency} | {requests} | {levels} | {bound:.2} | {secs:.2} | {:.2} |",
                match source {
                    None => "no",
                    Some(TitleSource::Search) => "search",
                    Some(_) => "versions",
                },
                secs / bound
            );
        }
    }
    slow.shutdown().await;

    // The server's own throughput for contents listings, no latency, concurrency 32.
    let fast = Server::start(
        Emulator::open(Config::new(dir.path())).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    let api = NativeApi::builder(fast.base_url())
        .max_concurrency(32)
        .build()
        .expect("client");
    let ids: Vec<u64> = api
        .crawl_collection_with(
            ":root",
            CrawlOptions::new()
                .filter_by(CrawlFilter::Collections)
                .fetch_titles(false),
        )
        .await
        .expect("crawl")
        .items
        .iter()
        .map(CrawlItem::id)
        .collect();
    let rounds = 5;
    let start = Instant::now();
    let mut done = 0usize;
    for _ in 0..rounds {
        let results: Vec<_> = stream::iter(ids.iter().map(|id| api.get_collection_contents(*id)))
            .buffer_unordered(32)
            .collect()
            .await;
        done += results.iter().filter(|r| r.is_ok()).count();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "\ncontents listings without latency, concurrency 32: {done} in {secs:.2} s = {:.0} requests/s",
        done as f64 / secs
    );
    fast.shutdown().await;
}
