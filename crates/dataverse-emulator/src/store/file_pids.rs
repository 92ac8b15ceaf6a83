//! File PIDs (`RegisterDvObjectCommand` for a `DataFile`): whether a collection registers
//! them (`SystemConfig.isFilePIDsEnabledForCollection`: the nearest `filePIDsEnabled` at or
//! above it, else the setting `:FilePIDsEnabled`), minting one as the FAKE provider does
//! with its defaults (`DEPENDENT` format, `randomString` style: the dataset's identifier, a
//! slash, six random characters), and finding a file by its PID.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::store::{Store, datasets};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The resolver URL of a PID (`GlobalId.asURL()`).
pub(crate) fn pid_url(pid: &str) -> String {
    match pid.split_once(':') {
        Some(("doi", rest)) => format!("https://doi.org/{rest}"),
        Some(("hdl", rest)) => format!("https://hdl.handle.net/{rest}"),
        _ => pid.to_string(),
    }
}

/// `isFilePIDsEnabledForCollection`.
pub(crate) fn enabled_for(conn: &Connection, collection: i64) -> Result<bool, Error> {
    let mut next = Some(collection);
    for _ in 0..1000 {
        let Some(id) = next else { break };
        let row: Option<(Option<bool>, Option<i64>)> = conn
            .query_row(
                "SELECT file_pids_enabled, owner_id FROM dataverses WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((flag, owner)) = row else { break };
        if let Some(f) = flag {
            return Ok(f);
        }
        next = owner;
    }
    Ok(Store::setting(conn, ":FilePIDsEnabled")?
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")))
}

/// The file with this PID (case-insensitive, as identifiers are).
pub(crate) fn file_by_pid(conn: &Connection, pid: &str) -> Result<Option<i64>, Error> {
    Ok(conn
        .query_row(
            "SELECT id FROM datafiles WHERE pid = ?1 COLLATE NOCASE",
            [pid.trim()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Give file `file` (of dataset `dataset`) a new PID; returns it.
pub(crate) fn register(conn: &Connection, dataset: i64, file: i64) -> Result<String, Error> {
    let ds = datasets::by_id(conn, dataset)?
        .ok_or_else(|| Error::Store("the file's dataset vanished".into()))?;
    for _ in 0..1000 {
        let bytes = *uuid::Uuid::new_v4().as_bytes();
        let suffix: String = bytes[..6]
            .iter()
            .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
            .collect();
        let pid = format!(
            "{}:{}/{}/{suffix}",
            ds.protocol, ds.authority, ds.identifier
        );
        if file_by_pid(conn, &pid)?.is_none() {
            conn.execute(
                "UPDATE datafiles SET pid = ?2 WHERE id = ?1",
                params![file, pid],
            )?;
            return Ok(pid);
        }
    }
    Err(Error::Store("could not mint a unique file PID".into()))
}

/// On publication (`FinalizeDatasetPublicationCommand`): register the dataset's published
/// files that have no PID yet, when its collection registers file PIDs.
pub(crate) fn register_on_publish(conn: &Connection, dataset: i64) -> Result<(), Error> {
    let Some(ds) = datasets::by_id(conn, dataset)? else {
        return Ok(());
    };
    if !enabled_for(conn, ds.owner_id)? {
        return Ok(());
    }
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM datafiles
             WHERE dataset_id = ?1 AND pid IS NULL AND publication_date IS NOT NULL ORDER BY id",
        )?
        .query_map([dataset], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        register(conn, dataset, id)?;
    }
    Ok(())
}

/// One file as `registerDataFileAll` sees it.
#[derive(Debug, Clone)]
pub(crate) struct FileState {
    pub id: i64,
    pub dataset_id: i64,
    pub collection_id: i64,
    pub registered: bool,
    pub released: bool,
}

/// Every file, by id.
pub(crate) fn all_files(conn: &Connection) -> Result<Vec<FileState>, Error> {
    let mut stmt = conn.prepare(
        "SELECT df.id, df.dataset_id, d.owner_id, df.pid IS NOT NULL AND df.pid <> '',
                df.publication_date IS NOT NULL
         FROM datafiles df JOIN datasets d ON d.id = df.dataset_id ORDER BY df.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FileState {
            id: r.get(0)?,
            dataset_id: r.get(1)?,
            collection_id: r.get(2)?,
            registered: r.get(3)?,
            released: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
