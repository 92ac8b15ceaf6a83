//! One verb per meaning (`get`, `list`/`ls`, the old `show`), flags over the environment,
//! `dv auth logout NAME` and `dv serve --addr PORT`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{FINCH, TestServer, http_get, json, one_error_line, stderr, stdout};

/// `dv -o json ARGS` as the admin: stdout as JSON.
fn ok_json(s: &TestServer, args: &[&str]) -> Value {
    json(&s.run(s.dv().args(["-o", "json"]).args(args)).success())
}

/// Create the finch dataset in `:root` and upload one small file: its PID.
fn finch_with_a_file(s: &TestServer) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let created = ok_json(
        s,
        &[
            "dataset",
            "create",
            "--collection",
            ":root",
            "--json",
            FINCH,
        ],
    );
    let pid = created["persistentId"]
        .as_str()
        .unwrap_or_else(|| panic!("persistentId: {created}"))
        .to_string();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "some notes\n").expect("write");
    s.run(s.dv().args(["-q", "file", "upload", &pid]).arg(&file))
        .success();
    pid
}

#[test]
fn get_everywhere_with_show_kept() {
    let s = TestServer::start();
    for (family, id) in [("licenses", "1"), ("metadatablocks", "citation")] {
        let get = ok_json(&s, &[family, "get", id]);
        let show = ok_json(&s, &[family, "show", id]);
        assert_eq!(get, show, "{family}");
        assert!(get.is_object(), "{family}: {get}");
    }
    let get = ok_json(&s, &["user", "token", "get"]);
    assert_eq!(get, ok_json(&s, &["user", "token", "show"]));
    // `show` also reaches `get` where it never existed (not listed in the help).
    assert_eq!(
        ok_json(&s, &["collection", "show", ":root"]),
        ok_json(&s, &["collection", "get", ":root"])
    );
    let pid = finch_with_a_file(&s);
    assert_eq!(
        ok_json(&s, &["dataset", "show", &pid]),
        ok_json(&s, &["dataset", "get", &pid])
    );
    let help = stdout(&s.run(s.sandbox.dv().args(["licenses", "--help"])).success());
    assert!(
        help.contains("Show one license by id or name [alias: show]"),
        "{help}"
    );
}

#[test]
fn list_and_ls_where_a_family_lists_things() {
    let s = TestServer::start();
    let pid = finch_with_a_file(&s);

    // `dv dataset list COLLECTION`: the datasets directly inside it.
    let listed = ok_json(&s, &["dataset", "list", ":root"]);
    let pids: Vec<String> = listed
        .as_array()
        .unwrap_or_else(|| panic!("a list: {listed}"))
        .iter()
        .map(|d| {
            let part = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            [
                part("protocol"),
                ":".into(),
                part("authority"),
                part("separator"),
                part("identifier"),
            ]
            .concat()
        })
        .collect();
    assert_eq!(pids, vec![pid.as_str()], "{listed}");
    assert_eq!(ok_json(&s, &["dataset", "ls", ":root"]), listed);
    let table = stdout(
        &s.run(s.dv().args(["-o", "table", "dataset", "ls", ":root"]))
            .success(),
    );
    assert!(table.contains(&pid), "{table}");
    assert!(
        table.contains("never"),
        "a draft was never published: {table}"
    );

    // An empty collection says so.
    s.run(s.dv().args([
        "-q",
        "collection",
        "create",
        "--alias",
        "empty",
        "--name",
        "Empty",
        "--contact",
        "e@example.edu",
    ]))
    .success();
    let out = s
        .run(s.dv().args(["-o", "table", "dataset", "list", "empty"]))
        .success();
    assert_eq!(stdout(&out), "no datasets in empty\n");
    assert_eq!(
        ok_json(&s, &["dataset", "list", "empty"]),
        serde_json::json!([])
    );

    // `dv file ls DATASET` is `dv dataset files DATASET`, -O included.
    let files = ok_json(&s, &["dataset", "files", &pid]);
    assert_eq!(files.as_array().map(Vec::len), Some(1), "{files}");
    assert_eq!(ok_json(&s, &["file", "ls", &pid]), files);
    assert_eq!(ok_json(&s, &["file", "list", &pid]), files);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("files.csv");
    s.run(s.dv().args(["-q", "file", "ls", &pid, "-O"]).arg(&out))
        .success();
    let csv = std::fs::read_to_string(&out).expect("the table was written");
    assert!(csv.contains("notes.txt"), "{csv}");

    // `dv collection list|ls` is `contents`; `dv auth ls`, `dv licenses ls`, ...
    let contents = ok_json(&s, &["collection", "contents", ":root"]);
    assert_eq!(ok_json(&s, &["collection", "list", ":root"]), contents);
    assert_eq!(ok_json(&s, &["collection", "ls", ":root"]), contents);
    assert_eq!(
        ok_json(&s, &["licenses", "ls"]),
        ok_json(&s, &["licenses", "list"])
    );
    assert_eq!(
        ok_json(&s, &["metadatablocks", "ls"]),
        ok_json(&s, &["metadatablocks", "list"])
    );
    assert_eq!(ok_json(&s, &["auth", "ls"]), serde_json::json!([]));
}

