//! Download sizes and counts: `GET /api/datasets/{id}/versions/{v}/downloadsize`
//! (`Datasets.getDownloadSize`) and `GET /api/files/{id}/downloadCount`
//! (`Files.getFileDownloadCount`, counting guestbook responses other than access requests),
//! and `GET /api/files/{id}/dataTables` (`Files.getFileDataTables`: the variables and
//! summary statistics of an ingested file, computed from its stored `.tab`).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::AppError;
use super::common::extract::Params;
use super::common::guards::{find_file, latest_visible};
use super::files::{access_of, filtered};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, msg, ok};
use crate::permissions::denied;
use crate::store::access_requests;

/// `FileDownloadSizeMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeMode {
    /// Archival and original sizes of tabular files.
    All,
    /// Original sizes of tabular files.
    Original,
    /// Archival (`.tab`) sizes of tabular files.
    Archival,
}

/// A number as `MessageFormat` prints a `long`: grouped by thousands with commas.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub(super) async fn download_size(
    State(em): State<Emulator>,
    Path((idtf, spec)): Path<(String, String)>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let access = access_of(&p)?;
    let mode = match p.get("mode").map(String::as_str) {
        None | Some("All") => SizeMode::All,
        Some("Original") => SizeMode::Original,
        Some("Archival") => SizeMode::Archival,
        Some(other) => {
            return Err(ApiError::bad_request(format!("Invalid mode: {other}")).into());
        }
    };
    let total = em
        .store()
        .read(move |conn| -> Result<i64, AppError> {
            let (_, rows) = filtered(conn, &auth.caller, (&idtf, &spec), &p, access, true)?;
            let mut total = 0i64;
            for (_, df) in rows {
                let original = df.original_size.filter(|_| df.tabular);
                total += match (mode, original) {
                    (SizeMode::All, Some(o)) => df.filesize + o,
                    (SizeMode::Original, Some(o)) => o,
                    _ => df.filesize,
                };
            }
            Ok(total)
        })
        .await?;
    Ok(ok(json!({
        "message": format!(
            "Total size of the files available for download in this version of the dataset: {} bytes",
            grouped(total)
        ),
        "storageSize": total,
    })))
}

pub(super) async fn download_count(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let n = em
        .store()
        .read(move |conn| -> Result<i64, AppError> {
            let df = find_file(conn, &idtf, &p)?;
            if latest_visible(conn, &auth.caller, &df, true)?.is_none() {
                return Err(denied(&auth.caller).into());
            }
            Ok(access_requests::download_count(conn, df.id)?)
        })
        .await?;
    Ok(msg(n.to_string()))
}

