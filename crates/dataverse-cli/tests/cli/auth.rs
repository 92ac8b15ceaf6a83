//! Profiles: `dv auth login|list|logout` and `--profile`.

use crate::common::{TestServer, json, one_error_line, stderr};

fn login(s: &TestServer, name: &str, token: &str) -> assert_cmd::assert::Assert {
    s.run(
        s.sandbox
            .dv()
            .args(["auth", "login", "--name", name, "--url", &s.base_url])
            .write_stdin(format!("{token}\n")),
    )
}

fn config_text(s: &TestServer) -> String {
    std::fs::read_to_string(s.sandbox.config_path()).expect("config file")
}

#[test]
fn profile_life_cycle() {
    let s = TestServer::start();
    let out = login(&s, "work", &s.admin_token).success().stdout("");
    assert!(stderr(&out).contains("@dataverseAdmin"), "{}", stderr(&out));

    let path = s.sandbox.config_path();
    assert!(path.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let text = config_text(&s);
    assert!(text.contains(&s.base_url), "{text}");
    assert!(text.contains("work"), "{text}");

    for format in ["json", "table"] {
        s.run(s.sandbox.dv().args(["-o", format, "auth", "list"]))
            .success();
    }
    let out = s
        .run(s.sandbox.dv().args(["-o", "json", "auth", "list"]))
        .success();
    let v = json(&out);
    let list = v.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{v}");
    assert_eq!(list[0]["name"], "work");
    assert_eq!(list[0]["url"], s.base_url.as_str());
    assert_eq!(list[0]["tokenSet"], true);
    assert_eq!(
        list[0]["default"], true,
        "the first profile becomes the default"
    );

    // The profile works without DATAVERSE_URL / DATAVERSE_API_TOKEN.
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["--profile", "work", "-o", "json", "user", "me"]),
        )
        .success()
        .stderr("");
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
    // ... and it is the default, so no --profile is needed either.
    let out = s
        .run(s.sandbox.dv().args(["-o", "json", "user", "me"]))
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");

    // Recreating the token updates the profile.
    let out = s
        .run(s.sandbox.dv().args([
            "--profile",
            "work",
            "-o",
            "json",
            "user",
            "token",
            "recreate",
        ]))
        .success();
    let v = json(&out);
    assert_eq!(v["savedToProfile"], "work");
    let new = s.emulator.admin_token().expect("token");
    assert_ne!(new, s.admin_token);
    s.sandbox.secret(&new);
    let text = config_text(&s);
    assert!(text.contains(&new), "the new token is stored");
    assert!(!text.contains(&s.admin_token), "the old token is gone");
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["--profile", "work", "-o", "json", "user", "me"]),
        )
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
    // The old token no longer works.
    s.run(s.dv().args(["-o", "json", "user", "me"])).code(1);

    // Logout removes it.
    s.run(s.sandbox.dv().args(["auth", "logout", "--name", "work"]))
        .success();
    let out = s
        .run(s.sandbox.dv().args(["-o", "json", "auth", "list"]))
        .success();
    assert_eq!(json(&out), serde_json::json!([]));
    assert!(!config_text(&s).contains(&new));
    let out = s
        .run(s.sandbox.dv().args(["--profile", "work", "user", "me"]))
        .code(2)
        .stdout("");
    one_error_line(&out);
    let out = s
        .run(s.sandbox.dv().args(["auth", "logout", "--name", "work"]))
        .code(2);
    one_error_line(&out);
}

#[test]
fn login_with_a_bad_token_saves_nothing() {
    let s = TestServer::start();
    let out = login(&s, "work", "not-a-valid-token").code(1).stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("Bad API key"), "{line}");
    assert!(!line.contains("not-a-valid-token"), "{line}");
    assert!(!s.sandbox.config_path().exists());
    let out = s
        .run(s.sandbox.dv().args(["-o", "json", "auth", "list"]))
        .success();
    assert_eq!(json(&out), serde_json::json!([]));
}

#[test]
fn login_without_a_token_is_a_usage_error() {
    let s = TestServer::start();
    let out = login(&s, "work", "").code(2).stdout("");
    one_error_line(&out);
    assert!(!s.sandbox.config_path().exists());
}

/// A URL without a scheme is refused before the token is read, even with --no-verify,
/// and nothing is saved.
#[test]
fn login_refuses_a_url_without_a_scheme() {
    let s = TestServer::start();
    for extra in [&[][..], &["--no-verify"][..]] {
        let out = s
            .run(
                s.sandbox
                    .dv()
                    .args([
                        "auth",
                        "login",
                        "--name",
                        "work",
                        "--url",
                        "dataverse.example.edu",
                    ])
                    .args(extra)
                    .write_stdin(format!("{}\n", s.admin_token)),
            )
            .code(2)
            .stdout("");
        let line = one_error_line(&out);
        assert!(
            line.contains("did you mean https://dataverse.example.edu?"),
            "{extra:?}: {line}"
        );
        assert!(
            !s.sandbox.config_path().exists(),
            "{extra:?}: nothing saved"
        );
    }
}

#[test]
fn login_needs_a_url() {
    let s = TestServer::start();
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["auth", "login", "--name", "work"])
                .write_stdin(format!("{}\n", s.admin_token)),
        )
        .code(2)
        .stdout("");
    assert!(one_error_line(&out).contains("--url"));
    assert!(!s.sandbox.config_path().exists());
}

#[test]
fn second_profile_and_set_default() {
    let s = TestServer::start();
    login(&s, "work", &s.admin_token).success();
    s.run(
        s.sandbox
            .dv()
            .args([
                "auth",
                "login",
                "--name",
                "home",
                "--url",
                &s.base_url,
                "--set-default",
            ])
            .env("DATAVERSE_API_TOKEN", &s.admin_token),
    )
    .success();
    let out = s
        .run(s.sandbox.dv().args(["-o", "json", "auth", "list"]))
        .success();
    let v = json(&out);
    let defaults: Vec<&str> = v
        .as_array()
        .expect("list")
        .iter()
        .filter(|p| p["default"] == true)
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(defaults, ["home"]);
    // DATAVERSE_PROFILE selects a profile too.
    let out = s
        .run(
            s.sandbox
                .dv()
                .env("DATAVERSE_PROFILE", "work")
                .args(["-o", "json", "user", "me"]),
        )
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
}

#[test]
fn a_url_and_a_profile_together_are_a_usage_error() {
    let s = TestServer::start();
    login(&s, "work", &s.admin_token).success();
    let out = s
        .run(
            s.sandbox
                .dv()
                .args(["--profile", "work", "--url", &s.base_url, "user", "me"]),
        )
        .code(2);
    assert!(one_error_line(&out).contains("use one"), "{}", stderr(&out));
}

#[test]
fn an_overriding_token_is_never_saved_into_the_profile() {
    let s = TestServer::start();
    login(&s, "work", &s.admin_token).success();
    let before = config_text(&s);
    // The profile's URL with a token from the environment: `recreate` must not write the
    // override's new token into the profile, so without --reveal it refuses up front.
    let out = s
        .run(
            s.sandbox
                .dv()
                .env("DATAVERSE_API_TOKEN", &s.admin_token)
                .args(["--profile", "work", "user", "token", "recreate"]),
        )
        .code(2);
    assert!(
        one_error_line(&out).contains("--reveal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(config_text(&s), before);
    s.run(s.sandbox.dv().args(["--profile", "work", "user", "me"]))
        .success();
}
