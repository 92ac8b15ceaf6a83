//! `dv collection permissions`, `dv dataset permissions|citation|deaccession` and
//! `dv file permissions|citation`: table and JSON output, and the one-line errors of
//! refusals (not found, no permission, wrong state).

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{TestServer, finch_draft, json, ok, one_error_line, ps, stdout, write_file};

/// Run `cmd`, expect exit `code`, nothing on stdout and one `dv: ...` line naming HTTP
/// `status` and containing `message`.
#[track_caller]
fn refused(s: &TestServer, mut cmd: Command, status: u16, message: &str) -> String {
    let out = s.run(&mut cmd).code(1).stdout("");
    let line = one_error_line(&out);
    assert!(
        line.ends_with(&format!(": HTTP {status})")),
        "expected HTTP {status}: {line}"
    );
    assert!(line.contains(message), "expected {message:?}: {line}");
    line
}

fn args(mut cmd: Command, a: &[&str]) -> Command {
    cmd.args(a);
    cmd
}

/// A published finch dataset with one file: `(pid, file id)`.
fn published_with_file(s: &TestServer) -> (String, u64) {
    let pid = finch_draft(s);
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write_file(dir.path(), "notes.txt", b"some notes\n");
    let out = ok(s, &["file", "upload", &pid, ps(&f)]);
    let file = out["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {out}"));
    ok(s, &["dataset", "publish", &pid, "--wait"]);
    (pid, file)
}

#[test]
fn permissions_as_table_and_json_for_admin_user_and_guest() {
    let s = TestServer::start();
    let (pid, file) = published_with_file(&s);
    // The superuser may do everything.
    let all = ok(&s, &["collection", "permissions", "root"]);
    assert_eq!(all["canAddDataverse"], true, "{all}");
    assert_eq!(all["canDeleteDataverse"], true, "{all}");
    let table = stdout(
        &s.run(&mut args(
            s.dv(),
            &["-o", "table", "dataset", "permissions", &pid],
        ))
        .success(),
    );
    for label in [
        "view draft",
        "edit",
        "publish",
        "manage permissions",
        "delete draft",
    ] {
        let line = table
            .lines()
            .find(|l| l.contains(&format!(" {label} ")))
            .unwrap_or_else(|| panic!("{label}: {table}"));
        assert!(line.contains(" yes "), "{line}");
    }
    // Another user: nothing on the dataset, but the published file may be downloaded.
    let token = s.create_user("reader");
    let mut cmd = s.dv_with_token(&token);
    cmd.args(["-o", "json", "dataset", "permissions", &pid]);
    let mine: Value = json(&s.run(&mut cmd).success());
    assert_eq!(
        mine,
        serde_json::json!({
            "canViewUnpublishedDataset": false, "canEditDataset": false,
            "canPublishDataset": false, "canManageDatasetPermissions": false,
            "canDeleteDatasetDraft": false
        })
    );
    let mut cmd = s.dv_with_token(&token);
    cmd.args(["-o", "json", "file", "permissions", &file.to_string()]);
    let f: Value = json(&s.run(&mut cmd).success());
    assert_eq!(f["canDownloadFile"], true, "{f}");
    assert_eq!(f["canEditOwnerDataset"], false, "{f}");
    // A guest gets collection flags, but no file permissions (signed-in users only).
    let mut cmd = s.dv_anonymous();
    cmd.args(["-o", "table", "collection", "permissions", "root"]);
    let guest = stdout(&s.run(&mut cmd).success());
    assert!(!guest.contains("yes"), "{guest}");
    assert_eq!(guest.matches(" no ").count(), 7, "{guest}");
    assert!(guest.contains("add datasets"), "{guest}");
    refused(
        &s,
        args(
            s.dv_anonymous(),
            &["file", "permissions", &file.to_string()],
        ),
        401,
        "Only authenticated users can perform the requested operation",
    );
    refused(
        &s,
        args(s.dv(), &["collection", "permissions", "nowhere"]),
        404,
        "Can't find dataverse with identifier='nowhere'",
    );
    refused(
        &s,
        args(s.dv(), &["dataset", "permissions", "987654"]),
        404,
        "Dataset with ID 987654 not found.",
    );
}

