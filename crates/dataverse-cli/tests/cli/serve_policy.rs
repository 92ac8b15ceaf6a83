//! `dv serve`'s admin API options: `--blocked-api-policy`, `--blocked-api-key`,
//! `--blocked-api-endpoints` and `--admin-password`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::Stdio;

use predicates::prelude::*;

use crate::common::{Sandbox, http_get, http_raw};

const KEY: &str = "unblock-me-7f3a";
const PASSWORD: &str = "s3cret-pw-91";

#[test]
fn serve_applies_the_admin_api_policy_and_password() {
    let sb = Sandbox::new();
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(["--blocked-api-policy", "unblock-key"])
        .args(["--blocked-api-endpoints", "admin,builtin-users,info/server"])
        .args(["--admin-password", PASSWORD])
        .arg("--data")
        .arg(data.path())
        .env_remove("DATAVERSE_URL")
        .env_remove("DATAVERSE_API_TOKEN")
        .env_remove("DATAVERSE_PROFILE")
        .env_remove("DV_LOG")
        .env("DATAVERSE_BLOCKED_API_KEY", KEY)
        .env("DATAVERSE_CONFIG", sb.config_path())
        .env("DATAVERSE_LOCAL_DIR", sb.local_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dv serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("stderr line");
        let done = line.contains("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let text = banner.join("\n");
        assert!(text.contains("admin API:  unblock-key"), "{text}");
        assert!(!text.contains(KEY) && !text.contains(PASSWORD), "{text}");
        let url = banner
            .iter()
            .find_map(|l| l.trim().strip_prefix("URL:"))
            .expect("dv serve printed its URL")
            .trim()
            .to_string();
        let addr: SocketAddr = url
            .strip_prefix("http://")
            .expect("http URL")
            .parse()
            .expect("addr");

        // Even a loopback client needs the key under this policy.
        let (status, v) = http_get(addr, "/api/admin/settings");
        assert_eq!(status, 503, "{v}");
        assert_eq!(v["message"], "Endpoint requires an unblock key for access.");
        let (status, _) = http_get(addr, "/api/info/server");
        assert_eq!(status, 503, "listed with --blocked-api-endpoints");
        let (status, _) = http_get(addr, "/api/info/version");
        assert_eq!(status, 200);
        let (status, _) = http_get(addr, &format!("/api/info/server?unblock-key={KEY}"));
        assert_eq!(status, 200);

        // The password given is dataverseAdmin's.
        let (status, _) = http_raw(
            addr,
            "PUT",
            &format!("/api/admin/settings/:AllowApiTokenLookupViaApi?unblock-key={KEY}"),
            Some(b"true"),
        );
        assert_eq!(status, 200);
        let lookup = |password: &str| {
            http_get(
                addr,
                &format!(
                    "/api/builtin-users/dataverseAdmin/api-token?password={password}&unblock-key={KEY}"
                ),
            )
        };
        assert_eq!(lookup("admin").0, 400);
        let (status, v) = lookup(PASSWORD);
        assert_eq!(status, 200, "{v}");
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn bad_policy_options_are_usage_errors() {
    let sb = Sandbox::new();
    sb.run(sb.dv().args(["serve", "--blocked-api-policy", "allow"]))
        .code(2)
        .stderr(predicate::str::contains("allow"));
    sb.run(sb.dv().env_remove("DATAVERSE_BLOCKED_API_KEY").args([
        "serve",
        "--blocked-api-policy",
        "unblock-key",
    ]))
    .code(2)
    .stderr(predicate::str::contains("--blocked-api-key"));
}
