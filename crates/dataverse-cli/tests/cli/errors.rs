//! Errors: connection and configuration (exit code 2), and the server's refusals in our
//! words first (exit code 1); always one line, never a token.

use crate::common::{Sandbox, TestServer, json, one_error_line};

const TOKEN: &str = "0b7e3c1a-5f2d-4e8b-9a6c-1d2e3f4a5b6c";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.secret(TOKEN);
    sb
}

#[test]
fn unreachable_server() {
    let sb = sandbox();
    let out = sb
        .run(sb.dv().env("DATAVERSE_API_TOKEN", TOKEN).args([
            "--url",
            "http://127.0.0.1:1",
            "-o",
            "json",
            "info",
            "version",
        ]))
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("cannot reach"), "{line}");
    assert!(line.contains("http://127.0.0.1:1"), "{line}");

    // -v reports the retries (without the token).
    let out = sb
        .run(sb.dv().env("DATAVERSE_API_TOKEN", TOKEN).args([
            "-v",
            "--url",
            "http://127.0.0.1:1",
            "info",
            "server",
        ]))
        .code(2)
        .stdout("");
    let err = crate::common::stderr(&out);
    assert!(err.contains("retrying"), "{err}");
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.starts_with("dv: cannot reach")),
        "{err}"
    );
}

#[test]
fn invalid_url() {
    let sb = sandbox();
    let out = sb
        .run(sb.dv().args(["--url", "nota-url", "info", "version"]))
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("nota-url"), "{line}");
}

#[test]
fn token_over_plain_http_to_a_remote_host_is_refused() {
    let sb = sandbox();
    for how in ["env", "flag"] {
        let mut cmd = sb.dv();
        cmd.args(["--url", "http://dataverse.example.invalid"]);
        match how {
            "env" => cmd.env("DATAVERSE_API_TOKEN", TOKEN),
            _ => cmd.args(["--token", TOKEN]),
        };
        let out = sb
            .run(cmd.args(["-o", "json", "user", "me"]))
            .code(2)
            .stdout("");
        let line = one_error_line(&out);
        assert!(line.contains("plain http"), "{line}");
    }
}

#[test]
fn missing_profile_is_a_usage_error() {
    let sb = sandbox();
    let out = sb
        .run(sb.dv().args(["--profile", "missing", "info", "version"]))
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("missing"), "{line}");

    let out = sb
        .run(
            sb.dv()
                .env("DATAVERSE_PROFILE", "missing")
                .args(["info", "version"]),
        )
        .code(2)
        .stdout("");
    one_error_line(&out);
}

#[test]
fn invalid_config_file_is_a_usage_error() {
    let sb = sandbox();
    std::fs::create_dir_all(sb.config_path().parent().expect("parent")).expect("mkdir");
    std::fs::write(sb.config_path(), "profiles = 3\n").expect("write");
    let out = sb.run(sb.dv().args(["info", "version"])).code(2).stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("not valid"), "{line}");
}

const UNKNOWN_PID_WORDS: &str = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";

/// Run `dv <args>` against `s` as `cmd`; expect exit `code`, nothing on stdout and one
/// line on stderr; that line.
fn error_line(s: &TestServer, mut cmd: assert_cmd::Command, args: &[&str], code: i32) -> String {
    let out = s.run(cmd.args(args)).code(code).stdout("");
    one_error_line(&out)
}

/// Create the finch dataset in `:root` as the admin: `(id, pid)`.
fn create_dataset(s: &TestServer) -> (u64, String) {
    let out = s
        .run(s.dv().args([
            "-o",
            "json",
            "dataset",
            "create",
            "--collection",
            ":root",
            "--json",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/dataverse-fixtures/requests/dataset-create-finch1.json"
            ),
        ]))
        .success();
    let created = json(&out);
    let id = created["id"].as_u64().expect("id");
    let pid = created["persistentId"].as_str().expect("pid").to_string();
    (id, pid)
}

#[test]
fn an_unknown_pid_is_named_in_our_words_first() {
    let s = TestServer::start();
    let base = &s.base_url;
    let pid = "doi:10.5072/FK2/NOSUCH";
    let line = error_line(&s, s.dv(), &["dataset", "get", pid], 1);
    assert_eq!(
        line,
        format!(
            "dv: dataset {pid} not found (Dataverse: \"{UNKNOWN_PID_WORDS}\"; GET {base}/api/datasets/:persistentId?persistentId={pid}: HTTP 404)"
        )
    );
    let line = error_line(&s, s.dv(), &["dataset", "delete", pid], 1);
    assert_eq!(
        line,
        format!(
            "dv: dataset {pid} not found (Dataverse: \"{UNKNOWN_PID_WORDS}\"; DELETE {base}/api/datasets/:persistentId/versions/:draft?persistentId={pid}: HTTP 404)"
        )
    );
    // An upload to a wrong PID.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "hello\n").expect("write");
    let line = error_line(
        &s,
        s.dv(),
        &["file", "upload", pid, file.to_str().expect("path")],
        1,
    );
    assert!(
        line.starts_with(&format!("dv: dataset {pid} not found (Dataverse: ")),
        "{line}"
    );
    assert!(
        !line.contains("persistentId=doi%3A"),
        "the PID reads as itself: {line}"
    );
    // Several at once: one line each, in the same words.
    let out = s
        .run(
            s.dv()
                .args(["-o", "json", "dataset", "get", pid, "987654321"]),
        )
        .code(1);
    let err = crate::common::stderr(&out);
    assert!(
        err.contains(&format!("dv: {pid}: dataset {pid} not found (Dataverse: ")),
        "{err}"
    );
    assert!(
        err.contains("dv: 987654321: dataset 987654321 not found (Dataverse: \"Dataset with ID 987654321 not found.\""),
        "{err}"
    );
}

