//! Keeping the index current. Triggers on the tables that feed documents record the
//! collections and datasets whose documents are stale (`search_dirty`, see
//! [`crate::store`]'s schema version 6), whatever handler or tool changed them; before a
//! search reads the index, [`refresh`] rebuilds the documents of what is recorded, in the
//! same transaction that clears the record. So every write is visible to the next search,
//! and no write path can forget the index.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, params};

use super::document::{self, Doc};
use super::fields;
use crate::Error;
use crate::blocks::Blocks;
use crate::store::collections;
use crate::store::datasets;

/// Whether any document is stale (a cheap read, done before taking the writer).
pub(crate) fn is_stale(conn: &Connection) -> Result<bool, Error> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM search_dirty)", [], |r| {
            r.get(0)
        })?,
    )
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Refreshed {
    pub collections: usize,
    pub datasets: usize,
    pub documents: usize,
}

/// Rebuild the documents of every stale collection (and everything below it: names and
/// paths of owners appear in their documents) and stale dataset, in one transaction.
pub(crate) fn refresh(conn: &mut Connection, blocks: &Blocks) -> Result<Refreshed, Error> {
    fields::init(blocks);
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut dirty_collections = BTreeSet::new();
    let mut dirty_datasets = BTreeSet::new();
    {
        let mut stmt = tx.prepare("SELECT kind, id FROM search_dirty")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (kind, id) = row?;
            if kind == "collection" {
                dirty_collections.insert(id);
            } else {
                dirty_datasets.insert(id);
            }
        }
    }
    if dirty_collections.is_empty() && dirty_datasets.is_empty() {
        return Ok(Refreshed::default());
    }
    tx.execute("DELETE FROM search_dirty", [])?;

    // The whole collection tree, to find what lies below a stale collection.
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    {
        let mut stmt = tx.prepare("SELECT id, owner_id FROM dataverses")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        for row in rows {
            let (id, owner) = row?;
            if let Some(o) = owner {
                children.entry(o).or_default().push(id);
            }
        }
    }
    let mut todo: Vec<i64> = dirty_collections.iter().copied().collect();
    let mut all_collections = BTreeSet::new();
    while let Some(id) = todo.pop() {
        if all_collections.insert(id)
            && let Some(kids) = children.get(&id)
        {
            todo.extend(kids);
        }
    }
    if !all_collections.is_empty() {
        let mut stmt = tx.prepare_cached("SELECT id FROM datasets WHERE owner_id = ?1")?;
        for c in &all_collections {
            for id in stmt.query_map([c], |r| r.get::<_, i64>(0))? {
                dirty_datasets.insert(id?);
            }
        }
    }

    // A large rebuild (a generated tree, a first search on an old store) runs with a large
    // page cache, so the index B-trees are not read back from disk for every insert.
    let large = dirty_datasets.len() + all_collections.len() > 1000;
    let cache_before: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    if large {
        tx.pragma_update(None, "cache_size", -262_144)?;
    }
    let mut done = Refreshed::default();
    let publisher = collections::publisher(&tx)?;
    for id in &all_collections {
        remove_docs(
            &tx,
            "SELECT doc_id FROM search_docs WHERE entity_id = ?1 AND dtype = 'dataverses'",
            *id,
        )?;
        // The root collection is not indexed ("The root dataverse should not be indexed").
        if let Some(c) = collections::by_id(&tx, *id)?.filter(|c| c.owner_id.is_some()) {
            let chain = document::owner_ids(&tx, c.id)?;
            let doc = document::collection(&tx, &c, &chain, &publisher)?;
            write_doc(&tx, &doc)?;
            done.documents += 1;
        }
        done.collections += 1;
    }
    let mut chains: HashMap<i64, Vec<collections::CollectionRow>> = HashMap::new();
    for id in &dirty_datasets {
        remove_docs(
            &tx,
            "SELECT doc_id FROM search_docs WHERE dataset_id = ?1",
            *id,
        )?;
        if let Some(ds) = datasets::by_id(&tx, *id)? {
            let versions = datasets::versions(&tx, ds.id)?;
            let chain = match chains.entry(ds.owner_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(document::owner_ids(&tx, ds.owner_id)?)
                }
            };
            for doc in document::dataset(&tx, blocks, &ds, &versions, &publisher, chain)? {
                write_doc(&tx, &doc)?;
                done.documents += 1;
            }
        }
        done.datasets += 1;
    }
    tx.commit()?;
    if large {
        conn.pragma_update(None, "cache_size", cache_before)?;
    }
    Ok(done)
}

