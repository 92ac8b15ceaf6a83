//! Direct upload benchmark: one large file sent by `dv file upload --direct` (multipart
//! straight to S3, checksum included), by `dv file upload --native` (through the server),
//! and by boto3's `upload_file` (a plain S3 multipart upload of the same bytes, the same
//! part size and concurrency) to the same S3 server (`s3s-fs`, in this process) on
//! loopback; then a direct upload killed at half its parts and run again.
//!
//! ```sh
//! cargo build --release -p dataverse-cli                       # the `dv` under test (or DV_BIN)
//! cargo bench -p dataverse-tests --bench direct_upload              # 1 GiB
//! cargo bench -p dataverse-tests --bench direct_upload -- 1024 4096  # sizes in MiB
//! # A check that it runs (16 MiB in 5 MiB parts, any build of dv), not a measurement:
//! DV_BIN=target/debug/dv cargo bench --profile dev -p dataverse-tests --bench direct_upload -- --quick
//! ```
//!
//! Peak resident set sizes of the clients come from GNU `/usr/bin/time`. The boto3 row is
//! left out when `python3 -c "import boto3"` fails. Parts are 64 MiB (5 MiB with
//! `--quick`), 4 in flight. `dv` is `$DV_BIN`, else `release/dv` under
//! `$CARGO_TARGET_DIR` or the workspace's `target`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use dataverse_client::NativeApi;
use dataverse_client::models::metadata::{Author, CitationBuilder};
use dataverse_emulator::{Config, Emulator, Server};
use dataverse_tests::s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};
use tokio::io::AsyncWriteExt;

const MIB: u64 = 1024 * 1024;
/// The part size of a measurement.
const PART: u64 = 64 * MIB;
/// The part size and file size (MiB) of `--quick`.
const QUICK_PART: u64 = 5 * MIB;
const QUICK_SIZE: u64 = 16;
const PARALLEL: usize = 4;
const TOKEN: &str = "bench-0000-0000-0000-direct";

/// Counts part PUTs on their way to the S3 server.
#[derive(Clone)]
struct Counter {
    target: String,
    http: reqwest::Client,
    parts: Arc<Mutex<HashMap<u32, u32>>>,
}

async fn forward(State(c): State<Counter>, req: Request) -> Response {
    let uri = req.uri().clone();
    if let Some(n) = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("partNumber="))
        .and_then(|n| n.parse().ok())
    {
        *c.parts.lock().unwrap().entry(n).or_insert(0) += 1;
    }
    let (parts, body) = req.into_parts();
    let url = format!(
        "{}{}",
        c.target,
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut out = c.http.request(parts.method.clone(), url);
    for (k, v) in parts.headers.iter() {
        out = out.header(k, v);
    }
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return (axum::http::StatusCode::BAD_REQUEST, "body").into_response(),
    };
    match out.body(bytes).send().await {
        Ok(r) => {
            let mut b = Response::builder().status(r.status().as_u16());
            for (k, v) in r.headers() {
                b = b.header(k.as_str(), v.as_bytes());
            }
            b.body(Body::from_stream(r.bytes_stream())).unwrap()
        }
        Err(e) => (axum::http::StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

struct Measured {
    secs: f64,
    peak_mib: f64,
}

fn dv_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("DV_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("release/dv")
}

/// Run under `/usr/bin/time -f %M`: wall time and peak RSS.
fn run_timed(mut cmd: Command, work: &Path) -> Measured {
    let stats = work.join("time.txt");
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .args(["-f", "%M", "-o"])
        .arg(&stats)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            wrapped.env(k, v);
        }
    }
    let _ = &mut cmd;
    let start = Instant::now();
    let status = wrapped
        .stdout(Stdio::null())
        .status()
        .expect("run under /usr/bin/time");
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "{cmd:?} failed: {status}");
    let kib: f64 = std::fs::read_to_string(&stats)
        .unwrap_or_default()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0.0);
    Measured {
        secs,
        peak_mib: kib / 1024.0,
    }
}

