//! Connection and configuration errors: exit code 2, one line, no token.

use crate::common::{Sandbox, one_error_line};

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
