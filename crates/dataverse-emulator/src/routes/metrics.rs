//! `/api/info/metrics/*` (`Metrics.java`): counts of collections, datasets, files,
//! downloads and accounts, in total, up to a month, over the past days, per month and by
//! category, subject or content type; restricted to a published collection's subtree with
//! `parentAlias`. Lists answer CSV unless the `Accept` header prefers JSON, as Dataverse's
//! `Request.selectVariant` decides; single counts are always JSON.
//!
//! Not emulated: `makeDataCount/*` (no Make Data Count data is kept) and `tree`. Dataverse
//! caches each answer for `:MetricsCacheTimeoutMinutes`; the emulator computes every answer
//! afresh.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rusqlite::Connection;
use serde_json::{Map, Value, json};
use time::{Date, Month, OffsetDateTime};

use super::AppError;
use super::common::extract::Params;
use crate::Emulator;
use crate::envelope::{ApiError, INTERNAL_ERROR, RequestInfo, ok};
use crate::java_hash;
use crate::store::collections;
use crate::store::metrics::{self as m, DataLocation};

/// The metric families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Dataverses,
    Datasets,
    Files,
    Downloads,
    Accounts,
}

impl Family {
    /// The query parameters its endpoints accept.
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Family::Datasets => &["dataLocation", "parentAlias"],
            Family::Accounts => &[],
            _ => &["parentAlias"],
        }
    }
}

/// The lists (arrays answered as CSV or JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Monthly(Family),
    DataversesByCategory,
    DataversesBySubject,
    DatasetsBySubject,
    FilesByType,
    FilesByTypeMonthly,
    FileDownloads,
    FileDownloadsMonthly,
    UniqueDownloads,
    UniqueDownloadsMonthly,
    UniqueFileDownloads,
    UniqueFileDownloadsMonthly,
}

impl List {
    fn allowed(self) -> &'static [&'static str] {
        match self {
            List::Monthly(f) => f.allowed(),
            List::DatasetsBySubject => Family::Datasets.allowed(),
            _ => &["parentAlias"],
        }
    }

    /// CSV columns and download file name (`jsonArrayOfObjectsToCSV` and `ok(..., name)`).
    fn csv(self) -> (&'static [&'static str], &'static str) {
        const DATE_COUNT: &[&str] = &["date", "count"];
        match self {
            List::Monthly(Family::Dataverses) => (DATE_COUNT, "dataverses.timeseries.csv"),
            List::Monthly(Family::Datasets) => (DATE_COUNT, "datasets.timeseries.csv"),
            List::Monthly(Family::Files) => (DATE_COUNT, "datafiles.timeseries.csv"),
            List::Monthly(Family::Downloads) => (DATE_COUNT, "downloads.timeseries.csv"),
            List::Monthly(Family::Accounts) => (DATE_COUNT, "accounts.timeseries.csv"),
            List::DataversesByCategory => (&["category", "count"], "dataverses.byCategory.csv"),
            List::DataversesBySubject => (&["subject", "count"], "dataverses.bySubject.csv"),
            List::DatasetsBySubject => (&["subject", "count"], "datasets.bySubject.csv"),
            List::FilesByType => (&["contenttype", "count", "size"], "datafiles.byType.csv"),
            List::FilesByTypeMonthly => (
                &["date", "contenttype", "count", "size"],
                "datafiles.byType.timeseries.csv",
            ),
            List::FileDownloads => (&["id", "pid", "count"], "filedownloads.csv"),
            List::FileDownloadsMonthly => (
                &["date", "id", "pid", "count"],
                "filedownloads.timeseries.csv",
            ),
            List::UniqueDownloads => (&["pid", "count"], "uniquedownloads.csv"),
            List::UniqueDownloadsMonthly => {
                (&["date", "pid", "count"], "uniquedownloads.timeseries.csv")
            }
            List::UniqueFileDownloads => (&["id", "pid", "count"], "uniquefiledownloads.csv"),
            List::UniqueFileDownloadsMonthly => (
                &["date", "id", "pid", "count"],
                "uniquefiledownloads.timeseries.csv",
            ),
        }
    }
}

