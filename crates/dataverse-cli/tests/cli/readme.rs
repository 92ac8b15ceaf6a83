//! The README's CLI quick start, run line by line, so that it cannot drift from `dv`.
//!
//! The `sh` blocks between `<!-- quickstart:begin -->` and `<!-- quickstart:end -->` run
//! with `sh -c`, one line at a time, in a scratch directory holding `dataset.json`,
//! `results.csv` and `data/`, with the freshly built `dv` first on the `PATH` and `HOME`
//! in the scratch directory. The first block runs against the embedded local Dataverse
//! (nothing configured), the others against a [`TestServer`] that stands in for every
//! `https://` URL. `export NAME=VALUE` lines set the variable for the lines after them.
//! The example PID stands for the one `dv dataset create` printed, and the file ids `42`
//! and `43` for the ingested `results.tab` and another uploaded file.

use crate::common::FINCH;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::TestServer;

const README: &str = include_str!("../../../../README.md");
const EXAMPLE_PID: &str = "doi:10.5072/FK2/ABCDEF";
const URLS: &[&str] = &[
    "https://demo.dataverse.org",
    "https://dataverse.example.edu",
];

/// The lines of the `sh` blocks of the quick start, block by block.
fn quickstart_blocks(readme: &str) -> Vec<Vec<String>> {
    let begin = readme
        .find("<!-- quickstart:begin -->")
        .expect("the README marks its quick start with <!-- quickstart:begin -->");
    let end = readme[begin..]
        .find("<!-- quickstart:end -->")
        .expect("... and <!-- quickstart:end -->")
        + begin;
    let mut blocks = Vec::new();
    let mut block: Option<Vec<String>> = None;
    for line in readme[begin..end].lines() {
        match (&mut block, line.trim_end()) {
            (None, "```sh") => block = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(block.take()),
            (Some(lines), l) if !l.trim().is_empty() => lines.push(l.to_string()),
            _ => {}
        }
    }
    assert!(
        block.is_none(),
        "an sh block of the quick start is not closed"
    );
    blocks
}

/// `line` with the placeholders replaced: whole words only for the file ids.
fn substitute(line: &str, values: &BTreeMap<&'static str, String>) -> String {
    line.split(' ')
        .map(|word| {
            let mut word = word.to_string();
            for (placeholder, value) in values {
                if placeholder.contains(':') || placeholder.contains('/') {
                    word = word.replace(placeholder, value);
                } else if word == *placeholder {
                    word = value.clone();
                }
            }
            word
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct Runner<'a> {
    server: &'a TestServer,
    dir: &'a Path,
    env: BTreeMap<String, String>,
    values: BTreeMap<&'static str, String>,
}

impl Runner<'_> {
    /// `sh -c line` in the scratch directory: its stdout.
    fn run(&self, shown: &str, line: &str) -> String {
        let dv = assert_cmd::cargo::cargo_bin("dv");
        let bin_dir = dv.parent().expect("the directory of dv");
        let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("PATH");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(line).current_dir(self.dir);
        for var in [
            "DATAVERSE_URL",
            "DATAVERSE_API_TOKEN",
            "DATAVERSE_PROFILE",
            "DATAVERSE_ADMIN_TOKEN",
            "DV_LOG",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("PATH", path)
            .env("HOME", self.dir.join("home"))
            .env("DATAVERSE_CONFIG", self.server.sandbox.config_path())
            .env("DATAVERSE_LOCAL_DIR", self.server.sandbox.local_dir())
            .env("NO_COLOR", "1")
            .env("MY_TOKEN", &self.server.admin_token)
            .envs(&self.env);
        let out = cmd.output().expect("run sh");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "the README line `{shown}` (run as `{line}`) failed with {}:\n{stderr}",
            out.status
        );
        for bad in ["panicked", "internal error", &self.server.admin_token] {
            assert!(
                !stdout.contains(bad) && !stderr.contains(bad),
                "`{shown}` printed {bad:?}:\n{stdout}\n{stderr}"
            );
        }
        stdout
    }

    /// `dv -o json ARGS` (not a README line): its JSON.
    fn dv_json(&self, args: &str) -> Value {
        let stdout = self.run(args, &format!("dv -q -o json {args}"));
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args}: {e}:\n{stdout}"))
    }

    /// Learn the values the placeholders stand for from what `line` printed.
    fn learn(&mut self, line: &str, stdout: &str) {
        if line.starts_with("dv dataset create ") {
            let created: Value = serde_json::from_str(stdout)
                .unwrap_or_else(|e| panic!("`{line}` printed no JSON ({e}):\n{stdout}"));
            let pid = created["persistentId"]
                .as_str()
                .unwrap_or_else(|| panic!("no persistentId: {created}"));
            self.values.insert(EXAMPLE_PID, pid.to_string());
        }
        if line.starts_with("dv file upload ") && !line.contains("--dry-run") {
            let pid = self.values[EXAMPLE_PID].clone();
            // A person types the next line later than the ingest takes; wait for it.
            let started = Instant::now();
            while self.dv_json(&format!("dataset locks {pid}")) != serde_json::json!([]) {
                assert!(started.elapsed() < Duration::from_secs(30), "still locked");
                std::thread::sleep(Duration::from_millis(100));
            }
            let files = self.dv_json(&format!("dataset files {pid}"));
            let files = files.as_array().expect("a list of files");
            let id_of = |f: &Value| f["dataFile"]["id"].as_u64().expect("a file id").to_string();
            let table = files
                .iter()
                .find(|f| f["label"] == "results.tab")
                .unwrap_or_else(|| panic!("results.csv was not ingested: {files:?}"));
            let other = files
                .iter()
                .find(|f| f["label"] != "results.tab")
                .unwrap_or_else(|| panic!("only one file: {files:?}"));
            self.values.insert("42", id_of(table));
            self.values.insert("43", id_of(other));
        }
    }

    fn run_block(&mut self, lines: &[String]) {
        for shown in lines {
            let line = substitute(shown, &self.values);
            if let Some(assignment) = line.strip_prefix("export ") {
                let (name, value) = assignment.split_once('=').expect("export NAME=VALUE");
                self.env.insert(name.to_string(), value.to_string());
                continue;
            }
            let stdout = self.run(shown, &line);
            self.learn(&line, &stdout);
        }
    }
}

