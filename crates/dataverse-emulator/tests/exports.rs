//! `GET /api/datasets/export`: every exporter for a published dataset, and the errors.

mod common;

use axum::http::{Method, StatusCode};
use common::{call_full, err};
use dataverse_emulator::Emulator;
use rusqlite::Connection;
use serde_json::Value;

const TITLE: &str = "Cars & <Trucks> \"quoted\" 'single'";

struct Fixture {
    _dir: tempfile::TempDir,
    em: Emulator,
    /// The published dataset whose title contains `&` and `<`.
    pid: String,
    /// A dataset whose only version is a draft.
    draft_pid: String,
}

fn db(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("dataverse.sqlite3")).unwrap()
}

fn setup() -> Fixture {
    let (dir, em) = common::open();
    em.generate(&"collections=2,datasets=5,depth=1,seed=9".parse().unwrap())
        .unwrap();
    let conn = db(&dir);
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT id, protocol || ':' || authority || '/' || identifier FROM datasets ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 5);
    // Give the first dataset a title that needs escaping.
    let (first, pid) = rows[0].clone();
    let blocks: String = conn
        .query_row(
            "SELECT metadata_blocks FROM dataset_versions WHERE dataset_id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    let mut blocks: Value = serde_json::from_str(&blocks).unwrap();
    for f in blocks["citation"]["fields"].as_array_mut().unwrap() {
        if f["typeName"] == "title" {
            f["value"] = TITLE.into();
        }
    }
    conn.execute(
        "UPDATE dataset_versions SET metadata_blocks = ?1 WHERE dataset_id = ?2",
        rusqlite::params![blocks.to_string(), first],
    )
    .unwrap();
    // Turn the last dataset into a never-published draft.
    let (draft_id, draft_pid) = rows[4].clone();
    conn.execute(
        "UPDATE dataset_versions SET state = 'DRAFT', version_number = NULL,
             minor_version_number = NULL, release_time = NULL WHERE dataset_id = ?1",
        [draft_id],
    )
    .unwrap();
    conn.execute(
        "UPDATE datasets SET publication_date = NULL WHERE id = ?1",
        [draft_id],
    )
    .unwrap();
    Fixture {
        _dir: dir,
        em,
        pid,
        draft_pid,
    }
}

/// GET an export: status, body text and Content-Type.
async fn export(em: &Emulator, query: &str, key: Option<&str>) -> (StatusCode, Value, String) {
    let (s, v, h) = call_full(
        em,
        Method::GET,
        &format!("/api/datasets/export?{query}"),
        key,
        None,
    )
    .await;
    let ct = h
        .get("content-type")
        .and_then(|c| c.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (s, v, ct)
}

/// What the test expects to find in every format, read from `dataverse_json`.
struct Expected {
    title: String,
    authors: Vec<String>,
    pid: String,
    pid_url: String,
    date: String,
    subjects: Vec<String>,
}

fn expected(dv: &Value) -> Expected {
    let fields = dv["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array()
        .unwrap();
    let field = |n: &str| fields.iter().find(|f| f["typeName"] == n).unwrap()["value"].clone();
    Expected {
        title: field("title").as_str().unwrap().to_string(),
        authors: field("author")
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["authorName"]["value"].as_str().unwrap().to_string())
            .collect(),
        pid: dv["datasetVersion"]["datasetPersistentId"]
            .as_str()
            .unwrap()
            .to_string(),
        pid_url: dv["persistentUrl"].as_str().unwrap().to_string(),
        date: dv["publicationDate"].as_str().unwrap().to_string(),
        subjects: field("subject")
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    }
}

fn texts<'a>(doc: &'a roxmltree::Document<'a>, ns: &str, name: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name((ns, name)))
        .filter_map(|n| n.text())
        .collect()
}

/// A real `dataverse_json` export, from Dataverse's own test resources (Apache-2.0).
fn real_export(name: &str) -> Value {
    let dir = std::env::var_os("DATAVERSE_FIXTURES_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/dataverse-fixtures")
        });
    let path = dir.join("responses").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// The JSON type of a value, for comparing shapes.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `ours` has the keys of `real` in `real`'s order, less `only_real` (which `ours` must
