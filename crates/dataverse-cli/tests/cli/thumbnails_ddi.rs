//! `dv file thumbnail` (an image's PNG thumbnail to -O, its size) and `dv file ddi` (a
//! table's DDI codebook to stdout and -O, its field filters), with their refusals as one
//! line.

use tempfile::TempDir;

use crate::common::{
    TestServer, finch_draft as dataset, ok, one_error_line, ps, stdout, write_file as write,
};

/// A 40 × 20 black RGB PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000280000001408020000007024e8ec000000194944415478daedc13101000000c2a0f54f6d0a3fa00000781b09740001d42e77380000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap())
        .collect()
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

/// A published dataset with `photo.png` and an ingested `t.csv`: (PID, image id, table id).
fn published(s: &TestServer, dir: &TempDir) -> (String, String, String) {
    let pid = dataset(s);
    let id = |out: serde_json::Value| out["uploaded"][0]["id"].as_u64().unwrap().to_string();
    let image = id(ok(
        s,
        &[
            "file",
            "upload",
            &pid,
            ps(&write(dir.path(), "photo.png", &png())),
        ],
    ));
    let csv = write(dir.path(), "t.csv", b"name,value\nalpha,1\nbeta,2\n");
    let table = id(ok(s, &["file", "upload", &pid, ps(&csv)]));
    let start = std::time::Instant::now();
    while !ok(s, &["dataset", "locks", &pid])
        .as_array()
        .is_some_and(Vec::is_empty)
    {
        assert!(start.elapsed().as_secs() < 30, "still locked");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    ok(s, &["dataset", "publish", &pid, "--wait"]);
    (pid, image, table)
}

#[test]
fn thumbnails_and_ddi() {
    let s = TestServer::start();
    let dir = TempDir::new().unwrap();
    let (ds, image, table) = published(&s, &dir);

    // The default thumbnail (64 on the longest side) and a size of our own, to -O.
    let out = dir.path().join("thumb.png");
    s.run(s.dv().args(["file", "thumbnail", &image, "-O", ps(&out)]))
        .success();
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (64, 32));
    s.run(
        s.dv()
            .args(["file", "thumbnail", &image, "--size", "10", "-O", ps(&out)]),
    )
    .success();
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (10, 5));
    // Not an image: the server's words on one line; a size of 0 is refused before asking.
    let bad = s.run(s.dv().args(["file", "thumbnail", &table])).failure();
    assert!(one_error_line(&bad).contains("not supported on this datafile"));
    let bad = s
        .run(s.dv().args(["file", "thumbnail", &image, "--size", "0"]))
        .failure();
    assert!(stdout(&bad).is_empty());

    // The dataset's thumbnail and logo: its only image's, 48 and 140 pixels wide.
    s.run(s.dv().args(["dataset", "thumbnail", &ds, "-O", ps(&out)]))
        .success();
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (48, 24));
    s.run(
        s.dv()
            .args(["dataset", "thumbnail", &ds, "--logo", "-O", ps(&out)]),
    )
    .success();
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (140, 70));
    let bad = s
        .run(s.dv().args(["dataset", "thumbnail", "999999"]))
        .failure();
    assert!(one_error_line(&bad).contains("Thumbnail not available"));

    // The DDI to stdout: a codebook with the table's variables.
    let out = s.run(s.dv().args(["file", "ddi", &table])).success();
    let xml = stdout(&out);
    assert!(
        xml.starts_with("<?xml") && xml.ends_with("</codeBook>\n"),
        "{xml}"
    );
    assert!(
        xml.contains("<var ID=") && xml.contains("name=\"value\" intrvl=\"discrete\""),
        "{xml}"
    );
    assert!(
        xml.contains("<sumStat type=\"mean\">1.5</sumStat>"),
        "{xml}"
    );
    // Without the statistics, to -O.
    let file = dir.path().join("t-ddi.xml");
    s.run(s.dv().args([
        "file",
        "ddi",
        &table,
        "--exclude",
        "sumStat,fileDscr",
        "-O",
        ps(&file),
    ]))
    .success();
    let xml = std::fs::read_to_string(&file).unwrap();
    assert!(
        xml.contains("<dataDscr>") && !xml.contains("sumStat") && !xml.contains("fileDscr"),
        "{xml}"
    );
    // A file that is not a table.
    let bad = s.run(s.dv().args(["file", "ddi", &image])).failure();
    let line = one_error_line(&bad);
    assert!(line.contains("only available for tabular files"), "{line}");
}
