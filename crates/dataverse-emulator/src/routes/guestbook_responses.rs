//! `GET /api/dataverses/{identifier}/guestbookResponses[?guestbookId=N]`
//! (`Dataverses.getGuestbookResponsesByDataverse`): a collection's guestbook responses as
//! the CSV `GuestbookResponseServiceBean` writes (`getGuestbookResults`,
//! `convertGuestbookResponsesToCSV`, `mapCustomQuestionAnswersAsStrings`,
//! `mapDatasetTitles`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;

use super::AppError;
use super::common::extract::Params;
use super::common::guards::find_collection;
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo};
use crate::permissions::{DvObject, Permission, permitted};
use crate::store::guestbook_responses::{self, CsvRow};
use crate::store::{datasets, files, time_fmt};

const HEADER: &str = "Guestbook, Dataset, Dataset PID, Date, Type, File Name, File Id, File PID, User Name, Email, Institution, Position, Custom Questions\n";

/// The handler: find the collection (404), `EditDataverse` on it (403), then the CSV.
pub(super) async fn csv(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    headers: HeaderMap,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    // `@QueryParam("guestbookId") Long`: empty is null, anything `Long.valueOf` refuses is
    // JAX-RS's 404 before the method runs.
    let gb = match p.get("guestbookId").map(String::as_str) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| ApiError::endpoint_not_found(&info))?,
        ),
    };
    let body = em
        .store()
        .read(move |conn| -> Result<String, AppError> {
            let c = find_collection(conn, &idtf)?;
            if !permitted(
                conn,
                &auth.caller,
                Permission::EditDataverse,
                DvObject::Collection(c.id),
            )? {
                return Err(ApiError::forbidden("Not authorized").into());
            }
            let mut out = String::from(HEADER);
            for row in guestbook_responses::of_collection(conn, c.id, gb)? {
                line(conn, &row, &mut out)?;
            }
            Ok(out)
        })
        .await?;
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, media_type(&headers));
    Ok(resp)
}

/// `convertGuestbookResponsesToCSV` for one row.
fn line(conn: &Connection, r: &CsvRow, out: &mut String) -> Result<(), AppError> {
    let ds = datasets::by_id(conn, r.dataset_id)?;
    let title = datasets::latest_title(conn, r.dataset_id)?;
    let file_pid = files::datafile(conn, r.datafile_id)?.and_then(|f| f.pid);
    let mut cells: Vec<String> = vec![
        escape_csv(r.guestbook.as_deref().unwrap_or("null")),
        title.as_deref().map(escape_csv).unwrap_or_default(),
        ds.map_or_else(
            || "N/A".to_string(),
            |d| pid(&d.protocol, &d.authority, &d.identifier),
        ),
        time_fmt::parse_iso_ms(&r.response_time)
            .map_or_else(|| "N/A".to_string(), time_fmt::java_month_day_year),
        r.event_type.clone(),
        escape_csv(&r.file_name),
        r.datafile_id.to_string(),
        file_pid
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "N/A".to_string()),
    ];
    for v in [&r.name, &r.email, &r.institution, &r.position] {
        cells.push(v.as_deref().map(escape_csv).unwrap_or_default());
    }
    out.push_str(&cells.join(","));
    for (q, a) in &r.answers {
        out.push(',');
        out.push_str(&escape_csv(q));
        out.push(',');
        out.push_str(&a.as_deref().map(escape_csv).unwrap_or_default());
    }
    out.push('\n');
    Ok(())
}

/// `formatPersistentIdentifier`: `protocol:authority/identifier`, or `N/A` when a part is
/// empty.
fn pid(protocol: &str, authority: &str, identifier: &str) -> String {
    if [protocol, authority, identifier]
        .iter()
        .any(|s| s.is_empty())
    {
        "N/A".to_string()
    } else {
        format!("{protocol}:{authority}/{identifier}")
    }
}

/// commons-text `StringEscapeUtils.escapeCsv`: quoted, with `"` doubled, when the value
/// holds a comma, a quote, CR or LF; else as it is.
fn escape_csv(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The media type JAX-RS gives `Response.ok(StreamingOutput)` from a method without
/// `@Produces` (JAX-RS 2.1 §3.8): the writer's types (`StreamingOutputProvider`:
/// `application/octet-stream`, `*/*`) met with the `Accept` ranges. A concrete range meets
/// `*/*` as itself; `*/*` and `application/*` meet `application/octet-stream` as that. The
/// concrete results are sorted by quality and the first wins, so the default `*/*` (or no
/// `Accept`) answers `application/octet-stream`.
fn media_type(headers: &HeaderMap) -> HeaderValue {
    let octet = "application/octet-stream";
    let mut candidates: Vec<(f32, String)> = Vec::new();
    let mut any = false;
    for r in headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        any = true;
        let mut parts = r.split(';');
        let Some(range) = parts.next().map(|x| x.trim().to_ascii_lowercase()) else {
            continue;
        };
        let Some((t, s)) = range.split_once('/') else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        match (t, s) {
            ("*", _) | ("application", "*") => candidates.push((q, octet.to_string())),
            (_, "*") => {}
            _ => candidates.push((q, range.clone())),
        }
    }
    if !any {
        return HeaderValue::from_static(octet);
    }
    // Stable: among equal qualities the range named first wins.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    candidates
        .into_iter()
        .find_map(|(_, range)| HeaderValue::from_str(&range).ok())
        .unwrap_or_else(|| HeaderValue::from_static(octet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_commons_text() {
        assert_eq!(escape_csv("plain text"), "plain text");
        assert_eq!(escape_csv("a,b"), "\"a,b\"");
        assert_eq!(escape_csv("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_csv("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn media_type_follows_accept() {
        let mut h = HeaderMap::new();
        assert_eq!(media_type(&h), "application/octet-stream");
        h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert_eq!(media_type(&h), "application/octet-stream");
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/csv;q=0.5, text/plain"),
        );
        assert_eq!(media_type(&h), "text/plain");
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/csv, */*;q=0.1"),
        );
        assert_eq!(media_type(&h), "text/csv");
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/csv;q=0.5, */*"),
        );
        assert_eq!(media_type(&h), "application/octet-stream");
    }
}
