//! `dv info ...`

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{TestServer, json, stdout};

const HOSTNAME: &str = "dv-test.example.org";

fn server() -> TestServer {
    TestServer::start_with(|c| c.hostname = HOSTNAME.to_string())
}

#[test]
fn version_json_and_table() {
    let s = server();
    let raw = s.get_data("/api/info/version");
    assert_eq!(raw["version"], dataverse_emulator::DATAVERSE_VERSION);

    let out = s
        .run(s.dv().args(["-o", "json", "info", "version"]))
        .success();
    let v = json(&out);
    assert_eq!(v["version"], "6.11");
    assert_eq!(v["version"], dataverse_emulator::DATAVERSE_VERSION);
    assert_eq!(v, raw, "JSON output is the server's data");

    let out = s
        .run(s.dv().args(["-o", "table", "info", "version"]))
        .success();
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("version"))
        .unwrap_or_else(|| panic!("no version row:\n{text}"));
    assert!(line.contains("6.11"), "{text}");
    assert!(text.contains("build"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[test]
fn server_json_and_table() {
    let s = server();
    // Dataverse answers `{"message": HOSTNAME}`; dv prints the server's data.
    let raw = s.get_data("/api/info/server");
    assert_eq!(raw["message"], HOSTNAME);

    let out = s
        .run(s.dv().args(["-o", "json", "info", "server"]))
        .success();
    assert_eq!(json(&out), raw);

    s.run(s.dv().args(["-o", "table", "info", "server"]))
        .success()
        .stdout(format!("{HOSTNAME}\n"));
}

#[test]
fn default_output_without_a_terminal_is_json() {
    let s = server();
    let out = s.run(s.dv().args(["info", "server"])).success();
    assert_eq!(json(&out)["message"], HOSTNAME);
}

#[test]
fn terms_json_and_table() {
    let s = server();
    let raw = s.get_data("/api/info/apiTermsOfUse");
    let message = raw["message"].as_str().expect("terms message").to_string();
    assert!(!message.is_empty());

    let out = s
        .run(s.dv().args(["-o", "json", "info", "terms"]))
        .success();
    assert_eq!(json(&out)["message"], message.as_str());

    s.run(s.dv().args(["-o", "table", "info", "terms"]))
        .success()
        .stdout(format!("{message}\n"));
}

#[test]
fn exporters_json_and_table() {
    let s = server();
    let raw = s.get_data("/api/info/exportFormats");

    let out = s
        .run(s.dv().args(["-o", "json", "info", "exporters"]))
        .success();
    let v = json(&out);
    let map = v.as_object().expect("an object keyed by exporter name");
    for name in ["ddi", "dataverse_json"] {
        let display = map[name]["displayName"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no displayName: {v}"));
        assert!(!display.is_empty());
        assert_eq!(map[name]["displayName"], raw[name]["displayName"]);
    }
    assert_eq!(
        map.keys().collect::<Vec<_>>().len(),
        raw.as_object().expect("object").len(),
        "every exporter is listed"
    );
    assert_eq!(v, raw, "JSON output is the server's data");

    let out = s
        .run(s.dv().args(["-o", "table", "info", "exporters"]))
        .success();
    let text = stdout(&out);
    for name in ["ddi", "dataverse_json"] {
        let display = raw[name]["displayName"].as_str().expect("displayName");
        let row = text
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no row for {name}:\n{text}"));
        assert!(row.contains(display), "{row}");
    }
    assert!(predicate::str::contains("display name").eval(&text));
}
