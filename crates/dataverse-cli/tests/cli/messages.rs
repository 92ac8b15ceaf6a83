//! Command-specific messages and exit codes: export formats and unpublished exports,
//! collection types, pre-flight summaries, Ctrl-C, local file problems, `file update`'s
//! output and the crawl summary.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{
    Sandbox, TestServer, finch_draft as draft, json, json_cmd as dv, ok, one_error_line, stderr,
    stdout,
};

/// The collection types, as listed in the message for an unknown one.
const TYPES: &str = "DEPARTMENT, JOURNALS, LABORATORY, ORGANIZATIONS_INSTITUTIONS, RESEARCHERS, \
                     RESEARCH_GROUP, RESEARCH_PROJECTS, TEACHING_COURSES, UNCATEGORIZED";

/// Run, expect exit `code`, nothing on stdout and one `dv: ` line on stderr: that line.
#[track_caller]
fn fails(sb: &Sandbox, cmd: &mut Command, code: i32) -> String {
    let out = sb.run(cmd).code(code).stdout("");
    one_error_line(&out)
}

#[test]
fn export_names_the_formats_and_explains_unpublished_datasets() {
    let s = TestServer::start();
    let pid = draft(&s);

    // Never published: our words, then the server's.
    let line = fails(
        &s.sandbox,
        &mut dv(&s, &["dataset", "export", &pid, "--format", "ddi"]),
        1,
    );
    let ours = format!(
        "dv: dataset {pid} has no published version: only published versions export, unless \
         --version :draft; the server said: "
    );
    assert!(line.starts_with(&ours), "{line}");
    // Dataverse 6.x answers a failed version lookup of the export with a 400.
    assert!(line.ends_with(": HTTP 400)"), "{line}");

    // The draft exports when asked for.
    let out = s
        .run(&mut dv(
            &s,
            &[
                "dataset",
                "export",
                &pid,
                "--format",
                "dataverse_json",
                "--version",
                ":draft",
            ],
        ))
        .success();
    let doc = json(&out);
    assert_eq!(doc["datasetVersion"]["versionState"], "DRAFT", "{doc}");

    // An unknown format lists the formats the server has.
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "dataset",
                "export",
                &pid,
                "--format",
                "nope",
                "--version",
                ":draft",
            ],
        ),
        1,
    );
    let formats = ok(&s, &["info", "exporters"]);
    let names: Vec<String> = match &formats {
        Value::Array(list) => list
            .iter()
            .filter_map(|e| e["name"].as_str().map(str::to_string))
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("exporters: {other}"),
    };
    assert!(names.iter().any(|n| n == "ddi"), "{formats}");
    let mut sorted = names.clone();
    sorted.sort();
    let want = format!(
        "dv: unknown export format 'nope' (available: {}); the server said: Export Failed (GET ",
        sorted.join(", ")
    );
    assert!(line.starts_with(&want), "{line}\nwant: {want}");
    assert!(line.ends_with(": HTTP 403)"), "{line}");

    // A bad version is a usage error.
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "dataset",
                "export",
                &pid,
                "--format",
                "ddi",
                "--version",
                "x",
            ],
        ),
        2,
    );
    assert!(line.contains("'x' is not a version"), "{line}");

    // Published: the default exports, and an unknown format still lists the formats.
    ok(&s, &["dataset", "publish", &pid, "--wait"]);
    let out = s
        .run(&mut dv(&s, &["dataset", "export", &pid, "--format", "ddi"]))
        .success();
    assert!(stdout(&out).contains("codeBook"), "{}", stdout(&out));
    let line = fails(
        &s.sandbox,
        &mut dv(&s, &["dataset", "export", &pid, "--format", "DDI"]),
        1,
    );
    assert!(
        line.starts_with("dv: unknown export format 'DDI' (available: "),
        "{line}"
    );
}

#[test]
fn an_unknown_collection_type_lists_the_types() {
    let s = TestServer::start();
    let want = format!("dv: 'NOPE' is not a collection type; the types are: {TYPES}");
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "collection",
                "create",
                "--alias",
                "lab",
                "--name",
                "Lab",
                "--contact",
                "a@b.org",
                "--type",
                "nope",
            ],
        ),
        2,
    );
    assert_eq!(line, want);
    // From --json too (Dataverse would refuse it).
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("c.json");
    std::fs::write(
        &body,
        r#"{"alias":"lab","name":"Lab","dataverseContacts":[{"contactEmail":"a@b.org"}],"dataverseType":"NOPE"}"#,
    )
    .expect("write");
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "collection",
                "create",
                "--json",
                body.to_str().expect("path"),
            ],
        ),
        2,
    );
    assert_eq!(line, want);
    // Any case, `-` for `_`.
    let c = ok(
        &s,
        &[
            "collection",
            "create",
            "--alias",
            "lab",
            "--name",
            "Lab",
            "--contact",
            "a@b.org",
            "--type",
            "research-group",
        ],
    );
    assert_eq!(c["dataverseType"], "RESEARCH_GROUP", "{c}");
    let line = fails(
        &s.sandbox,
        &mut dv(&s, &["collection", "update", "lab", "--type", "NOPE"]),
        2,
    );
    assert_eq!(line, want);
}