/// Remove the documents `select` (with `?1` = `id`) names, with their values and text.
fn remove_docs(conn: &Connection, select: &str, id: i64) -> Result<(), Error> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare_cached(select)?;
        stmt.query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    for doc_id in ids {
        conn.prepare_cached("DELETE FROM search_values WHERE doc_id = ?1")?
            .execute([doc_id])?;
        conn.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
            .execute([doc_id])?;
        conn.prepare_cached("DELETE FROM search_docs WHERE doc_id = ?1")?
            .execute([doc_id])?;
        conn.prepare_cached("DELETE FROM search_cards WHERE doc_id = ?1")?
            .execute([doc_id])?;
    }
    Ok(())
}

/// The separator word between two values of the full-text columns.
const VALUE_BREAK: &str = "\u{e000} ";

/// The text of the two full-text columns: every word (the default field), and every word
/// prefixed with its field (`title__finch`) for `field:word` queries.
fn fts_columns(doc: &Doc) -> (String, String) {
    let mut body = String::new();
    let mut fielded = String::new();
    for (field, value) in &doc.texts {
        let prefix = field.to_lowercase();
        for w in fields::words(value) {
            body.push_str(&w);
            body.push(' ');
            fielded.push_str(&prefix);
            fielded.push_str("__");
            fielded.push_str(&w);
            fielded.push(' ');
        }
        // A word no query can contain (a private-use character, which queries split on)
        // between values, so a phrase cannot run from one value into the next.
        body.push_str(VALUE_BREAK);
        fielded.push_str(VALUE_BREAK);
    }
    (body, fielded)
}

/// Between two facet values of a document's `facets` column.
pub(crate) const FACET_SEP: char = '\u{1e}';
/// Between a facet's field and its value.
pub(crate) const FACET_KV: char = '\u{1f}';

/// Whether a value field is counted as a facet (Dataverse's static facet fields and the
/// `_ss`/`_s` copies of metadata fields).
fn is_facet(field: &str) -> bool {
    super::execute::STATIC_FACETS.contains(&field)
        || field.ends_with("_ss")
        || field.ends_with("_s")
}

fn write_doc(conn: &Connection, doc: &Doc) -> Result<(), Error> {
    let mut texts: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for (field, value) in &doc.texts {
        if let serde_json::Value::Array(a) = texts
            .entry(field.clone())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        {
            a.push(serde_json::Value::String(value.clone()));
        }
    }
    let mut facets = String::new();
    for (field, value) in doc.values.iter().filter(|(f, _)| is_facet(f)) {
        let value = match value {
            rusqlite::types::Value::Text(t) => t.clone(),
            rusqlite::types::Value::Integer(i) => i.to_string(),
            _ => continue,
        };
        if !facets.is_empty() {
            facets.push(FACET_SEP);
        }
        facets.push_str(field);
        facets.push(FACET_KV);
        // The separators cannot be part of a value (they are control characters no
        // metadata export can carry either).
        facets.push_str(&value.replace([FACET_SEP, FACET_KV], " "));
    }
    conn.prepare_cached(
        "INSERT INTO search_docs (solr_id, entity_id, dataset_id, dtype, public, chain,
             name_sort, date_sort, facets)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        doc.solr_id,
        doc.entity_id,
        doc.dataset_id,
        doc.dtype,
        doc.public,
        doc.chain,
        doc.name_sort,
        doc.date_sort,
        facets,
    ])?;
    let doc_id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO search_cards (doc_id, head, tail, texts) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        doc_id,
        serde_json::to_string(&doc.head)?,
        serde_json::to_string(&doc.tail)?,
        serde_json::to_string(&texts)?,
    ])?;
    let (body, fielded) = fts_columns(doc);
    conn.prepare_cached("INSERT INTO search_fts (rowid, body, fielded) VALUES (?1, ?2, ?3)")?
        .execute(params![doc_id, body, fielded])?;
    let mut stmt = conn
        .prepare_cached("INSERT INTO search_values (doc_id, field, value) VALUES (?1, ?2, ?3)")?;
    for (field, value) in &doc.values {
        stmt.execute(params![doc_id, field, value])?;
    }
    Ok(())
}
