//! Help, completions, `dv serve` and `dv demo`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use predicates::prelude::*;

use crate::common::{Sandbox, contains_uuid, http_get, stdout};

const COMMANDS: [&str; 8] = [
    "info",
    "metadatablocks",
    "licenses",
    "user",
    "serve",
    "auth",
    "completions",
    "demo",
];

#[test]
fn help_lists_the_commands_and_hides_the_token() {
    let sb = Sandbox::new();
    let token = "5c1f0e2a-7d3b-4c9e-8f10-aabbccddeeff";
    sb.secret(token);
    for args in [
        &["--help"][..],
        &["-h"][..],
        &["user", "me", "--help"][..],
        &["auth", "login", "--help"][..],
        &["serve", "--help"][..],
    ] {
        let out = sb
            .run(
                sb.dv()
                    .env("DATAVERSE_API_TOKEN", token)
                    .env("DATAVERSE_ADMIN_TOKEN", token)
                    .args(args),
            )
            .success();
        let text = stdout(&out);
        assert!(text.contains("Usage: dv"), "{text}");
        if args[0].starts_with('-') {
            for c in COMMANDS {
                assert!(
                    text.lines().any(|l| l.trim_start().starts_with(c)),
                    "{c} missing:\n{text}"
                );
            }
        }
    }
}

#[test]
fn version_flag() {
    let sb = Sandbox::new();
    sb.run(sb.dv().arg("--version"))
        .success()
        .stdout(predicate::str::starts_with("dv "));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let sb = Sandbox::new();
    sb.run(sb.dv().arg("frobnicate"))
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("frobnicate"));
    sb.run(sb.dv().args(["info", "nope"])).code(2).stdout("");
    sb.run(&mut sb.dv()).code(2).stdout("");
    sb.run(sb.dv().args(["-o", "yaml", "info", "version"]))
        .code(2)
        .stdout("");
    assert!(!sb.local_dir().exists(), "usage errors start nothing");
}

#[test]
fn completions() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.run(sb.dv().args(["completions", shell])).success();
        let text = stdout(&out);
        assert!(text.contains("dv"), "{text}");
        assert!(text.contains("metadatablocks"), "{shell}");
        assert!(text.contains("profile"), "{shell}");
    }
    let out = sb.run(sb.dv().args(["completions", "bash"])).success();
    assert!(stdout(&out).contains("complete -F"));
    let out = sb.run(sb.dv().args(["completions", "zsh"])).success();
    assert!(stdout(&out).starts_with("#compdef dv"));
    sb.run(sb.dv().args(["completions", "cmd.exe"])).code(2);
}

#[test]
fn demo_runs_end_to_end() {
    let sb = Sandbox::new();
    let out = sb.run(sb.dv().arg("demo")).success();
    let text = stdout(&out);
    for header in [
        "== Embedded local Dataverse at http://127.0.0.1:",
        "== Installation",
        "== Metadata blocks",
        "== Licenses",
        "== User and token",
        "== Collections",
        "== Crawl",
        "== Files",
        "== Search",
        "Demo finished",
    ] {
        assert!(text.contains(header), "{header} missing:\n{text}");
    }
    assert!(text.contains("version 6.11"), "{text}");
    assert!(text.contains("7 blocks: citation, geospatial"), "{text}");
    assert!(text.contains("old token now refused"), "{text}");
    for line in [
        "host dataverse (demo-lab) has not been published",
        "deleting a non-empty collection is refused: Cannot delete non-empty dataverses",
        "Dataverse demo-scratch deleted",
        "authorName, subject, keywordValue, dateOfDeposit",
        "@dataverseAdmin as admin",
        "] Demo Laboratory",
        "ingested: finches.tab as text/tab-separated-values (tabular: true",
        "verified by the library; byte-identical to the upload: true",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    let crawl = text
        .split("== Crawl")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        crawl
            .lines()
            .any(|l| l.trim_start().starts_with("doi:10.5072/")),
        "the crawl lists datasets:\n{crawl}"
    );
    assert!(
        crawl.contains("collections and") && crawl.contains("requests"),
        "{crawl}"
    );
    let crawl_line = crawl
        .lines()
        .find(|l| l.contains("collections and"))
        .unwrap_or_default();
    assert!(
        crawl_line.contains("titles from search, 0 from version reads"),
        "the demo's crawl takes its titles from search: {crawl_line}"
    );
    // The search finds the dataset the demo created (draft and published card) and its
    // ingested file, and the dataset by its PID.
    let search = text.split("== Search").nth(1).unwrap_or_default();
    let pid = search
        .lines()
        .find_map(|l| l.trim().strip_prefix("dsPersistentId:\""))
        .and_then(|rest| rest.split_once('"'))
        .map(|(pid, answer)| {
            assert!(answer.ends_with("Darwin's Finches, revisited"), "{search}");
            pid.to_string()
        })
        .unwrap_or_else(|| panic!("no PID search:\n{search}"));
    let words: Vec<String> = search
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for card in [
        "\"finches\" under demo-lab: 3 results".to_string(),
        format!("dataset {pid} published Darwin's Finches, revisited"),
        format!("dataset {pid} draft Darwin's Finches, revisited"),
        "draft finches.tab".to_string(),
        "facet publicationStatus: Draft 2, Published 1".to_string(),
    ] {
        assert!(
            words.iter().any(|l| l.contains(&card)),
            "{card} missing:\n{search}"
        );
    }
    assert!(!text.contains("unexpected"), "{text}");
    assert!(
        !contains_uuid(&text),
        "no token in the demo's output:\n{text}"
    );
    assert!(
        !sb.local_dir().exists(),
        "the demo leaves the local Dataverse alone"
    );
}

