//! `dv collection metadatablocks|input-levels|attribute`: a collection's set-up, its
//! output formats and its errors (one line each).

use serde_json::Value;

use crate::common::{FINCH, Sandbox, TestServer, json_cmd, ok, one_error_line, stdout};

/// `dv <args>` fails with exit code 1 because the server answered `status` with `message`.
#[track_caller]
fn refused(s: &TestServer, args: &[&str], status: u16, message: &str) {
    let out = s.run(&mut json_cmd(s, args)).code(1).stdout("");
    let line = one_error_line(&out);
    assert!(line.ends_with(&format!(": HTTP {status})")), "{line}");
    assert!(line.contains(message), "expected {message:?}: {line}");
}

fn create(s: &TestServer, parent: &str, alias: &str) {
    ok(
        s,
        &[
            "collection",
            "create",
            "--parent",
            parent,
            "--alias",
            alias,
            "--name",
            alias,
            "--contact",
            "a@b.org",
        ],
    );
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect()
}

#[test]
fn metadatablocks_list_set_inherit() {
    let s = TestServer::start();
    create(&s, ":root", "lab");
    create(&s, "lab", "sub");
    let v = ok(&s, &["collection", "metadatablocks", "sub"]);
    assert_eq!(names(&v), ["citation"]);

    let v = ok(
        &s,
        &[
            "collection",
            "metadatablocks",
            "lab",
            "--set",
            "citation,geospatial",
        ],
    );
    assert_eq!(v["message"], "Metadata blocks of dataverse lab updated.");
    // The sub-collection inherits them.
    let v = ok(&s, &["collection", "metadatablocks", "sub"]);
    assert_eq!(names(&v), ["citation", "geospatial"]);
    // --fields: full definitions keyed by name.
    let v = ok(&s, &["collection", "metadatablocks", "sub", "--fields"]);
    assert!(
        v["geospatial"]["fields"]["geographicCoverage"].is_object(),
        "{v}"
    );
    // The table of fields, children indented.
    let out = stdout(
        &s.run(s.dv().args([
            "-o",
            "table",
            "collection",
            "metadatablocks",
            "sub",
            "--fields",
            "--on-create",
        ]))
        .success(),
    );
    let title = out
        .lines()
        .find(|l| l.contains("citation") && l.contains(" title "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(title.contains("yes"), "{title}");
    assert!(out.lines().any(|l| l.contains("  authorName")), "{out}");

    let v = ok(
        &s,
        &["collection", "metadatablocks", "lab", "--root", "false"],
    );
    assert_eq!(v["message"], "Dataverse lab is now a metadata  non-root");
    let v = ok(&s, &["collection", "metadatablocks", "sub"]);
    assert_eq!(names(&v), ["citation"]);

    refused(
        &s,
        &["collection", "metadatablocks", "lab", "--set", "nope"],
        400,
        "Can't find metadata block",
    );
    refused(
        &s,
        &["collection", "metadatablocks", "nosuch"],
        404,
        "nosuch",
    );
    let sb = Sandbox::new();
    let out = sb
        .run(sb.dv().args([
            "collection",
            "metadatablocks",
            "lab",
            "--set",
            "a",
            "--root",
            "true",
        ]))
        .code(2);
    assert!(stdout(&out).is_empty());
}

#[test]
fn input_levels_set_show_and_enforced_by_preflight_and_server() {
    let s = TestServer::start();
    create(&s, ":root", "notes");
    let v = ok(&s, &["collection", "input-levels", "notes"]);
    assert_eq!(v, serde_json::json!([]));
    let v = ok(
        &s,
        &[
            "collection",
            "input-levels",
            "notes",
            "--set",
            "notesText=required,alternativeTitle=hidden",
        ],
    );
    assert_eq!(
        v,
        serde_json::json!([
            {"datasetFieldTypeName": "notesText", "required": true, "include": true},
            {"datasetFieldTypeName": "alternativeTitle", "required": false, "include": false}
        ])
    );
    let out = stdout(
        &s.run(
            s.dv()
                .args(["-o", "table", "collection", "input-levels", "notes"]),
        )
        .success(),
    );
    assert!(
        out.lines()
            .any(|l| l.contains("notesText") && l.contains("yes")),
        "{out}"
    );
    let v = ok(&s, &["collection", "metadatablocks", "notes", "--fields"]);
    assert_eq!(v["citation"]["fields"]["notesText"]["isRequired"], true);
    assert!(v["citation"]["fields"].get("alternativeTitle").is_none());

    // The pre-flight check of `dv dataset create` follows the levels; the server too.
    let out = s
        .run(s.dv().args([
            "dataset",
            "create",
            "--collection",
            "notes",
            "--json",
            FINCH,
        ]))
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(
        line.contains("notesText") && line.contains("nothing was sent"),
        "{line}"
    );
    refused(
        &s,
        &[
            "dataset",
            "create",
            "--collection",
            "notes",
            "--json",
            FINCH,
            "--no-preflight",
        ],
        403,
        "Notes is required.",
    );
    refused(
        &s,
        &[
            "collection",
            "input-levels",
            "notes",
            "--set",
            "nope=required",
        ],
        400,
        "Invalid dataset field type name: nope",
    );
    let out = s
        .run(s.dv().args([
            "collection",
            "input-levels",
            "notes",
            "--set",
            "notesText=maybe",
        ]))
        .code(2)
        .stdout("");
    assert!(one_error_line(&out).contains("not required, optional or hidden"));
}

#[test]
fn attribute_changes_and_errors() {
    let s = TestServer::start();
    create(&s, ":root", "attrs");
    let v = ok(
        &s,
        &["collection", "attribute", "attrs", "name", "New name"],
    );
    assert_eq!(v["name"], "New name");
    let v = ok(
        &s,
        &[
            "collection",
            "attribute",
            "attrs",
            "requireFilesToPublishDataset",
            "true",
        ],
    );
    assert_eq!(v["effectiveRequiresFilesToPublishDataset"], true);
    let out = stdout(
        &s.run(s.dv().args([
            "-o",
            "table",
            "collection",
            "attribute",
            "attrs",
            "description",
            "About",
        ]))
        .success(),
    );
    assert!(out.contains("About"), "{out}");
    refused(
        &s,
        &["collection", "attribute", "attrs", "color", "red"],
        403,
        "'color' is not a supported attribute",
    );
    refused(
        &s,
        &[
            "collection",
            "attribute",
            "attrs",
            "filePIDsEnabled",
            "yes-ish",
        ],
        400,
        "Illegal boolean value 'yes-ish'",
    );
    let token = s.create_user("other");
    let out = s
        .run(
            s.dv_with_token(&token)
                .args(["collection", "attribute", "attrs", "name", "x"]),
        )
        .code(1)
        .stdout("");
    assert!(one_error_line(&out).contains("HTTP 401"));
}

#[test]
fn admin_registers_file_pids() {
    let s = TestServer::start();
    let pid = crate::common::finch_draft(&s);
    let data = crate::common::write_file(s.sandbox.local_dir().as_path(), "pids/a.txt", b"abc");
    let up = ok(&s, &["file", "upload", &pid, crate::common::ps(&data)]);
    let file = up["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("{up}"));
    ok(&s, &["dataset", "publish", &pid, "--wait"]);
    let info = ok(&s, &["file", "get", &file.to_string()]);
    assert_eq!(info["dataFile"]["persistentId"], "", "{info}");

    // Not enabled: Dataverse's 403, one line.
    refused(
        &s,
        &["admin", "register-file-pids", &file.to_string()],
        403,
        "PIDs are not enabled for this file's collection.",
    );
    s.emulator.set_setting(":FilePIDsEnabled", "true").unwrap();
    let v = ok(&s, &["admin", "register-file-pids"]);
    assert_eq!(
        v["message"],
        "Datafile registration complete.1 of  1 unregistered, published files registered successfully."
    );
    let info = ok(&s, &["file", "get", &file.to_string()]);
    let file_pid = info["dataFile"]["persistentId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(file_pid.starts_with(&format!("{pid}/")), "{file_pid}");
    // The file is read by its PID, and registering it again changes nothing.
    let by_pid = ok(&s, &["file", "get", &file_pid]);
    assert_eq!(by_pid["dataFile"]["id"], file);
    let out = stdout(
        &s.run(
            s.dv()
                .args(["-o", "table", "admin", "register-file-pids", &file_pid]),
        )
        .success(),
    );
    assert_eq!(out.trim(), "File was already registered.");
}
