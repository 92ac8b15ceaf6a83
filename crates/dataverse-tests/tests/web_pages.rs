//! The web view of the embedded Dataverse, over HTTP: each page's status and key content,
//! escaping of hostile titles and descriptions (what Dataverse's safelist allows is kept),
//! permission cases (a guest never sees a draft's title or a restricted file's link), and
//! the token sign-in cookie.

use dataverse_tests::{TestServer, fixture_json};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const HOSTILE_TITLE: &str = r#"<script>alert("t")</script> Finches & "Friends""#;
const HOSTILE_DESCRIPTION: &str = r#"<p>Beaks <b>bold</b> <a href="javascript:alert(1)">x</a> <a href="https://example.org/beaks">ok</a></p><img src=x onerror=alert(2)><iframe src="https://evil.example"></iframe>"#;
const DRAFT_TITLE: &str = "Secret draft title";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A page's status, headers and body.
async fn page(
    s: &TestServer,
    path: &str,
    key: Option<&str>,
    cookie: Option<&str>,
) -> (StatusCode, HeaderMap, String) {
    let mut req = http().get(format!("{}{path}", s.base_url));
    if let Some(k) = key {
        req = req.header("X-Dataverse-key", k);
    }
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap())
}

async fn api(s: &TestServer, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = http()
        .request(method, format!("{}{path}", s.base_url))
        .header("X-Dataverse-key", &s.admin_token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

fn dataset_body(title: &str, description: &str) -> Value {
    let mut body = fixture_json("requests/dataset-create-finch1.json");
    for f in body["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array_mut()
        .unwrap()
    {
        match f["typeName"].as_str().unwrap() {
            "title" => f["value"] = json!(title),
            "dsDescription" => {
                f["value"][0]["dsDescriptionValue"]["value"] = json!(description);
            }
            _ => {}
        }
    }
    body
}

async fn upload(s: &TestServer, dataset: i64, name: &str, bytes: &[u8], json_data: Value) -> i64 {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str("text/plain")
                .unwrap(),
        )
        .text("jsonData", json_data.to_string());
    let resp = http()
        .post(format!("{}/api/datasets/{dataset}/add", s.base_url))
        .header("X-Dataverse-key", &s.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    v["data"]["files"][0]["dataFile"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{v}"))
}

/// What the fixture world holds.
struct World {
    server: TestServer,
    /// Published, with a public and a restricted file; hostile title and description.
    published_pid: String,
    public_file: i64,
    restricted_file: i64,
    /// Never published (its only version is a draft), with one file.
    draft_pid: String,
    draft_file: i64,
}

const PUBLIC_BYTES: &[u8] = b"beak depth,beak width\n9.1,8.4\n";

async fn world() -> World {
    let s = TestServer::start().await;
    use reqwest::Method;
    api(
        &s,
        Method::POST,
        "/api/dataverses/:root",
        Some(json!({"alias": "lab", "name": "Finch <Lab>", "description": "Field <i>notes</i><script>x()</script>",
                    "affiliation": "Birds Inc.", "dataverseContacts": [{"contactEmail": "lab@example.org"}]})),
    )
    .await;
    api(
        &s,
        Method::POST,
        "/api/dataverses/lab/actions/:publish",
        None,
    )
    .await;
    api(
        &s,
        Method::POST,
        "/api/dataverses/:root",
        Some(json!({"alias": "hidden", "name": "Hidden group",
                    "dataverseContacts": [{"contactEmail": "h@example.org"}]})),
    )
    .await;
    let v = api(
        &s,
        Method::POST,
        "/api/dataverses/lab/datasets",
        Some(dataset_body(HOSTILE_TITLE, HOSTILE_DESCRIPTION)),
    )
    .await;
    let id = v["data"]["id"].as_i64().unwrap();
    let published_pid = v["data"]["persistentId"].as_str().unwrap().to_string();
    let public_file = upload(
        &s,
        id,
        "beaks.txt",
        PUBLIC_BYTES,
        json!({"directoryLabel": "data"}),
    )
    .await;
    let restricted_file = upload(
        &s,
        id,
        "secret.txt",
        b"top secret\n",
        json!({"restrict": true}),
    )
    .await;
    api(
        &s,
        Method::POST,
        &format!("/api/datasets/{id}/actions/:publish?type=major"),
        None,
    )
    .await;
    let v = api(
        &s,
        Method::POST,
        "/api/dataverses/lab/datasets",
        Some(dataset_body(DRAFT_TITLE, "Not yet.")),
    )
    .await;
    let draft_id = v["data"]["id"].as_i64().unwrap();
    let draft_pid = v["data"]["persistentId"].as_str().unwrap().to_string();
    let draft_file = upload(&s, draft_id, "draft.txt", b"draft bytes\n", json!({})).await;
    // Wait for the publication to be finalized (404 until it is).
    let mut released = false;
    for _ in 0..200 {
        let resp = http()
            .get(format!(
                "{}/api/datasets/{id}/versions/:latest-published",
                s.base_url
            ))
            .header("X-Dataverse-key", &s.admin_token)
            .send()
            .await
            .unwrap();
        if resp.status() == StatusCode::OK {
            released = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(released, "the publication was not finalized");
    World {
        server: s,
        published_pid,
        public_file,
        restricted_file,
        draft_pid,
        draft_file,
    }
}

#[tokio::test]
async fn collection_pages_list_what_the_viewer_may_see() {
    let w = world().await;
    let s = &w.server;

    let (status, headers, root) = page(s, "/", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(root.contains(r#"href="/dataverse/lab""#), "{root}");
    assert!(root.contains("Finch &lt;Lab&gt;"));
    assert!(
        !root.contains("Hidden group"),
        "a guest sees no unpublished collection"
    );
    assert!(root.contains(r#"<link rel="stylesheet" href="/resources/web.css">"#));

    let (status, _, lab) = page(s, "/dataverse/lab", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(lab.contains("<h1>Finch &lt;Lab&gt;</h1>"), "{lab}");
    assert!(lab.contains("Field <i>notes</i>&lt;script&gt;x()&lt;/script&gt;"));
    assert!(lab.contains(r#"<a href="mailto:lab@example.org">"#));
    assert!(lab.contains(&format!(
        r#"href="/dataset.xhtml?persistentId={}&amp;version=1.0""#,
        w.published_pid
    )));
    assert!(lab.contains(
        "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; Finches &amp; &quot;Friends&quot;"
    ));
    assert!(!lab.contains("<script>"), "nothing from metadata runs");
    assert!(lab.contains("Finch, Fiona"));
    assert!(lab.contains("Version 1.0"));
    assert!(
        !lab.contains(DRAFT_TITLE),
        "a guest never sees a draft's title"
    );
    assert!(!lab.contains(&w.draft_pid));

    let (_, _, admin_lab) = page(s, "/dataverse/lab", Some(&s.admin_token), None).await;
    assert!(admin_lab.contains(DRAFT_TITLE));
    assert!(admin_lab.contains("Signed in as"));
    let (_, _, admin_root) = page(s, "/", Some(&s.admin_token), None).await;
    assert!(admin_root.contains("Hidden group"));

    // The title filter and the type filters.
    let (_, _, found) = page(s, "/dataverse/lab?q=FRIENDS", None, None).await;
    assert!(found.contains("1 to 1 of 1 results"), "{found}");
    let (_, _, none) = page(s, "/dataverse/lab?q=zebra", None, None).await;
    assert!(none.contains("No results"));
    assert!(!none.contains("persistentId="));
    let (_, _, only) = page(s, "/?types=dataverses", None, None).await;
    assert!(only.contains(r#"href="/dataverse/lab""#));
    let (_, _, only) = page(s, "/dataverse/lab?types=dataverses", None, None).await;
    assert!(!only.contains("persistentId="));
    assert!(
        only.contains(r#"<strong>Collections (0)</strong>"#),
        "{only}"
    );

    let (status, _, body) = page(s, "/dataverse/hidden", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("Hidden group"));
    let (status, _, _) = page(s, "/dataverse/hidden", Some(&s.admin_token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = page(s, "/dataverse/nosuch", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(s, "/resources/web.css", None, None).await;
    assert_eq!(status, StatusCode::OK);
    w.server.stop().await;
}

#[tokio::test]
async fn collection_search_is_the_search_api() {
    let w = world().await;
    let s = &w.server;
    // Full text, fields and files, scoped to the collection; drafts only for those who may
    // see them.
    let (status, _, found) = page(s, "/dataverse/lab?q=beaks", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        found.contains(&format!("persistentId={}", w.published_pid)),
        "{found}"
    );
    assert!(
        found.contains(&format!("/file.xhtml?fileId={}", w.public_file)),
        "files are searched"
    );
    let (_, _, by_title) = page(s, "/dataverse/lab?q=title:Friends", None, None).await;
    assert!(by_title.contains("1 to 1 of 1 results"), "{by_title}");
    let (_, _, guest) = page(s, "/dataverse/lab?q=draft", None, None).await;
    assert!(
        !guest.contains(DRAFT_TITLE) && !guest.contains("draft.txt"),
        "{guest}"
    );
    let (_, _, owner) = page(s, "/dataverse/lab?q=draft", Some(&s.admin_token), None).await;
    assert!(owner.contains(DRAFT_TITLE), "{owner}");
    assert!(owner.contains(&format!(
        "/file.xhtml?fileId={}&amp;version=DRAFT",
        w.draft_file
    )));
    assert!(owner.contains(&format!("persistentId={}&amp;version=DRAFT", w.draft_pid)));
    // Type filters with the counts of every type, and facets that filter.
    let (_, _, files) = page(s, "/dataverse/lab?q=*&types=files", None, None).await;
    assert!(files.contains("<strong>Files (2)</strong>"), "{files}");
    assert!(files.contains("Datasets (1)"));
    assert!(
        !files.contains("class=\"kind\">Dataset<"),
        "only files listed"
    );
    let (_, _, browse) = page(s, "/dataverse/lab", None, None).await;
    assert!(browse.contains("<h3>Author Name</h3>"), "{browse}");
    let facet =
        r#"href="/dataverse/lab?fq=authorName_ss:%22Finch%2C%20Fiona%22">Finch, Fiona (1)</a>"#;
    assert!(browse.contains(facet), "{browse}");
    let (_, _, filtered) = page(
        s,
        "/dataverse/lab?fq=authorName_ss:%22Finch%2C%20Fiona%22",
        None,
        None,
    )
    .await;
    assert!(filtered.contains("1 to 1 of 1 results"), "{filtered}");
    assert!(filtered.contains("(remove)"));
    let (_, _, nobody) = page(
        s,
        "/dataverse/lab?fq=authorName_ss:%22Nobody%22",
        None,
        None,
    )
    .await;
    assert!(nobody.contains("No results"));
    // A query the parser refuses is said so on the page.
    let (status, _, refused) = page(s, "/dataverse/lab?q=title:fin~2", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refused.contains("cannot be searched"), "{refused}");
    w.server.stop().await;
}

#[tokio::test]
async fn collection_pages_are_paged() {
    let s = TestServer::start_generated("collections=1,datasets=23,depth=1,seed=7").await;
    let (_, _, root) = page(&s, "/", None, None).await;
    let at = root
        .find(r#"href="/dataverse/"#)
        .expect("the generated collection");
    let alias = root[at + 17..].split('"').next().unwrap().to_string();
    let v = api(
        &s,
        reqwest::Method::GET,
        &format!("/api/dataverses/{alias}/contents"),
        None,
    )
    .await;
    let total = v["data"].as_array().unwrap().len();
    assert!(total > 20, "{total}");
    let base = format!("/dataverse/{alias}");
    let (_, _, first) = page(&s, &base, None, None).await;
    assert!(
        first.contains(&format!("1 to 10 of {total} results")),
        "{first}"
    );
    assert!(first.contains(&format!(r#"href="{base}?page=2""#)));
    assert!(!first.contains(r#"rel="prev""#));
    let pages = total.div_ceil(10);
    let (_, _, last) = page(&s, &format!("{base}?page={pages}"), None, None).await;
    let on_last = total - (pages - 1) * 10;
    assert!(
        last.contains(&format!(
            "{} to {total} of {total} results",
            total - on_last + 1
        )),
        "{last}"
    );
    assert_eq!(last.matches("class=\"kind\"").count(), on_last);
    let (_, _, clamped) = page(&s, &format!("{base}?page=99"), None, None).await;
    assert!(clamped.contains(&format!("Page {pages} of {pages}")));
    s.stop().await;
}

#[tokio::test]
async fn dataset_page_shows_citation_metadata_files_and_respects_restriction() {
    let w = world().await;
    let s = &w.server;
    let path = format!("/dataset.xhtml?persistentId={}", w.published_pid);
    let (status, _, ds) = page(s, &path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{ds}");
    // The citation as Dataverse formats it.
    let doi_url = format!(
        "https://doi.org/{}",
        w.published_pid.trim_start_matches("doi:")
    );
    let v = api(
        s,
        reqwest::Method::GET,
        &format!(
            "/api/datasets/:persistentId?persistentId={}",
            w.published_pid
        ),
        None,
    )
    .await;
    let year = &v["data"]["publicationDate"].as_str().unwrap()[..4];
    let publisher = v["data"]["publisher"].as_str().unwrap();
    assert!(
        ds.contains(&format!(
            r#"Finch, Fiona, {year}, &quot;&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; Finches &amp; &quot;Friends&quot;&quot;, <a href="{doi_url}">{doi_url}</a>, {publisher}, V1"#,
        )),
        "{ds}"
    );
    assert!(!ds.contains("<script>"));
    // Descriptions: Dataverse's safelist kept, the rest escaped or dropped.
    assert!(ds.contains("<p>Beaks <b>bold</b> "));
    assert!(
        ds.contains(r#"<a href="https://example.org/beaks" target="_blank" rel="nofollow">ok</a>"#)
    );
    assert!(!ds.contains("javascript:"));
    assert!(!ds.contains("onerror"));
    assert!(ds.contains("&lt;iframe"));
    // Metadata blocks with the display names from the block definitions.
    assert!(ds.contains("Citation Metadata"));
    for name in [
        "<dt>Title</dt>",
        "<dt>Author</dt>",
        "<dt>Point of Contact</dt>",
        "<dt>Description</dt>",
        "<dt>Subject</dt>",
    ] {
        assert!(ds.contains(name), "{name}");
    }
    assert!(
        ds.contains("Finch, Fiona (Birds Inc.)"),
        "the author's display format"
    );
    assert!(
        !ds.contains("finch@mailinator.com"),
        "contact e-mails are not shown"
    );
    assert!(ds.contains("Medicine, Health and Life Sciences"));
    // License, versions, exports.
    assert!(ds.contains(r#"rel="license">CC0 1.0</a>"#));
    assert!(ds.contains("<td>RELEASED</td>"));
    assert!(ds.contains(&format!(
        r#"href="/api/datasets/export?exporter=ddi&amp;persistentId={}""#,
        w.published_pid
    )));
    // Files: the public one downloadable, the restricted one not for a guest.
    let public_link = format!(r#"href="/api/access/datafile/{}""#, w.public_file);
    let restricted_link = format!(r#"href="/api/access/datafile/{}""#, w.restricted_file);
    assert!(ds.contains(&public_link));
    assert!(!ds.contains(&restricted_link));
    assert!(ds.contains("secret.txt"));
    assert!(ds.contains("<td>data</td>"), "the folder column");
    assert!(ds.contains("Download all (1 file(s), ZIP)"));
    let zip_href = format!(
        "/api/access/dataset/:persistentId/versions/1.0?persistentId={}",
        w.published_pid
    );
    assert!(ds.contains(&format!(r#"href="{zip_href}""#)), "{ds}");
    let resp = http()
        .get(format!("{}{zip_href}", s.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let zip = resp.bytes().await.unwrap();
    assert!(zip.starts_with(b"PK"), "a zip");
    let names = String::from_utf8_lossy(&zip);
    assert!(names.contains("data/beaks.txt"), "{names}");
    assert!(
        !names.contains("top secret"),
        "no restricted bytes for a guest"
    );
    let (_, _, admin_ds) = page(s, &path, Some(&s.admin_token), None).await;
    assert!(admin_ds.contains(&restricted_link));
    assert!(admin_ds.contains("Download all (2 file(s), ZIP)"));

    // A draft-only dataset: nothing of it for a guest, everything for its owner.
    let draft_path = format!("/dataset.xhtml?persistentId={}", w.draft_pid);
    let (status, _, body) = page(s, &draft_path, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains(DRAFT_TITLE));
    let (status, _, body) = page(s, &draft_path, Some(&s.admin_token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(DRAFT_TITLE));
    assert!(body.contains("DRAFT VERSION"));
    assert!(!body.contains("Export Metadata"), "no exports of a draft");
    let (status, _, _) = page(s, &format!("{path}&version=DRAFT"), None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = page(s, &format!("{path}&version=1.0"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = page(s, &format!("{path}&version=7.0"), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(
        s,
        "/dataset.xhtml?persistentId=doi:10.5072/FK2/NOSUCH",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(s, "/dataset.xhtml", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The links work: the public file's bytes for a guest, the restricted one refused.
    let resp = http()
        .get(format!(
            "{}/api/access/datafile/{}",
            s.base_url, w.public_file
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PUBLIC_BYTES);
    let resp = http()
        .get(format!(
            "{}/api/access/datafile/{}",
            s.base_url, w.restricted_file
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    w.server.stop().await;
}

#[tokio::test]
async fn file_page_shows_metadata_and_downloads() {
    let w = world().await;
    let s = &w.server;
    let (status, _, f) = page(
        s,
        &format!("/file.xhtml?fileId={}", w.public_file),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert!(f.contains("<h1>beaks.txt</h1>"), "{f}");
    let md5 = {
        let v = api(
            s,
            reqwest::Method::GET,
            &format!("/api/files/{}", w.public_file),
            None,
        )
        .await;
        v["data"]["dataFile"]["md5"].as_str().unwrap().to_string()
    };
    assert!(f.contains(&format!("MD5: {md5}")));
    assert!(f.contains("Not ingested"));
    assert!(f.contains(&format!(r#"href="/api/access/datafile/{}""#, w.public_file)));
    assert!(f.contains("<dt>Folder</dt><dd>data</dd>"));
    assert!(f.contains("&lt;script&gt;"), "the dataset's title, escaped");

    let (status, _, f) = page(
        s,
        &format!("/file.xhtml?fileId={}", w.restricted_file),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(f.contains("This file is restricted"));
    assert!(!f.contains(&format!(
        r#"href="/api/access/datafile/{}""#,
        w.restricted_file
    )));

    let (status, _, f) = page(
        s,
        &format!("/file.xhtml?fileId={}", w.draft_file),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!f.contains(DRAFT_TITLE));
    let (status, _, f) = page(
        s,
        &format!("/file.xhtml?fileId={}", w.draft_file),
        Some(&s.admin_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(f.contains(DRAFT_TITLE));
    let (status, _, _) = page(s, "/file.xhtml?fileId=999999", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(s, "/file.xhtml?fileId=abc", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = page(
        s,
        "/file.xhtml?persistentId=doi:10.5072/FK2/X/1",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    w.server.stop().await;
}

async fn sign_in(s: &TestServer, token: &str, redirect: &str) -> reqwest::Response {
    let body = format!(
        "token={}&redirectPage={}",
        token,
        redirect
            .replace('/', "%2F")
            .replace('?', "%3F")
            .replace('=', "%3D")
    );
    http()
        .post(format!("{}/loginpage.xhtml", s.base_url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn token_sign_in_keeps_the_token_in_an_http_only_cookie() {
    let w = world().await;
    let s = &w.server;
    let token = s.admin_token.clone();

    let (status, _, form) = page(
        s,
        "/loginpage.xhtml?redirectPage=/dataverse/lab",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"<label for="token">API token</label>"#));
    assert!(form.contains(r#"type="password""#));

    let resp = sign_in(s, &token, "/dataverse/lab").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/dataverse/lab");
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    assert!(set.contains("Path=/"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();

    let (_, _, lab) = page(s, "/dataverse/lab", None, Some(&cookie)).await;
    assert!(lab.contains(DRAFT_TITLE), "the signed-in owner sees drafts");
    assert!(lab.contains("Sign out"));
    assert!(!lab.contains(&token), "the token is never in a page");
    let (_, _, ds) = page(
        s,
        &format!("/dataset.xhtml?persistentId={}", w.published_pid),
        None,
        Some(&cookie),
    )
    .await;
    assert!(!ds.contains(&token));
    assert!(ds.contains(&format!(
        r#"href="/api/access/datafile/{}""#,
        w.restricted_file
    )));

    // The Data Access API serves the signed-in user (Access.getRequestor), the rest of the
    // API does not take the cookie.
    let resp = http()
        .get(format!(
            "{}/api/access/datafile/{}",
            s.base_url, w.restricted_file
        ))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"top secret\n");
    let resp = http()
        .get(format!(
            "{}/api/datasets/:persistentId?persistentId={}",
            s.base_url, w.draft_pid
        ))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // A wrong token: the form again, no cookie, the token not echoed.
    let resp = sign_in(s, "not-a-token-123", "/").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get("set-cookie").is_none());
    let body = resp.text().await.unwrap();
    assert!(body.contains("That API token is not valid"));
    assert!(!body.contains("not-a-token-123"));
    // An open redirect is refused.
    let resp = sign_in(s, &token, "//evil.example/").await;
    assert_eq!(resp.headers()["location"], "/");

    // Another site's form is refused.
    let resp = http()
        .post(format!("{}/loginpage.xhtml", s.base_url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", "http://evil.example")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.headers().get("set-cookie").is_none());

    // A stale cookie is a guest, told so.
    let (status, _, lab) = page(s, "/dataverse/lab", None, Some("dvtoken=stale-token")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!lab.contains(DRAFT_TITLE));
    assert!(lab.contains("no longer valid"));

    // Signing out forgets the cookie.
    let resp = http()
        .post(format!("{}/logout.xhtml", s.base_url))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let set = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set.starts_with("dvtoken=;") && set.contains("Max-Age=0"),
        "{set}"
    );

    // A bad X-Dataverse-key header is a 401, as in the API.
    let mut h = HeaderMap::new();
    h.insert("X-Dataverse-key", HeaderValue::from_static("bad"));
    let resp = http()
        .get(format!("{}/", s.base_url))
        .headers(h)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    w.server.stop().await;
}
