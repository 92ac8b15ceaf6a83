//! Metrics (`/api/info/metrics`) against the embedded Dataverse: the counts and lists
//! through the library, the CSV-or-JSON answer chosen by `Accept` (checked with plain
//! HTTP), and Dataverse's errors for bad parameters.

mod common;

use dataverse_client::api::metrics::{DataLocation, Metric, MetricList};
use dataverse_client::models::collections::CollectionCreateBody;
use dataverse_client::models::datasets::{LockType, ReleaseType};
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

/// This month, `YYYY-MM` (UTC, as the server counts).
fn this_month() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}")
}

async fn get(base: &str, path: &str, accept: Option<&str>) -> (u16, String, String) {
    let mut rb = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(a) = accept {
        rb = rb.header("Accept", a);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ct, resp.text().await.unwrap())
}

fn message(e: &Error) -> String {
    e.api_error().map(|a| a.message.clone()).unwrap_or_default()
}

/// A published collection `lab` holding a published finch dataset; an unpublished draft
/// in root.
async fn populate(api: &NativeApi) -> String {
    api.create_collection(":root", &CollectionCreateBody::new("Lab", "lab", "l@b.org"))
        .await
        .unwrap();
    api.publish_collection("lab").await.unwrap();
    let ds = api
        .create_dataset("lab", &finch(), None, false)
        .await
        .unwrap();
    api.publish_dataset(ds.persistent_id.as_str(), ReleaseType::Major)
        .await
        .unwrap();
    // Publication is finalized in the background, as in Dataverse.
    api.wait_for_unlock(
        ds.persistent_id.as_str(),
        LockType::FinalizePublication,
        std::time::Duration::from_secs(30),
    )
    .await
    .unwrap();
    api.create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    ds.persistent_id
}

#[tokio::test]
async fn counts_and_lists_through_the_library() {
    let server = TestServer::start().await;
    let api = server.admin();
    let anon = common::client(&server.base_url, None);
    let m = anon.metrics();
    // A fresh installation: the published root collection, the admin account.
    assert_eq!(m.total(Metric::Dataverses).await.unwrap(), 1);
    assert_eq!(m.total(Metric::Datasets).await.unwrap(), 0);
    assert_eq!(m.total(Metric::Accounts).await.unwrap(), 1);
    // Root carries every subject of the citation block.
    let subjects = m.dataverses_by_subject().await.unwrap();
    assert_eq!(subjects.len(), 14);
    assert_eq!(
        subjects[0].subject.as_deref(),
        Some("Agricultural Sciences")
    );
    assert!(subjects.iter().all(|r| r.count == Some(1)));
    // No dataset has ever been released: Dataverse's time series fails on no rows.
    let e = m.monthly(Metric::Datasets).await.unwrap_err();
    assert!(matches!(e, Error::Server(_)), "{e:?}");

    let pid = populate(&api).await;
    let month = this_month();
    assert_eq!(m.total(Metric::Dataverses).await.unwrap(), 2);
    assert_eq!(
        m.total(Metric::Datasets).await.unwrap(),
        1,
        "drafts do not count"
    );
    assert_eq!(m.to_month(Metric::Datasets, &month).await.unwrap(), 1);
    assert_eq!(m.to_month(Metric::Datasets, "2000-01").await.unwrap(), 0);
    assert_eq!(m.past_days(Metric::Datasets, 1).await.unwrap(), 1);
    assert_eq!(m.past_days(Metric::Dataverses, 30).await.unwrap(), 2);
    assert_eq!(m.total(Metric::Files).await.unwrap(), 0);
    assert_eq!(m.total(Metric::Downloads).await.unwrap(), 0);
    assert_eq!(
        m.clone()
            .data_location(DataLocation::Remote)
            .total(Metric::Datasets)
            .await
            .unwrap(),
        0,
        "nothing is harvested"
    );
    assert_eq!(
        m.clone()
            .data_location(DataLocation::All)
            .total(Metric::Datasets)
            .await
            .unwrap(),
        1
    );
    let monthly = m.monthly(Metric::Datasets).await.unwrap();
    assert_eq!(monthly.len(), 1);
    assert_eq!(monthly[0].date.as_deref(), Some(month.as_str()));
    assert_eq!(monthly[0].count, Some(1));
    let by_subject = m.datasets_by_subject(None).await.unwrap();
    assert_eq!(by_subject.len(), 1);
    assert_eq!(
        by_subject[0].subject.as_deref(),
        Some("Medicine, Health and Life Sciences")
    );
    assert!(
        m.datasets_by_subject(Some("2000-01"))
            .await
            .unwrap()
            .is_empty()
    );
    let categories = m.dataverses_by_category().await.unwrap();
    assert_eq!(categories.len(), 1);
    assert_eq!(categories[0].category.as_deref(), Some("Uncategorized"));
    assert_eq!(categories[0].count, Some(2), "root and lab");

    // parentAlias: the subtree of a published collection; an unpublished one counts all.
    let lab = anon.metrics().parent_alias("lab");
    assert_eq!(lab.total(Metric::Datasets).await.unwrap(), 1);
    assert_eq!(lab.total(Metric::Dataverses).await.unwrap(), 0);
    api.create_collection(
        ":root",
        &CollectionCreateBody::new("Empty", "empty", "e@b.org"),
    )
    .await
    .unwrap();
    api.publish_collection("empty").await.unwrap();
    let empty = anon.metrics().parent_alias("empty");
    assert_eq!(empty.total(Metric::Datasets).await.unwrap(), 0);
    let e = anon
        .metrics()
        .parent_alias("nosuch")
        .total(Metric::Datasets)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");

    // The server's CSV as text, and the typed rows of the same list.
    let csv = m.csv(MetricList::DatasetsBySubject).await.unwrap();
    assert_eq!(
        csv,
        "subject,count\n\"Medicine, Health and Life Sciences\",1"
    );
    assert!(pid.starts_with("doi:"));
    server.stop().await;
}

