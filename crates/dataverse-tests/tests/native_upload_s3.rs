//! Native uploads (the bytes through the server) to a dataset whose store is S3, against a
//! real S3 server (`s3s-fs`, in-process): the bytes go to the bucket under
//! `s3://<bucket>:<name>` as `S3AccessIO` stores them, and everything that reads or drops
//! files works on them (downloads, zips, bundle, ingest, data tables, redetect, replace,
//! delete, destroy). Also `:MaxFileUploadSizeInBytes` per store (native, replace, direct
//! and `uploadurls`) and `:TabularIngestSizeLimit`.

use std::io::Cursor;
use std::time::Duration;

use dataverse_client::api::access::DataAccessOptions;
use dataverse_client::api::upload::{
    UploadDirectoryOptions, UploadMode, UploadOptions, UploadSource,
};
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::s3::{BUCKET, S3Server};
use dataverse_tests::{TestServer, fixture_json};
use serde_json::Value;

struct Env {
    server: TestServer,
    s3: S3Server,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let s3 = S3Server::start().await;
        let config = s3.config();
        let server = TestServer::start_with(
            |c| {
                // Ingest runs before the upload answers.
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
            http: reqwest::Client::new(),
        }
    }

    async fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.server.base_url))
            .header("X-Dataverse-key", &self.server.admin_token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
    }

    async fn json(&self, method: reqwest::Method, path: &str) -> (u16, Value) {
        let r = self
            .http
            .request(method, format!("{}{path}", self.server.base_url))
            .header("X-Dataverse-key", &self.server.admin_token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// The object keys of dataset `pid` in the bucket.
    fn objects_of(&self, pid: &str) -> Vec<String> {
        let prefix = format!("{BUCKET}/{}/", pid.split_once(':').unwrap().1);
        self.s3
            .files()
            .into_iter()
            .filter(|f| f.starts_with(&prefix))
            .collect()
    }
}

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// The object key of a storage identifier in dataset `pid` (`doi:A/B` ⇒ `A/B/<name>`).
fn key_of(pid: &str, sid: &str) -> String {
    let name = sid.rsplit(':').next().unwrap();
    format!("{}/{name}", pid.split_once(':').unwrap().1)
}

fn native() -> UploadOptions {
    UploadOptions::new().mode(UploadMode::Native)
}

fn text(bytes: &[u8], name: &str) -> UploadSource {
    UploadSource::reader(Cursor::new(bytes.to_vec()), name)
}

/// Upload natively; the new file's id and storage identifier.
async fn add(api: &NativeApi, pid: &str, bytes: &[u8], name: &str) -> (u64, String) {
    let report = api
        .upload_datafile_with(pid, text(bytes, name), &UploadBody::default(), native())
        .await
        .unwrap();
    let df = &report.response.files[0].data_file;
    (df.id.unwrap(), df.storage_identifier.clone().unwrap())
}

#[tokio::test]
async fn native_uploads_to_an_s3_dataset_are_stored_and_read_from_the_bucket() {
    let env = Env::start().await;
    let api = env.server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let (ds, pid) = (created.id, created.persistent_id.clone());

    // A plain file: in the bucket, nowhere else, and downloadable.
    let (notes, sid) = add(&api, &pid, b"hello s3\n", "notes.txt").await;
    assert!(sid.starts_with(&format!("s3://{BUCKET}:")), "{sid}");
    let notes_key = key_of(&pid, &sid);
    assert_eq!(
        env.s3.object(&notes_key).as_deref(),
        Some(&b"hello s3\n"[..])
    );
    let got = api
        .get_datafile(notes, &DataAccessOptions::new())
        .await
        .unwrap();
    assert_eq!(&got[..], b"hello s3\n");
    let (s, v) = env
        .json(
            reqwest::Method::POST,
            &format!("/api/files/{notes}/redetect?dryRun=true"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["newContentType"], "text/plain", "{v}");

    // A CSV: ingested, with the `.tab` and the saved original in the bucket; its data
    // tables and bundle are read from there.
    let csv = b"species,count\nfinch,3\nrobin,5\n";
    let (birds, sid) = add(&api, &pid, csv, "birds.csv").await;
    let birds_key = key_of(&pid, &sid);
    assert_eq!(
        env.s3.object(&format!("{birds_key}.orig")).as_deref(),
        Some(&csv[..])
    );
    let tab = env.s3.object(&birds_key).unwrap();
    assert!(tab.starts_with(b"species\tcount\n"), "{tab:?}");
    let (s, v) = env
        .json(
            reqwest::Method::GET,
            &format!("/api/files/{birds}/dataTables"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (&v["data"][0]["varQuantity"], &v["data"][0]["caseQuantity"]),
        (&2.into(), &2.into())
    );
    let (s, zip) = env
        .get(&format!("/api/access/datafile/bundle/{birds}"))
        .await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&zip));
    let entries = dataverse_tests::unzip::unzip(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "birds.tab",
            "birds.csv",
            "birds-ddi.xml",
            "birdscitation-endnote.xml",
            "birdscitation-ris.ris",
            "birdscitation-bib.bib"
        ]
    );
    assert_eq!(entries[1].1, csv);
    assert_eq!(entries[0].1, tab);

    // Replacing the never-published text file: the new bytes go to the bucket, the old
    // object goes with the old file.
    let report = api
        .replace_datafile_with(
            notes,
            text(b"hello again\n", "notes.txt"),
            &UploadBody::default(),
            native(),
        )
        .await
        .unwrap();
    let new_sid = report.response.files[0]
        .data_file
        .storage_identifier
        .clone()
        .unwrap();
    assert!(new_sid.starts_with(&format!("s3://{BUCKET}:")), "{new_sid}");
    assert_eq!(
        env.s3.object(&key_of(&pid, &new_sid)).as_deref(),
        Some(&b"hello again\n"[..])
    );
    assert_eq!(env.s3.object(&notes_key), None);

    // Deleting the CSV removes its `.tab` and its original.
    assert!(api.delete_datafile(birds).await.unwrap());
    assert_eq!(env.s3.object(&birds_key), None);
    assert_eq!(env.s3.object(&format!("{birds_key}.orig")), None);

    // A folder uploaded through the server lands in the bucket too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("a.txt"), b"file a\n").unwrap();
    std::fs::write(dir.path().join("sub/b.txt"), b"file b\n").unwrap();
    let summary = api
        .upload_directory(
            pid.as_str(),
            dir.path(),
            UploadDirectoryOptions::new().mode(UploadMode::Native),
        )
        .await
        .unwrap();
    assert!(summary.is_success(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded.len(), 2);
    for f in &summary.uploaded {
        let sid = f.file.data_file.storage_identifier.clone().unwrap();
        let want = std::fs::read(dir.path().join(&f.path)).unwrap();
        assert_eq!(env.s3.object(&key_of(&pid, &sid)), Some(want), "{sid}");
    }

    // The dataset's zip holds the bytes read from the bucket.
    let (s, zip) = env
        .get(&format!("/api/access/dataset/{ds}/versions/:draft"))
        .await;
    assert_eq!(s, 200);
    let entries = dataverse_tests::unzip::unzip(&zip);
    let find = |name: &str| {
        entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    assert_eq!(find("notes.txt").as_deref(), Some(&b"hello again\n"[..]));
    assert_eq!(find("sub/b.txt").as_deref(), Some(&b"file b\n"[..]));

    // Destroying the dataset leaves nothing of it in the bucket.
    assert_eq!(env.objects_of(&pid).len(), 3, "{:?}", env.objects_of(&pid));
    api.destroy_dataset(ds).await.unwrap();
    assert_eq!(env.objects_of(&pid), Vec::<String>::new());
}

#[tokio::test]
async fn the_upload_size_limit_is_the_dataset_store_s() {
    let env = Env::start().await;
    let api = env.server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let (ds, pid) = (created.id, created.persistent_id.clone());
    // 10 bytes in the S3 store, 20 elsewhere (per-store values are strings, as Java reads them).
    let r = env
        .http
        .put(format!(
            "{}/api/admin/settings/:MaxFileUploadSizeInBytes",
            env.server.base_url
        ))
        .body(r#"{"default":"20","s3":"10"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // Native: refused with Dataverse's message, nothing stored anywhere.
    let err = api
        .upload_datafile_with(
            pid.as_str(),
            text(b"eleven byte", "big.txt"),
            &UploadBody::default(),
            native(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::FileTooLarge(e) => {
            assert_eq!(e.status, 400);
            assert_eq!(
                e.message,
                "There was an error when trying to add the new file. This file size (11 B) exceeds the size limit of 10 B."
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.objects_of(&pid), Vec::<String>::new());
    // Direct: `uploadurls` refuses the size before any URL is handed out.
    match api.get_upload_urls(ds, 11).await {
        Err(Error::FileTooLarge(e)) => assert_eq!(
            e.message,
            "The file you are trying to upload is too large to be uploaded to this dataset. The maximum allowed file size is 10 bytes."
        ),
        other => panic!("{other:?}"),
    }
    match api
        .upload_datafile_with(
            pid.as_str(),
            text(b"eleven byte", "big.txt"),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
    {
        Err(Error::FileTooLarge(_)) => {}
        other => panic!("{other:?}"),
    }
    // An object put in the bucket past the limit (through URLs asked for a smaller size) is
    // refused when it is registered, and not registered.
    let urls = api.get_upload_urls(ds, 5).await.unwrap();
    let r = env
        .http
        .put(urls.url.clone().unwrap())
        .header("x-amz-tagging", "dv-state=temp")
        .body(b"eleven byte".to_vec())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let json_data = serde_json::json!({
        "storageIdentifier": urls.storage_identifier,
        "fileName": "sneaky.txt",
        "mimeType": "text/plain",
        "checksum": {"@type": "MD5", "@value": "0123456789abcdef0123456789abcdef"},
    });
    let form = reqwest::multipart::Form::new().text("jsonData", json_data.to_string());
    let r = env
        .http
        .post(format!("{}/api/datasets/{ds}/add", env.server.base_url))
        .header("X-Dataverse-key", &env.server.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["message"],
        "There was an error when trying to add the new file. This file size (11 B) exceeds the size limit of 10 B."
    );

    // At the limit it is taken; replacing it with more is refused the same way.
    let (small, _) = add(&api, &pid, b"ten bytes!", "small.txt").await;
    match api
        .replace_datafile_with(
            small,
            text(b"eleven byte", "small.txt"),
            &UploadBody::default(),
            native(),
        )
        .await
    {
        Err(Error::FileTooLarge(e)) => assert!(
            e.message
                .ends_with("(11 B) exceeds the size limit of 10 B."),
            "{}",
            e.message
        ),
        other => panic!("{other:?}"),
    }

    // On the file store the default applies.
    api.set_dataset_storage_driver(ds, "file").await.unwrap();
    let (_, sid) = add(&api, &pid, b"eleven byte", "disk.txt").await;
    assert!(sid.starts_with("local://"), "{sid}");
    let err = api
        .upload_datafile_with(
            pid.as_str(),
            text(&[b'x'; 21], "disk2.txt"),
            &UploadBody::default(),
            native(),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("This file size (21 B) exceeds the size limit of 20 B."),
        "{err}"
    );
}

#[tokio::test]
async fn files_over_the_tabular_ingest_limit_stay_as_uploaded() {
    let env = Env::start().await;
    let api = env.server.admin();
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.clone();
    let csv = b"species,count\nfinch,3\n"; // 22 bytes
    let set = |value: &'static str| {
        let req = env
            .http
            .put(format!(
                "{}/api/admin/settings/:TabularIngestSizeLimit",
                env.server.base_url
            ))
            .body(value);
        async move { assert_eq!(req.send().await.unwrap().status(), 200) }
    };
    let content_type = |id: u64| {
        let path = format!("/api/files/{id}");
        let env = &env;
        async move {
            let (_, v) = env.json(reqwest::Method::GET, &path).await;
            v["data"]["dataFile"]["contentType"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    // (limit, ingested?): the size must be strictly under the limit; a per-format value
    // (format names in any case) wins over the default; -1 is unlimited; junk turns
    // ingest off.
    let cases = [
        ("22", false),
        ("23", true),
        (r#"{"default": 0, "csv": 100}"#, true),
        (r#"{"default": 100, "CSV": "10"}"#, false),
        (r#"{"default": 50.0}"#, true),
        ("-1", true),
        ("lots", false),
    ];
    for (i, (limit, ingested)) in cases.into_iter().enumerate() {
        set(limit).await;
        let (id, _) = add(&api, &pid, csv, &format!("t{i}.csv")).await;
        let want = if ingested {
            "text/tab-separated-values"
        } else {
            "text/csv"
        };
        assert_eq!(content_type(id).await, want, "limit {limit}");
        if !ingested {
            let got = api
                .get_datafile(id, &DataAccessOptions::new())
                .await
                .unwrap();
            assert_eq!(&got[..], csv, "limit {limit}");
            // A reingest is skipped the same way, and says why.
            let (s, v) = env
                .json(reqwest::Method::POST, &format!("/api/files/{id}/reingest"))
                .await;
            assert_eq!(s, 200, "{v}");
            assert!(
                v["data"]["message"].as_str().unwrap().starts_with(&format!(
                    "Skipping tabular ingest of the file t{i}.csv, because of the size limit"
                )),
                "{v}"
            );
            assert_eq!(content_type(id).await, "text/csv");
        }
    }
}
