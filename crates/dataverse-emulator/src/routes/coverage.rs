//! The coverage page: `COVERAGE.md` (at the repository root) is generated from
//! `coverage/endpoints.tsv` (every endpoint of Dataverse 6.11, listed by
//! `coverage/extract.py` from the JAX-RS annotations), and the table is checked against
//! the router: each endpoint is called with placeholder ids, and one the table calls
//! `missing` must get the router's own "no such endpoint" answer, one it calls `emulated`
//! or `partial` must not.
//!
//! After editing the table: `UPDATE_COVERAGE=1 cargo test -p dataverse-emulator coverage`
//! rewrites `COVERAGE.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request};
use tower::ServiceExt;

use crate::envelope::Unrouted;
use crate::{Config, Emulator};

const TABLE: &str = include_str!("../../coverage/endpoints.tsv");

/// One row of the table.
#[derive(Debug)]
struct Row {
    line: usize,
    method: String,
    path: String,
    family: String,
    status: Status,
    note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Emulated,
    Partial,
    Missing,
}

impl Status {
    fn parse(s: &str) -> Option<Status> {
        match s {
            "emulated" => Some(Status::Emulated),
            "partial" => Some(Status::Partial),
            "missing" => Some(Status::Missing),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Status::Emulated => "emulated",
            Status::Partial => "partial",
            Status::Missing => "missing",
        }
    }
}

fn rows() -> Vec<Row> {
    let mut out = Vec::new();
    let mut header_seen = false;
    for (i, line) in TABLE.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            assert!(line.starts_with("method\tpath"), "header expected: {line}");
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert!(
            (4..=5).contains(&cells.len()),
            "endpoints.tsv line {}: expected method, path, family, status[, note]: {line:?}",
            i + 1
        );
        let status = Status::parse(cells[3]).unwrap_or_else(|| {
            panic!(
                "endpoints.tsv line {}: status {:?} is not emulated, partial or missing",
                i + 1,
                cells[3]
            )
        });
        out.push(Row {
            line: i + 1,
            method: cells[0].to_string(),
            path: cells[1].to_string(),
            family: cells[2].to_string(),
            status,
            note: cells.get(4).unwrap_or(&"").trim().to_string(),
        });
    }
    out
}

/// `emulated`, `partial`, `missing` counts.
#[derive(Default, Clone, Copy)]
struct Counts([usize; 3]);

impl Counts {
    fn add(&mut self, s: Status) {
        self.0[s as usize] += 1;
    }
    fn total(&self) -> usize {
        self.0.iter().sum()
    }
    fn answered(&self) -> usize {
        self.0[0] + self.0[1]
    }
}

/// Whether an endpoint belongs to the admin API (`/api/admin`, blocked by default).
fn is_admin(row: &Row) -> bool {
    row.path == "/api/admin" || row.path.starts_with("/api/admin/")
}

