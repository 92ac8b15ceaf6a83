//! Dataset locks (`DatasetLock`).

use rusqlite::{Connection, OptionalExtension, params};

use super::time_fmt;
use crate::Error;
use crate::model::LockType;

/// A stored lock.
#[derive(Debug, Clone)]
pub(crate) struct LockRow {
    pub lock_type: LockType,
    pub created_ms: i64,
    pub info: Option<String>,
    /// User name (without `@`) of the user who set it.
    pub user: Option<String>,
}

/// Locks of a dataset, oldest first.
pub(crate) fn on(conn: &Connection, dataset: i64) -> Result<Vec<LockRow>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.lock_type, l.created_ms, l.info, u.user_identifier
         FROM dataset_locks l LEFT JOIN users u ON u.id = l.user_id
         WHERE l.dataset_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([dataset], |r| {
        Ok(LockRow {
            lock_type: r.get(0)?,
            created_ms: r.get(1)?,
            info: r.get(2)?,
            user: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the dataset has a lock of this type.
pub(crate) fn has(conn: &Connection, dataset: i64, lock_type: LockType) -> Result<bool, Error> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM dataset_locks WHERE dataset_id = ?1 AND lock_type = ?2 LIMIT 1",
            params![dataset, lock_type],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Add a lock.
pub(crate) fn add(
    conn: &Connection,
    dataset: i64,
    lock_type: LockType,
    user_id: Option<i64>,
    info: Option<&str>,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO dataset_locks (dataset_id, lock_type, user_id, created_ms, info)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![dataset, lock_type, user_id, time_fmt::now_ms(), info],
    )?;
    Ok(())
}

/// Remove locks of a type (all types when `None`); returns how many were removed.
pub(crate) fn remove(
    conn: &Connection,
    dataset: i64,
    lock_type: Option<LockType>,
) -> Result<usize, Error> {
    Ok(match lock_type {
        Some(t) => conn.execute(
            "DELETE FROM dataset_locks WHERE dataset_id = ?1 AND lock_type = ?2",
            params![dataset, t],
        )?,
        None => conn.execute("DELETE FROM dataset_locks WHERE dataset_id = ?1", [dataset])?,
    })
}

/// Datasets with a pending publication (a `finalizePublication` lock).
pub(crate) fn pending_publications(conn: &Connection) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT dataset_id FROM dataset_locks WHERE lock_type = ?1 ORDER BY dataset_id",
    )?;
    let rows = stmt.query_map([LockType::FinalizePublication], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
