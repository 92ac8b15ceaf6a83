//! No lost work: `dataset edit` checked like `create` (and `--set`), `dataset template`,
//! downloads that never share or silently replace a local file, uploads of a file already
//! there, and crawls that stream CSV (whole rows even when interrupted) or write Parquet.

use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{
    TestServer, finch_draft as dataset, json_cmd as dv, ok, one_error_line, ps, stderr, stdout,
    write_file as write,
};

/// The citation fields of the dataset's latest version, by name.
fn citation(s: &TestServer, pid: &str) -> Vec<Value> {
    let ds = ok(s, &["dataset", "get", pid]);
    ds["latestVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no citation fields: {ds}"))
}

fn field(fields: &[Value], name: &str) -> Option<Value> {
    fields.iter().find(|f| f["typeName"] == name).cloned()
}

fn wait_for_ingest(s: &TestServer, pid: &str) {
    let start = Instant::now();
    loop {
        let locks = ok(s, &["dataset", "locks", pid, "--type", "Ingest"]);
        if locks.as_array().is_some_and(Vec::is_empty) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "locked: {locks}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn edit_refuses_fields_dataverse_would_drop() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let before = citation(&s, &pid);
    let typo = write(
        dir.path(),
        "typo.json",
        br#"{"fields":[{"typeName":"titel","multiple":false,"typeClass":"primitive","value":"Lost"}]}"#,
    );
    let out = s
        .run(&mut dv(&s, &["dataset", "edit", &pid, "--json", ps(&typo)]))
        .code(2)
        .stdout("");
    let err = stderr(&out);
    assert!(
        err.contains("titel: is not a field of any metadata block on this installation (Dataverse would silently drop it)"),
        "{err}"
    );
    assert_eq!(
        err.lines().last(),
        Some(
            format!(
                "dv: {}: the body has 1 problem: titel: is not a field of any metadata block on this installation (Dataverse would silently drop it); nothing was sent (--no-preflight skips this check)",
                typo.display()
            )
            .as_str()
        ),
        "{err}"
    );
    // Wrong typeClass/multiple and unknown children: all reported, nothing sent.
    let bad = write(
        dir.path(),
        "bad.json",
        br#"{"fields":[
            {"typeName":"subject","multiple":true,"typeClass":"primitive","value":["Chemistry"]},
            {"typeName":"title","multiple":true,"typeClass":"primitive","value":"T"},
            {"typeName":"author","multiple":true,"typeClass":"compound","value":[
                {"authorNam":{"typeName":"authorNam","multiple":false,"typeClass":"primitive","value":"X"}}]}]}"#,
    );
    let out = s
        .run(&mut dv(
            &s,
            &["-v", "dataset", "edit", &pid, "--json", ps(&bad)],
        ))
        .code(2)
        .stdout("");
    let err = stderr(&out);
    for expected in [
        "dv: citation.subject: `typeClass` is 'primitive' but the field is 'controlledVocabulary'",
        "dv: citation.title: `multiple` is true but the field is single",
        "dv: citation.author[0].authorNam: is not a child of 'author'",
    ] {
        assert!(err.lines().any(|l| l == expected), "{expected}\n{err}");
    }
    assert!(
        err.lines().last().is_some_and(|l| l.starts_with("dv: ")
            && l.ends_with("bad.json: the body has 3 problems (listed above); nothing was sent (--no-preflight skips this check)")),
        "{err}"
    );
    assert_eq!(citation(&s, &pid), before, "nothing was sent");

    // A correct body goes through.
    let good = write(
        dir.path(),
        "good.json",
        br#"{"typeName":"subject","multiple":true,"typeClass":"controlledVocabulary","value":["Chemistry"]}"#,
    );
    ok(&s, &["dataset", "edit", &pid, "--json", ps(&good)]);
    let subject = field(&citation(&s, &pid), "subject").expect("subject");
    assert!(
        subject["value"]
            .as_array()
            .is_some_and(|v| v.iter().any(|x| x == "Chemistry")),
        "{subject}"
    );
}

