//! `dv metadatablocks ...`

use crate::common::{TestServer, json, one_error_line, stdout};

const BLOCKS: [&str; 7] = [
    "citation",
    "geospatial",
    "socialscience",
    "astrophysics",
    "biomedical",
    "journal",
    "3dobjects",
];

#[test]
fn list_brief_in_order() {
    let s = TestServer::start();
    let out = s
        .run(s.dv().args(["-o", "json", "metadatablocks", "list"]))
        .success();
    let v = json(&out);
    let names: Vec<&str> = v
        .as_array()
        .expect("a list")
        .iter()
        .map(|b| b["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, BLOCKS);
    assert_eq!(v, s.get_data("/api/metadatablocks"));

    let out = s
        .run(s.dv().args(["-o", "table", "metadatablocks", "list"]))
        .success();
    let text = stdout(&out);
    let positions: Vec<usize> = BLOCKS
        .iter()
        .map(|b| {
            text.find(&format!(" {b} "))
                .unwrap_or_else(|| panic!("{b} missing:\n{text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "order:\n{text}");
}

#[test]
fn list_full_is_keyed_by_name() {
    let s = TestServer::start();
    let out = s
        .run(
            s.dv()
                .args(["-o", "json", "metadatablocks", "list", "--full"]),
        )
        .success();
    let v = json(&out);
    let map = v.as_object().expect("an object keyed by block name");
    assert_eq!(map.keys().map(String::as_str).collect::<Vec<_>>(), BLOCKS);
    assert_eq!(map["citation"]["fields"]["title"]["name"], "title");
    assert!(map["citation"]["fields"]["author"]["childFields"]["authorName"].is_object());
    for (name, block) in map {
        assert_eq!(block["name"], name.as_str());
        assert_eq!(
            block,
            &s.get_data(&format!("/api/metadatablocks/{name}")),
            "{name} is complete"
        );
    }

    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "metadatablocks", "list", "--full"]),
        )
        .success();
    let text = stdout(&out);
    assert!(text.contains("top-level fields"), "{text}");
    for b in BLOCKS {
        assert!(text.contains(&format!(" {b} ")), "{b} missing:\n{text}");
    }
}

#[test]
fn show_citation_json_is_the_servers_data() {
    let s = TestServer::start();
    let out = s
        .run(
            s.dv()
                .args(["-o", "json", "metadatablocks", "show", "citation"]),
        )
        .success();
    let v = json(&out);
    let raw = s.get_data("/api/metadatablocks/citation");
    assert_eq!(v["name"], "citation");
    assert_eq!(v, raw);
}

#[test]
fn show_citation_table_indents_child_fields() {
    let s = TestServer::start();
    let out = s
        .run(
            s.dv()
                .args(["-o", "table", "metadatablocks", "show", "citation"]),
        )
        .success();
    let text = stdout(&out);
    assert!(text.starts_with("Citation Metadata (citation)\n"), "{text}");
    let author = text
        .lines()
        .find(|l| l.contains(" author "))
        .unwrap_or_else(|| panic!("no author row:\n{text}"));
    let author_name = text
        .lines()
        .find(|l| l.contains("authorName"))
        .unwrap_or_else(|| panic!("no authorName row:\n{text}"));
    let indent = |l: &str, name: &str| l.find(name).expect("name in row");
    assert_eq!(
        indent(author_name, "authorName"),
        indent(author, "author") + 2,
        "authorName is indented under author:\n{author}\n{author_name}"
    );
    assert!(author_name.contains("Name"), "{author_name}");
}

#[test]
fn show_unknown_block_fails_with_one_line() {
    let s = TestServer::start();
    for format in ["json", "table"] {
        let out = s
            .run(
                s.dv()
                    .args(["-o", format, "metadatablocks", "show", "nope"]),
            )
            .code(1)
            .stdout("");
        let line = one_error_line(&out);
        assert!(line.contains("Can't find metadata block"), "{line}");
        assert!(line.contains("nope"), "{line}");
    }
}
