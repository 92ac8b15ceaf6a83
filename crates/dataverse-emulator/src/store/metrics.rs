//! The counts behind `/api/info/metrics` (`MetricsServiceBean`): each query reads what the
//! Dataverse one reads (publication and release times, file metadata of released versions,
//! collection subjects, guestbook responses, accounts), restricted to a collection's
//! published subtree when a `parentAlias` names one.
//!
//! Months are `YYYY-MM` strings and times the store's ISO strings, so "released in or before
//! month M" is `substr(time, 1, 7) <= M`, and "in the past N days" is "after midnight (UTC)
//! N days ago", as Postgres' `current_date - interval 'N' day`.

use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use crate::Error;

// The event type of guestbook responses that record an access request, not a download.
use super::access_requests::EVENT_ACCESS_REQUEST as ACCESS_REQUEST;

/// `getCommaSeparatedIdStringForSubtree(d, "Dataverse")`: the published collections below
/// `d` and `d` itself, as an SQL list.
fn collection_subtree(conn: &Connection, d: i64) -> Result<String, Error> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE tree(id) AS (
             SELECT ?1 UNION ALL SELECT c.id FROM dataverses c JOIN tree t ON c.owner_id = t.id
         )
         SELECT id FROM dataverses WHERE id IN tree AND owner_id IS NOT NULL
           AND publication_date IS NOT NULL ORDER BY id",
    )?;
    let mut ids: Vec<String> = stmt
        .query_map([d], |r| r.get::<_, i64>(0))?
        .map(|r| r.map(|id| id.to_string()))
        .collect::<Result<_, _>>()?;
    ids.push(d.to_string());
    Ok(ids.join(","))
}

/// `getCommaSeparatedIdStringForSubtree(d, "Dataset")`: the published datasets anywhere
/// below `d`, as an SQL list (`null` when there are none).
fn dataset_subtree(conn: &Connection, d: i64) -> Result<String, Error> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE tree(id) AS (
             SELECT ?1 UNION ALL SELECT c.id FROM dataverses c JOIN tree t ON c.owner_id = t.id
         )
         SELECT id FROM datasets WHERE owner_id IN tree AND publication_date IS NOT NULL
         ORDER BY id",
    )?;
    let ids: Vec<String> = stmt
        .query_map([d], |r| r.get::<_, i64>(0))?
        .map(|r| r.map(|id| id.to_string()))
        .collect::<Result<_, _>>()?;
    Ok(if ids.is_empty() {
        "null".into()
    } else {
        ids.join(",")
    })
}

fn count(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<i64, Error> {
    Ok(conn.query_row(sql, params_from_iter(params.iter()), |r| r.get(0))?)
}

fn pairs(conn: &Connection, sql: &str) -> Result<Vec<(String, i64)>, Error> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A dataset's data location (`dataLocation`): local datasets, harvested ones, or both. The
/// emulator harvests nothing, so `remote` finds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataLocation {
    Local,
    Remote,
    All,
}

/// The period a count covers: up to the end of a month (`yyyy-MM`, the `toMonth` metrics)
/// or after a moment (the `pastDays` metrics).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Window<'a> {
    ToMonth(&'a str),
    Since(&'a str),
}

impl Window<'_> {
    /// The SQL condition on a timestamp column (the window's value is `?1`).
    fn on(&self, column: &str) -> String {
        match self {
            Window::ToMonth(_) => format!("substr({column}, 1, 7) <= ?1"),
            Window::Since(_) => format!("{column} > ?1"),
        }
    }

    fn value(&self) -> &str {
        match self {
            Window::ToMonth(v) | Window::Since(v) => v,
        }
    }
}

// ---- collections -------------------------------------------------------------------------

/// Published collections per month of publication (`getDataversesTimeSeries`).
pub(crate) fn dataverses_by_month(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let within = match d {
        Some(d) => format!("AND id IN ({})", collection_subtree(conn, d)?),
        None => String::new(),
    };
    pairs(
        conn,
        &format!(
            "SELECT substr(publication_date, 1, 7) AS m, count(*) FROM dataverses
             WHERE publication_date IS NOT NULL {within} GROUP BY m ORDER BY m"
        ),
    )
}

