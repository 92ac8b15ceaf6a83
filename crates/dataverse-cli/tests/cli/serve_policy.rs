//! `dv serve`'s options for the installation's policies: the admin API
//! (`--blocked-api-policy`, `--blocked-api-key`, `--blocked-api-endpoints`,
//! `--admin-password`) and `--guestbook-at-request`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Stdio};

use predicates::prelude::*;

use crate::common::{Sandbox, http_get, http_raw};

const KEY: &str = "unblock-me-7f3a";
const PASSWORD: &str = "s3cret-pw-91";

/// Start `dv serve` on a free port with `args` (and the unblock key in the environment);
/// the child, its banner lines and its address.
fn serve(sb: &Sandbox, data: &Path, args: &[&str]) -> (Child, Vec<String>, SocketAddr) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .arg("--data")
        .arg(data)
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
    // Keep reading what the server writes later, so that its stderr stays open.
    std::thread::spawn(move || lines.for_each(drop));
    let addr = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("URL:"))
        .and_then(|url| url.trim().strip_prefix("http://"))
        .and_then(|a| a.parse().ok());
    let Some(addr) = addr else {
        let _ = child.kill();
        panic!("dv serve printed no URL: {banner:?}");
    };
    (child, banner, addr)
}

#[test]
fn serve_applies_the_admin_api_policy_and_password() {
    let sb = Sandbox::new();
    let data = tempfile::tempdir().expect("temp dir");
    let (mut child, banner, addr) = serve(
        &sb,
        data.path(),
        &[
            "--blocked-api-policy",
            "unblock-key",
            "--blocked-api-endpoints",
            "admin,builtin-users,info/server",
            "--admin-password",
            PASSWORD,
        ],
    );
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let text = banner.join("\n");
        assert!(text.contains("admin API:  unblock-key"), "{text}");
        assert!(!text.contains(KEY) && !text.contains(PASSWORD), "{text}");

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
fn serve_sets_guestbook_at_request() {
    let sb = Sandbox::new();
    // Without the setting, a dataset uses `false`; with it, the value given.
    for (args, default) in [
        (&[][..], "false"),
        (&["--guestbook-at-request", "true"][..], "true"),
        (&["--guestbook-at-request", "false"][..], "false"),
    ] {
        let data = tempfile::tempdir().expect("temp dir");
        let mut args = args.to_vec();
        args.extend(["--generate", "collections=1,datasets=1,depth=1,seed=3"]);
        let (mut child, _, addr) = serve(&sb, data.path(), &args);
        let result = std::panic::catch_unwind(|| {
            let (status, v) = http_get(addr, "/api/search?q=*&type=dataset");
            assert_eq!(status, 200, "{v}");
            let pid = v["data"]["items"][0]["global_id"]
                .as_str()
                .expect("a generated dataset")
                .to_string();
            let (status, v) = http_get(
                addr,
                &format!("/api/datasets/:persistentId/guestbookEntryAtRequest?persistentId={pid}"),
            );
            assert_eq!(status, 200, "{v}");
            assert_eq!(
                v["data"]["message"],
                format!("Not set on dataset, using the default: {default}"),
                "{args:?}"
            );
        });
        let _ = child.kill();
        let _ = child.wait();
        if let Err(panic) = result {
            std::panic::resume_unwind(panic);
        }
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
    sb.run(sb.dv().args(["serve", "--guestbook-at-request", "maybe"]))
        .code(2)
        .stderr(predicate::str::contains("maybe"));
}
