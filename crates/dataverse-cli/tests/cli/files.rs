//! `dv file ...` and `dv dataset files`: uploads of files and directories (a second run
//! sends nothing), the files table as JSON and CSV, metadata round-trips, restriction,
//! deletion, byte-identical downloads, `--original` of an ingested CSV, and errors.

use std::path::Path;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::common::{
    TestServer, finch_draft as dataset, json_cmd as dv, ok, one_error_line, ps, stdout,
    write_file as write,
};

const CSV: &str = "name,value\nalpha,1\nbeta,2\ngamma,3\n";

/// Bytes that no content sniffing mistakes for text.
fn blob(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// Upload one file: the new file's id.
fn upload_one(s: &TestServer, pid: &str, path: &Path, extra: &[&str]) -> u64 {
    let mut args = vec!["file", "upload", pid, ps(path)];
    args.extend_from_slice(extra);
    let out = ok(s, &args);
    assert_eq!(out["uploaded"].as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(out["uploaded"][0]["checksum_verified"], true, "{out}");
    out["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {out}"))
}

/// Wait (bounded) until the dataset holds no Ingest lock.
fn wait_for_ingest(s: &TestServer, pid: &str) {
    let start = Instant::now();
    loop {
        let locks = ok(s, &["dataset", "locks", pid, "--type", "Ingest"]);
        if locks.as_array().is_some_and(Vec::is_empty) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "still locked: {locks}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn upload_files_and_directories_then_the_files_table() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let notes = write(dir.path(), "notes.txt", b"field notes\n");
    let data = dir.path().join("data");
    write(&data, "a.txt", b"first file\n");
    write(&data, "sub/b.bin", &blob(70_000));
    write(&data, ".hidden", b"left out\n");

    let id = upload_one(
        &s,
        &pid,
        &notes,
        &["--description", "Notes", "--category", "Documentation"],
    );
    let first = ok(
        &s,
        &[
            "file",
            "upload",
            &pid,
            ps(&data),
            "--concurrency",
            "4",
            "--no-ingest",
        ],
    );
    assert_eq!(
        first["uploaded"].as_array().map(Vec::len),
        Some(2),
        "{first}"
    );
    assert_eq!(
        first["skipped"].as_array().map(Vec::len),
        Some(0),
        "{first}"
    );
    let b = first["uploaded"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["label"] == "b.bin"))
        .unwrap_or_else(|| panic!("b.bin: {first}"));
    assert_eq!(b["directory"], "sub", "{first}");
    assert_eq!(b["size"], 70_000);

    // The second run finds everything in place and sends nothing.
    let second = ok(&s, &["file", "upload", &pid, ps(&data)]);
    assert_eq!(
        second["uploaded"].as_array().map(Vec::len),
        Some(0),
        "{second}"
    );
    assert_eq!(
        second["replaced"].as_array().map(Vec::len),
        Some(0),
        "{second}"
    );
    assert_eq!(
        second["skipped"].as_array().map(Vec::len),
        Some(2),
        "{second}"
    );
    assert_eq!(
        second["failed"].as_array().map(Vec::len),
        Some(0),
        "{second}"
    );

    // The table summary line for people.
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "file", "upload", &pid, ps(&data)]),
        )
        .success();
    assert!(
        stdout(&out).contains("uploaded 0, skipped 2, replaced 0, failed 0"),
        "{}",
        stdout(&out)
    );

    // The files table as JSON: the server's metadata of all three files.
    let files = ok(&s, &["dataset", "files", &pid]);
    let list = files.as_array().unwrap_or_else(|| panic!("{files}"));
    assert_eq!(list.len(), 3, "{files}");
    let notes_meta = list
        .iter()
        .find(|f| f["dataFile"]["id"].as_u64() == Some(id))
        .unwrap_or_else(|| panic!("file {id}: {files}"));
    assert_eq!(notes_meta["description"], "Notes");
    assert_eq!(notes_meta["label"], "notes.txt");

    // As CSV: the documented columns, one row per file; with a MIME filter.
    let out = s
        .run(s.dv().args(["-o", "csv", "dataset", "files", &pid]))
        .success();
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,persistent_id,label,directory,description,content_type,size,checksum_type,checksum_value,restricted,tabular,creation_date"
        )
    );
    assert_eq!(lines.count(), 3, "{text}");
    let out = s
        .run(s.dv().args([
            "-o",
            "csv",
            "dataset",
            "files",
            &pid,
            "--mime",
            "text/plain",
        ]))
        .success();
    let text = stdout(&out);
    assert_eq!(
        text.lines().count(),
        3,
        "header + notes.txt + a.txt:\n{text}"
    );
    assert!(text.contains("notes.txt") && text.contains("a.txt") && !text.contains("b.bin"));

    // -O FILE: the format from the extension.
    let csv_out = dir.path().join("files.csv");
    s.run(s.dv().args(["dataset", "files", &pid, "-O", ps(&csv_out)]))
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&csv_out).expect("files.csv");
    assert!(written.starts_with("id,persistent_id,label,"), "{written}");
    assert_eq!(written.lines().count(), 4);
    // -O FILE (or the old -o FILE) elsewhere is a usage error, before anything starts.
    for flag in ["-O", "-o"] {
        let out = s
            .run(s.dv().args([flag, "out.txt", "info", "version"]))
            .code(2)
            .stdout("");
        one_error_line(&out);
    }
}

