//! The embedded server's `GET /api/search`: answers shaped like the real fixtures (and
//! decoded by the library without leftovers), the query language, Dataverse's permission
//! rules, an index that follows every kind of write, paging, parameter checks and facets.

mod common;

use std::collections::{BTreeSet, HashSet};

use dataverse_client::SearchQuery;
use dataverse_client::models::search::SearchItem;
use dataverse_tests::{TestServer, fixture_json};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

struct World {
    server: TestServer,
    http: reqwest::Client,
}

impl World {
    async fn new() -> World {
        Self::with(TestServer::start().await)
    }

    fn with(server: TestServer) -> World {
        let _ = rustls::crypto::ring::default_provider().install_default();
        World {
            server,
            http: reqwest::Client::builder().build().expect("http client"),
        }
    }

    fn admin_token(&self) -> String {
        self.server.admin_token.clone()
    }

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
        let token = self.admin_token();
        let (status, v) = self.call(method.clone(), path, Some(&token), body).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {v}"
        );
        v
    }

    async fn collection(&self, parent: &str, alias: &str, name: &str, publish: bool) -> u64 {
        let body = json!({
            "name": name, "alias": alias, "description": format!("{name} collection"),
            "dataverseContacts": [{"contactEmail": "pi@example.edu"}]
        });
        let v = self
            .admin(
                Method::POST,
                &format!("/api/dataverses/{parent}"),
                Some(&body),
            )
            .await;
        if publish {
            self.admin(
                Method::POST,
                &format!("/api/dataverses/{alias}/actions/:publish"),
                None,
            )
            .await;
        }
        v["data"]["id"].as_u64().expect("collection id")
    }

    /// A dataset in `collection` as `token` (the superuser when `None`); returns (id, PID).
    async fn dataset(
        &self,
        collection: &str,
        meta: &Meta<'_>,
        token: Option<&str>,
    ) -> (u64, String) {
        let admin = self.admin_token();
        let token = token.unwrap_or(&admin);
        let (status, v) = self
            .call(
                Method::POST,
                &format!("/api/dataverses/{collection}/datasets"),
                Some(token),
                Some(&meta.body()),
            )
            .await;
        assert_eq!(status, 201, "create dataset: {v}");
        (
            v["data"]["id"].as_u64().expect("id"),
            v["data"]["persistentId"].as_str().expect("pid").to_string(),
        )
    }

    async fn publish(&self, dataset: u64) {
        self.wait_unlocked(dataset).await;
        self.admin(
            Method::POST,
            &format!("/api/datasets/{dataset}/actions/:publish?type=major"),
            None,
        )
        .await;
        self.wait_unlocked(dataset).await;
    }

    /// Wait until the dataset has no lock (ingest and publication finish in the background).
    async fn wait_unlocked(&self, dataset: u64) {
        for _ in 0..500 {
            let v = self
                .admin(Method::GET, &format!("/api/datasets/{dataset}/locks"), None)
                .await;
            if v["data"].as_array().is_some_and(Vec::is_empty) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("dataset {dataset} stayed locked");
    }

    async fn upload(&self, dataset: u64, name: &str, content_type: &str) -> u64 {
        let part = reqwest::multipart::Part::bytes(b"x,y\n1,2\n".to_vec())
            .file_name(name.to_string())
            .mime_str(content_type)
            .expect("mime");
        let form = reqwest::multipart::Form::new().part("file", part).text(
            "jsonData",
            r#"{"description":"measurements of beaks","categories":["Data"]}"#,
        );
        let resp = self
            .http
            .post(format!(
                "{}/api/datasets/{dataset}/add",
                self.server.base_url
            ))
            .header("X-Dataverse-key", self.admin_token())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let v: Value = resp.json().await.expect("json");
        self.wait_unlocked(dataset).await;
        v["data"]["files"][0]["dataFile"]["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("file id in {v}"))
    }

    async fn user(&self, name: &str) -> String {
        common::create_user(&self.http, &self.server.base_url, name).await
    }

    /// `GET /api/search?<query>` as `token`; the status and the body.
    async fn search_raw(&self, query: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::GET, &format!("/api/search?{query}"), token, None)
            .await
    }

    /// A search that must succeed; its `data`.
    async fn search(&self, query: &str, token: Option<&str>) -> Value {
        let (status, v) = self.search_raw(query, token).await;
        assert_eq!(status, 200, "search {query}: {v}");
        v["data"].clone()
    }

    /// The names of the items of a search (sorted), per_page 1000.
    async fn names(&self, q: &str, token: Option<&str>) -> Vec<String> {
        let data = self
            .search(&format!("q={}&per_page=1000", enc(q)), token)
            .await;
        let mut names: Vec<String> = data["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["name"].as_str().expect("name").to_string())
            .collect();
        names.sort();
        names
    }
}

/// Percent-encode a query value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Citation metadata of a test dataset.
struct Meta<'a> {
    title: &'a str,
    author: &'a str,
    description: &'a str,
    subject: &'a str,
    keywords: &'a [&'a str],
}