#[test]
fn a_verb_that_does_not_exist_gets_a_suggestion() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["dataset", "lst", ":root"]))
        .code(2)
        .stdout("");
    let err = stderr(&out);
    assert!(err.contains("unrecognized subcommand 'lst'"), "{err}");
    assert!(err.contains("list"), "a suggestion: {err}");
}

/// `work`: a profile for the test server with the admin token.
fn login_work(s: &TestServer) {
    s.run(
        s.sandbox
            .dv()
            .args([
                "-q",
                "auth",
                "login",
                "--name",
                "work",
                "--url",
                &s.base_url,
            ])
            .write_stdin(format!("{}\n", s.admin_token)),
    )
    .success();
}

#[test]
fn a_flag_overrides_the_environment() {
    let s = TestServer::start();
    login_work(&s);
    let me = |cmd: &mut assert_cmd::Command| {
        let out = s.run(cmd.args(["-o", "json", "user", "me"])).success();
        assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
    };
    // --url over DATAVERSE_PROFILE (even one that does not exist).
    me(s.dv_with_token(&s.admin_token)
        .env_remove("DATAVERSE_URL")
        .env("DATAVERSE_PROFILE", "missing")
        .args(["--url", &s.base_url]));
    // --profile over DATAVERSE_URL, and then the token from the environment (which goes
    // with DATAVERSE_URL) is not sent either: the profile's is.
    me(s.sandbox
        .dv()
        .env("DATAVERSE_URL", "http://127.0.0.1:9")
        .env("DATAVERSE_API_TOKEN", "not-the-profiles-token")
        .args(["--profile", "work"]));
    // A --token flag still applies to the profile's server.
    let out = s
        .run(
            s.sandbox
                .dv()
                .env("DATAVERSE_URL", "http://127.0.0.1:9")
                .args([
                    "--profile",
                    "work",
                    "--token",
                    "a-bad-token-flag",
                    "user",
                    "me",
                ]),
        )
        .code(1);
    assert!(
        one_error_line(&out).contains("Bad API key"),
        "{}",
        stderr(&out)
    );

    // Both on the command line, or both in the environment: an error.
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["--profile", "work", "--url", &s.base_url, "user", "me"]),
        )
        .code(2)
        .stdout("");
    assert_eq!(
        one_error_line(&out),
        format!(
            "dv: both --url {} and --profile work are given; use one",
            s.base_url
        )
    );
    let out = s
        .run(
            s.sandbox
                .dv()
                .env("DATAVERSE_URL", &s.base_url)
                .env("DATAVERSE_PROFILE", "work")
                .args(["user", "me"]),
        )
        .code(2)
        .stdout("");
    assert_eq!(
        one_error_line(&out),
        format!(
            "dv: both DATAVERSE_URL ({}) and DATAVERSE_PROFILE (work) are set; unset one, or choose with --url or --profile",
            s.base_url
        )
    );
}

