//! `dv collection ...`: life cycle, create/update input, validation, permissions, output
//! formats and the concurrent crawl.

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{Sandbox, TestServer, json, one_error_line, stderr, stdout};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/dataverse-fixtures/requests/dataverse-create-complete.json"
);
const TREE: &str = "collections=12,datasets=40,depth=3,seed=5";

/// Run `cmd`, expect success, return stdout as JSON.
fn ok_json(s: &TestServer, cmd: &mut Command) -> Value {
    json(&s.run(cmd).success())
}

/// Run `cmd`, expect exit `code`, nothing on stdout and exactly one `dv: ...` line on
/// stderr; return that line.
fn fails(sb: &Sandbox, cmd: &mut Command, code: i32) -> String {
    let out = sb.run(cmd).code(code).stdout("");
    one_error_line(&out)
}

/// `cmd` fails with exit code 1 because the server answered `status` with a message
/// containing `message` (exit code 1 alone would also pass on a 500 or an undecodable
/// answer); its one line.
#[track_caller]
fn refused(sb: &Sandbox, cmd: &mut Command, status: u16, message: &str) -> String {
    let line = fails(sb, cmd, 1);
    assert!(
        line.ends_with(&format!(": HTTP {status})")),
        "expected HTTP {status}: {line}"
    );
    assert!(line.contains(message), "expected {message:?}: {line}");
    line
}

/// `dv -o json collection <args>` as the admin.
fn admin(s: &TestServer, args: &[&str]) -> Command {
    let mut cmd = s.dv();
    cmd.args(["-o", "json", "collection"]).args(args);
    cmd
}

/// Create `alias` (named `name`) under `parent` as the admin; its JSON.
fn create(s: &TestServer, parent: &str, alias: &str, name: &str) -> Value {
    ok_json(
        s,
        &mut admin(
            s,
            &[
                "create",
                "--parent",
                parent,
                "--alias",
                alias,
                "--name",
                name,
                "--contact",
                "a@b.org",
            ],
        ),
    )
}

/// The aliases-or-ids of what `contents :root` lists, as `(type, id)`.
fn root_contents(s: &TestServer) -> Vec<Value> {
    let v = ok_json(s, &mut admin(s, &["contents", ":root"]));
    v.as_array().expect("contents is an array").clone()
}

/// A minimal CSV line splitter (quoted cells with `""` escapes, no line breaks).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in {line:?}");
    cells.push(cell);
    cells
}

/// `(type, id)` of a crawl or contents item.
fn key(item: &Value) -> (String, u64) {
    (
        item["type"].as_str().expect("type").to_string(),
        item["id"].as_u64().expect("numeric id"),
    )
}

