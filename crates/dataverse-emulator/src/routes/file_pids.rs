//! File PIDs by the admin API (`Admin.java`: `registerDataFile`, `registerDataFileAll`).
//! Like every `/api/admin` endpoint they are guarded by the blocked-API policy (loopback only
//! by default), not by a key: `RegisterDvObjectCommand` requires no permission, and
//! `registerDataFileAll` only a signed-in user.

use axum::extract::{Path, State};
use axum::response::Response;

use super::AppError;
use super::common::extract::Params;
use super::common::guards::find_file;
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, msg};
use crate::store::{datasets, file_pids};

/// What `registerDataFile` answers when it did not refuse (even when it failed).
const REGISTERED: &str = "Datafile registration complete. File registered successfully.";

/// `GET /api/admin/{id}/registerDataFile`: a file of a collection that registers file PIDs
/// gets one (a file that has one is left alone).
pub(super) async fn register_one(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    _auth: Auth,
) -> Result<Response, AppError> {
    let m = em
        .store()
        .call(move |conn| -> Result<&'static str, AppError> {
            let tx = conn.transaction()?;
            // Dataverse logs a file it cannot find and answers its success message anyway.
            let Ok(df) = find_file(&tx, &idtf, &p) else {
                return Ok(REGISTERED);
            };
            let owner = datasets::by_id(&tx, df.dataset_id)?.map(|d| d.owner_id);
            let enabled = match owner {
                Some(o) => file_pids::enabled_for(&tx, o)?,
                None => false,
            };
            if !enabled {
                return Err(ApiError::forbidden(
                    "PIDs are not enabled for this file's collection.",
                )
                .into());
            }
            if df.pid.as_deref().is_some_and(|p| !p.is_empty()) {
                return Ok("File was already registered. ");
            }
            file_pids::register(&tx, df.dataset_id, df.id)?;
            tx.commit()?;
            Ok(REGISTERED)
        })
        .await?;
    Ok(msg(m))
}

/// `GET /api/admin/registerDataFileAll`: every published file without a PID in a collection
/// that registers file PIDs gets one.
pub(super) async fn register_all(
    State(em): State<Emulator>,
    auth: Auth,
) -> Result<Response, AppError> {
    if auth.caller.user().is_none() {
        return Err(ApiError::unauthorized("api key required").into());
    }
    let (successes, released) = em
        .store()
        .call(move |conn| -> Result<(usize, usize), AppError> {
            let tx = conn.transaction()?;
            let (mut successes, mut released) = (0, 0);
            for f in file_pids::all_files(&tx)? {
                if f.registered || !file_pids::enabled_for(&tx, f.collection_id)? || !f.released {
                    continue;
                }
                released += 1;
                file_pids::register(&tx, f.dataset_id, f.id)?;
                successes += 1;
            }
            tx.commit()?;
            Ok((successes, released))
        })
        .await?;
    Ok(msg(format!(
        "Datafile registration complete.{successes} of  {released} unregistered, published files registered successfully."
    )))
}
