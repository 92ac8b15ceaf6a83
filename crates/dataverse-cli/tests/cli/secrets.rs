//! The `dv` binary never shows the API token: not at `-vvv` (on success, on a 401, on a
//! server error), not with the token from the environment or from a profile, not in its
//! help (clap would print an environment variable's value there), and a token never has to
//! be on the command line, where any local user can read it in the process list.
//!
//! These tests run the `dv` built for this test binary (`CARGO_BIN_EXE_dv`), never a
//! stale one. Every run goes through [`Sandbox::run`](crate::common::Sandbox::run), which
//! also fails on any known token in either stream.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use crate::common::{TestServer, json, stderr};

/// A server that answers every request with Dataverse's 500 envelope; its base URL.
fn failing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            // Read the request head (no request of dv's to this server has a body).
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let body = r#"{"status":"ERROR","code":500,"message":"Internal server error. More details available at the server logs.","incidentId":"0c1d"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

/// Whether stderr holds log lines at the most detailed levels.
fn has_trace_logs(text: &str) -> bool {
    text.contains("TRACE") || text.contains("DEBUG")
}

#[test]
fn the_cli_at_trace_level_never_prints_the_token() {
    let s = TestServer::start();
    let bad = "f00dfeed-0000-4000-8000-0000000000ba";
    s.sandbox.secret(bad);
    let failing = failing_server();

    // Token from the environment: success, bad key (401), server error (500).
    let out = s
        .run(s.dv().args(["-vvv", "-o", "json", "user", "me"]))
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
    assert!(has_trace_logs(&stderr(&out)), "{}", stderr(&out));

    let out = s
        .run(
            s.dv_with_token(bad)
                .args(["-vvv", "-o", "json", "user", "me"]),
        )
        .code(1);
    let err = stderr(&out);
    assert!(has_trace_logs(&err), "{err}");
    assert!(err.contains("HTTP 401"), "{err}");

    let out = s
        .run(
            s.dv()
                .env("DATAVERSE_URL", &failing)
                .args(["-vvv", "-o", "json", "user", "me"]),
        )
        .code(1);
    let err = stderr(&out);
    assert!(has_trace_logs(&err), "{err}");
    assert!(err.contains("HTTP 500"), "{err}");

    // Token from a profile, given to `auth login` on stdin.
    let out = s
        .run(
            s.sandbox
                .dv()
                .args([
                    "-vvv",
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
    assert!(has_trace_logs(&stderr(&out)), "{}", stderr(&out));
    for args in [
        &["-vvv", "--profile", "work", "-o", "json", "user", "me"][..],
        &["-vvv", "--profile", "work", "user", "token", "show"][..],
        &["-vvv", "auth", "list"][..],
    ] {
        s.run(s.sandbox.dv().args(args)).success();
    }
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["-vvv", "--profile", "work", "dataset", "get", "999999"]),
        )
        .code(1);
    assert!(stderr(&out).contains("HTTP 404"), "{}", stderr(&out));
}

/// What `dv` controls about the token and the process list: every token-taking flag has
/// an environment variable (or stdin, for `auth login`) behind it whose value the help
/// never prints, and a command that took its token from there authenticates while its
/// process arguments hold no trace of it.
#[test]
fn the_token_never_needs_the_command_line_and_help_never_shows_it() {
    let s = TestServer::start_with(|c| c.latency = Duration::from_millis(1500));

    // Help with the variables set: the variable is named, its value never shown.
    for (var, args) in [
        ("DATAVERSE_API_TOKEN", &["--help"][..]),
        ("DATAVERSE_API_TOKEN", &["user", "me", "--help"][..]),
        ("DATAVERSE_API_TOKEN", &["dataset", "get", "--help"][..]),
        ("DATAVERSE_ADMIN_TOKEN", &["serve", "--help"][..]),
    ] {
        let out = s.run(s.dv().env(var, &s.admin_token).args(args)).success();
        let help = crate::common::stdout(&out);
        assert!(
            help.contains(&format!("[env: {var}]")),
            "{args:?}: the help names {var}:\n{help}"
        );
    }

    // A running command authenticated from the environment: its arguments are clean.
    #[cfg(target_os = "linux")]
    {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dv"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATAVERSE_CONFIG", s.sandbox.config_path())
            .env("DATAVERSE_LOCAL_DIR", s.sandbox.local_dir())
            .env("DATAVERSE_URL", &s.base_url)
            .env("DATAVERSE_API_TOKEN", &s.admin_token)
            .args(["-o", "json", "user", "me"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dv");
        // The server answers after 1.5 s: read the arguments while dv waits for it.
        std::thread::sleep(Duration::from_millis(400));
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id()))
            .expect("the cmdline of a running dv");
        let running = child.try_wait().expect("poll dv").is_none();
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read stdout");
        let status = child.wait().expect("wait for dv");
        let args = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(running, "dv was still waiting for the server when read");
        assert!(args.contains("user me"), "read the right process: {args}");
        assert!(
            !args.contains(&s.admin_token),
            "the token is in the process arguments: {args}"
        );
        assert!(status.success(), "dv user me failed");
        let me: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(me["identifier"], "@dataverseAdmin", "authenticated: {me}");
        assert!(!out.contains(&s.admin_token));
    }
}