#[test]
fn lifecycle_create_get_update_publish_delete() {
    let s = TestServer::start();
    let lab = ok_json(
        &s,
        &mut admin(
            &s,
            &[
                "create",
                "--alias",
                "lab",
                "--name",
                "Lab",
                "--contact",
                "a@b.org",
                "--affiliation",
                "U",
                "--description",
                "D",
                "--type",
                "LABORATORY",
            ],
        ),
    );
    assert_eq!(lab["alias"], "lab", "{lab}");
    assert_eq!(lab["name"], "Lab", "{lab}");
    assert_eq!(lab["isReleased"], false, "{lab}");
    assert_eq!(lab["dataverseType"], "LABORATORY", "{lab}");
    assert_eq!(lab["affiliation"], "U", "{lab}");
    assert_eq!(lab["description"], "D", "{lab}");
    assert_eq!(lab["ownerId"], 1, "created under root: {lab}");
    assert_eq!(lab["dataverseContacts"][0]["contactEmail"], "a@b.org");
    let id = lab["id"].as_u64().expect("numeric id");

    // get by alias, by alias in another case, by numeric id: the same collection.
    for ident in ["lab", "LAB", &id.to_string()] {
        let got = ok_json(&s, &mut admin(&s, &["get", ident]));
        assert_eq!(got["id"], id, "get {ident}: {got}");
        assert_eq!(got["alias"], "lab", "get {ident}: {got}");
    }
    let root = ok_json(&s, &mut admin(&s, &["get", ":root"]));
    assert_eq!(root["alias"], "root", "{root}");
    assert_eq!(root["isReleased"], true, "{root}");

    // The table form.
    let out = s
        .run(s.dv().args(["-o", "table", "collection", "get", "lab"]))
        .success();
    let text = stdout(&out);
    for want in ["alias", "lab", "LABORATORY", "a@b.org"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let published = text
        .lines()
        .find(|l| l.contains("published"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(published.contains("no"), "{published}");

    // update changes only what is given.
    let updated = ok_json(
        &s,
        &mut admin(&s, &["update", "lab", "--description", "New"]),
    );
    assert_eq!(updated["description"], "New", "{updated}");
    assert_eq!(updated["name"], "Lab", "{updated}");
    assert_eq!(updated["affiliation"], "U", "{updated}");
    assert_eq!(updated["dataverseType"], "LABORATORY", "{updated}");
    let again = ok_json(&s, &mut admin(&s, &["get", "lab"]));
    assert_eq!(again["description"], "New", "{again}");
    assert_eq!(again["name"], "Lab", "{again}");

    // A sub-collection shows up in the contents.
    let sub = create(&s, "lab", "sub", "Sub");
    assert_eq!(sub["ownerId"], id, "{sub}");
    assert_eq!(sub["isReleased"], false, "{sub}");
    let contents = ok_json(&s, &mut admin(&s, &["contents", "lab"]));
    let items = contents.as_array().expect("array");
    assert_eq!(items.len(), 1, "{contents}");
    assert_eq!(items[0]["type"], "dataverse", "{contents}");
    assert_eq!(items[0]["id"], sub["id"], "{contents}");
    assert_eq!(items[0]["title"], "Sub", "{contents}");
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "collection", "contents", "lab"]),
        )
        .success();
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.contains("Sub"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("collection"), "{row}");

    // Publishing: parent first, and only once.
    refused(
        &s.sandbox,
        &mut admin(&s, &["publish", "sub"]),
        403,
        "Dataverse sub may not be published because its host dataverse (lab) has not been published.",
    );
    let published = ok_json(&s, &mut admin(&s, &["publish", "lab"]));
    assert_eq!(published["isReleased"], true, "{published}");
    let published = ok_json(&s, &mut admin(&s, &["publish", "sub"]));
    assert_eq!(published["isReleased"], true, "{published}");
    refused(
        &s.sandbox,
        &mut admin(&s, &["publish", "lab"]),
        403,
        "Dataverse lab has already been published.",
    );

    // Deleting: refused while not empty; an empty one goes away.
    refused(
        &s.sandbox,
        &mut admin(&s, &["delete", "lab"]),
        403,
        "Cannot delete non-empty dataverses",
    );
    ok_json(&s, &mut admin(&s, &["get", "lab"]));
    create(&s, ":root", "scratch", "Scratch");
    let deleted = ok_json(&s, &mut admin(&s, &["delete", "scratch"]));
    assert!(
        deleted["message"]
            .as_str()
            .is_some_and(|m| m.contains("deleted")),
        "{deleted}"
    );
    refused(
        &s.sandbox,
        &mut admin(&s, &["get", "scratch"]),
        404,
        "Can't find dataverse with identifier='scratch'",
    );
    let ids: Vec<Value> = root_contents(&s)
        .iter()
        .map(|i| i["title"].clone())
        .collect();
    assert_eq!(ids, vec![Value::from("Lab")], "only lab is left under root");
}

