//! `dv guestbook list|show|create|update|enable|disable|responses`, `dv dataset guestbook
//! set|remove|at-request`, and `--guestbook-response` on `dv file get-bytes`, `dv file download` and
//! `dv file access request`: a download refused in one line without an answer, served
//! with one, the answer listed (and as CSV: `dv collection guestbook-responses`).

use tempfile::TempDir;

use crate::common::{
    TestServer, finch_draft as dataset, json, ok, one_error_line, ps, stdout, write_file as write,
};

const GUESTBOOK: &str = r#"{"name": "Downloaders", "enabled": true, "nameRequired": true,
  "emailRequired": true, "institutionRequired": false, "positionRequired": false,
  "customQuestions": [{"question": "Purpose?", "required": true, "displayOrder": 0,
    "type": "options", "hidden": false, "optionValues": [
      {"value": "Research", "displayOrder": 0}, {"value": "Teaching", "displayOrder": 1}]}]}"#;

/// A published dataset with `a.txt`: (PID, file id).
fn published(s: &TestServer, dir: &TempDir) -> (String, String) {
    let pid = dataset(s);
    let a = write(dir.path(), "a.txt", b"alpha\n");
    let out = ok(s, &["file", "upload", &pid, ps(&a)]);
    let id = out["uploaded"][0]["id"].as_u64().unwrap().to_string();
    ok(s, &["dataset", "publish", &pid, "--wait"]);
    (pid, id)
}