/// Published collections below `d` published in the window (`dataversesToMonth`,
/// `dataversesPastDays`).
pub(crate) fn dataverses_in(
    conn: &Connection,
    window: Window<'_>,
    d: Option<i64>,
) -> Result<i64, Error> {
    let within = match d {
        Some(d) => format!("AND owner_id IN ({})", collection_subtree(conn, d)?),
        None => String::new(),
    };
    count(
        conn,
        &format!(
            "SELECT count(*) FROM dataverses WHERE publication_date IS NOT NULL {within}
             AND {}",
            window.on("publication_date")
        ),
        &[&window.value()],
    )
}

/// Published collections by type (`dataversesByCategory`), most first.
pub(crate) fn dataverses_by_category(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let within = match d {
        Some(d) => format!("AND owner_id IN ({})", collection_subtree(conn, d)?),
        None => String::new(),
    };
    pairs(
        conn,
        &format!(
            "SELECT dataverse_type, count(*) AS n FROM dataverses
             WHERE publication_date IS NOT NULL {within}
             GROUP BY dataverse_type ORDER BY n DESC, dataverse_type"
        ),
    )
}

/// Collections (published or not) by subject (`dataversesBySubject`), most first; ties in
/// the vocabulary's order.
pub(crate) fn dataverses_by_subject(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let within = match d {
        Some(d) => format!("WHERE dataverse_id IN ({})", collection_subtree(conn, d)?),
        None => String::new(),
    };
    pairs(
        conn,
        &format!(
            "SELECT subject, count(*) AS n FROM dataverse_subjects {within}
             GROUP BY subject ORDER BY n DESC, min(rowid)"
        ),
    )
}

// ---- datasets ----------------------------------------------------------------------------

/// The datasets a data location and subtree select, as an SQL condition on `dataset_id`.
fn dataset_filter(conn: &Connection, loc: DataLocation, d: Option<i64>) -> Result<String, Error> {
    if loc == DataLocation::Remote {
        return Ok("0".into());
    }
    Ok(match d {
        Some(d) => format!(
            "dataset_id IN (SELECT id FROM datasets WHERE publication_date IS NOT NULL
                            AND owner_id IN ({}))",
            collection_subtree(conn, d)?
        ),
        None => "dataset_id IN (SELECT id FROM datasets WHERE publication_date IS NOT NULL)".into(),
    })
}

/// Datasets per month of their first released version (`getDatasetsTimeSeries`).
pub(crate) fn datasets_by_month(
    conn: &Connection,
    loc: DataLocation,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let filter = dataset_filter(conn, loc, d)?;
    pairs(
        conn,
        &format!(
            "SELECT m, count(*) FROM (
                 SELECT min(substr(coalesce(release_time, create_time), 1, 7)) AS m, dataset_id
                 FROM dataset_versions WHERE state = 'RELEASED' AND {filter} GROUP BY dataset_id
             ) GROUP BY m ORDER BY m"
        ),
    )
}

/// Datasets with a version released in the window (`datasetsToMonth`,
/// `datasetsPastDays`).
pub(crate) fn datasets_in(
    conn: &Connection,
    window: Window<'_>,
    loc: DataLocation,
    d: Option<i64>,
) -> Result<i64, Error> {
    let filter = dataset_filter(conn, loc, d)?;
    count(
        conn,
        &format!(
            "SELECT count(DISTINCT dataset_id) FROM dataset_versions
             WHERE state = 'RELEASED' AND {filter} AND {}",
            window.on("release_time")
        ),
        &[&window.value()],
    )
}

