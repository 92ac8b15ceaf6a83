//! Direct upload on the embedded Dataverse with an S3 store, against a real S3 server
//! (`s3s-fs`, in-process), driven with raw HTTP: `uploadurls` (one PUT, multipart),
//! `mpupload` complete and abort, registration with `add` / `addFiles` / `replaceFiles`,
//! downloads streamed or redirected, and the store refusing forged and expired URLs.

use std::time::Duration;

use dataverse_tests::TestServer;
use dataverse_tests::fixture_json;
use dataverse_tests::s3::S3Server;
use md5::Digest;
use reqwest::multipart::Form;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Env {
    server: TestServer,
    s3: S3Server,
    http: Client,
}

impl Env {
    async fn start(adjust: impl FnOnce(&mut dataverse_emulator::S3Config)) -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let s3 = S3Server::start().await;
        let mut config = s3.config();
        adjust(&mut config);
        let server = TestServer::start_with(
            |c| {
                c.publish_delay = Duration::ZERO;
                c.s3 = Some(config);
            },
            None,
            |r| r,
        )
        .await;
        Env {
            server,
            s3,
            http: Client::new(),
        }
    }

    fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.server.base_url))
            .header("X-Dataverse-key", &self.server.admin_token)
    }

    async fn json(&self, b: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = b.send().await.expect("request");
        let s = r.status();
        let text = r.text().await.expect("body");
        let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {s} {text}"));
        (s, v)
    }

    async fn create_dataset(&self) -> (i64, String) {
        let body = fixture_json("requests/dataset-create-finch1.json");
        let (s, v) = self
            .json(
                self.req(Method::POST, "/api/dataverses/root/datasets")
                    .json(&body),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (
            v["data"]["id"].as_i64().unwrap(),
            v["data"]["persistentId"].as_str().unwrap().to_string(),
        )
    }

    async fn upload_urls(&self, ds: i64, size: u64) -> (StatusCode, Value) {
        self.json(self.req(
            Method::GET,
            &format!("/api/datasets/{ds}/uploadurls?size={size}"),
        ))
        .await
    }

    /// Register with `jsonData` only on `path` (`add`, `addFiles`, `replaceFiles`).
    async fn register(&self, ds: i64, path: &str, json_data: Value) -> (StatusCode, Value) {
        let form = Form::new().text("jsonData", json_data.to_string());
        self.json(
            self.req(Method::POST, &format!("/api/datasets/{ds}/{path}"))
                .multipart(form),
        )
        .await
    }

    async fn download(&self, file: i64) -> reqwest::Response {
        self.req(Method::GET, &format!("/api/access/datafile/{file}"))
            .send()
            .await
            .expect("download")
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(md5::Md5::digest(bytes))
}

/// The object key of a storage identifier in dataset `pid` (`doi:A/B` ⇒ `A/B/<name>`).
fn key_of(pid: &str, sid: &str) -> String {
    let name = sid.rsplit(':').next().unwrap();
    format!("{}/{name}", pid.split_once(':').unwrap().1)
}

#[tokio::test]
async fn without_an_s3_store_direct_upload_is_not_offered() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start().await;
    let http = Client::new();
    let body = fixture_json("requests/dataset-create-finch1.json");
    let v: Value = http
        .post(format!("{}/api/dataverses/root/datasets", server.base_url))
        .header("X-Dataverse-key", &server.admin_token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ds = v["data"]["id"].as_i64().unwrap();
    let r = http
        .get(format!(
            "{}/api/datasets/{ds}/uploadurls?size=10",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["message"],
        format!("Direct upload not supported for files in this dataset: {ds}")
    );
    let v: Value = http
        .get(format!(
            "{}/api/datasets/{ds}/storageDriver",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"]["name"], "file");
    assert_eq!(v["data"]["directUpload"], false);
}

#[tokio::test]
async fn single_part_upload_is_stored_registered_and_downloadable() {
    let env = Env::start(|_| {}).await;
    let (ds, pid) = env.create_dataset().await;
    let (s, v) = env
        .json(env.req(Method::GET, &format!("/api/datasets/{ds}/storageDriver")))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["type"], "s3");
    assert_eq!(v["data"]["directUpload"], true);

    let bytes = b"direct bytes, one part\n".repeat(100);
    let (s, v) = env.upload_urls(ds, bytes.len() as u64).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["partSize"], 1024 * 1024 * 1024);
    let url = v["data"]["url"].as_str().unwrap().to_string();
    let sid = v["data"]["storageIdentifier"].as_str().unwrap().to_string();
    assert!(sid.starts_with("s3://dv-test:"), "{sid}");

    // The tag is a signed header: without it the store refuses the URL.
    let r = env.http.put(&url).body(bytes.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = env
        .http
        .put(&url)
        .header("x-amz-tagging", "dv-state=temp")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(env.s3.object(&key_of(&pid, &sid)).unwrap(), bytes);

    let (s, v) = env
        .register(
            ds,
            "add",
            json!({"storageIdentifier": sid, "fileName": "one.txt", "mimeType": "text/plain",
                "checksum": {"@type": "MD5", "@value": md5_hex(&bytes)},
                "directoryLabel": "data", "description": "direct", "categories": ["Data"],
                "restrict": "false"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let fm = &v["data"]["files"][0];
    assert_eq!(fm["label"], "one.txt");
    assert_eq!(fm["directoryLabel"], "data");
    assert_eq!(fm["description"], "direct");
    assert_eq!(fm["categories"], json!(["Data"]));
    assert_eq!(fm["dataFile"]["storageIdentifier"], sid);
    assert_eq!(fm["dataFile"]["filesize"], bytes.len());
    assert_eq!(fm["dataFile"]["checksum"]["value"], md5_hex(&bytes));
    let file = fm["dataFile"]["id"].as_i64().unwrap();

    let r = env.download(file).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[..]);
    let r = env
        .req(Method::GET, &format!("/api/access/datafile/{file}"))
        .header("Range", "bytes=5-9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[5..10]);

    // The same object cannot be registered twice.
    let (s, v) = env
        .register(
            ds,
            "add",
            json!({"storageIdentifier": sid, "fileName": "again.txt", "mimeType": "text/plain",
                "md5Hash": md5_hex(&bytes)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn multipart_upload_completes_and_registers_in_a_batch() {
    let env = Env::start(|c| c.min_part_size = 5 * 1024 * 1024).await;
    let (ds, pid) = env.create_dataset().await;
    let bytes: Vec<u8> = (0..(11 * 1024 * 1024u32))
        .map(|i| (i % 251) as u8)
        .collect();
    let (s, v) = env.upload_urls(ds, bytes.len() as u64).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let part = v["data"]["partSize"].as_u64().unwrap() as usize;
    assert_eq!(part, 5 * 1024 * 1024);
    let urls = v["data"]["urls"].as_object().unwrap();
    assert_eq!(urls.len(), 3);
    let sid = v["data"]["storageIdentifier"].as_str().unwrap().to_string();
    let complete = v["data"]["complete"].as_str().unwrap().to_string();
    assert_eq!(v["data"]["abort"], complete);
    assert!(
        complete.starts_with("/api/datasets/mpupload?globalid="),
        "{complete}"
    );

    let mut etags = serde_json::Map::new();
    for (n, chunk) in bytes.chunks(part).enumerate() {
        let url = urls[&(n + 1).to_string()].as_str().unwrap();
        let r = env.http.put(url).body(chunk.to_vec()).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        etags.insert((n + 1).to_string(), etag.into());
    }
    let (s, v) = env
        .json(env.req(Method::PUT, &complete).json(&Value::Object(etags)))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["message"], "Multipart Upload completed");
    assert_eq!(env.s3.object(&key_of(&pid, &sid)).unwrap(), bytes);

    // One good entry, one naming an object that is not there.
    let missing = "s3://dv-test:18c0ffee000-000000000000";
    let (s, v) = env
        .register(
            ds,
            "addFiles",
            json!([
                {"storageIdentifier": sid, "fileName": "big.bin",
                 "mimeType": "application/octet-stream",
                 "checksum": {"@type": "MD5", "@value": md5_hex(&bytes)}},
                {"storageIdentifier": missing, "fileName": "gone.bin",
                 "mimeType": "application/octet-stream", "md5Hash": md5_hex(b"x")},
            ]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["Result"]["Total number of files"], 2);
    assert_eq!(v["data"]["Result"]["Number of files successfully added"], 1);
    let files = v["data"]["Files"].as_array().unwrap();
    assert_eq!(
        files[0]["successMessage"],
        "Added successfully to the dataset"
    );
    assert_eq!(files[0]["storageIdentifier"], sid);
    assert_eq!(files[1]["storageIdentifier"], missing);
    let err = files[1]["errorMessage"].as_str().unwrap();
    assert!(err.starts_with("Bad Request:"), "{err}");
    assert_eq!(files[1]["fileDetails"]["fileName"], "gone.bin");

    let file = files[0]["fileDetails"]["dataFile"]["id"].as_i64().unwrap();
    let r = env.download(file).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[..]);
}

#[tokio::test]
async fn an_aborted_multipart_upload_leaves_nothing_in_the_bucket() {
    let env = Env::start(|c| c.min_part_size = 5 * 1024 * 1024).await;
    let (ds, _) = env.create_dataset().await;
    let before = env.s3.files();
    let (_, v) = env.upload_urls(ds, 6 * 1024 * 1024).await;
    let url = v["data"]["urls"]["1"].as_str().unwrap();
    let r = env
        .http
        .put(url)
        .body(vec![7u8; 5 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_ne!(env.s3.files(), before, "the part is stored");
    let abort = v["data"]["abort"].as_str().unwrap();
    let r = env.req(Method::DELETE, abort).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(env.s3.files(), before);
    // The upload is gone: completing it now fails.
    let (s, v) = env
        .json(env.req(Method::PUT, abort).json(&json!({"1": "\"x\""})))
        .await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{v}");
    assert_eq!(v["message"], "Could not complete multipart upload");
}

#[tokio::test]
async fn the_store_refuses_forged_and_expired_urls() {
    let env = Env::start(|c| c.url_expiration = Duration::from_secs(1)).await;
    let (ds, _) = env.create_dataset().await;
    let (_, v) = env.upload_urls(ds, 3).await;
    let url = v["data"]["url"].as_str().unwrap().to_string();
    // Another key than the one signed.
    let forged = url.replacen("/dv-test/", "/dv-test/x", 1);
    let r = env
        .http
        .put(&forged)
        .header("x-amz-tagging", "dv-state=temp")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A changed signature.
    let sig_at = url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = url.clone();
    let flipped = if &url[sig_at..sig_at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(sig_at..sig_at + 1, flipped);
    let r = env
        .http
        .put(&tampered)
        .header("x-amz-tagging", "dv-state=temp")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = env
        .http
        .put(&url)
        .header("x-amz-tagging", "dv-state=temp")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "an expired URL");
    assert!(env.s3.files().is_empty(), "{:?}", env.s3.files());
}

#[tokio::test]
async fn downloads_redirect_to_a_presigned_get_when_configured() {
    let env = Env::start(|c| c.download_redirect = true).await;
    let (ds, _) = env.create_dataset().await;
    let (_, v) = env.upload_urls(ds, 5).await;
    let url = v["data"]["url"].as_str().unwrap();
    let sid = v["data"]["storageIdentifier"].as_str().unwrap();
    env.http
        .put(url)
        .header("x-amz-tagging", "dv-state=temp")
        .body("hello")
        .send()
        .await
        .unwrap();
    let (_, v) = env
        .register(
            ds,
            "add",
            json!({"storageIdentifier": sid, "fileName": "h i.txt", "mimeType": "text/plain",
                   "md5Hash": md5_hex(b"hello")}),
        )
        .await;
    let file = v["data"]["files"][0]["dataFile"]["id"].as_i64().unwrap();
    let no_follow = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_follow
        .get(format!(
            "{}/api/access/datafile/{file}",
            env.server.base_url
        ))
        .header("X-Dataverse-key", &env.server.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&env.s3.endpoint), "{location}");
    // S3AccessIO.generateTemporaryDownloadUrl: `filename*=`, spaces as %20.
    let asked: Vec<(String, String)> = reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .filter(|(k, _)| k.starts_with("response-"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        asked,
        [
            (
                "response-content-disposition".to_string(),
                "attachment; filename*=UTF-8''h%20i.txt".to_string()
            ),
            (
                "response-content-type".to_string(),
                "text/plain".to_string()
            )
        ]
    );
    let r = env.http.get(&location).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "hello");
}

#[tokio::test]
async fn replace_files_replaces_a_published_file_with_a_stored_one() {
    let env = Env::start(|_| {}).await;
    let (ds, _) = env.create_dataset().await;
    let mut sids = Vec::new();
    for body in ["first", "second"] {
        let (_, v) = env.upload_urls(ds, body.len() as u64).await;
        env.http
            .put(v["data"]["url"].as_str().unwrap())
            .header("x-amz-tagging", "dv-state=temp")
            .body(body)
            .send()
            .await
            .unwrap();
        sids.push((
            v["data"]["storageIdentifier"].as_str().unwrap().to_string(),
            md5_hex(body.as_bytes()),
        ));
    }
    let (s, v) = env
        .register(
            ds,
            "add",
            json!({"storageIdentifier": sids[0].0, "fileName": "f.txt", "mimeType": "text/plain",
                   "md5Hash": sids[0].1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let old = v["data"]["files"][0]["dataFile"]["id"].as_i64().unwrap();
    let (s, v) = env
        .json(env.req(
            Method::POST,
            &format!("/api/datasets/{ds}/actions/:publish?type=major"),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env
        .register(
            ds,
            "replaceFiles",
            json!([
                {"fileToReplaceId": old, "storageIdentifier": sids[1].0, "fileName": "f.txt",
                 "mimeType": "text/plain", "md5Hash": sids[1].1},
                {"fileToReplaceId": 999_999, "storageIdentifier": sids[1].0,
                 "fileName": "g.txt", "mimeType": "text/plain", "md5Hash": sids[1].1},
            ]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["data"]["Result"]["Number of files successfully replaced"],
        1
    );
    let files = v["data"]["Files"].as_array().unwrap();
    assert_eq!(
        files[0]["successMessage"],
        "Replaced successfully in the dataset"
    );
    assert_eq!(
        files[0]["fileDetails"]["dataFile"]["previousDataFileId"],
        old
    );
    assert!(
        files[1]["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("Bad Request:")
    );
    let new = files[0]["fileDetails"]["dataFile"]["id"].as_i64().unwrap();
    let r = env.download(new).await;
    assert_eq!(r.text().await.unwrap(), "second");
}

impl Env {
    /// Put `bytes` in the store through a presigned PUT and register them as `name`
    /// (`add`); the file's id and object key.
    async fn direct_add(
        &self,
        ds: i64,
        pid: &str,
        name: &str,
        mime: &str,
        bytes: &[u8],
    ) -> (i64, String) {
        let (s, v) = self.upload_urls(ds, bytes.len() as u64).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let sid = v["data"]["storageIdentifier"].as_str().unwrap().to_string();
        let r = self
            .http
            .put(v["data"]["url"].as_str().unwrap())
            .header("x-amz-tagging", "dv-state=temp")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let (s, v) = self
            .register(
                ds,
                "add",
                json!({"storageIdentifier": sid, "fileName": name, "mimeType": mime,
                       "md5Hash": md5_hex(bytes)}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let id = v["data"]["files"][0]["dataFile"]["id"].as_i64().unwrap();
        (id, key_of(pid, &sid))
    }
}

#[tokio::test]
async fn zips_include_the_bytes_of_files_held_in_s3() {
    let env = Env::start(|_| {}).await;
    let (ds, pid) = env.create_dataset().await;
    let (in_s3, _) = env
        .direct_add(ds, &pid, "in-s3.txt", "text/plain", b"held in s3\n")
        .await;
    // With the dataset moved to the file store, a native upload lands on disk beside it.
    let r = env
        .req(Method::PUT, &format!("/api/datasets/{ds}/storageDriver"))
        .body("file")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let form = Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"on disk\n".to_vec()).file_name("on-disk.txt"),
    );
    let (s, v) = env
        .json(
            env.req(Method::POST, &format!("/api/datasets/{ds}/add"))
                .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let on_disk = v["data"]["files"][0]["dataFile"]["id"].as_i64().unwrap();
    let sid = v["data"]["files"][0]["dataFile"]["storageIdentifier"]
        .as_str()
        .unwrap();
    assert!(sid.starts_with("local://"), "{sid}");

    for path in [
        format!("/api/access/dataset/{ds}/versions/:draft"),
        format!("/api/access/datafiles/{in_s3},{on_disk}"),
    ] {
        let r = env.req(Method::GET, &path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let entries = dataverse_tests::unzip::unzip(&r.bytes().await.unwrap());
        let find = |name: &str| {
            entries
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.clone())
                .unwrap_or_else(|| panic!("{name} not in {path}"))
        };
        assert_eq!(find("in-s3.txt"), b"held in s3\n");
        assert_eq!(find("on-disk.txt"), b"on disk\n");
        let manifest = String::from_utf8(find("MANIFEST.TXT")).unwrap();
        assert!(
            manifest.contains("in-s3.txt (text/plain) 11 bytes."),
            "{manifest}"
        );
        assert!(!manifest.contains("not included"), "{manifest}");
    }
}

#[tokio::test]
async fn a_csv_held_in_s3_is_ingested_with_its_original_kept_in_the_bucket() {
    let env = Env::start(|_| {}).await;
    let (ds, pid) = env.create_dataset().await;
    let csv = b"name,count\nfinch,3\nsparrow,5\n";
    let (file, key) = env.direct_add(ds, &pid, "birds.csv", "text/csv", csv).await;
    // The ingest ran (publish delay zero): the file is now the `.tab`.
    let (s, v) = env
        .json(env.req(Method::GET, &format!("/api/files/{file}")))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let df = &v["data"]["dataFile"];
    assert_eq!(df["contentType"], "text/tab-separated-values", "{v}");
    assert_eq!(df["originalFileFormat"], "text/csv", "{v}");
    assert_eq!(v["data"]["label"], "birds.tab");
    let tab = env.s3.object(&key).unwrap();
    assert_eq!(tab, b"name\tcount\nfinch\t3\nsparrow\t5\n");
    assert_eq!(env.s3.object(&format!("{key}.orig")).unwrap(), csv);
    assert_eq!(df["filesize"], tab.len());

    // Downloads: the `.tab` by default, the CSV as `format=original`.
    let r = env.download(file).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &tab[..]);
    let r = env
        .req(
            Method::GET,
            &format!("/api/access/datafile/{file}?format=original"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), csv);

    // Uningest puts the CSV back under its key.
    let (s, v) = env
        .json(env.req(Method::POST, &format!("/api/files/{file}/uningest")))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(env.s3.object(&key).unwrap(), csv);
    let r = env.download(file).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), csv);
}
