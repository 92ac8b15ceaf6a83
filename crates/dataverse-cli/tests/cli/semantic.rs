//! `dv dataset metadata`: the metadata as JSON-LD (and its RDF triples), and JSON-LD files
//! added, replacing or deleting fields, against the embedded Dataverse.

use serde_json::json;

use crate::common::{TestServer, finch_draft, ok, one_error_line, stdout, write_file};

#[test]
fn jsonld_read_set_replace_and_delete() {
    let s = TestServer::start();
    let pid = finch_draft(&s);
    let doc = ok(&s, &["dataset", "metadata", &pid, "--jsonld"]);
    assert!(doc["@context"].is_object(), "{doc}");
    assert_eq!(doc["schema:name"], "Darwin's Finches");
    let url = pid.replacen("doi:", "https://doi.org/", 1);
    assert_eq!(doc["@id"], url.as_str());

    // The triples the JSON-LD expands to, as N-Triples.
    let out = stdout(
        &s.run(
            s.dv()
                .args(["dataset", "metadata", &pid, "--jsonld", "--triples"]),
        )
        .success(),
    );
    let title = format!("<{url}> <http://purl.org/dc/terms/title> \"Darwin's Finches\" .");
    assert!(out.lines().any(|l| l == title), "{out}");

    let dir = tempfile::tempdir().unwrap();
    let add = write_file(
        dir.path(),
        "keywords.jsonld",
        json!({
            "@context": {"citation": "https://dataverse.org/schema/citation/"},
            "citation:keyword": {"citation:keywordValue": "finches"}
        })
        .to_string()
        .as_bytes(),
    );
    let add = add.to_str().unwrap();
    let out = stdout(
        &s.run(
            s.dv()
                .args(["-o", "table", "dataset", "metadata", &pid, "--set", add]),
        )
        .success(),
    );
    assert!(
        out.starts_with(&format!("{pid}: the draft was updated from ")),
        "{out}"
    );
    let doc = ok(
        &s,
        &[
            "dataset",
            "metadata",
            &pid,
            "--jsonld",
            "--version",
            ":draft",
        ],
    );
    assert_eq!(
        doc["citation:keyword"]["citation:keywordValue"], "finches",
        "{doc}"
    );

    // A single-valued field is refused without --replace, in Dataverse's words.
    let title = write_file(
        dir.path(),
        "title.jsonld",
        json!({"http://purl.org/dc/terms/title": "Galápagos Finches"})
            .to_string()
            .as_bytes(),
    );
    let title = title.to_str().unwrap();
    let a = s.run(s.dv().args(["dataset", "metadata", &pid, "--set", title]));
    let line = one_error_line(&a.failure().code(1));
    assert!(
        line.contains("Can't append to a single-value field that already has a value: title"),
        "{line}"
    );
    let done = ok(
        &s,
        &["dataset", "metadata", &pid, "--set", title, "--replace"],
    );
    assert!(done["Version Updated"].is_string(), "{done}");
    let doc = ok(&s, &["dataset", "metadata", &pid, "--jsonld"]);
    assert_eq!(doc["title"], "Galápagos Finches");

    ok(&s, &["dataset", "metadata", &pid, "--delete", add]);
    let doc = ok(&s, &["dataset", "metadata", &pid, "--jsonld"]);
    assert!(doc.get("citation:keyword").is_none(), "{doc}");

    // Usage: one action is needed; --replace only with --set.
    let a = s.run(s.dv().args(["dataset", "metadata", &pid]));
    a.failure().code(2);
    let a = s.run(
        s.dv()
            .args(["dataset", "metadata", &pid, "--jsonld", "--replace"]),
    );
    a.failure().code(2);
    // An unknown PID: what happened, then the server's words.
    let a = s.run(
        s.dv()
            .args(["dataset", "metadata", "doi:10.5072/FK2/NOPE00", "--jsonld"]),
    );
    let line = one_error_line(&a.failure().code(1));
    assert!(
        line.starts_with(
            "dv: dataset doi:10.5072/FK2/NOPE00 not found (Dataverse: \"When accessing"
        ),
        "{line}"
    );
}