#[tokio::test]
async fn csv_or_json_by_accept_and_errors_in_dataverse_words() {
    let server = TestServer::start().await;
    let base = server.base_url.clone();
    populate(&server.admin()).await;
    let month = this_month();

    // CSV by default: header, quoted strings, no final newline, a download file name.
    let (s, ct, body) = get(&base, "/api/info/metrics/datasets/monthly", None).await;
    assert_eq!(s, 200);
    assert_eq!(ct, "text/csv");
    assert_eq!(body, format!("date,count\n\"{month}\",1"));
    let (_, _, any) = get(&base, "/api/info/metrics/datasets/monthly", Some("*/*")).await;
    assert_eq!(any, body);
    // JSON when asked, in the usual envelope.
    let (s, ct, body) = get(
        &base,
        "/api/info/metrics/datasets/monthly",
        Some("application/json"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"status": "OK", "data": [{"date": month, "count": 1}]})
    );
    let (_, ct, _) = get(
        &base,
        "/api/info/metrics/dataverses/bySubject",
        Some("text/csv;q=0.5, application/json"),
    )
    .await;
    assert!(ct.starts_with("application/json"), "{ct}");
    // Neither: 406.
    let (s, _, body) = get(&base, "/api/info/metrics/files/byType", Some("text/html")).await;
    assert_eq!(s, 406, "{body}");
    assert!(body.contains("API endpoint does not accept your request."));
    // Counts are JSON whatever is asked.
    let (s, ct, body) = get(&base, "/api/info/metrics/datasets", Some("text/csv")).await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    assert!(body.contains("\"count\":1"), "{body}");

    // Errors.
    let bad = [
        (
            "/api/info/metrics/datasets/toMonth/2024-13",
            400,
            "Bad Request. The API request cannot be completed with the parameters supplied. Details: The expected format is YYYY-MM but an exception was thrown: Text '2024-13' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13 - please check your code for typos, or consult our API guide at http://guides.dataverse.org.",
        ),
        (
            "/api/info/metrics/files/toMonth/2999-01",
            400,
            "Bad Request. The API request cannot be completed with the parameters supplied. Details: The requested date is set past the current month. - please check your code for typos, or consult our API guide at http://guides.dataverse.org.",
        ),
        (
            "/api/info/metrics/datasets/pastDays/0",
            400,
            "Invalid parameter for number of days.",
        ),
        (
            "/api/info/metrics/datasets?dataLocation=moon",
            400,
            "Bad Request. The API request cannot be completed with the parameters supplied. Details: Data location must be 'local', 'remote', or 'all' - please check your code for typos, or consult our API guide at http://guides.dataverse.org.",
        ),
        (
            "/api/info/metrics/files?dataLocation=local",
            400,
            "queryParameter dataLocation not supported for this endpont",
        ),
        (
            "/api/info/metrics/accounts?parentAlias=lab",
            400,
            "queryParameter parentAlias not supported for this endpont",
        ),
        (
            "/api/info/metrics/datasets/pastDays/week",
            404,
            "API endpoint does not exist on this server. Please check your code for typos, or consult our API guide at http://guides.dataverse.org.",
        ),
        (
            "/api/info/metrics/datasets?parentAlias=nosuch",
            404,
            "API endpoint does not exist on this server. Please check your code for typos, or consult our API guide at http://guides.dataverse.org.",
        ),
    ];
    for (path, status, text) in bad {
        let (s, _, body) = get(&base, path, None).await;
        assert_eq!(s, status, "{path}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["status"], "ERROR", "{path}");
        assert_eq!(v["message"], text, "{path}");
    }

    // The library checks months and days before sending, and reports the server's words.
    let api = common::client(&server.base_url, None);
    assert!(matches!(
        api.metrics().to_month(Metric::Files, "2024-1").await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        api.metrics().past_days(Metric::Files, 0).await,
        Err(Error::InvalidArgument(_))
    ));
    let e = api
        .metrics()
        .to_month(Metric::Files, "2999-01")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)));
    assert!(message(&e).contains("The requested date is set past the current month."));
    server.stop().await;
}