#[test]
fn citations_as_text_and_html() {
    let s = TestServer::start();
    let (pid, file) = published_with_file(&s);
    let url = format!("https://doi.org/{}", pid.trim_start_matches("doi:"));
    let text = stdout(
        &s.run(&mut args(
            s.dv(),
            &["-o", "table", "dataset", "citation", &pid],
        ))
        .success(),
    );
    assert!(text.contains(&format!("\", {url}, Root, V1")), "{text}");
    assert!(!text.contains("<a "), "{text}");
    let html = ok(&s, &["dataset", "citation", &pid, "--version", "1.0"]);
    let message = html["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("<a href=\"{url}\" target=\"_blank\">{url}</a>")),
        "{html}"
    );
    let f = stdout(
        &s.run(&mut args(
            s.dv_anonymous(),
            &["-o", "table", "file", "citation", &file.to_string()],
        ))
        .success(),
    );
    assert!(f.trim_end().ends_with("V1; notes.txt [fileName]"), "{f}");
    refused(
        &s,
        args(s.dv(), &["dataset", "citation", &pid, "--version", "9.0"]),
        404,
        "Dataset version 9.0 of dataset",
    );
    refused(
        &s,
        args(
            s.dv_anonymous(),
            &["dataset", "citation", &pid, "--version", ":draft"],
        ),
        401,
        "User :guest is not permitted to perform requested action.",
    );
    // A malformed version never reaches the server.
    let out = s
        .run(&mut args(
            s.dv(),
            &["dataset", "citation", &pid, "--version", "one"],
        ))
        .code(2)
        .stdout("");
    assert!(one_error_line(&out).contains("one"));
}

#[test]
fn deaccession_then_reads() {
    let s = TestServer::start();
    let (pid, _) = published_with_file(&s);
    // Wrong state: drafts and `:latest` cannot be deaccessioned.
    refused(
        &s,
        args(
            s.dv(),
            &[
                "-o",
                "table",
                "dataset",
                "deaccession",
                &pid,
                "--version",
                ":draft",
                "--reason",
                "x",
            ],
        ),
        400,
        "Only :latest-published or a specific version can be deaccessioned",
    );
    // No permission.
    let token = s.create_user("bystander");
    refused(
        &s,
        args(
            s.dv_with_token(&token),
            &[
                "dataset",
                "deaccession",
                &pid,
                "--version",
                "1.0",
                "--reason",
                "x",
            ],
        ),
        401,
        "User @bystander is not permitted to perform requested action.",
    );
    let done = stdout(
        &s.run(&mut args(
            s.dv(),
            &[
                "-o",
                "table",
                "dataset",
                "deaccession",
                &pid,
                "--version",
                "1.0",
                "--reason",
                "Superseded",
                "--forward-url",
                "https://example.org/new",
            ],
        ))
        .success(),
    );
    assert_eq!(
        done.trim_end(),
        format!("Dataset {pid} deaccessioned for version 1.0")
    );
    // Not found any more without --include-deaccessioned; cited as deaccessioned with it.
    refused(
        &s,
        args(s.dv(), &["dataset", "citation", &pid, "--version", "1.0"]),
        404,
        "Dataset version 1.0 of dataset",
    );
    let cited = ok(
        &s,
        &[
            "dataset",
            "citation",
            &pid,
            "--version",
            "1.0",
            "--include-deaccessioned",
        ],
    );
    assert!(
        cited["message"]
            .as_str()
            .unwrap_or_default()
            .ends_with("V1, DEACCESSIONED VERSION"),
        "{cited}"
    );
    // The version list shows the state to the superuser.
    let versions = ok(&s, &["dataset", "versions", &pid]);
    assert_eq!(versions[0]["versionState"], "DEACCESSIONED", "{versions}");
    // Twice: the version is no longer a published one.
    refused(
        &s,
        args(
            s.dv(),
            &[
                "-o",
                "table",
                "dataset",
                "deaccession",
                &pid,
                "--version",
                "1.0",
                "--reason",
                "x",
            ],
        ),
        404,
        "Dataset version 1.0 of dataset",
    );
}