impl Meta<'_> {
    fn body(&self) -> Value {
        let mut body = fixture_json("requests/dataset-create-finch1.json");
        let fields = body["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
            .as_array_mut()
            .expect("fields");
        for f in fields.iter_mut() {
            match f["typeName"].as_str() {
                Some("title") => f["value"] = json!(self.title),
                Some("author") => f["value"][0]["authorName"]["value"] = json!(self.author),
                Some("dsDescription") => {
                    f["value"][0]["dsDescriptionValue"]["value"] = json!(self.description)
                }
                Some("subject") => f["value"] = json!([self.subject]),
                Some("datasetContact") => {
                    f["value"][0]["datasetContactName"]["value"] = json!(self.author);
                    f["value"][0]["datasetContactEmail"]["value"] = json!("contact@example.edu");
                }
                _ => {}
            }
        }
        if !self.keywords.is_empty() {
            let values: Vec<Value> = self
                .keywords
                .iter()
                .map(|k| {
                    json!({"keywordValue": {"typeName": "keywordValue", "multiple": false,
                        "typeClass": "primitive", "value": k}})
                })
                .collect();
            fields.push(json!({"typeName": "keyword", "multiple": true, "typeClass": "compound", "value": values}));
        }
        body
    }
}

const FINCHES: Meta<'static> = Meta {
    title: "Darwin's Finches",
    author: "Finch, Fiona",
    description: "Darwin's finches (also known as the Galápagos finches) are a group of about fifteen species of passerine birds.",
    subject: "Medicine, Health and Life Sciences",
    keywords: &["beaks", "evolution"],
};

const SPARROWS: Meta<'static> = Meta {
    title: "House Sparrows of Oslo",
    author: "Sparrow, Sam",
    description: "Counts of house sparrows in city parks.",
    subject: "Earth and Environmental Sciences",
    keywords: &["urban"],
};

const OWLS: Meta<'static> = Meta {
    title: "Owls and Finches at Night",
    author: "Owl, Olivia",
    description: "Nocturnal observations.",
    subject: "Earth and Environmental Sciences",
    keywords: &[],
};

/// Every key of the items of the fixtures, by type.
fn fixture_keys() -> [(String, BTreeSet<String>); 3] {
    let mut by_type: [(String, BTreeSet<String>); 3] = [
        ("dataverse".into(), BTreeSet::new()),
        ("dataset".into(), BTreeSet::new()),
        ("file".into(), BTreeSet::new()),
    ];
    for name in [
        "search-basic.response.json",
        "search-fq-published-only.response.json",
        "search-metadata_fields-citation-all.response.json",
        "search-metadata_fields-specific.response.json",
        "search-subtree-relevance-facets.response.json",
    ] {
        let v = fixture_json(&format!("doc-examples/{name}"));
        for item in v["data"]["items"].as_array().expect("items") {
            let t = item["type"].as_str().expect("type");
            let slot = by_type
                .iter_mut()
                .find(|(k, _)| k == t)
                .expect("known type");
            slot.1
                .extend(item.as_object().expect("object").keys().cloned());
        }
    }
    by_type
}