#[test]
fn dv_help_documents_the_exit_codes() {
    let sb = Sandbox::new();
    let out = sb.run(sb.dv().arg("--help")).success();
    let help = stdout(&out);
    let codes = help
        .split_once("Exit codes:")
        .unwrap_or_else(|| panic!("no exit codes in:\n{help}"))
        .1;
    for code in ["0 ", "1 ", "2 ", "101 ", "130 "] {
        assert!(
            codes.lines().any(|l| l.trim_start().starts_with(code)),
            "exit code {code}missing:\n{codes}"
        );
    }
    // The README lists the same codes.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .expect("README");
    for code in ["| `0` |", "| `1` |", "| `2` |", "| `101` |", "| `130` |"] {
        assert!(readme.contains(code), "README lacks {code}");
    }
}

#[test]
fn local_file_problems_exit_2() {
    let s = TestServer::start();
    let pid = draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("x.txt");
    std::fs::write(&src, b"x\n").expect("write");
    let up = ok(&s, &["file", "upload", &pid, src.to_str().expect("path")]);
    let id = up["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {up}"))
        .to_string();

    // A file where a directory should be: the download's own (library) error.
    std::fs::write(dir.path().join("blocker"), b"").expect("write");
    let blocked = dir.path().join("blocker").join("x.txt");
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "file",
                "download",
                &id,
                "-O",
                blocked.to_str().expect("path"),
            ],
        ),
        2,
    );
    assert!(
        line.starts_with("dv: creating directory ") && line.contains("blocker: File exists"),
        "{line}"
    );
    // Writing the export into a missing directory.
    let missing = dir.path().join("no").join("such").join("x.xml");
    let line = fails(
        &s.sandbox,
        &mut dv(
            &s,
            &[
                "dataset",
                "export",
                &pid,
                "--format",
                "ddi",
                "--version",
                ":draft",
                "--file",
                missing.to_str().expect("path"),
            ],
        ),
        2,
    );
    assert!(
        line.starts_with("dv: cannot write ")
            && line.ends_with(&format!(
                "the directory {} does not exist",
                missing.parent().expect("parent").display()
            )),
        "{line}"
    );
}

/// Start `dv <args>` against `s` as the admin, send it SIGINT after `after`, and return
/// its exit code and stderr.
#[cfg(unix)]
fn interrupted(s: &TestServer, args: &[&str], after: Duration) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"));
    for var in ["DATAVERSE_PROFILE", "DV_LOG", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    let child = cmd
        .env("DATAVERSE_URL", &s.base_url)
        .env("DATAVERSE_API_TOKEN", &s.admin_token)
        .env("DATAVERSE_CONFIG", s.sandbox.config_path())
        .env("DATAVERSE_LOCAL_DIR", s.sandbox.local_dir())
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dv");
    std::thread::sleep(after);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -INT failed");
    let start = Instant::now();
    let out = child.wait_with_output().expect("wait for dv");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "dv took {:?} to stop",
        start.elapsed()
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_a_download_says_the_rerun_resumes() {
    // Every answer takes 3 s: Ctrl-C comes while dv waits for one.
    let s = TestServer::start_prepared(|c| c.latency = Duration::from_secs(3), |_| {});
    let (code, err) = interrupted(
        &s,
        &["-q", "dataset", "get", "doi:10.5072/FK2/NONE"],
        Duration::from_millis(700),
    );
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(err, "dv: interrupted\n");

    let dir = tempfile::tempdir().expect("temp dir");
    let (code, err) = interrupted(
        &s,
        &[
            "-q",
            "file",
            "download",
            "1",
            "-O",
            dir.path().to_str().expect("path"),
        ],
        Duration::from_millis(700),
    );
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(
        err,
        "dv: interrupted: run the same command again to resume\n"
    );
    // Without resuming there is nothing to promise.
    let (code, err) = interrupted(
        &s,
        &[
            "-q",
            "file",
            "download",
            "1",
            "--no-resume",
            "-O",
            dir.path().to_str().expect("path"),
        ],
        Duration::from_millis(700),
    );
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(err, "dv: interrupted\n");
}

#[test]
fn file_update_prints_the_whole_file() {
    let s = TestServer::start();
    let pid = draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("x.txt");
    std::fs::write(&src, b"x\n").expect("write");
    let up = ok(&s, &["file", "upload", &pid, src.to_str().expect("path")]);
    let id = up["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {up}"));

    let f = ok(
        &s,
        &[
            "file",
            "update",
            &id.to_string(),
            "--label",
            "y.txt",
            "--description",
            "Why",
        ],
    );
    assert_eq!(f["label"], "y.txt", "{f}");
    assert_eq!(f["description"], "Why", "{f}");
    assert_eq!(f["dataFile"]["id"], id, "{f}");
    assert_eq!(f["dataFile"]["filesize"], 2, "{f}");

    let mut cmd = s.dv();
    cmd.args([
        "-o",
        "table",
        "file",
        "update",
        &id.to_string(),
        "--directory",
        "docs",
    ]);
    let out = s.run(&mut cmd).success();
    let text = stdout(&out);
    let row = |key: &str| {
        text.lines()
            .find(|l| {
                l.trim_start_matches(['│', ' '])
                    .starts_with(&format!("{key} "))
            })
            .unwrap_or_else(|| panic!("no {key} row:\n{text}"))
            .to_string()
    };
    assert!(row("id").contains(&id.to_string()), "{text}");
    assert!(row("path").contains("docs/y.txt"), "{text}");
    assert!(row("description").contains("Why"), "{text}");
}

