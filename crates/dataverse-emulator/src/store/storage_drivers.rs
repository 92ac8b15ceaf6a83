//! The storage driver set on a collection or a dataset (`DvObjectContainer.storageDriver`)
//! and the effective one (`getEffectiveStorageDriverId`): the object's own, else its
//! owner's, up to the installation's default.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// Schema step: a storage driver column on collections and datasets (NULL: inherited).
pub(crate) const SCHEMA_S17REST: &str = r#"
ALTER TABLE dataverses ADD COLUMN storage_driver TEXT;
ALTER TABLE datasets ADD COLUMN storage_driver TEXT;
"#;

/// The driver set on collection `id` (`None`: none set).
pub(crate) fn of_collection(conn: &Connection, id: i64) -> Result<Option<String>, Error> {
    Ok(conn
        .query_row(
            "SELECT storage_driver FROM dataverses WHERE id = ?1",
            [id],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// Set (or with `None` clear) the driver of collection `id`.
pub(crate) fn set_collection(
    conn: &Connection,
    id: i64,
    driver: Option<&str>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET storage_driver = ?2 WHERE id = ?1",
        params![id, driver],
    )?;
    Ok(())
}

/// Set (or with `None` clear) the driver of dataset `id`.
pub(crate) fn set_dataset(conn: &Connection, id: i64, driver: Option<&str>) -> Result<(), Error> {
    conn.execute(
        "UPDATE datasets SET storage_driver = ?2 WHERE id = ?1",
        params![id, driver],
    )?;
    Ok(())
}

/// The effective driver of collection `id`: its own when not blank, else its owner's, up
/// to `default` at the root.
pub(crate) fn effective_for_collection(
    conn: &Connection,
    id: i64,
    default: &str,
) -> Result<String, Error> {
    let mut next = Some(id);
    // The owner chain is finite; the bound guards against a corrupt cycle.
    for _ in 0..1000 {
        let Some(current) = next else { break };
        let row: Option<(Option<String>, Option<i64>)> = conn
            .query_row(
                "SELECT storage_driver, owner_id FROM dataverses WHERE id = ?1",
                [current],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((driver, owner)) = row else { break };
        if let Some(d) = driver.filter(|d| !d.trim().is_empty()) {
            return Ok(d);
        }
        next = owner;
    }
    Ok(default.to_owned())
}

/// The effective driver of dataset `id`: its own when not blank, else its collection's
/// effective one.
pub(crate) fn effective_for_dataset(
    conn: &Connection,
    id: i64,
    default: &str,
) -> Result<String, Error> {
    let row: Option<(Option<String>, i64)> = conn
        .query_row(
            "SELECT storage_driver, owner_id FROM datasets WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((Some(d), _)) if !d.trim().is_empty() => Ok(d),
        Some((_, owner)) => effective_for_collection(conn, owner, default),
        None => Ok(default.to_owned()),
    }
}
