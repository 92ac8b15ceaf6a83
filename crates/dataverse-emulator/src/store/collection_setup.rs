//! A collection's set-up (`Dataverse.java` and the commands that write it): its own
//! metadata blocks and whether it is a metadata-block root, its dataset field input levels
//! (`DataverseFieldTypeInputLevel`), and the attributes `filePIDsEnabled` and
//! `requireFilesToPublishDataset`; with the lookups that follow inheritance (the blocks of
//! the nearest metadata-block root).

use rusqlite::{Connection, Row, params};
use serde_json::{Map, Value};

use crate::Error;

/// Schema step of this branch: file PIDs (`datafiles.pid`, see
/// [`file_pids`](super::file_pids)), input levels and the two attributes (both absent, `NULL`,
/// until set, as Dataverse prints them only then); the root collection gets Dataverse's
/// default description (`scripts/api/data/dv-root.json`) and every collection is a
/// permission root, as `CreateDataverseCommand` makes it.
/// Version 11: the dataset types a collection allows (`allowedDatasetTypes`, names as JSON).
pub(crate) const SCHEMA_DATASET_TYPES: &str =
    "ALTER TABLE dataverses ADD COLUMN allowed_dataset_types TEXT NOT NULL DEFAULT '[]';";

pub(crate) const SCHEMA_S15COLL: &str = r#"
ALTER TABLE dataverses ADD COLUMN input_levels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE dataverses ADD COLUMN file_pids_enabled INTEGER;
ALTER TABLE dataverses ADD COLUMN require_files_to_publish INTEGER;
UPDATE dataverses SET description = 'The root dataverse.'
    WHERE owner_id IS NULL AND description IS NULL;
UPDATE dataverses SET permission_root = 1;
ALTER TABLE datafiles ADD COLUMN pid TEXT;
CREATE UNIQUE INDEX datafiles_pid ON datafiles(pid);
"#;

/// One `DataverseFieldTypeInputLevel`: a field type's `required`/`include` (and optional
/// `displayOnCreate`) in one collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputLevel {
    /// The dataset field type's name.
    pub name: String,
    pub required: bool,
    pub include: bool,
    /// `None`: the field type's own `displayOnCreate` applies.
    pub display_on_create: Option<bool>,
}

impl InputLevel {
    /// `JsonPrinter.jsonDataverseInputLevel` (`displayOnCreate` only when set).
    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("datasetFieldTypeName".into(), self.name.clone().into());
        m.insert("required".into(), self.required.into());
        m.insert("include".into(), self.include.into());
        if let Some(d) = self.display_on_create {
            m.insert("displayOnCreate".into(), d.into());
        }
        Value::Object(m)
    }

    fn from_json(v: &Value) -> Option<InputLevel> {
        Some(InputLevel {
            name: v.get("datasetFieldTypeName")?.as_str()?.to_string(),
            required: v.get("required").and_then(Value::as_bool).unwrap_or(false),
            include: v.get("include").and_then(Value::as_bool).unwrap_or(true),
            display_on_create: v.get("displayOnCreate").and_then(Value::as_bool),
        })
    }
}

/// The input levels as printed (and stored).
pub(crate) fn levels_json(levels: &[InputLevel]) -> Value {
    Value::Array(levels.iter().map(InputLevel::to_json).collect())
}

/// A collection's own set-up, as stored (nothing inherited but the effective
/// `requireFilesToPublishDataset`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CollectionSetup {
    /// The block names stored on the collection (meaningful when it is a metadata-block
    /// root or the root collection).
    pub metadata_blocks: Vec<String>,
    pub input_levels: Vec<InputLevel>,
    pub file_pids_enabled: Option<bool>,
    /// `Dataverse.getEffectiveRequiresFilesToPublishDataset()`.
    pub effective_require_files: bool,
    /// `allowedDatasetTypes`: dataset type names, in the order given.
    pub allowed_dataset_types: Vec<String>,
}

