//! Running a search on the index: the query and filters as SQL over the documents (one
//! FTS5 `MATCH` for the full-text part, which also ranks), the permission filter Dataverse
//! applies, sorting, paging, facet counts and the result cards with their per-request keys.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value, json};

use super::document::{self, DATASETS, DATAVERSES, FILES};
use super::fields;
use super::index::{FACET_KV, FACET_SEP};
use super::query::{Node, Occur, TextTest, ValueTest};
use crate::Error;
use crate::auth::Caller;
use crate::blocks::Blocks;
use crate::permissions::{self, DvObject, Permission};

/// The sort of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortField {
    /// `score` (the default).
    Relevance,
    /// `nameSort`.
    Name,
    /// `dateSort`.
    Date,
}

/// A checked search request.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub q: Node,
    pub fq: Vec<Node>,
    /// `dvObjectType` values to keep; empty keeps all.
    pub types: Vec<&'static str>,
    /// Collection ids whose subtrees to search; empty searches everything.
    pub subtrees: Vec<i64>,
    /// Facet fields of the searched collections (`effective facets`, by field name).
    pub collection_facets: Vec<String>,
    pub sort: SortField,
    pub descending: bool,
    pub per_page: usize,
    pub start: usize,
    pub show_relevance: bool,
    pub show_facets: bool,
    pub show_entity_ids: bool,
    pub show_api_urls: bool,
    pub show_type_counts: bool,
    pub query_entities: bool,
    /// `block:field` / `block:*` requested with each dataset.
    pub metadata_fields: Vec<String>,
    /// `http://host` for the cards' links.
    pub site_url: String,
}

/// What a search found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub total: i64,
    pub items: Vec<Value>,
    /// Facet categories in Dataverse's order.
    pub facets: Vec<FacetCategory>,
    /// `Dataverses`/`Datasets`/`Files` counts (for `total_count_per_object_type`).
    pub type_counts: Vec<(&'static str, i64)>,
}

/// One facet: its Solr field name, friendly name and (value, count) labels, most first.
#[derive(Debug, Clone)]
pub(crate) struct FacetCategory {
    pub name: String,
    pub friendly: String,
    pub labels: Vec<(String, i64)>,
}

/// Which unpublished documents the caller may see.
#[derive(Debug, Clone)]
pub(crate) enum Visibility {
    /// Everything (superusers).
    All,
    /// Published documents, plus drafts of datasets and unpublished collections under
    /// these definition points (objects where the caller holds a role granting
    /// `ViewUnpublishedDataset` / `ViewUnpublishedDataverse`).
    Points {
        datasets: Vec<i64>,
        collections: Vec<i64>,
    },
}

/// The caller's [`Visibility`]: guests, private-URL users and deactivated users see
/// published documents only (Dataverse searches as the guest for a private URL).
pub(crate) fn visibility(conn: &Connection, caller: &Caller) -> Result<Visibility, Error> {
    let Caller::User(user) = caller else {
        return Ok(Visibility::Points {
            datasets: Vec::new(),
            collections: Vec::new(),
        });
    };
    if user.superuser {
        return Ok(Visibility::All);
    }
    let mut datasets = Vec::new();
    let mut collections = Vec::new();
    if !user.deactivated {
        let who = permissions::assignees(caller);
        let mut stmt = conn.prepare_cached(
            "SELECT a.definition_point_id, r.permissions FROM role_assignments a
             JOIN roles r ON r.id = a.role_id WHERE a.assignee IN (?1, ?2, ?3)",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![
                who.first().map(String::as_str).unwrap_or(":guest"),
                who.get(1).map(String::as_str).unwrap_or(":guest"),
                who.get(2).map(String::as_str).unwrap_or(":guest"),
            ],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        for row in rows {
            let (point, stored) = row?;
            let perms = permissions::role_permissions(&stored);
            if perms.contains(&Permission::ViewUnpublishedDataset) {
                datasets.push(point);
            }
            if perms.contains(&Permission::ViewUnpublishedDataverse) {
                collections.push(point);
            }
        }
    }
    Ok(Visibility::Points {
        datasets,
        collections,
    })
}

