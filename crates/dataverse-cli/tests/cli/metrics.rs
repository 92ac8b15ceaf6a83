//! `dv metrics NAME`: counts, lists as a table, JSON and the server's CSV, and the errors.

use crate::common::{TestServer, ok, one_error_line, stdout};

#[test]
fn counts_lists_and_formats() {
    let s = TestServer::start();
    // A count: a number in a table, {"count": N} in JSON.
    let out = s
        .run(
            s.dv_anonymous()
                .args(["-o", "table", "metrics", "accounts"]),
        )
        .success();
    assert_eq!(stdout(&out).trim(), "1");
    assert_eq!(
        ok(&s, &["metrics", "dataverses"]),
        serde_json::json!({"count": 1})
    );
    assert_eq!(
        ok(&s, &["metrics", "datasets", "--past-days", "7"]),
        serde_json::json!({"count": 0})
    );
    assert_eq!(
        ok(&s, &["metrics", "files", "--to-month", "2020-01"]),
        serde_json::json!({"count": 0})
    );

    // A list: the server's CSV as it sent it, JSON rows, and a table.
    let out = s
        .run(
            s.dv_anonymous()
                .args(["-o", "csv", "metrics", "dataverses/bySubject"]),
        )
        .success();
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("subject,count"));
    assert_eq!(lines.next(), Some("\"Agricultural Sciences\",1"));
    assert_eq!(csv.lines().count(), 15);
    let rows = ok(&s, &["metrics", "dataverses/bySubject"]);
    assert_eq!(rows.as_array().map(Vec::len), Some(14));
    assert_eq!(
        rows[0],
        serde_json::json!({"subject": "Agricultural Sciences", "count": 1})
    );
    let table = stdout(
        &s.run(
            s.dv_anonymous()
                .args(["-o", "table", "metrics", "dataverses/byCategory"]),
        )
        .success(),
    );
    assert!(table.contains("Uncategorized"), "{table}");
    let monthly = ok(&s, &["metrics", "accounts/monthly"]);
    assert_eq!(monthly[0]["count"], 1);
}

#[test]
fn errors_are_one_line() {
    let s = TestServer::start();
    let line = one_error_line(&s.run(s.dv().args(["metrics", "planets"])).failure());
    assert!(line.contains("unknown metric \"planets\""), "{line}");
    let line = one_error_line(
        &s.run(
            s.dv()
                .args(["metrics", "files/byType", "--to-month", "2024-01"]),
        )
        .failure(),
    );
    assert!(
        line.contains("--to-month does not apply to files/byType"),
        "{line}"
    );
    let line = one_error_line(
        &s.run(
            s.dv()
                .args(["metrics", "datasets", "--to-month", "2999-01"]),
        )
        .failure(),
    );
    assert!(
        line.contains("The requested date is set past the current month."),
        "{line}"
    );
    let line = one_error_line(
        &s.run(s.dv().args(["metrics", "datasets", "--parent", "nosuch"]))
            .failure(),
    );
    assert!(line.contains("not found") || line.contains("404"), "{line}");
}
