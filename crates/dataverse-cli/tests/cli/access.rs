//! `dv file get-bytes`, `dv file download --format original|tab|bundle`,
//! `dv file access request|allow|list|grant|reject|revoke` with a second user,
//! `dv file download-count`, `dv file tables` and `dv dataset download-size`, in JSON and as text.

use tempfile::TempDir;

use crate::common::{
    TestServer, finch_draft as dataset, json, ok, one_error_line, ps, stdout, write_file as write,
};

const CSV: &str = "name,value\nalpha,1\nbeta,2\n";
const TAB: &str = "name\tvalue\nalpha\t1\nbeta\t2\n";

/// A published dataset with an ingested `t.csv` and a restricted `secret.txt`:
/// (PID, table id, secret id).
fn published(s: &TestServer, dir: &TempDir) -> (String, String, String) {
    let pid = dataset(s);
    let csv = write(dir.path(), "t.csv", CSV.as_bytes());
    let secret = write(dir.path(), "secret.txt", b"hush\n");
    let id = |out: serde_json::Value| out["uploaded"][0]["id"].as_u64().unwrap().to_string();
    let table = id(ok(s, &["file", "upload", &pid, ps(&csv)]));
    let hidden = id(ok(s, &["file", "upload", &pid, ps(&secret)]));
    ok(s, &["file", "restrict", &hidden]);
    let start = std::time::Instant::now();
    while !ok(s, &["dataset", "locks", &pid])
        .as_array()
        .is_some_and(Vec::is_empty)
    {
        assert!(start.elapsed().as_secs() < 30, "still locked");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // --wait: a dataset with files finishes publishing in the background, and a download
    // of a file not yet released is not counted.
    ok(s, &["dataset", "publish", &pid, "--wait"]);
    (pid, table, hidden)
}

#[test]
fn bytes_formats_bundle_counts_and_sizes() {
    let s = TestServer::start();
    let dir = TempDir::new().unwrap();
    let (pid, table, _) = published(&s, &dir);

    // get-bytes to stdout: the ingested form, without its header, the original, a range.
    let out = s.run(s.dv().args(["file", "get-bytes", &table])).success();
    assert_eq!(stdout(&out), TAB);
    let out = s
        .run(
            s.dv()
                .args(["file", "get-bytes", &table, "--no-var-header"]),
        )
        .success();
    assert_eq!(stdout(&out), "alpha\t1\nbeta\t2\n");
    let out = s
        .run(s.dv().args([
            "file",
            "get-bytes",
            &table,
            "--format",
            "original",
            "--no-count",
        ]))
        .success();
    assert_eq!(stdout(&out), CSV);
    let out = s
        .run(
            s.dv()
                .args(["file", "get-bytes", &table, "--range", "5-9", "--no-count"]),
        )
        .success();
    assert_eq!(stdout(&out), &TAB[5..10]);
    let bad = s
        .run(
            s.dv()
                .args(["file", "get-bytes", &table, "--format", "RData"]),
        )
        .failure();
    let line = one_error_line(&bad);
    assert!(line.contains("requested optional service"), "{line}");
    let bad = s
        .run(s.dv().args(["file", "get-bytes", &table, "--range", "9-2"]))
        .failure();
    assert!(one_error_line(&bad).contains("--range 9-2"));

    // Counted: the two reads without --no-count.
    let count = ok(&s, &["file", "download-count", &table]);
    assert_eq!(count["downloadCount"], 2, "{count}");
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "file", "download-count", &table]),
        )
        .success();
    assert_eq!(stdout(&out).trim(), "2");

    // download --format original|tab|bundle.
    let got = dir.path().join("got");
    std::fs::create_dir_all(&got).unwrap();
    ok(
        &s,
        &[
            "file",
            "download",
            &table,
            "--format",
            "original",
            "-O",
            ps(&got),
        ],
    );
    assert_eq!(std::fs::read_to_string(got.join("t.csv")).unwrap(), CSV);
    ok(
        &s,
        &[
            "file",
            "download",
            &table,
            "--format",
            "tab",
            "-O",
            ps(&got),
        ],
    );
    assert_eq!(std::fs::read_to_string(got.join("t.tab")).unwrap(), TAB);
    let saved = ok(
        &s,
        &[
            "file",
            "download",
            &table,
            "--format",
            "bundle",
            "-O",
            ps(&got),
        ],
    );
    assert_eq!(saved[0]["path"], ps(&got.join("t-bundle.zip")), "{saved}");
    let zip = std::fs::read(got.join("t-bundle.zip")).unwrap();
    let text = String::from_utf8_lossy(&zip);
    let order: Vec<usize> = [
        "t.tab",
        "t.csv",
        "t-ddi.xml",
        "tcitation-endnote.xml",
        "tcitation-ris.ris",
        "tcitation-bib.bib",
    ]
    .iter()
    .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} missing")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

    // tables: the variables as a table and as JSON.
    let out = s
        .run(s.dv().args(["-o", "table", "file", "tables", &table]))
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("VARIABLE") && text.contains("NUMERIC") && text.contains("1.5"),
        "{text}"
    );
    let tables = ok(&s, &["file", "tables", &table]);
    assert_eq!(tables[0]["dataVariables"][1]["name"], "value", "{tables}");

    // download-size: JSON and text; modes; a bad mode is a usage error.
    let all = ok(&s, &["dataset", "download-size", &pid]);
    let orig = ok(
        &s,
        &["dataset", "download-size", &pid, "--mode", "original"],
    );
    let arch = ok(
        &s,
        &["dataset", "download-size", &pid, "--mode", "Archival"],
    );
    let (all, orig, arch) = (
        all["storageSize"].as_u64().unwrap(),
        orig["storageSize"].as_u64().unwrap(),
        arch["storageSize"].as_u64().unwrap(),
    );
    let secret_len = 5;
    assert_eq!(orig, CSV.len() as u64 + secret_len);
    assert_eq!(arch, TAB.len() as u64 + secret_len);
    assert_eq!(all, (CSV.len() + TAB.len()) as u64 + secret_len);
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "dataset", "download-size", &pid]),
        )
        .success();
    assert!(
        stdout(&out).contains(&format!("({all} bytes)")),
        "{}",
        stdout(&out)
    );
    let bad = s
        .run(
            s.dv()
                .args(["dataset", "download-size", &pid, "--mode", "huge"]),
        )
        .failure();
    assert!(one_error_line(&bad).contains("huge"));
}