/// Every metrics endpoint.
pub(super) fn routes() -> Router<Emulator> {
    use Family::*;
    let mut r = Router::new();
    for (name, family) in [
        ("dataverses", Dataverses),
        ("datasets", Datasets),
        ("files", Files),
        ("downloads", Downloads),
        ("accounts", Accounts),
    ] {
        let base = format!("/api/info/metrics/{name}");
        r = r
            .route(&base, get(move |s, p, i| to_month(family, None, s, p, i)))
            .route(
                &format!("{base}/toMonth/{{month}}"),
                get(move |s, Path(month): Path<String>, p, i| {
                    to_month(family, Some(month), s, p, i)
                }),
            )
            .route(
                &format!("{base}/pastDays/{{days}}"),
                get(move |s, Path(days): Path<String>, p, i| past_days(family, days, s, p, i)),
            )
            .route(
                &format!("{base}/monthly"),
                get(move |s, p, i, h| list(List::Monthly(family), None, s, p, i, h)),
            );
    }
    for (path, which) in [
        ("dataverses/byCategory", List::DataversesByCategory),
        ("dataverses/bySubject", List::DataversesBySubject),
        ("datasets/bySubject", List::DatasetsBySubject),
        ("files/byType", List::FilesByType),
        ("files/byType/monthly", List::FilesByTypeMonthly),
        ("filedownloads", List::FileDownloads),
        ("filedownloads/monthly", List::FileDownloadsMonthly),
        ("uniquedownloads", List::UniqueDownloads),
        ("uniquedownloads/monthly", List::UniqueDownloadsMonthly),
        ("uniquefiledownloads", List::UniqueFileDownloads),
        (
            "uniquefiledownloads/monthly",
            List::UniqueFileDownloadsMonthly,
        ),
    ] {
        r = r.route(
            &format!("/api/info/metrics/{path}"),
            get(move |s, p, i, h| list(which, None, s, p, i, h)),
        );
    }
    for (path, which) in [
        ("datasets/bySubject", List::DatasetsBySubject),
        ("filedownloads", List::FileDownloads),
        ("uniquedownloads", List::UniqueDownloads),
        ("uniquefiledownloads", List::UniqueFileDownloads),
    ] {
        r = r.route(
            &format!("/api/info/metrics/{path}/toMonth/{{month}}"),
            get(move |s, Path(month): Path<String>, p, i, h| list(which, Some(month), s, p, i, h)),
        );
    }
    r
}

// ---- the checks, in Dataverse's order ----------------------------------------------------

/// `findDataverseOrDieIfNotFound`: a `parentAlias` (alias or `:root`) that names no
/// collection is the 404 of an unknown endpoint; an unpublished one counts as none.
fn parent(
    conn: &Connection,
    p: &HashMap<String, String>,
    info: &RequestInfo,
) -> Result<Option<i64>, ApiError> {
    let Some(alias) = p.get("parentAlias") else {
        return Ok(None);
    };
    let found = if alias.eq_ignore_ascii_case(":root") {
        collections::root(conn)?
    } else {
        collections::by_alias(conn, alias)?
    };
    match found {
        None => Err(ApiError::endpoint_not_found(info)),
        Some(c) if c.is_released => Ok(Some(c.id)),
        Some(_) => Ok(None),
    }
}

/// `errorIfUnrecongizedQueryParamPassed`.
fn only(p: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    let mut keys: Vec<&String> = p.keys().collect();
    keys.sort();
    match keys.into_iter().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_request(format!(
            "queryParameter {k} not supported for this endpont"
        ))),
        None => Ok(()),
    }
}

