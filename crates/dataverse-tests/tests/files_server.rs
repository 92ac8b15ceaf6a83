//! Files and data access on the embedded Dataverse, driven with raw HTTP (reqwest): upload
//! (add), listing, metadata, replace, delete, restrict, tabular ingest, downloads with
//! `Range`, zips with `MANIFEST.TXT`, permission cases for a second user and anonymous
//! callers, and no temporary file left behind by failed or cut-off uploads.

use std::path::Path;
use std::time::Duration;

use dataverse_tests::unzip::unzip;
use dataverse_tests::{TestServer, fixture_json};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// `md5("hello world\n")`.
const HELLO_MD5: &str = "6f5902ac237024bdd0c176cb93063dc4";

struct Env {
    server: TestServer,
    http: Client,
}

impl Env {
    async fn start() -> Env {
        Self::start_with(|_| {}).await
    }

    async fn start_with(adjust: impl FnOnce(&mut dataverse_emulator::Config)) -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let server = TestServer::start_with(
            |c| {
                c.publish_delay = Duration::ZERO;
                adjust(c);
            },
            None,
            |r| r,
        )
        .await;
        Env {
            server,
            http: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url)
    }

    fn req(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let b = self.http.request(method, self.url(path));
        match token {
            Some(t) => b.header("X-Dataverse-key", t),
            None => b,
        }
    }

    fn admin(&self) -> Option<&str> {
        Some(self.server.admin_token.as_str())
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
                self.req(
                    reqwest::Method::POST,
                    "/api/dataverses/root/datasets",
                    self.admin(),
                )
                .json(&body),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (
            v["data"]["id"].as_i64().unwrap(),
            v["data"]["persistentId"].as_str().unwrap().to_string(),
        )
    }

    async fn publish(&self, ds: i64, kind: &str) -> (StatusCode, Value) {
        self.json(self.req(
            reqwest::Method::POST,
            &format!("/api/datasets/{ds}/actions/:publish?type={kind}"),
            self.admin(),
        ))
        .await
    }

    async fn user(&self, name: &str) -> String {
        let body = json!({"firstName": "Uma", "lastName": "User", "userName": name,
            "email": format!("{name}@example.edu")});
        let (s, v) = self
            .json(
                self.req(
                    reqwest::Method::POST,
                    "/api/builtin-users?password=p4ssw0rd&key=burrito",
                    None,
                )
                .json(&body),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["data"]["apiToken"].as_str().unwrap().to_string()
    }

    async fn upload(
        &self,
        ds: i64,
        name: &str,
        bytes: &[u8],
        json_data: Option<Value>,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut form = Form::new().part(
            "file",
            Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
        if let Some(j) = json_data {
            form = form.text("jsonData", j.to_string());
        }
        self.json(
            self.req(
                reqwest::Method::POST,
                &format!("/api/datasets/{ds}/add"),
                token,
            )
            .multipart(form),
        )
        .await
    }

    async fn upload_ok(
        &self,
        ds: i64,
        name: &str,
        bytes: &[u8],
        json_data: Option<Value>,
    ) -> Value {
        let (s, v) = self.upload(ds, name, bytes, json_data, self.admin()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "OK");
        v["data"]["files"][0].clone()
    }

    async fn download(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        self.req(reqwest::Method::GET, path, token)
            .send()
            .await
            .expect("download")
    }

    fn blobs(&self, ds: i64) -> usize {
        count_files(&self.server.dir.path().join("files").join(ds.to_string()))
    }

    fn temp_files(&self) -> usize {
        count_files(&self.server.dir.path().join("files").join("tmp"))
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn add_list_get_update_delete() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let fm = env
        .upload_ok(
            ds,
            "hello.txt",
            b"hello world\n",
            Some(json!({"description": "greeting", "categories": ["Data"], "directoryLabel": "docs/"})),
        )
        .await;
    // The FileMetadata keys the client decodes, in JsonPrinter's order.
    assert_eq!(
        keys(&fm),
        [
            "description",
            "label",
            "restricted",
            "directoryLabel",
            "version",
            "datasetVersionId",
            "categories",
            "dataFile"
        ]
    );
    assert_eq!(fm["label"], "hello.txt");
    assert_eq!(fm["directoryLabel"], "docs");
    assert_eq!(fm["restricted"], false);
    let df = &fm["dataFile"];
    for k in [
        "id",
        "persistentId",
        "filename",
        "contentType",
        "friendlyType",
        "filesize",
        "description",
        "storageIdentifier",
        "rootDataFileId",
        "md5",
        "checksum",
        "tabularData",
        "creationDate",
        "lastUpdateTime",
        "fileAccessRequest",
    ] {
        assert!(df.get(k).is_some(), "dataFile lacks {k}: {df}");
    }
    assert_eq!(df["md5"], HELLO_MD5);
    assert_eq!(df["checksum"], json!({"type": "MD5", "value": HELLO_MD5}));
    assert_eq!(df["filesize"], 12);
    assert_eq!(df["contentType"], "text/plain");
    assert_eq!(df["rootDataFileId"], -1);
    assert!(df.get("previousDataFileId").is_none());
    assert!(df.get("publicationDate").is_none());
    assert!(
        df["storageIdentifier"]
            .as_str()
            .unwrap()
            .starts_with("local://")
    );
    let id = df["id"].as_i64().unwrap();

    // Same name in the same folder ⇒ renamed; another folder keeps the name.
    let dup = env
        .upload_ok(
            ds,
            "hello.txt",
            b"again\n",
            Some(json!({"directoryLabel": "docs"})),
        )
        .await;
    assert_eq!(dup["label"], "hello-1.txt");
    let other = env.upload_ok(ds, "hello.txt", b"root\n", None).await;
    assert_eq!(other["label"], "hello.txt");
    assert!(other.get("directoryLabel").is_none());

    // Traversal in directory labels is refused; a path in the file name is cut off.
    for bad in ["../etc", "/abs", "a/../../b"] {
        let (s, v) = env
            .upload(
                ds,
                "x.txt",
                b"x",
                Some(json!({"directoryLabel": bad})),
                env.admin(),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_eq!(v["status"], "ERROR");
    }
    let cut = env.upload_ok(ds, "../../evil.txt", b"e", None).await;
    assert_eq!(cut["label"], "evil.txt");
    assert_eq!(env.temp_files(), 0);

    // The version's file list, its filters and paging.
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["totalCount"], 4);
    let labels: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["evil.txt", "hello-1.txt", "hello.txt", "hello.txt"]
    );
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!(
                "/api/datasets/{ds}/versions/:draft/files?orderCriteria=NameZA&limit=1&offset=1"
            ),
            env.admin(),
        ))
        .await;
    assert_eq!(v["totalCount"], 4);
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["label"], "hello.txt");
    let (s, _) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files?orderCriteria=Bogus"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files?contentType=image/png"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["totalCount"], 0);
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files/counts"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["data"],
        json!({"total": 4, "perContentType": {"text/plain": 4}, "perCategoryName": {"Data": 1},
            "perTabularTagName": {}, "perAccessStatus": {"Public": 4}})
    );
    // The dataset version JSON carries the files too.
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["files"].as_array().unwrap().len(), 4);

    // The draft file is invisible to anonymous callers and to a user without a role.
    let uma = env.user("uma").await;
    for token in [None, Some(uma.as_str())] {
        let (s, v) = env
            .json(env.req(reqwest::Method::GET, &format!("/api/files/{id}"), token))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        let r = env
            .download(&format!("/api/access/datafile/{id}"), token)
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["dataFile"]["id"], id);
    let (s, _) = env
        .json(env.req(reqwest::Method::GET, "/api/files/999999", env.admin()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            Some("bad-key"),
        ))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["message"], "Bad API key");

    // Metadata update (raw text/plain answer), then the raw draft metadata.
    let form = Form::new().text(
        "jsonData",
        json!({"label": "renamed.txt", "description": "new words", "directoryLabel": "", "categories": []}).to_string(),
    );
    let r = env
        .req(
            reqwest::Method::POST,
            &format!("/api/files/{id}/metadata"),
            env.admin(),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        r.text()
            .await
            .unwrap()
            .starts_with("File Metadata update has been completed: ")
    );
    let r = env
        .req(
            reqwest::Method::GET,
            &format!("/api/files/{id}/metadata/draft"),
            env.admin(),
        )
        .send()
        .await
        .unwrap();
    let raw: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(raw["label"], "renamed.txt");
    assert_eq!(raw["description"], "new words");
    assert!(raw.get("directoryLabel").is_none());
    assert!(raw.get("categories").is_none());
    // Renaming onto a taken name fails.
    let form = Form::new().text("jsonData", json!({"label": "evil.txt"}).to_string());
    let (s, _) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{id}/metadata"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Another user may not edit.
    let form = Form::new().text("jsonData", json!({"label": "x.txt"}).to_string());
    let (s, _) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{id}/metadata"),
                Some(&uma),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // No published metadata yet.
    let r = env
        .download(&format!("/api/files/{id}/metadata"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Uploads: a user without EditDataset and anonymous callers are refused, nothing stored.
    let before = env.blobs(ds);
    let (s, _) = env.upload(ds, "u.txt", b"u", None, Some(&uma)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = env.upload(ds, "u.txt", b"u", None, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(env.blobs(ds), before);

    // Delete: never published ⇒ true, and the bytes leave the disk.
    let (s, v) = env
        .json(env.req(
            reqwest::Method::DELETE,
            &format!("/api/files/{id}"),
            Some(&uma),
        ))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = env
        .json(env.req(
            reqwest::Method::DELETE,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"], true);
    assert_eq!(env.blobs(ds), before - 1);
    let (s, _) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Destroying the dataset removes the remaining bytes.
    let (s, v) = env
        .json(env.req(
            reqwest::Method::DELETE,
            &format!("/api/datasets/{ds}/destroy"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(env.blobs(ds), 0);
    env.server.stop().await;
}

/// Replace `id` with `bytes` named `name`: the new file's JSON (`data.files[0]`).
async fn replace_ok(env: &Env, id: i64, name: &str, bytes: &[u8]) -> Value {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes.to_vec()).file_name(name.to_string()),
    );
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{id}/replace"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["data"]["files"][0].clone()
}

#[tokio::test]
async fn replacing_a_never_published_file_replaces_it_in_the_draft() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let fm = env.upload_ok(ds, "data.txt", b"version one\n", None).await;
    let first = fm["dataFile"]["id"].as_i64().unwrap();
    // Dataverse 5.10+: the draft's file goes (row and bytes), the new one takes its place
    // without a lineage.
    let new = replace_ok(&env, first, "data.txt", b"version two\n").await;
    let second = new["dataFile"]["id"].as_i64().unwrap();
    assert_ne!(second, first);
    assert_eq!(new["dataFile"]["rootDataFileId"], -1, "{new}");
    assert!(new["dataFile"].get("previousDataFileId").is_none(), "{new}");
    let (s, _) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{first}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(env.blobs(ds), 1);
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files"),
            env.admin(),
        ))
        .await;
    let files = v["data"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{v}");
    assert_eq!(files[0]["dataFile"]["id"], second);

    // Published, replaced (a lineage starts), then the draft replacement replaced again:
    // the newest keeps the lineage of the one it replaced.
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let third = replace_ok(&env, second, "data.txt", b"version three\n").await;
    let third_id = third["dataFile"]["id"].as_i64().unwrap();
    assert_eq!(third["dataFile"]["previousDataFileId"], second);
    let fourth = replace_ok(&env, third_id, "data.txt", b"version four\n").await;
    assert_eq!(fourth["dataFile"]["previousDataFileId"], second, "{fourth}");
    assert_eq!(fourth["dataFile"]["rootDataFileId"], second, "{fourth}");
    let (s, _) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{third_id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // 1.0's file and the draft's newest.
    assert_eq!(env.blobs(ds), 2);
    env.server.stop().await;
}

#[tokio::test]
async fn published_files_drafts_replace_and_minor_rule() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let fm = env.upload_ok(ds, "data.txt", b"version one\n", None).await;
    let id = fm["dataFile"]["id"].as_i64().unwrap();
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env
        .json(env.req(reqwest::Method::GET, &format!("/api/files/{id}"), None))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["data"]["dataFile"]["publicationDate"].is_string());
    let r = env
        .download(&format!("/api/files/{id}/metadata"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let raw: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(raw["label"], "data.txt");
    assert!(raw["id"].is_i64());

    // Adding to a published dataset creates a draft; the minor rule then needs a major.
    env.upload_ok(ds, "more.txt", b"more\n", None).await;
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["latestVersion"]["versionState"], "DRAFT");
    assert_eq!(
        v["data"]["latestVersion"]["files"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/1.0"),
            None,
        ))
        .await;
    assert_eq!(v["data"]["files"].as_array().unwrap().len(), 1);
    let (s, v) = env.publish(ds, "minor").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Removing a published file from the draft: false, and 1.0 still serves it.
    let (s, v) = env
        .json(env.req(
            reqwest::Method::DELETE,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"], false);
    let r = env
        .download(&format!("/api/access/datafile/{id}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"version one\n");
    let (s, _) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}/versions/:draft"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}/versions/1.0"),
            None,
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["label"], "data.txt");
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Replace a published file: a new DataFile with its lineage.
    let more = {
        let (_, v) = env
            .json(env.req(
                reqwest::Method::GET,
                &format!("/api/datasets/{ds}/versions/:latest/files"),
                None,
            ))
            .await;
        v["data"][0]["dataFile"]["id"].as_i64().unwrap()
    };
    let form = Form::new()
        .part(
            "file",
            Part::bytes(b"more, replaced\n".to_vec()).file_name("more.txt"),
        )
        .text("jsonData", json!({"description": "second"}).to_string());
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{more}/replace"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let new = &v["data"]["files"][0];
    assert_eq!(new["description"], "second");
    assert_eq!(new["dataFile"]["rootDataFileId"], more);
    assert_eq!(new["dataFile"]["previousDataFileId"], more);
    assert_ne!(new["dataFile"]["id"], more);
    // A different type needs forceReplace.
    let form = Form::new().part(
        "file",
        Part::bytes(b"%PDF-1.4 fake".to_vec())
            .file_name("more.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{more}/replace"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("different file types"),
        "{v}"
    );
    let new_id = new["dataFile"]["id"].as_i64().unwrap();
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let form = Form::new()
        .part(
            "file",
            Part::bytes(b"%PDF-1.4 fake".to_vec())
                .file_name("more.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
        .text("jsonData", json!({"forceReplace": true}).to_string());
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/files/{new_id}/replace"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["data"]["files"][0]["dataFile"]["contentType"],
        "application/pdf"
    );
    assert_eq!(v["data"]["files"][0]["dataFile"]["rootDataFileId"], more);
    assert_eq!(
        v["data"]["files"][0]["dataFile"]["previousDataFileId"],
        new_id
    );

    // updatecurrent carries the draft's files into the released version.
    let (s, v) = env.publish(ds, "updatecurrent").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:latest-published/files"),
            None,
        ))
        .await;
    assert_eq!(v["totalCount"], 1);
    assert_eq!(v["data"][0]["label"], "more.pdf");
    let pdf = v["data"][0]["dataFile"]["id"].as_i64().unwrap();
    let r = env
        .download(&format!("/api/access/datafile/{pdf}"), None)
        .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 fake");

    // Upload by PID.
    let (_, v) = env
        .json(env.req(reqwest::Method::GET, &format!("/api/datasets/{ds}"), None))
        .await;
    let pid = v["data"]["identifier"].as_str().unwrap().to_string();
    let form = Form::new().part("file", Part::bytes(b"by pid".to_vec()).file_name("pid.txt"));
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/datasets/:persistentId/add?persistentId=doi:10.5072/{pid}"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["files"][0]["label"], "pid.txt");
    env.server.stop().await;
}

#[tokio::test]
async fn a_table_without_data_rows_is_not_ingested() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    for (name, bytes, ct) in [
        ("header.csv", &b"name,count\n"[..], "text/csv"),
        ("header.tsv", &b"name\tcount\n\n"[..], "text/tsv"),
    ] {
        let fm = env.upload_ok(ds, name, bytes, None).await;
        let id = fm["dataFile"]["id"].as_i64().unwrap();
        let (s, v) = env
            .json(env.req(
                reqwest::Method::GET,
                &format!("/api/files/{id}"),
                env.admin(),
            ))
            .await;
        assert_eq!(s, StatusCode::OK);
        let df = &v["data"]["dataFile"];
        assert_eq!(v["data"]["label"], name, "{v}");
        assert_eq!(df["contentType"], ct, "{v}");
        assert_eq!(df["tabularData"], false, "{v}");
        assert!(df.get("originalFileFormat").is_none(), "{v}");
        assert_eq!(df["filesize"], bytes.len(), "{v}");
        let r = env
            .download(&format!("/api/access/datafile/{id}"), env.admin())
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes);
    }
    let (_, locks) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/locks"),
            env.admin(),
        ))
        .await;
    assert_eq!(locks["data"], json!([]));
    env.server.stop().await;
}

#[tokio::test]
async fn tabular_ingest_and_original() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let csv = b"name,count\n\"Smith, J\",3\nDoe,4\n";
    let fm = env.upload_ok(ds, "table.csv", csv, None).await;
    let id = fm["dataFile"]["id"].as_i64().unwrap();
    let (s, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let df = &v["data"]["dataFile"];
    assert_eq!(v["data"]["label"], "table.tab");
    assert_eq!(df["filename"], "table.tab");
    assert_eq!(df["contentType"], "text/tab-separated-values");
    assert_eq!(df["friendlyType"], "Tab-Delimited");
    assert_eq!(df["tabularData"], true);
    assert_eq!(df["originalFileFormat"], "text/csv");
    assert_eq!(df["originalFileName"], "table.csv");
    assert_eq!(df["originalFileSize"], csv.len());
    let (_, locks) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/locks"),
            env.admin(),
        ))
        .await;
    assert_eq!(locks["data"], json!([]));

    let r = env
        .download(&format!("/api/access/datafile/{id}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/tab-separated-values")
    );
    assert_eq!(
        r.text().await.unwrap(),
        "name\tcount\nSmith, J\t3\nDoe\t4\n"
    );
    let r = env
        .download(
            &format!("/api/access/datafile/{id}?format=original"),
            env.admin(),
        )
        .await;
    assert!(
        r.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("table.csv")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), csv);

    // reingest refuses an ingested file; uningest restores the upload.
    let (s, _) = env
        .json(env.req(
            reqwest::Method::POST,
            &format!("/api/files/{id}/reingest"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = env
        .json(env.req(
            reqwest::Method::POST,
            &format!("/api/files/{id}/uningest"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["label"], "table.csv");
    assert_eq!(v["data"]["dataFile"]["tabularData"], false);
    let r = env
        .download(&format!("/api/access/datafile/{id}"), env.admin())
        .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), csv);
    let (s, v) = env
        .json(env.req(
            reqwest::Method::POST,
            &format!("/api/files/{id}/reingest"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["dataFile"]["tabularData"], true);

    // tabIngest:false keeps the CSV; a bad CSV stays as uploaded, lock released.
    let kept = env
        .upload_ok(ds, "raw.csv", csv, Some(json!({"tabIngest": false})))
        .await;
    let kept_id = kept["dataFile"]["id"].as_i64().unwrap();
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{kept_id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["dataFile"]["contentType"], "text/csv");
    assert_eq!(v["data"]["dataFile"]["tabularData"], false);
    let bad = env.upload_ok(ds, "bad.csv", b"a,b\n1,2,3\n", None).await;
    let bad_id = bad["dataFile"]["id"].as_i64().unwrap();
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{bad_id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["label"], "bad.csv");
    assert_eq!(v["data"]["dataFile"]["tabularData"], false);
    let (_, locks) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/locks"),
            env.admin(),
        ))
        .await;
    assert_eq!(locks["data"], json!([]));

    // A TSV is ingested too.
    let tsv = env.upload_ok(ds, "t.tsv", b"x\ty\n1\t2\n", None).await;
    let tsv_id = tsv["dataFile"]["id"].as_i64().unwrap();
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{tsv_id}?returnOwners=true"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["label"], "t.tab");
    assert_eq!(v["data"]["dataFile"]["originalFileFormat"], "text/tsv");
    assert_eq!(v["data"]["dataFile"]["isPartOf"]["type"], "DATASET");
    assert_eq!(v["data"]["dataFile"]["isPartOf"]["version"], "DRAFT");
    assert_eq!(
        v["data"]["dataFile"]["isPartOf"]["isPartOf"]["identifier"],
        "root"
    );

    // redetect: dry run reports, nothing changes.
    let (s, v) = env
        .json(env.req(
            reqwest::Method::POST,
            &format!("/api/files/{kept_id}/redetect?dryRun=true"),
            env.admin(),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["data"],
        json!({"dryRun": true, "oldContentType": "text/csv", "newContentType": "text/csv"})
    );
    env.server.stop().await;
}

#[tokio::test]
async fn async_ingest_holds_a_lock() {
    let env = Env::start_with(|c| c.publish_delay = Duration::from_millis(50)).await;
    let (ds, _) = env.create_dataset().await;
    let mut csv = String::from("a,b\n");
    for i in 0..20_000 {
        csv.push_str(&format!("{i},{}\n", i * 2));
    }
    let fm = env.upload_ok(ds, "big.csv", csv.as_bytes(), None).await;
    // The answer describes the upload as it arrived.
    assert_eq!(fm["label"], "big.csv");
    let id = fm["dataFile"]["id"].as_i64().unwrap();
    let mut done = false;
    for _ in 0..200 {
        let (_, v) = env
            .json(env.req(
                reqwest::Method::GET,
                &format!("/api/datasets/{ds}/locks"),
                env.admin(),
            ))
            .await;
        if v["data"].as_array().unwrap().is_empty() {
            done = true;
            break;
        }
        assert_eq!(v["data"][0]["lockType"], "Ingest");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(done, "the Ingest lock never went");
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/files/{id}"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["data"]["label"], "big.tab");
    env.server.stop().await;
}

/// `DownloadInstanceWriter` URL-encodes the name into both headers and turns `+` back into
/// `%20`; the library names a file downloaded into a folder from that header.
#[tokio::test]
async fn download_names_are_encoded_as_dataverse_encodes_them() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let name = "my data (ü) + more.bin";
    let fm = env.upload_ok(ds, name, b"abc", None).await;
    let id = fm["dataFile"]["id"].as_i64().unwrap();
    let r = env
        .download(&format!("/api/access/datafile/{id}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let encoded = "my%20data%20%28%C3%BC%29%20%2B%20more.bin";
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{encoded}\"").as_str()
    );
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        format!("text/plain; name=\"{encoded}\"").as_str()
    );

    let dir = tempfile::tempdir().unwrap();
    let report = env
        .server
        .admin()
        .download_datafile(id as u64, dir.path(), &Default::default())
        .await
        .unwrap();
    assert_eq!(report.path, dir.path().join(name));
    assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), b"abc");
    env.server.stop().await;
}

