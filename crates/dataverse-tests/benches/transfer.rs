//! Transfer benchmark: one large file uploaded and downloaded through the library, `dv` and
//! `curl`, side by side against the same `dv serve` on loopback, with the peak memory of
//! each client and of the server.
//!
//! ```sh
//! cargo build --release -p dataverse-cli          # the `dv` under test (or set DV_BIN)
//! cargo bench -p dataverse-tests --bench transfer              # 256 MiB, then 1 GiB
//! cargo bench -p dataverse-tests --bench transfer -- 64 128    # other sizes, in MiB
//! TRANSFER_REPS=5 cargo bench -p dataverse-tests --bench transfer  # runs per figure (3)
//! TRANSFER_CHECKSUM=SHA-1 cargo bench -p dataverse-tests --bench transfer  # server's algorithm
//! ```
//!
//! Each figure is the median of several runs; the clients take turns within a run, and
//! `sync` empties the page cache's dirty pages before each timed transfer, so that writing
//! back one transfer's file does not slow the next. Files are deleted as soon as they have
//! been measured (see `delete_uploads`).
//!
//! Next to plain curl, "curl + md5sum" (`sha1sum`, ... with `TRANSFER_CHECKSUM`) does what
//! the library does on top of moving the bytes: the checksum of the file beside the upload,
//! and of the download as it is written (`curl | tee FILE | md5sum`). The bench also times
//! the checksum of the file in this process: a verified download cannot go faster than that
//! on one core. CPU time is user + system time of the client (for the library, of this
//! process).
//!
//! Needs `curl`, `sync` and GNU `/usr/bin/time` (for the peak resident set size of child
//! processes). The library runs in this process; its peak is this process's `VmHWM`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dataverse_client::api::access::DownloadOptions;
use dataverse_client::api::upload::UploadSource;
use dataverse_client::checksum::ChecksumAlgorithm;
use dataverse_client::ids::Version;
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
    m: Measured,
}

/// One timed transfer: wall time, CPU time of the client (user + system) and its peak
/// resident set size.
#[derive(Clone, Copy)]
struct Measured {
    secs: f64,
    cpu: Option<f64>,
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
    let reps: usize = std::env::var("TRANSFER_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(3);
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
    let key = format!("@{}", header.display());
    // The server's checksum algorithm, as an installation sets it (MD5 when unset).
    let algorithm = std::env::var("TRANSFER_CHECKSUM").ok();
    if let Some(a) = &algorithm {
        let put = format!(
            "curl -sS -f -o /dev/null -X PUT -H '{key}' --data-binary '{a}' '{url}/api/admin/settings/:FileFixityChecksumAlgorithm'"
        );
        let ok = shell(&put).status().is_ok_and(|s| s.success());
        assert!(ok, "setting the checksum algorithm failed");
    }
    let stats = work.path().join("client.time");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).expect("out dir");

    let mut rows = Vec::new();
    let mut hash_secs = Vec::new();
    let hash_algorithm = algorithm
        .as_deref()
        .and_then(ChecksumAlgorithm::parse)
        .unwrap_or(ChecksumAlgorithm::Md5);
    // The coreutils tool of the algorithm, and the reference row's name.
    let (sum, with_sum) = match hash_algorithm {
        ChecksumAlgorithm::Md5 => ("md5sum", "curl + md5sum"),
        ChecksumAlgorithm::Sha1 => ("sha1sum", "curl + sha1sum"),
        ChecksumAlgorithm::Sha256 => ("sha256sum", "curl + sha256sum"),
        ChecksumAlgorithm::Sha512 => ("sha512sum", "curl + sha512sum"),
    };
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
        let start = Instant::now();
        dataverse_client::checksum::hash_file(&data, hash_algorithm)
            .await
            .expect("hash data");
        hash_secs.push((size, start.elapsed().as_secs_f64()));
        let body = UploadBody {
            tab_ingest: Some(false),
            ..Default::default()
        };
        let add_url = format!("{url}/api/datasets/:persistentId/add?persistentId={pid}");
        let curl_upload = format!(
            "curl -sS -f -o /dev/null -H '{key}' -F 'file=@{}' -F 'jsonData={{\"tabIngest\":false}}' '{add_url}'",
            data.display()
        );
        let mut push = |direction, tool, m| {
            rows.push(Row {
                size_mib: size,
                direction,
                tool,
                m,
            })
        };

