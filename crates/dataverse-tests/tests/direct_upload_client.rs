//! The client's direct upload against the embedded Dataverse with an S3 store on a real S3
//! server (`s3s-fs`), through a proxy that can fail or stall chosen part uploads: single
//! PUT and multipart end to end, fallback to native upload, retried parts, cancellation
//! (the upload aborted), an interrupted upload resumed, batched registration.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dataverse_client::api::upload::{UploadMode, UploadOptions, UploadSource};
use dataverse_client::models::files::UploadBody;
use dataverse_client::{Error, NativeApi, RetryPolicy};
use dataverse_tests::s3::S3Server;
use dataverse_tests::{TestServer, fixture_json};
use md5::Digest;
use serde_json::{Value, json};

/// What the proxy does with a part upload (`PUT ...?partNumber=N`), by part number and
/// attempt (from 1).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Action {
    Forward,
    Fail,
    Stall,
}

type Rule = Arc<dyn Fn(u32, u32) -> Action + Send + Sync>;

#[derive(Clone)]
struct Proxy {
    target: String,
    http: reqwest::Client,
    rule: Arc<Mutex<Rule>>,
    /// Attempts per part number; part 0 is a single PUT.
    puts: Arc<Mutex<HashMap<u32, u32>>>,
}

async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let uri = req.uri().clone();
    let query = uri.query().unwrap_or_default().to_string();
    let is_put = req.method() == axum::http::Method::PUT && query.contains("X-Amz-Signature");
    if is_put {
        let part: u32 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("partNumber="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let attempt = {
            let mut puts = p.puts.lock().unwrap();
            let n = puts.entry(part).or_insert(0);
            *n += 1;
            *n
        };
        let rule = p.rule.lock().unwrap().clone();
        match rule(part, attempt) {
            Action::Forward => {}
            Action::Fail => {
                // Read the body first, as a store failing late would.
                let _ = axum::body::to_bytes(req.into_body(), usize::MAX).await;
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "<Error><Code>InternalError</Code></Error>",
                )
                    .into_response();
            }
            Action::Stall => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        }
    }
    let (parts, body) = req.into_parts();
    let url = format!(
        "{}{}",
        p.target,
        uri.path_and_query().map(|x| x.as_str()).unwrap_or("/")
    );
    let mut out = p.http.request(parts.method.clone(), url);
    for (k, v) in parts.headers.iter() {
        out = out.header(k, v);
    }
    // Bodies are small here (parts of 5 MiB): forwarded whole, with their length.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::BAD_REQUEST, "unreadable body").into_response();
    };
    let out = out.body(bytes);
    match out.send().await {
        Ok(r) => {
            let mut b = Response::builder().status(r.status().as_u16());
            for (k, v) in r.headers() {
                b = b.header(k.as_str(), v.as_bytes());
            }
            b.body(Body::from_stream(r.bytes_stream())).unwrap()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

struct Env {
    /// API calls by the last path segment (`add`, `addFiles`, `uploadurls`, ...).
    calls: Arc<Mutex<HashMap<String, u32>>>,
    server: TestServer,
    s3: S3Server,
    proxy: Proxy,
    _proxy_task: tokio::task::JoinHandle<()>,
}

impl Env {
    /// An emulator whose S3 store (parts of 5 MiB) is reached through the proxy.
    async fn start() -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let s3 = S3Server::start().await;
        let proxy = Proxy {
            target: s3.endpoint.clone(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            rule: Arc::new(Mutex::new(Arc::new(|_, _| Action::Forward))),
            puts: Default::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy_url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(proxy.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut config = s3.config();
        config.endpoint = proxy_url;
        config.min_part_size = 5 * 1024 * 1024;
        let calls: Arc<Mutex<HashMap<String, u32>>> = Default::default();
        let counted = calls.clone();
        let server = TestServer::start_with(
            |c| {
                c.publish_delay = Duration::ZERO;
                c.s3 = Some(config);
            },
            None,
            move |r| {
                r.layer(axum::middleware::from_fn(
                    move |req: Request, next: axum::middleware::Next| {
                        let counted = counted.clone();
                        async move {
                            let last = req
                                .uri()
                                .path()
                                .rsplit('/')
                                .next()
                                .unwrap_or_default()
                                .to_string();
                            *counted.lock().unwrap().entry(last).or_insert(0) += 1;
                            next.run(req).await
                        }
                    },
                ))
            },
        )
        .await;
        Env {
            calls,
            server,
            s3,
            proxy,
            _proxy_task: task,
        }
    }

    fn api(&self) -> NativeApi {
        NativeApi::builder(&self.server.base_url)
            .api_token(self.server.admin_token.as_str())
            .retry_policy(RetryPolicy::new().base_delay(Duration::from_millis(5)))
            .build()
            .unwrap()
    }

    fn set_rule(&self, rule: impl Fn(u32, u32) -> Action + Send + Sync + 'static) {
        *self.proxy.rule.lock().unwrap() = Arc::new(rule);
    }

    fn puts(&self) -> HashMap<u32, u32> {
        self.proxy.puts.lock().unwrap().clone()
    }

    async fn dataset(&self) -> (u64, String) {
        create_dataset(&self.server).await
    }
}

async fn create_dataset(server: &TestServer) -> (u64, String) {
    let v: Value = reqwest::Client::new()
        .post(format!("{}/api/dataverses/root/datasets", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .json(&fixture_json("requests/dataset-create-finch1.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        v["data"]["id"].as_u64().unwrap(),
        v["data"]["persistentId"].as_str().unwrap().to_string(),
    )
}

fn object_key(pid: &str, sid: &str) -> String {
    format!(
        "{}/{}",
        pid.split_once(':').unwrap().1,
        sid.rsplit(':').next().unwrap()
    )
}

/// A file of `len` bytes in a fresh folder.
fn file_of(len: usize, seed: u8) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, &bytes).unwrap();
    (dir, path, bytes)
}

async fn download(api: &NativeApi, server: &TestServer, file: i64) -> Vec<u8> {
    let _ = api;
    reqwest::Client::new()
        .get(format!("{}/api/access/datafile/{file}", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn a_small_file_goes_in_one_put_and_is_registered_with_its_metadata() {
    let env = Env::start().await;
    let (ds, pid) = env.dataset().await;
    let (_dir, path, bytes) = file_of(1000, 1);
    let body = UploadBody {
        description: Some("direct".into()),
        directory_label: Some("raw".into()),
        categories: Some(vec!["Data".into()]),
        restrict: Some(true),
        ..Default::default()
    };
    let api = env.api();
    let report = api
        .upload_datafile_with(ds, UploadSource::path(&path), &body, UploadOptions::new())
        .await
        .unwrap();
    let f = report.file().unwrap();
    let sid = f.data_file.storage_identifier.clone().unwrap();
    assert!(sid.starts_with("s3://dv-test:"), "{sid}");
    assert_eq!(f.label, "data.bin");
    assert_eq!(f.directory_label.as_deref(), Some("raw"));
    assert_eq!(f.description.as_deref(), Some("direct"));
    assert!(f.restricted);
    assert!(report.checksum_verified);
    assert_eq!(report.checksum.value, hex::encode(md5::Md5::digest(&bytes)));
    assert_eq!(env.s3.object(&object_key(&pid, &sid)).unwrap(), bytes);
    assert_eq!(env.puts().get(&0), Some(&1), "one PUT");
    let id = f.data_file.id.unwrap() as i64;
    assert_eq!(download(&api, &env.server, id).await, bytes);
}

#[tokio::test]
async fn a_large_file_goes_in_parallel_parts_with_failed_parts_retried() {
    let env = Env::start().await;
    let (ds, pid) = env.dataset().await;
    let (_dir, path, bytes) = file_of(12 * 1024 * 1024 + 17, 2);
    // Every part fails on its first attempt.
    env.set_rule(|part, attempt| {
        if part > 0 && attempt == 1 {
            Action::Fail
        } else {
            Action::Forward
        }
    });
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let parts = Arc::new(Mutex::new(Vec::new()));
    let parts2 = parts.clone();
    let opts = UploadOptions::new()
        .mode(UploadMode::Direct)
        .parallel_parts(3)
        .progress(move |sent, total| seen2.lock().unwrap().push((sent, total)))
        .part_progress(move |p| parts2.lock().unwrap().push(p.clone()));
    let api = env.api();
    let report = api
        .upload_datafile_with(ds, UploadSource::path(&path), &UploadBody::default(), opts)
        .await
        .unwrap();
    let sid = report
        .file()
        .unwrap()
        .data_file
        .storage_identifier
        .clone()
        .unwrap();
    assert_eq!(env.s3.object(&object_key(&pid, &sid)).unwrap(), bytes);
    let puts = env.puts();
    assert_eq!(
        (puts.get(&1), puts.get(&2), puts.get(&3)),
        (Some(&2), Some(&2), Some(&2)),
        "{puts:?}"
    );
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().copied().unwrap();
    assert_eq!(last, (bytes.len() as u64, Some(bytes.len() as u64)));
    assert!(seen.iter().all(|(s, _)| *s <= bytes.len() as u64));
    // One event per part, once it is stored (after its retry), with its size.
    let mut parts = parts.lock().unwrap().clone();
    parts.sort_by_key(|p| p.part);
    let done: Vec<(u32, u32, u64, bool)> = parts
        .iter()
        .map(|p| (p.part, p.parts, p.bytes, p.resumed))
        .collect();
    let mib5 = 5 * 1024 * 1024;
    assert_eq!(
        done,
        vec![
            (1, 3, mib5, false),
            (2, 3, mib5, false),
            (3, 3, bytes.len() as u64 - 2 * mib5, false)
        ]
    );
    let id = report.file().unwrap().data_file.id.unwrap() as i64;
    assert_eq!(download(&api, &env.server, id).await, bytes);
}

#[tokio::test]
async fn without_direct_upload_the_file_goes_natively() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start().await;
    let (ds, _) = create_dataset(&server).await;
    let (_dir, path, _) = file_of(100, 3);
    let api = server.admin();
    let report = api
        .upload_datafile_with(
            ds,
            UploadSource::path(&path),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    let sid = report
        .file()
        .unwrap()
        .data_file
        .storage_identifier
        .clone()
        .unwrap();
    assert!(sid.starts_with("local://"), "{sid}");
    let err = api
        .upload_datafile_with(
            ds,
            UploadSource::path(&path).with_name("again.bin"),
            &UploadBody::default(),
            UploadOptions::new().mode(UploadMode::Direct),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument(ref m) if m.contains("no direct upload")),
        "{err}"
    );
}

#[tokio::test]
async fn a_cancelled_multipart_upload_is_aborted() {
    let env = Env::start().await;
    let (ds, _) = env.dataset().await;
    let (_dir, path, _) = file_of(11 * 1024 * 1024, 4);
    env.set_rule(|part, _| {
        if part == 3 {
            Action::Stall
        } else {
            Action::Forward
        }
    });
    let before = env.s3.files();
    let api = env.api();
    let body = UploadBody::default();
    let upload = api.upload_datafile_with(
        ds,
        UploadSource::path(&path),
        &body,
        UploadOptions::new().parallel_parts(3),
    );
    let cut = tokio::time::timeout(Duration::from_millis(1500), upload).await;
    assert!(cut.is_err(), "the upload was still running");
    // Parts 1 and 2 were stored; the abort the cancelled upload sent removes them.
    let mut cleaned = false;
    for _ in 0..100 {
        if env.s3.files() == before {
            cleaned = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(cleaned, "parts left: {:?}", env.s3.files());
}

#[tokio::test]
async fn an_interrupted_upload_resumes_with_the_missing_parts_only() {
    let env = Env::start().await;
    let (ds, pid) = env.dataset().await;
    let (_dir, path, bytes) = file_of(16 * 1024 * 1024, 5);
    let state = tempfile::tempdir().unwrap();
    // Part 3 always fails: the first run gives up after its retries.
    env.set_rule(|part, _| {
        if part == 3 {
            Action::Fail
        } else {
            Action::Forward
        }
    });
    let api = env.api();
    let opts = UploadOptions::new()
        .parallel_parts(2)
        .resume_dir(state.path());
    let err = api
        .upload_datafile_with(
            ds,
            UploadSource::path(&path),
            &UploadBody::default(),
            opts.clone(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ObjectStore {
                status: Some(500),
                ..
            }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("X-Amz-Signature"), "{err}");
    assert_eq!(
        std::fs::read_dir(state.path()).unwrap().count(),
        1,
        "the state is kept"
    );
    let first = env.puts();
    assert_eq!(
        (first.get(&1), first.get(&2), first.get(&4)),
        (Some(&1), Some(&1), Some(&1))
    );

    env.set_rule(|_, _| Action::Forward);
    let parts = Arc::new(Mutex::new(Vec::new()));
    let parts2 = parts.clone();
    let opts = opts.part_progress(move |p| parts2.lock().unwrap().push(p.clone()));
    let report = api
        .upload_datafile_with(ds, UploadSource::path(&path), &UploadBody::default(), opts)
        .await
        .unwrap();
    // The parts stored by the first run are reported as such, first; then the missing one.
    let parts: Vec<(u32, bool)> = parts
        .lock()
        .unwrap()
        .iter()
        .map(|p| (p.part, p.resumed))
        .collect();
    assert_eq!(parts, vec![(1, true), (2, true), (4, true), (3, false)]);
    let second = env.puts();
    for part in [1, 2, 4] {
        assert_eq!(
            second.get(&part),
            first.get(&part),
            "part {part} not sent again"
        );
    }
    assert_eq!(second[&3], first[&3] + 1, "only the missing part was sent");
    let sid = report
        .file()
        .unwrap()
        .data_file
        .storage_identifier
        .clone()
        .unwrap();
    assert_eq!(env.s3.object(&object_key(&pid, &sid)).unwrap(), bytes);
    assert_eq!(
        std::fs::read_dir(state.path()).unwrap().count(),
        0,
        "the state is gone"
    );
}

#[tokio::test]
async fn files_are_registered_in_one_batch_and_a_bad_entry_is_reported() {
    let env = Env::start().await;
    let (ds, _) = env.dataset().await;
    let api = env.api();
    let mut entries = Vec::new();
    for (i, text) in ["alpha", "beta"].iter().enumerate() {
        let urls = api.get_upload_urls(ds, text.len() as u64).await.unwrap();
        reqwest::Client::new()
            .put(urls.url.clone().unwrap())
            .header("x-amz-tagging", "dv-state=temp")
            .body(text.to_string())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let mut e = UploadBody {
            description: Some(format!("file {i}")),
            ..Default::default()
        };
        e.extra.insert(
            "storageIdentifier".into(),
            urls.storage_identifier.clone().into(),
        );
        e.extra
            .insert("fileName".into(), format!("{text}.txt").into());
        e.extra.insert("mimeType".into(), "text/plain".into());
        e.extra.insert(
            "checksum".into(),
            json!({"@type": "MD5", "@value": hex::encode(md5::Md5::digest(text.as_bytes()))}),
        );
        entries.push(e);
    }
    let mut bad = entries[0].clone();
    bad.extra.insert(
        "storageIdentifier".into(),
        "s3://dv-test:18c0ffee000-000000000000".into(),
    );
    bad.extra.insert("fileName".into(), "missing.txt".into());
    entries.push(bad);
    let answer = api.register_files(ds, &entries, false).await.unwrap();
    assert_eq!(answer.files.len(), 3);
    assert!(answer.files[0].is_registered() && answer.files[1].is_registered());
    assert!(!answer.files[2].is_registered());
    assert!(
        answer.files[2]
            .error_message
            .as_deref()
            .unwrap()
            .starts_with("Bad Request:")
    );
    assert_eq!(answer.result["Number of files successfully added"], 2);
    let names: Vec<String> = api
        .get_datafiles_metadata(ds, None, &[])
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.label)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let driver = api.get_dataset_storage_driver(ds).await.unwrap();
    assert!(driver.direct_upload);
}

#[tokio::test]
async fn a_replacement_goes_direct_and_keeps_the_lineage() {
    let env = Env::start().await;
    let (ds, _) = env.dataset().await;
    let api = env.api();
    let (_d1, first, _) = file_of(300, 6);
    let old = api
        .upload_datafile(ds, UploadSource::path(&first), &UploadBody::default())
        .await
        .unwrap();
    let old_id = old.files[0].data_file.id.unwrap();
    reqwest::Client::new()
        .post(format!(
            "{}/api/datasets/{ds}/actions/:publish?type=major",
            env.server.base_url
        ))
        .header("X-Dataverse-key", &env.server.admin_token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let (_d2, second, bytes) = file_of(400, 7);
    let report = api
        .replace_datafile_with(
            old_id,
            UploadSource::path(&second),
            &UploadBody::default(),
            UploadOptions::new().mode(UploadMode::Direct),
        )
        .await
        .unwrap();
    let f = report.file().unwrap();
    assert_eq!(f.data_file.previous_data_file_id, Some(old_id as i64));
    assert!(
        f.data_file
            .storage_identifier
            .as_deref()
            .unwrap()
            .starts_with("s3://")
    );
    let id = f.data_file.id.unwrap() as i64;
    assert_eq!(download(&api, &env.server, id).await, bytes);
}

#[tokio::test]
async fn a_directory_goes_direct_and_is_registered_in_batches() {
    use dataverse_client::api::upload::UploadDirectoryOptions;
    let env = Env::start().await;
    let (ds, _) = env.dataset().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for i in 0..5 {
        let rel = if i % 2 == 0 {
            format!("f{i}.txt")
        } else {
            format!("sub/f{i}.txt")
        };
        std::fs::write(dir.path().join(rel), format!("file number {i}\n")).unwrap();
    }
    let api = env.api();
    let summary = api
        .upload_directory(
            ds,
            dir.path(),
            UploadDirectoryOptions::new().registration_batch(2),
        )
        .await
        .unwrap();
    assert!(summary.is_success(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded.len(), 5);
    let calls = env.calls.lock().unwrap().clone();
    assert_eq!(calls.get("addFiles"), Some(&3), "{calls:?}");
    assert_eq!(calls.get("add"), None, "{calls:?}");
    let files = api.get_datafiles_metadata(ds, None, &[]).await.unwrap();
    assert_eq!(files.len(), 5);
    assert!(files.iter().all(|f| {
        f.data_file
            .storage_identifier
            .as_deref()
            .unwrap()
            .starts_with("s3://")
    }));
    let in_sub = files
        .iter()
        .filter(|f| f.directory_label.as_deref() == Some("sub"))
        .count();
    assert_eq!(in_sub, 2);
    // Again: nothing to send.
    let again = api
        .upload_directory(ds, dir.path(), UploadDirectoryOptions::new())
        .await
        .unwrap();
    assert_eq!(again.skipped.len(), 5);
}

/// The documented `replaceFiles` answer (a refused and a replaced entry) and `uploadurls`
/// answer decode into the library's models.
#[test]
fn the_documented_direct_upload_answers_decode() {
    use dataverse_client::models::direct_upload::{RegisterFilesResponse, UploadUrls};
    let v = fixture_json("doc-examples/direct-upload-replaceFiles.response.json");
    let r: RegisterFilesResponse = serde_json::from_value(v["data"].clone()).unwrap();
    assert_eq!(r.files.len(), 2);
    assert!(!r.files[0].is_registered());
    assert!(
        r.files[0]
            .error_message
            .as_deref()
            .unwrap()
            .starts_with("Bad Request:")
    );
    assert!(r.files[1].is_registered());
    let f = r.files[1].file().unwrap();
    assert_eq!(f.label, "file2.txt");
    assert_eq!(f.data_file.previous_data_file_id, Some(11));
    assert_eq!(r.result["Number of files successfully replaced"], 1);
    let v = fixture_json("doc-examples/direct-upload-uploadurls-single.response.json");
    let u: UploadUrls = serde_json::from_value(v["data"].clone()).unwrap();
    assert_eq!(u.part_size, 1_073_741_824);
    assert!(u.url.is_some() && u.parts().is_empty());
}