#[tokio::test]
async fn ranges_restriction_and_permissions() {
    let env = Env::start().await;
    let (ds, _) = env.create_dataset().await;
    let data: Vec<u8> = (0..100u8).collect();
    let fm = env.upload_ok(ds, "bytes.bin", &data, None).await;
    let id = fm["dataFile"]["id"].as_i64().unwrap();
    assert_eq!(fm["dataFile"]["contentType"], "application/octet-stream");

    let r = env
        .download(&format!("/api/access/datafile/{id}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[reqwest::header::ACCEPT_RANGES], "bytes");
    assert_eq!(r.headers()[reqwest::header::CONTENT_LENGTH], "100");
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION],
        "attachment; filename=\"bytes.bin\""
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[..]);
    let r = env
        .req(
            reqwest::Method::GET,
            &format!("/api/access/datafile/{id}"),
            env.admin(),
        )
        .header(reqwest::header::RANGE, "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_RANGE],
        "bytes 10-19/100"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[10..20]);
    let r = env
        .req(
            reqwest::Method::GET,
            &format!("/api/access/datafile/{id}"),
            env.admin(),
        )
        .header(reqwest::header::RANGE, "bytes=90-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[90..]);
    for bad in ["bytes=100-", "bytes=50-10", "bytes=0-1,5-6"] {
        let r = env
            .req(
                reqwest::Method::GET,
                &format!("/api/access/datafile/{id}"),
                env.admin(),
            )
            .header(reqwest::header::RANGE, bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{bad}");
        assert_eq!(r.headers()[reqwest::header::CONTENT_RANGE], "bytes */100");
    }
    let r = env
        .download("/api/access/datafile/987654", env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Restriction: the 409 rule, then restricted.
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::PUT,
                &format!("/api/files/{id}/restrict"),
                env.admin(),
            )
            .body(json!({"restrict": true, "enableAccessRequest": false}).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Terms of Use and Access are invalid")
    );
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::PUT,
                &format!("/api/files/{id}/restrict"),
                env.admin(),
            )
            .body("true"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["message"], "File bytes.bin restricted.");
    let (s, _) = env
        .json(
            env.req(
                reqwest::Method::PUT,
                &format!("/api/files/{id}/restrict"),
                env.admin(),
            )
            .body("true"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = env
        .json(
            env.req(
                reqwest::Method::PUT,
                "/api/files/424242/restrict",
                env.admin(),
            )
            .body("true"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = env
        .json(env.req(reqwest::Method::GET, &format!("/api/files/{id}"), None))
        .await;
    assert_eq!(v["data"]["restricted"], true);

    let uma = env.user("uma").await;
    for token in [None, Some(uma.as_str())] {
        let r = env
            .download(&format!("/api/access/datafile/{id}"), token)
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let v: Value = r.json().await.unwrap();
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .starts_with("Not authorized to access this object")
        );
    }
    let r = env
        .download(&format!("/api/access/datafile/{id}"), Some("bad-key"))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = env
        .download(&format!("/api/access/datafile/{id}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A fileDownloader grant on the dataset opens it for that user.
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/datasets/{ds}/assignments"),
                env.admin(),
            )
            .json(&json!({"assignee": "@uma", "role": "fileDownloader"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let r = env
        .download(&format!("/api/access/datafile/{id}"), Some(&uma))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[..]);
    env.server.stop().await;
}

#[tokio::test]
async fn zips_of_files_and_datasets() {
    let env = Env::start().await;
    let (ds, pid) = env.create_dataset().await;
    let a = env
        .upload_ok(
            ds,
            "a.txt",
            b"alpha\n",
            Some(json!({"directoryLabel": "sub/dir"})),
        )
        .await;
    let b = env.upload_ok(ds, "b.txt", b"beta\n", None).await;
    let c = env
        .upload_ok(ds, "c.txt", b"secret\n", Some(json!({"restrict": true})))
        .await;
    let (a, b, c) = (
        a["dataFile"]["id"].as_i64().unwrap(),
        b["dataFile"]["id"].as_i64().unwrap(),
        c["dataFile"]["id"].as_i64().unwrap(),
    );
    let r = env
        .download(&format!("/api/access/dataset/{ds}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        "application/zip"
    );
    let slug = pid.to_lowercase().replace([':', '/'], "-");
    assert!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(&format!("{slug}_draft.zip")),
        "{:?}",
        r.headers()
    );
    let entries = unzip(&r.bytes().await.unwrap());
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["sub/dir/a.txt", "b.txt", "c.txt", "MANIFEST.TXT"]);
    assert_eq!(entries[0].1, b"alpha\n");
    assert_eq!(entries[2].1, b"secret\n");
    let manifest = String::from_utf8(entries[3].1.clone()).unwrap();
    assert!(manifest.contains("sub/dir/a.txt"), "{manifest}");

    // Anonymous: the draft is not theirs.
    let r = env
        .download(&format!("/api/access/dataset/{ds}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (s, v) = env.publish(ds, "major").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Published: anonymous gets the open files; the restricted one is skipped and named.
    let r = env
        .download(&format!("/api/access/dataset/{ds}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let entries = unzip(&r.bytes().await.unwrap());
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["sub/dir/a.txt", "b.txt", "MANIFEST.TXT"]);
    assert!(String::from_utf8_lossy(&entries[2].1).contains("c.txt"));
    let r = env
        .download(&format!("/api/access/dataset/{ds}/versions/1.0"), None)
        .await;
    assert!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("_1.0.zip")
    );

    // Several files by id, GET and POST forms.
    let r = env
        .download(&format!("/api/access/datafiles/{b},{a}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let names: Vec<String> = unzip(&r.bytes().await.unwrap())
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(names, ["b.txt", "sub/dir/a.txt", "MANIFEST.TXT"]);
    let r = env
        .req(reqwest::Method::POST, "/api/access/datafiles", None)
        .header(reqwest::header::CONTENT_TYPE, "text/plain")
        .body(format!("fileIds={a},{b}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(unzip(&r.bytes().await.unwrap()).len(), 3);
    let r = env
        .req(reqwest::Method::POST, "/api/access/datafiles", None)
        .body(json!({"fileIds": [a]}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unzip(&r.bytes().await.unwrap()).len(), 2);
    // Only restricted files for an anonymous caller ⇒ 403.
    let r = env
        .download(&format!("/api/access/datafiles/{c}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Files of two datasets ⇒ 400.
    let (ds2, _) = env.create_dataset().await;
    let d = env.upload_ok(ds2, "d.txt", b"d", None).await;
    let d = d["dataFile"]["id"].as_i64().unwrap();
    let r = env
        .download(&format!("/api/access/datafiles/{a},{d}"), env.admin())
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // dataverse_json export lists the files.
    let r = env
        .download(
            &format!("/api/datasets/export?exporter=dataverse_json&persistentId={pid}"),
            None,
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["datasetVersion"]["files"].as_array().unwrap().len(), 3);
    env.server.stop().await;
}

#[tokio::test]
async fn failed_and_cut_off_uploads_leave_nothing() {
    use tokio::io::AsyncWriteExt;
    let env = Env::start_with(|c| c.max_upload_bytes = Some(64 * 1024)).await;
    let (ds, _) = env.create_dataset().await;
    // A body cut off in the middle of the file part.
    let host = env
        .server
        .base_url
        .strip_prefix("http://")
        .unwrap()
        .to_string();
    let mut sock = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/datasets/{ds}/add HTTP/1.1\r\nHost: {host}\r\nX-Dataverse-key: {}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 50000\r\n\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\r\n",
        env.server.admin_token
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    sock.write_all(&[7u8; 10_000]).await.unwrap();
    sock.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(sock);
    // An upload over the body limit (chunked, so no Content-Length check up front).
    let big = vec![1u8; 200 * 1024];
    let stream = futures_util::stream::iter(
        big.chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let form = Form::new().part(
        "file",
        Part::stream(reqwest::Body::wrap_stream(stream)).file_name("big.bin"),
    );
    let r = env
        .req(
            reqwest::Method::POST,
            &format!("/api/datasets/{ds}/add"),
            env.admin(),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A complete upload refused after the file arrived (bad jsonData).
    let (s, _) = env
        .upload(
            ds,
            "ok.txt",
            b"fine",
            Some(json!({"directoryLabel": "../up"})),
            env.admin(),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let form = Form::new()
        .part("file", Part::bytes(b"x".to_vec()).file_name("x.txt"))
        .part("jsonData", Part::bytes(vec![b'{', 0xff, b'}']));
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/datasets/{ds}/add"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().contains("UTF-8"), "{v}");
    let mut left = usize::MAX;
    for _ in 0..50 {
        left = env.temp_files() + env.blobs(ds);
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 0, "temporary or stored files left behind");
    let (_, v) = env
        .json(env.req(
            reqwest::Method::GET,
            &format!("/api/datasets/{ds}/versions/:draft/files"),
            env.admin(),
        ))
        .await;
    assert_eq!(v["totalCount"], 0);
    // jsonData sent as a file part works.
    let form = Form::new()
        .part(
            "file",
            Part::bytes(b"hello world\n".to_vec()).file_name("h.txt"),
        )
        .part(
            "jsonData",
            Part::bytes(json!({"description": "as a file"}).to_string().into_bytes())
                .file_name("json.json"),
        );
    let (s, v) = env
        .json(
            env.req(
                reqwest::Method::POST,
                &format!("/api/datasets/{ds}/add"),
                env.admin(),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["files"][0]["description"], "as a file");
    assert_eq!(v["data"]["files"][0]["dataFile"]["md5"], HELLO_MD5);
    assert!(v.get("message").is_none());
    // The same content again: accepted with a warning.
    let (s, v) = env
        .upload(ds, "h2.txt", b"hello world\n", None, env.admin())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["message"],
        "This file has the same content as h.txt that is in the dataset."
    );
    assert_eq!(v["data"]["files"][0]["label"], "h2.txt");
    env.server.stop().await;
}

#[tokio::test]
async fn generated_files_for_benchmarks() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let emulator =
        dataverse_emulator::Emulator::open(dataverse_emulator::Config::new(dir.path())).unwrap();
    emulator
        .generate(&"collections=0,datasets=1,depth=0".parse().unwrap())
        .unwrap();
    let server =
        dataverse_emulator::Server::start(emulator.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let http = Client::new();
    let base = server.base_url();
    let contents: Value = http
        .get(format!("{base}/api/dataverses/root/contents"))
        .header("X-Dataverse-key", emulator.admin_token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ds = contents["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "dataset")
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("{contents}"));
    let started = std::time::Instant::now();
    let ids = emulator.generate_files(ds, 10_000).unwrap();
    eprintln!("10,000 files generated in {:?}", started.elapsed());
    assert_eq!(ids.len(), 10_000);
    assert!(emulator.generate_files(987_654, 1).is_err());
    let v: Value = http
        .get(format!(
            "{base}/api/datasets/{ds}/versions/:latest-published/files?limit=3&offset=9997"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["totalCount"], 10_000);
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    assert_eq!(v["data"][2]["label"], "file-09999.txt");
    assert!(v["data"][2]["dataFile"]["publicationDate"].is_string());
    let body = http
        .get(format!("{base}/api/access/datafile/{}", ids[9999]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, format!("generated file 9999 of dataset {ds}\n"));
    server.shutdown().await;
}