/// SQL text with its parameters.
#[derive(Debug, Default, Clone)]
struct Sql {
    text: String,
    params: Vec<SqlValue>,
}

impl Sql {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn bind(&mut self, v: SqlValue) {
        self.text.push('?');
        self.params.push(v);
    }
}

/// An FTS5 phrase for a text test: `body : "w1 w2"` or `fielded : "title__w1"` (a trailing
/// `*` for a prefix).
fn fts_phrase(t: &TextTest) -> String {
    let (column, prefix) = match &t.field {
        None => ("body", String::new()),
        Some(f) => ("fielded", format!("{}__", f.to_lowercase())),
    };
    let words: Vec<String> = t.words.iter().map(|w| format!("{prefix}{w}")).collect();
    format!(
        "{column} : \"{}\"{}",
        words.join(" "),
        if t.prefix { " *" } else { "" }
    )
}

/// The node as one FTS5 expression, when it is full text only and not purely negative.
fn fts_expr(node: &Node) -> Option<String> {
    match node {
        Node::Text(t) => Some(fts_phrase(t)),
        Node::Has(f) => Some(format!("fielded : \"{}__\" *", f.to_lowercase())),
        Node::All | Node::Value { .. } => None,
        Node::Bool(clauses) => {
            let mut must = Vec::new();
            let mut should = Vec::new();
            let mut not = Vec::new();
            for (occur, child) in clauses {
                let e = fts_expr(child)?;
                match occur {
                    Occur::Must => must.push(e),
                    Occur::Should => should.push(e),
                    Occur::MustNot => not.push(e),
                }
            }
            let positive = if !must.is_empty() {
                format!("({})", must.join(" AND "))
            } else if !should.is_empty() {
                format!("({})", should.join(" OR "))
            } else {
                return None;
            };
            Some(if not.is_empty() {
                positive
            } else {
                format!("{positive} NOT ({})", not.join(" OR "))
            })
        }
    }
}

/// The column of `search_docs` holding a field, for the fields every document has.
fn document_column(field: &str) -> Option<&'static str> {
    match field {
        "entityId" => Some("d.entity_id"),
        "dvObjectType" => Some("d.dtype"),
        "nameSort" => Some("d.name_sort"),
        "dateSort" => Some("d.date_sort"),
        _ => None,
    }
}

/// Append ` AND <target> <test>` for a value test on `field`.
fn value_test(target: &str, field: &str, test: &ValueTest, sql: &mut Sql) {
    match test {
        ValueTest::Eq(v) => {
            sql.push(&format!(" AND {target} = "));
            sql.bind(document::bind_value(field, v));
        }
        ValueTest::Prefix(p) => {
            // A range on the prefix: uses the (field, value) index, no LIKE escaping.
            sql.push(&format!(" AND {target} >= "));
            sql.bind(SqlValue::Text(p.clone()));
            sql.push(&format!(" AND {target} < "));
            sql.bind(SqlValue::Text(format!("{p}\u{10ffff}")));
        }
        ValueTest::Any => {}
        ValueTest::Range {
            lo,
            hi,
            lo_incl,
            hi_incl,
        } => {
            if let Some(lo) = lo {
                sql.push(&format!(
                    " AND {target} {} ",
                    if *lo_incl { ">=" } else { ">" }
                ));
                sql.bind(document::bind_value(field, lo));
            }
            if let Some(hi) = hi {
                sql.push(&format!(
                    " AND {target} {} ",
                    if *hi_incl { "<=" } else { "<" }
                ));
                sql.bind(document::bind_value(field, hi));
            }
        }
    }
}