#[test]
fn create_from_a_json_file_with_flags_overriding() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("create.json");
    std::fs::copy(FIXTURE, &file).expect("copy the fixture");
    let file = file.to_str().expect("utf-8 path");

    let c = ok_json(&s, &mut admin(&s, &["create", "--json", file]));
    assert_eq!(c["alias"], "science", "{c}");
    assert_eq!(c["name"], "Scientific Research", "{c}");
    assert_eq!(c["affiliation"], "Scientific Research University", "{c}");
    assert_eq!(c["dataverseType"], "LABORATORY", "{c}");
    let contacts: Vec<&str> = c["dataverseContacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .filter_map(|c| c["contactEmail"].as_str())
        .collect();
    assert_eq!(contacts, ["pi@example.edu", "student@example.edu"], "{c}");

    // Flags override the file's fields; the rest comes from the file.
    let c = ok_json(
        &s,
        &mut admin(
            &s,
            &[
                "create", "--json", file, "--alias", "science2", "--name", "Override", "--type",
                "journals",
            ],
        ),
    );
    assert_eq!(c["alias"], "science2", "{c}");
    assert_eq!(c["name"], "Override", "{c}");
    assert_eq!(c["dataverseType"], "JOURNALS", "{c}");
    assert_eq!(c["description"], "We do all the science.", "{c}");
    assert_eq!(
        c["dataverseContacts"].as_array().map(Vec::len),
        Some(2),
        "{c}"
    );

    // --json - reads stdin.
    let mut body: Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture")).expect("JSON");
    body["alias"] = "fromstdin".into();
    let c = ok_json(
        &s,
        admin(&s, &["create", "--json", "-"]).write_stdin(body.to_string()),
    );
    assert_eq!(c["alias"], "fromstdin", "{c}");
    assert_eq!(c["name"], "Scientific Research", "{c}");

    // update --json FILE too.
    let patch = dir.path().join("patch.json");
    std::fs::write(&patch, r#"{"description": "Patched"}"#).expect("write");
    let u = ok_json(
        &s,
        &mut admin(
            &s,
            &[
                "update",
                "science",
                "--json",
                patch.to_str().expect("utf-8"),
            ],
        ),
    );
    assert_eq!(u["description"], "Patched", "{u}");
    assert_eq!(u["name"], "Scientific Research", "{u}");

    // Not JSON, or not an object: usage errors.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "this is not JSON").expect("write");
    let line = fails(
        &s.sandbox,
        &mut admin(&s, &["create", "--json", bad.to_str().expect("utf-8")]),
        2,
    );
    assert!(line.contains("not valid JSON"), "{line}");
    let arr = dir.path().join("arr.json");
    std::fs::write(&arr, "[1, 2]").expect("write");
    let line = fails(
        &s.sandbox,
        &mut admin(&s, &["create", "--json", arr.to_str().expect("utf-8")]),
        2,
    );
    assert!(line.contains("JSON object"), "{line}");
    let line = fails(
        &s.sandbox,
        admin(&s, &["create", "--json", "-"]).write_stdin("{oops"),
        2,
    );
    assert!(line.contains("not valid JSON"), "{line}");
    let missing = dir.path().join("missing.json");
    let line = fails(
        &s.sandbox,
        &mut admin(&s, &["create", "--json", missing.to_str().expect("utf-8")]),
        2,
    );
    assert!(line.contains("cannot read"), "{line}");
    assert_eq!(root_contents(&s).len(), 3, "science, science2, fromstdin");
}

#[test]
fn create_and_update_are_checked_locally() {
    let s = TestServer::start();
    // Required fields are checked before any request: even with an unreachable server
    // the message is about the flag.
    for (args, flag) in [
        (&["--alias", "x", "--contact", "a@b.org"][..], "--name"),
        (&["--name", "X", "--contact", "a@b.org"][..], "--alias"),
        (&["--alias", "x", "--name", "X"][..], "--contact"),
    ] {
        for url in [s.base_url.as_str(), "http://127.0.0.1:1"] {
            let mut cmd = s.dv();
            cmd.args(["--url", url, "-o", "json", "collection", "create"])
                .args(args);
            let line = fails(&s.sandbox, &mut cmd, 2);
            assert!(line.contains(&format!("{flag} is required")), "{line}");
        }
    }
    // Bad alias and bad contact: the local validation message, nothing created.
    let bad: [(&[&str], &str); 3] = [
        (
            &["--alias", "bad alias", "--contact", "a@b.org"],
            "'bad alias'",
        ),
        (
            &["--alias", "okalias", "--contact", "not-an-email"],
            "not an e-mail",
        ),
        (
            &[
                "--alias",
                "okalias",
                "--contact",
                "a@b.org",
                "--type",
                "NOPE",
            ],
            "not a collection type",
        ),
    ];
    for (args, want) in bad {
        for url in [s.base_url.as_str(), "http://127.0.0.1:1"] {
            let mut cmd = s.dv();
            cmd.args([
                "--url",
                url,
                "-o",
                "json",
                "collection",
                "create",
                "--name",
                "X",
            ])
            .args(args);
            let line = fails(&s.sandbox, &mut cmd, 2);
            assert!(line.contains(want), "{want}: {line}");
            assert!(!line.contains("cannot reach"), "{line}");
        }
    }
    assert!(root_contents(&s).is_empty(), "nothing was created");

    // A duplicate alias in another case is the server's refusal.
    create(&s, ":root", "lab", "Lab");
    let line = fails(
        &s.sandbox,
        &mut admin(
            &s,
            &[
                "create",
                "--alias",
                "LAB",
                "--name",
                "X",
                "--contact",
                "a@b.org",
            ],
        ),
        1,
    );
    assert!(line.contains("already exists"), "{line}");
    assert_eq!(root_contents(&s).len(), 1);

    // Unknown parent: the server's 404.
    let line = fails(
        &s.sandbox,
        &mut admin(
            &s,
            &[
                "create",
                "--parent",
                "nope",
                "--alias",
                "y",
                "--name",
                "Y",
                "--contact",
                "a@b.org",
            ],
        ),
        1,
    );
    assert!(line.contains("nope"), "{line}");

    // update needs at least one field; a bad type or contact is refused locally.
    let line = fails(&s.sandbox, &mut admin(&s, &["update", "lab"]), 2);
    assert!(line.contains("nothing to update"), "{line}");
    let line = fails(
        &s.sandbox,
        &mut admin(&s, &["update", "lab", "--type", "NOPE"]),
        2,
    );
    assert!(line.contains("not a collection type"), "{line}");
    let got = ok_json(&s, &mut admin(&s, &["get", "lab"]));
    assert_eq!(got["dataverseType"], "UNCATEGORIZED", "{got}");

    // Unknown collections everywhere: exit 1 naming it.
    for sub in [
        "get",
        "contents",
        "publish",
        "delete",
        "assignments",
        "facets",
    ] {
        refused(
            &s.sandbox,
            &mut admin(&s, &[sub, "no-such-alias"]),
            404,
            "Can't find dataverse with identifier='no-such-alias'",
        );
    }
}

#[test]
fn assignments_roles_and_facets() {
    let s = TestServer::start();
    create(&s, ":root", "lab", "Lab");
    let list = ok_json(&s, &mut admin(&s, &["assignments", "lab"]));
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["assignee"], "@dataverseAdmin");
    assert_eq!(list[0]["_roleAlias"], "admin");
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "collection", "assignments", "lab"]),
        )
        .success();
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.contains("@dataverseAdmin"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("admin"), "{row}");

    let roles = ok_json(&s, &mut admin(&s, &["roles", ":root"]));
    assert!(roles.is_array(), "{roles}");
    s.run(s.dv().args(["-o", "table", "collection", "roles", ":root"]))
        .success();

    let facets = ok_json(&s, &mut admin(&s, &["facets", ":root"]));
    assert_eq!(
        facets,
        serde_json::json!(["authorName", "subject", "keywordValue", "dateOfDeposit"])
    );
    let details = ok_json(&s, &mut admin(&s, &["facets", "--details", ":root"]));
    let details = details.as_array().expect("array");
    let names: Vec<&str> = details.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(
        names,
        ["authorName", "subject", "keywordValue", "dateOfDeposit"]
    );
    for f in details {
        assert!(!f["id"].is_null(), "{f}");
        assert!(
            f["displayName"].as_str().is_some_and(|d| !d.is_empty()),
            "{f}"
        );
    }
    assert_eq!(details[0]["displayName"], "Author Name");
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "collection", "facets", "--details", ":root"]),
        )
        .success();
    assert!(stdout(&out).contains("Deposit Date"), "{}", stdout(&out));
    // A new collection inherits root's facets.
    let lab_facets = ok_json(&s, &mut admin(&s, &["facets", "lab"]));
    assert_eq!(lab_facets, facets);
}

