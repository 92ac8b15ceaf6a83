//! `dv search`: the real Search API fixtures served from a scripted HTTP server that
//! records every request line (for exact requests and the shapes of real installations),
//! and the embedded server's own search end to end.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::{Sandbox, TestServer, finch_draft, json, ok, one_error_line, stderr, stdout};

/// A fixture of the shared folder, as JSON.
fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/dataverse-fixtures/doc-examples/search-{name}.response.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture JSON")
}

type Responder = dyn Fn(&str) -> (u16, String) + Send + Sync;

/// A server answering each request with `respond(target)` (status, JSON body); returns
/// its URL and the request lines it received.
fn scripted_server(respond: Box<Responder>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head).to_string();
            let line = head.lines().next().unwrap_or_default().to_string();
            let target = line.split(' ').nth(1).unwrap_or_default().to_string();
            log.lock().expect("log").push(line);
            let (status, body) = respond(&target);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}"), seen)
}

/// A server answering every request with one fixture.
fn fixture_server(name: &str) -> (String, Arc<Mutex<Vec<String>>>) {
    let body = fixture(name).to_string();
    scripted_server(Box::new(move |_| (200, body.clone())))
}

/// `dv --url URL` in a fresh sandbox, tables 100 columns wide.
fn dv(sandbox: &Sandbox, url: &str) -> assert_cmd::Command {
    let mut cmd = sandbox.dv();
    cmd.env("COLUMNS", "100").args(["--url", url]);
    cmd
}

fn requests(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    seen.lock().expect("log").clone()
}

/// Pages 1 and 2 of a search with 7 results: the basic fixture's 5 items, then the 2 of
/// the published-only fixture, answered by `start`.
fn two_page_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let mut first = fixture("basic");
    first["data"]["total_count"] = 7.into();
    let mut second = fixture("fq-published-only");
    second["data"]["total_count"] = 7.into();
    second["data"]["start"] = 5.into();
    let (first, second) = (first.to_string(), second.to_string());
    scripted_server(Box::new(move |target| {
        if target.contains("start=5") {
            (200, second.clone())
        } else {
            (200, first.clone())
        }
    }))
}

#[test]
fn a_table_shows_one_page_and_a_summary() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("basic");
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-o", "table", "search", "trees"]))
        .success();
    assert_eq!(
        stdout(&out),
        "\
┌───────────┬───────────────────────────────┬──────────────────┬──────────────────────┐
│ type      ┆ id                            ┆ name             ┆ published            │
╞═══════════╪═══════════════════════════════╪══════════════════╪══════════════════════╡
│ dataverse ┆ trees                         ┆ Trees            ┆ 2016-05-10T12:53:38Z │
│ dataverse ┆ chestnuttrees                 ┆ Chestnut Trees   ┆ 2016-05-10T12:52:38Z │
│ file      ┆ doi:10.5072/FK2/XTT5BV/PCCHV7 ┆ trees.png        ┆ 2016-05-10T12:53:39Z │
│ dataverse ┆ birds                         ┆ Birds            ┆ 2016-05-10T12:57:27Z │
│ dataset   ┆ doi:10.70122/FK2/MB5VGR       ┆ Darwin's Finches ┆ 2019-12-11T15:26:10Z │
└───────────┴───────────────────────────────┴──────────────────┴──────────────────────┘
"
    );
    assert_eq!(stderr(&out), "5 of 5 results\n");
    assert_eq!(requests(&seen), ["GET /api/search?q=trees HTTP/1.1"]);

    // -q: the rows only.
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-q", "-o", "table", "search", "trees"]))
        .success();
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out).lines().count(), 9);
}

#[test]
fn json_is_the_servers_page() {
    let sandbox = Sandbox::new();
    let (url, _) = fixture_server("subtree-relevance-facets");
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-o", "json", "search", "finch", "--facets"]))
        .success();
    assert_eq!(json(&out), fixture("subtree-relevance-facets")["data"]);
    let (url, _) = fixture_server("basic");
    let out = sandbox
        .run(dv(&sandbox, &url).args(["search", "trees"]))
        .success();
    assert_eq!(json(&out), fixture("basic")["data"]);
}

#[test]
fn every_parameter_is_sent() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("fq-published-only");
    sandbox
        .run(dv(&sandbox, &url).args([
            "-o",
            "json",
            "search",
            "title:finch",
            "--type",
            "dataset",
            "--type",
            "file",
            "--subtree",
            "birds",
            "--subtree",
            "trees",
            "--fq",
            "publicationStatus:Published",
            "--sort",
            "date",
            "--order",
            "desc",
            "--per-page",
            "20",
            "--start",
            "40",
            "--facets",
        ]))
        .success();
    assert_eq!(
        requests(&seen),
        [
            "GET /api/search?q=title%3Afinch&type=dataset&type=file&subtree=birds&subtree=trees\
          &sort=date&order=desc&per_page=20&start=40&show_facets=true\
          &fq=publicationStatus%3APublished HTTP/1.1"
        ]
    );
}