/// A `BadRequestException` as `WebApplicationExceptionHandler` answers it.
fn bad_request_exception(detail: &str, info: &RequestInfo) -> ApiError {
    ApiError::builder(
        StatusCode::BAD_REQUEST,
        &format!(
            "Bad Request. The API request cannot be completed with the parameters supplied. Details: {detail} - please check your code for typos, or consult our API guide at http://guides.dataverse.org."
        ),
        Some(info),
    )
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// `YYYY-MM` of a date.
fn month_of(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// `MetricsUtil.sanitizeYearMonthUserInput`: `YearMonth.parse(s, "yyyy-MM")` with
/// `DateTimeParseException`'s wording, then no month after the current one.
fn sanitize_month(input: &str, info: &RequestInfo) -> Result<String, ApiError> {
    let parsed = parse_year_month(input).map_err(|e| {
        bad_request_exception(
            &format!("The expected format is YYYY-MM but an exception was thrown: {e}"),
            info,
        )
    })?;
    let (year, month) = parsed;
    let t = today();
    if (year, month) > (i64::from(t.year()), u8::from(t.month())) {
        return Err(bad_request_exception(
            "The requested date is set past the current month.",
            info,
        ));
    }
    Ok(format!("{year:04}-{month:02}"))
}

/// `YearMonth.parse(text, ofPattern("yyyy-MM"))`: a year of four to nineteen digits (a sign
/// only when more than four follow), `-`, a two-digit month; the messages of
/// `DateTimeParseException`.
fn parse_year_month(text: &str) -> Result<(i64, u8), String> {
    let shown = if text.chars().count() > 64 {
        format!("{}...", text.chars().take(64).collect::<String>())
    } else {
        text.to_string()
    };
    let at = |i: usize| format!("Text '{shown}' could not be parsed at index {i}");
    let b = text.as_bytes();
    let mut i = 0;
    let sign = match b.first() {
        Some(b'+') => Some(true),
        Some(b'-') => Some(false),
        _ => None,
    };
    if sign.is_some() {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() && i - start < 19 {
        i += 1;
    }
    let digits = i - start;
    if digits < 4 || (sign == Some(true) && digits <= 4) || (sign == Some(false) && digits > 4) {
        return Err(at(0));
    }
    let year: i64 = text[start..i]
        .parse::<i64>()
        .map_err(|_| at(0))
        .map(|y| if sign == Some(false) { -y } else { y })?;
    if b.get(i) != Some(&b'-') {
        return Err(at(i));
    }
    i += 1;
    if !(i + 2 <= b.len() && b[i].is_ascii_digit() && b[i + 1].is_ascii_digit()) {
        return Err(at(i));
    }
    let month: u8 = text[i..i + 2].parse().map_err(|_| at(i))?;
    i += 2;
    if i < b.len() {
        return Err(format!(
            "Text '{shown}' could not be parsed, unparsed text found at index {i}"
        ));
    }
    if !(1..=999_999_999).contains(&year) {
        return Err(format!(
            "Text '{shown}' could not be parsed: Invalid value for YearOfEra (valid values 1 - 999999999/1000000000): {year}"
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(format!(
            "Text '{shown}' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): {month}"
        ));
    }
    Ok((year, month))
}

/// `MetricsUtil.validateDataLocationStringType`.
fn data_location(
    p: &HashMap<String, String>,
    info: &RequestInfo,
) -> Result<DataLocation, ApiError> {
    match p.get("dataLocation").map(String::as_str) {
        None | Some("") | Some("local") => Ok(DataLocation::Local),
        Some("remote") => Ok(DataLocation::Remote),
        Some("all") => Ok(DataLocation::All),
        Some(_) => Err(bad_request_exception(
            "Data location must be 'local', 'remote', or 'all'",
            info,
        )),
    }
}

/// A `{days}` path parameter of type `int`: anything else is the 404 of an unknown endpoint.
fn java_int(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `current_date - interval 'N' day` as an ISO time.
fn since(days: i32) -> String {
    let start = today() - time::Duration::days(i64::from(days));
    format!("{}T00:00:00Z", start)
}

/// Dataverse's 500 for an exception out of `MetricsServiceBean` (an EJB, so wrapped).
fn ejb_failure(cause: &str, info: &RequestInfo) -> AppError {
    let mut e = ApiError::builder(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_ERROR, None);
    e.insert("incidentId", uuid::Uuid::new_v4().to_string().into());
    e.insert("internalError", "EJBException".into());
    e.insert("internalCause", cause.into());
    e.insert("requestUrl", info.url.clone().into());
    e.insert("requestMethod", info.method.as_str().into());
    e.into()
}

// ---- the handlers ------------------------------------------------------------------------

/// `GET .../{family}` (the current month) and `.../{family}/toMonth/{yyyy-MM}`: `{"count":N}`.
async fn to_month(
    family: Family,
    month: Option<String>,
    State(em): State<Emulator>,
    Params(p): Params,
    info: RequestInfo,
) -> Result<Response, AppError> {
    let v = em
        .store()
        .read(move |conn| -> Result<i64, AppError> {
            let d = if family == Family::Accounts {
                None
            } else {
                parent(conn, &p, &info)?
            };
            only(&p, family.allowed())?;
            let month = match month {
                Some(mm) => sanitize_month(&mm, &info)?,
                None => month_of(today()),
            };
            Ok(match family {
                Family::Dataverses => m::dataverses_in(conn, m::Window::ToMonth(&month), d)?,
                Family::Datasets => {
                    let loc = data_location(&p, &info)?;
                    m::datasets_in(conn, m::Window::ToMonth(&month), loc, d)?
                }
                Family::Files => m::files_to_month(conn, &month, d)?,
                Family::Downloads => match m::first_download(conn)? {
                    // Asking for a month that starts before the first dated download is 0.
                    Some(first) if format!("{month}-01T00:00:00Z") >= first => {
                        m::downloads_to_month(conn, &month, d)?
                    }
                    _ => 0,
                },
                Family::Accounts => m::accounts_in(conn, m::Window::ToMonth(&month))?,
            })
        })
        .await?;
    Ok(ok(json!({ "count": v })))
}

/// `GET .../{family}/pastDays/{days}`: `{"count":N}`.
async fn past_days(
    family: Family,
    days: String,
    State(em): State<Emulator>,
    Params(p): Params,
    info: RequestInfo,
) -> Result<Response, AppError> {
    let Some(days) = java_int(&days) else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    let v = em
        .store()
        .read(move |conn| -> Result<i64, AppError> {
            let d = if family == Family::Accounts {
                None
            } else {
                parent(conn, &p, &info)?
            };
            only(&p, family.allowed())?;
            if days < 1 {
                return Err(ApiError::bad_request("Invalid parameter for number of days.").into());
            }
            let after = since(days);
            Ok(match family {
                Family::Dataverses => m::dataverses_in(conn, m::Window::Since(&after), d)?,
                Family::Datasets => {
                    let loc = data_location(&p, &info)?;
                    m::datasets_in(conn, m::Window::Since(&after), loc, d)?
                }
                Family::Files => m::files_since(conn, &after, d)?,
                Family::Downloads => m::downloads_since(conn, &after, d)?,
                Family::Accounts => m::accounts_in(conn, m::Window::Since(&after))?,
            })
        })
        .await?;
    Ok(ok(json!({ "count": v })))
}

/// The answer's media type, as JAX-RS's `Request.selectVariant` picks it among
/// `text/csv` and `application/json` (`None`: neither is acceptable, a 406).
fn variant(headers: &HeaderMap) -> Option<bool> {
    let accept: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    // (type, subtype, quality) in the order given; none means `*/*`.
    let mut ranges: Vec<(String, String, f32)> = accept
        .iter()
        .filter_map(|r| {
            let mut parts = r.split(';');
            let (t, s) = parts.next()?.trim().split_once('/')?;
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((
                t.trim().to_ascii_lowercase(),
                s.trim().to_ascii_lowercase(),
                q,
            ))
        })
        .collect();
    if ranges.is_empty() {
        ranges.push(("*".into(), "*".into(), 1.0));
    }
    let specificity = |t: &str, s: &str| match (t, s) {
        ("*", _) => 0,
        (_, "*") => 1,
        _ => 2,
    };
    ranges.sort_by(|a, b| {
        b.2.partial_cmp(&a.2)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(specificity(&b.0, &b.1).cmp(&specificity(&a.0, &a.1)))
    });
    let matches = |(t, s): (&str, &str), (rt, rs): (&str, &str)| {
        (rt == "*" || rt == t) && (rs == "*" || rs == s)
    };
    for (t, s, q) in &ranges {
        if *q <= 0.0 {
            continue;
        }
        // An explicit q=0 for a variant excludes it even under a wildcard.
        let excluded = |v: (&str, &str)| {
            ranges
                .iter()
                .any(|(rt, rs, rq)| *rq <= 0.0 && rt == v.0 && rs == v.1)
        };
        for (is_json, v) in [(false, ("text", "csv")), (true, ("application", "json"))] {
            if matches(v, (t, s)) && !excluded(v) {
                return Some(is_json);
            }
        }
    }
    None
}

/// `FileUtil.jsonArrayOfObjectsToCSV`: a header line of the column names, then each
/// object's values as JSON (strings quoted), `null` for a missing one; no final newline.
fn to_csv(rows: &[Value], columns: &[&str]) -> String {
    let mut out = columns.join(",");
    for row in rows {
        out.push('\n');
        let cells: Vec<String> = columns
            .iter()
            .map(|c| row.get(*c).map_or_else(|| "null".into(), Value::to_string))
            .collect();
        out.push_str(&cells.join(","));
    }
    out
}

/// The months from `start` through the last one that began before today
/// (`MetricsUtil.getDatesFrom`).
fn dates_from(start: &str) -> Vec<String> {
    let mut dates = vec![start.to_string()];
    let Some((y, mo)) = start
        .split_once('-')
        .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u8>().ok()?)))
    else {
        return dates;
    };
    let t = today();
    let (mut y, mut mo) = (y, mo);
    loop {
        (y, mo) = if mo >= 12 { (y + 1, 1) } else { (y, mo + 1) };
        let Ok(month) = Month::try_from(mo) else {
            break;
        };
        let Ok(first) = Date::from_calendar_date(y, month, 1) else {
            break;
        };
        if first >= t {
            break;
        }
        dates.push(format!("{y:04}-{mo:02}"));
    }
    dates
}

/// `MetricsUtil.timeSeriesToJson`: the running total per month from the first month with a
/// count, months with a zero total left out. No rows at all fail as in Dataverse.
fn time_series(rows: &[(String, i64)], info: &RequestInfo) -> Result<Vec<Value>, AppError> {
    let Some(first) = rows.first() else {
        return Err(ejb_failure("ArrayIndexOutOfBoundsException", info));
    };
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0;
    for date in dates_from(&first.0) {
        if i < rows.len() && rows[i].0 == date {
            total += rows[i].1;
            i += 1;
        }
        if total != 0 {
            out.push(json!({"date": date, "count": total}));
        }
    }
    Ok(out)
}

/// The running totals per key of the keyed time series (`timeSeriesByTypeToJson`,
/// `timeSeriesByPIDToJson`, `timeSeriesByIDAndPIDToJson`): for every month, one object per
/// key seen so far, keys in the order of Java's `HashMap` of them.
/// Running sums by name (`count`, `size`).
type Sums = Vec<(&'static str, i64)>;

/// One row of a keyed time series: month, key, the key's Java hash, its sums.
type KeyedRow = (String, Value, i32, Sums);

fn keyed_series(
    rows: Vec<KeyedRow>,
    key_name: &'static str,
    extra: impl Fn(&Value) -> Vec<(&'static str, Value)>,
    info: &RequestInfo,
) -> Result<Vec<Value>, AppError> {
    let Some(first) = rows.first() else {
        return Err(ejb_failure("ArrayIndexOutOfBoundsException", info));
    };
    // key, its hash, and its running sums.
    let mut keys: Vec<(Value, i32, Sums)> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    for date in dates_from(&first.0) {
        while i < rows.len() && rows[i].0 == date {
            let (_, key, hash, sums) = &rows[i];
            match keys.iter_mut().find(|k| k.0 == *key) {
                Some(k) => {
                    for (slot, (_, add)) in k.2.iter_mut().zip(sums) {
                        slot.1 += add;
                    }
                }
                None => keys.push((key.clone(), *hash, sums.clone())),
            }
            i += 1;
        }
        let hashes: Vec<i32> = keys.iter().map(|k| k.1).collect();
        for at in java_hash::order(&hashes) {
            let (key, _, sums) = &keys[at];
            let mut obj = Map::new();
            obj.insert("date".into(), date.clone().into());
            obj.insert(key_name.into(), key.clone());
            for (name, value) in extra(key) {
                obj.insert(name.into(), value);
            }
            for (name, sum) in sums {
                obj.insert((*name).into(), (*sum).into());
            }
            out.push(Value::Object(obj));
        }
    }
    Ok(out)
}

/// The month before the first dated guestbook response (where undated ones are counted).
fn month_before(first: &str) -> String {
    let y: i32 = first.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(1970);
    let mo: u8 = first.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let (y, mo) = if mo <= 1 { (y - 1, 12) } else { (y, mo - 1) };
    format!("{y:04}-{mo:02}")
}

/// The friendly name of a collection type (`Dataverse.getFriendlyCategoryName`).
fn category_name(t: &str) -> &'static str {
    match t {
        "RESEARCHERS" => "Researcher",
        "RESEARCH_PROJECTS" => "Research Project",
        "JOURNALS" => "Journal",
        "ORGANIZATIONS_INSTITUTIONS" => "Organization or Institution",
        "TEACHING_COURSES" => "Teaching Course",
        "LABORATORY" => "Laboratory",
        "RESEARCH_GROUP" => "Research Group",
        "DEPARTMENT" => "Department",
        "UNCATEGORIZED" => "Uncategorized",
        _ => "",
    }
}

fn id_pid(id: i64, pid: Option<String>) -> Vec<(&'static str, Value)> {
    let mut v = vec![("id", Value::from(id))];
    if let Some(pid) = pid {
        v.push(("pid", pid.into()));
    }
    v
}

/// Every list endpoint: the checks, the rows, then CSV or JSON as negotiated.
async fn list(
    which: List,
    month: Option<String>,
    State(em): State<Emulator>,
    Params(p): Params,
    info: RequestInfo,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(json_wanted) = variant(&headers) else {
        let mut e = ApiError::builder(
            StatusCode::NOT_ACCEPTABLE,
            "API endpoint does not accept your request. Consult our API guide at http://guides.dataverse.org.",
            Some(&info),
        );
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map_or(Value::Null, |v| Value::String(v.to_string()));
        e.insert("requestContentType", ct);
        return Err(e.into());
    };
    let vocabulary: Vec<String> = em
        .blocks()
        .field_anywhere("subject")
        .and_then(|(b, i)| b.fields.get(i))
        .map(|f| f.cv_values.clone())
        .unwrap_or_default();
    let rows = em
        .store()
        .read(move |conn| -> Result<Vec<Value>, AppError> {
            let d = if which == List::Monthly(Family::Accounts) {
                None
            } else {
                parent(conn, &p, &info)?
            };
            only(&p, which.allowed())?;
            rows_of(conn, which, month, d, &p, &info, &vocabulary)
        })
        .await?;
    if json_wanted {
        return Ok(ok(Value::Array(rows)));
    }
    let (columns, file) = which.csv();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename={file}"),
            ),
        ],
        to_csv(&rows, columns),
    )
        .into_response())
}