#[test]
fn edit_single_fields_with_set() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let draft = ok(
        &s,
        &[
            "dataset",
            "edit",
            &pid,
            "--set",
            "title=Finches, revisited",
            "--replace",
        ],
    );
    assert_eq!(draft["versionState"], "DRAFT", "{draft}");
    let fields = citation(&s, &pid);
    assert_eq!(
        field(&fields, "title").expect("title")["value"],
        "Finches, revisited"
    );
    ok(
        &s,
        &[
            "dataset",
            "edit",
            &pid,
            "--set",
            "keywordValue=beaks",
            "--set",
            "keywordValue=islands",
            "--replace",
        ],
    );
    let keyword = field(&citation(&s, &pid), "keyword").expect("keyword");
    let values: Vec<&str> = keyword["value"]
        .as_array()
        .expect("keywords")
        .iter()
        .filter_map(|k| k["keywordValue"]["value"].as_str())
        .collect();
    assert_eq!(values, ["beaks", "islands"], "{keyword}");

    // Unknown names, compounds given a value and bad pairs: refused, nothing sent.
    let before = citation(&s, &pid);
    let out = s
        .run(&mut dv(
            &s,
            &[
                "-v", "dataset", "edit", &pid, "--set", "titel=x", "--set", "author=y",
            ],
        ))
        .code(2)
        .stdout("");
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l
            == "dv: titel: is not a field of any metadata block on this installation (Dataverse would silently drop it)"),
        "{err}"
    );
    assert!(
        err.contains(
            "dv: citation.author: is a compound field; set its children instead (authorName, "
        ),
        "{err}"
    );
    assert_eq!(
        err.lines().last(),
        Some("dv: --set: the body has 2 problems (listed above); nothing was sent"),
        "{err}"
    );
    let out = s
        .run(&mut dv(&s, &["dataset", "edit", &pid, "--set", "title"]))
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.starts_with("dv: --set expects NAME=VALUE"), "{line}");
    // Neither --json nor --set: a usage error from clap.
    s.run(&mut dv(&s, &["dataset", "edit", &pid])).code(2);
    assert_eq!(citation(&s, &pid), before, "nothing was sent");
}