        for rep in 0..reps {
            // Uploads. The library's file stays for the downloads; the others are deleted.
            settle();
            let cpu0 = own_cpu_secs();
            let start = Instant::now();
            let report = api
                .upload_datafile(pid.as_str(), UploadSource::path(&data), &body)
                .await
                .expect("library upload");
            push("upload", "library", in_process(start, cpu0));
            let file_id = report.files[0].data_file.id.expect("file id");

            settle();
            let mut upload = Command::new(&dv);
            upload
                .args(["--url", &url, "file", "upload", &pid])
                .arg(&data)
                .arg("--no-ingest")
                .env("DATAVERSE_API_TOKEN", TOKEN)
                .stdout(Stdio::null());
            if let Some(a) = &algorithm {
                // As a user who knows the server's setting would; see `dv file upload --help`.
                upload.args(["--checksum", a]);
            }
            let m = run_timed(&mut upload, &stats);
            push("upload", "dv", m);
            delete_uploads(&api, &pid, Some(file_id)).await;

            settle();
            push(
                "upload",
                "curl",
                run_timed(&mut shell(&curl_upload), &stats),
            );
            delete_uploads(&api, &pid, Some(file_id)).await;

            // curl checked like the library checks: MD5 of the file beside the upload.
            settle();
            let both = format!(
                "{sum} '{}' > /dev/null & {curl_upload} && wait",
                data.display()
            );
            push("upload", with_sum, run_timed(&mut shell(&both), &stats));
            delete_uploads(&api, &pid, Some(file_id)).await;

            // Downloads of the library's upload; each file is checked and removed at once.
            let file_url = format!("{url}/api/access/datafile/{file_id}");
            settle();
            let cpu0 = own_cpu_secs();
            let start = Instant::now();
            api.download_datafile(file_id, out.join("lib.bin"), &DownloadOptions::new())
                .await
                .expect("library download");
            push("download", "library", in_process(start, cpu0));
            remove_checked(&out.join("lib.bin"), size * MIB);

            settle();
            let m = run_timed(
                Command::new(&dv)
                    .args([
                        "--url",
                        &url,
                        "file",
                        "download",
                        &file_id.to_string(),
                        "-O",
                    ])
                    .arg(out.join("dv.bin"))
                    .env("DATAVERSE_API_TOKEN", TOKEN)
                    .stdout(Stdio::null()),
                &stats,
            );
            push("download", "dv", m);
            remove_checked(&out.join("dv.bin"), size * MIB);

            // The same without the fsync before the rename.
            settle();
            let m = run_timed(
                Command::new(&dv)
                    .args(["--url", &url, "file", "download", "--no-sync"])
                    .arg(file_id.to_string())
                    .arg("-O")
                    .arg(out.join("dv-nosync.bin"))
                    .env("DATAVERSE_API_TOKEN", TOKEN)
                    .stdout(Stdio::null()),
                &stats,
            );
            push("download", "dv --no-sync", m);
            remove_checked(&out.join("dv-nosync.bin"), size * MIB);

            settle();
            let curl_download = format!(
                "curl -sS -f -H '{key}' -o '{}' '{file_url}'",
                out.join("curl.bin").display()
            );
            push(
                "download",
                "curl",
                run_timed(&mut shell(&curl_download), &stats),
            );
            remove_checked(&out.join("curl.bin"), size * MIB);

            settle();
            let both = format!(
                "curl -sS -f -H '{key}' '{file_url}' | tee '{}' | {sum} > /dev/null",
                out.join("both.bin").display()
            );
            push("download", with_sum, run_timed(&mut shell(&both), &stats));
            remove_checked(&out.join("both.bin"), size * MIB);

            delete_uploads(&api, &pid, None).await;
            eprintln!("{size} MiB: run {} of {reps} done", rep + 1);
        }
        std::fs::remove_file(&data).ok();
    }

    // Stop the server gracefully (Ctrl-C) so `time` reports its peak.
    Command::new("pkill")
        .args(["-INT", "-P", &server.id().to_string()])
        .status()
        .ok();
    let _ = server.wait();
    let server_stats = Measured::from_stats(&server_stats, f64::NAN);

    println!(
        "| size | direction | client | median time (s) | all runs (s) | MiB/s | vs curl | client CPU (s) | client peak RSS (MiB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut seen = Vec::new();
    for r in &rows {
        let key = (r.size_mib, r.direction, r.tool);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let runs = |tool: &str| -> Vec<Measured> {
            rows.iter()
                .filter(|c| {
                    c.size_mib == r.size_mib && c.direction == r.direction && c.tool == tool
                })
                .map(|c| c.m)
                .collect()
        };
        let mine = runs(r.tool);
        let secs = median(mine.iter().map(|m| m.secs).collect());
        let curl = median(runs("curl").iter().map(|m| m.secs).collect());
        let cpu = median(mine.iter().filter_map(|m| m.cpu).collect());
        let all: Vec<String> = mine.iter().map(|m| format!("{:.2}", m.secs)).collect();
        let peak = mine.iter().filter_map(|m| m.peak_kib).max();
        println!(
            "| {} MiB | {} | {} | {:.2} | {} | {:.0} | {:.0}% | {:.2} | {} |",
            r.size_mib,
            r.direction,
            r.tool,
            secs,
            all.join(", "),
            r.size_mib as f64 / secs,
            100.0 * curl / secs,
            cpu,
            peak.map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "?".into()),
        );
    }
    println!();
    println!("server checksum algorithm: {}", hash_algorithm.as_str());
    for (size, secs) in &hash_secs {
        println!(
            "{} of the {size} MiB file in this process (one core, file in the page cache): {secs:.2} s, {:.0} MiB/s",
            hash_algorithm.as_str(),
            *size as f64 / secs
        );
    }
    println!(
        "server (`dv serve`): peak RSS over the whole run {} MiB, CPU {} s",
        server_stats
            .peak_kib
            .map(|k| format!("{:.1}", k as f64 / 1024.0))
            .unwrap_or_else(|| "?".into()),
        server_stats
            .cpu
            .map(|c| format!("{c:.1}"))
            .unwrap_or_else(|| "?".into()),
    );
    println!(
        "the library runs in this process: its peak is the process's VmHWM (cumulative), its CPU the process's"
    );
}

