//! `dv -v` against an embedded Dataverse that injects faults: each retry shows on stderr,
//! and the give-up names the request and the last error.

// The shared helpers serve the `cli` test binary too; this one uses only the server.
#[allow(dead_code)]
#[path = "common/mod.rs"]
mod common;

use common::TestServer;
use dataverse_emulator::FaultSpec;

fn faulty(spec: &str) -> TestServer {
    let spec: FaultSpec = spec.parse().expect("fault spec");
    TestServer::start_with(move |c| c.faults = Some(spec))
}

#[test]
fn each_retry_is_shown_with_v_and_the_give_up_names_the_request() {
    // Every request refused with 429 and Retry-After: 0, so the retries do not wait.
    let server = faulty("rate=1,seed=1,kinds=429,retry_after=0");
    let out = server
        .run(server.dv().args(["-v", "info", "version"]))
        .failure()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let retries: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("request failed, retrying"))
        .collect();
    assert_eq!(
        retries.len(),
        5,
        "one line per retry (6 attempts):\n{stderr}"
    );
    for (i, line) in retries.iter().enumerate() {
        assert!(line.contains(&format!("attempt={}", i + 1)), "{line}");
        assert!(line.contains("method=GET"), "{line}");
        assert!(line.contains("/api/info/version"), "{line}");
        assert!(
            line.contains("Too many requests"),
            "the error of that attempt: {line}"
        );
    }
    let give_up = stderr
        .lines()
        .find(|l| l.contains("giving up"))
        .unwrap_or_else(|| panic!("no give-up line:\n{stderr}"));
    assert!(
        give_up.contains("method=GET")
            && give_up.contains("/api/info/version")
            && give_up.contains("attempts=6")
            && give_up.contains("Too many requests"),
        "{give_up}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("dv: ")
            && last.contains("GET")
            && last.contains("/api/info/version")
            && last.contains("429"),
        "the final line names the request and the last error: {last}"
    );
}

#[test]
fn a_retried_request_that_then_succeeds_shows_its_retry_and_the_right_answer() {
    // A seed whose first /api request fails (503 before its effect) and the next few pass.
    let seed = (0..10_000u64)
        .find(|s| {
            let spec: FaultSpec = format!("rate=0.5,seed={s},kinds=503").parse().unwrap();
            spec.decide(0).is_some() && (1..4).all(|n| spec.decide(n).is_none())
        })
        .expect("such a seed");
    let server = faulty(&format!("rate=0.5,seed={seed},kinds=503"));
    let out = server
        .run(server.dv().args(["-v", "info", "version"]))
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let retries = stderr
        .lines()
        .filter(|l| l.contains("request failed, retrying"))
        .count();
    assert_eq!(retries, 1, "{stderr}");
    assert!(stderr.contains("temporarily unavailable"), "{stderr}");
    assert!(!stderr.contains("giving up"), "{stderr}");
    assert!(stdout.contains("6.11"), "{stdout}");

    // Without -v the retry is silent and the answer the same.
    let quiet = faulty(&format!("rate=0.5,seed={seed},kinds=503"));
    let out = quiet
        .run(quiet.dv().args(["info", "version"]))
        .success()
        .get_output()
        .clone();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("retrying"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_retry_that_waits_over_a_second_is_announced_unless_quiet() {
    // A seed whose first /api request is refused with 429 and `Retry-After: 2`, and the
    // next few pass.
    let spec = |seed: u64| format!("rate=0.5,seed={seed},kinds=429,retry_after=2");
    let seed = (0..10_000u64)
        .find(|s| {
            let spec: FaultSpec = spec(*s).parse().unwrap();
            spec.decide(0).is_some() && (1..4).all(|n| spec.decide(n).is_none())
        })
        .expect("such a seed");
    let server = faulty(&spec(seed));
    let out = server
        .run(server.dv().args(["-o", "json", "info", "version"]))
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "dv: GET {}/api/info/version failed (HTTP 429), retrying in 2.0 s (attempt 2 of 6)",
            server.base_url
        ),
        "one notice line"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("6.11"));

    // Not under -q.
    let quiet = faulty(&spec(seed));
    let out = quiet
        .run(quiet.dv().args(["-q", "-o", "json", "info", "version"]))
        .success()
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn serve_help_documents_faults() {
    let sandbox = common::Sandbox::new();
    let out = sandbox
        .run(sandbox.dv().args(["serve", "--help"]))
        .success()
        .get_output()
        .clone();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--faults <SPEC>"), "{help}");
    assert!(
        help.contains("kinds=503+500+429+reset+truncate+slow"),
        "{help}"
    );
}

#[test]
fn serve_refuses_a_bad_fault_spec() {
    let sandbox = common::Sandbox::new();
    let out = sandbox
        .run(
            sandbox
                .dv()
                .args(["serve", "--addr", "127.0.0.1:0", "--faults", "rate=2"]),
        )
        .failure()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'rate' must be a number from 0 to 1"),
        "{stderr}"
    );
}

#[test]
fn dv_serve_with_faults_injects_them() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let data = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dv"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .args(["--faults", "rate=1,seed=4,kinds=503"])
        .env_remove("DATAVERSE_ADMIN_TOKEN")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dv serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut url = None;
    let mut faults_line = None;
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        if let Some(u) = line.trim().strip_prefix("URL:") {
            url = Some(u.trim().to_string());
        }
        if line.trim().starts_with("faults:") {
            faults_line = Some(line.clone());
        }
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let url = url.expect("dv serve printed its URL");
    let addr: std::net::SocketAddr = url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .expect("a socket address");
    let (status, body) = common::http_get(addr, "/api/info/version");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "ERROR");
    assert!(
        faults_line.is_some_and(|l| l.contains("rate=1") && l.contains("kinds=503")),
        "dv serve names its faults"
    );
}
