//! The permission matrix: for each actor (anonymous, a plain user, a collection admin, a
//! private-URL token of a draft, the superuser) and each endpoint family's read and write
//! calls on published and unpublished collections and datasets, the status Dataverse gives.
//!
//! WIRE.md §2: a `PermissionException` (missing permission, guest reading unpublished
//! objects) is **401**; business rules (`IllegalCommandException`) are **403**; superuser-only
//! endpoints answer 403 `This API end point can be used by superusers only.` to
//! authenticated users and 401 `Only authenticated users...` to everyone else.
//!
//! Each row is `(operation, resource, expected statuses per actor)` with the source of the
//! expectation in a comment. Write operations run on freshly created resources so rows do
//! not depend on each other. New families (files, access) append rows to [`rows`] and, if
//! needed, a resource kind to [`Res`]. All mismatches are printed together on failure.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    /// No API key (`:guest`).
    Anonymous,
    /// An authenticated user without any role.
    User,
    /// Role `admin` on the collection `lab` that holds every resource below.
    CollectionAdmin,
    /// The private-URL token of the draft dataset under test (read-only on that draft).
    PrivateUrl,
    /// `dataverseAdmin`.
    Superuser,
}

const ACTORS: [Actor; 5] = [
    Actor::Anonymous,
    Actor::User,
    Actor::CollectionAdmin,
    Actor::PrivateUrl,
    Actor::Superuser,
];

/// The resource a row acts on (fresh ones are created inside `lab` for every write cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    /// A published collection.
    PublishedCollection,
    /// An unpublished collection.
    UnpublishedCollection,
    /// A dataset with one released version and no draft.
    PublishedDataset,
    /// A dataset that was never published (its only version is a draft).
    DraftDataset,
}

/// Expected statuses in [`ACTORS`] order: anonymous, user, collection admin, private URL,
/// superuser.
type Expect = [u16; 5];

/// A request body.
#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    /// A create-collection body with a fresh alias.
    NewCollection,
    /// A multipart file upload (`file` + `jsonData` restricting it), as `POST
    /// datasets/{id}/add` takes.
    Upload,
}

struct Row {
    /// What is called, e.g. `GET /api/datasets/{id}`.
    op: &'static str,
    res: Res,
    method: Method,
    /// Path and query with `{id}` replaced by the resource's id or alias and `{file}` by
    /// the id of the resource's restricted file.
    path: &'static str,
    body: Body,
    /// Whether the call changes the server (then every actor gets fresh resources).
    writes: bool,
    expect: Expect,
}

fn row(
    op: &'static str,
    res: Res,
    method: Method,
    path: &'static str,
    body: Body,
    expect: Expect,
) -> Row {
    let writes = method != Method::GET;
    Row {
        op,
        res,
        method,
        path,
        body,
        writes,
        expect,
    }
}

fn collection_body(alias: &str) -> Value {
    json!({
        "name": format!("Collection {alias}"),
        "alias": alias,
        "dataverseContacts": [{"contactEmail": "pi@example.edu"}]
    })
}

