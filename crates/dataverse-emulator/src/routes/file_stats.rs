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
use crate::ingest::variables::{Variable, read_table};
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

/// One column of a stored `.tab`: `JsonPrinter.json(DataVariable)` with the summary
/// statistics the CSV ingest computes for numeric columns. The printer leaves out null
/// values, and the CSV ingest sets no file positions, record segment or decimal points, so
/// those keys are absent (as `recordsPerCase` is from the table).
fn variable(file_id: i64, order: usize, var: &Variable) -> serde_json::Value {
    let mut v = json!({
        "id": file_id * 10_000 + order as i64 + 1,
        "name": var.name,
        "label": var.name,
        "weighted": false,
        "variableIntervalType": var.interval(),
        "variableFormatType": if var.numeric { "NUMERIC" } else { "CHARACTER" },
        "isOrderedCategorical": false,
        "fileOrder": order,
        "variableMetadata": [],
    });
    if !var.stats.is_empty() {
        let stats: serde_json::Map<String, serde_json::Value> = var
            .stats
            .iter()
            .map(|(k, val)| (k.to_string(), val.clone().into()))
            .collect();
        v["summaryStatistics"] = stats.into();
    }
    v
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
            let table = read_table(&path)?;
            let vars: Vec<serde_json::Value> = table
                .variables
                .iter()
                .enumerate()
                .map(|(i, var)| variable(df.id, i, var))
                .collect();
            Ok(json!([{
                "varQuantity": table.variables.len(),
                "caseQuantity": table.cases,
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
    fn variables_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let tab = dir.path().join("t.tab");
        std::fs::write(&tab, "count\tname\n3\ta\n5\tb\n\tc\n5\td\n").unwrap();
        let table = read_table(&tab).unwrap();
        assert_eq!(table.cases, 4);
        let v = variable(7, 0, &table.variables[0]);
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
            (Some("5.0"), Some("."))
        );
        let text = variable(7, 1, &table.variables[1]);
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