/// The keys of `SolrSearchResult.json` in the order it adds them.
const KEY_ORDER: &[&str] = &[
    "name",
    "type",
    "url",
    "image_url",
    "identifier",
    "global_id",
    "file_id",
    "description",
    "published_at",
    "file_type",
    "file_content_type",
    "size_in_bytes",
    "md5",
    "checksum",
    "unf",
    "file_persistent_id",
    "dataset_name",
    "dataset_id",
    "publisher",
    "dataset_persistent_id",
    "dataset_citation",
    "deaccession_reason",
    "citationHtml",
    "identifier_of_dataverse",
    "name_of_dataverse",
    "citation",
    "restricted",
    "variables",
    "observations",
    "canDownloadFile",
    "matches",
    "score",
    "entity_id",
    "publicationStatuses",
    "categories",
    "tabularTags",
    "storageIdentifier",
    "keywords",
    "subjects",
    "fileCount",
    "versionId",
    "versionState",
    "majorVersion",
    "minorVersion",
    "createdAt",
    "updatedAt",
    "contacts",
    "publications",
    "producers",
    "relatedMaterial",
    "geographicCoverage",
    "dataSources",
    "metadataBlocks",
    "collections",
    "affiliation",
    "parentDataverseName",
    "parentDataverseIdentifier",
    "datasetCount",
    "releaseOrCreateDate",
    "api_url",
    "authors",
];