fn rows_of(
    conn: &Connection,
    which: List,
    month: Option<String>,
    d: Option<i64>,
    p: &HashMap<String, String>,
    info: &RequestInfo,
    vocabulary: &[String],
) -> Result<Vec<Value>, AppError> {
    let pairs = |rows: Vec<(String, i64)>, key: &str| -> Vec<Value> {
        rows.into_iter()
            .map(|(k, n)| json!({ key: k, "count": n }))
            .collect()
    };
    let current = || month_of(today());
    Ok(match which {
        List::Monthly(family) => {
            let rows = match family {
                Family::Dataverses => m::dataverses_by_month(conn, d)?,
                Family::Datasets => {
                    let loc = data_location(p, info)?;
                    m::datasets_by_month(conn, loc, d)?
                }
                Family::Files => m::files_by_month(conn, d)?,
                Family::Downloads => {
                    let Some(first) = m::first_download(conn)? else {
                        return Err(ejb_failure("NoResultException", info));
                    };
                    m::downloads_by_month(conn, &month_before(&first), d)?
                }
                Family::Accounts => m::accounts_by_month(conn)?,
            };
            time_series(&rows, info)?
        }
        List::DataversesByCategory => m::dataverses_by_category(conn, d)?
            .into_iter()
            .map(|(t, n)| json!({"category": category_name(&t), "count": n}))
            .collect(),
        List::DataversesBySubject => pairs(m::dataverses_by_subject(conn, d)?, "subject"),
        List::DatasetsBySubject => {
            let month = match month {
                Some(mm) => sanitize_month(&mm, info)?,
                None => current(),
            };
            let loc = data_location(p, info)?;
            pairs(
                m::datasets_by_subject(conn, &month, loc, d, vocabulary)?,
                "subject",
            )
        }
        List::FilesByType => m::files_by_type(conn, d)?
            .into_iter()
            .map(|(t, n, size)| json!({"contenttype": t, "count": n, "size": size}))
            .collect(),
        List::FilesByTypeMonthly => {
            let rows = m::files_by_type_and_month(conn, d)?
                .into_iter()
                .map(|(mo, t, n, size)| {
                    let h = java_hash::string_hash(&t);
                    (mo, Value::from(t), h, vec![("count", n), ("size", size)])
                })
                .collect();
            keyed_series(rows, "contenttype", |_| Vec::new(), info)?
        }
        List::FileDownloads | List::UniqueFileDownloads => {
            let month = match month {
                Some(mm) => sanitize_month(&mm, info)?,
                None => current(),
            };
            let unique = which == List::UniqueFileDownloads;
            m::file_downloads(conn, &month, d, unique)?
                .into_iter()
                .map(|(id, pid, n)| {
                    let mut obj: Map<String, Value> = id_pid(id, pid)
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect();
                    obj.insert("count".into(), n.into());
                    Value::Object(obj)
                })
                .collect()
        }
        List::FileDownloadsMonthly | List::UniqueFileDownloadsMonthly => {
            let unique = which == List::UniqueFileDownloadsMonthly;
            let rows = m::file_downloads_by_month(conn, d, unique)?;
            let pids: HashMap<i64, Option<String>> =
                rows.iter().map(|r| (r.1, r.2.clone())).collect();
            let rows = rows
                .into_iter()
                .map(|(mo, id, _, n)| {
                    (
                        mo,
                        Value::from(id),
                        java_hash::long_hash(id),
                        vec![("count", n)],
                    )
                })
                .collect();
            // `{date, id, pid?, count}`: the key is the id, its PID beside it.
            keyed_series(
                rows,
                "id",
                |key| {
                    key.as_i64()
                        .and_then(|id| pids.get(&id).cloned().flatten())
                        .map(|pid| vec![("pid", Value::from(pid))])
                        .unwrap_or_default()
                },
                info,
            )?
        }
        List::UniqueDownloads => {
            let month = match month {
                Some(mm) => sanitize_month(&mm, info)?,
                None => current(),
            };
            pairs(m::unique_downloads(conn, &month, d)?, "pid")
        }
        List::UniqueDownloadsMonthly => {
            let rows = m::unique_downloads_by_month(conn, d)?
                .into_iter()
                .map(|(mo, pid, n)| {
                    let h = java_hash::string_hash(&pid);
                    (mo, Value::from(pid), h, vec![("count", n)])
                })
                .collect();
            keyed_series(rows, "pid", |_| Vec::new(), info)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_parsing_answers_like_java() {
        assert_eq!(parse_year_month("2024-05"), Ok((2024, 5)));
        assert_eq!(
            parse_year_month("2024-5"),
            Err("Text '2024-5' could not be parsed at index 5".into())
        );
        assert_eq!(
            parse_year_month("24-05"),
            Err("Text '24-05' could not be parsed at index 0".into())
        );
        assert_eq!(
            parse_year_month("2024/05"),
            Err("Text '2024/05' could not be parsed at index 4".into())
        );
        assert_eq!(
            parse_year_month("2024-05-01"),
            Err("Text '2024-05-01' could not be parsed, unparsed text found at index 7".into())
        );
        assert_eq!(
            parse_year_month("2024-13"),
            Err("Text '2024-13' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13".into())
        );
    }

    #[test]
    fn csv_quotes_strings_and_ends_without_newline() {
        let rows = vec![json!({"date": "2024-05", "count": 3}), json!({"count": 1})];
        assert_eq!(
            to_csv(&rows, &["date", "count"]),
            "date,count\n\"2024-05\",3\nnull,1"
        );
    }

    #[test]
    fn accept_picks_csv_by_default_and_json_when_preferred() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT, v.parse().unwrap());
            m
        };
        assert_eq!(variant(&HeaderMap::new()), Some(false));
        assert_eq!(variant(&h("*/*")), Some(false));
        assert_eq!(variant(&h("application/json")), Some(true));
        assert_eq!(variant(&h("text/csv;q=0.5, application/json")), Some(true));
        assert_eq!(variant(&h("application/json, text/csv")), Some(true));
        assert_eq!(variant(&h("text/*")), Some(false));
        assert_eq!(variant(&h("*/*, text/csv;q=0")), Some(true));
        assert_eq!(variant(&h("text/html")), None);
    }

    #[test]
    fn months_run_to_the_current_one() {
        let now = month_of(today());
        let dates = dates_from(&now);
        assert_eq!(dates, vec![now]);
        assert_eq!(month_before("2024-01-15T00:00:00Z"), "2023-12");
    }
}