#[test]
fn a_second_user_and_anonymous_users_see_only_what_is_published() {
    let s = TestServer::start();
    let uma = s.create_user("uma");
    let as_uma = |args: &[&str]| {
        let mut cmd = s.dv_with_token(&uma);
        cmd.args(["-o", "json", "collection"]).args(args);
        cmd
    };
    let anon = |args: &[&str]| {
        let mut cmd = s.dv_anonymous();
        cmd.args(["-o", "json", "collection"]).args(args);
        cmd
    };

    refused(
        &s.sandbox,
        &mut as_uma(&[
            "create",
            "--alias",
            "umas",
            "--name",
            "U",
            "--contact",
            "u@b.org",
        ]),
        401,
        "User @uma is not permitted to perform requested action.",
    );
    assert!(root_contents(&s).is_empty(), "nothing was created");

    create(&s, ":root", "hidden", "Hidden");
    let uma_refused = "User @uma is not permitted to perform requested action.";
    let guest_refused = "User :guest is not permitted to perform requested action.";
    refused(
        &s.sandbox,
        &mut as_uma(&["get", "hidden"]),
        401,
        uma_refused,
    );
    refused(
        &s.sandbox,
        &mut as_uma(&["contents", "hidden"]),
        401,
        uma_refused,
    );
    refused(
        &s.sandbox,
        &mut anon(&["get", "hidden"]),
        401,
        guest_refused,
    );
    let line = refused(
        &s.sandbox,
        &mut anon(&["crawl", "hidden"]),
        401,
        guest_refused,
    );
    assert!(line.starts_with("dv: in collection hidden: "), "{line}");

    ok_json(&s, &mut admin(&s, &["publish", "hidden"]));
    let got = ok_json(&s, &mut as_uma(&["get", "hidden"]));
    assert_eq!(got["alias"], "hidden");
    assert_eq!(got["isReleased"], true);
    let got = ok_json(&s, &mut anon(&["get", "hidden"]));
    assert_eq!(got["alias"], "hidden");
    let contents = ok_json(&s, &mut anon(&["contents", "hidden"]));
    assert_eq!(contents, serde_json::json!([]));

    // Uma may not change or delete it either.
    refused(
        &s.sandbox,
        &mut as_uma(&["update", "hidden", "--name", "Mine"]),
        401,
        uma_refused,
    );
    refused(
        &s.sandbox,
        &mut as_uma(&["delete", "hidden"]),
        401,
        uma_refused,
    );
    assert_eq!(
        ok_json(&s, &mut admin(&s, &["get", "hidden"]))["name"],
        "Hidden"
    );
}