#[test]
fn o_is_a_format_and_big_o_a_file() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    upload_one(&s, &pid, &write(dir.path(), "in/a.txt", b"a\n"), &[]);
    let cwd = dir.path().join("cwd");
    std::fs::create_dir_all(&cwd).expect("cwd");
    let header = "id,persistent_id,label,";

    // -o csv prints CSV, and writes no file.
    let out = s
        .run(
            s.dv()
                .current_dir(&cwd)
                .args(["-o", "csv", "dataset", "files", &pid]),
        )
        .success()
        .stderr("");
    assert!(stdout(&out).starts_with(header), "{}", stdout(&out));
    assert_eq!(std::fs::read_dir(&cwd).expect("cwd").count(), 0);

    // -O csv writes a file named `csv` (here in the format --output names).
    s.run(
        s.dv()
            .current_dir(&cwd)
            .args(["--output", "csv", "dataset", "files", &pid, "-O", "csv"]),
    )
    .success()
    .stdout("");
    let written = std::fs::read_to_string(cwd.join("csv")).expect("a file named csv");
    assert!(written.starts_with(header), "{written}");
    // --out is -O's long form; a name without a known extension needs --output.
    s.run(
        s.dv()
            .current_dir(&cwd)
            .args(["dataset", "files", &pid, "--out", "json.csv"]),
    )
    .success()
    .stdout("");
    let written = std::fs::read_to_string(cwd.join("json.csv")).expect("json.csv");
    assert!(written.starts_with(header), "{written}");
    let out = s
        .run(
            s.dv()
                .current_dir(&cwd)
                .args(["dataset", "files", &pid, "-O", "table"]),
        )
        .code(2)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("--output"), "{line}");

    // The old spelling still works, with a one-line note on stderr (none with -q).
    let old = dir.path().join("old.csv");
    let out = s
        .run(s.dv().args(["dataset", "files", &pid, "-o", ps(&old)]))
        .success()
        .stdout("");
    let err = crate::common::stderr(&out);
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("deprecated")).collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].starts_with("dv: -o PATH is deprecated: use -O/--out PATH"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(&old)
            .expect("old.csv")
            .starts_with(header)
    );
    let back = dir.path().join("old-download.txt");
    let files = ok(&s, &["dataset", "files", &pid]);
    let id = files[0]["dataFile"]["id"].to_string();
    s.run(
        s.dv()
            .args(["-q", "file", "download", &id, "-o", ps(&back)]),
    )
    .success()
    .stderr("");
    assert_eq!(std::fs::read(&back).expect("download"), b"a\n");

    // Neither a format nor a path: refused, with the formats and the hint.
    let out = s
        .run(s.dv().args(["dataset", "files", &pid, "-o", "yaml"]))
        .code(2)
        .stdout("");
    let err = crate::common::stderr(&out);
    assert!(err.contains("possible values"), "{err}");
    assert!(err.contains("-O/--out"), "{err}");
    // Both spellings of the path at once: refused.
    let out = s
        .run(
            s.dv()
                .args(["dataset", "files", &pid, "-o", ps(&old), "-O", ps(&old)]),
        )
        .code(2)
        .stdout("");
    one_error_line(&out);
}

