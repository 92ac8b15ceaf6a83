//! `get_datasets` benchmark: `cargo bench -p dataverse-tests --bench get_datasets [-- COUNT LATENCY_MS]`.
//!
//! Generates COUNT published datasets (default 1,000) in a temporary embedded Dataverse,
//! serves it with a fixed latency per response (default 20 ms, as `dv serve --latency 20`),
//! and times `get_datasets` of all of them at concurrency 8 and 32, next to the bound
//! `ceil(requests / concurrency) × latency`.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions};
use dataverse_client::{NativeApi, RetryPolicy};
use dataverse_emulator::{Config, Emulator, GenerateSpec, Server};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let count: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let latency_ms: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);

    let dir = tempfile::tempdir().expect("temp dir");
    let spec: GenerateSpec = format!("collections=20,datasets={count},depth=2,seed=4")
        .parse()
        .expect("spec");
    Emulator::open(Config::new(dir.path()))
        .expect("open")
        .generate(&spec)
        .expect("generate");

    // The PIDs, from a crawl without latency.
    let fast = Server::start(
        Emulator::open(Config::new(dir.path())).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    let pids: Vec<String> = NativeApi::new(fast.base_url())
        .expect("client")
        .crawl_collection_with(
            ":root",
            CrawlOptions::new()
                .filter_by(CrawlFilter::Datasets)
                .fetch_titles(false),
        )
        .await
        .expect("crawl")
        .items
        .iter()
        .filter_map(|i| match i {
            CrawlItem::Dataset(d) => d.persistent_id.clone(),
            CrawlItem::Collection(_) => None,
        })
        .collect();
    fast.shutdown().await;
    assert_eq!(pids.len(), count);

    let mut config = Config::new(dir.path());
    config.latency = Duration::from_millis(latency_ms);
    let slow = Server::start(
        Emulator::open(config).expect("open"),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .expect("start");
    println!("get_datasets of {count} datasets, server latency {latency_ms} ms per response");
    println!("| concurrency | requests | bound (s) | time (s) | time / bound | ok |");
    println!("|---|---|---|---|---|---|");
    for concurrency in [8usize, 32] {
        let api = NativeApi::builder(slow.base_url())
            .max_concurrency(concurrency)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        let start = Instant::now();
        let results = api.get_datasets(pids.iter()).await;
        let secs = start.elapsed().as_secs_f64();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let bound = (count as f64 / concurrency as f64).ceil() * latency_ms as f64 / 1000.0;
        println!(
            "| {concurrency} | {count} | {bound:.2} | {secs:.2} | {:.2} | {ok} |",
            secs / bound
        );
    }
    slow.shutdown().await;
}
