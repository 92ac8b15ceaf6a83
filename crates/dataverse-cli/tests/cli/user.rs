//! `dv user ...` and the token's life cycle.

use crate::common::{TestServer, contains_uuid, json, one_error_line, stdout};

#[test]
fn me_is_the_superuser() {
    let s = TestServer::start();
    let out = s.run(s.dv().args(["-o", "json", "user", "me"])).success();
    let v = json(&out);
    assert_eq!(v["identifier"], "@dataverseAdmin");
    assert_eq!(v["superuser"], true);

    let out = s.run(s.dv().args(["-o", "table", "user", "me"])).success();
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.contains("superuser"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("yes"), "{row}");
    assert!(text.contains("@dataverseAdmin"), "{text}");
}

#[test]
fn token_show_never_prints_the_token() {
    let s = TestServer::start();
    for format in ["json", "table"] {
        let out = s
            .run(s.dv().args(["-o", format, "user", "token", "show"]))
            .success();
        let text = stdout(&out);
        assert!(text.contains("expires on"), "{text}");
        assert!(!contains_uuid(&text), "{text}");
    }
    let out = s
        .run(s.dv().args(["-o", "json", "user", "token", "show"]))
        .success();
    let v = json(&out);
    let message = v["message"].as_str().expect("message");
    assert!(message.contains("expires on"), "{v}");
}

#[test]
fn token_recreate_reveal_prints_a_working_new_token() {
    let s = TestServer::start();
    let old = s.admin_token.clone();
    let out = s
        .run(s.dv().args(["user", "token", "recreate", "--reveal"]))
        .success();
    let new = stdout(&out).trim().to_string();
    assert_eq!(stdout(&out).lines().count(), 1, "only the token on stdout");
    assert!(!new.is_empty());
    assert_ne!(new, old);
    s.sandbox.secret(&new);
    assert_eq!(s.emulator.admin_token().expect("token"), new);

    let out = s
        .run(s.dv_with_token(&new).args(["-o", "json", "user", "me"]))
        .success();
    assert_eq!(json(&out)["identifier"], "@dataverseAdmin");

    let out = s
        .run(s.dv_with_token(&old).args(["-o", "json", "user", "me"]))
        .code(1)
        .stdout("");
    assert!(one_error_line(&out).contains("Bad API key"));
}

#[test]
fn token_recreate_without_a_profile_is_refused_before_any_request() {
    let s = TestServer::start();
    for format in ["json", "table"] {
        let out = s
            .run(s.dv().args(["-o", format, "user", "token", "recreate"]))
            .code(2)
            .stdout("");
        let line = one_error_line(&out);
        assert!(line.contains("--reveal"), "{line}");
    }
    assert_eq!(s.emulator.admin_token().expect("token"), s.admin_token);
    s.run(s.dv().args(["-o", "json", "user", "me"])).success();
}

#[test]
fn token_delete_stops_the_token() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["-o", "json", "user", "token", "delete"]))
        .success();
    let v = json(&out);
    assert!(
        v["message"].as_str().is_some_and(|m| m.contains("deleted")),
        "{v}"
    );
    let out = s
        .run(s.dv().args(["-o", "json", "user", "me"]))
        .code(1)
        .stdout("");
    assert!(one_error_line(&out).contains("Bad API key"));
}

#[test]
fn bad_token_is_one_line_without_a_backtrace() {
    let s = TestServer::start();
    for extra in [&[][..], &["-v"][..]] {
        let out = s
            .run(
                s.dv_with_token("not-a-token")
                    .args(extra)
                    .args(["-o", "json", "user", "me"]),
            )
            .code(1)
            .stdout("");
        if extra.is_empty() {
            let line = one_error_line(&out);
            assert!(line.contains("Bad API key"), "{line}");
        }
    }
}

#[test]
fn anonymous_user_me_fails_cleanly() {
    let s = TestServer::start();
    let out = s
        .run(s.dv_anonymous().args(["-o", "json", "user", "me"]))
        .code(1)
        .stdout("");
    one_error_line(&out);
}

#[test]
fn verbose_runs_never_print_the_token() {
    let s = TestServer::start();
    for flag in ["-v", "-vv"] {
        let out = s
            .run(s.dv().args([flag, "-o", "json", "user", "token", "show"]))
            .success();
        assert!(stdout(&out).contains("expires on"));
        s.run(s.dv().args([flag, "-o", "json", "user", "me"]))
            .success();
        s.run(s.dv().args([flag, "-o", "json", "licenses", "show", "MIT"]))
            .code(1);
    }
    // A recreated token revealed under -vv appears once, on stdout only.
    let out = s
        .run(
            s.dv()
                .args(["-vv", "user", "token", "recreate", "--reveal"]),
        )
        .success();
    let new = stdout(&out).trim().to_string();
    assert!(!crate::common::stderr(&out).contains(&new));
    s.sandbox.secret(&new);
    s.run(
        s.dv_with_token(&new)
            .args(["-vv", "-o", "json", "user", "me"]),
    )
    .success();
}