/// A value as Java's `Double.toString` prints the common cases (`4.0`, `2.5`).
fn java_double(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e7 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// One column of a stored `.tab`: `JsonPrinter.json(DataVariable)` with the summary
/// statistics the CSV ingest computes for numeric columns.
fn variable(file_id: i64, order: usize, name: &str, values: &[String]) -> serde_json::Value {
    let present: Vec<&str> = values
        .iter()
        .map(|v| v.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    let numbers: Option<Vec<f64>> = present.iter().map(|v| v.parse::<f64>().ok()).collect();
    let numeric = numbers.as_ref().is_some_and(|n| !n.is_empty());
    let mut v = json!({
        "id": file_id * 10_000 + order as i64 + 1,
        "name": name,
        "label": name,
        "weighted": false,
        "variableIntervalType": "discrete",
        "variableFormatType": if numeric { "NUMERIC" } else { "CHARACTER" },
        "isOrderedCategorical": false,
        "fileOrder": order,
        "fileStartPosition": 0,
        "fileEndPosition": 0,
        "recordSegmentNumber": 0,
        "numberOfDecimalPoints": 0,
        "variableMetadata": [],
    });
    if let (true, Some(mut nums)) = (numeric, numbers) {
        let n = nums.len() as f64;
        let mean = nums.iter().sum::<f64>() / n;
        let var = if nums.len() > 1 {
            nums.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        nums.sort_by(f64::total_cmp);
        let mid = nums.len() / 2;
        let median = if nums.len().is_multiple_of(2) {
            (nums[mid - 1] + nums[mid]) / 2.0
        } else {
            nums[mid]
        };
        let mut mode = (nums[0], 0usize);
        let mut i = 0;
        while i < nums.len() {
            let j = nums[i..].iter().take_while(|x| **x == nums[i]).count();
            if j > mode.1 {
                mode = (nums[i], j);
            }
            i += j;
        }
        let integral = nums.iter().all(|x| x.fract() == 0.0);
        v["variableIntervalType"] = if integral { "discrete" } else { "contin" }.into();
        v["summaryStatistics"] = json!({
            "invd": java_double((values.len() - present.len()) as f64),
            "vald": java_double(n),
            "min": java_double(nums[0]),
            "max": java_double(nums[nums.len() - 1]),
            "mean": java_double(mean),
            "medn": java_double(median),
            "mode": java_double(mode.0),
            "stdev": java_double(var.sqrt()),
        });
    }
    v
}

/// The header, the values column by column, and the number of rows.
type TabColumns = (Vec<String>, Vec<Vec<String>>, u64);

/// The columns of a stored `.tab` (header row first): names and values, and the rows.
fn read_tab(path: &std::path::Path) -> Result<TabColumns, crate::Error> {
    use std::io::BufRead;
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut lines = f.lines();
    let header: Vec<String> = match lines.next() {
        Some(l) => l?.split('\t').map(str::to_string).collect(),
        None => Vec::new(),
    };
    let mut columns = vec![Vec::new(); header.len()];
    let mut rows = 0u64;
    for l in lines {
        let l = l?;
        rows += 1;
        for (i, v) in l.split('\t').enumerate().take(header.len()) {
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            columns[i].push(v.replace("\"\"", "\""));
        }
    }
    Ok((header, columns, rows))
}

/// `GET /api/files/{id}/dataTables`: the variables and summary statistics of an ingested
/// file, read from its stored `.tab`.
pub(super) async fn data_tables(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let data_dir = em.config().data_dir.clone();
    let bytes = super::common::object_copy::local_bytes(&em, &idtf, &p).await?;
    let v = em
        .store()
        .read(move |conn| -> Result<serde_json::Value, AppError> {
            let not_found = || ApiError::not_found("File not found for given id.");
            let df = find_file(conn, &idtf, &p).map_err(|e| e.replace_api(|_| not_found()))?;
            let Some((_, fm)) = latest_visible(conn, &auth.caller, &df, true)? else {
                return Err(not_found().into());
            };
            if fm.restricted
                && !access_requests::permitted_on_file(
                    conn,
                    &auth.caller,
                    crate::permissions::Permission::DownloadFile,
                    df.id,
                    df.dataset_id,
                )?
            {
                return Err(ApiError::forbidden(
                    "Insufficient permissions to access the requested information.",
                )
                .into());
            }
            if !df.tabular {
                return Err(ApiError::bad_request(
                    "This operation is only available for tabular files.",
                )
                .into());
            }
            let path = bytes.path(&data_dir, &df.blob);
            let (header, columns, rows) = read_tab(&path)?;
            let vars: Vec<serde_json::Value> = header
                .iter()
                .enumerate()
                .map(|(i, name)| variable(df.id, i, name, &columns[i]))
                .collect();
            Ok(json!([{
                "varQuantity": header.len(),
                "caseQuantity": rows,
                "recordsPerCase": 1,
                "dataVariables": vars,
            }]))
        })
        .await?;
    Ok(ok(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_statistics_of_a_numeric_column() {
        let vals: Vec<String> = ["3", "5", "", "5"].iter().map(|s| s.to_string()).collect();
        let v = variable(7, 1, "count", &vals);
        assert_eq!(v["variableFormatType"], "NUMERIC");
        assert_eq!(v["variableIntervalType"], "discrete");
        let s = &v["summaryStatistics"];
        assert_eq!(
            (s["vald"].as_str(), s["invd"].as_str()),
            (Some("3.0"), Some("1.0"))
        );
        assert_eq!(
            (s["min"].as_str(), s["max"].as_str()),
            (Some("3.0"), Some("5.0"))
        );
        assert_eq!(
            (s["medn"].as_str(), s["mode"].as_str()),
            (Some("5.0"), Some("5.0"))
        );
        let text = variable(7, 0, "name", &["a".to_string()]);
        assert_eq!(text["variableFormatType"], "CHARACTER");
        assert!(text.get("summaryStatistics").is_none());
    }

    #[test]
    fn numbers_grouped_as_java_prints_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }
}
