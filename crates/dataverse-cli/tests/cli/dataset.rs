//! `dv dataset ...`: life cycle, concurrent get with partial failures, pre-flight and
//! validation, confirmation, private URLs, permissions and exports.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{TestServer, json, one_error_line, stderr, stdout};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/dataverse-fixtures/requests"
);
const FINCH: &str = "dataset-create-finch1.json";
const INVALID: &str = "dataset-create-INVALID-missing-required.json";
const TREE: &str = "collections=2,datasets=6,depth=1,seed=11";

/// A fixture copied into `dir` (so the CLI reads an ordinary temp file).
fn fixture(dir: &TempDir, name: &str) -> PathBuf {
    let to = dir.path().join(name);
    std::fs::copy(format!("{FIXTURES}/{name}"), &to)
        .unwrap_or_else(|e| panic!("copy fixture {name}: {e}"));
    to
}

/// A JSON file in `dir` holding `value`.
fn json_file(dir: &TempDir, name: &str, value: &Value) -> PathBuf {
    let to = dir.path().join(name);
    std::fs::write(&to, serde_json::to_vec_pretty(value).expect("encode")).expect("write");
    to
}

/// `dv -o json dataset <args>` with `cmd` (admin, other user or anonymous).
fn ds(mut cmd: Command, args: &[&str]) -> Command {
    cmd.args(["-o", "json", "dataset"]).args(args);
    cmd
}

/// Run `cmd`, expect success, return stdout as JSON.
fn ok_json(s: &TestServer, mut cmd: Command) -> Value {
    json(&s.run(&mut cmd).success())
}

/// Run `cmd`, expect exit `code`, nothing on stdout and one `dv: ...` line on stderr.
fn fails(s: &TestServer, mut cmd: Command, code: i32) -> String {
    let out = s.run(&mut cmd).code(code).stdout("");
    one_error_line(&out)
}

/// `cmd` fails with exit code 1 because the server answered `status` with a message
/// containing `message` (exit code 1 alone would also pass on a 500 or an undecodable
/// answer); its one line.
#[track_caller]
fn refused(s: &TestServer, cmd: Command, status: u16, message: &str) -> String {
    let line = fails(s, cmd, 1);
    assert!(
        line.ends_with(&format!(": HTTP {status})")),
        "expected HTTP {status}: {line}"
    );
    assert!(line.contains(message), "expected {message:?}: {line}");
    line
}

/// Create the finch dataset in `:root` as the admin: `(id, pid)`.
fn create_finch(s: &TestServer, dir: &TempDir) -> (u64, String) {
    let body = fixture(dir, FINCH);
    let created = ok_json(
        s,
        ds(
            s.dv(),
            &[
                "create",
                "--collection",
                ":root",
                "--json",
                body.to_str().expect("path"),
            ],
        ),
    );
    let id = created["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {created}"));
    let pid = created["persistentId"]
        .as_str()
        .unwrap_or_else(|| panic!("persistentId: {created}"))
        .to_string();
    assert!(pid.starts_with("doi:") || pid.contains(':'), "{pid}");
    (id, pid)
}

/// The keyword edit body: add one keyword.
fn keyword_edit(dir: &TempDir, word: &str) -> PathBuf {
    json_file(
        dir,
        &format!("edit-{word}.json"),
        &serde_json::json!({
            "fields": [{
                "typeName": "keyword",
                "value": [{
                    "keywordValue": {"typeName": "keywordValue", "value": word}
                }]
            }]
        }),
    )
}