#[test]
fn contents_in_every_output_format() {
    let s = TestServer::start();
    create(&s, ":root", "lab", "Lab");
    let one = create(&s, "lab", "one", "Sub, One");
    let two = create(&s, "lab", "two", "Plain \"Two\"");

    let v = ok_json(&s, &mut admin(&s, &["contents", "lab"]));
    let items = v.as_array().expect("array");
    let ids: BTreeSet<u64> = items.iter().map(|i| key(i).1).collect();
    let want: BTreeSet<u64> = [&one, &two]
        .iter()
        .map(|c| c["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(ids, want);

    let out = s
        .run(
            s.dv()
                .args(["-o", "ndjson", "collection", "contents", "lab"]),
        )
        .success();
    let text = stdout(&out);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(&lines, items, "ndjson is the JSON array one item per line");

    let out = s
        .run(s.dv().args(["-o", "csv", "collection", "contents", "lab"]))
        .success();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(csv_cells(lines[0]), ["type", "id", "title"], "{text}");
    assert!(
        lines.contains(&format!("dataverse,{},\"Sub, One\"", one["id"]).as_str()),
        "{text}"
    );
    assert!(
        lines.contains(&format!("dataverse,{},\"Plain \"\"Two\"\"\"", two["id"]).as_str()),
        "{text}"
    );
    let titles: BTreeSet<String> = lines[1..].iter().map(|l| csv_cells(l)[2].clone()).collect();
    assert_eq!(
        titles,
        BTreeSet::from(["Sub, One".to_string(), "Plain \"Two\"".to_string()])
    );

    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "collection", "contents", "lab"]),
        )
        .success();
    let text = stdout(&out);
    for want in ["type", "Sub, One", "Plain \"Two\"", "collection"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }

    // An empty collection: an empty array, no ndjson lines.
    let v = ok_json(&s, &mut admin(&s, &["contents", "one"]));
    assert_eq!(v, serde_json::json!([]));
    s.run(
        s.dv()
            .args(["-o", "ndjson", "collection", "contents", "one"]),
    )
    .success()
    .stdout("");
}