/// `COVERAGE.md` as the table says.
fn render(rows: &[Row]) -> String {
    let mut families: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let (mut all, mut non_admin) = (Counts::default(), Counts::default());
    for r in rows {
        families.entry(r.family.to_lowercase()).or_default().push(r);
        all.add(r.status);
        if !is_admin(r) {
            non_admin.add(r.status);
        }
    }
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(
        w,
        "# Coverage of the Dataverse 6.11 API by the embedded server\n"
    );
    let _ = writeln!(
        w,
        "Every endpoint of Dataverse 6.11 (IQSS/dataverse at tag `v6.11`, read from the JAX-RS \
         `@Path`/`@GET`/`@POST`/`@PUT`/`@DELETE` annotations of its `api` package) and whether \
         `dv serve` (the embedded local Dataverse) answers it:\n"
    );
    let _ = writeln!(
        w,
        "- **emulated**: answered as Dataverse answers it;\n\
         - **partial**: answered, with the differences in the note;\n\
         - **missing**: not emulated (the server answers Dataverse's 404 for an unknown \
         endpoint).\n"
    );
    let _ = writeln!(
        w,
        "Generated from [`crates/dataverse-emulator/coverage/endpoints.tsv`]\
         (crates/dataverse-emulator/coverage/endpoints.tsv) by the emulator's coverage test, \
         which also calls every endpoint on the server and fails when the router answers one \
         the table calls missing or misses one it calls emulated or partial. The table's \
         endpoint list comes from `coverage/extract.py`. Do not edit this page by hand.\n"
    );
    let _ = writeln!(w, "## Totals\n");
    let _ = writeln!(
        w,
        "| endpoints | emulated | partial | missing | answered |\n|---|---:|---:|---:|---:|"
    );
    for (label, c) in [
        ("all", all),
        ("all but the admin API (`/api/admin/...`)", non_admin),
    ] {
        let _ = writeln!(
            w,
            "| {label} ({}) | {} | {} | {} | {} of {} |",
            c.total(),
            c.0[0],
            c.0[1],
            c.0[2],
            c.answered(),
            c.total()
        );
    }
    let _ = writeln!(w, "\n## By family\n");
    let _ = writeln!(
        w,
        "| family (resource class) | endpoints | emulated | partial | missing |\n|---|---:|---:|---:|---:|"
    );
    for list in families.values() {
        let mut c = Counts::default();
        list.iter().for_each(|r| c.add(r.status));
        let name = &list[0].family;
        let _ = writeln!(
            w,
            "| [{name}](#{}) | {} | {} | {} | {} |",
            name.to_lowercase(),
            c.total(),
            c.0[0],
            c.0[1],
            c.0[2]
        );
    }
    for list in families.values() {
        let name = &list[0].family;
        let _ = writeln!(w, "\n## {name}\n");
        let _ = writeln!(w, "| method | path | status | note |\n|---|---|---|---|");
        for r in list {
            let status = match r.status {
                Status::Missing => "missing".to_string(),
                s => format!("**{}**", s.as_str()),
            };
            let _ = writeln!(
                w,
                "| {} | `{}` | {status} | {} |",
                r.method,
                r.path,
                r.note.replace('|', "\\|")
            );
        }
    }
    md
}

fn coverage_md_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../COVERAGE.md")
}

#[test]
fn coverage_md_is_generated_from_the_table() {
    let rows = rows();
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        assert!(
            seen.insert((r.method.as_str(), r.path.as_str())),
            "endpoints.tsv line {}: {} {} is listed twice",
            r.line,
            r.method,
            r.path
        );
    }
    let expected = render(&rows);
    let path = coverage_md_path();
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &expected).expect("write COVERAGE.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "COVERAGE.md is not what coverage/endpoints.tsv says; regenerate it with \
         `UPDATE_COVERAGE=1 cargo test -p dataverse-emulator coverage`"
    );
}

/// The path with each `{name}` replaced by a placeholder id.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "1"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_router_answers_exactly_the_endpoints_the_table_covers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let em = Emulator::open(Config::new(dir.path())).expect("open");
    // A loopback client with no key: the admin API's policy lets it through, and every
    // write is refused for want of a user, so the calls leave the store as it was.
    let router = em
        .router()
        .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let mut wrong = Vec::new();
    for r in rows() {
        let method = Method::from_bytes(r.method.as_bytes()).expect("method");
        let uri = concrete(&r.path);
        let mut req = Request::builder().method(method.clone()).uri(&uri);
        let body = if matches!(method, Method::POST | Method::PUT) {
            req = req.header("content-type", "application/json");
            Body::from("{}")
        } else {
            Body::empty()
        };
        let resp = router
            .clone()
            .oneshot(req.body(body).expect("request"))
            .await
            .expect("infallible");
        let routed = resp.extensions().get::<Unrouted>().is_none();
        let listed = r.status != Status::Missing;
        if routed != listed {
            wrong.push(format!(
                "  line {}: {} {} is `{}` in the table, but the server {} ({} {uri} answered {})",
                r.line,
                r.method,
                r.path,
                r.status.as_str(),
                if routed {
                    "answers it: mark it emulated or partial"
                } else {
                    "has no route for it: mark it missing, or route it"
                },
                r.method,
                resp.status()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "crates/dataverse-emulator/coverage/endpoints.tsv disagrees with the router in {} rows:\n{}\n\
         (edit the status column, then `UPDATE_COVERAGE=1 cargo test -p dataverse-emulator coverage`)",
        wrong.len(),
        wrong.join("\n")
    );
}