#[test]
fn access_requests_with_a_second_user() {
    let s = TestServer::start();
    let dir = TempDir::new().unwrap();
    let (pid, _, secret) = published(&s, &dir);
    let uma = s.create_user("uma");
    let as_uma = |args: &[&str]| {
        let mut cmd = s.dv_with_token(&uma);
        cmd.args(["-o", "json"]).args(args);
        cmd
    };

    // Uma may not read it, asks, may not ask twice.
    let bad = s
        .run(&mut as_uma(&["file", "get-bytes", &secret]))
        .failure();
    one_error_line(&bad);
    let asked = json(
        &s.run(&mut as_uma(&["file", "access", "request", &secret]))
            .success(),
    );
    assert_eq!(asked["message"], "Access to File secret.txt requested.");
    let again = s
        .run(&mut as_uma(&["file", "access", "request", &secret]))
        .failure();
    assert!(
        one_error_line(&again)
            .contains("An access request for this file on your behalf already exists."),
    );
    // Only managers see the list.
    let bad = s
        .run(&mut as_uma(&["file", "access", "list", &secret]))
        .failure();
    assert!(one_error_line(&bad).contains("Requestor does not have permission"));
    let list = ok(&s, &["file", "access", "list", &secret]);
    assert_eq!(list[0]["identifier"], "@uma", "{list}");
    assert_eq!(list[0]["state"], "created", "{list}");
    let table = s
        .run(
            s.dv()
                .args(["-o", "table", "file", "access", "list", &secret]),
        )
        .success();
    let text = stdout(&table);
    assert!(
        text.contains("USER") && text.contains("@uma") && text.contains("created"),
        "{text}"
    );

    // Granted (a bare username works too), uma reads it; revoked, she cannot.
    let granted = ok(&s, &["file", "access", "grant", &secret, "uma"]);
    assert_eq!(granted["message"], "Access to File secret.txt granted.");
    let out = s
        .run(s.dv_with_token(&uma).args(["file", "get-bytes", &secret]))
        .success();
    assert_eq!(stdout(&out), "hush\n");
    let history = ok(&s, &["file", "access", "list", &secret, "--history"]);
    assert_eq!(history[0]["state"], "granted", "{history}");
    ok(&s, &["file", "access", "revoke", &secret, "@uma"]);
    s.run(&mut as_uma(&["file", "get-bytes", &secret]))
        .failure();

    // Reject: uma asks again and is turned down; a user who never asked.
    ok(&s, &["file", "access", "reject", &secret, "@uma"]);
    s.create_user("vic");
    let bad = s
        .run(s.dv().args(["file", "access", "reject", &secret, "@vic"]))
        .failure();
    assert!(one_error_line(&bad).contains("No request for access to file secret.txt for user"));

    // Allow: only editors; --off refused while the restricted file has no terms of access.
    let bad = s
        .run(&mut as_uma(&["file", "access", "allow", &pid]))
        .failure();
    assert!(one_error_line(&bad).contains("Problem saving dataset"));
    let bad = s
        .run(s.dv().args(["file", "access", "allow", &pid, "--off"]))
        .failure();
    assert!(one_error_line(&bad).contains("Terms of Use and Access are invalid"));
    let on = ok(&s, &["file", "access", "allow", &pid]);
    assert!(
        on["message"]
            .as_str()
            .unwrap()
            .ends_with("allows file access requests."),
        "{on}"
    );
}
