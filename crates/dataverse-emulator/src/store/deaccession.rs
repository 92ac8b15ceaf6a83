//! Deaccessioning a published version (`DeaccessionDatasetVersionCommand`): its state
//! becomes `DEACCESSIONED` with the reason and the optional forwarding URL. The search
//! index follows through its triggers; exports and reads pick versions by state.

use rusqlite::{Connection, params};

use crate::Error;
use crate::model::VersionState;

/// Mark `version` deaccessioned with `note` (the reason) and `link` (forwarding URL).
pub(crate) fn deaccession(
    conn: &Connection,
    version: i64,
    note: &str,
    link: Option<&str>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataset_versions SET state = ?2, deaccession_note = ?3, deaccession_link = ?4
         WHERE id = ?1",
        params![version, VersionState::Deaccessioned, note, link],
    )?;
    Ok(())
}
