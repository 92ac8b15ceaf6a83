//! The embedded local Dataverse: `--url local`, and the default when nothing is configured.

use dataverse_emulator::{Config, Emulator};

use crate::common::{Sandbox, contains_uuid, json, one_error_line, stderr, stdout};

const ANNOUNCEMENT: &str = "embedded local Dataverse";

/// The local admin token, read from the store `dv` created.
fn local_token(sb: &Sandbox) -> String {
    let emulator = Emulator::open(Config::new(sb.local_dir())).expect("open the local store");
    emulator.admin_token().expect("admin token")
}

fn check_local_user_me(sb: &Sandbox, url_flag: bool) {
    assert!(!sb.local_dir().exists());
    let mut cmd = sb.dv();
    if url_flag {
        cmd.args(["--url", "local"]);
    }
    let out = sb.run(cmd.args(["-o", "json", "user", "me"])).success();
    let v = json(&out);
    assert_eq!(v["identifier"], "@dataverseAdmin");
    assert_eq!(v["superuser"], true);
    let err = stderr(&out);
    assert_eq!(err.matches(ANNOUNCEMENT).count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let dir = sb.local_dir().display().to_string();
    assert!(err.contains(&dir), "{err}");
    // Short: the directory and a few words.
    assert_eq!(
        err.trim_end(),
        format!("dv: embedded local Dataverse in {dir} (--url for a server)")
    );
    assert!(sb.local_dir().join("dataverse.sqlite3").is_file());
    let token = local_token(sb);
    assert!(!stdout(&out).contains(&token) && !err.contains(&token));
    assert!(!contains_uuid(&err));
    sb.secret(&token);
}

#[test]
fn url_local_uses_the_local_dir() {
    let sb = Sandbox::new();
    check_local_user_me(&sb, true);
    // Case-insensitive, and via the environment.
    sb.run(
        sb.dv()
            .env("DATAVERSE_URL", "LOCAL")
            .args(["-o", "json", "info", "version"]),
    )
    .success();
}

#[test]
fn default_without_configuration_is_local() {
    let sb = Sandbox::new();
    check_local_user_me(&sb, false);
    assert!(
        !sb.config_path().exists(),
        "reading never writes the config"
    );
}

#[test]
fn quiet_suppresses_the_announcement() {
    let sb = Sandbox::new();
    let out = sb
        .run(sb.dv().args(["-q", "-o", "json", "info", "version"]))
        .success()
        .stderr("");
    assert_eq!(json(&out)["version"], dataverse_emulator::DATAVERSE_VERSION);
    assert!(sb.local_dir().join("dataverse.sqlite3").is_file());
}

#[test]
fn local_state_persists_across_runs() {
    let sb = Sandbox::new();
    check_local_user_me(&sb, true);
    let before = local_token(&sb);
    // Recreating the token locally is allowed without --reveal (nothing to save) ...
    let out = sb
        .run(
            sb.dv()
                .args(["-q", "-o", "json", "user", "token", "recreate"]),
        )
        .success();
    let v = json(&out);
    assert_eq!(v["savedToProfile"], serde_json::Value::Null);
    let after = local_token(&sb);
    assert_ne!(before, after, "the store was updated");
    sb.secret(&after);
    // ... and later runs still act as dataverseAdmin with the new token.
    let out = sb
        .run(sb.dv().args(["-q", "-o", "json", "user", "me"]))
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");
}

#[test]
fn verbose_local_runs_never_print_the_token() {
    let sb = Sandbox::new();
    check_local_user_me(&sb, true);
    for flag in ["-v", "-vv"] {
        let out = sb
            .run(sb.dv().args([flag, "-o", "json", "user", "token", "show"]))
            .success();
        assert!(stdout(&out).contains("expires on"));
        assert!(!contains_uuid(&stdout(&out)));
    }
}

#[test]
fn verbose_shows_the_cli_s_own_debug_events() {
    let sb = Sandbox::new();
    check_local_user_me(&sb, true);
    for flag in ["-v", "-vv"] {
        let out = sb
            .run(sb.dv().args([flag, "-o", "json", "user", "me"]))
            .success();
        let err = stderr(&out);
        assert!(err.contains("installation: local"), "{flag}: {err}");
        // The local installation needs no token of the user (the admin's is read from it).
        assert!(err.contains("token set: false"), "{flag}: {err}");
        assert!(
            err.contains("embedded local Dataverse serving http://127.0.0.1:"),
            "{flag}: {err}"
        );
        assert!(!contains_uuid(&err), "{flag}: the token leaked: {err}");
    }
    // Without -v, the CLI's debug events stay quiet.
    let out = sb.run(sb.dv().args(["-o", "json", "user", "me"])).success();
    assert!(!stderr(&out).contains("installation:"), "{}", stderr(&out));
}

#[test]
fn local_errors_are_one_line() {
    let sb = Sandbox::new();
    let out = sb
        .run(sb.dv().args(["-q", "metadatablocks", "show", "nope"]))
        .code(1)
        .stdout("");
    assert!(one_error_line(&out).contains("Can't find metadata block"));
}

#[test]
fn an_empty_url_counts_as_unset() {
    let sb = Sandbox::new();
    let out = sb
        .run(
            sb.dv()
                .env("DATAVERSE_URL", "")
                .args(["-o", "json", "info", "version"]),
        )
        .success();
    assert_eq!(json(&out)["version"], dataverse_emulator::DATAVERSE_VERSION);
    assert!(stderr(&out).contains(ANNOUNCEMENT));
}
