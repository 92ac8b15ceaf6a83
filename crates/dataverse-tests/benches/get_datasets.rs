//! `get_datasets` benchmark:
//! `cargo bench -p dataverse-tests --bench get_datasets [-- COUNT LATENCY_MS] [--url URL]`.
//!
//! Without `--url`: generates COUNT published datasets (default 1,000) in a temporary embedded
//! Dataverse and serves it in this process with a fixed latency per response (default 20 ms).
//! With `--url`: uses a server already running in another process, e.g.
//! `dv serve --generate collections=20,datasets=1000,depth=2,seed=4 --latency 20`, and takes
//! every dataset below its root (LATENCY_MS then only sets the bound).
//! Either way it times `get_datasets` of all of them at concurrency 8 and 32, next to the
//! bound `ceil(requests / concurrency) × latency`.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions};
use dataverse_client::{NativeApi, RetryPolicy};
use dataverse_emulator::{Config, Emulator, GenerateSpec, Server};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let (external, args) = dataverse_tests::bench_args("--url");
    let count: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let latency_ms: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    if let Some(url) = external {
        let pids = dataset_pids(&url).await;
        println!(
            "get_datasets of {} datasets from {url} (another process), latency {latency_ms} ms",
            pids.len()
        );
        run(&url, &pids, latency_ms).await;
        return;
    }

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
    let pids = dataset_pids(&fast.base_url()).await;
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
    run(&slow.base_url(), &pids, latency_ms).await;
    slow.shutdown().await;
}

/// Every dataset PID below the root, from a crawl.
async fn dataset_pids(url: &str) -> Vec<String> {
    NativeApi::new(url)
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
        .collect()
}

/// Time `get_datasets` of `pids` at concurrency 8 and 32 and print a table row for each.
async fn run(url: &str, pids: &[String], latency_ms: u64) {
    let count = pids.len();
    println!("| concurrency | requests | bound (s) | time (s) | time / bound | ok |");
    println!("|---|---|---|---|---|---|");
    for concurrency in [8usize, 32] {
        let api = NativeApi::builder(url)
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
}