/// Append a condition on `d` for `node`.
fn cond(node: &Node, sql: &mut Sql) {
    if let Some(e) = fts_expr(node) {
        sql.push("d.doc_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ");
        sql.bind(SqlValue::Text(e));
        sql.push(")");
        return;
    }
    match node {
        Node::All => sql.push("1"),
        Node::Text(_) | Node::Has(_) => sql.push("0"),
        Node::Value { field, test } => match document_column(field) {
            Some(column) => {
                sql.push("(1");
                value_test(column, field, test, sql);
                sql.push(")");
            }
            None => {
                sql.push("d.doc_id IN (SELECT doc_id FROM search_values WHERE field = ");
                sql.bind(SqlValue::Text(field.clone()));
                value_test("value", field, test, sql);
                sql.push(")");
            }
        },
        Node::Bool(clauses) => {
            let must: Vec<&Node> = clauses
                .iter()
                .filter(|(o, _)| *o == Occur::Must)
                .map(|(_, n)| n)
                .collect();
            let should: Vec<&Node> = clauses
                .iter()
                .filter(|(o, _)| *o == Occur::Should)
                .map(|(_, n)| n)
                .collect();
            let not: Vec<&Node> = clauses
                .iter()
                .filter(|(o, _)| *o == Occur::MustNot)
                .map(|(_, n)| n)
                .collect();
            if clauses.is_empty() {
                sql.push("0");
                return;
            }
            sql.push("(");
            let mut first = true;
            for n in &must {
                if !first {
                    sql.push(" AND ");
                }
                first = false;
                cond(n, sql);
            }
            if must.is_empty() && !should.is_empty() {
                sql.push("(");
                for (i, n) in should.iter().enumerate() {
                    if i > 0 {
                        sql.push(" OR ");
                    }
                    cond(n, sql);
                }
                sql.push(")");
                first = false;
            }
            for n in &not {
                if !first {
                    sql.push(" AND ");
                }
                first = false;
                sql.push("NOT ");
                cond(n, sql);
            }
            sql.push(")");
        }
    }
}

/// Split the query into an FTS5 expression that selects and ranks (the full-text part
/// every match needs) and the rest, tested in SQL.
fn plan(q: &Node) -> (Option<String>, Option<Node>) {
    if let Some(e) = fts_expr(q) {
        return (Some(e), None);
    }
    if let Node::Bool(clauses) = q
        && clauses.iter().any(|(o, _)| *o == Occur::Must)
    {
        let mut drive = Vec::new();
        let mut rest = Vec::new();
        for (occur, node) in clauses {
            match occur {
                Occur::Must => match fts_expr(node) {
                    Some(e) => drive.push(e),
                    None => rest.push((Occur::Must, node.clone())),
                },
                // With a required clause, optional ones only change the ranking.
                Occur::Should => {}
                Occur::MustNot => rest.push((Occur::MustNot, node.clone())),
            }
        }
        if !drive.is_empty() {
            let rest = (!rest.is_empty()).then_some(Node::Bool(rest));
            return (Some(drive.join(" AND ")), rest);
        }
    }
    (None, Some(q.clone()))
}

/// The FROM and WHERE of a search (all but the type filter, applied after counting per
/// type), and whether FTS5 ranks the matches.
fn from_where(s: &Search, vis: &Visibility) -> (Sql, bool) {
    let (drive, rest) = plan(&s.q);
    let mut sql = Sql::default();
    let ranked = drive.is_some();
    match drive {
        Some(e) => {
            sql.push(
                " FROM search_fts JOIN search_docs d ON d.doc_id = search_fts.rowid
                 WHERE search_fts MATCH ",
            );
            sql.bind(SqlValue::Text(e));
        }
        None => sql.push(" FROM search_docs d WHERE 1"),
    }
    if let Some(rest) = rest {
        sql.push(" AND ");
        cond(&rest, &mut sql);
    }
    for f in &s.fq {
        sql.push(" AND ");
        cond(f, &mut sql);
    }
    if !s.subtrees.is_empty() {
        sql.push(" AND (");
        for (i, id) in s.subtrees.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(&format!(
                "(instr(d.chain, ' {id} ') > 0 AND d.entity_id <> {id})"
            ));
        }
        sql.push(")");
    }
    if let Visibility::Points {
        datasets,
        collections,
    } = vis
    {
        sql.push(" AND (d.public = 1");
        let any = |ids: &[i64]| {
            ids.iter()
                .map(|id| format!("instr(d.chain, ' {id} ') > 0"))
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        if !collections.is_empty() {
            sql.push(&format!(
                " OR (d.dtype = 'dataverses' AND ({}))",
                any(collections)
            ));
        }
        if !datasets.is_empty() {
            sql.push(&format!(
                " OR (d.dtype <> 'dataverses' AND ({}))",
                any(datasets)
            ));
        }
        sql.push(")");
    }
    (sql, ranked)
}

