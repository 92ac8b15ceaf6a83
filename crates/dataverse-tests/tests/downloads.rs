//! Downloads through the library: resume with `Range` after a cut-off body, a server that
//! ignores `Range`, checksum checks (MD5, SHA-1, SHA-256) that leave nothing behind on a
//! mismatch, `Content-Disposition` names for directory destinations, typed errors, and
//! whole datasets (zip and file by file). Edge cases run against a raw scripted HTTP server
//! (so a body can be cut off mid-way); round trips run against the embedded Dataverse.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use dataverse_client::api::access::{
    DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions, Verification,
};
use dataverse_client::api::upload::UploadSource;
use dataverse_client::checksum::{ChecksumAlgorithm, Hasher};
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MIB: usize = 1024 * 1024;

/// A request as the scripted server saw it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    headers: HashMap<String, String>,
}

/// What the scripted server answers.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Announce the whole body, send only this many bytes, then close the connection.
    cut_after: Option<usize>,
    /// Announce the whole body, send only this many bytes, then go silent (connection open).
    stall_after: Option<usize>,
    /// Send the body in pieces of this size with this pause between them.
    pace: Option<(usize, std::time::Duration)>,
}

impl Reply {
    fn json(v: serde_json::Value) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: v.to_string().into_bytes(),
            cut_after: None,
            stall_after: None,
            pace: None,
        }
    }

    fn ok(v: serde_json::Value) -> Reply {
        Reply::json(serde_json::json!({"status": "OK", "data": v}))
    }

    fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            ..Reply::json(serde_json::json!({"status": "ERROR", "message": message}))
        }
    }

    fn bytes(body: &[u8], name: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/octet-stream".into()),
                (
                    "Content-Disposition".into(),
                    format!("attachment; filename=\"{name}\""),
                ),
                ("Accept-Ranges".into(), "bytes".into()),
            ],
            body: body.to_vec(),
            cut_after: None,
            stall_after: None,
            pace: None,
        }
    }

    /// Honour `Range: bytes=N-` the way Dataverse does (206 + Content-Range).
    fn ranged(body: &[u8], name: &str, seen: &Seen) -> Reply {
        let mut reply = Reply::bytes(body, name);
        if let Some(start) = range_start(seen) {
            let start = start as usize;
            reply.status = 206;
            reply.headers.push((
                "Content-Range".into(),
                format!("bytes {start}-{}/{}", body.len() - 1, body.len()),
            ));
            reply.body = body[start..].to_vec();
        }
        reply
    }

    fn cut(mut self, after: usize) -> Reply {
        self.cut_after = Some(after);
        self
    }

    fn stall(mut self, after: usize) -> Reply {
        self.stall_after = Some(after);
        self
    }

    fn paced(mut self, piece: usize, pause: std::time::Duration) -> Reply {
        self.pace = Some((piece, pause));
        self
    }
}

fn range_start(seen: &Seen) -> Option<u64> {
    seen.headers
        .get("range")?
        .strip_prefix("bytes=")?
        .strip_suffix('-')?
        .parse()
        .ok()
}

type Handler = Arc<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

/// A raw HTTP/1.1 server: one request per connection, scripted replies, every request recorded.
struct Scripted {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    /// `handler(request, n)` answers the n-th request (1-based) for that path.
    async fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Scripted {
        let handler: Handler = Arc::new(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let counts = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
        let seen2 = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let seen = seen2.clone();
                let counts = counts.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    let mut lines = text.split("\r\n");
                    let request_line = lines.next().unwrap_or_default();
                    let target = request_line
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or_default()
                        .to_string();
                    let headers = lines
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let req = Seen { target, headers };
                    seen.lock().unwrap().push(req.clone());
                    let path = req.target.split('?').next().unwrap_or_default().to_string();
                    let n = {
                        let mut c = counts.lock().unwrap();
                        let e = c.entry(path).or_insert(0);
                        *e += 1;
                        *e
                    };
                    let reply = handler(&req, n);
                    let mut head = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        reply.status,
                        reply.body.len()
                    );
                    for (k, v) in &reply.headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    if sock.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let send = reply
                        .cut_after
                        .or(reply.stall_after)
                        .unwrap_or(reply.body.len())
                        .min(reply.body.len());
                    let (piece, pause) = reply.pace.unwrap_or((send.max(1), Default::default()));
                    for part in reply.body[..send].chunks(piece.max(1)) {
                        if sock.write_all(part).await.is_err() {
                            return;
                        }
                        let _ = sock.flush().await;
                        tokio::time::sleep(pause).await;
                    }
                    if reply.stall_after.is_some() {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    }
                    let _ = sock.flush().await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Scripted { base, seen }
    }