#[test]
fn ndjson_streams_every_page_and_honours_the_limit() {
    let sandbox = Sandbox::new();
    let (url, seen) = two_page_server();
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-o", "ndjson", "search", "*", "--per-page", "5"]))
        .success();
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let mut expected: Vec<Value> = fixture("basic")["data"]["items"]
        .as_array()
        .expect("items")
        .clone();
    expected.extend(
        fixture("fq-published-only")["data"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .cloned(),
    );
    assert_eq!(lines, expected);
    assert_eq!(
        requests(&seen),
        [
            "GET /api/search?q=*&per_page=5&start=0 HTTP/1.1",
            "GET /api/search?q=*&per_page=5&start=5 HTTP/1.1",
        ]
    );

    let (url, seen) = two_page_server();
    let out = sandbox
        .run(dv(&sandbox, &url).args([
            "-o",
            "ndjson",
            "search",
            "*",
            "--per-page",
            "5",
            "--limit",
            "6",
        ]))
        .success();
    let names: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line")["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            "Trees",
            "Chestnut Trees",
            "trees.png",
            "Birds",
            "Darwin's Finches",
            "Darwin's Finches"
        ]
    );
    assert_eq!(
        requests(&seen),
        [
            "GET /api/search?q=*&per_page=5&start=0 HTTP/1.1",
            "GET /api/search?q=*&per_page=1&start=5 HTTP/1.1",
        ]
    );
}

#[test]
fn csv_has_a_header_and_a_row_per_result() {
    let sandbox = Sandbox::new();
    let (url, _) = two_page_server();
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-o", "csv", "search", "*", "--per-page", "5"]))
        .success();
    assert_eq!(
        stdout(&out),
        "\
type,id,name,published_at,url
dataverse,trees,Trees,2016-05-10T12:53:38Z,https://demo.dataverse.org/dataverse/trees
dataverse,chestnuttrees,Chestnut Trees,2016-05-10T12:52:38Z,https://demo.dataverse.org/dataverse/chestnuttrees
file,doi:10.5072/FK2/XTT5BV/PCCHV7,trees.png,2016-05-10T12:53:39Z,https://demo.dataverse.org/api/access/datafile/12
dataverse,birds,Birds,2016-05-10T12:57:27Z,https://demo.dataverse.org/dataverse/birds
dataset,doi:10.70122/FK2/MB5VGR,Darwin's Finches,2019-12-11T15:26:10Z,https://doi.org/10.70122/FK2/MB5VGR
dataset,doi:10.70122/FK2/GUAS41,Darwin's Finches,2019-12-24T08:05:02Z,https://doi.org/10.70122/FK2/GUAS41
dataset,doi:10.70122/FK2/7ZXYRH,Darwin's Finches,2020-01-22T21:47:34Z,https://doi.org/10.70122/FK2/7ZXYRH
"
    );

    // No results: the header alone.
    let empty = serde_json::json!({"status": "OK", "data": {"q": "zzz", "total_count": 0,
        "start": 0, "items": [], "count_in_response": 0}})
    .to_string();
    let (url, _) = scripted_server(Box::new(move |_| (200, empty.clone())));
    let out = sandbox
        .run(dv(&sandbox, &url).args(["-o", "csv", "search", "zzz"]))
        .success();
    assert_eq!(stdout(&out), "type,id,name,published_at,url\n");
}

#[test]
fn facets_print_as_a_second_table() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("subtree-relevance-facets");
    let out = sandbox
        .run(dv(&sandbox, &url).args([
            "-o",
            "table",
            "search",
            "finch",
            "--subtree",
            "birds",
            "--facets",
            "--limit",
            "2",
        ]))
        .success();
    assert_eq!(
        stdout(&out),
        "\
┌───────────┬────────────────────────┬──────────────────┬──────────────────────┐
│ type      ┆ id                     ┆ name             ┆ published            │
╞═══════════╪════════════════════════╪══════════════════╪══════════════════════╡
│ dataverse ┆ finches                ┆ Finches          ┆ 2016-05-10T12:57:38Z │
│ dataset   ┆ doi:10.5072/FK2/G2VPE7 ┆ Darwin's Finches ┆ 2016-05-10T12:57:45Z │
└───────────┴────────────────────────┴──────────────────┴──────────────────────┘

┌──────────────────┬────────────────────────────────────┬───────┐
│ facet            ┆ value                              ┆ count │
╞══════════════════╪════════════════════════════════════╪═══════╡
│ Subject          ┆ Medicine, Health and Life Sciences ┆ 2     │
│ Author Name      ┆ Finch, Fiona                       ┆ 1     │
│ Publication Date ┆ 2016                               ┆ 2     │
└──────────────────┴────────────────────────────────────┴───────┘
"
    );
    assert_eq!(stderr(&out), "2 of 2 results\n");
    assert_eq!(
        requests(&seen),
        ["GET /api/search?q=finch&subtree=birds&per_page=2&show_facets=true HTTP/1.1"]
    );
}