/// Every `keywordValue` in a version JSON.
fn keywords(version: &Value) -> Vec<String> {
    let fields = version["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    fields
        .iter()
        .filter(|f| f["typeName"] == "keyword")
        .flat_map(|f| f["value"].as_array().cloned().unwrap_or_default())
        .filter_map(|k| k["keywordValue"]["value"].as_str().map(str::to_string))
        .collect()
}

/// Version labels (`1.0`, `DRAFT`) of `versions` JSON.
fn labels(versions: &Value) -> Vec<String> {
    versions
        .as_array()
        .unwrap_or_else(|| panic!("versions is an array: {versions}"))
        .iter()
        .map(|v| {
            match (
                v["versionNumber"].as_u64(),
                v["versionMinorNumber"].as_u64(),
            ) {
                (Some(major), minor) => format!("{major}.{}", minor.unwrap_or(0)),
                _ => v["versionState"].as_str().unwrap_or("?").to_string(),
            }
        })
        .collect()
}

/// The published datasets of a generated tree, from the crawl: `(id, pid)`.
fn generated_datasets(s: &TestServer) -> Vec<(u64, String)> {
    let mut cmd = s.dv();
    cmd.args(["-o", "json", "collection", "crawl", "--only", "datasets"]);
    let items = ok_json(s, cmd);
    items
        .as_array()
        .expect("crawl is an array")
        .iter()
        .map(|i| {
            (
                i["id"].as_u64().expect("id"),
                i["persistent_id"]
                    .as_str()
                    .or_else(|| i["persistentId"].as_str())
                    .unwrap_or_else(|| panic!("pid: {i}"))
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn lifecycle_create_get_edit_publish_versions_export() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let (id, pid) = create_finch(&s, &dir);
    let id_text = id.to_string();

    // get by PID and by id: the same draft.
    let by_pid = ok_json(&s, ds(s.dv(), &["get", &pid]));
    let by_id = ok_json(&s, ds(s.dv(), &["get", &id_text]));
    assert_eq!(by_pid["id"], id, "{by_pid}");
    assert_eq!(by_id["id"], id, "{by_id}");
    assert_eq!(by_pid["latestVersion"]["versionState"], "DRAFT", "{by_pid}");
    let title = by_id["latestVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["typeName"] == "title"))
        .map(|f| f["value"].clone());
    assert_eq!(title, Some(Value::from("Darwin's Finches")), "{by_id}");

    // The table shows id, PID, version, state and title.
    let out = s
        .run(s.dv().args(["-o", "table", "dataset", "get", &pid]))
        .success();
    let text = stdout(&out);
    assert!(text.contains(&pid), "{text}");
    assert!(text.contains("DRAFT"), "{text}");
    assert!(text.contains("Darwin's Finches"), "{text}");

    // edit: add a keyword.
    let edit = keyword_edit(&dir, "finches");
    let draft = ok_json(
        &s,
        ds(
            s.dv(),
            &["edit", &pid, "--json", edit.to_str().expect("path")],
        ),
    );
    assert!(keywords(&draft).contains(&"finches".to_string()), "{draft}");

    // publish --wait: 1.0.
    let published = ok_json(&s, ds(s.dv(), &["publish", &pid, "--wait"]));
    assert_eq!(
        published["latestVersion"]["versionState"], "RELEASED",
        "{published}"
    );
    assert_eq!(
        published["latestVersion"]["versionNumber"], 1,
        "{published}"
    );
    let versions = ok_json(&s, ds(s.dv(), &["versions", &pid]));
    assert_eq!(labels(&versions), ["1.0"], "{versions}");

    // edit again, publish a minor version: 1.1.
    let edit = keyword_edit(&dir, "beaks");
    ok_json(
        &s,
        ds(
            s.dv(),
            &["edit", &id_text, "--json", edit.to_str().expect("path")],
        ),
    );
    let versions = ok_json(&s, ds(s.dv(), &["versions", &id_text]));
    assert_eq!(labels(&versions), ["DRAFT", "1.0"], "{versions}");
    ok_json(
        &s,
        ds(s.dv(), &["publish", &pid, "--type", "minor", "--wait"]),
    );
    let versions = ok_json(&s, ds(s.dv(), &["versions", &pid]));
    assert_eq!(labels(&versions), ["1.1", "1.0"], "{versions}");
    let out = s
        .run(s.dv().args(["-o", "table", "dataset", "versions", &pid]))
        .success();
    let text = stdout(&out);
    assert!(text.contains("1.1") && text.contains("RELEASED"), "{text}");

    // get --version 1.0 shows the first release, without the second keyword.
    let v1 = ok_json(&s, ds(s.dv(), &["get", &pid, "--version", "1.0"]));
    let kw = keywords(&v1["datasetVersion"]);
    assert!(kw.contains(&"finches".to_string()), "{v1}");
    assert!(!kw.contains(&"beaks".to_string()), "{v1}");

    // export: DDI (XML) to stdout, dataverse_json to a file.
    let out = s
        .run(s.dv().args(["dataset", "export", &pid, "--format", "ddi"]))
        .success();
    let ddi = stdout(&out);
    assert!(ddi.trim_start().starts_with('<'), "{ddi}");
    assert!(ddi.contains("Darwin"), "{ddi}");
    let file = dir.path().join("export.json");
    s.run(s.dv().args([
        "dataset",
        "export",
        &id_text,
        "--format",
        "dataverse_json",
        "--file",
        file.to_str().expect("path"),
    ]))
    .success()
    .stdout("");
    let doc: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("export file")).expect("JSON export");
    assert!(doc.to_string().contains("Darwin's Finches"), "{doc}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn get_many_prints_the_good_and_reports_each_failure() {
    let s = TestServer::start_generated(TREE);
    let found = generated_datasets(&s);
    assert!(found.len() >= 3, "{found:?}");
    let (id0, _) = &found[0];
    let (_, pid1) = &found[1];
    let id0 = id0.to_string();
    let missing_pid = "doi:10.5072/FK2/NOSUCH";
    let args = ["get", &id0, "987654321", pid1, missing_pid, "not a pid"];

    let out = s.run(&mut ds(s.dv(), &args)).code(1);
    let printed = json(&out);
    let printed = printed.as_array().expect("an array of datasets");
    assert_eq!(printed.len(), 2, "{printed:?}");
    assert_eq!(
        printed[0]["id"].as_u64().map(|i| i.to_string()),
        Some(id0.clone())
    );
    let err = stderr(&out);
    for bad in ["987654321", missing_pid, "not a pid"] {
        let n = err
            .lines()
            .filter(|l| l.starts_with(&format!("dv: {bad}: ")))
            .count();
        assert_eq!(n, 1, "one line for {bad}:\n{err}");
    }
    for good in [id0.as_str(), pid1.as_str()] {
        assert!(
            !err.lines().any(|l| l.starts_with(&format!("dv: {good}: "))),
            "{err}"
        );
    }

    // NDJSON: one dataset per line; --version runs the same way.
    let mut cmd = s.dv();
    cmd.args(["-o", "ndjson", "dataset", "get", &id0, "987654321", pid1]);
    let out = s.run(&mut cmd).code(1);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let out = s
        .run(&mut ds(s.dv(), &["get", &id0, pid1, "--version", "1.0"]))
        .success();
    let both = json(&out);
    assert_eq!(both.as_array().map(Vec::len), Some(2), "{both}");
    assert_eq!(both[0]["datasetVersion"]["versionNumber"], 1, "{both}");

    // CSV and table: one row per dataset.
    let mut cmd = s.dv();
    cmd.args(["-o", "csv", "dataset", "get", &id0, pid1]);
    let text = stdout(&s.run(&mut cmd).success());
    assert_eq!(text.lines().count(), 3, "{text}");
    let mut cmd = s.dv();
    cmd.args(["-o", "table", "dataset", "get", &id0, pid1]);
    let text = stdout(&s.run(&mut cmd).success());
    assert!(text.contains(pid1.as_str()), "{text}");

    // A malformed ID alone is a usage error; a missing one alone a server error.
    let line = fails(&s, ds(s.dv(), &["get", "not a pid"]), 2);
    assert!(
        line.contains("not a pid") || line.contains("identifier"),
        "{line}"
    );
    refused(
        &s,
        ds(s.dv(), &["get", "987654321"]),
        404,
        "Dataset with ID 987654321 not found.",
    );
}

#[test]
fn published_dataset_versions_and_anonymous_read() {
    let s = TestServer::start_generated(TREE);
    let (id, pid) = generated_datasets(&s).remove(0);
    let versions = ok_json(&s, ds(s.dv(), &["versions", &pid]));
    assert_eq!(labels(&versions), ["1.0"], "{versions}");
    let anon = ok_json(&s, ds(s.dv_anonymous(), &["get", &id.to_string()]));
    assert_eq!(anon["id"], id, "{anon}");
    fails(&s, ds(s.dv(), &["get", &pid, "--version", "nope"]), 2);
}

#[test]
fn create_with_an_invalid_body_fails_preflight_and_sends_nothing() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let body = fixture(&dir, INVALID);
    let before = ok_json(&s, {
        let mut c = s.dv();
        c.args(["-o", "json", "collection", "contents", ":root"]);
        c
    });
    let mut cmd = ds(
        s.dv(),
        &[
            "create",
            "--collection",
            ":root",
            "--json",
            body.to_str().expect("path"),
        ],
    );
    let out = s.run(&mut cmd).code(2).stdout("");
    // One line: how many problems (author, contact, description, subject) and the first.
    let line = one_error_line(&out);
    assert_eq!(
        line,
        "dv: the body has 4 problems: citation.author: is required (use -v to list all); \
         nothing was sent (--no-preflight skips this check)"
    );
    // -v lists them all, then the summary.
    let mut cmd = ds(
        s.dv(),
        &[
            "-v",
            "create",
            "--collection",
            ":root",
            "--json",
            body.to_str().expect("path"),
        ],
    );
    let out = s.run(&mut cmd).code(2).stdout("");
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("dv: ")).collect();
    assert_eq!(
        lines,
        [
            "dv: citation.author: is required",
            "dv: citation.datasetContact: is required",
            "dv: citation.dsDescription: is required",
            "dv: citation.subject: is required",
            "dv: the body has 4 problems (listed above); nothing was sent (--no-preflight skips this check)",
        ],
        "{err}"
    );
    let after = ok_json(&s, {
        let mut c = s.dv();
        c.args(["-o", "json", "collection", "contents", ":root"]);
        c
    });
    assert_eq!(before, after, "nothing was created");

    // --no-preflight sends it: the server refuses it (exit 1); still nothing created.
    let line = fails(
        &s,
        ds(
            s.dv(),
            &[
                "create",
                "--collection",
                ":root",
                "--json",
                body.to_str().expect("path"),
                "--no-preflight",
            ],
        ),
        1,
    );
    // (Dataverse answers 403 for a command that fails validation.)
    assert!(line.contains("required"), "{line}");
    let after = ok_json(&s, {
        let mut c = s.dv();
        c.args(["-o", "json", "collection", "contents", ":root"]);
        c
    });
    assert_eq!(before, after, "nothing was created");
}

#[test]
fn validate_an_invalid_body_exits_1() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let body = fixture(&dir, INVALID);
    let mut cmd = ds(
        s.dv(),
        &[
            "validate",
            "--collection",
            ":root",
            "--json",
            body.to_str().expect("path"),
        ],
    );
    let out = s.run(&mut cmd).code(1);
    let v = json(&out);
    assert_eq!(v["valid"], false, "{v}");
    assert!(!v["message"].as_str().unwrap_or("").is_empty(), "{v}");
    assert!(
        v["preflight"].as_array().is_some_and(|p| !p.is_empty()),
        "{v}"
    );
    // The pre-flight's problems: one line (the list is in the JSON), then the verdict.
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "dv: the body has 4 problems: citation.author: is required (use -v to list all)",
        "{err}"
    );
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[1].contains("not valid for collection :root"), "{err}");

    let good = fixture(&dir, FINCH);
    let mut cmd = s.dv();
    cmd.args([
        "-o",
        "table",
        "dataset",
        "validate",
        "--collection",
        ":root",
        "--json",
        good.to_str().expect("path"),
    ]);
    let out = s.run(&mut cmd).success();
    assert!(stdout(&out).starts_with("valid"), "{}", stdout(&out));
}