#[tokio::test]
async fn answers_have_the_shape_of_the_real_fixtures() {
    let w = World::new().await;
    w.collection("root", "birds", "Birds of the world", true)
        .await;
    let (id, _) = w.dataset("birds", &FINCHES, None).await;
    w.upload(id, "finch-beaks.csv", "text/csv").await;
    w.publish(id).await;

    let data = w
        .search("q=finch&show_relevance=true&show_facets=true&show_type_counts=true&show_entity_ids=true", None)
        .await;
    let top: Vec<&str> = data
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        top,
        [
            "q",
            "total_count",
            "start",
            "spelling_alternatives",
            "items",
            "facets",
            "count_in_response",
            "total_count_per_object_type"
        ]
    );
    assert_eq!(
        data["total_count_per_object_type"],
        json!({"Datasets": 1, "Files": 1, "Dataverses": 0})
    );
    let known = fixture_keys();
    // Keys Dataverse 6.x adds that the (older) fixtures do not show.
    let newer: BTreeSet<&str> = [
        "canDownloadFile",
        "checksum",
        "restricted",
        "releaseOrCreateDate",
        "entity_id",
        "keywords",
        "matches",
        "score",
        "categories",
    ]
    .into_iter()
    .collect();
    let items = data["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{data}");
    let mut types = Vec::new();
    for item in items {
        let t = item["type"].as_str().unwrap();
        types.push(t.to_string());
        let allowed = &known.iter().find(|(k, _)| k == t).unwrap().1;
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for k in &keys {
            assert!(
                allowed.contains(*k) || newer.contains(k),
                "{t} item has key {k} no fixture has"
            );
        }
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                KEY_ORDER
                    .iter()
                    .position(|o| o == k)
                    .unwrap_or_else(|| panic!("{k} not in Dataverse's key order"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|p| p[0] < p[1]),
            "{t} keys out of Dataverse's order: {keys:?}"
        );
    }
    types.sort();
    assert_eq!(types, ["dataset", "file"]);
    let ds = items.iter().find(|i| i["type"] == "dataset").unwrap();
    assert_eq!(ds["name"], "Darwin's Finches");
    assert_eq!(ds["versionState"], "RELEASED");
    assert_eq!(ds["publicationStatuses"], json!(["Published"]));
    assert_eq!(ds["identifier_of_dataverse"], "birds");
    assert_eq!(ds["fileCount"], 1);
    assert_eq!(ds["authors"], json!(["Finch, Fiona"]));
    assert_eq!(ds["keywords"], json!(["beaks", "evolution"]));
    assert!(
        ds["citationHtml"]
            .as_str()
            .unwrap()
            .contains("target=\"_blank\"")
    );
    assert!(
        ds["citation"]
            .as_str()
            .unwrap()
            .starts_with("Finch, Fiona, ")
    );
    assert!(ds["score"].as_f64().unwrap() > 0.0);
    let title_match = ds["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m.get("title"))
        .expect("a title match");
    assert_eq!(
        title_match["snippets"][0],
        "Darwin's <span class=\"search-term-match\">Finches</span>"
    );
    let file = items.iter().find(|i| i["type"] == "file").unwrap();
    assert_eq!(file["dataset_id"], json!(id.to_string()));
    assert!(file["file_id"].is_string());
    assert_eq!(
        file["file_content_type"], "text/tab-separated-values",
        "ingested"
    );
    assert_eq!(file["canDownloadFile"], true);
    assert!(
        file["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );

    // The library decodes every card into its typed variant with nothing left over.
    let page = w
        .server
        .anonymous()
        .search(
            &SearchQuery::new("finch")
                .show_relevance(true)
                .show_facets(true),
        )
        .await
        .expect("library search");
    assert_eq!(page.total_count, 2);
    for item in &page.items {
        let extra = match item {
            SearchItem::Collection(c) => &c.extra,
            SearchItem::Dataset(d) => &d.extra,
            SearchItem::File(f) => &f.extra,
            other => panic!("untyped item {other:?}"),
        };
        assert!(extra.is_empty(), "unknown keys {:?}", extra.keys());
    }

    // Facets: the root's facet fields plus Dataverse's static ones, counted.
    let facets = &data["facets"][0];
    assert_eq!(facets["authorName_ss"]["friendly"], "Author Name");
    assert_eq!(
        facets["authorName_ss"]["labels"],
        json!([{"Finch, Fiona": 1}])
    );
    assert_eq!(
        facets["subject_ss"]["labels"],
        json!([{"Medicine, Health and Life Sciences": 1}])
    );
    assert_eq!(
        facets["fileTypeGroupFacet"]["labels"],
        json!([{"Tabular Data": 1}])
    );
    // Only published objects here: no publicationStatus facet (Dataverse hides it).
    assert!(facets.get("publicationStatus").is_none(), "{facets}");
    w.server.stop().await;
}

#[tokio::test]
async fn query_language_covers_what_clients_send() {
    let w = World::new().await;
    let coll = w
        .collection("root", "birds", "Birds of the world", true)
        .await;
    let (finch, finch_pid) = w.dataset("birds", &FINCHES, None).await;
    let (sparrow, _) = w.dataset("birds", &SPARROWS, None).await;
    let (owl, _) = w.dataset("root", &OWLS, None).await;
    let file = w.upload(finch, "beak-lengths.txt", "text/plain").await;
    for id in [finch, sparrow, owl] {
        w.publish(id).await;
    }
    let f = "Darwin's Finches";
    let s = "House Sparrows of Oslo";
    let o = "Owls and Finches at Night";
    let b = "Birds of the world";
    let file_name = "beak-lengths.txt";
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("finch".into(), vec![f, o]),
        ("Finches".into(), vec![f, o]),
        ("\"darwin's finches\"".into(), vec![f]),
        ("\"finches darwin\"".into(), vec![]),
        ("title:sparrows".into(), vec![s]),
        ("title:spar*".into(), vec![s]),
        ("spar*".into(), vec![s]),
        ("authorName:owl".into(), vec![o]),
        ("keywordValue:beaks".into(), vec![f]),
        ("subject:\"earth and environmental\"".into(), vec![o, s]),
        ("finch AND owls".into(), vec![o]),
        ("finch && owls".into(), vec![o]),
        ("finch OR sparrow".into(), vec![f, o, s]),
        ("finch -owls".into(), vec![f]),
        ("+finch NOT owls".into(), vec![f]),
        ("(finch OR sparrow) AND night".into(), vec![o]),
        ("dvObjectType:datasets AND NOT finch".into(), vec![s]),
        (format!("entityId:{sparrow}"), vec![s]),
        (format!("entityId:[{finch} TO {sparrow}]"), vec![f, s]),
        (format!("parentId:{coll}"), vec![f, s]),
        (format!("dsPersistentId:\"{finch_pid}\""), vec![f]),
        (format!("identifier:\"{finch_pid}\""), vec![f]),
        (finch_pid.clone(), vec![f]),
        ("fileName:beak*".into(), vec![file_name]),
        ("fileContentType:text/plain".into(), vec![file_name]),
        ("fileContentType:text/*".into(), vec![file_name]),
        ("dvObjectType:dataverses".into(), vec![b]),
        (
            "publicationStatus:Published AND dvObjectType:(dataverses OR files)".into(),
            vec![b, file_name],
        ),
        (
            "dateSort:[2000-01-01T00:00:00Z TO NOW]".into(),
            vec![b, f, file_name, o, s],
        ),
        ("dateSort:[* TO 2000-01-01]".into(), vec![]),
        ("title:*".into(), vec![f, o, s]),
        ("*".into(), vec![b, f, file_name, o, s]),
        ("*:*".into(), vec![b, f, file_name, o, s]),
        ("-finch".into(), vec![b, file_name, s]),
        ("nosuchfield:sparrows".into(), vec![]),
        (format!("entityId:{file}"), vec![file_name]),
    ];
    for (q, expected) in &cases {
        let got = w.names(q, None).await;
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "q={q}");
    }
    // fq narrows like q.
    let data = w
        .search(
            &format!(
                "q=*&fq={}&fq={}",
                enc("dvObjectType:datasets"),
                enc("authorName:finch")
            ),
            None,
        )
        .await;
    assert_eq!(data["total_count"], 1, "{data}");
    // Unsupported syntax: a 400 naming the problem, never a silent answer.
    for (q, needle) in [
        ("finch~", "fuzzy"),
        ("\"finch darwin\"~2", "proximity"),
        ("(finch", "parenthesis"),
        ("*inch", "end of a term"),
        ("/fin.h/", "regular expressions"),
        ("{!join from=a to=b}x", "local parameters"),
        ("dateSort:[last week TO NOW]", "range"),
    ] {
        let (status, v) = w.search_raw(&format!("q={}", enc(q)), None).await;
        assert_eq!(status, 400, "q={q}: {v}");
        let message = v["message"].as_str().unwrap();
        assert!(message.contains(needle), "q={q}: {message}");
        assert!(
            message.starts_with(&format!("Invalid query '{q}'")),
            "{message}"
        );
    }
    let (status, v) = w
        .search_raw(&format!("q=*&fq={}", enc("nosuch:x")), None)
        .await;
    assert_eq!(status, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("undefined field nosuch"),
        "{v}"
    );
    w.server.stop().await;
}

