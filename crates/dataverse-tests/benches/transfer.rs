//! Transfer benchmark: one large file uploaded and downloaded through the library, `dv` and
//! `curl`, side by side against the same `dv serve` on loopback, with the peak memory of
//! each client and of the server.
//!
//! ```sh
//! cargo build --release -p dataverse-cli          # the `dv` under test (or set DV_BIN)
//! cargo bench -p dataverse-tests --bench transfer              # 256 MiB, then 1 GiB
//! cargo bench -p dataverse-tests --bench transfer -- 64 128    # other sizes, in MiB
//! ```
//!
//! Needs `curl` and GNU `/usr/bin/time` (for the peak resident set size of child
//! processes). The library runs in this process; its peak is this process's `VmHWM`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dataverse_client::api::access::DownloadOptions;
use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::{Author, CitationBuilder};
use dataverse_client::{NativeApi, RetryPolicy};
use tokio::io::AsyncWriteExt;

const TOKEN: &str = "bench-0000-0000-0000-transfer";
const MIB: u64 = 1024 * 1024;

struct Row {
    size_mib: u64,
    direction: &'static str,
    tool: &'static str,
    secs: f64,
    peak_kib: Option<u64>,
}

#[tokio::main]
async fn main() {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![256, 1024]
    } else {
        sizes
    };
    let dv = dv_binary();
    let work = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let server_stats = work.path().join("server.time");
    let mut server = timed(
        Command::new(&dv)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
            .arg(work.path().join("store"))
            .env("DATAVERSE_ADMIN_TOKEN", TOKEN)
            .stdout(Stdio::null()),
        &server_stats,
    );
    let api = NativeApi::builder(&url)
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    wait_ready(&api, &mut server).await;
    let header = work.path().join("key.header");
    std::fs::write(&header, format!("X-Dataverse-key: {TOKEN}\n")).expect("header file");

    let mut rows = Vec::new();
    for &size in &sizes {
        let pid = api
            .create_dataset(
                ":root",
                &CitationBuilder::new(format!("Transfer of {size} MiB"))
                    .author(Author::new("Bench, Transfer"))
                    .contact("Transfer Bench", "bench@example.org")
                    .description("Files for the transfer benchmark.")
                    .subject("Other")
                    .build(),
                None,
                false,
            )
            .await
            .expect("create dataset")
            .persistent_id;
        let data = work.path().join(format!("data-{size}.bin"));
        write_random(&data, size * MIB).await;
        let body = UploadBody {
            tab_ingest: Some(false),
            ..Default::default()
        };

        // Upload: library (in this process), dv, curl.
        let start = Instant::now();
        let report = api
            .upload_datafile(pid.as_str(), UploadSource::path(&data), &body)
            .await
            .expect("library upload");
        let lib_up = start.elapsed().as_secs_f64();
        let file_id = report.files[0].data_file.id.expect("file id");
        rows.push(Row {
            size_mib: size,
            direction: "upload",
            tool: "library",
            secs: lib_up,
            peak_kib: own_peak_kib(),
        });
        let (secs, peak) = run_timed(
            Command::new(&dv)
                .args(["--url", &url, "file", "upload", &pid])
                .arg(&data)
                .arg("--no-ingest")
                .env("DATAVERSE_API_TOKEN", TOKEN)
                .stdout(Stdio::null()),
            &work.path().join("dv-up.time"),
        );
        rows.push(Row {
            size_mib: size,
            direction: "upload",
            tool: "dv",
            secs,
            peak_kib: peak,
        });
        let (secs, peak) = run_timed(
            Command::new("curl")
                .args(["-sS", "-f", "-o", "/dev/null", "-H"])
                .arg(format!("@{}", header.display()))
                .arg("-F")
                .arg(format!("file=@{}", data.display()))
                .args(["-F", r#"jsonData={"tabIngest":false}"#])
                .arg(format!(
                    "{url}/api/datasets/:persistentId/add?persistentId={pid}"
                )),
            &work.path().join("curl-up.time"),
        );
        rows.push(Row {
            size_mib: size,
            direction: "upload",
            tool: "curl",
            secs,
            peak_kib: peak,
        });

        // Download the library's upload: library (checksum verified), dv, curl.
        let out = work.path().join("out");
        std::fs::create_dir_all(&out).expect("out dir");
        let start = Instant::now();
        api.download_datafile(file_id, out.join("lib.bin"), &DownloadOptions::new())
            .await
            .expect("library download");
        rows.push(Row {
            size_mib: size,
            direction: "download",
            tool: "library",
            secs: start.elapsed().as_secs_f64(),
            peak_kib: own_peak_kib(),
        });
        let (secs, peak) = run_timed(
            Command::new(&dv)
                .args([
                    "--url",
                    &url,
                    "file",
                    "download",
                    &file_id.to_string(),
                    "-o",
                ])
                .arg(out.join("dv.bin"))
                .env("DATAVERSE_API_TOKEN", TOKEN)
                .stdout(Stdio::null()),
            &work.path().join("dv-down.time"),
        );
        rows.push(Row {
            size_mib: size,
            direction: "download",
            tool: "dv",
            secs,
            peak_kib: peak,
        });
        let (secs, peak) = run_timed(
            Command::new("curl")
                .args(["-sS", "-f", "-H"])
                .arg(format!("@{}", header.display()))
                .arg("-o")
                .arg(out.join("curl.bin"))
                .arg(format!("{url}/api/access/datafile/{file_id}")),
            &work.path().join("curl-down.time"),
        );
        rows.push(Row {
            size_mib: size,
            direction: "download",
            tool: "curl",
            secs,
            peak_kib: peak,
        });
        for name in ["lib.bin", "dv.bin", "curl.bin"] {
            let len = std::fs::metadata(out.join(name)).map(|m| m.len()).ok();
            assert_eq!(len, Some(size * MIB), "{name} has the wrong size");
        }
        std::fs::remove_dir_all(&out).ok();
        std::fs::remove_file(&data).ok();
    }

    // Stop the server gracefully (Ctrl-C) so `time` reports its peak.
    Command::new("pkill")
        .args(["-INT", "-P", &server.id().to_string()])
        .status()
        .ok();
    let _ = server.wait();
    let server_peak = peak_from(&server_stats);

    println!("| size | direction | client | time (s) | MiB/s | vs curl | client peak RSS (MiB) |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        let curl = rows
            .iter()
            .find(|c| c.size_mib == r.size_mib && c.direction == r.direction && c.tool == "curl")
            .map(|c| c.secs)
            .unwrap_or(f64::NAN);
        println!(
            "| {} MiB | {} | {} | {:.2} | {:.0} | {:.0}% | {} |",
            r.size_mib,
            r.direction,
            r.tool,
            r.secs,
            r.size_mib as f64 / r.secs,
            100.0 * curl / r.secs,
            r.peak_kib
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "?".into()),
        );
    }
    println!(
        "\nserver (`dv serve`) peak RSS over the whole run: {} MiB",
        server_peak
            .map(|k| format!("{:.1}", k as f64 / 1024.0))
            .unwrap_or_else(|| "?".into())
    );
    println!("library peak is this bench process's VmHWM (cumulative over the run)");
}