#[test]
fn template_is_a_create_body_with_the_required_fields() {
    let s = TestServer::start();
    let out = s
        .run(
            s.dv()
                .args(["dataset", "template", "--collection", ":root"]),
        )
        .success();
    let body: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let fields = body["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .expect("citation fields")
        .clone();
    let names: Vec<&str> = fields
        .iter()
        .filter_map(|f| f["typeName"].as_str())
        .collect();
    for required in [
        "title",
        "author",
        "datasetContact",
        "dsDescription",
        "subject",
    ] {
        assert!(names.contains(&required), "{required}: {names:?}");
    }
    assert_eq!(field(&fields, "title").expect("title")["value"], "<Title>");

    // As printed, the placeholders do not pass the pre-flight check: nothing is created.
    let dir = TempDir::new().expect("temp dir");
    let raw = write(dir.path(), "raw.json", stdout(&out).as_bytes());
    let err = stderr(
        &s.run(&mut dv(
            &s,
            &[
                "dataset",
                "create",
                "--collection",
                ":root",
                "--json",
                ps(&raw),
            ],
        ))
        .code(2),
    );
    assert!(err.contains("nothing was sent"), "{err}");

    // Filled in, it creates a dataset.
    let filled = stdout(&out)
        .replace("<Title>", "Filled in")
        .replace("<Author Name>", "Finch, Fiona")
        .replace("<Point of Contact E-mail>", "finch@example.org")
        .replace("<Description Text>", "A description.");
    let filled = regex_free_subject(&filled);
    let path = write(dir.path(), "filled.json", filled.as_bytes());
    let created = ok(
        &s,
        &[
            "dataset",
            "create",
            "--collection",
            ":root",
            "--json",
            ps(&path),
        ],
    );
    let pid = created["persistentId"].as_str().expect("pid").to_string();
    assert_eq!(
        field(&citation(&s, &pid), "title").expect("title")["value"],
        "Filled in"
    );

    // An unknown collection is the server's 404.
    let line = one_error_line(
        &s.run(s.dv().args(["dataset", "template", "--collection", "nope"]))
            .code(1)
            .stdout(""),
    );
    assert!(line.contains("nope"), "{line}");
}

/// Replace the subject placeholder (`<one of: ...>`) by one of its values.
fn regex_free_subject(text: &str) -> String {
    let start = text.find("<one of: ").expect("subject placeholder");
    let end = start + text[start..].find('>').expect("end of placeholder") + 1;
    format!("{}Chemistry{}", &text[..start], &text[end..])
}

#[test]
fn originals_with_the_same_name_get_unique_local_names() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let first = "name,value\nalpha,1\n";
    let second = "name,value\nbeta,2\n";
    let csv = write(dir.path(), "in/results.csv", first.as_bytes());
    ok(&s, &["file", "upload", &pid, ps(&csv)]);
    wait_for_ingest(&s, &pid);
    std::fs::write(&csv, second).expect("write");
    ok(&s, &["file", "upload", &pid, ps(&csv)]);
    wait_for_ingest(&s, &pid);
    let files = ok(&s, &["dataset", "files", &pid]);
    let labels: Vec<&str> = files
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"results.tab") && labels.contains(&"results-1.tab"),
        "{files}"
    );

    let out = dir.path().join("out");
    let report = ok(
        &s,
        &[
            "file",
            "download",
            "--dataset",
            &pid,
            "--original",
            "-O",
            ps(&out),
        ],
    );
    assert_eq!(report.as_array().map(Vec::len), Some(2), "{report}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["results.csv", "results_1.csv"]);
    let mut contents: Vec<String> = names
        .iter()
        .map(|n| std::fs::read_to_string(out.join(n)).expect("read"))
        .collect();
    contents.sort();
    assert_eq!(contents, [first, second]);
}

#[test]
fn downloads_never_silently_replace_a_different_file() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let src = write(dir.path(), "in/data.bin", b"the server's bytes\n");
    let up = ok(&s, &["file", "upload", &pid, ps(&src)]);
    let id = up["uploaded"][0]["id"].as_u64().expect("id").to_string();
    let dest = dir.path().join("data.bin");
    ok(&s, &["file", "download", &id, "-O", ps(&dest)]);

    // Identical: --skip-existing reports it skipped; a plain rerun rewrites the same bytes.
    let report = ok(
        &s,
        &["file", "download", &id, "--skip-existing", "-O", ps(&dest)],
    );
    assert_eq!(report[0]["skipped"], true, "{report}");
    assert_eq!(report[0]["checksum_type"], "MD5", "{report}");
    let table = stdout(
        &s.run(s.dv().args([
            "-o",
            "table",
            "file",
            "download",
            &id,
            "--skip-existing",
            "-O",
            ps(&dest),
        ]))
        .success(),
    );
    assert!(
        table.starts_with(&format!(
            "skipped {} (already there: 19 B, MD5 ",
            dest.display()
        )),
        "{table}"
    );
    ok(&s, &["file", "download", &id, "-O", ps(&dest)]);

    // Different: refused (exit 2), the local file kept, with or without --skip-existing.
    std::fs::write(&dest, b"my own edits\n").expect("write");
    for extra in [None, Some("--skip-existing")] {
        let mut args = vec!["file", "download", id.as_str(), "-O", ps(&dest)];
        args.extend(extra);
        let line = one_error_line(&s.run(&mut dv(&s, &args)).code(2).stdout(""));
        assert_eq!(
            line,
            format!(
                "dv: refusing to overwrite {}: a different file is already there (--overwrite replaces it, --skip-existing keeps files identical to the server's)",
                dest.display()
            )
        );
        assert_eq!(std::fs::read(&dest).expect("kept"), b"my own edits\n");
    }
    // In a dataset download the file is reported and the others still come.
    let whole = dir.path().join("whole");
    write(&whole, "data.bin", b"my own edits\n");
    let out = s
        .run(&mut dv(
            &s,
            &["file", "download", "--dataset", &pid, "-O", ps(&whole)],
        ))
        .code(1);
    let err = stderr(&out);
    assert!(err.contains("dv: data.bin: refusing to overwrite"), "{err}");
    assert_eq!(
        std::fs::read(whole.join("data.bin")).expect("kept"),
        b"my own edits\n"
    );

    // --overwrite replaces it.
    let report = ok(
        &s,
        &["file", "download", &id, "--overwrite", "-O", ps(&dest)],
    );
    assert_eq!(report[0]["skipped"], false, "{report}");
    assert_eq!(
        std::fs::read(&dest).expect("replaced"),
        b"the server's bytes\n"
    );
}

