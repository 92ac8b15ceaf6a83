//! Download sizes and counts: `GET /api/datasets/{id}/versions/{v}/downloadsize`
//! (`Datasets.getDownloadSize`) and `GET /api/files/{id}/downloadCount`
//! (`Files.getFileDownloadCount`, counting guestbook responses other than access requests).

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
        if i > 0 && (digits.len() - i) % 3 == 0 {
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
            let (_, rows) = filtered(conn, &auth.caller, &idtf, &spec, &p, access)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_grouped_as_java_prints_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }
}