/// Datasets by subject of their latest version released in `month` or earlier
/// (`datasetsBySubjectToMonth`), most first; ties in the vocabulary's order (`vocabulary`).
pub(crate) fn datasets_by_subject(
    conn: &Connection,
    month: &str,
    loc: DataLocation,
    d: Option<i64>,
    vocabulary: &[String],
) -> Result<Vec<(String, i64)>, Error> {
    let filter = dataset_filter(conn, loc, d)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT v.metadata_blocks FROM dataset_versions v
         WHERE v.id IN (
             SELECT (SELECT id FROM dataset_versions x
                     WHERE x.dataset_id = o.dataset_id AND x.state = 'RELEASED'
                       AND substr(x.release_time, 1, 7) <= ?1
                     ORDER BY x.version_number DESC, x.minor_version_number DESC LIMIT 1)
             FROM (SELECT DISTINCT dataset_id FROM dataset_versions WHERE {filter}) o
         )"
    ))?;
    let blocks = stmt.query_map([month], |r| r.get::<_, String>(0))?;
    let mut counts: Vec<(String, i64)> = Vec::new();
    for text in blocks {
        let text = text?;
        let mut seen: Vec<String> = Vec::new();
        for s in subjects_of(&text) {
            if seen.contains(&s) {
                continue;
            }
            match counts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, n)) => *n += 1,
                None => counts.push((s.clone(), 1)),
            }
            seen.push(s);
        }
    }
    let rank = |s: &str| vocabulary.iter().position(|v| v == s).unwrap_or(usize::MAX);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(rank(&a.0).cmp(&rank(&b.0))));
    Ok(counts)
}

/// The `subject` values of a wire-form `metadataBlocks` text.
fn subjects_of(blocks: &str) -> Vec<String> {
    let Ok(blocks) = serde_json::from_str::<Value>(blocks) else {
        return Vec::new();
    };
    let Some(fields) = blocks
        .get("citation")
        .and_then(|c| c.get("fields"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|f| f.get("typeName").and_then(Value::as_str) == Some("subject"))
        .filter_map(|f| f.get("value"))
        .flat_map(|v| match v {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        })
        .collect()
}

// ---- files -------------------------------------------------------------------------------

/// The files of released versions of published local datasets under `d`, as an SQL
/// condition on a version's `dataset_id` (column `v.dataset_id`).
fn file_filter(conn: &Connection, d: Option<i64>) -> Result<String, Error> {
    Ok(match d {
        Some(d) => format!(
            "v.dataset_id IN (SELECT id FROM datasets WHERE publication_date IS NOT NULL
                              AND owner_id IN ({}))",
            collection_subtree(conn, d)?
        ),
        None => {
            "v.dataset_id IN (SELECT id FROM datasets WHERE publication_date IS NOT NULL)".into()
        }
    })
}

/// Files per month of the first released version listing them (`filesTimeSeries`).
pub(crate) fn files_by_month(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let filter = file_filter(conn, d)?;
    pairs(
        conn,
        &format!(
            "SELECT m, count(*) FROM (
                 SELECT substr(coalesce(v.release_time, v.create_time), 1, 7) AS m
                 FROM filemetadatas f JOIN dataset_versions v ON v.id = f.version_id
                 WHERE v.state = 'RELEASED' AND {filter}
                   AND f.id = (SELECT min(g.id) FROM filemetadatas g
                               JOIN dataset_versions w ON w.id = g.version_id
                               WHERE g.datafile_id = f.datafile_id AND w.state = 'RELEASED')
             ) GROUP BY m ORDER BY m"
        ),
    )
}

/// Files listed by a version released in `month` or earlier (`filesToMonth`).
pub(crate) fn files_to_month(conn: &Connection, month: &str, d: Option<i64>) -> Result<i64, Error> {
    let filter = file_filter(conn, d)?;
    count(
        conn,
        &format!(
            "SELECT count(DISTINCT f.datafile_id)
             FROM filemetadatas f JOIN dataset_versions v ON v.id = f.version_id
             WHERE v.state = 'RELEASED' AND {filter} AND substr(v.release_time, 1, 7) <= ?1"
        ),
        &[&month],
    )
}

/// Files of each dataset's latest version released after `since` (`filesPastDays`).
pub(crate) fn files_since(conn: &Connection, since: &str, d: Option<i64>) -> Result<i64, Error> {
    let filter = file_filter(conn, d)?;
    count(
        conn,
        &format!(
            "SELECT count(*) FROM filemetadatas f WHERE f.version_id IN (
                 SELECT (SELECT x.id FROM dataset_versions x
                         WHERE x.dataset_id = v.dataset_id AND x.state = 'RELEASED'
                           AND x.release_time > ?1
                         ORDER BY x.version_number DESC, x.minor_version_number DESC LIMIT 1)
                 FROM (SELECT DISTINCT dataset_id FROM dataset_versions) v WHERE {filter}
             )"
        ),
        &[&since],
    )
}