#[test]
fn a_single_file_upload_skips_a_file_already_there_and_dry_run_sends_nothing() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let notes = write(dir.path(), "notes.txt", b"field notes\n");
    let tree = dir.path().join("tree");
    write(&tree, "a.txt", b"a\n");
    write(&tree, "sub/b.txt", b"b\n");

    let plan = ok(
        &s,
        &["file", "upload", &pid, ps(&notes), ps(&tree), "--dry-run"],
    );
    let planned: Vec<(&str, Option<&str>)> = plan["would_send"]
        .as_array()
        .expect("would_send")
        .iter()
        .map(|f| (f["label"].as_str().unwrap_or(""), f["directory"].as_str()))
        .collect();
    assert_eq!(
        planned,
        [("notes.txt", None), ("a.txt", None), ("b.txt", Some("sub"))],
        "{plan}"
    );
    assert_eq!(plan["uploaded"], serde_json::json!([]), "{plan}");
    assert_eq!(ok(&s, &["dataset", "files", &pid]), serde_json::json!([]));
    let text = stdout(
        &s.run(s.dv().args([
            "-o",
            "table",
            "file",
            "upload",
            &pid,
            ps(&notes),
            "--dry-run",
        ]))
        .success(),
    );
    assert!(
        text.contains(&format!(
            "would upload {} -> notes.txt (12 bytes)",
            notes.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("dry run: would upload 1, would replace 0, skip 0; nothing was sent"),
        "{text}"
    );

    let first = ok(&s, &["file", "upload", &pid, ps(&notes)]);
    assert_eq!(
        first["uploaded"].as_array().map(Vec::len),
        Some(1),
        "{first}"
    );
    let again = ok(&s, &["file", "upload", &pid, ps(&notes)]);
    assert_eq!(again["uploaded"], serde_json::json!([]), "{again}");
    assert_eq!(
        again["skipped"][0]["id"], first["uploaded"][0]["id"],
        "{again}"
    );
    assert_eq!(
        ok(&s, &["dataset", "files", &pid]).as_array().map(Vec::len),
        Some(1)
    );
    // Now the dry run says it would be skipped.
    let plan = ok(&s, &["file", "upload", &pid, ps(&notes), "--dry-run"]);
    assert_eq!(plan["would_send"], serde_json::json!([]), "{plan}");
    assert_eq!(plan["skipped"].as_array().map(Vec::len), Some(1), "{plan}");
    // Other content under the same name is still added (as Dataverse names it).
    std::fs::write(&notes, b"more notes\n").expect("write");
    let other = ok(&s, &["file", "upload", &pid, ps(&notes)]);
    assert_eq!(
        other["uploaded"].as_array().map(Vec::len),
        Some(1),
        "{other}"
    );
}

#[test]
fn crawl_streams_csv_and_writes_parquet() {
    let s = TestServer::start_generated("collections=3,datasets=6,depth=2,seed=7");
    let dir = TempDir::new().expect("temp dir");
    let header = "type,id,parent_id,depth,persistent_id,title,version";
    let text = stdout(
        &s.run(s.dv().args(["-q", "-o", "csv", "collection", "crawl"]))
            .success(),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first().copied(), Some(header), "{text}");
    assert_eq!(lines.len(), 1 + 3 + 6, "{text}");
    // -O FILE.csv: the same rows in the file.
    let csv = dir.path().join("tree.csv");
    s.run(s.dv().args(["-q", "collection", "crawl", "-O", ps(&csv)]))
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(&csv).expect("csv").lines().count(),
        10
    );
    // An empty result still has its header.
    let empty = stdout(
        &s.run(s.dv().args([
            "-q",
            "-o",
            "csv",
            "collection",
            "crawl",
            "--only",
            "datasets",
            "--no-titles",
            ":root",
            "--concurrency",
            "1",
        ]))
        .success(),
    );
    assert!(empty.starts_with(header), "{empty}");

    let parquet = dir.path().join("tree.parquet");
    let mut cmd = s.dv();
    cmd.args([
        "-q",
        "-o",
        "parquet",
        "collection",
        "crawl",
        "-O",
        ps(&parquet),
    ]);
    if cfg!(feature = "parquet") {
        s.run(&mut cmd).success().stdout("");
        let bytes = std::fs::read(&parquet).expect("tree.parquet");
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    } else {
        one_error_line(&s.run(&mut cmd).code(2).stdout(""));
    }
    // A crawl refused at its start writes nothing: no header, no file.
    let missing = dir.path().join("missing.csv");
    let out = s
        .run(
            s.dv()
                .args(["collection", "crawl", "no-such-alias", "-O", ps(&missing)]),
        )
        .code(1)
        .stdout("");
    one_error_line(&out);
    assert!(!missing.exists());
    // Parquet needs a file; a table cannot go to one.
    one_error_line(
        &s.run(s.dv().args(["-o", "parquet", "collection", "crawl"]))
            .code(2)
            .stdout(""),
    );
    one_error_line(
        &s.run(
            s.dv()
                .args(["-o", "table", "collection", "crawl", "-O", ps(&csv)]),
        )
        .code(2)
        .stdout(""),
    );
}