#[tokio::test]
async fn guests_owners_and_others_see_what_dataverse_shows_them() {
    let w = World::new().await;
    let alice = w.user("alice").await;
    let bob = w.user("bob").await;
    let admin = w.admin_token();
    w.collection("root", "lab", "Alice's Lab", false).await;
    w.admin(
        Method::POST,
        "/api/dataverses/lab/assignments",
        Some(&json!({"assignee": "@alice", "role": "curator"})),
    )
    .await;
    w.dataset("lab", &SPARROWS, Some(&alice)).await;
    // A published dataset whose new draft has a new title.
    let (finch, _) = w.dataset("root", &FINCHES, None).await;
    w.publish(finch).await;
    let edit = json!({"fields": [{"typeName": "title", "value": "Darwin's Finches, second look"}]});
    w.admin(
        Method::PUT,
        &format!("/api/datasets/{finch}/editMetadata?replace=true"),
        Some(&edit),
    )
    .await;

    let guest = w.names("*", None).await;
    assert_eq!(
        guest,
        ["Darwin's Finches"],
        "a guest sees published objects only"
    );
    assert_eq!(
        w.names("*", Some(&bob)).await,
        guest,
        "another user sees what a guest sees"
    );
    assert!(
        w.names("sparrows", None).await.is_empty(),
        "a guest never finds a draft's words"
    );
    let owner = w.names("*", Some(&alice)).await;
    assert_eq!(
        owner,
        ["Alice's Lab", "Darwin's Finches", "House Sparrows of Oslo"]
    );
    let everything = w.names("*", Some(&admin)).await;
    assert_eq!(
        everything,
        [
            "Alice's Lab",
            "Darwin's Finches",
            "Darwin's Finches, second look",
            "House Sparrows of Oslo"
        ],
        "a superuser sees the published version and the draft"
    );

    // Statuses on the cards and as filters.
    let data = w
        .search(
            &format!("q=*&fq={}&show_facets=true", enc("publicationStatus:Draft")),
            Some(&admin),
        )
        .await;
    let mut statuses: Vec<(String, Value)> = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["publicationStatuses"].clone(),
            )
        })
        .collect();
    statuses.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        statuses,
        [
            (
                "Darwin's Finches, second look".to_string(),
                json!(["Draft"])
            ),
            (
                "House Sparrows of Oslo".to_string(),
                json!(["Unpublished", "Draft"])
            ),
        ]
    );
    let labels = &data["facets"][0]["publicationStatus"]["labels"];
    assert_eq!(labels, &json!([{"Draft": 2}, {"Unpublished": 1}]), "{data}");
    let lab = w
        .search(
            &format!("q={}", enc("dvObjectType:dataverses")),
            Some(&alice),
        )
        .await;
    assert_eq!(
        lab["items"][0]["publicationStatuses"],
        json!(["Unpublished"])
    );

    // The owner finds her draft by its words; once published, everyone does.
    assert_eq!(
        w.names("sparrows", Some(&alice)).await,
        ["House Sparrows of Oslo"]
    );
    let bad = w.search_raw("q=*", Some("not-a-token")).await;
    assert_eq!(bad.0, 401, "a bad key is refused: {:?}", bad.1);
    w.admin(
        Method::PUT,
        "/api/admin/settings/:SearchApiRequiresToken",
        Some(&json!(true)),
    )
    .await;
    let (status, v) = w.search_raw("q=*", None).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (
            401,
            Some("Only authenticated users can perform the requested operation")
        )
    );
    assert_eq!(w.search("q=*", Some(&bob)).await["total_count"], 1);
    w.server.stop().await;
}