/// `dv -o <format> collection crawl <args>` as the admin.
fn crawl(s: &TestServer, format: &str, args: &[&str]) -> Command {
    let mut cmd = s.dv();
    cmd.args(["-o", format, "collection", "crawl"]).args(args);
    cmd
}

#[test]
fn crawl_of_a_generated_tree() {
    let s = TestServer::start_generated(TREE);
    let all = ok_json(&s, &mut crawl(&s, "json", &[]));
    let items = all.as_array().expect("array");
    assert_eq!(items.len(), 52, "12 collections + 40 datasets");
    let keys: BTreeSet<(String, u64)> = items.iter().map(key).collect();
    assert_eq!(keys.len(), 52, "unique ids per type");
    let collections: BTreeMap<u64, &Value> = items
        .iter()
        .filter(|i| i["type"] == "collection")
        .map(|i| (key(i).1, i))
        .collect();
    assert_eq!(collections.len(), 12);
    let mut max_depth = 0;
    for item in items {
        let depth = item["depth"].as_u64().expect("depth");
        max_depth = max_depth.max(depth);
        match item["parent_id"].as_u64() {
            // Listed in root itself (the start, given as :root).
            None => assert_eq!(depth, 1, "{item}"),
            Some(parent) => {
                let p = collections
                    .get(&parent)
                    .unwrap_or_else(|| panic!("parent of {item}"));
                assert_eq!(p["depth"].as_u64(), Some(depth - 1), "{item}");
            }
        }
        if item["type"] == "dataset" {
            assert!(
                item["persistent_id"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("doi:")),
                "{item}"
            );
            assert_eq!(item["version"], "1.0", "{item}");
        }
    }
    assert_eq!(
        max_depth, 4,
        "datasets in the deepest (third) level of collections"
    );

    // --only collections / datasets.
    let only = ok_json(&s, &mut crawl(&s, "json", &["--only", "collections"]));
    let only = only.as_array().expect("array");
    assert_eq!(only.len(), 12);
    assert!(only.iter().all(|i| i["type"] == "collection"), "{only:?}");
    let got: BTreeSet<u64> = only.iter().map(|i| key(i).1).collect();
    assert_eq!(got, collections.keys().copied().collect());
    let datasets = ok_json(&s, &mut crawl(&s, "json", &["--only", "datasets"]));
    let datasets = datasets.as_array().expect("array");
    assert_eq!(datasets.len(), 40);
    for d in datasets {
        assert_eq!(d["type"], "dataset", "{d}");
        assert!(
            d["title"].as_str().is_some_and(|t| !t.trim().is_empty()),
            "{d}"
        );
    }

    // --no-titles: same datasets, no titles, and one request per dataset fewer.
    let bare = ok_json(
        &s,
        &mut crawl(&s, "json", &["--only", "datasets", "--no-titles"]),
    );
    let bare = bare.as_array().expect("array");
    assert_eq!(bare.len(), 40);
    assert!(bare.iter().all(|d| d["title"].is_null()), "{bare:?}");
    let a: BTreeSet<_> = bare.iter().map(key).collect();
    let b: BTreeSet<_> = datasets.iter().map(key).collect();
    assert_eq!(a, b);
    let out = s
        .run(&mut crawl(&s, "table", &["--titles-from", "versions"]))
        .success();
    let err = stderr(&out);
    assert!(
        err.contains(
            "52 items (12 collections, 40 datasets) in 53 requests; \
             titles: 0 from search, 40 from version reads"
        ),
        "{err}"
    );
    // Titles from search (auto, where the server has it): one search page for 40 datasets,
    // the same rows.
    let out = s.run(&mut crawl(&s, "table", &[])).success();
    let err = stderr(&out);
    assert!(
        err.contains(
            "52 items (12 collections, 40 datasets) in 14 requests; \
             titles: 40 from search, 0 from version reads"
        ),
        "{err}"
    );
    for source in ["search", "versions"] {
        let json = ok_json(&s, &mut crawl(&s, "json", &["--titles-from", source]));
        assert_eq!(json, all, "titles from {source}");
    }
    let out = s.run(&mut crawl(&s, "table", &["--no-titles"])).success();
    let err = stderr(&out);
    assert!(
        err.contains("52 items (12 collections, 40 datasets) in 13 requests"),
        "{err}"
    );

    // The result does not depend on the concurrency.
    let one = ok_json(&s, &mut crawl(&s, "json", &["--concurrency", "1"]));
    let many = ok_json(&s, &mut crawl(&s, "json", &["--concurrency", "16"]));
    assert_eq!(one, many);
    assert_eq!(one, all);

    // A subtree by numeric id: exactly the descendants of that collection.
    let top = items
        .iter()
        .find(|i| i["type"] == "collection" && i["depth"] == 1)
        .expect("a top-level collection");
    let top_id = key(top).1;
    let mut below = BTreeSet::from([top_id]);
    let mut want = BTreeSet::new();
    for _ in 0..4 {
        for i in items {
            if i["parent_id"].as_u64().is_some_and(|p| below.contains(&p)) {
                want.insert(key(i));
                if i["type"] == "collection" {
                    below.insert(key(i).1);
                }
            }
        }
    }
    let sub = ok_json(&s, &mut crawl(&s, "json", &[&top_id.to_string()]));
    let got: BTreeSet<_> = sub.as_array().expect("array").iter().map(key).collect();
    assert_eq!(got, want);
}