#[test]
fn guestbooks_downloads_and_responses() {
    let s = TestServer::start();
    let dir = TempDir::new().unwrap();
    let (pid, file) = published(&s, &dir);
    let bob = s.create_user("bob");
    let spec = write(dir.path(), "gb.json", GUESTBOOK.as_bytes());

    // Create, show, list.
    let gb = ok(&s, &["guestbook", "create", ":root", ps(&spec)]);
    let id = gb["id"].as_u64().unwrap().to_string();
    let question = gb["customQuestions"][0]["id"].as_u64().unwrap();
    let out = s
        .run(s.dv().args(["-o", "table", "guestbook", "show", &id]))
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("Downloaders") && text.contains("name, email"),
        "{text}"
    );
    assert!(
        text.contains("Purpose? (options, required): Research | Teaching"),
        "{text}"
    );
    let list = ok(&s, &["guestbook", "list", ":root", "--stats"]);
    assert_eq!(list[0]["id"].as_u64().unwrap().to_string(), id);
    assert_eq!(list[0]["usageCount"], 0);
    let out = s
        .run(s.dv().args(["-o", "table", "guestbook", "list"]))
        .success();
    assert!(stdout(&out).contains("Downloaders"));
    let refused = s
        .run(s.dv_with_token(&bob).args(["guestbook", "list", ":root"]))
        .failure();
    assert!(one_error_line(&refused).contains("Not authorized"));

    // Update, disable, enable.
    let mut changed: serde_json::Value = serde_json::from_str(GUESTBOOK).unwrap();
    changed["name"] = "Visitors".into();
    let changed_path = write(dir.path(), "gb2.json", changed.to_string().as_bytes());
    let updated = ok(&s, &["guestbook", "update", &id, ps(&changed_path)]);
    assert_eq!(updated["name"], "Visitors");
    let question = updated["customQuestions"][0]["id"]
        .as_u64()
        .unwrap_or(question);
    let out = ok(&s, &["guestbook", "disable", ":root", &id]);
    assert_eq!(out["message"], format!("Guestbook {id} enabled=false"));
    s.run(s.dv().args(["guestbook", "enable", ":root", &id]))
        .success();

    // The dataset asks it: a download without an answer is one line saying so.
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "dataset", "guestbook", "set", &pid, &id]),
        )
        .success();
    assert_eq!(stdout(&out).trim(), format!("Guestbook {id} set"));
    let refused = s
        .run(s.dv_with_token(&bob).args(["file", "get-bytes", &file]))
        .failure();
    let line = one_error_line(&refused);
    assert!(
        line.starts_with("dv: a guestbook answer is needed: pass --guestbook-response FILE.json"),
        "{line}"
    );
    assert!(line.contains(&format!("guestbookID {id}")), "{line}");

    // With an answer (the wrapped body or the inner object): served.
    let answer = serde_json::json!({"guestbookResponse": {"name": "Bob", "answers": [
        {"id": question, "value": "Teaching"}]}});
    let answer_path = write(dir.path(), "answer.json", answer.to_string().as_bytes());
    let out = s
        .run(s.dv_with_token(&bob).args([
            "file",
            "get-bytes",
            &file,
            "--guestbook-response",
            ps(&answer_path),
        ]))
        .success();
    assert_eq!(stdout(&out), "alpha\n");
    let inner = write(
        dir.path(),
        "inner.json",
        answer["guestbookResponse"].to_string().as_bytes(),
    );
    let dest = dir.path().join("got.txt");
    s.run(s.dv_with_token(&bob).args([
        "file",
        "download",
        &file,
        "-O",
        ps(&dest),
        "--guestbook-response",
        ps(&inner),
    ]))
    .success();
    assert_eq!(std::fs::read(&dest).unwrap(), b"alpha\n");
    let zip = dir.path().join("all.zip");
    s.run(s.dv_with_token(&bob).args([
        "file",
        "download",
        "--dataset",
        &pid,
        "--zip",
        "-O",
        ps(&zip),
        "--guestbook-response",
        ps(&inner),
    ]))
    .success();
    assert_eq!(&std::fs::read(&zip).unwrap()[..2], b"PK");
    let bad_answer = write(
        dir.path(),
        "bad.json",
        br#"{"answers": [{"id": 1, "value": 3}]"#,
    );
    let refused = s
        .run(s.dv_with_token(&bob).args([
            "file",
            "get-bytes",
            &file,
            "--guestbook-response",
            ps(&bad_answer),
        ]))
        .failure();
    assert!(one_error_line(&refused).contains("not valid JSON"));

    // The answers, listed.
    let page = ok(&s, &["guestbook", "responses", &id]);
    let responses = page["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 3);
    assert!(responses.iter().all(|r| r["name"] == "Bob"
        && r["email"] == "bob@example.edu"
        && r["customQuestions"][0]["response"] == "Teaching"));
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "guestbook", "responses", &id, "--limit", "2"]),
        )
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("Purpose?: Teaching") && text.contains("3 response(s) in all"),
        "{text}"
    );

    // The collection's responses as Dataverse's CSV: to stdout, or to a file written whole.
    let out = s
        .run(s.dv().args(["collection", "guestbook-responses", ":root"]))
        .success();
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Guestbook, Dataset, Dataset PID, Date, Type, File Name, File Id, File PID, User Name, Email, Institution, Position, Custom Questions"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3, "{csv}");
    // Institution and position default to the account's (affiliation X, position Y).
    let tail = format!(",Download,a.txt,{file},N/A,Bob,bob@example.edu,X,Y,Purpose?,Teaching");
    for row in &rows {
        assert!(
            row.starts_with(&format!("Visitors,Darwin's Finches,{pid},")) && row.ends_with(&tail),
            "{row}"
        );
    }
    let saved = dir.path().join("responses.csv");
    s.run(s.dv().args([
        "collection",
        "guestbook-responses",
        ":root",
        "--guestbook-id",
        &id,
        "-O",
        ps(&saved),
    ]))
    .success();
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), csv);
    let out = s
        .run(s.dv().args([
            "collection",
            "guestbook-responses",
            ":root",
            "--guestbook-id",
            "4242",
        ]))
        .success();
    assert_eq!(stdout(&out).lines().count(), 1);
    let refused = s
        .run(
            s.dv_with_token(&bob)
                .args(["collection", "guestbook-responses", ":root"]),
        )
        .failure();
    assert!(one_error_line(&refused).contains("Not authorized"));
    let refused = s
        .run(s.dv().args(["collection", "guestbook-responses", "nope"]))
        .failure();
    assert!(one_error_line(&refused).contains("Can't find dataverse with identifier='nope'"));

    // Remove: plain downloads again.
    let out = ok(&s, &["dataset", "guestbook", "remove", &pid]);
    assert_eq!(out["message"], format!("Guestbook removed {id}"));
    let out = s
        .run(s.dv_with_token(&bob).args(["file", "get-bytes", &file]))
        .success();
    assert_eq!(stdout(&out), "alpha\n");
}