#[test]
fn unknown_files_and_collections_are_named_too() {
    let s = TestServer::start();
    let base = &s.base_url;
    let line = error_line(&s, s.dv(), &["file", "get", "987654"], 1);
    assert_eq!(
        line,
        format!(
            "dv: file 987654 not found (Dataverse: \"File with ID 987654 not found.\"; GET {base}/api/files/987654: HTTP 404)"
        )
    );
    let pid = "doi:10.5072/FK2/NOSUCH/F1";
    let line = error_line(&s, s.dv(), &["file", "get", pid], 1);
    assert!(
        line.starts_with(&format!("dv: file {pid} not found (Dataverse: ")),
        "{line}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.bin");
    let line = error_line(
        &s,
        s.dv(),
        &[
            "file",
            "download",
            "987654",
            "-O",
            out.to_str().expect("path"),
        ],
        1,
    );
    assert!(
        line.starts_with("dv: file 987654 not found (Dataverse: "),
        "{line}"
    );
    let line = error_line(&s, s.dv(), &["collection", "get", "nosuch"], 1);
    assert_eq!(
        line,
        format!(
            "dv: collection nosuch not found (Dataverse: \"Can't find dataverse with identifier='nosuch'\"; GET {base}/api/dataverses/nosuch: HTTP 404)"
        )
    );
}

#[test]
fn a_deleted_dataset_is_not_found_and_the_delete_names_its_pid() {
    let s = TestServer::start();
    let (id, pid) = create_dataset(&s);
    let out = s
        .run(s.dv().args(["-o", "json", "dataset", "delete", &pid]))
        .success();
    // Dataverse says "Draft version of dataset :persistentId deleted".
    assert_eq!(
        json(&out)["message"],
        format!("Draft version of dataset {pid} deleted").as_str()
    );
    for target in [id.to_string(), pid.clone()] {
        let line = error_line(&s, s.dv(), &["dataset", "get", &target], 1);
        assert!(
            line.starts_with(&format!("dv: dataset {target} not found (Dataverse: \"")),
            "{line}"
        );
        assert!(line.ends_with(": HTTP 404)"), "{line}");
    }
}

#[test]
fn a_write_without_a_token_says_how_to_set_one() {
    let s = TestServer::start();
    let (_, pid) = create_dataset(&s);
    let base = &s.base_url;
    let no_token = "no API token set: use --token, DATAVERSE_API_TOKEN or `dv auth login`";
    let line = error_line(
        &s,
        s.dv_anonymous(),
        &[
            "collection",
            "create",
            "--alias",
            "lab",
            "--name",
            "Lab",
            "--contact",
            "a@b.org",
        ],
        1,
    );
    assert_eq!(
        line,
        format!(
            "dv: {no_token} (Dataverse: \"Only authenticated users can perform the requested operation\"; POST {base}/api/dataverses/:root: HTTP 401)"
        )
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "hello\n").expect("write");
    for args in [
        vec!["dataset", "publish", pid.as_str()],
        vec!["file", "upload", pid.as_str(), file.to_str().expect("path")],
        // A directory upload reads the draft's file list first, which a guest cannot see.
        vec![
            "file",
            "upload",
            pid.as_str(),
            dir.path().to_str().expect("path"),
        ],
        vec!["user", "me"],
    ] {
        let line = error_line(&s, s.dv_anonymous(), &args, 1);
        assert!(
            line.starts_with(&format!("dv: {no_token} (Dataverse: \"")),
            "{args:?}: {line}"
        );
    }
    // With a token, a refusal is the server's alone.
    let token = s.create_user("uma");
    let line = error_line(
        &s,
        s.dv_with_token(&token),
        &["dataset", "publish", &pid],
        1,
    );
    assert!(line.starts_with("dv: User @uma is not permitted"), "{line}");
}

#[test]
fn nothing_listening_fails_at_once() {
    let sb = sandbox();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = format!("http://{addr}");
    let start = std::time::Instant::now();
    let out = sb
        .run(
            sb.dv()
                .args(["--url", &url, "-o", "json", "info", "version"]),
        )
        .code(2)
        .stdout("");
    let elapsed = start.elapsed();
    assert_eq!(
        one_error_line(&out),
        format!("dv: cannot reach {url}: connection refused (is the server running?)")
    );
    assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");

    // A name that does not resolve (`.invalid` never does).
    let out = sb
        .run(sb.dv().args([
            "--url",
            "https://dataverse.example.invalid",
            "-o",
            "json",
            "info",
            "version",
        ]))
        .code(2)
        .stdout("");
    assert_eq!(
        one_error_line(&out),
        "dv: cannot reach https://dataverse.example.invalid: unknown host (check the URL)"
    );
}

#[test]
fn the_api_prefix_in_the_url_is_dropped() {
    let s = TestServer::start();
    for suffix in ["/api", "/api/", "/api/v1", "/api/v1/"] {
        let out = s
            .run(s.dv_anonymous().args([
                "--url",
                &format!("{}{suffix}", s.base_url),
                "-o",
                "json",
                "info",
                "version",
            ]))
            .success();
        assert_eq!(json(&out)["version"], "6.11", "{suffix}");
    }
}

#[test]
fn a_url_without_a_scheme_gets_a_suggestion() {
    let sb = sandbox();
    for (url, want) in [
        ("demo.dataverse.org", "https://demo.dataverse.org"),
        ("localhost:8080", "http://localhost:8080"),
    ] {
        let out = sb
            .run(sb.dv().args(["--url", url, "info", "version"]))
            .code(2)
            .stdout("");
        assert_eq!(
            one_error_line(&out),
            format!("dv: base URL '{url}' has no scheme: did you mean {want}?")
        );
    }
}