#[tokio::test]
async fn the_index_follows_every_kind_of_write() {
    let w = World::new().await;
    let admin = w.admin_token();
    let a = Some(admin.as_str());
    w.collection("root", "birds", "Birds of the world", true)
        .await;
    let (id, _) = w.dataset("birds", &FINCHES, None).await;
    assert_eq!(
        w.names("finches", a).await,
        ["Darwin's Finches"],
        "found once created"
    );

    let edit = json!({"fields": [{"typeName": "title", "value": "Galápagos Warblers"}]});
    w.admin(
        Method::PUT,
        &format!("/api/datasets/{id}/editMetadata?replace=true"),
        Some(&edit),
    )
    .await;
    assert_eq!(
        w.names("warblers", a).await,
        ["Galápagos Warblers"],
        "found under the new words"
    );
    assert!(
        w.names("title:darwin", a).await.is_empty(),
        "no longer under the old title"
    );
    assert_eq!(
        w.names("galapagos", a).await,
        ["Galápagos Warblers"],
        "diacritics fold"
    );

    assert!(w.names("warblers", None).await.is_empty());
    w.publish(id).await;
    assert_eq!(
        w.names("warblers", None).await,
        ["Galápagos Warblers"],
        "public once published"
    );

    let file = w.upload(id, "wing-spans.txt", "text/plain").await;
    assert_eq!(
        w.names("fileName:wing*", a).await,
        ["wing-spans.txt"],
        "an added file"
    );
    w.publish(id).await;
    let part = reqwest::multipart::Part::bytes(b"a\n1\n".to_vec())
        .file_name("tail-lengths.txt")
        .mime_str("text/plain")
        .unwrap();
    let resp = w
        .http
        .post(format!("{}/api/files/{file}/replace", w.server.base_url))
        .header("X-Dataverse-key", &admin)
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", part)
                .text("jsonData", "{}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(
        w.names("fileName:tail*", a).await,
        ["tail-lengths.txt"],
        "a replacement"
    );
    // The published version still lists the old file; the draft does not.
    let drafts = w.search(&format!("q={}", enc("fileName:wing*")), a).await;
    let statuses: Vec<&Value> = drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["publicationStatuses"])
        .collect();
    assert_eq!(statuses, [&json!(["Published"])]);

    // Deleting the draft leaves the published version.
    w.admin(
        Method::DELETE,
        &format!("/api/datasets/{id}/versions/:draft"),
        None,
    )
    .await;
    assert!(
        w.names("fileName:tail*", a).await.is_empty(),
        "the draft's file is gone"
    );
    assert_eq!(w.names("fileName:wing*", a).await, ["wing-spans.txt"]);

    // A collection renamed is found by its new name; children show the new parent name.
    let body = json!({"name": "Seabirds", "alias": "birds", "dataverseContacts": [{"contactEmail": "pi@example.edu"}]});
    w.admin(Method::PUT, "/api/dataverses/birds", Some(&body))
        .await;
    assert_eq!(w.names("seabirds", a).await, ["Seabirds"]);
    let ds = w
        .search(&format!("q={}", enc("dvObjectType:datasets")), a)
        .await;
    assert_eq!(ds["items"][0]["name_of_dataverse"], "Seabirds");

    // Destroyed datasets and deleted collections disappear.
    w.admin(Method::DELETE, &format!("/api/datasets/{id}/destroy"), None)
        .await;
    assert!(w.names("warblers", a).await.is_empty());
    assert!(w.names("fileName:wing*", a).await.is_empty());
    w.collection("root", "empty", "Empty Nest", false).await;
    assert_eq!(w.names("nest", a).await, ["Empty Nest"]);
    w.admin(Method::DELETE, "/api/dataverses/empty", None).await;
    assert!(w.names("nest", a).await.is_empty());
    w.server.stop().await;
}