#[test]
fn get_update_restrict_and_delete() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let id = upload_one(&s, &pid, &write(dir.path(), "x.txt", b"x\n"), &[]);
    let id = id.to_string();

    let got = ok(&s, &["file", "get", &id, "--draft"]);
    assert_eq!(got["label"], "x.txt", "{got}");
    assert_eq!(
        got["dataFile"]["contentType"]
            .as_str()
            .map(|c| c.starts_with("text/plain")),
        Some(true),
        "{got}"
    );

    let updated = ok(
        &s,
        &[
            "file",
            "update",
            &id,
            "--label",
            "y.txt",
            "--description",
            "Why",
            "--directory",
            "docs",
        ],
    );
    assert_eq!(updated["label"], "y.txt", "{updated}");
    let got = ok(&s, &["file", "get", &id, "--draft"]);
    assert_eq!(got["label"], "y.txt");
    assert_eq!(got["description"], "Why");
    assert_eq!(got["directoryLabel"], "docs");
    let out = s
        .run(&mut dv(&s, &["file", "update", &id]))
        .code(2)
        .stdout("");
    one_error_line(&out);

    ok(&s, &["file", "restrict", &id, "--terms", "Ask the authors"]);
    assert_eq!(ok(&s, &["file", "get", &id, "--draft"])["restricted"], true);
    ok(&s, &["file", "unrestrict", &id]);
    assert_eq!(
        ok(&s, &["file", "get", &id, "--draft"])["restricted"],
        false
    );

    let redetect = ok(&s, &["file", "redetect", &id, "--dry-run"]);
    assert_eq!(redetect["dryRun"], true, "{redetect}");

    // Replace: a new file with the new content, the old one's lineage, metadata given again.
    let new_content = write(dir.path(), "x2.txt", b"second edition\n");
    ok(&s, &["dataset", "publish", &pid, "--wait"]);
    let replaced = ok(
        &s,
        &[
            "file",
            "replace",
            &id,
            ps(&new_content),
            "--description",
            "Second",
        ],
    );
    let new_id = replaced["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("id: {replaced}"))
        .to_string();
    assert_ne!(new_id, id, "{replaced}");
    assert_eq!(replaced["checksum_verified"], true, "{replaced}");
    let got = ok(&s, &["file", "get", &new_id, "--draft"]);
    assert_eq!(got["description"], "Second", "{got}");
    let back = dir.path().join("back.txt");
    ok(&s, &["file", "download", &new_id, "-O", ps(&back)]);
    assert_eq!(std::fs::read(&back).expect("back"), b"second edition\n");
    let id = new_id;

    let deleted = ok(&s, &["file", "delete", &id]);
    assert_eq!(deleted["deleted_entirely"], true, "{deleted}");
    let out = s.run(&mut dv(&s, &["file", "get", &id])).code(1).stdout("");
    one_error_line(&out);
}

#[test]
fn downloads_are_byte_identical() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let bytes = blob(600_000);
    let id = upload_one(&s, &pid, &write(dir.path(), "in/blob.bin", &bytes), &[]);
    let id2 = upload_one(
        &s,
        &pid,
        &write(dir.path(), "in/two.txt", b"two\n"),
        &["--directory", "sub"],
    );

    let out_file = dir.path().join("out.bin");
    let report = ok(
        &s,
        &["file", "download", &id.to_string(), "-O", ps(&out_file)],
    );
    assert_eq!(std::fs::read(&out_file).expect("out.bin"), bytes);
    assert_eq!(report[0]["verified"], true, "{report}");
    assert_eq!(report[0]["checksum_type"], "MD5", "{report}");

    // Several ids into a directory, under the server's names.
    let many = dir.path().join("many");
    ok(
        &s,
        &[
            "file",
            "download",
            &id.to_string(),
            &id2.to_string(),
            "-O",
            ps(&many),
        ],
    );
    assert_eq!(std::fs::read(many.join("blob.bin")).expect("blob"), bytes);
    assert_eq!(std::fs::read(many.join("two.txt")).expect("two"), b"two\n");

    // A whole dataset, file by file into its folders (without the fsync, same result).
    let whole = dir.path().join("whole");
    let report = ok(
        &s,
        &[
            "file",
            "download",
            "--dataset",
            &pid,
            "--no-sync",
            "-O",
            ps(&whole),
        ],
    );
    assert_eq!(report.as_array().map(Vec::len), Some(2), "{report}");
    assert_eq!(std::fs::read(whole.join("blob.bin")).expect("blob"), bytes);
    assert_eq!(
        std::fs::read(whole.join("sub/two.txt")).expect("two"),
        b"two\n"
    );
}