#[test]
fn logout_takes_the_name_as_an_argument() {
    let s = TestServer::start();
    login_work(&s);
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["auth", "logout", "work", "--name", "work"]),
        )
        .code(2);
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    s.run(s.sandbox.dv().args(["auth", "logout", "work"]))
        .success()
        .stderr("dv: removed profile 'work'\n");
    assert_eq!(
        json(
            &s.run(s.sandbox.dv().args(["-o", "json", "auth", "list"]))
                .success()
        ),
        serde_json::json!([])
    );
    let out = s
        .run(s.sandbox.dv().args(["auth", "logout", "work"]))
        .code(2);
    assert_eq!(one_error_line(&out), "dv: no profile named 'work'");
    // No name: the profile named `default`.
    let out = s.run(s.sandbox.dv().args(["auth", "logout"])).code(2);
    assert_eq!(one_error_line(&out), "dv: no profile named 'default'");
}

#[test]
fn serve_takes_a_bare_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"))
        .args(["serve", "--addr", &port.to_string(), "--data"])
        .arg(data.path())
        .env_remove("DATAVERSE_LOCAL_DIR")
        .env_remove("DATAVERSE_ADMIN_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dv serve");
    // Read stderr to its end on a thread (a closed pipe would fail the server's next line).
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim_start().starts_with("URL:") {
                let _ = tx.send(line);
            }
        }
    });
    let Ok(url_line) = rx.recv_timeout(Duration::from_secs(30)) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("dv serve printed no URL");
    };
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let started = Instant::now();
    let answer = loop {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(_) => break Some(http_get(addr, "/api/info/version")),
            Err(_) if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(_) => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        url_line.ends_with(&format!("http://127.0.0.1:{port}")),
        "{url_line}"
    );
    let (status, body) = answer.expect("the server answers on the port");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "OK", "{body}");
}

#[test]
fn serve_refuses_an_address_it_cannot_read() {
    let s = TestServer::start();
    let out = s
        .run(s.sandbox.dv().args(["serve", "--addr", "80a"]))
        .code(2)
        .stdout("");
    let err = stderr(&out);
    assert!(
        err.contains("invalid value '80a' for '--addr <ADDR>': expected HOST:PORT"),
        "{err}"
    );
}

/// On a terminal the token is typed at a prompt that does not echo it. The terminal is a
/// pseudo-terminal from util-linux's `script` (Debian's essential bsdutils: on every
/// machine this project runs on; the test fails without it rather than pass unchecked); the
/// token is typed only once the prompt shows, as a person would.
#[test]
fn login_on_a_terminal_does_not_echo_the_token() {
    use std::io::{Read, Write};

    let util_linux = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("util-linux"));
    assert!(
        util_linux,
        "this test needs util-linux's `script` (Debian: bsdutils) to give dv a terminal"
    );
    let s = TestServer::start();
    let dv = assert_cmd::cargo::cargo_bin("dv");
    let command = format!(
        "'{}' auth login --name tty --url {}",
        dv.display(),
        s.base_url
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("DATAVERSE_CONFIG", s.sandbox.config_path())
        .env_remove("DATAVERSE_URL")
        .env_remove("DATAVERSE_API_TOKEN")
        .env_remove("DATAVERSE_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start script");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("API token (input is hidden): ") {
        let n = stdout.read(&mut buf).expect("read the terminal");
        assert!(n > 0, "no prompt: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    // rpassword turns the echo off just after writing the prompt: type a moment later,
    // as a person does.
    std::thread::sleep(Duration::from_millis(500));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{}\n", s.admin_token).as_bytes())
        .expect("type the token");
    stdout.read_to_end(&mut seen).expect("read the terminal");
    let status = child.wait().expect("wait");
    drop(stdin);
    let transcript = String::from_utf8_lossy(&seen);
    assert!(status.success(), "{transcript}");
    assert!(
        !transcript.contains(&s.admin_token),
        "the token was echoed:\n{transcript}"
    );
    assert!(
        transcript.contains("dv: saved profile 'tty'"),
        "{transcript}"
    );
    let config = std::fs::read_to_string(s.sandbox.config_path()).expect("config");
    assert!(config.contains(&s.admin_token), "the typed token is saved");
}