#[tokio::test]
async fn paging_has_no_gaps_or_duplicates() {
    let w = World::with(TestServer::start_generated("collections=4,datasets=57,depth=2").await);
    for sort in ["", "&sort=name", "&sort=date&order=asc"] {
        let mut seen = Vec::new();
        let mut start = 0;
        let mut total = None;
        loop {
            let data = w
                .search(&format!("q=*&per_page=7&start={start}{sort}"), None)
                .await;
            let t = data["total_count"].as_u64().unwrap();
            assert_eq!(*total.get_or_insert(t), t);
            let items = data["items"].as_array().unwrap();
            assert_eq!(data["count_in_response"], items.len());
            assert_eq!(data["start"], start);
            if items.is_empty() {
                break;
            }
            for i in items {
                seen.push(format!(
                    "{}:{}",
                    i["type"],
                    i["identifier"]
                        .as_str()
                        .or(i["global_id"].as_str())
                        .unwrap()
                ));
            }
            start += 7;
        }
        // 4 collections + 57 datasets (root is not in its own search).
        assert_eq!(total, Some(61), "{sort}");
        assert_eq!(seen.len(), 61, "{sort}");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            61,
            "{sort}: duplicates"
        );
    }
    // Names sort ascending by default for sort=name.
    let data = w
        .search("q=*&sort=name&per_page=100&type=dataset", None)
        .await;
    let names: Vec<String> = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // The library's stream reads them all once.
    let api = w.server.anonymous();
    let all: Vec<_> = api
        .search_stream(&SearchQuery::new("*").per_page(9))
        .expect("stream")
        .collect()
        .await;
    assert_eq!(all.len(), 61);
    assert!(all.iter().all(Result::is_ok));
    assert_eq!(
        api.search_count(&SearchQuery::new("*").type_("dataset"))
            .await
            .unwrap(),
        57
    );
    w.server.stop().await;
}