/// The `dv` binary: `DV_BIN`, or `target/release/dv` of this workspace.
fn dv_binary() -> PathBuf {
    let path = std::env::var_os("DV_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/dv"));
    if !path.exists() {
        eprintln!(
            "no dv binary at {}: run `cargo build --release -p dataverse-cli` or set DV_BIN",
            path.display()
        );
        std::process::exit(2);
    }
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Start `command` under `/usr/bin/time -v`, its report going to `stats`.
fn timed(command: &mut Command, stats: &Path) -> Child {
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .arg("-v")
        .arg("-o")
        .arg(stats)
        .arg(command.get_program())
        .args(command.get_args());
    for (k, v) in command.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    wrapped
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn under /usr/bin/time")
}

/// Run `command` to completion under `/usr/bin/time -v`: (seconds, peak RSS in KiB).
fn run_timed(command: &mut Command, stats: &Path) -> (f64, Option<u64>) {
    let start = Instant::now();
    let status = timed(command, stats).wait().expect("wait");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        status.success(),
        "{:?} failed: {status}",
        command.get_program()
    );
    (secs, peak_from(stats))
}

fn peak_from(stats: &Path) -> Option<u64> {
    std::fs::read_to_string(stats).ok()?.lines().find_map(|l| {
        l.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|v| v.trim().parse().ok())
    })
}

fn own_peak_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn wait_ready(api: &NativeApi, server: &mut Child) {
    for _ in 0..200 {
        if api.get_info_version().await.is_ok() {
            return;
        }
        if let Ok(Some(status)) = server.try_wait() {
            panic!("dv serve exited: {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("dv serve did not start");
}

/// Write `len` pseudo-random bytes (incompressible, so no layer can shortcut them).
async fn write_random(path: &Path, len: u64) {
    let mut f = tokio::fs::File::create(path).await.expect("create data");
    let mut rng = fastrand::Rng::with_seed(len);
    let mut buf = vec![0u8; MIB as usize];
    let mut left = len;
    while left > 0 {
        rng.fill(&mut buf);
        let n = left.min(MIB) as usize;
        f.write_all(&buf[..n]).await.expect("write data");
        left -= n as u64;
    }
    f.flush().await.expect("flush data");
}