impl CollectionSetup {
    /// Read the set-up columns starting at `at` (see `collections::COLUMNS`; the collection's
    /// own `require_files_to_publish`, at `at + 3`, is only read through the effective value).
    pub(crate) fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<CollectionSetup> {
        let blocks: String = r.get(at)?;
        let levels: String = r.get(at + 1)?;
        let levels: Vec<Value> = serde_json::from_str(&levels).unwrap_or_default();
        Ok(CollectionSetup {
            metadata_blocks: serde_json::from_str(&blocks).unwrap_or_default(),
            input_levels: levels.iter().filter_map(InputLevel::from_json).collect(),
            file_pids_enabled: r.get(at + 2)?,
            effective_require_files: r.get(at + 4)?,
            allowed_dataset_types: serde_json::from_str(&r.get::<_, String>(at + 5)?)
                .unwrap_or_default(),
        })
    }

    /// This collection's input level for a field type.
    pub(crate) fn level(&self, field: &str) -> Option<&InputLevel> {
        self.input_levels.iter().find(|l| l.name == field)
    }
}

/// Store the block names and the metadata-block-root flag.
pub(crate) fn set_blocks(
    conn: &Connection,
    id: i64,
    names: &[String],
    root: bool,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET metadata_blocks = ?2, metadata_block_root = ?3 WHERE id = ?1",
        params![id, serde_json::to_string(names)?, root],
    )?;
    Ok(())
}

/// Set only the metadata-block-root flag (`UpdateDataverseMetadataBlocksCommand.SetRoot`).
pub(crate) fn set_block_root(conn: &Connection, id: i64, root: bool) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET metadata_block_root = ?2 WHERE id = ?1",
        params![id, root],
    )?;
    Ok(())
}

/// Replace the stored input levels.
pub(crate) fn set_levels(conn: &Connection, id: i64, levels: &[InputLevel]) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET input_levels = ?2 WHERE id = ?1",
        params![id, levels_json(levels).to_string()],
    )?;
    Ok(())
}

/// `processInputLevels`: each given level replaces the stored one of its field type or is
/// added after the others; levels of other field types stay.
pub(crate) fn merge_levels(current: &[InputLevel], new: &[InputLevel]) -> Vec<InputLevel> {
    let mut out = current.to_vec();
    for l in new {
        match out.iter_mut().find(|o| o.name == l.name) {
            Some(o) => *o = l.clone(),
            None => out.push(l.clone()),
        }
    }
    out
}

/// Set `filePIDsEnabled` and/or `requireFilesToPublishDataset` (`None` leaves one as is).
/// Replace the collection's allowed dataset types.
pub(crate) fn set_allowed_dataset_types(
    conn: &Connection,
    id: i64,
    names: &[String],
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET allowed_dataset_types = ?2 WHERE id = ?1",
        params![id, serde_json::to_string(names)?],
    )?;
    Ok(())
}

pub(crate) fn set_flags(
    conn: &Connection,
    id: i64,
    file_pids: Option<bool>,
    require_files: Option<bool>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataverses SET file_pids_enabled = coalesce(?2, file_pids_enabled),
             require_files_to_publish = coalesce(?3, require_files_to_publish)
         WHERE id = ?1",
        params![id, file_pids, require_files],
    )?;
    Ok(())
}

/// The nearest metadata-block root at or above a collection (the root collection is one
/// whatever its flag says): `Dataverse.getMetadataRootId()`.
pub(crate) fn metadata_root(
    conn: &Connection,
    c: &super::collections::CollectionRow,
) -> Result<super::collections::CollectionRow, Error> {
    let mut current = c.clone();
    for _ in 0..1000 {
        if current.metadata_block_root {
            break;
        }
        let Some(owner) = current.owner_id else { break };
        match super::collections::by_id(conn, owner)? {
            Some(p) => current = p,
            None => break,
        }
    }
    Ok(current)
}

/// The field type names required by input levels where datasets of collection `id` are
/// validated: those of its metadata-block root (`DatasetField.isRequired()`).
pub(crate) fn required_by_levels(conn: &Connection, id: i64) -> Result<Vec<String>, Error> {
    let Some(c) = super::collections::by_id(conn, id)? else {
        return Ok(Vec::new());
    };
    Ok(metadata_root(conn, &c)?
        .setup
        .input_levels
        .into_iter()
        .filter(|l| l.required)
        .map(|l| l.name)
        .collect())
}