/// Dataverse's static facet fields, in the order it asks Solr for them (the collection's
/// facet fields go between `license` and `fileTypeGroupFacet`).
pub(crate) const STATIC_FACETS: &[&str] = &[
    "datasetType",
    "dvCategory",
    "metadataSource",
    "publicationDate",
    "publicationStatus",
    "license",
    "fileTypeGroupFacet",
    "fileTag",
    "fileAccess",
];

/// One matching document, as the one query of a search reads it.
struct Hit {
    doc_id: i64,
    dtype: String,
    score: f64,
    key: String,
    facets: String,
}

/// Run `s` for a caller with `vis`: one query reads every match (id, type, score, sort key,
/// facet values); counting per type, the type filter, sorting, paging and facet counts
/// happen here; then the page's cards are read.
pub(crate) fn run(
    conn: &Connection,
    blocks: &Blocks,
    caller: &Caller,
    vis: &Visibility,
    s: &Search,
) -> Result<Found, Error> {
    let (fw, ranked) = from_where(s, vis);
    let score = if ranked { "-search_fts.rank" } else { "1.0" };
    let key = match s.sort {
        SortField::Name => "d.name_sort",
        SortField::Date => "d.date_sort",
        SortField::Relevance => "''",
    };
    let facets_col = if s.show_facets { "d.facets" } else { "''" };
    let text = format!(
        "SELECT d.doc_id, d.dtype, {score}, {key}, {facets_col}{}",
        fw.text
    );
    let mut hits: Vec<Hit> = {
        let mut stmt = conn.prepare(&text)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(fw.params.iter()), |r| {
            Ok(Hit {
                doc_id: r.get(0)?,
                dtype: r.get(1)?,
                score: r.get(2)?,
                key: r.get(3)?,
                facets: r.get(4)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };

    // Counts per type (before the type filter, as Dataverse's separate count query).
    let mut by_type: HashMap<&str, i64> = HashMap::new();
    for h in &hits {
        let t = match h.dtype.as_str() {
            DATAVERSES => DATAVERSES,
            DATASETS => DATASETS,
            _ => FILES,
        };
        *by_type.entry(t).or_default() += 1;
    }
    if !s.types.is_empty() {
        hits.retain(|h| s.types.contains(&h.dtype.as_str()));
    }
    let total = hits.len() as i64;

    // Sort (ties in index order), only as far as the page needs.
    let cmp = |a: &Hit, b: &Hit| -> std::cmp::Ordering {
        let primary = match s.sort {
            SortField::Relevance => b
                .score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal),
            SortField::Name | SortField::Date => a.key.cmp(&b.key),
        };
        let forward = primary.then(a.doc_id.cmp(&b.doc_id));
        // Relevance compares best first; names and dates compare ascending.
        let flip = match s.sort {
            SortField::Relevance => !s.descending,
            SortField::Name | SortField::Date => s.descending,
        };
        if flip { forward.reverse() } else { forward }
    };
    let end = (s.start + s.per_page).min(hits.len());
    if s.start < hits.len() {
        if end < hits.len() && end > 0 {
            hits.select_nth_unstable_by(end - 1, cmp);
            hits[..end].sort_unstable_by(cmp);
        } else {
            hits.sort_unstable_by(cmp);
        }
    }
    let page: Vec<i64> = hits
        .get(s.start..end)
        .map(|p| p.iter().map(|h| h.doc_id).collect())
        .unwrap_or_default();
    let scores: HashMap<i64, f64> = hits
        .get(s.start..end)
        .map(|p| p.iter().map(|h| (h.doc_id, h.score)).collect())
        .unwrap_or_default();

    // The page's cards.
    let mut rows: HashMap<i64, Row> = HashMap::new();
    if !page.is_empty() {
        let ids = page
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut stmt = conn.prepare(&format!(
            "SELECT c.doc_id, c.head, c.tail, c.texts, d.dtype, d.dataset_id, d.entity_id
             FROM search_cards c JOIN search_docs d ON d.doc_id = c.doc_id
             WHERE c.doc_id IN ({ids})"
        ))?;
        let mapped = stmt.query_map([], |r| {
            Ok(Row {
                doc_id: r.get(0)?,
                head: r.get(1)?,
                tail: r.get(2)?,
                texts: r.get(3)?,
                dtype: r.get(4)?,
                dataset_id: r.get(5)?,
                entity_id: r.get(6)?,
                score: 0.0,
            })
        })?;
        for row in mapped {
            let row = row?;
            rows.insert(row.doc_id, row);
        }
    }
    let words = highlight_words(&s.q);
    let mut items = Vec::with_capacity(page.len());
    for id in &page {
        if let Some(mut row) = rows.remove(id) {
            row.score = scores.get(id).copied().unwrap_or(1.0);
            items.push(card(conn, caller, s, &words, row)?);
        }
    }

    // Facets: the static ones and the searched collections' fields, counted over the
    // matches.
    let mut facets = Vec::new();
    if s.show_facets {
        let mut names: Vec<String> = STATIC_FACETS[..6].iter().map(|n| n.to_string()).collect();
        for f in &s.collection_facets {
            let n = fields::facet_name(blocks, f);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names.extend(STATIC_FACETS[6..].iter().map(|n| n.to_string()));
        let wanted: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut tally: HashMap<(&str, &str), i64> = HashMap::new();
        for h in &hits {
            for pair in h.facets.split(FACET_SEP) {
                if let Some((field, value)) = pair.split_once(FACET_KV)
                    && wanted.contains(field)
                {
                    *tally.entry((field, value)).or_default() += 1;
                }
            }
        }
        let mut counts: HashMap<String, HashMap<String, i64>> = HashMap::new();
        for ((field, value), n) in tally {
            counts
                .entry(field.to_string())
                .or_default()
                .insert(value.to_string(), n);
        }
        for name in names {
            let Some(values) = counts.remove(&name) else {
                continue;
            };
            let mut labels: Vec<(String, i64)> = values.into_iter().collect();
            labels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let shown = match name.as_str() {
                "publicationStatus" => labels.iter().any(|(v, _)| {
                    [
                        document::UNPUBLISHED,
                        document::DRAFT,
                        document::DEACCESSIONED,
                    ]
                    .contains(&v.as_str())
                }),
                "metadataSource" | "license" | "datasetType" => labels.len() > 1,
                _ => !labels.is_empty(),
            };
            if shown {
                let friendly = fields::facet_friendly(blocks, &name);
                facets.push(FacetCategory {
                    name,
                    friendly,
                    labels,
                });
            }
        }
    }

    let mut type_counts_out = Vec::new();
    if s.show_type_counts {
        // Java's HashMap order for these three keys.
        for (key, dtype) in [
            ("Datasets", DATASETS),
            ("Files", FILES),
            ("Dataverses", DATAVERSES),
        ] {
            type_counts_out.push((key, by_type.get(dtype).copied().unwrap_or(0)));
        }
    }
    Ok(Found {
        total,
        items,
        facets,
        type_counts: type_counts_out,
    })
}

struct Row {
    doc_id: i64,
    head: String,
    tail: String,
    texts: String,
    dtype: String,
    dataset_id: Option<i64>,
    entity_id: i64,
    score: f64,
}

/// The result card of a row, with the keys that depend on the request.
fn card(
    conn: &Connection,
    caller: &Caller,
    s: &Search,
    words: &[(Option<String>, String, bool)],
    row: Row,
) -> Result<Value, Error> {
    let head: Map<String, Value> = serde_json::from_str(&row.head)?;
    let tail: Map<String, Value> = serde_json::from_str(&row.tail)?;
    let mut out = Map::new();
    for (k, v) in head {
        let v = match (k.as_str(), &v) {
            ("url", Value::String(u)) if u.starts_with('/') => json!(format!("{}{u}", s.site_url)),
            _ => v,
        };
        out.insert(k, v);
    }
    if row.dtype == FILES && s.query_entities {
        let restricted = out
            .get("restricted")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let can = !restricted
            || match row.dataset_id {
                Some(ds) => permissions::permitted(
                    conn,
                    caller,
                    Permission::DownloadFile,
                    DvObject::Dataset(ds),
                )?,
                None => false,
            };
        out.insert("canDownloadFile".into(), json!(can));
    }
    if s.show_relevance {
        let texts: Map<String, Value> = serde_json::from_str(&row.texts)?;
        out.insert("matches".into(), matches(&texts, words));
        out.insert("score".into(), json!(row.score));
    }
    if s.show_entity_ids {
        out.insert("entity_id".into(), json!(row.entity_id));
    }
    let mut extras_done = false;
    let extras = |out: &mut Map<String, Value>| -> Result<(), Error> {
        if row.dtype == DATASETS && !s.metadata_fields.is_empty() {
            let version = tail.get("versionId").and_then(Value::as_i64).unwrap_or(0);
            out.insert(
                "metadataBlocks".into(),
                requested_fields(conn, version, &s.metadata_fields)?,
            );
        }
        if s.show_api_urls && row.dtype == DATASETS {
            out.insert(
                "api_url".into(),
                json!(format!("{}/api/datasets/{}", s.site_url, row.entity_id)),
            );
        }
        Ok(())
    };
    for (k, v) in &tail {
        if k == "authors" && !extras_done {
            extras(&mut out)?;
            extras_done = true;
        }
        out.insert(k.clone(), v.clone());
    }
    if !extras_done {
        extras(&mut out)?;
    }
    Ok(Value::Object(out))
}

/// `metadataBlocks` of a dataset card: the requested fields of the version, by block.
fn requested_fields(conn: &Connection, version: i64, wanted: &[String]) -> Result<Value, Error> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT metadata_blocks FROM dataset_versions WHERE id = ?1",
            [version],
            |r| r.get(0),
        )
        .ok();
    let blocks: Value = match stored {
        Some(text) => serde_json::from_str(&text)?,
        None => json!({}),
    };
    let mut out = Map::new();
    if let Some(all) = blocks.as_object() {
        for (name, block) in all {
            let fields_wanted: Vec<&str> = wanted
                .iter()
                .filter_map(|w| w.split_once(':'))
                .filter(|(b, _)| b == name)
                .map(|(_, f)| f)
                .collect();
            if fields_wanted.is_empty() {
                continue;
            }
            let fields: Vec<Value> = block
                .get("fields")
                .and_then(Value::as_array)
                .map(|fs| {
                    fs.iter()
                        .filter(|f| {
                            let n = f.get("typeName").and_then(Value::as_str).unwrap_or("");
                            fields_wanted.iter().any(|w| *w == "*" || *w == n)
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let mut b = Map::new();
            if let Some(d) = block.get("displayName") {
                b.insert("displayName".into(), d.clone());
            }
            b.insert("fields".into(), Value::Array(fields));
            out.insert(name.clone(), Value::Object(b));
        }
    }
    Ok(Value::Object(out))
}

/// The positive words of the query: (field or default, word, prefix).
fn highlight_words(q: &Node) -> Vec<(Option<String>, String, bool)> {
    fn walk(n: &Node, negative: bool, out: &mut Vec<(Option<String>, String, bool)>) {
        match n {
            Node::Text(t) if !negative => {
                let last = t.words.len().saturating_sub(1);
                for (i, w) in t.words.iter().enumerate() {
                    out.push((t.field.clone(), w.clone(), t.prefix && i == last));
                }
            }
            Node::Bool(clauses) => {
                for (o, c) in clauses {
                    walk(c, negative || *o == Occur::MustNot, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(q, false, &mut out);
    out
}

/// Fields shown in `matches` (Dataverse's highlight fields; not the copies it keeps for
/// search only).
fn highlighted(field: &str) -> bool {
    !matches!(
        field,
        "citation"
            | "datasetType"
            | "dvName"
            | "dvAlias"
            | "dvAffiliation"
            | "dvDescription"
            | "fileName"
            | "fileDescription"
            | "affiliation"
    )
}

/// A rough English stem, so `finches` highlights for `finch` as the index matched it.
fn stem(w: &str) -> &str {
    for suffix in ["ies", "es", "s"] {
        if w.len() > suffix.len() + 2
            && let Some(s) = w.strip_suffix(suffix)
        {
            return s;
        }
    }
    w
}

fn word_matches(word: &str, wanted: &str, prefix: bool) -> bool {
    let word = word.to_lowercase();
    if prefix {
        return word.starts_with(wanted);
    }
    word == wanted || stem(&word) == stem(wanted)
}

/// `matches`: per field whose text holds a query word, one snippet with the words marked.
fn matches(texts: &Map<String, Value>, words: &[(Option<String>, String, bool)]) -> Value {
    let mut out = Vec::new();
    for (field, values) in texts {
        if !highlighted(field) {
            continue;
        }
        let wanted: Vec<(&str, bool)> = words
            .iter()
            .filter(|(f, _, _)| f.as_deref().is_none_or(|f| f == field))
            .map(|(_, w, p)| (w.as_str(), *p))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let Some(values) = values.as_array() else {
            continue;
        };
        for v in values.iter().filter_map(Value::as_str) {
            if let Some(snippet) = snippet(v, &wanted) {
                out.push(json!({ field.clone(): {"snippets": [snippet]} }));
                break;
            }
        }
    }
    Value::Array(out)
}

/// About 100 characters of `text` around its first matching word, matches marked.
fn snippet(text: &str, wanted: &[(&str, bool)]) -> Option<String> {
    // Word spans (byte offsets).
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word_char = c.is_alphanumeric() || c == '_';
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    let hit = |(s, e): (usize, usize)| wanted.iter().any(|(w, p)| word_matches(&text[s..e], w, *p));
    let first = spans.iter().position(|sp| hit(*sp))?;
    const FRAGMENT: usize = 100;
    let from = if spans[first].1 <= FRAGMENT {
        0
    } else {
        spans[first].0
    };
    let mut to = text.len();
    for sp in &spans[first..] {
        if sp.1 - from > FRAGMENT {
            to = sp.0;
            break;
        }
    }
    let mut out = String::new();
    let mut at = from;
    for sp in spans.iter().filter(|sp| sp.0 >= from && sp.1 <= to) {
        if hit(*sp) {
            out.push_str(&text[at..sp.0]);
            out.push_str("<span class=\"search-term-match\">");
            out.push_str(&text[sp.0..sp.1]);
            out.push_str("</span>");
            at = sp.1;
        }
    }
    out.push_str(&text[at..to]);
    Some(out.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::{Source, parse};

    #[test]
    fn full_text_parts_become_one_match_expression() {
        crate::search::fields::init(&crate::blocks::Blocks::load().unwrap());
        let q = parse("finch AND title:darwin* -sparrow", Source::Q).unwrap();
        assert_eq!(
            fts_expr(&q).unwrap(),
            "(body : \"finch\" AND fielded : \"title__darwin\" *) NOT (body : \"sparrow\")"
        );
        let q = parse("finch AND publicationStatus:Published", Source::Q).unwrap();
        assert!(fts_expr(&q).is_none());
        let (drive, rest) = plan(&q);
        assert_eq!(drive.unwrap(), "body : \"finch\"");
        assert!(matches!(rest, Some(Node::Bool(_))));
        let q = parse("-finch", Source::Q).unwrap();
        assert!(fts_expr(&q).is_none());
    }

    #[test]
    fn snippets_mark_words() {
        let s = snippet(
            "Darwin's finches (also known as the Galápagos finches) are birds",
            &[("finch", false)],
        )
        .unwrap();
        assert_eq!(
            s,
            "Darwin's <span class=\"search-term-match\">finches</span> (also known as the Galápagos <span class=\"search-term-match\">finches</span>) are birds"
        );
        assert!(snippet("sparrows only", &[("finch", false)]).is_none());
        assert_eq!(
            snippet("Darwin", &[("dar", true)]).unwrap(),
            "<span class=\"search-term-match\">Darwin</span>"
        );
    }
}