#[test]
fn count_prints_the_total_only() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("basic");
    let out = sandbox
        .run(dv(&sandbox, &url).args([
            "-o",
            "table",
            "search",
            "trees",
            "--type",
            "dataverse",
            "--count",
        ]))
        .success();
    assert_eq!(stdout(&out), "5\n");
    assert_eq!(stderr(&out), "");
    let out = sandbox
        .run(dv(&sandbox, &url).args(["search", "trees", "--count"]))
        .success();
    assert_eq!(json(&out), serde_json::json!({"total_count": 5}));
    assert_eq!(
        requests(&seen),
        [
            "GET /api/search?q=trees&type=dataverse&per_page=1 HTTP/1.1",
            "GET /api/search?q=trees&per_page=1 HTTP/1.1",
        ]
    );
}

#[test]
fn per_page_over_1000_is_refused_before_sending() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("basic");
    for format in ["table", "json", "ndjson", "csv"] {
        let out = sandbox
            .run(dv(&sandbox, &url).args(["-o", format, "search", "trees", "--per-page", "1001"]))
            .code(2);
        assert_eq!(
            one_error_line(&out),
            "dv: per_page 1001 is over Dataverse's limit of 1000 results per page",
            "{format}"
        );
        assert_eq!(stdout(&out), "", "{format}");
    }
    assert!(requests(&seen).is_empty());
}

#[test]
fn a_bad_query_gets_the_servers_words() {
    let sandbox = Sandbox::new();
    let body = r#"{"status":"ERROR","message":"Search Syntax Error: Error parsing query."}"#;
    let (url, _) = scripted_server(Box::new(move |_| (400, body.to_string())));
    let out = sandbox
        .run(dv(&sandbox, &url).args(["search", "title:("]))
        .code(1);
    assert_eq!(
        one_error_line(&out),
        format!(
            "dv: Search Syntax Error: Error parsing query. (GET {url}/api/search?q=title:%28: HTTP 400)"
        )
    );
}

#[test]
fn a_server_without_search_says_so() {
    let sandbox = Sandbox::new();
    let body = serde_json::json!({
        "status": "ERROR",
        "message": "API endpoint does not exist on this server. Please check your code for typos, or consult our API guide at http://guides.dataverse.org."
    })
    .to_string();
    let (url, _) = scripted_server(Box::new(move |_| (404, body.clone())));
    let out = sandbox
        .run(dv(&sandbox, &url).args(["search", "trees"]))
        .code(1);
    let line = one_error_line(&out);
    assert!(
        line.starts_with("dv: this server has no Search API; the server said: "),
        "{line}"
    );
    assert!(
        line.ends_with(&format!("(GET {url}/api/search?q=trees: HTTP 404)")),
        "{line}"
    );
}

#[test]
fn the_embedded_server_finds_what_was_just_created() {
    let s = TestServer::start();
    let pid = finch_draft(&s);
    // The owner finds the draft at once, as JSON and as a table row.
    let page = ok(&s, &["search", "finches", "--type", "dataset"]);
    assert_eq!(page["total_count"], 1, "{page}");
    assert_eq!(page["items"][0]["global_id"], pid.as_str());
    assert_eq!(
        page["items"][0]["publicationStatuses"],
        serde_json::json!(["Unpublished", "Draft"])
    );
    let out = s
        .run(
            s.dv()
                .env("COLUMNS", "120")
                .args(["-o", "table", "search", "title:darwin"]),
        )
        .success();
    let table = stdout(&out);
    assert!(
        table.contains(&pid) && table.contains("Darwin's Finches"),
        "{table}"
    );
    assert_eq!(stderr(&out), "1 of 1 results\n");
    // A guest does not see a draft.
    let out = s
        .run(s.dv_anonymous().args(["-o", "json", "search", "finches"]))
        .success();
    assert_eq!(json(&out)["total_count"], 0);
    // Unsupported syntax is the server's 400 in one line.
    let out = s.run(s.dv().args(["search", "finch~"])).code(1);
    let line = one_error_line(&out);
    assert!(
        line.contains("fuzzy searches (term~) are not supported"),
        "{line}"
    );
}

#[test]
fn a_limit_of_zero_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let (url, seen) = fixture_server("basic");
    let out = sandbox
        .run(dv(&sandbox, &url).args(["search", "trees", "--limit", "0"]))
        .code(2);
    let line = one_error_line(&out);
    assert!(
        line.starts_with("dv: invalid value '0' for '--limit <N>'"),
        "{line}"
    );
    assert!(requests(&seen).is_empty());
}