/// Per content type: files of released versions (once per version listing them) and their
/// total size (`filesByType`).
pub(crate) fn files_by_type(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, i64, i64)>, Error> {
    let within = match d {
        Some(d) => format!("AND df.dataset_id IN ({})", dataset_subtree(conn, d)?),
        None => String::new(),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT df.content_type, count(df.id), coalesce(sum(df.filesize), 0)
         FROM datafiles df JOIN filemetadatas f ON f.datafile_id = df.id
         JOIN dataset_versions v ON v.id = f.version_id
         WHERE v.state = 'RELEASED' {within}
         GROUP BY df.content_type ORDER BY df.content_type"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Per month of publication and content type: published files and their size
/// (`filesByTypeTimeSeries`).
pub(crate) fn files_by_type_and_month(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, String, i64, i64)>, Error> {
    let within = match d {
        Some(d) => format!("AND dataset_id IN ({})", dataset_subtree(conn, d)?),
        None => String::new(),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT substr(publication_date, 1, 7) AS m, content_type, count(id),
                coalesce(sum(filesize), 0)
         FROM datafiles WHERE publication_date IS NOT NULL {within}
         GROUP BY content_type, m ORDER BY m, content_type"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---- downloads (guestbook responses) -----------------------------------------------------

fn download_filter(
    conn: &Connection,
    column: &str,
    d: Option<i64>,
    datasets: bool,
) -> Result<String, Error> {
    Ok(match d {
        None => String::new(),
        Some(d) if datasets => format!("AND {column} IN ({})", dataset_subtree(conn, d)?),
        Some(d) => format!(
            "AND {column} IN (SELECT id FROM datasets WHERE owner_id IN ({}))",
            collection_subtree(conn, d)?
        ),
    })
}

/// The earliest dated guestbook response, if any.
pub(crate) fn first_download(conn: &Connection) -> Result<Option<String>, Error> {
    Ok(conn.query_row(
        "SELECT min(response_time) FROM guestbook_responses",
        [],
        |r| r.get(0),
    )?)
}

/// Downloads (not access requests) up to `month`, undated ones included
/// (`downloadsToMonth`, once a month at or after the first dated one is asked for).
pub(crate) fn downloads_to_month(
    conn: &Connection,
    month: &str,
    d: Option<i64>,
) -> Result<i64, Error> {
    let within = download_filter(conn, "dataset_id", d, true)?;
    count(
        conn,
        &format!(
            "SELECT count(*) FROM guestbook_responses
             WHERE (substr(response_time, 1, 7) <= ?1 OR response_time IS NULL)
               AND event_type != ?2 {within}"
        ),
        &[&month, &ACCESS_REQUEST],
    )
}

/// Downloads after `since` (`downloadsPastDays`).
pub(crate) fn downloads_since(
    conn: &Connection,
    since: &str,
    d: Option<i64>,
) -> Result<i64, Error> {
    let within = download_filter(conn, "dataset_id", d, true)?;
    count(
        conn,
        &format!(
            "SELECT count(*) FROM guestbook_responses
             WHERE response_time > ?1 AND event_type != ?2 {within}"
        ),
        &[&since, &ACCESS_REQUEST],
    )
}

/// Downloads per month, undated ones in `undated_month` (`downloadsTimeSeries`).
pub(crate) fn downloads_by_month(
    conn: &Connection,
    undated_month: &str,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let within = download_filter(conn, "dataset_id", d, true)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT coalesce(substr(response_time, 1, 7), ?1) AS m, count(*)
         FROM guestbook_responses WHERE event_type != ?2 {within} GROUP BY m ORDER BY m"
    ))?;
    let rows = stmt.query_map([undated_month, ACCESS_REQUEST], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One file's downloads: its id, PID (when it has one) and count.
pub(crate) type FileDownloads = (i64, Option<String>, i64);

/// Per file: downloads up to `month` (or distinct downloaders when `unique`: Dataverse
/// counts distinct emails, here distinct users, all guests as one, as their empty emails),
/// most first (`fileDownloads`).
pub(crate) fn file_downloads(
    conn: &Connection,
    month: &str,
    d: Option<i64>,
    unique: bool,
) -> Result<Vec<FileDownloads>, Error> {
    let within = download_filter(conn, "g.dataset_id", d, true)?;
    let what = if unique {
        "DISTINCT coalesce(g.user_id, 0)"
    } else {
        "*"
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT g.datafile_id, count({what}) AS n FROM guestbook_responses g
         JOIN datafiles df ON df.id = g.datafile_id
         WHERE substr(g.response_time, 1, 7) <= ?1 AND g.event_type != ?2 {within}
         GROUP BY g.datafile_id ORDER BY n DESC, g.datafile_id"
    ))?;
    let rows = stmt.query_map([month, ACCESS_REQUEST], |r| {
        Ok((r.get(0)?, None, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One month's downloads of one file: the month, the file's id, PID and count.
pub(crate) type MonthlyFileDownloads = (String, i64, Option<String>, i64);

/// Per month and file: downloads (or distinct emails when `unique`), ordered by month
/// (`fileDownloadsTimeSeries`).
pub(crate) fn file_downloads_by_month(
    conn: &Connection,
    d: Option<i64>,
    unique: bool,
) -> Result<Vec<MonthlyFileDownloads>, Error> {
    let within = download_filter(conn, "g.dataset_id", d, true)?;
    let what = if unique {
        "DISTINCT coalesce(g.user_id, 0)"
    } else {
        "*"
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT substr(g.response_time, 1, 7) AS m, g.datafile_id, count({what})
         FROM guestbook_responses g JOIN datafiles df ON df.id = g.datafile_id
         WHERE g.event_type != ?1 {within} GROUP BY g.datafile_id, m ORDER BY m"
    ))?;
    let rows = stmt.query_map([ACCESS_REQUEST], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get(1)?,
            None,
            r.get(2)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The PID of a dataset (`protocol:authority/identifier`).
const DATASET_PID: &str = "ds.protocol || ':' || ds.authority || '/' || ds.identifier";

/// Per dataset PID: distinct downloaders' emails up to `month`, most first
/// (`uniqueDatasetDownloads`).
pub(crate) fn unique_downloads(
    conn: &Connection,
    month: &str,
    d: Option<i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let within = download_filter(conn, "g.dataset_id", d, false)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {DATASET_PID}, count(DISTINCT coalesce(g.user_id, 0)) AS n
         FROM guestbook_responses g JOIN datasets ds ON ds.id = g.dataset_id
         WHERE substr(g.response_time, 1, 7) <= ?1 AND g.event_type != ?2 {within}
         GROUP BY g.dataset_id ORDER BY n DESC, g.dataset_id"
    ))?;
    let rows = stmt.query_map([month, ACCESS_REQUEST], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Per month and dataset PID: distinct downloaders' emails (`uniqueDownloadsTimeSeries`).
pub(crate) fn unique_downloads_by_month(
    conn: &Connection,
    d: Option<i64>,
) -> Result<Vec<(String, String, i64)>, Error> {
    let within = download_filter(conn, "g.dataset_id", d, false)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT substr(g.response_time, 1, 7) AS m, {DATASET_PID}, count(DISTINCT coalesce(g.user_id, 0))
         FROM guestbook_responses g JOIN datasets ds ON ds.id = g.dataset_id
         WHERE g.event_type != ?1 {within} GROUP BY g.dataset_id, m ORDER BY m"
    ))?;
    let rows = stmt.query_map([ACCESS_REQUEST], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get(1)?,
            r.get(2)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---- accounts ----------------------------------------------------------------------------

/// Accounts created in the window (`accountsToMonth`, `accountsPastDays`).
pub(crate) fn accounts_in(conn: &Connection, window: Window<'_>) -> Result<i64, Error> {
    count(
        conn,
        &format!(
            "SELECT count(*) FROM users WHERE {}",
            window.on("created_time")
        ),
        &[&window.value()],
    )
}

/// Accounts per month of creation (`accountsTimeSeries`).
pub(crate) fn accounts_by_month(conn: &Connection) -> Result<Vec<(String, i64)>, Error> {
    pairs(
        conn,
        "SELECT substr(created_time, 1, 7) AS m, count(*) FROM users GROUP BY m ORDER BY m",
    )
}