#[test]
fn demo_keeps_its_data_with_data_dir() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().expect("temp dir");
    sb.run(sb.dv().args(["demo", "--data"]).arg(dir.path()))
        .success()
        .stdout(predicate::str::contains("Demo finished"));
    assert!(dir.path().join("dataverse.sqlite3").is_file());
}

#[test]
fn serve_answers_until_stopped() {
    let sb = Sandbox::new();
    let token = "11111111-2222-4333-8444-555555555555";
    sb.secret(token);
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"))
        .args(["serve", "--addr", "127.0.0.1:0", "--hostname", "serve.test"])
        .arg("--data")
        .arg(data.path())
        .env_remove("DATAVERSE_URL")
        .env_remove("DATAVERSE_API_TOKEN")
        .env_remove("DATAVERSE_PROFILE")
        .env_remove("DV_LOG")
        .env("DATAVERSE_ADMIN_TOKEN", token)
        .env("DATAVERSE_CONFIG", sb.config_path())
        .env("DATAVERSE_LOCAL_DIR", sb.local_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dv serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.expect("stderr line");
        if let Some(rest) = line.trim().strip_prefix("URL:") {
            url = Some(rest.trim().to_string());
            break;
        }
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let url = url.expect("dv serve printed its URL");
        let addr = url
            .strip_prefix("http://")
            .expect("http URL")
            .parse()
            .expect("socket address");
        let (status, v) = http_get(addr, "/api/info/version");
        assert_eq!(status, 200);
        assert_eq!(v["data"]["version"], dataverse_emulator::DATAVERSE_VERSION);
        let (_, v) = http_get(addr, "/api/info/server");
        assert_eq!(v["data"]["message"], "serve.test");
        // The admin token given in the environment is the superuser's.
        let out = sb
            .run(
                sb.dv()
                    .env("DATAVERSE_URL", &url)
                    .env("DATAVERSE_API_TOKEN", token)
                    .args(["-o", "json", "user", "me"]),
            )
            .success();
        assert_eq!(crate::common::json(&out)["superuser"], true);
    }));
    #[cfg(unix)]
    {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
    #[cfg(not(unix))]
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    #[cfg(unix)]
    {
        assert!(
            status.success(),
            "dv serve stops cleanly on SIGTERM: {status}"
        );
        assert!(rest.iter().any(|l| l.contains("stopping")), "{rest:?}");
    }
    let _ = status;
    assert!(data.path().join("dataverse.sqlite3").is_file());
    assert!(
        !sb.local_dir().exists(),
        "--data wins over DATAVERSE_LOCAL_DIR"
    );
}

/// A reader of dv's stderr that goes away (a closed pipe) costs dv its messages, never a
/// crash: `dv serve` still stops cleanly, printing its goodbye into the broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_stderr_pipe_is_no_crash() {
    let sb = Sandbox::new();
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--data")
        .arg(data.path())
        .env_remove("DATAVERSE_URL")
        .env_remove("DATAVERSE_API_TOKEN")
        .env_remove("DATAVERSE_PROFILE")
        .env_remove("DV_LOG")
        .env("DATAVERSE_CONFIG", sb.config_path())
        .env("DATAVERSE_LOCAL_DIR", sb.local_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dv serve");
    // Wait until it serves, then close the only reader of its stderr.
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("Press Ctrl-C"));
    assert!(ready, "dv serve started");
    drop(lines);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let status = child.wait().expect("wait");
    assert_eq!(
        status.code(),
        Some(0),
        "dv serve stops cleanly with its stderr gone: {status}"
    );
}