/// The matrix. One line per row (kept unformatted so it reads as a table).
#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Res::*;
    use Body::{Json, NewCollection, Upload};
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    let none = Body::None;
    let edit = Json(json!({"fields": [{"typeName": "subject", "value": ["Chemistry"]}]}));
    vec![
        // ---- Collections (Dataverses.java) ----                                         anon user cadm purl super
        // WIRE §3.1 GET dataverses/{id}: pub; unpublished needs ViewUnpublishedDataverse, a
        // PermissionException ⇒ 401 (§2).
        row("get collection", PublishedCollection, get.clone(), "/api/dataverses/{id}", none.clone(), [200, 200, 200, 200, 200]),
        row("get collection", UnpublishedCollection, get.clone(), "/api/dataverses/{id}", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.1 contents: pub; an unpublished collection needs ViewUnpublishedDataverse.
        row("collection contents", PublishedCollection, get.clone(), "/api/dataverses/{id}/contents", none.clone(), [200, 200, 200, 200, 200]),
        row("collection contents", UnpublishedCollection, get.clone(), "/api/dataverses/{id}/contents", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.1 POST dataverses/{parent}: AddDataverse on the parent ⇒ 201; denial 401.
        row("create child collection", PublishedCollection, post.clone(), "/api/dataverses/{id}", NewCollection, [401, 401, 201, 401, 201]),
        row("create child collection", UnpublishedCollection, post.clone(), "/api/dataverses/{id}", NewCollection, [401, 401, 201, 401, 201]),
        // WIRE §3.1 publish: PublishDataverse; `Dataverse x has already been published.` is a
        // business rule (403), checked after the permission (401 first).
        row("publish collection", UnpublishedCollection, post.clone(), "/api/dataverses/{id}/actions/:publish", none.clone(), [401, 401, 200, 401, 200]),
        row("publish collection", PublishedCollection, post.clone(), "/api/dataverses/{id}/actions/:publish", none.clone(), [401, 401, 403, 401, 403]),
        // WIRE §3.1 DELETE: DeleteDataverse; 200 `Dataverse {id} deleted` (empty collection).
        row("delete collection", UnpublishedCollection, delete.clone(), "/api/dataverses/{id}", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.1 assignments: ManageDataversePermissions.
        row("collection assignments", PublishedCollection, get.clone(), "/api/dataverses/{id}/assignments", none.clone(), [401, 401, 200, 401, 200]),
        // ---- Datasets (Datasets.java) ----
        // WIRE §3.2 GET datasets/{id}: pub; unpublished ⇒ ViewUnpublishedDataset else 401; a
        // private-URL user may view its own draft (role `member`).
        row("get dataset", PublishedDataset, get.clone(), "/api/datasets/{id}", none.clone(), [200, 200, 200, 200, 200]),
        row("get dataset", DraftDataset, get.clone(), "/api/datasets/{id}", none.clone(), [401, 401, 200, 200, 200]),
        // WIRE §1 `:latest` = the draft if the caller can see it, else the latest published.
        row("get :latest", PublishedDataset, get.clone(), "/api/datasets/{id}/versions/:latest", none.clone(), [200, 200, 200, 200, 200]),
        // WIRE §3.2 versions/{v}: `:draft` needs ViewUnpublishedDataset (else 401); none there
        // ⇒ 404 `Dataset version :draft of dataset {id} not found`.
        row("get :draft", DraftDataset, get.clone(), "/api/datasets/{id}/versions/:draft", none.clone(), [401, 401, 200, 200, 200]),
        row("get :draft", PublishedDataset, get.clone(), "/api/datasets/{id}/versions/:draft", none.clone(), [401, 401, 404, 401, 404]),
        // WIRE §3.2 versions: pub (the list holds the versions the caller may see).
        row("list versions", PublishedDataset, get.clone(), "/api/datasets/{id}/versions", none.clone(), [200, 200, 200, 200, 200]),
        // WIRE §3.2 editMetadata: EditDataset (a private-URL user is read-only).
        row("edit metadata", DraftDataset, put.clone(), "/api/datasets/{id}/editMetadata", edit.clone(), [401, 401, 200, 401, 200]),
        row("edit metadata", PublishedDataset, put, "/api/datasets/{id}/editMetadata", edit, [401, 401, 200, 401, 200]),
        // WIRE §3.2 publish: PublishDataset; the dataset's collection `lab` is published.
        row("publish dataset", DraftDataset, post.clone(), "/api/datasets/{id}/actions/:publish?type=major", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.2 DELETE datasets/{id}: DeleteDatasetDraft; a published single-version
        // dataset ⇒ superuser only, `Only superusers can delete published datasets` is 401 (§2).
        row("delete dataset", DraftDataset, delete.clone(), "/api/datasets/{id}", none.clone(), [401, 401, 200, 401, 200]),
        row("delete dataset", PublishedDataset, delete.clone(), "/api/datasets/{id}", none.clone(), [401, 401, 401, 401, 200]),
        // WIRE §3.2 DELETE versions/:draft: DeleteDatasetDraft.
        row("delete draft version", DraftDataset, delete.clone(), "/api/datasets/{id}/versions/:draft", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.2 GET locks: pub.
        row("list locks", PublishedDataset, get.clone(), "/api/datasets/{id}/locks", none.clone(), [200, 200, 200, 200, 200]),
        // WIRE §3.2 POST lock/{type}: su; AbstractApiBean.findSuperuserOrDie ⇒ 403 `This API
        // call can be used by superusers only` to other users, 401 to non-users.
        row("add lock", DraftDataset, post.clone(), "/api/datasets/{id}/lock/Ingest", none.clone(), [401, 403, 403, 401, 200]),
        // WIRE §3.2 assignments: ManageDatasetPermissions.
        row("dataset assignments", DraftDataset, get.clone(), "/api/datasets/{id}/assignments", none.clone(), [401, 401, 200, 401, 200]),
        row("dataset assignments", PublishedDataset, get.clone(), "/api/datasets/{id}/assignments", none.clone(), [401, 401, 200, 401, 200]),
        // WIRE §3.2 previewUrl: ManageDatasetPermissions; the draft already has one (the
        // private-URL actor's) ⇒ 403 `Preview URL already exists for this dataset.`; a dataset
        // whose latest version is not a draft ⇒ 403.
        row("create private URL", DraftDataset, post.clone(), "/api/datasets/{id}/privateUrl", none.clone(), [401, 401, 403, 401, 403]),
        row("create private URL", PublishedDataset, post.clone(), "/api/datasets/{id}/privateUrl", none.clone(), [401, 401, 403, 401, 403]),
        row("get private URL", DraftDataset, get.clone(), "/api/datasets/{id}/privateUrl", none.clone(), [401, 401, 200, 401, 200]),
        row("delete private URL", DraftDataset, delete, "/api/datasets/{id}/privateUrl", none.clone(), [401, 401, 200, 401, 200]),
        // ---- Files and data access (Datasets.java add, Access.java) ----
        // WIRE §2/§3.4: a restricted or unpublished file the caller may not download ⇒ 403
        // `Not authorized to access this object via this API endpoint...`; DownloadFile comes
        // with `admin` on the collection and with the private URL's `member` role on its draft.
        row("download restricted file", PublishedDataset, get.clone(), "/api/access/datafile/{file}", none.clone(), [403, 403, 200, 403, 200]),
        row("download restricted file", DraftDataset, get, "/api/access/datafile/{file}", none, [403, 403, 200, 200, 200]),
        // WIRE §2: no edit permission on file add ⇒ 403 (addFileToDataset answers 403
        // `file.addreplace.error.auth` to guests and to users without EditDataset).
        row("add file", DraftDataset, post.clone(), "/api/datasets/{id}/add", Upload, [403, 403, 200, 403, 200]),
        row("add file", PublishedDataset, post, "/api/datasets/{id}/add", Upload, [403, 403, 200, 403, 200]),
    ]
}

/// The resources of one cell, all inside the collection `lab`.
struct World {
    published_collection: String,
    unpublished_collection: String,
    published_dataset: u64,
    draft_dataset: u64,
    /// A restricted file of `published_dataset` (published with it).
    published_file: u64,
    /// A restricted file of `draft_dataset`.
    draft_file: u64,
    /// The private-URL token of `draft_dataset`.
    private_url_token: String,
}

struct Setup {
    server: TestServer,
    http: reqwest::Client,
    user_token: String,
    collection_admin_token: String,
    admin_token: String,
    counter: AtomicUsize,
}

impl Setup {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        common::http_call(&self.http, &self.server.base_url, method, path, token, body).await
    }

    /// A call as the superuser that must succeed.
    async fn admin(&self, method: Method, path: &str, body: Option<&Value>) -> Value {
        let (status, v) = self
            .call(method.clone(), path, Some(&self.admin_token), body)
            .await;
        assert!(
            (200..300).contains(&status),
            "setup {method} {path}: {status} {v}"
        );
        v
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::SeqCst)
    }

    async fn world(&self) -> World {
        let n = self.next();
        let published_collection = format!("pub{n}");
        let unpublished_collection = format!("unpub{n}");
        for alias in [&published_collection, &unpublished_collection] {
            self.admin(
                Method::POST,
                "/api/dataverses/lab",
                Some(&collection_body(alias)),
            )
            .await;
        }
        self.admin(
            Method::POST,
            &format!("/api/dataverses/{published_collection}/actions/:publish"),
            None,
        )
        .await;
        let finch = fixture_json("requests/dataset-create-finch1.json");
        let mut ids = Vec::new();
        for _ in 0..2 {
            let v = self
                .admin(Method::POST, "/api/dataverses/lab/datasets", Some(&finch))
                .await;
            ids.push(v["data"]["id"].as_u64().expect("dataset id"));
        }
        let (published_dataset, draft_dataset) = (ids[0], ids[1]);
        let published_file = self.upload(published_dataset).await;
        let draft_file = self.upload(draft_dataset).await;
        self.admin(
            Method::POST,
            &format!("/api/datasets/{published_dataset}/actions/:publish?type=major"),
            None,
        )
        .await;
        let v = self
            .admin(
                Method::POST,
                &format!("/api/datasets/{draft_dataset}/privateUrl"),
                None,
            )
            .await;
        let private_url_token = v["data"]["token"].as_str().expect("token").to_string();
        World {
            published_collection,
            unpublished_collection,
            published_dataset,
            draft_dataset,
            published_file,
            draft_file,
            private_url_token,
        }
    }

    /// Upload a small restricted file as the superuser; returns its id.
    async fn upload(&self, dataset: u64) -> u64 {
        let (status, v) = self
            .send(
                Method::POST,
                &format!("/api/datasets/{dataset}/add"),
                Some(&self.admin_token),
                &Body::Upload,
            )
            .await;
        assert_eq!(status, 200, "setup upload: {v}");
        v["data"]["files"][0]["dataFile"]["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("file id in {v}"))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Body,
    ) -> (u16, Value) {
        match body {
            Body::None => self.call(method, path, token, None).await,
            Body::Json(v) => self.call(method, path, token, Some(v)).await,
            Body::NewCollection => {
                let v = collection_body(&format!("child{}", self.next()));
                self.call(method, path, token, Some(&v)).await
            }
            Body::Upload => {
                let n = self.next();
                let part = reqwest::multipart::Part::bytes(format!("a,b\n{n},2\n").into_bytes())
                    .file_name(format!("data{n}.csv"))
                    .mime_str("text/csv")
                    .expect("mime");
                let form = reqwest::multipart::Form::new()
                    .part("file", part)
                    .text("jsonData", r#"{"description":"matrix","restrict":true}"#);
                let mut rb = self
                    .http
                    .request(method.clone(), format!("{}{path}", self.server.base_url))
                    .multipart(form);
                if let Some(t) = token {
                    rb = rb.header("X-Dataverse-key", t);
                }
                let resp = rb
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                (
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                )
            }
        }
    }

    fn token<'a>(&'a self, actor: Actor, world: &'a World) -> Option<&'a str> {
        match actor {
            Actor::Anonymous => None,
            Actor::User => Some(&self.user_token),
            Actor::CollectionAdmin => Some(&self.collection_admin_token),
            Actor::PrivateUrl => Some(&world.private_url_token),
            Actor::Superuser => Some(&self.admin_token),
        }
    }
}

async fn create_user(setup: &Setup, name: &str) -> String {
    common::create_user(&setup.http, &setup.server.base_url, name).await
}

struct Mismatch {
    op: &'static str,
    res: Res,
    actor: Actor,
    expected: u16,
    got: u16,
    body: Value,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = self.body.to_string();
        if body.len() > 160 {
            body.truncate(160);
            body.push('…');
        }
        write!(
            f,
            "{:<24} {:<22} {:<16} expected {} got {}  {}",
            self.op,
            format!("{:?}", self.res),
            format!("{:?}", self.actor),
            self.expected,
            self.got,
            body
        )
    }
}

#[tokio::test]
async fn permission_matrix() {
    let server = TestServer::start_with(|c| c.publish_delay = Duration::ZERO, None, |r| r).await;
    let admin_token = server.admin_token.clone();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut setup = Setup {
        server,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http"),
        user_token: String::new(),
        collection_admin_token: String::new(),
        admin_token,
        counter: AtomicUsize::new(0),
    };
    setup.user_token = create_user(&setup, "uma").await;
    setup.collection_admin_token = create_user(&setup, "cal").await;
    setup
        .admin(
            Method::POST,
            "/api/dataverses/root",
            Some(&collection_body("lab")),
        )
        .await;
    setup
        .admin(Method::POST, "/api/dataverses/lab/actions/:publish", None)
        .await;
    setup
        .admin(
            Method::POST,
            "/api/dataverses/lab/assignments",
            Some(&json!({"assignee": "@cal", "role": "admin"})),
        )
        .await;

    let shared = setup.world().await;
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for r in rows() {
        for (i, actor) in ACTORS.into_iter().enumerate() {
            let fresh;
            let world = if r.writes {
                fresh = setup.world().await;
                &fresh
            } else {
                &shared
            };
            let id = match r.res {
                Res::PublishedCollection => world.published_collection.clone(),
                Res::UnpublishedCollection => world.unpublished_collection.clone(),
                Res::PublishedDataset => world.published_dataset.to_string(),
                Res::DraftDataset => world.draft_dataset.to_string(),
            };
            let file = match r.res {
                Res::PublishedDataset => world.published_file,
                _ => world.draft_file,
            };
            let path = r
                .path
                .replace("{id}", &id)
                .replace("{file}", &file.to_string());
            let token = setup.token(actor, world);
            let (got, v) = setup.send(r.method.clone(), &path, token, &r.body).await;
            cells += 1;
            let expected = r.expect[i];
            // Every error must be a Dataverse error envelope.
            let shaped = got < 400
                || (v["status"] == "ERROR" && v["message"].as_str().is_some_and(|m| !m.is_empty()));
            if got != expected || !shaped {
                mismatches.push(Mismatch {
                    op: r.op,
                    res: r.res,
                    actor,
                    expected,
                    got,
                    body: v,
                });
            }
        }
    }
    assert!(cells >= 100, "only {cells} cells");
    if !mismatches.is_empty() {
        let lines: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
        panic!(
            "{} of {cells} cells differ from Dataverse:\n{}",
            mismatches.len(),
            lines.join("\n")
        );
    }
}