#[test]
fn crawl_summary_counts_what_was_asked_in_words() {
    let s = TestServer::start_generated("collections=1,datasets=2,depth=1,seed=3");
    let summary = |extra: &[&str]| {
        let mut cmd = s.dv();
        cmd.args(["-o", "table", "collection", "crawl"]).args(extra);
        let out = s.run(&mut cmd).success();
        let err = stderr(&out);
        let last = err.lines().last().unwrap_or("").to_string();
        // The cost of titles, when read, after a semicolon.
        let (cost, titles) = last.split_once("; ").unwrap_or((&last, ""));
        assert!(
            titles.is_empty()
                || titles.starts_with("titles: ") && titles.ends_with(" from version reads"),
            "{last}"
        );
        let (found, requests) = cost
            .rsplit_once(" in ")
            .unwrap_or_else(|| panic!("no summary: {err}"));
        assert!(
            requests.ends_with(" requests") || requests == "1 request",
            "{last}"
        );
        found.to_string()
    };
    assert_eq!(summary(&[]), "dv: 3 items (1 collection, 2 datasets)");
    assert_eq!(summary(&["--only", "collections"]), "dv: 1 collection");
    assert_eq!(summary(&["--only", "datasets"]), "dv: 2 datasets");
}

#[test]
fn each_failure_of_a_multi_id_get_is_one_line() {
    let s = TestServer::start();
    let pid = draft(&s);
    let mut cmd = dv(&s, &["dataset", "get", &pid, "987654", "not-a-pid"]);
    let out = s.run(&mut cmd).code(1);
    assert_eq!(json(&out).as_array().map(Vec::len), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("dv: 987654: "), "{err}");
    assert!(lines[1].starts_with("dv: not-a-pid: "), "{err}");
    assert_eq!(lines[2], "dv: 2 of 3 datasets could not be read");
}

#[test]
fn command_line_errors_are_one_line() {
    let sb = Sandbox::new();
    let line = fails(&sb, sb.dv().arg("infoo"), 2);
    assert_eq!(
        line,
        "dv: unrecognized subcommand 'infoo'; tip: a similar subcommand exists: 'info' \
         (usage: dv [OPTIONS] <COMMAND>)"
    );
    let line = fails(&sb, sb.dv().args(["dataset", "get"]), 2);
    assert_eq!(
        line,
        "dv: the following required arguments were not provided: <ID>... \
         (usage: dv dataset get <ID>...)"
    );
    let line = fails(&sb, sb.dv().args(["-o", "yaml", "info", "version"]), 2);
    assert!(
        line.starts_with("dv: invalid value 'yaml' for '--output <FORMAT>'"),
        "{line}"
    );
    // Help is not an error.
    sb.run(sb.dv().args(["dataset", "get", "--help"])).success();
}

#[test]
fn a_rerun_resumes_what_an_interrupted_download_left() {
    let s = TestServer::start();
    let pid = draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let src = dir.path().join("data.bin");
    std::fs::write(&src, &bytes).expect("write");
    let up = ok(&s, &["file", "upload", &pid, src.to_str().expect("path")]);
    let id = up["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {up}"))
        .to_string();
    // What an interrupted run leaves: the first part of the bytes beside the destination.
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    std::fs::write(out_dir.join(".data.bin.part"), &bytes[..40_000]).expect("write");
    let got = ok(
        &s,
        &[
            "file",
            "download",
            &id,
            "-O",
            out_dir.to_str().expect("path"),
        ],
    );
    assert_eq!(got[0]["resumed_from"], 40_000, "{got}");
    assert_eq!(got[0]["verified"], true, "{got}");
    assert_eq!(
        std::fs::read(out_dir.join("data.bin")).expect("read"),
        bytes
    );
    assert!(!out_dir.join(".data.bin.part").exists());
}