#[test]
fn destroy_requires_yes() {
    let s = TestServer::start_generated(TREE);
    let (id, _) = generated_datasets(&s).remove(0);
    let line = fails(&s, ds(s.dv(), &["destroy", &id.to_string()]), 2);
    assert!(line.contains("--yes"), "{line}");
    // Still there.
    ok_json(&s, ds(s.dv(), &["get", &id.to_string()]));
}

#[test]
fn destroy_and_delete_with_the_server() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let (id, pid) = create_finch(&s, &dir);
    ok_json(&s, ds(s.dv(), &["delete", &pid]));
    refused(
        &s,
        ds(s.dv(), &["get", &id.to_string()]),
        404,
        &format!("Dataset with ID {id} not found."),
    );
    let (_, pid) = create_finch(&s, &dir);
    ok_json(&s, ds(s.dv(), &["publish", &pid, "--wait"]));
    ok_json(&s, ds(s.dv(), &["destroy", &pid, "--yes"]));
    // Dataverse's answer for a PID it does not know, after ours.
    let line = refused(
        &s,
        ds(s.dv(), &["get", &pid]),
        404,
        "a persistentId query parameter must be present",
    );
    assert!(
        line.starts_with(&format!("dv: dataset {pid} not found (Dataverse: ")),
        "{line}"
    );
}