/// Ctrl-C in the middle of a crawl to CSV leaves the header and whole rows.
#[cfg(unix)]
#[test]
fn an_interrupted_csv_crawl_leaves_whole_rows() {
    let s = TestServer::start_generated("collections=40,datasets=1500,depth=3,seed=3");
    let dir = TempDir::new().expect("temp dir");
    let csv = dir.path().join("partial.csv");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("dv"));
    cmd.env_remove("DATAVERSE_PROFILE")
        .env("DATAVERSE_CONFIG", dir.path().join("config.toml"))
        .env("DATAVERSE_LOCAL_DIR", dir.path().join("local"))
        .env("DATAVERSE_URL", &s.base_url)
        .env("DATAVERSE_API_TOKEN", &s.admin_token)
        .args([
            "-q",
            "collection",
            "crawl",
            "--concurrency",
            "1",
            "-O",
            ps(&csv),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("spawn dv");
    let start = Instant::now();
    // Wait for the header and 20 rows, then interrupt.
    loop {
        let rows = std::fs::read_to_string(&csv)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if rows > 20 || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    let text = std::fs::read_to_string(&csv).expect("partial.csv");
    assert!(
        !status.success(),
        "the crawl finished before the interrupt: make the tree bigger"
    );
    assert!(
        text.ends_with('\n'),
        "a row was cut: {:?}",
        text.lines().last()
    );
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("type,id,parent_id,depth,persistent_id,title,version")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 20 && rows.len() < 1540, "{} rows", rows.len());
    for r in &rows {
        assert!(
            r.starts_with("collection,") || r.starts_with("dataset,"),
            "{r}"
        );
    }
}
