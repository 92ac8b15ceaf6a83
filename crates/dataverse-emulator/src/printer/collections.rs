//! `JsonPrinter.json(Dataverse)` and the `isPartOf` chains of `returnOwners`.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::store::collection_setup;
use crate::store::collections::{self, CollectionRow};

/// `JsonPrinter.json(Dataverse)`; `owners` is the `isPartOf` chain (returnOwners).
pub(crate) fn collection(c: &CollectionRow, owners: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), c.id.into());
    m.insert("alias".into(), c.alias.clone().into());
    m.insert("name".into(), c.name.clone().into());
    if let Some(a) = &c.affiliation {
        m.insert("affiliation".into(), a.clone().into());
    }
    let contacts: Vec<Value> = c
        .contacts
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"displayOrder": i, "contactEmail": e}))
        .collect();
    m.insert("dataverseContacts".into(), Value::Array(contacts));
    if let Some(o) = owners {
        m.insert("isPartOf".into(), o);
    }
    m.insert("permissionRoot".into(), c.permission_root.into());
    if let Some(d) = &c.description {
        m.insert("description".into(), d.clone().into());
    }
    m.insert("dataverseType".into(), c.dataverse_type.clone().into());
    m.insert("isMetadataBlockRoot".into(), c.metadata_block_root.into());
    m.insert("isFacetRoot".into(), c.facet_root.into());
    if let Some(o) = c.owner_id {
        m.insert("ownerId".into(), o.into());
    }
    m.insert("creationDate".into(), c.creation_date.clone().into());
    if let Some(f) = c.setup.file_pids_enabled {
        m.insert("filePIDsEnabled".into(), f.into());
    }
    m.insert(
        "effectiveRequiresFilesToPublishDataset".into(),
        c.setup.effective_require_files.into(),
    );
    m.insert("isReleased".into(), c.is_released.into());
    if !c.setup.input_levels.is_empty() {
        m.insert(
            "inputLevels".into(),
            collection_setup::levels_json(&c.setup.input_levels),
        );
    }
    let allowed: Vec<Value> = c
        .setup
        .allowed_dataset_types
        .iter()
        .filter_map(|n| crate::dataset_types::by_name(n))
        .map(|t| t.json())
        .collect();
    if !allowed.is_empty() {
        m.insert("allowedDatasetTypes".into(), allowed.into());
    }
    Value::Object(m)
}

/// This collection's entry in an `isPartOf` chain (`{"type":"DATAVERSE",...}`).
fn owner_entry(c: &CollectionRow) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), "DATAVERSE".into());
    m.insert("identifier".into(), c.alias.clone().into());
    m.insert("isReleased".into(), c.is_released.into());
    m.insert("displayName".into(), c.name.clone().into());
    m
}

/// The `isPartOf` chain of an object owned by collection `owner_id` (the owner, nesting its
/// own owners up to the root).
pub(crate) fn is_part_of(conn: &Connection, owner_id: Option<i64>) -> Result<Option<Value>, Error> {
    let chain = collections::owner_chain(conn, owner_id)?;
    let mut nested: Option<Value> = None;
    for c in chain.iter().rev() {
        let mut m = owner_entry(c);
        if let Some(n) = nested.take() {
            m.insert("isPartOf".into(), n);
        }
        nested = Some(Value::Object(m));
    }
    Ok(nested)
}
