//! Every table `dv` prints, at 80 columns (`COLUMNS=80`), against a stored snapshot
//! (`tests/cli/snapshots/tables-80.txt`): identifiers whole, long titles shortened with
//! "…", low-value columns dropped, no line wider than the terminal. Empty results in
//! words, and CSV headers even with no rows. Dates are masked (`####-##-##`), the one
//! random PID replaced by a fixed one of the same length.
//!
//! After an intended change of a table, rewrite the snapshot with
//! `DV_UPDATE_SNAPSHOTS=1 cargo test -p dataverse-cli --test cli tables` and review the diff.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{FINCH, Sandbox, TestServer, json, stdout};

const SNAPSHOT: &str = "tests/cli/snapshots/tables-80.txt";
const LONG_TITLE: &str = "Darwin's finches of the Galápagos: beak depth, body mass and rainfall \
                          across forty years of field seasons on Daphne Major";

/// Digits of dates and times (`2026-12-03`, `2026-12-03T07:36:13Z`) as `#`, so the
/// widths stay and the text does not change from day to day.
fn mask_dates(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let is_date_at = |i: usize| {
        let shape = "dddd-dd-dd";
        shape.chars().enumerate().all(|(k, c)| {
            chars
                .get(i + k)
                .is_some_and(|&x| if c == 'd' { x.is_ascii_digit() } else { x == c })
        })
    };
    let mut i = 0;
    while i < chars.len() {
        if is_date_at(i) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || matches!(chars[j], '-' | ':' | 'T' | '.' | 'Z'))
            {
                if chars[j].is_ascii_digit() {
                    out[j] = '#';
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// The finch body with a long title.
fn long_finch(dir: &TempDir) -> PathBuf {
    let text = std::fs::read_to_string(FINCH).expect("finch fixture");
    let mut body: Value = serde_json::from_str(&text).expect("finch JSON");
    let fields = body["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array_mut()
        .expect("citation fields");
    for f in fields {
        if f["typeName"] == "title" {
            f["value"] = Value::from(LONG_TITLE);
        }
    }
    let path = dir.path().join("finch.json");
    std::fs::write(&path, body.to_string()).expect("write body");
    path
}

fn ps(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `dv -o table <args>` at 80 columns: stdout.
fn table(s: &TestServer, args: &[&str]) -> String {
    let mut cmd = s.dv();
    cmd.env("COLUMNS", "80").args(["-o", "table"]).args(args);
    stdout(&s.run(&mut cmd).success())
}

#[test]
fn every_table_fits_80_columns() {
    let s = TestServer::start_generated("collections=3,datasets=4,depth=2,seed=7");
    let dir = TempDir::new().expect("temp dir");

    // A draft with a long title, an ingested CSV with a long name and a 300 KiB file.
    let mut cmd = s.dv();
    cmd.args(["-o", "json", "dataset", "create", "--collection", ":root"])
        .args(["--json", ps(&long_finch(&dir))]);
    let created = json(&s.run(&mut cmd).success());
    let pid = created["persistentId"].as_str().expect("PID").to_string();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("raw")).expect("mkdir");
    std::fs::write(
        data.join("field-campaign-measurements-daphne-major-1973-2012.csv"),
        "island,year,beak_depth_mm\nDaphne,1977,9.7\nDaphne,1978,9.9\n",
    )
    .expect("csv");
    std::fs::write(
        data.join("raw").join("blob.bin"),
        (0..300 * 1024u32)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .expect("blob");
    let mut cmd = s.dv();
    // One at a time, so the files' ids (in the snapshot) do not depend on which upload
    // finishes first.
    cmd.args([
        "-o",
        "json",
        "file",
        "upload",
        "--concurrency",
        "1",
        &pid,
        ps(&data),
    ]);
    let uploaded = json(&s.run(&mut cmd).success());
    let file_id = uploaded["uploaded"][0]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("{uploaded}"))
        .to_string();

    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("collection get", vec!["collection", "get", ":root"]),
        (
            "collection contents",
            vec!["collection", "contents", ":root"],
        ),
        ("collection crawl", vec!["collection", "crawl"]),
        (
            "collection assignments",
            vec!["collection", "assignments", ":root"],
        ),
        ("collection roles", vec!["collection", "roles", ":root"]),
        ("collection facets", vec!["collection", "facets", ":root"]),
        (
            "collection facets --details",
            vec!["collection", "facets", "--details", ":root"],
        ),
        ("metadatablocks list", vec!["metadatablocks", "list"]),
        (
            "metadatablocks list --full",
            vec!["metadatablocks", "list", "--full"],
        ),
        (
            "metadatablocks show geospatial",
            vec!["metadatablocks", "show", "geospatial"],
        ),
        ("licenses list", vec!["licenses", "list"]),
        ("licenses show", vec!["licenses", "show", "CC BY 4.0"]),
        ("info version", vec!["info", "version"]),
        ("info exporters", vec!["info", "exporters"]),
        ("dataset get", vec!["dataset", "get", &pid]),
        ("dataset versions", vec!["dataset", "versions", &pid]),
        ("dataset assignments", vec!["dataset", "assignments", &pid]),
        ("dataset locks", vec!["dataset", "locks", &pid]),
        ("dataset files", vec!["dataset", "files", &pid]),
        ("file get", vec!["file", "get", &file_id, "--draft"]),
        ("user me", vec!["user", "me"]),
    ];
    let fixed_pid: String = "doi:10.5072/FK2/DRAFT"
        .chars()
        .chain(std::iter::repeat('X'))
        .take(pid.chars().count())
        .collect();
    let mut got = String::new();
    for (name, args) in &commands {
        let text = table(&s, args);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "`dv {name}` is wider than 80 columns:\n{text}"
            );
        }
        let text = mask_dates(&text).replace(&pid, &fixed_pid);
        got.push_str(&format!("== dv {name}\n{text}\n"));
    }
    // The identifiers stay whole and the long title is shortened.
    assert!(got.contains(&fixed_pid), "{got}");
    // A long file name keeps its start and extension.
    assert!(got.contains("field-campaign-"), "{got}");
    assert!(got.contains("-2012.tab"), "{got}");
    assert!(got.contains("Darwin's finches of the"), "{got}");
    assert!(
        !got.contains("Daphne Major"),
        "the title is shortened:\n{got}"
    );
    assert!(got.contains("300 KiB"), "{got}");

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("DV_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write the snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want != got {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(10)
            .map(|(i, (w, g))| format!("line {}:\n- {w}\n+ {g}", i + 1))
            .collect();
        panic!(
            "the tables differ from {SNAPSHOT} (rerun with DV_UPDATE_SNAPSHOTS=1 after an intended change):\n{}\n\nwhole output:\n{got}",
            diff.join("\n")
        );
    }
}

#[test]
fn a_terminal_of_0_columns_counts_as_80() {
    let s = TestServer::start_generated("collections=3,datasets=4,depth=2,seed=7");
    let run = |columns: &str| {
        let mut cmd = s.dv();
        cmd.env("COLUMNS", columns)
            .args(["-o", "table", "collection", "crawl"]);
        stdout(&s.run(&mut cmd).success())
    };
    let at_80 = run("80");
    assert_eq!(run("0"), at_80);
    // No limit when COLUMNS is unset and stdout is not a terminal: nothing dropped.
    let mut cmd = s.dv();
    cmd.args(["-o", "table", "collection", "crawl"]);
    let wide = stdout(&s.run(&mut cmd).success());
    assert!(wide.contains("depth"), "{wide}");
    assert!(!at_80.contains("depth"), "{at_80}");
}

#[test]
fn empty_results_say_so_and_csv_keeps_its_header() {
    let s = TestServer::start();
    let mut cmd = s.dv();
    cmd.args(["-o", "json", "collection", "create", "--parent", ":root"])
        .args(["--alias", "empty"])
        .args(["--name", "Empty", "--contact", "e@example.edu"]);
    s.run(&mut cmd).success();
    let run = |format: &str, args: &[&str]| {
        let mut cmd = s.dv();
        cmd.args(["-o", format]).args(args);
        stdout(&s.run(&mut cmd).success())
    };
    assert_eq!(
        run("table", &["collection", "contents", "empty"]),
        "no items\n"
    );
    assert_eq!(
        run("table", &["collection", "crawl", "empty"]),
        "no items\n"
    );
    assert_eq!(
        run("csv", &["collection", "contents", "empty"]),
        "type,id,title\n"
    );
    assert_eq!(
        run("csv", &["collection", "crawl", "empty"]),
        "type,id,parent_id,depth,persistent_id,title,version\n"
    );
    assert_eq!(
        run("csv", &["collection", "roles", "empty"]).lines().next(),
        Some("id,alias,name,permissions,description")
    );

    // A sandbox without profiles.
    let sb = Sandbox::new();
    let out = sb
        .run(sb.dv().args(["-o", "table", "auth", "list"]))
        .success();
    assert_eq!(stdout(&out), "no profiles (add one with `dv auth login`)\n");
    let out = sb
        .run(sb.dv().args(["-o", "csv", "auth", "list"]))
        .success();
    assert_eq!(stdout(&out), "name,url,tokenSet,default\n");
}