#[test]
fn private_url_create_show_delete() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, pid) = create_finch(&s, &dir);
    let created = ok_json(&s, ds(s.dv(), &["private-url", "create", &pid]));
    let token = created["token"]
        .as_str()
        .unwrap_or_else(|| panic!("token: {created}"))
        .to_string();
    assert!(
        created["link"].as_str().is_some_and(|l| l.contains(&token)),
        "{created}"
    );
    let shown = ok_json(&s, ds(s.dv(), &["private-url", "show", &pid]));
    assert_eq!(shown["token"], token.as_str(), "{shown}");

    // The token reads the draft; no other command prints it.
    let draft = ok_json(&s, ds(s.dv_with_token(&token), &["get", &pid]));
    assert_eq!(draft["latestVersion"]["versionState"], "DRAFT", "{draft}");
    s.sandbox.secret(&token);
    s.run(&mut ds(s.dv(), &["assignments", &pid])).success();
    s.run(s.dv().args(["-o", "table", "dataset", "assignments", &pid]))
        .success();

    ok_json(&s, ds(s.dv(), &["private-url", "delete", &pid]));
    refused(
        &s,
        ds(s.dv(), &["private-url", "show", &pid]),
        404,
        "Private URL not found.",
    );
}

#[test]
fn review_submit_and_return_and_locks() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, pid) = create_finch(&s, &dir);
    let locks = ok_json(&s, ds(s.dv(), &["locks", &pid]));
    assert_eq!(locks, serde_json::json!([]));
    ok_json(&s, ds(s.dv(), &["review", "submit", &pid]));
    let locks = ok_json(&s, ds(s.dv(), &["locks", &pid, "--type", "inreview"]));
    assert_eq!(locks.as_array().map(Vec::len), Some(1), "{locks}");
    ok_json(
        &s,
        ds(
            s.dv(),
            &["review", "return", &pid, "--reason", "Add a description."],
        ),
    );
    let locks = ok_json(&s, ds(s.dv(), &["locks", &pid]));
    assert_eq!(locks, serde_json::json!([]));
    fails(&s, ds(s.dv(), &["locks", &pid, "--type", "bogus"]), 2);
}