#[test]
fn the_readme_quick_start_runs() {
    let server = TestServer::start();
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path();
    std::fs::copy(FINCH, dir.join("dataset.json")).expect("dataset.json");
    let csv = "run,value\n1,0.5\n2,0.75\n";
    std::fs::write(dir.join("results.csv"), csv).expect("results.csv");
    std::fs::create_dir_all(dir.join("data/raw")).expect("data/");
    std::fs::write(dir.join("data/raw/notes.txt"), "notes\n").expect("data/raw/notes.txt");
    std::fs::create_dir_all(dir.join("home")).expect("home");

    let blocks = quickstart_blocks(README);
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let mut runner = Runner {
        server: &server,
        dir,
        env: BTreeMap::new(),
        values: URLS
            .iter()
            .map(|url| (*url, server.base_url.clone()))
            .collect(),
    };
    // The first block: the embedded local Dataverse (no URL; the placeholders are
    // learned as it goes).
    runner.run_block(&blocks[0]);
    assert!(
        runner.values.contains_key("42"),
        "no upload in the quick start"
    );
    // Then a server.
    runner.run_block(&blocks[1]);

    // What the lines claim they leave behind.
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        read("upload.csv"),
        csv.as_bytes(),
        "--original is the upload"
    );
    let tab = String::from_utf8(read("results.tab")).expect("text");
    assert!(
        tab.contains('\t') && !tab.contains(','),
        "the .tab form: {tab:?}"
    );
    assert_eq!(read("copy.tab"), tab.as_bytes());
    assert!(read("files.parquet").starts_with(b"PAR1"), "a Parquet file");
    assert!(String::from_utf8_lossy(&read("ddi.xml")).contains("codeBook"));
    let tree = String::from_utf8_lossy(&read("tree.csv")).to_string();
    let pid = runner.values[EXAMPLE_PID].clone();
    assert!(tree.contains(&pid), "{tree}");
    assert!(
        dir.join("out").is_dir(),
        "the dataset was downloaded into out/"
    );
    let completions = read("home/.local/share/bash-completion/completions/dv");
    assert!(String::from_utf8_lossy(&completions).contains("_dv"));
    let config = std::fs::read_to_string(server.sandbox.config_path()).expect("config");
    assert!(
        config.contains("[profiles.work]") && !config.contains("spare"),
        "{config}"
    );
}

#[test]
fn quickstart_blocks_and_placeholders() {
    let text = "x\n<!-- quickstart:begin -->\n```sh\ndv a\n\ndv b  # c\n```\ntext\n```sh\nexport A=1\n```\n<!-- quickstart:end -->\n```sh\ndv no\n```\n";
    assert_eq!(
        quickstart_blocks(text),
        [
            vec!["dv a".to_string(), "dv b  # c".to_string()],
            vec!["export A=1".to_string()]
        ]
    );
    let values = BTreeMap::from([
        (EXAMPLE_PID, "doi:10.5072/FK2/REAL01".to_string()),
        ("42", "7".to_string()),
    ]);
    assert_eq!(
        substitute(
            "dv file get 42 --x 142 doi:10.5072/FK2/ABCDEF  # 42",
            &values
        ),
        "dv file get 7 --x 142 doi:10.5072/FK2/REAL01  # 7"
    );
}
