//! `dv role list|show|create|delete`, `dv collection assign|unassign` and
//! `dv dataset assign|unassign`: success and error cases, and a custom role granting its
//! permission to a second user.

use crate::common::{TestServer, finch_draft, ok, one_error_line, stdout};

#[test]
fn role_list_show_create_delete() {
    let s = TestServer::start();
    let roles = ok(&s, &["role", "list"]);
    let aliases: Vec<&str> = roles
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["alias"].as_str())
        .collect();
    assert_eq!(aliases.first(), Some(&"admin"));
    assert_eq!(aliases.len(), 8);
    let table = stdout(
        &s.run(s.dv().args(["-o", "table", "role", "list", ":root"]))
            .success(),
    );
    let row = table
        .lines()
        .find(|l| l.contains("fileDownloader"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("built-in"), "{row}");

    let created = ok(
        &s,
        &[
            "role",
            "create",
            ":root",
            "peeker",
            "--name",
            "Peeker",
            "-p",
            "ViewUnpublishedDataset",
            "--description",
            "Looks at drafts",
        ],
    );
    assert_eq!(created["alias"], "peeker");
    assert_eq!(
        created["permissions"],
        serde_json::json!(["ViewUnpublishedDataset"])
    );
    let shown = ok(&s, &["role", "show", "peeker"]);
    assert_eq!(shown["id"], created["id"]);
    let id = created["id"].as_u64().expect("id").to_string();
    let by_id = ok(&s, &["role", "show", &id]);
    assert_eq!(by_id["alias"], "peeker");
    let text = stdout(&s.run(s.dv().args(["role", "show", "peeker"])).success());
    assert!(text.contains("Looks at drafts"), "{text}");

    // Errors: one line each, in the server's words.
    let line = one_error_line(
        &s.run(s.dv().args([
            "role",
            "create",
            ":root",
            "peeker",
            "--name",
            "Again",
            "-p",
            "DownloadFile",
        ]))
        .failure(),
    );
    assert!(
        line.contains("Role with this alias already exists."),
        "{line}"
    );
    let line = one_error_line(
        &s.run(s.dv().args([
            "role", "create", ":root", "flyer", "--name", "Flyer", "-p", "Fly",
        ]))
        .failure(),
    );
    assert!(line.contains("unknown permission \"Fly\""), "{line}");
    let line = one_error_line(&s.run(s.dv().args(["role", "delete", "curator"])).failure());
    assert!(
        line.contains("May not delete Built In Role Curator."),
        "{line}"
    );
    let line = one_error_line(&s.run(s.dv().args(["role", "show", "nosuch"])).failure());
    assert!(
        line.contains("Dataverse Role with alias nosuch not found."),
        "{line}"
    );

    let out = s
        .run(s.dv().args(["-o", "table", "role", "delete", "peeker"]))
        .success();
    assert_eq!(stdout(&out).trim(), "role Peeker deleted.");
    s.run(s.dv().args(["role", "show", "peeker"])).failure();
}

#[test]
fn assign_and_unassign_with_a_second_user() {
    let s = TestServer::start();
    let pid = finch_draft(&s);
    let token = s.create_user("bea");
    // Without a role, bea cannot see the draft.
    s.run(s.dv_with_token(&token).args(["dataset", "get", &pid]))
        .failure();
    ok(
        &s,
        &[
            "role",
            "create",
            ":root",
            "peeker",
            "--name",
            "Peeker",
            "-p",
            "ViewUnpublishedDataset",
        ],
    );
    let a = ok(&s, &["dataset", "assign", &pid, "@bea", "peeker"]);
    assert_eq!(a["assignee"], "@bea");
    assert_eq!(a["_roleAlias"], "peeker");
    s.run(
        s.dv_with_token(&token)
            .args(["-o", "json", "dataset", "get", &pid]),
    )
    .success();
    let listed = ok(&s, &["dataset", "assignments", &pid]);
    assert!(
        listed
            .as_array()
            .expect("array")
            .iter()
            .any(|x| x["assignee"] == "@dataverseAdmin"),
        "the collection's assignments are listed too: {listed}"
    );
    let line = one_error_line(
        &s.run(s.dv().args(["dataset", "assign", &pid, "@bea", "peeker"]))
            .failure(),
    );
    assert!(line.contains("Role has already been granted."), "{line}");
    let aid = a["id"].as_u64().expect("id").to_string();
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "dataset", "unassign", &pid, &aid]),
        )
        .success();
    assert!(
        stdout(&out).starts_with("Role Peeker revoked for assignee @bea in "),
        "{}",
        stdout(&out)
    );
    s.run(s.dv_with_token(&token).args(["dataset", "get", &pid]))
        .failure();

    // On a collection.
    let text = stdout(
        &s.run(s.dv().args([
            "-o",
            "table",
            "collection",
            "assign",
            ":root",
            "@bea",
            "dsContributor",
        ]))
        .success(),
    );
    assert!(
        text.starts_with("assigned dsContributor to @bea on Root"),
        "{text}"
    );
    let listed = ok(&s, &["collection", "assignments", ":root"]);
    let aid = listed
        .as_array()
        .expect("array")
        .iter()
        .find(|x| x["assignee"] == "@bea")
        .and_then(|x| x["id"].as_u64())
        .expect("bea's assignment")
        .to_string();
    let line = one_error_line(
        &s.run(
            s.dv()
                .args(["collection", "assign", ":root", "@bea", "wizard"]),
        )
        .failure(),
    );
    assert!(line.contains("Can't find role named 'wizard'"), "{line}");
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "collection", "unassign", ":root", &aid]),
        )
        .success();
    assert_eq!(
        stdout(&out).trim(),
        "Role Dataset Creator revoked for assignee @bea in Root"
    );
    let line = one_error_line(
        &s.run(s.dv().args(["collection", "unassign", ":root", &aid]))
            .failure(),
    );
    assert!(
        line.contains(&format!("Role assignment {aid} not found")),
        "{line}"
    );
}