/// lack) and plus `only_ours` (keys newer than the fixture's build, which `ours` must
/// have); every shared key holds a value of the same JSON type.
#[track_caller]
fn same_shape(what: &str, ours: &Value, real: &Value, only_real: &[&str], only_ours: &[&str]) {
    let ours_keys = keys(ours);
    for k in only_ours {
        assert!(ours_keys.contains(k), "{what}: no {k}");
    }
    let shared: Vec<&str> = ours_keys
        .into_iter()
        .filter(|k| !only_ours.contains(k))
        .collect();
    let expected: Vec<&str> = keys(real)
        .into_iter()
        .filter(|k| !only_real.contains(k))
        .collect();
    assert_eq!(shared, expected, "{what}: keys and their order");
    for k in expected {
        assert_eq!(
            kind(&ours[k]),
            kind(&real[k]),
            "{what}.{k}: {} against the real {}",
            ours[k],
            real[k]
        );
    }
}

#[tokio::test]
async fn dataverse_json_matches_the_fixture_shape() {
    let f = setup();
    let (s, v, ct) = export(
        &f.em,
        &format!("exporter=dataverse_json&persistentId={}", f.pid),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(ct, "application/json");
    // The real export of a published dataset with many citation fields (a 6.6-era build).
    // Our generated dataset has no tabular file, so no `UNF`; and the version's
    // `datasetType` (WIRE §4.3) is newer than that build. Nothing else may differ.
    let real = real_export("export-dataverse_json-published-max.json");
    same_shape("dataset", &v, &real, &[], &[]);
    let (dv, real_dv) = (&v["datasetVersion"], &real["datasetVersion"]);
    same_shape("datasetVersion", dv, real_dv, &["UNF"], &["datasetType"]);
    assert_eq!(dv["versionState"], "RELEASED");
    assert_eq!(dv["datasetType"], "dataset");
    same_shape("license", &dv["license"], &real_dv["license"], &[], &[]);
    let citation = &dv["metadataBlocks"]["citation"];
    let real_citation = &real_dv["metadataBlocks"]["citation"];
    same_shape("citation block", citation, real_citation, &[], &[]);
    // Every field is printed as Dataverse prints one: typeName, multiple, typeClass, value.
    let real_field = &real_citation["fields"][0];
    for field in citation["fields"].as_array().expect("fields") {
        assert_eq!(keys(field), keys(real_field), "{field}");
        for k in ["typeName", "multiple", "typeClass"] {
            assert_eq!(kind(&field[k]), kind(&real_field[k]), "{field}");
        }
    }

    let e = expected(&v);
    assert_eq!(e.title, TITLE);
    let citation = dv["citation"].as_str().unwrap();
    assert!(citation.contains(TITLE), "{citation}");
    assert!(
        citation.contains(&e.pid_url) && citation.ends_with(", V1"),
        "{citation}"
    );
    assert!(citation.starts_with(&e.authors.join("; ")), "{citation}");
}

#[tokio::test]
async fn every_exporter_answers_with_its_media_type_and_the_metadata() {
    let f = setup();
    let (_, dv, _) = export(
        &f.em,
        &format!("exporter=dataverse_json&persistentId={}", f.pid),
        None,
    )
    .await;
    let e = expected(&dv);
    let formats: Value =
        serde_json::from_str(include_str!("../data/info-exportFormats.json")).unwrap();
    let formats = formats["data"].as_object().unwrap();
    assert_eq!(formats.len(), 12);
    for (name, info) in formats {
        let (s, body, ct) = export(
            &f.em,
            &format!("exporter={name}&persistentId={}", f.pid),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{name}: {body}");
        assert_eq!(ct, info["mediaType"].as_str().unwrap(), "{name}");
        if ct == "application/xml" {
            let text = body.as_str().unwrap_or_else(|| panic!("{name}: not text"));
            let doc =
                roxmltree::Document::parse(text).unwrap_or_else(|x| panic!("{name}: {x}\n{text}"));
            let ns = info["XMLNameSpace"].as_str().unwrap();
            let root = doc.root_element();
            check_xml(name, ns, &doc, root, &e);
        } else if ct == "text/html" {
            let text = body.as_str().unwrap();
            assert!(text.contains("Cars &amp; &lt;Trucks&gt;"), "{text}");
            assert!(!text.contains(TITLE));
            let opts = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            };
            roxmltree::Document::parse_with_options(text, opts)
                .unwrap_or_else(|x| panic!("html: {x}"));
            assert!(text.contains(&e.pid));
        } else {
            assert!(body.is_object(), "{name}: {body}");
            let json = body.to_string();
            for a in &e.authors {
                assert!(
                    json.contains(&serde_json::to_string(a).unwrap()),
                    "{name}: {a}"
                );
            }
            match name.as_str() {
                "schema.org" => {
                    assert_eq!(body["@type"], "Dataset");
                    assert_eq!(body["@id"], e.pid_url.as_str());
                    assert_eq!(body["identifier"], e.pid_url.as_str());
                    assert_eq!(body["name"], TITLE);
                    assert_eq!(body["datePublished"], e.date.as_str());
                    assert_eq!(body["version"], "1");
                    assert_eq!(body["creator"].as_array().unwrap().len(), e.authors.len());
                    assert_eq!(body["creator"], body["author"]);
                    for s in &e.subjects {
                        assert!(
                            body["keywords"]
                                .as_array()
                                .unwrap()
                                .contains(&s.as_str().into())
                        );
                    }
                    assert_eq!(
                        body["license"],
                        "http://creativecommons.org/publicdomain/zero/1.0"
                    );
                    assert_eq!(body["publisher"]["@type"], "Organization");
                    assert_eq!(body["includedInDataCatalog"]["@type"], "DataCatalog");
                    assert!(body["distribution"].is_array());
                }
                "OAI_ORE" => {
                    assert_eq!(body["@type"], "ore:ResourceMap");
                    let d = &body["ore:describes"];
                    assert_eq!(d["@id"], e.pid_url.as_str());
                    assert_eq!(d["title"], TITLE);
                    assert_eq!(d["schema:name"], TITLE);
                    assert_eq!(d["schema:version"], "1.0");
                    assert_eq!(d["schema:datePublished"], e.date.as_str());
                    assert_eq!(d["schema:creativeWorkStatus"], "RELEASED");
                    assert!(d["ore:aggregates"].is_array());
                    assert_eq!(body["@context"]["title"], "http://purl.org/dc/terms/title");
                    assert_eq!(
                        body["@context"]["author"],
                        "http://purl.org/dc/terms/creator"
                    );
                    let keys: Vec<&str> = body
                        .as_object()
                        .unwrap()
                        .keys()
                        .map(String::as_str)
                        .collect();
                    assert_eq!(keys.first(), Some(&"dcterms:modified"));
                    assert_eq!(keys.last(), Some(&"@context"));
                }
                "croissant" | "croissantSlim" => {
                    assert_eq!(body["@type"], "sc:Dataset");
                    assert_eq!(body["name"], TITLE);
                    assert_eq!(body["url"], e.pid_url.as_str());
                    assert_eq!(body["datePublished"], e.date.as_str());
                    assert_eq!(body["version"], "1.0");
                    assert_eq!(body["@context"]["cr"], "http://mlcommons.org/croissant/");
                    assert_eq!(body.get("recordSet").is_some(), name == "croissant");
                    assert!(body["citeAs"].as_str().unwrap().starts_with("@data{"));
                }
                "dataverse_json" => assert_eq!(body, dv),
                other => panic!("unexpected JSON exporter {other}"),
            }
        }
    }
}

fn check_xml(
    name: &str,
    ns: &str,
    doc: &roxmltree::Document<'_>,
    root: roxmltree::Node<'_, '_>,
    e: &Expected,
) {
    match name {
        "oai_dc" | "dcterms" => {
            let dc = if name == "oai_dc" {
                assert!(root.has_tag_name((ns, "dc")));
                "http://purl.org/dc/elements/1.1/"
            } else {
                assert!(root.has_tag_name("metadata"));
                "http://purl.org/dc/terms/"
            };
            assert_eq!(texts(doc, dc, "title"), [TITLE]);
            assert_eq!(texts(doc, dc, "identifier"), [e.pid_url.as_str()]);
            assert_eq!(texts(doc, dc, "creator"), e.authors);
            assert_eq!(texts(doc, dc, "publisher").len(), 1);
            let date = if name == "oai_dc" { "date" } else { "issued" };
            assert_eq!(texts(doc, dc, date), [e.date.as_str()]);
            assert_eq!(texts(doc, dc, "description").len(), 1);
            for s in &e.subjects {
                assert!(
                    texts(doc, dc, "subject").contains(&s.as_str()),
                    "{name}: {s}"
                );
            }
            assert_eq!(texts(doc, dc, "type"), ["Dataset"]);
            assert_eq!(texts(doc, dc, "rights"), ["CC0 1.0"]);
        }
        "ddi" | "oai_ddi" => {
            assert!(root.has_tag_name((ns, "codeBook")));
            assert_eq!(root.attribute("version"), Some("2.5"));
            let stdy = root
                .children()
                .find(|n| n.has_tag_name((ns, "stdyDscr")))
                .unwrap();
            let titl: Vec<&str> = stdy
                .descendants()
                .filter(|n| n.has_tag_name((ns, "titl")))
                .filter_map(|n| n.text())
                .collect();
            assert_eq!(titl, [TITLE]);
            let idno = stdy
                .descendants()
                .find(|n| n.has_tag_name((ns, "IDNo")))
                .unwrap();
            assert_eq!(idno.attribute("agency"), Some("DOI"));
            assert_eq!(idno.text(), Some(e.pid.as_str()));
            let authors: Vec<&str> = stdy
                .descendants()
                .filter(|n| n.has_tag_name((ns, "AuthEnty")))
                .filter_map(|n| n.text())
                .collect();
            assert_eq!(authors, e.authors);
            assert!(
                stdy.descendants()
                    .filter(|n| n.has_tag_name((ns, "distDate")))
                    .any(|n| n.text() == Some(e.date.as_str()))
            );
            let version = stdy
                .descendants()
                .find(|n| n.has_tag_name((ns, "version")))
                .unwrap();
            assert_eq!(version.attribute("type"), Some("RELEASED"));
            assert_eq!(version.text(), Some("1.0"));
            let kw = texts(doc, ns, "keyword");
            for s in &e.subjects {
                assert!(kw.contains(&s.as_str()), "{s}");
            }
            assert_eq!(texts(doc, ns, "abstract").len(), 1);
            assert_eq!(texts(doc, ns, "titl").len(), 2, "docDscr and stdyDscr");
        }
        "Datacite" | "oai_datacite" => {
            assert!(root.has_tag_name((ns, "resource")));
            let id = root
                .children()
                .find(|n| n.has_tag_name((ns, "identifier")))
                .unwrap();
            assert_eq!(id.attribute("identifierType"), Some("DOI"));
            assert_eq!(Some(e.pid.trim_start_matches("doi:")), id.text());
            assert_eq!(texts(doc, ns, "creatorName"), e.authors);
            assert_eq!(texts(doc, ns, "title"), [TITLE]);
            assert_eq!(texts(doc, ns, "publicationYear"), [&e.date[..4]]);
            assert_eq!(texts(doc, ns, "publisher").len(), 1);
            let rt = root
                .children()
                .find(|n| n.has_tag_name((ns, "resourceType")))
                .unwrap();
            assert_eq!(rt.attribute("resourceTypeGeneral"), Some("Dataset"));
            for s in &e.subjects {
                assert!(texts(doc, ns, "subject").contains(&s.as_str()));
            }
            assert_eq!(texts(doc, ns, "description").len(), 1);
            assert!(texts(doc, ns, "rights").contains(&"CC0 1.0"));
            let location = root
                .attribute((
                    "http://www.w3.org/2001/XMLSchema-instance",
                    "schemaLocation",
                ))
                .unwrap();
            let kernel = if name == "Datacite" {
                "kernel-4.5"
            } else {
                "kernel-4.1"
            };
            assert!(location.contains(kernel), "{location}");
        }
        other => panic!("unexpected XML exporter {other}"),
    }
}

const BAD_VERSION: &str =
    "Unable to look up dataset based on version. Try :latest-published or :draft.";

#[tokio::test]
async fn version_parameter() {
    let f = setup();
    let q = |v: &str| format!("exporter=dataverse_json&persistentId={}&version={v}", f.pid);
    // `:latest` for a guest is the latest published version.
    for ok in [":latest-published", ":latest", "1", "1.0"] {
        let (s, v, _) = export(&f.em, &q(ok), None).await;
        assert_eq!(s, StatusCode::OK, "{ok}: {v}");
        assert_eq!(v["datasetVersion"]["versionNumber"], 1);
    }
    for bad in ["2", "0.9", "x", ""] {
        let (s, v, _) = export(&f.em, &q(bad), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_eq!(err(&v), BAD_VERSION);
    }
    // A published dataset without a draft: the lookup of :draft fails, a 400 too.
    let token = f.em.admin_token().unwrap();
    let (s, v, _) = export(&f.em, &q(":draft"), Some(&token)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(err(&v), BAD_VERSION);
}

#[tokio::test]
async fn drafts_need_permission() {
    let f = setup();
    let base = format!("exporter=ddi&persistentId={}", f.draft_pid);
    // Default :latest-published of a dataset never published: the lookup fails.
    let (s, v, _) = export(&f.em, &base, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(err(&v), BAD_VERSION);
    // A guest may not see the draft: the lookup fails as well (:latest finds nothing).
    for v in [":draft", ":latest"] {
        let (s, body, _) = export(&f.em, &format!("{base}&version={v}"), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}: {body}");
        assert_eq!(err(&body), BAD_VERSION);
    }
    // For the owner `:latest` is the draft.
    let token = f.em.admin_token().unwrap();
    let (s, v, _) = export(&f.em, &format!("{base}&version=:latest"), Some(&token)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.as_str().unwrap().contains("type=\"DRAFT\""), "{v}");
    let token = f.em.admin_token().unwrap();
    let (s, v, ct) = export(&f.em, &format!("{base}&version=:draft"), Some(&token)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(ct, "application/xml");
    let text = v.as_str().unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let version = doc
        .descendants()
        .find(|n| n.has_tag_name(("ddi:codebook:2_5", "version")))
        .unwrap();
    assert_eq!(version.attribute("type"), Some("DRAFT"));
    let (s, v, _) = export(
        &f.em,
        &format!(
            "exporter=dataverse_json&persistentId={}&version=:draft",
            f.draft_pid
        ),
        Some(&token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["datasetVersion"]["citation"]
            .as_str()
            .unwrap()
            .ends_with("DRAFT VERSION")
    );
    assert!(v.get("publicationDate").is_none());
}

#[tokio::test]
async fn errors() {
    let f = setup();
    let (s, v, ct) = export(
        &f.em,
        &format!("exporter=nope&persistentId={}", f.pid),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(ct, "application/json");
    assert_eq!(err(&v), "Export Failed");
    // Exporter names are case-sensitive.
    let (s, _, _) = export(&f.em, &format!("exporter=DDI&persistentId={}", f.pid), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v, _) = export(&f.em, &format!("persistentId={}", f.pid), None).await;
    assert_eq!((s, err(&v)), (StatusCode::FORBIDDEN, "Export Failed"));

    let (s, v, _) = export(
        &f.em,
        "exporter=ddi&persistentId=doi:10.5072/FK2/NOPE00",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        err(&v),
        "A dataset with the persistentId doi:10.5072/FK2/NOPE00 could not be found."
    );
    let (s, v, _) = export(&f.em, "exporter=ddi", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        err(&v),
        "A dataset with the persistentId null could not be found."
    );

    let (s, v, _) = export(
        &f.em,
        &format!("exporter=ddi&persistentId={}", f.pid),
        Some("bad-key"),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(err(&v), "Bad API key");

    // A valid key is fine on a public export.
    let token = f.em.admin_token().unwrap();
    let (s, _, _) = export(
        &f.em,
        &format!("exporter=ddi&persistentId={}", f.pid),
        Some(&token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}