#[test]
fn access_request_with_a_guestbook_answer() {
    let s = TestServer::start_with(|c| c.guestbook_at_request = Some(true));
    let dir = TempDir::new().unwrap();
    let pid = dataset(&s);
    let secret = write(dir.path(), "secret.txt", b"hush\n");
    let out = ok(&s, &["file", "upload", &pid, ps(&secret)]);
    let file = out["uploaded"][0]["id"].as_u64().unwrap().to_string();
    ok(&s, &["file", "restrict", &file]);
    ok(&s, &["dataset", "publish", &pid, "--wait"]);
    let spec = write(dir.path(), "gb.json", GUESTBOOK.as_bytes());
    let gb = ok(&s, &["guestbook", "create", ":root", ps(&spec)]);
    let id = gb["id"].as_u64().unwrap().to_string();
    let question = gb["customQuestions"][0]["id"].as_u64().unwrap();
    ok(&s, &["dataset", "guestbook", "set", &pid, &id]);
    let bob = s.create_user("bob");

    // The installation answers guestbooks at request time: a plain request is refused.
    let refused = s
        .run(
            s.dv_with_token(&bob)
                .args(["file", "access", "request", &file]),
        )
        .failure();
    let line = one_error_line(&refused);
    assert!(
        line.starts_with("dv: a guestbook answer is needed"),
        "{line}"
    );
    let answer = serde_json::json!({"answers": [{"id": question, "value": "Research"}]});
    let answer_path = write(dir.path(), "answer.json", answer.to_string().as_bytes());
    let out = s
        .run(s.dv_with_token(&bob).args([
            "file",
            "access",
            "request",
            &file,
            "--guestbook-response",
            ps(&answer_path),
        ]))
        .success();
    assert!(stdout(&out).contains("Access to File secret.txt requested."));
    let page = json(
        &s.run(s.dv().args(["-o", "json", "guestbook", "responses", &id]))
            .success(),
    );
    assert_eq!(page["responses"][0]["type"], "AccessRequest");
    assert_eq!(page["responses"][0]["name"], "Uma User");

    // When the guestbook is answered: the installation's default, then the dataset's own
    // choice (superusers), then the default again.
    let choice = ok(&s, &["dataset", "guestbook", "at-request", &pid]);
    assert_eq!(
        choice,
        serde_json::json!({"at_request": true, "set_on_dataset": false})
    );
    let set = ["dataset", "guestbook", "at-request", &pid, "--set", "false"];
    let refused = s.run(s.dv_with_token(&bob).args(set)).failure();
    assert!(one_error_line(&refused).contains("Superusers only."));
    let out = s.run(s.dv().args(set)).success();
    assert!(stdout(&out).contains("Guestbook Entry At Request set to: false"));
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "dataset", "guestbook", "at-request", &pid]),
        )
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("false") && text.contains("the dataset"),
        "{text}"
    );
    let out = s
        .run(
            s.dv()
                .args(["dataset", "guestbook", "at-request", &pid, "--reset"]),
        )
        .success();
    assert!(stdout(&out).contains("reset to default: true"));
    s.run(s.dv().args([
        "dataset",
        "guestbook",
        "at-request",
        &pid,
        "--set",
        "true",
        "--reset",
    ]))
    .code(2);
}