#[test]
fn other_user_cannot_publish_or_edit_and_anonymous_cannot_see_the_draft() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let (id, pid) = create_finch(&s, &dir);
    let token = s.create_user("uma");
    let edit = keyword_edit(&dir, "intruder");
    let not_permitted = "is not permitted to perform requested action.";
    let line = refused(
        &s,
        ds(
            s.dv_with_token(&token),
            &["edit", &pid, "--json", edit.to_str().expect("path")],
        ),
        401,
        not_permitted,
    );
    assert!(line.starts_with("dv: User @uma "), "{line}");
    let line = refused(
        &s,
        ds(s.dv_with_token(&token), &["publish", &pid]),
        401,
        not_permitted,
    );
    assert!(line.starts_with("dv: User @uma "), "{line}");
    for target in [id.to_string(), pid.clone()] {
        let line = refused(
            &s,
            ds(s.dv_anonymous(), &["get", &target]),
            401,
            not_permitted,
        );
        // Without a token: how to set one first, then the server's words.
        assert!(line.starts_with("dv: no API token set: "), "{line}");
        assert!(line.contains("(Dataverse: \"User :guest "), "{line}");
    }
    // Still an unchanged draft.
    let v = ok_json(&s, ds(s.dv(), &["get", &pid]));
    assert_eq!(v["latestVersion"]["versionState"], "DRAFT", "{v}");
    assert!(
        !keywords(&v["latestVersion"]).contains(&"intruder".to_string()),
        "{v}"
    );
}

#[test]
fn usage_errors_need_no_server() {
    let s = TestServer::start();
    // --publish needs --pid; an unknown release type; a missing body file.
    s.run(s.dv().args([
        "dataset",
        "create",
        "--collection",
        ":root",
        "--json",
        "x.json",
        "--publish",
    ]))
    .code(2);
    s.run(s.dv().args(["dataset", "publish", "1", "--type", "huge"]))
        .code(2);
    let line = fails(
        &s,
        ds(s.dv(), &["edit", "1", "--json", "/nonexistent/edit.json"]),
        2,
    );
    assert!(line.contains("cannot read"), "{line}");
}

#[test]
fn import_under_a_pid_and_release() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let body = fixture(&dir, FINCH);
    let pid = "doi:10.5072/FK2/IMPORT1";
    let created = ok_json(
        &s,
        ds(
            s.dv(),
            &[
                "create",
                "--collection",
                ":root",
                "--json",
                body.to_str().expect("path"),
                "--pid",
                pid,
                "--publish",
            ],
        ),
    );
    assert_eq!(created["persistentId"], pid, "{created}");
    let got = ok_json(&s, ds(s.dv(), &["get", pid]));
    assert_eq!(got["latestVersion"]["versionState"], "RELEASED", "{got}");
    assert_eq!(got["latestVersion"]["versionNumber"], 1, "{got}");
    // Published: anyone may read it.
    let anon = ok_json(&s, ds(s.dv_anonymous(), &["get", pid]));
    assert_eq!(anon["id"], got["id"], "{anon}");
    // A non-superuser may not import.
    let token = s.create_user("uma");
    fails(
        &s,
        ds(
            s.dv_with_token(&token),
            &[
                "create",
                "--collection",
                ":root",
                "--json",
                body.to_str().expect("path"),
                "--pid",
                "doi:10.5072/FK2/IMPORT2",
            ],
        ),
        1,
    );
}