#[tokio::test]
async fn parameters_are_checked_as_dataverse_checks_them() {
    let w = World::new().await;
    for (query, status, message) in [
        ("type=dataset", 400, "q parameter is missing"),
        (
            "q=*&type=files",
            400,
            "Invalid type 'files'. Must be one of [dataverse, dataset, file]",
        ),
        (
            "q=*&subtree=nosuch",
            400,
            "Could not find dataverse with alias nosuch",
        ),
        (
            "q=*&per_page=1001",
            400,
            "1001 results per page requested but max limit is 1000.",
        ),
        (
            "q=*&per_page=-1",
            400,
            "-1 results per page requested but can not be less than zero.",
        ),
        (
            "q=*&sort=name&order=up",
            400,
            "The 'order' parameter was 'up' but expected one of [asc, desc]. (The 'sort' parameter was/became 'nameSort'.)",
        ),
        (
            "q=*&geo_point=42.3,-71.1",
            400,
            "If you supply geo_point you must also supply geo_radius.",
        ),
        (
            "q=*&geo_radius=5",
            400,
            "If you supply geo_radius you must also supply geo_point.",
        ),
        (
            "q=*&geo_point=42.3,-71.1&geo_radius=5",
            400,
            "Geospatial search (geo_point, geo_radius) is not supported by this server.",
        ),
        ("q=*&search_service=elastic", 400, "Invalid search engine."),
        (
            "q=*&start=-5",
            400,
            "'start' parameter cannot be negative, got -5.",
        ),
    ] {
        let (got, v) = w.search_raw(query, None).await;
        assert_eq!(
            (got, v["message"].as_str().unwrap_or_default()),
            (status, message),
            "{query}"
        );
        assert_eq!(v["status"], "ERROR");
    }
    let (got, _) = w.search_raw("q=*&per_page=ten", None).await;
    assert_eq!(got, 404, "a non-integer int parameter is JAX-RS's 404");
    let (got, v) = w.search_raw("q=*&sort=size", None).await;
    assert_eq!(got, 400);
    assert!(v["message"].as_str().unwrap().contains("'size'"), "{v}");
    // Defaults: per_page 0 means 10; search_service=solr is the one service.
    w.admin(Method::GET, "/api/search/services", None).await;
    let services = w
        .call(Method::GET, "/api/search/services", None, None)
        .await
        .1;
    assert_eq!(services["data"]["defaultService"], "solr");
    let generated =
        World::with(TestServer::start_generated("collections=1,datasets=15,depth=1").await);
    let data = generated
        .search("q=*&per_page=0&search_service=solr", None)
        .await;
    assert_eq!(data["count_in_response"], 10);
    assert_eq!(data["total_count"], 16);
    w.server.stop().await;
    generated.server.stop().await;
}

#[tokio::test]
async fn subtrees_types_and_type_counts() {
    let w = World::new().await;
    w.collection("root", "birds", "Birds of the world", true)
        .await;
    w.collection("birds", "finches", "Finch studies", true)
        .await;
    let (finch, _) = w.dataset("finches", &FINCHES, None).await;
    let (owl, _) = w.dataset("root", &OWLS, None).await;
    w.upload(finch, "beaks.txt", "text/plain").await;
    w.publish(finch).await;
    w.publish(owl).await;
    let names = |data: &Value| {
        let mut n: Vec<String> = data["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    // A collection is not in its own subtree; what lies below it at any depth is.
    let data = w.search("q=*&subtree=birds", None).await;
    assert_eq!(
        names(&data),
        ["Darwin's Finches", "Finch studies", "beaks.txt"]
    );
    let data = w.search("q=*&subtree=finches&subtree=root", None).await;
    assert_eq!(
        data["total_count"], 5,
        "root among the subtrees searches everything"
    );
    let data = w
        .search("q=*&type=dataset&type=file&show_type_counts=true", None)
        .await;
    assert_eq!(
        names(&data),
        ["Darwin's Finches", "Owls and Finches at Night", "beaks.txt"]
    );
    assert_eq!(
        data["total_count_per_object_type"],
        json!({"Datasets": 2, "Files": 1, "Dataverses": 2}),
        "type counts ignore the type filter"
    );
    // Facets of a subtree are its collection's (inherited from root here).
    let data = w.search("q=*&subtree=birds&show_facets=true", None).await;
    let facets = data["facets"][0].as_object().unwrap();
    let order: Vec<&str> = facets.keys().map(String::as_str).collect();
    assert_eq!(
        order,
        [
            "dvCategory",
            "publicationDate",
            "authorName_ss",
            "subject_ss",
            "keywordValue_ss",
            "fileTypeGroupFacet",
            "fileTag",
            "fileAccess"
        ]
    );
    assert_eq!(
        facets["dvCategory"]["labels"],
        json!([{"Uncategorized": 1}])
    );
    w.server.stop().await;
}