#[test]
fn original_of_an_ingested_csv() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    let id = upload_one(
        &s,
        &pid,
        &write(dir.path(), "table.csv", CSV.as_bytes()),
        &[],
    );
    wait_for_ingest(&s, &pid);
    let got = ok(&s, &["file", "get", &id.to_string(), "--draft"]);
    assert_eq!(got["dataFile"]["tabularData"], true, "{got}");
    assert_eq!(got["label"], "table.tab", "{got}");

    let tab = dir.path().join("table.tab");
    let report = ok(&s, &["file", "download", &id.to_string(), "-O", ps(&tab)]);
    assert_eq!(report[0]["verified"], false, "{report}");
    let text = std::fs::read_to_string(&tab).expect("tab");
    assert!(text.starts_with("name\tvalue"), "{text}");

    let original = dir.path().join("original.csv");
    let report = ok(
        &s,
        &[
            "file",
            "download",
            &id.to_string(),
            "--original",
            "-O",
            ps(&original),
        ],
    );
    assert_eq!(report[0]["verified"], true, "{report}");
    assert_eq!(std::fs::read_to_string(&original).expect("csv"), CSV);

    // The files table marks it tabular; the upload with --no-ingest does not ingest.
    let files = ok(
        &s,
        &[
            "dataset",
            "files",
            &pid,
            "--mime",
            "text/tab-separated-values",
        ],
    );
    assert_eq!(files.as_array().map(Vec::len), Some(1), "{files}");
    let raw = upload_one(
        &s,
        &pid,
        &write(dir.path(), "raw.csv", CSV.as_bytes()),
        &["--no-ingest"],
    );
    wait_for_ingest(&s, &pid);
    let got = ok(&s, &["file", "get", &raw.to_string(), "--draft"]);
    assert_eq!(got["label"], "raw.csv", "{got}");
    assert_ne!(got["dataFile"]["tabularData"], true, "{got}");
}

#[test]
fn a_missing_file_is_one_line_and_nothing_written() {
    let s = TestServer::start();
    let dir = TempDir::new().expect("temp dir");
    let out = s
        .run(&mut dv(&s, &["file", "get", "987654"]))
        .code(1)
        .stdout("");
    one_error_line(&out);
    let dest = dir.path().join("never.bin");
    let out = s
        .run(&mut dv(
            &s,
            &["file", "download", "987654", "-O", ps(&dest)],
        ))
        .code(1)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("987654"), "{line}");
    assert!(!dest.exists());
    let out = s
        .run(&mut dv(
            &s,
            &[
                "file",
                "upload",
                "doi:10.5072/FK2/NOPE00",
                ps(&dir.path().join("missing.txt")),
            ],
        ))
        .code(2)
        .stdout("");
    one_error_line(&out);
}

#[test]
fn parquet_files_table() {
    let s = TestServer::start();
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    upload_one(&s, &pid, &write(dir.path(), "p.txt", b"p\n"), &[]);
    let dest = dir.path().join("files.parquet");
    // Parquet needs a file, and is only for the files table.
    let out = s
        .run(&mut dv(
            &s,
            &["dataset", "files", &pid, "--output", "parquet"],
        ))
        .code(2)
        .stdout("");
    one_error_line(&out);
    let out = s
        .run(s.dv().args(["--output", "parquet", "info", "version"]))
        .code(2)
        .stdout("");
    one_error_line(&out);
    let mut cmd = s.dv();
    cmd.args(["dataset", "files", &pid, "-O", ps(&dest)]);
    if cfg!(feature = "parquet") {
        s.run(&mut cmd).success().stdout("");
        let bytes = std::fs::read(&dest).expect("files.parquet");
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    } else {
        let line = one_error_line(&s.run(&mut cmd).code(2).stdout(""));
        assert!(line.contains("Parquet"), "{line}");
        assert!(!dest.exists());
    }
}

#[test]
fn uploads_to_a_sha256_server_with_and_without_the_checksum_flag() {
    let s = TestServer::start();
    s.emulator
        .set_setting(":FileFixityChecksumAlgorithm", "SHA-256")
        .expect("setting");
    let pid = dataset(&s);
    let dir = TempDir::new().expect("temp dir");
    // Without the flag the first file is verified by reading it again; with it, while sent.
    for (name, extra) in [("a.bin", vec![]), ("b.bin", vec!["--checksum", "SHA-256"])] {
        let path = write(dir.path(), name, name.as_bytes());
        let mut args = vec!["file", "upload", pid.as_str(), ps(&path)];
        args.extend(extra);
        let out = ok(&s, &args);
        let file = &out["uploaded"][0];
        assert_eq!(file["checksum_verified"], true, "{out}");
        assert_eq!(file["checksum"]["type"], "SHA-256", "{out}");
    }
    let path = write(dir.path(), "c.bin", b"c");
    let err = s
        .run(&mut dv(
            &s,
            &["file", "upload", &pid, ps(&path), "--checksum", "CRC32"],
        ))
        .failure()
        .code(2);
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(
        stderr.contains("unknown checksum algorithm 'CRC32'"),
        "{stderr}"
    );
}