#[test]
fn crawl_streams_ndjson_and_prints_csv_and_tables() {
    let s = TestServer::start_generated(TREE);
    let all = ok_json(&s, &mut crawl(&s, "json", &[]));
    let mut want: Vec<Value> = all.as_array().expect("array").clone();
    want.sort_by_key(key);

    let out = s.run(&mut crawl(&s, "ndjson", &[])).success();
    let text = stdout(&out);
    let mut got: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(got.len(), 52, "{text}");
    assert!(got.iter().all(Value::is_object));
    got.sort_by_key(key);
    assert_eq!(got, want, "ndjson streams the same items");

    let out = s
        .run(&mut crawl(&s, "ndjson", &["--only", "collections"]))
        .success();
    assert_eq!(stdout(&out).lines().count(), 12);

    let out = s.run(&mut crawl(&s, "csv", &[])).success();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 53, "header + 52 rows:\n{text}");
    let header = csv_cells(lines[0]);
    assert_eq!(
        header,
        [
            "type",
            "id",
            "parent_id",
            "depth",
            "persistent_id",
            "title",
            "version"
        ]
    );
    let mut rows: Vec<(String, u64)> = Vec::new();
    for line in &lines[1..] {
        let cells = csv_cells(line);
        assert_eq!(cells.len(), header.len(), "{line}");
        rows.push((cells[0].clone(), cells[1].parse().expect("id")));
        assert!(!cells[5].is_empty(), "every item has a title: {line}");
    }
    rows.sort();
    let keys: Vec<_> = want.iter().map(key).collect();
    assert_eq!(rows, keys);

    let out = s.run(&mut crawl(&s, "table", &[])).success();
    let text = stdout(&out);
    assert!(text.contains("persistent id"), "{text}");
    for item in &want {
        let title = item["title"].as_str().expect("title");
        assert!(text.contains(title), "{title} missing:\n{text}");
    }
    // -q drops the summary line.
    s.run(&mut crawl(&s, "table", &["-q"])).success().stderr("");
}

#[test]
fn crawl_reads_titles_from_versions_where_search_refuses_a_guest() {
    let s = TestServer::start_generated(TREE);
    s.emulator
        .set_setting(":SearchApiRequiresToken", "true")
        .expect("setting");
    let run = |source: &str| {
        let mut cmd = s.dv_anonymous();
        cmd.args([
            "-o",
            "table",
            "collection",
            "crawl",
            "--titles-from",
            source,
        ]);
        s.run(&mut cmd)
    };
    let err = stderr(&run("auto").success());
    assert!(
        err.contains("dv: no usable search on this server (")
            && err.contains("titles read from versions"),
        "{err}"
    );
    assert!(
        err.contains("in 54 requests; titles: 0 from search, 40 from version reads"),
        "{err}"
    );
    // Asked for search explicitly: the crawl fails, in one line.
    let line = one_error_line(&run("search").code(1));
    assert!(line.contains("Only authenticated users"), "{line}");
}