/// `sh -c script`.
fn shell(script: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(script);
    c
}

/// A transfer timed in this process since `start`, with this process's CPU since `cpu0`.
fn in_process(start: Instant, cpu0: Option<f64>) -> Measured {
    let secs = start.elapsed().as_secs_f64();
    Measured {
        secs,
        cpu: own_cpu_secs().zip(cpu0).map(|(now, then)| now - then),
        peak_kib: own_peak_kib(),
    }
}

/// CPU seconds (user + system) of this process so far, from `/proc/self/stat` (clock
/// ticks, 100 per second on Linux).
fn own_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

impl Measured {
    /// What GNU `time -v` wrote to `stats`, with the wall time measured outside.
    fn from_stats(stats: &Path, secs: f64) -> Measured {
        let text = std::fs::read_to_string(stats).unwrap_or_default();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
        };
        let user: Option<f64> = field("User time (seconds):").and_then(|v| v.parse().ok());
        let system: Option<f64> = field("System time (seconds):").and_then(|v| v.parse().ok());
        Measured {
            secs,
            cpu: user.zip(system).map(|(u, s)| u + s),
            peak_kib: field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok()),
        }
    }
}

/// Delete the dataset's files except `keep`. Files are deleted (and downloads removed) as
/// soon as they have been measured, so that the page cache recycles their pages: a working
/// set that grows from one transfer to the next makes the guest touch fresh memory, which
/// on a VM slows every write by a varying amount and hides differences between clients.
async fn delete_uploads(api: &NativeApi, pid: &str, keep: Option<u64>) {
    let files = api
        .get_datafiles_metadata(pid, Some(Version::Draft), &[])
        .await
        .expect("list files");
    for id in files.iter().filter_map(|f| f.data_file.id) {
        if Some(id) != keep {
            api.delete_datafile(id).await.expect("delete upload");
        }
    }
}

/// Check that a download has the size of the file, then remove it.
fn remove_checked(path: &Path, len: u64) {
    let got = std::fs::metadata(path).map(|m| m.len()).ok();
    assert_eq!(got, Some(len), "{} has the wrong size", path.display());
    std::fs::remove_file(path).expect("remove download");
}

/// The median of `values` (NaN for none).
fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Write every dirty page back to the disk, so that the next timed transfer does not pay
/// for the last one's writeback.
fn settle() {
    let ok = Command::new("sync").status().is_ok_and(|s| s.success());
    assert!(ok, "`sync` failed");
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

/// Run `command` to completion under `/usr/bin/time -v`, its report going to `stats`.
fn run_timed(command: &mut Command, stats: &Path) -> Measured {
    let start = Instant::now();
    let status = timed(command, stats).wait().expect("wait");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        status.success(),
        "{:?} {:?} failed: {status}",
        command.get_program(),
        command.get_args().collect::<Vec<_>>()
    );
    Measured::from_stats(stats, secs)
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