    fn api(&self) -> NativeApi {
        common::client(&self.base, None)
    }

    fn requests_to(&self, prefix: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.target.starts_with(prefix))
            .cloned()
            .collect()
    }
}

/// Deterministic, non-repeating-looking test data.
fn data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn digest(alg: ChecksumAlgorithm, bytes: &[u8]) -> String {
    let mut h = Hasher::new(alg);
    h.update(bytes);
    h.finalize()
}

/// `GET /api/files/{id}` of a plain file with the given checksum.
fn file_metadata(id: u64, label: &str, size: usize, kind: &str, value: &str) -> serde_json::Value {
    serde_json::json!({
        "label": label, "restricted": false, "version": 1, "datasetVersionId": 1,
        "dataFile": {
            "id": id, "persistentId": "", "filename": label, "contentType": "application/octet-stream",
            "filesize": size, "storageIdentifier": "local://x", "rootDataFileId": -1,
            "checksum": {"type": kind, "value": value}, "tabularData": false
        }
    })
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_cut_off_download_resumes_with_range_and_ends_byte_identical() {
    let body = data(6 * MIB + 123);
    let md5 = digest(ChecksumAlgorithm::Md5, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, n| {
            if req.target.starts_with("/api/files/42") {
                return Reply::ok(file_metadata(42, "big.bin", body.len(), "MD5", &md5));
            }
            let reply = Reply::ranged(&body, "big.bin", req);
            if n == 1 { reply.cut(3 * MIB) } else { reply }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let progress = Arc::new(Mutex::new(Vec::<(u64, Option<u64>)>::new()));
    let p = progress.clone();
    let options =
        DownloadOptions::new().progress(move |done, total| p.lock().unwrap().push((done, total)));
    let report = server
        .api()
        .download_datafile(42, &dest, &options)
        .await
        .unwrap();

    assert_eq!(std::fs::read(&dest).unwrap(), body, "byte-identical");
    assert_eq!(report.bytes, body.len() as u64);
    assert_eq!(report.resumes, 1);
    assert_eq!(report.restarts, 0);
    assert_eq!(report.path, dest);
    assert!(matches!(
        report.verification,
        Verification::Checksum {
            algorithm: ChecksumAlgorithm::Md5,
            ..
        }
    ));
    let access = server.requests_to("/api/access/datafile/42");
    assert_eq!(access.len(), 2, "{access:?}");
    assert!(!access[0].headers.contains_key("range"));
    let start = range_start(&access[1]).expect("the second request carries Range");
    assert!(start > 0 && start <= 3 * MIB as u64, "resumed at {start}");
    assert_eq!(dir_entries(dir.path()), vec!["out.bin"], "no .part left");
    let progress = progress.lock().unwrap();
    assert_eq!(
        progress.last(),
        Some(&(body.len() as u64, Some(body.len() as u64)))
    );
}

#[tokio::test]
async fn without_sync_a_cut_download_still_resumes_checked_and_whole() {
    let body = data(5 * MIB + 9);
    let sha1 = digest(ChecksumAlgorithm::Sha1, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, n| {
            if req.target.starts_with("/api/files/7") {
                return Reply::ok(file_metadata(7, "nosync.bin", body.len(), "SHA-1", &sha1));
            }
            let reply = Reply::ranged(&body, "nosync.bin", req);
            if n == 1 { reply.cut(2 * MIB) } else { reply }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let options = DownloadOptions::new().sync(false);
    assert!(!options.sync);
    let report = server
        .api()
        .download_datafile(7, &dest, &options)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body, "byte-identical");
    assert_eq!(report.resumes, 1);
    assert!(matches!(
        report.verification,
        Verification::Checksum {
            algorithm: ChecksumAlgorithm::Sha1,
            ..
        }
    ));
    assert_eq!(dir_entries(dir.path()), vec!["out.bin"], "no .part left");
}

#[tokio::test]
async fn a_server_ignoring_range_restarts_cleanly() {
    let body = data(3 * MIB + 7);
    let sha256 = digest(ChecksumAlgorithm::Sha256, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, n| {
            if req.target.starts_with("/api/files/") {
                return Reply::ok(file_metadata(7, "a.bin", body.len(), "SHA-256", &sha256));
            }
            // Always the whole file with 200, whatever Range says; the first one cut off.
            let reply = Reply::bytes(&body, "a.bin");
            if n == 1 { reply.cut(MIB + 5) } else { reply }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("a.bin");
    let report = server
        .api()
        .download_datafile(7, &dest, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(report.restarts, 1, "{report:?}");
    assert_eq!(report.resumes, 1);
    assert!(report.verification.is_verified());
    let access = server.requests_to("/api/access/datafile/7");
    assert_eq!(access.len(), 2);
    assert!(range_start(&access[1]).is_some(), "it did ask for a range");
}

#[tokio::test]
async fn transfers_have_no_total_timeout_but_an_idle_one() {
    use std::time::Duration;
    let body = data(200_000);
    let md5 = digest(ChecksumAlgorithm::Md5, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, n| {
            if req.target.starts_with("/api/files/") {
                return Reply::ok(file_metadata(1, "s.bin", body.len(), "MD5", &md5));
            }
            if req.target.starts_with("/api/access/datafile/1") {
                // Steady but slow: ~1 s in all, longer than the request timeout.
                return Reply::ranged(&body, "s.bin", req)
                    .paced(20_000, Duration::from_millis(100));
            }
            // Goes silent after 50 kB the first time.
            let reply = Reply::ranged(&body, "s.bin", req);
            if n == 1 { reply.stall(50_000) } else { reply }
        })
        .await
    };
    let api = NativeApi::builder(&server.base)
        .retry_policy(common::fast_retries())
        .request_timeout(Duration::from_millis(400))
        .transfer_idle_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let slow = api
        .download_datafile(1, dir.path().join("slow.bin"), &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(slow.resumes, 0, "{slow:?}");
    assert_eq!(std::fs::read(&slow.path).unwrap(), body);
    let stalled = api
        .download_datafile(
            2,
            dir.path().join("stalled.bin"),
            &DownloadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(stalled.resumes, 1, "{stalled:?}");
    assert_eq!(std::fs::read(&stalled.path).unwrap(), body);
    let access = server.requests_to("/api/access/datafile/2");
    assert_eq!(range_start(&access[1]), Some(50_000));
}

#[tokio::test]
async fn a_wrong_checksum_leaves_nothing_and_reports_the_mismatch() {
    let body = data(200_000);
    let wrong = digest(ChecksumAlgorithm::Md5, b"something else");
    let server = {
        let body = body.clone();
        let wrong = wrong.clone();
        Scripted::start(move |req, _| {
            if req.target.starts_with("/api/files/") {
                return Reply::ok(file_metadata(5, "c.bin", body.len(), "MD5", &wrong));
            }
            Reply::ranged(&body, "c.bin", req)
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("c.bin");
    let err = server
        .api()
        .download_datafile(5, &dest, &DownloadOptions::default())
        .await
        .unwrap_err();
    match &err {
        Error::ChecksumMismatch {
            file,
            algorithm,
            expected,
            actual,
        } => {
            assert_eq!(file, "5");
            assert_eq!(algorithm.as_str(), "MD5");
            assert_eq!(expected, &wrong);
            assert_eq!(actual, &digest(ChecksumAlgorithm::Md5, &body));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("checksum mismatch"), "{err}");
    assert!(!dest.exists());
    assert!(
        dir_entries(dir.path()).is_empty(),
        "{:?}",
        dir_entries(dir.path())
    );
}

#[tokio::test]
async fn sha1_and_md5_checksums_are_verified() {
    let body = data(100_000);
    for (kind, alg) in [
        ("SHA-1", ChecksumAlgorithm::Sha1),
        ("MD5", ChecksumAlgorithm::Md5),
        ("SHA-512", ChecksumAlgorithm::Sha512),
    ] {
        let value = digest(alg, &body).to_uppercase(); // case does not matter
        let server = {
            let body = body.clone();
            Scripted::start(move |req, _| {
                if req.target.starts_with("/api/files/") {
                    return Reply::ok(file_metadata(3, "d.bin", body.len(), kind, &value));
                }
                Reply::ranged(&body, "d.bin", req)
            })
            .await
        };
        let dir = tempfile::tempdir().unwrap();
        let report = server
            .api()
            .download_datafile(3, dir.path().join("d.bin"), &DownloadOptions::default())
            .await
            .unwrap();
        assert_eq!(
            report.verification,
            Verification::Checksum {
                algorithm: alg,
                value: digest(alg, &body)
            },
            "{kind}"
        );
    }
}

#[tokio::test]
async fn a_directory_destination_takes_the_content_disposition_name_safely() {
    let body = data(1000);
    let md5 = digest(ChecksumAlgorithm::Md5, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, _| {
            if req.target.starts_with("/api/files/1") && !req.target.starts_with("/api/files/11") {
                return Reply::ok(file_metadata(1, "label.bin", body.len(), "MD5", &md5));
            }
            if req.target.starts_with("/api/files/11") {
                return Reply::ok(file_metadata(11, "label.bin", body.len(), "MD5", &md5));
            }
            if req.target.starts_with("/api/access/datafile/11") {
                return Reply::ranged(&body, "..%2F..%2Fescape.bin", req);
            }
            Reply::ranged(&body, "my%20data.bin", req)
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let api = server.api();
    let report = api
        .download_datafile(1, &inner, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(report.path, inner.join("my data.bin"));
    assert_eq!(std::fs::read(inner.join("my data.bin")).unwrap(), body);
    // A name with a path in it keeps only its last part: nothing outside the directory.
    let report = api
        .download_datafile(11, &inner, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(report.path, inner.join("escape.bin"));
    assert_eq!(dir_entries(dir.path()), vec!["inner"]);
    assert_eq!(dir_entries(&inner), vec!["escape.bin", "my data.bin"]);
}

#[tokio::test]
async fn a_leftover_part_file_is_resumed() {
    let body = data(2 * MIB);
    let md5 = digest(ChecksumAlgorithm::Md5, &body);
    let server = {
        let body = body.clone();
        Scripted::start(move |req, _| {
            if req.target.starts_with("/api/files/") {
                return Reply::ok(file_metadata(9, "e.bin", body.len(), "MD5", &md5));
            }
            Reply::ranged(&body, "e.bin", req)
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".e.bin.part"), &body[..MIB + 1]).unwrap();
    let dest = dir.path().join("e.bin");
    let report = server
        .api()
        .download_datafile(9, &dest, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(report.resumed_from, (MIB + 1) as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let access = server.requests_to("/api/access/datafile/9");
    assert_eq!(access.len(), 1);
    assert_eq!(range_start(&access[0]), Some((MIB + 1) as u64));

    // A stale leftover (other bytes) is detected by the checksum and replaced by a fresh download.
    std::fs::write(dir.path().join(".e2.bin.part"), vec![0u8; 1000]).unwrap();
    let dest2 = dir.path().join("e2.bin");
    let report = server
        .api()
        .download_datafile(9, &dest2, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest2).unwrap(), body);
    assert!(report.verification.is_verified());

    // resume(false) ignores the leftover.
    std::fs::write(dir.path().join(".e3.bin.part"), &body[..10]).unwrap();
    let report = server
        .api()
        .download_datafile(
            9,
            dir.path().join("e3.bin"),
            &DownloadOptions::new().resume(false),
        )
        .await
        .unwrap();
    assert_eq!(report.resumed_from, 0);
    assert_eq!(dir_entries(dir.path()), vec!["e.bin", "e2.bin", "e3.bin"]);
}

#[tokio::test]
async fn missing_and_forbidden_files_are_typed_errors() {
    let server = Scripted::start(|req, _| {
        if req.target.starts_with("/api/files/404") {
            return Reply::error(404, "File with ID 404 not found.");
        }
        if req.target.starts_with("/api/files/") {
            return Reply::ok(file_metadata(1, "x.bin", 10, "MD5", "00"));
        }
        if req.target.starts_with("/api/access/datafile/403") {
            return Reply::error(403, "Not authorized to access this object via this API endpoint. Please check your code for typos, or consult our API guide at http://guides.dataverse.org.");
        }
        Reply::error(404, "not found")
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let api = server.api();
    let o = DownloadOptions::default();
    let e = api
        .download_datafile(404, dir.path().join("a"), &o)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    // The metadata is there but the bytes vanished.
    let e = api
        .download_datafile(405, dir.path().join("b"), &o)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    let e = api
        .download_datafile(403, dir.path().join("c"), &o)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert!(
        dir_entries(dir.path()).is_empty(),
        "{:?}",
        dir_entries(dir.path())
    );
}

#[tokio::test]
async fn an_unwritable_destination_is_an_io_error_naming_the_path() {
    let body = data(10);
    let md5 = digest(ChecksumAlgorithm::Md5, &body);
    let server = Scripted::start(move |req, _| {
        if req.target.starts_with("/api/files/") {
            return Reply::ok(file_metadata(1, "x.bin", body.len(), "MD5", &md5));
        }
        Reply::ranged(&body, "x.bin", req)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"file").unwrap();
    let dest = blocker.join("x.bin");
    let err = server
        .api()
        .download_datafile(1, &dest, &DownloadOptions::default())
        .await
        .unwrap_err();
    match &err {
        Error::Io { path, .. } => assert!(path.starts_with(&blocker), "{}", path.display()),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[tokio::test]
async fn a_dataset_downloads_file_by_file_into_its_folders() {
    let a = data(5000);
    let b = data(7000)[100..].to_vec();
    let files = {
        let mut fa = file_metadata(
            21,
            "a.bin",
            a.len(),
            "MD5",
            &digest(ChecksumAlgorithm::Md5, &a),
        );
        fa["directoryLabel"] = "raw/2024".into();
        let fb = file_metadata(
            22,
            "b.bin",
            b.len(),
            "SHA-1",
            &digest(ChecksumAlgorithm::Sha1, &b),
        );
        let mut evil = file_metadata(23, "evil.bin", 3, "MD5", "00");
        evil["directoryLabel"] = "../../outside".into();
        serde_json::json!([fa, fb, evil])
    };
    let server = {
        let (a, b) = (a.clone(), b.clone());
        Scripted::start(move |req, _| {
            if req.target.starts_with("/api/datasets/") {
                assert!(
                    req.target.contains("/versions/:latest/files"),
                    "{}",
                    req.target
                );
                return Reply::ok(files.clone());
            }
            if req.target.starts_with("/api/access/datafile/21") {
                return Reply::ranged(&a, "a.bin", req);
            }
            if req.target.starts_with("/api/access/datafile/22") {
                return Reply::ranged(&b, "b.bin", req);
            }
            Reply::error(404, "no")
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("ds");
    let finished = Arc::new(Mutex::new(Vec::new()));
    let f = finished.clone();
    let options = DatasetDownloadOptions::new()
        .mode(DatasetDownloadMode::Files)
        .max_concurrency(2)
        .file_progress(move |done, total| f.lock().unwrap().push((done, total)));
    let report = server
        .api()
        .download_dataset(77, &dest, &options)
        .await
        .unwrap();
    assert_eq!(report.files.len(), 3, "every file is reported");
    assert_eq!(report.succeeded(), 2);
    assert_eq!(std::fs::read(dest.join("raw/2024/a.bin")).unwrap(), a);
    assert_eq!(std::fs::read(dest.join("b.bin")).unwrap(), b);
    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].file_id, 23);
    assert!(
        matches!(failed[0].result, Err(Error::InvalidArgument(_))),
        "{:?}",
        failed[0].result
    );
    assert!(!dir.path().join("outside").exists());
    assert_eq!(dir_entries(dir.path()), vec!["ds"]);
    assert_eq!(finished.lock().unwrap().len(), 3);
    assert!(server.requests_to("/api/access/datafile/23").is_empty());
}

#[tokio::test]
async fn a_dataset_zip_is_saved_under_the_server_name() {
    let zip = data(40_000);
    let server = {
        let zip = zip.clone();
        Scripted::start(move |req, n| {
            assert!(
                req.target
                    .starts_with("/api/access/dataset/:persistentId/versions/1.0?persistentId=doi"),
                "{}",
                req.target
            );
            // Zips are built on the fly: no Range; the first answer is cut off.
            let reply = Reply::bytes(&zip, "doi-10.5072-fk2-abcdef_v1.0.zip");
            if n == 1 { reply.cut(10_000) } else { reply }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let options =
        DatasetDownloadOptions::new().version("1.0".parse::<dataverse_client::Version>().unwrap());
    let report = server
        .api()
        .download_dataset("doi:10.5072/FK2/ABCDEF", dir.path(), &options)
        .await
        .unwrap();
    let zr = report.zip.expect("a zip");
    assert_eq!(zr.path, dir.path().join("doi-10.5072-fk2-abcdef_v1.0.zip"));
    assert_eq!(std::fs::read(&zr.path).unwrap(), zip);
    assert_eq!(
        zr.verification,
        Verification::Unverified { size_checked: true }
    );
    assert_eq!(
        dir_entries(dir.path()),
        vec!["doi-10.5072-fk2-abcdef_v1.0.zip"]
    );
}

// ---- against the embedded Dataverse ----

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// A draft dataset with a binary file (in `raw/`) and a CSV that gets ingested; returns
/// (dataset id, binary file id, csv file id).
async fn dataset_with_files(
    api: &NativeApi,
    dir: &Path,
    binary: &[u8],
    csv: &[u8],
) -> (u64, u64, u64) {
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let bin_path = dir.join("blob.bin");
    std::fs::write(&bin_path, binary).unwrap();
    let csv_path = dir.join("table.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let body = UploadBody {
        directory_label: Some("raw".into()),
        ..Default::default()
    };
    let up = api
        .upload_datafile(created.id, UploadSource::path(&bin_path), &body)
        .await
        .unwrap();
    let bin_id = up.files[0].data_file.id.unwrap();
    let up = api
        .upload_datafile(
            created.id,
            UploadSource::path(&csv_path),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    let csv_id = up.files[0].data_file.id.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !api
        .get_dataset_lock(created.id, None)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "ingest never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (created.id, bin_id, csv_id)
}

const CSV: &[u8] = b"name,count\nfinch,3\nsparrow,5\n";

#[tokio::test]
async fn embedded_round_trip_with_checksums_resume_and_originals() {
    let server = TestServer::start().await;
    let api = server.admin();
    let src = tempfile::tempdir().unwrap();
    let binary = data(3 * MIB + 11);
    let (ds, bin_id, csv_id) = dataset_with_files(&api, src.path(), &binary, CSV).await;
    let out = tempfile::tempdir().unwrap();

    // A plain file, into a directory: the server's name, verified with its MD5.
    let report = api
        .download_datafile(bin_id, out.path(), &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(report.path, out.path().join("blob.bin"));
    assert_eq!(std::fs::read(&report.path).unwrap(), binary);
    assert_eq!(
        report.verification,
        Verification::Checksum {
            algorithm: ChecksumAlgorithm::Md5,
            value: digest(ChecksumAlgorithm::Md5, &binary)
        }
    );

    // A leftover half is resumed with Range (the server answers 206).
    let dest = out.path().join("again.bin");
    std::fs::write(out.path().join(".again.bin.part"), &binary[..MIB]).unwrap();
    let report = api
        .download_datafile(bin_id, &dest, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(report.resumed_from, MIB as u64);
    assert_eq!(report.restarts, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), binary);

    // The ingested table: the .tab form has no checksum; the original is the upload, verified.
    let tab = api
        .download_datafile(csv_id, out.path(), &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(tab.path, out.path().join("table.tab"));
    assert!(
        matches!(tab.verification, Verification::Unverified { .. }),
        "{tab:?}"
    );
    assert!(std::fs::read_to_string(&tab.path).unwrap().contains('\t'));
    // A leftover longer than the (unsized) .tab form: 416 for the range, then from zero.
    std::fs::write(out.path().join(".table2.tab.part"), vec![b'x'; 10_000]).unwrap();
    let again = api
        .download_datafile(
            csv_id,
            out.path().join("table2.tab"),
            &DownloadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(again.restarts, 1, "{again:?}");
    assert_eq!(
        std::fs::read(&again.path).unwrap(),
        std::fs::read(&tab.path).unwrap()
    );
    let orig = api
        .download_datafile(
            csv_id,
            out.path().join("orig.csv"),
            &DownloadOptions::new().original(true),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&orig.path).unwrap(), CSV);
    assert!(orig.verification.is_verified(), "{orig:?}");

    // Unknown file: NotFound; anonymous on a draft: refused; nothing written either way.
    let empty = tempfile::tempdir().unwrap();
    let e = api
        .download_datafile(999_999, empty.path().join("x"), &DownloadOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    let e = server
        .anonymous()
        .download_datafile(bin_id, empty.path().join("y"), &DownloadOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unauthorized(_) | Error::Forbidden(_) | Error::NotFound(_)
        ),
        "{e:?}"
    );
    assert!(dir_entries(empty.path()).is_empty());

    // The whole dataset, file by file (originals) and as a zip.
    let files_dir = out.path().join("files");
    let options = DatasetDownloadOptions::new()
        .mode(DatasetDownloadMode::Files)
        .original(true);
    let report = api
        .download_dataset(ds, &files_dir, &options)
        .await
        .unwrap();
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.succeeded(), 2, "{report:?}");
    assert_eq!(
        std::fs::read(files_dir.join("raw/blob.bin")).unwrap(),
        binary
    );
    assert_eq!(std::fs::read(files_dir.join("table.csv")).unwrap(), CSV);
    let zip_dir = out.path().join("zip");
    let report = api
        .download_dataset(ds, &zip_dir, &DatasetDownloadOptions::default())
        .await
        .unwrap();
    let zip = report.zip.unwrap();
    assert!(
        zip.path.extension().is_some_and(|e| e == "zip"),
        "{}",
        zip.path.display()
    );
    assert!(std::fs::read(&zip.path).unwrap().starts_with(b"PK"));
    assert_eq!(dir_entries(&zip_dir).len(), 1);
}