#[test]
fn crawl_csv_quotes_titles_with_commas() {
    let s = TestServer::start();
    create(&s, ":root", "lab", "Lab, Inc.");
    create(&s, "lab", "sub", "Sub");
    let out = s.run(&mut crawl(&s, "csv", &[])).success();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let lab = lines
        .iter()
        .find(|l| l.contains("Lab"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(lab.contains(",\"Lab, Inc.\","), "{lab}");
    let cells = csv_cells(lab);
    assert_eq!(cells.len(), 7, "{lab}");
    assert_eq!(cells[5], "Lab, Inc.");
    // The unpublished tree is invisible to anonymous crawls.
    let mut cmd = s.dv_anonymous();
    cmd.args(["-o", "json", "collection", "crawl"]);
    let v = ok_json(&s, &mut cmd);
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn crawl_errors() {
    let s = TestServer::start_generated("collections=2,datasets=2,depth=1,seed=1");
    for format in ["json", "ndjson", "csv", "table"] {
        refused(
            &s.sandbox,
            &mut crawl(&s, format, &["no-such-alias"]),
            404,
            "Can't find dataverse with identifier='no-such-alias'",
        );
    }
    for format in ["json", "ndjson"] {
        let line = fails(&s.sandbox, &mut crawl(&s, format, &["bad alias"]), 2);
        assert!(line.contains("'bad alias'"), "{format}: {line}");
    }
    // An unreachable server is a connection error.
    let mut cmd = s.sandbox.dv();
    cmd.args([
        "--url",
        "http://127.0.0.1:1",
        "-o",
        "json",
        "collection",
        "crawl",
    ]);
    let line = fails(&s.sandbox, &mut cmd, 2);
    assert!(line.contains("cannot reach"), "{line}");
    // Bad flag values are clap's usage errors.
    s.run(&mut crawl(&s, "json", &["--only", "files"]))
        .code(2)
        .stdout("");
    s.run(&mut crawl(&s, "json", &["--concurrency", "many"]))
        .code(2)
        .stdout("");
}

/// `--continue-on-error`: a collection deleted while the crawl runs is skipped and
/// reported, and the exit code says the crawl is incomplete, in every output format.
#[test]
fn crawl_continue_on_error_reports_skipped_collections() {
    // Every response takes 1.5 s (the delay comes after the handler has run) and the
    // crawl makes one request at a time. A collection deleted 0.7 s after the crawl
    // starts is in the root listing (handled as soon as the crawl's process is up) but
    // gone when its own listing is handled (1.5 s after the root's): 0.7 s of margin on
    // either side.
    let s = TestServer::start_prepared(
        |c| c.latency = std::time::Duration::from_millis(1500),
        |_| {},
    );
    for format in ["ndjson", "json"] {
        create(&s, ":root", "victim", "Victim");
        let mut delete = s.dv();
        delete.args(["-o", "json", "collection", "delete", "victim"]);
        let deleter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(700));
            delete.assert().success();
        });
        let out = s
            .run(&mut crawl(
                &s,
                format,
                &[
                    "--concurrency",
                    "1",
                    "--continue-on-error",
                    "--only",
                    "collections",
                ],
            ))
            .code(1);
        deleter.join().expect("the delete ran");
        let text = stdout(&out);
        let items: Vec<Value> = if format == "ndjson" {
            text.lines()
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect()
        } else {
            serde_json::from_str::<Value>(&text)
                .expect("JSON")
                .as_array()
                .expect("array")
                .clone()
        };
        let titles: BTreeSet<&str> = items.iter().filter_map(|i| i["title"].as_str()).collect();
        assert_eq!(items.len(), 1, "the victim, listed and then gone: {text}");
        assert!(titles.contains("Victim"), "{text}");
        let err = stderr(&out);
        let last = err
            .lines()
            .last()
            .unwrap_or_else(|| panic!("{format}: no stderr"));
        assert!(
            last.starts_with("dv: the crawl is incomplete: 1 request failed"),
            "{format}: {err}"
        );
        assert!(
            err.lines().all(|l| l.starts_with("dv: ")),
            "{format}: {err}"
        );
        if format == "json" {
            assert_eq!(err.lines().count(), 2, "{err}");
            assert!(err.starts_with("dv: skipped collection "), "{err}");
            assert!(err.contains("Can't find dataverse"), "{err}");
        } else {
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}