fn dv(base: &str, work: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(dv_bin());
    c.env("DATAVERSE_URL", base)
        .env("DATAVERSE_API_TOKEN", TOKEN)
        .env("DATAVERSE_CONFIG", work.join("config.toml"))
        .args(["-q", "file", "upload"])
        .args(args);
    c
}

async fn write_random(path: &Path, len: u64) {
    let mut f = tokio::fs::File::create(path).await.expect("create");
    let mut rng = fastrand::Rng::with_seed(len);
    let mut buf = vec![0u8; MIB as usize];
    let mut left = len;
    while left > 0 {
        rng.fill(&mut buf);
        let n = left.min(MIB) as usize;
        f.write_all(&buf[..n]).await.expect("write");
        left -= n as u64;
    }
    f.flush().await.expect("flush");
}

async fn start_emulator(dir: &Path, endpoint: &str, part: u64) -> (Server, NativeApi) {
    let mut config = Config::new(dir);
    config.admin_token = Some(TOKEN.into());
    let mut s3 = dataverse_emulator::S3Config::new(BUCKET, endpoint, ACCESS_KEY, SECRET_KEY);
    s3.min_part_size = part;
    config.s3 = Some(s3);
    let em = Emulator::open(config).expect("open");
    let server = Server::start(em, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("serve");
    let api = NativeApi::builder(server.base_url())
        .api_token(TOKEN)
        .build()
        .expect("client");
    (server, api)
}

async fn dataset(api: &NativeApi, title: &str) -> String {
    api.create_dataset(
        ":root",
        &CitationBuilder::new(title)
            .author(Author::new("Bench, Direct"))
            .contact("Direct Bench", "bench@example.org")
            .description("Direct upload benchmark.")
            .subject("Other")
            .build(),
        None,
        false,
    )
    .await
    .expect("dataset")
    .persistent_id
}

fn mib_s(size: u64, m: &Measured) -> f64 {
    size as f64 / MIB as f64 / m.secs
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (sizes, part) = match (quick, sizes.is_empty()) {
        (true, _) => (vec![QUICK_SIZE], QUICK_PART),
        (false, true) => (vec![1024], PART),
        (false, false) => (sizes, PART),
    };
    assert!(
        dv_bin().exists(),
        "build dv first: cargo build --release -p dataverse-cli"
    );
    let work = tempfile::tempdir().expect("work dir");
    let s3 = S3Server::start_on(&work.path().join("s3"), "127.0.0.1:0".parse().unwrap()).await;
    let (server, api) = start_emulator(&work.path().join("dv"), &s3.endpoint, part).await;
    let base = server.base_url();
    let boto = Command::new("python3")
        .args(["-c", "import boto3"])
        .status()
        .is_ok_and(|s| s.success());
    println!("| size | client | seconds | MiB/s | peak RSS (MiB) |");
    println!("|---|---|---|---|---|");
    for &size in &sizes {
        let file = work.path().join(format!("data-{size}.bin"));
        write_random(&file, size * MIB).await;
        let f = file.to_str().unwrap();
        let bytes = size * MIB;
        let pid = dataset(&api, &format!("direct {size}")).await;
        let parallel = PARALLEL.to_string();
        let m = run_timed(
            dv(
                &base,
                work.path(),
                &[&pid, f, "--direct", "--parallel-parts", &parallel],
            ),
            work.path(),
        );
        println!(
            "| {size} MiB | dv --direct | {:.2} | {:.0} | {:.1} |",
            m.secs,
            mib_s(bytes, &m),
            m.peak_mib
        );
        let direct = m;
        // Disk space: the measured copies go as soon as they are measured.
        let _ = std::fs::remove_dir_all(s3.root.join(BUCKET).join("10.5072"));
        let pid = dataset(&api, &format!("native {size}")).await;
        let m = run_timed(dv(&base, work.path(), &[&pid, f, "--native"]), work.path());
        println!(
            "| {size} MiB | dv --native | {:.2} | {:.0} | {:.1} |",
            m.secs,
            mib_s(bytes, &m),
            m.peak_mib
        );
        let _ = std::fs::remove_dir_all(work.path().join("dv").join("files"));
        if boto {
            let script = format!(
                "import boto3\nfrom boto3.s3.transfer import TransferConfig\n\
                 c = boto3.client('s3', endpoint_url='{}', aws_access_key_id='{ACCESS_KEY}', \
                 aws_secret_access_key='{SECRET_KEY}', region_name='us-east-1')\n\
                 c.upload_file('{f}', '{BUCKET}', 'plain/{size}', Config=TransferConfig(\
                 multipart_threshold={part}, multipart_chunksize={part}, max_concurrency={PARALLEL}))\n",
                s3.endpoint
            );
            let mut cmd = Command::new("python3");
            cmd.args(["-c", &script]);
            let m = run_timed(cmd, work.path());
            println!(
                "| {size} MiB | boto3 upload_file | {:.2} | {:.0} | {:.1} |",
                m.secs,
                mib_s(bytes, &m),
                m.peak_mib
            );
            println!(
                "| {size} MiB | dv --direct / boto3 | | {:.0} % | |",
                100.0 * m.secs / direct.secs
            );
            let _ = std::fs::remove_file(s3.root.join(BUCKET).join("plain").join(size.to_string()));
        }
        resume_run(
            &work.path().join(format!("resume-{size}")),
            &s3,
            &file,
            size,
            part,
        )
        .await;
        let _ = std::fs::remove_file(&file);
    }
    server.shutdown().await;
}

/// Kill a direct upload once half its parts are stored, run it again, and count the part
/// PUTs of each run through a counting proxy.
async fn resume_run(dir: &Path, s3: &S3Server, file: &Path, size: u64, part: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let counter = Counter {
        target: s3.endpoint.clone(),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        parts: Default::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(counter.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let (server, api) = start_emulator(&dir.join("dv"), &proxy, part).await;
    let base = server.base_url();
    let pid = dataset(&api, &format!("resume {size}")).await;
    let total_parts = (size * MIB).div_ceil(part);
    let f = file.to_str().unwrap();
    let parallel = PARALLEL.to_string();
    let args = [pid.as_str(), f, "--direct", "--parallel-parts", &parallel];
    let mut child = dv(&base, dir, &args)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn dv");
    let uploads = dir.join("uploads");
    let stored_at_kill = loop {
        let stored = std::fs::read_dir(&uploads)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["etags"].as_object().map(|o| o.len() as u64))
            .unwrap_or(0);
        if stored * 2 >= total_parts {
            child.kill().expect("kill dv");
            let _ = child.wait();
            break stored;
        }
        if let Ok(Some(status)) = child.try_wait() {
            // A small file can be done between two looks (the state file then is gone).
            assert!(status.success(), "dv failed: {status}");
            break 0;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    if stored_at_kill == 0 {
        println!(
            "| {size} MiB | resume after kill -9 | | finished before the kill: not measured | |"
        );
        server.shutdown().await;
        task.abort();
        let _ = std::fs::remove_dir_all(s3.root.join(BUCKET).join("10.5072"));
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let first: u32 = counter.parts.lock().unwrap().values().sum();
    counter.parts.lock().unwrap().clear();
    let m = run_timed(dv(&base, dir, &args), dir);
    let second: u32 = counter.parts.lock().unwrap().values().sum();
    println!(
        "| {size} MiB | resume after kill -9 | {:.2} | parts {total_parts}: {stored_at_kill} stored at the kill, {first} PUTs begun before it, {second} PUTs after (missing: {}) | {:.1} |",
        m.secs,
        total_parts - stored_at_kill,
        m.peak_mib
    );
    server.shutdown().await;
    task.abort();
    let _ = std::fs::remove_dir_all(s3.root.join(BUCKET).join("10.5072"));
    let _ = std::fs::remove_dir_all(dir);
}
