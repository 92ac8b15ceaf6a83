//! `dv licenses ...`

use crate::common::{TestServer, json, one_error_line, stdout};

#[test]
fn list_json_is_the_servers_data() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["-o", "json", "licenses", "list"]))
        .success();
    let v = json(&out);
    let raw = s.get_data("/api/licenses");
    assert_eq!(v, raw);
    let names: Vec<&str> = v
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| l["name"].as_str().expect("name"))
        .collect();
    assert!(names.contains(&"CC0 1.0"), "{names:?}");
    assert!(names.contains(&"CC BY 4.0"), "{names:?}");
}

#[test]
fn list_table() {
    let s = TestServer::start();
    let raw = s.get_data("/api/licenses");
    let out = s
        .run(s.dv().args(["-o", "table", "licenses", "list"]))
        .success();
    let text = stdout(&out);
    for l in raw.as_array().expect("list") {
        let name = l["name"].as_str().expect("name");
        let row = text
            .lines()
            .find(|row| row.contains(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"));
        assert!(row.contains(&l["id"].to_string()), "{row}");
    }
}

#[test]
fn show_by_id_and_by_name() {
    let s = TestServer::start();
    let first = s.get_data("/api/licenses/1");
    let out = s
        .run(s.dv().args(["-o", "json", "licenses", "show", "1"]))
        .success();
    assert_eq!(json(&out), first);
    assert_eq!(json(&out)["id"], 1);

    let out = s
        .run(s.dv().args(["-o", "json", "licenses", "show", "CC BY"]))
        .success();
    let v = json(&out);
    assert_eq!(v["name"], "CC BY 4.0");
    let id = v["id"].as_u64().expect("id");
    assert_eq!(v, s.get_data(&format!("/api/licenses/{id}")));

    let out = s
        .run(s.dv().args(["-o", "table", "licenses", "show", "CC BY"]))
        .success();
    let text = stdout(&out);
    let name_row = text
        .lines()
        .find(|l| l.contains(" name "))
        .unwrap_or_else(|| panic!("no name row:\n{text}"));
    assert!(name_row.contains("CC BY 4.0"), "{text}");
}

#[test]
fn show_unknown_id_fails() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["-o", "json", "licenses", "show", "99"]))
        .code(1)
        .stdout("");
    one_error_line(&out);
}

#[test]
fn show_unknown_name_lists_the_available_licenses() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["-o", "json", "licenses", "show", "MIT"]))
        .code(1)
        .stdout("");
    let line = one_error_line(&out);
    assert!(line.contains("MIT"), "{line}");
    assert!(line.contains("CC0 1.0"), "{line}");
    assert!(line.contains("CC BY 4.0"), "{line}");
}
