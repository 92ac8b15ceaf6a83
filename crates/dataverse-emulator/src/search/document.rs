//! Index documents: what Dataverse's `IndexServiceBean` puts in Solr for a collection, a
//! dataset version and a file in a version, read from the store. Each document carries the
//! result card of `SolrSearchResult.json` in two parts (before and after the per-request
//! keys), its searchable text, its string/number/date values, and what permissions and
//! subtree filters need.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value, json};

use super::fields::{self, FieldKind};
use crate::Error;
use crate::blocks::Blocks;
use crate::export::{self, Citation};
use crate::ingest;
use crate::model::{LockType, VersionState};
use crate::store::collections::{self, CollectionRow};
use crate::store::datasets::{DatasetRow, VersionRow};
use crate::store::{files, locks};

/// `dvObjectType` values.
pub(crate) const DATAVERSES: &str = "dataverses";
pub(crate) const DATASETS: &str = "datasets";
pub(crate) const FILES: &str = "files";

/// `publicationStatus` values (`IndexServiceBean`).
pub(crate) const PUBLISHED: &str = "Published";
pub(crate) const UNPUBLISHED: &str = "Unpublished";
pub(crate) const DRAFT: &str = "Draft";
pub(crate) const IN_REVIEW: &str = "In Review";
pub(crate) const DEACCESSIONED: &str = "Deaccessioned";

/// One document of the index.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// Solr id: `dataverse_5`, `dataset_7`, `dataset_7_draft`, `datafile_9_draft`, ...
    pub solr_id: String,
    pub entity_id: i64,
    /// The dataset of a dataset or file document.
    pub dataset_id: Option<i64>,
    /// `dvObjectType`.
    pub dtype: &'static str,
    /// Visible to everyone (a published object).
    pub public: bool,
    /// ` 1 5 9 ` (and the dataset id for dataset and file documents): the collections
    /// above the object, and the object, for permission and subtree tests.
    pub chain: String,
    pub name_sort: String,
    pub date_sort: String,
    /// Card keys up to `canDownloadFile`.
    pub head: Map<String, Value>,
    /// Card keys from `publicationStatuses` on.
    pub tail: Map<String, Value>,
    /// Full-text values, by field.
    pub texts: Vec<(String, String)>,
    /// String, number and date values, by field (beside `entityId`, `dvObjectType`,
    /// `nameSort` and `dateSort`, which are columns of the document).
    pub values: Vec<(String, SqlValue)>,
}

impl Doc {
    fn text(&mut self, field: &str, value: impl Into<String>) {
        let v = value.into();
        if !v.trim().is_empty() {
            self.texts.push((field.to_string(), v));
        }
    }

    fn value(&mut self, field: &str, value: impl Into<SqlValue>) {
        self.values.push((field.to_string(), value.into()));
    }

    fn statuses(&mut self, statuses: &[&str]) {
        for s in statuses {
            self.value("publicationStatus", s.to_string());
        }
        if !statuses.is_empty() {
            self.tail
                .insert("publicationStatuses".into(), json!(statuses));
        }
    }

    /// `subtreePaths`: `/5`, `/5/9`, ... for the collections below root that hold the object.
    fn subtree_paths(&mut self, owners_root_first: &[i64]) {
        let mut path = String::new();
        for id in owners_root_first.iter().skip(1) {
            path.push('/');
            path.push_str(&id.to_string());
            self.value("subtreePaths", path.clone());
        }
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` of a stored time (already that form; cut any fraction).
fn wire_time(t: &str) -> String {
    match t.get(..19) {
        Some(base) if t.len() > 19 => format!("{base}Z"),
        _ => t.to_string(),
    }
}

fn year(t: &str) -> String {
    t.get(..4).unwrap_or(t).to_string()
}

fn chain_text(ids: &[i64]) -> String {
    let mut s = String::from(" ");
    for id in ids {
        s.push_str(&id.to_string());
        s.push(' ');
    }
    s
}

/// The ids of `owner` and the collections above it, root first.
pub(crate) fn owner_ids(conn: &Connection, owner: i64) -> Result<Vec<CollectionRow>, Error> {
    let mut out = Vec::new();
    let mut next = Some(owner);
    while let Some(id) = next {
        if out.len() > 256 {
            break;
        }
        let Some(c) = collections::by_id(conn, id)? else {
            break;
        };
        next = c.owner_id;
        out.push(c);
    }
    out.reverse();
    Ok(out)
}

fn empty_doc(solr_id: String, entity_id: i64, dtype: &'static str) -> Doc {
    Doc {
        solr_id,
        entity_id,
        dataset_id: None,
        dtype,
        public: false,
        chain: String::new(),
        name_sort: String::new(),
        date_sort: String::new(),
        head: Map::new(),
        tail: Map::new(),
        texts: Vec::new(),
        values: Vec::new(),
    }
}

/// The document of a collection (`dataverse_<id>`); `chain` is the collection and its
/// owners, root first; `publisher` the root collection's name.
pub(crate) fn collection(
    conn: &Connection,
    c: &CollectionRow,
    chain: &[CollectionRow],
    publisher: &str,
) -> Result<Doc, Error> {
    let mut d = empty_doc(format!("dataverse_{}", c.id), c.id, DATAVERSES);
    let (released, publication_date): (bool, Option<String>) = conn.query_row(
        "SELECT is_released, publication_date FROM dataverses WHERE id = ?1",
        [c.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ids: Vec<i64> = chain.iter().map(|x| x.id).collect();
    d.public = released;
    d.chain = chain_text(&ids);
    d.name_sort = c.name.to_lowercase();
    d.date_sort = wire_time(if released {
        publication_date.as_deref().unwrap_or(&c.creation_date)
    } else {
        &c.creation_date
    });
    let parent = chain.len().checked_sub(2).map(|i| &chain[i]);

    d.head.insert("name".into(), json!(c.name));
    d.head.insert("type".into(), json!("dataverse"));
    d.head
        .insert("url".into(), json!(format!("/dataverse/{}", c.alias)));
    d.head.insert("identifier".into(), json!(c.alias));
    if let Some(desc) = &c.description {
        d.head.insert("description".into(), json!(desc));
    }
    if released && let Some(p) = &publication_date {
        d.head.insert("published_at".into(), json!(wire_time(p)));
    }
    d.statuses(if released {
        &[PUBLISHED]
    } else {
        &[UNPUBLISHED]
    });
    if let Some(a) = &c.affiliation {
        d.tail.insert("affiliation".into(), json!(a));
    }
    if let Some(p) = parent {
        d.tail.insert("parentDataverseName".into(), json!(p.name));
        d.tail
            .insert("parentDataverseIdentifier".into(), json!(p.alias));
    }

    d.value("identifier", c.alias.clone());
    d.value(
        "dvCategory",
        fields::category_name(&c.dataverse_type).to_string(),
    );
    // `indexDataverse` gives collections no publication year; their metadata source is
    // the installation (the root collection's name).
    d.value("metadataSource", publisher.to_string());
    if let Some(p) = parent {
        d.value("parentId", p.id.to_string());
        d.value("parentName", p.name.clone());
        d.value("dvParentAlias", p.alias.clone());
    }
    // A collection is not in its own subtree ("don't show yourself").
    d.subtree_paths(&ids[..ids.len().saturating_sub(1)]);
    d.text("name", c.name.clone());
    d.text("dvName", c.name.clone());
    d.text("dvAlias", c.alias.clone());
    if let Some(a) = &c.affiliation {
        d.text("affiliation", a.clone());
        d.text("dvAffiliation", a.clone());
    }
    if let Some(desc) = &c.description {
        d.text("description", desc.clone());
        d.text("dvDescription", desc.clone());
    }
    Ok(d)
}

/// Which state a dataset document shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Published,
    Draft,
    Deaccessioned,
}

/// The documents of a dataset and its files: the latest published version, the draft, or
/// (with neither published) the deaccessioned version, as `IndexServiceBean` indexes them.
/// `chain` is the dataset's collection and those above it, root first ([`owner_ids`]).
pub(crate) fn dataset(
    conn: &Connection,
    blocks: &Blocks,
    ds: &DatasetRow,
    versions: &[VersionRow],
    publisher: &str,
    chain: &[CollectionRow],
) -> Result<Vec<Doc>, Error> {
    let released = versions.iter().find(|v| v.state == VersionState::Released);
    let draft = versions.iter().find(|v| v.state == VersionState::Draft);
    let deaccessioned = versions
        .iter()
        .find(|v| v.state == VersionState::Deaccessioned);
    let in_review = locks::has(conn, ds.id, LockType::InReview)?;
    let mut out = Vec::new();
    let mut published_files: Vec<(files::FileMetaRow, files::DataFileRow)> = Vec::new();
    let showing = |version, shown, statuses| DatasetShown {
        ds,
        version,
        shown,
        statuses,
        chain,
        publisher,
    };
    if let Some(v) = released {
        let shown = showing(v, Shown::Published, vec![PUBLISHED]);
        out.push(dataset_doc(conn, blocks, &shown)?);
        published_files = files::in_version(conn, v.id)?;
        for (fm, df) in &published_files {
            out.push(file_doc(&shown, &out[0], fm, df)?);
        }
    }
    if let Some(v) = draft {
        let mut statuses = Vec::new();
        if released.is_none() {
            statuses.push(UNPUBLISHED);
        }
        if in_review {
            statuses.push(IN_REVIEW);
        }
        statuses.push(DRAFT);
        let shown = showing(v, Shown::Draft, statuses);
        let doc = dataset_doc(conn, blocks, &shown)?;
        let mut file_docs = Vec::new();
        for (fm, df) in files::in_version(conn, v.id)? {
            // A file unchanged since the published version is found through that version.
            let unchanged = published_files.iter().any(|(pfm, pdf)| {
                pdf.id == df.id
                    && pfm.label == fm.label
                    && pfm.directory_label == fm.directory_label
                    && pfm.description == fm.description
                    && pfm.restricted == fm.restricted
                    && pfm.categories == fm.categories
            });
            if !unchanged {
                file_docs.push(file_doc(&shown, &doc, &fm, &df)?);
            }
        }
        out.push(doc);
        out.extend(file_docs);
    } else if released.is_none()
        && let Some(v) = deaccessioned
    {
        let shown = showing(v, Shown::Deaccessioned, vec![DEACCESSIONED]);
        out.push(dataset_doc(conn, blocks, &shown)?);
    }
    Ok(out)
}

struct DatasetShown<'a> {
    ds: &'a DatasetRow,
    version: &'a VersionRow,
    shown: Shown,
    statuses: Vec<&'static str>,
    chain: &'a [CollectionRow],
    publisher: &'a str,
}

impl DatasetShown<'_> {
    fn solr_id(&self, base: String) -> String {
        match self.shown {
            Shown::Published => base,
            Shown::Draft => format!("{base}_draft"),
            Shown::Deaccessioned => format!("{base}_deaccessioned"),
        }
    }

    fn chain_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.chain.iter().map(|c| c.id).collect();
        ids.push(self.ds.id);
        ids
    }
}

/// Every (field, value) of a wire-form `metadataBlocks` object, compound children by
/// their own names.
fn metadata_values(blocks: &Value) -> Vec<(String, String)> {
    fn walk(field: &Value, out: &mut Vec<(String, String)>) {
        let Some(name) = field.get("typeName").and_then(Value::as_str) else {
            return;
        };
        let mut visit = |v: &Value| match v {
            Value::String(s) => out.push((name.to_string(), s.clone())),
            Value::Object(children) => {
                for child in children.values() {
                    walk(child, out);
                }
            }
            _ => {}
        };
        match field.get("value") {
            Some(Value::Array(items)) => items.iter().for_each(&mut visit),
            Some(v) => visit(v),
            None => {}
        }
    }
    let mut out = Vec::new();
    if let Some(obj) = blocks.as_object() {
        for block in obj.values() {
            if let Some(fields) = block.get("fields").and_then(Value::as_array) {
                for f in fields {
                    walk(f, &mut out);
                }
            }
        }
    }
    out
}

fn dataset_doc(conn: &Connection, blocks: &Blocks, s: &DatasetShown<'_>) -> Result<Doc, Error> {
    let ds = s.ds;
    let v = s.version;
    let meta: Value = serde_json::from_str(&v.metadata_blocks)?;
    let cit = Citation::from_blocks(&meta);
    let owner = s.chain.last();
    let published = s.shown == Shown::Published;
    let pid = ds.pid();
    let url = ds.persistent_url();
    let mut d = empty_doc(s.solr_id(format!("dataset_{}", ds.id)), ds.id, DATASETS);
    d.dataset_id = Some(ds.id);
    d.public = published;
    d.chain = chain_text(&s.chain_ids());
    d.name_sort = cit.title.to_lowercase();
    let created = wire_time(&v.create_time);
    d.date_sort = match (&ds.publication_date, published) {
        (Some(p), true) => wire_time(v.release_time.as_deref().unwrap_or(p)),
        _ => created.clone(),
    };

    // `DataCitation.getVersionFrom`: the major number only (`V2` for 2.1).
    let version_label = export::citation::version_label(v);
    let cite_year = year(
        ds.publication_date
            .as_deref()
            .unwrap_or(v.create_time.as_str()),
    );
    let authors: Vec<String> = cit.authors.iter().map(|a| a.name.clone()).collect();
    let author_list = authors.join("; ");
    let citation = export::citation_line(
        &author_list,
        &cite_year,
        &cit.title,
        &url,
        s.publisher,
        &version_label,
    );
    let citation_html = export::citation_html(
        &author_list,
        &cite_year,
        &cit.title,
        &url,
        s.publisher,
        &version_label,
    );
    let description = cit.descriptions.join(" ");

    d.head.insert("name".into(), json!(cit.title));
    d.head.insert("type".into(), json!("dataset"));
    d.head.insert("url".into(), json!(url));
    d.head.insert("global_id".into(), json!(pid));
    if !cit.descriptions.is_empty() {
        d.head.insert("description".into(), json!(description));
    }
    if published && let Some(t) = v.release_time.as_deref().or(ds.publication_date.as_deref()) {
        d.head.insert("published_at".into(), json!(wire_time(t)));
    }
    if let Some(o) = owner {
        d.head.insert("publisher".into(), json!(o.name));
    }
    if s.shown == Shown::Deaccessioned
        && let Some(note) = &v.deaccession_note
    {
        d.head.insert("deaccession_reason".into(), json!(note));
    }
    d.head.insert("citationHtml".into(), json!(citation_html));
    if let Some(o) = owner {
        d.head
            .insert("identifier_of_dataverse".into(), json!(o.alias));
        d.head.insert("name_of_dataverse".into(), json!(o.name));
    }
    d.head.insert("citation".into(), json!(citation));

    d.statuses(&s.statuses);
    d.tail
        .insert("storageIdentifier".into(), json!(ds.storage_identifier));
    if !cit.keywords.is_empty() {
        d.tail.insert("keywords".into(), json!(cit.keywords));
    }
    d.tail.insert("subjects".into(), json!(cit.subjects));
    let file_count: i64 = conn.query_row(
        "SELECT count(*) FROM filemetadatas WHERE version_id = ?1",
        [v.id],
        |r| r.get(0),
    )?;
    d.tail.insert("fileCount".into(), json!(file_count));
    d.tail.insert("versionId".into(), json!(v.id));
    d.tail
        .insert("versionState".into(), json!(v.state.as_str()));
    if published {
        d.tail
            .insert("majorVersion".into(), json!(v.version_number));
        d.tail
            .insert("minorVersion".into(), json!(v.minor_version_number));
    }
    let ds_created: String =
        conn.query_row("SELECT created FROM datasets WHERE id = ?1", [ds.id], |r| {
            r.get(0)
        })?;
    d.tail
        .insert("createdAt".into(), json!(wire_time(&ds_created)));
    d.tail
        .insert("updatedAt".into(), json!(wire_time(&v.last_update_time)));
    if !cit.contacts.is_empty() {
        let contacts: Vec<Value> = cit
            .contacts
            .iter()
            .map(|c| {
                let mut o = Map::new();
                if let Some(n) = &c.name {
                    o.insert("name".into(), json!(n));
                }
                o.insert(
                    "affiliation".into(),
                    json!(c.affiliation.clone().unwrap_or_default()),
                );
                Value::Object(o)
            })
            .collect();
        d.tail.insert("contacts".into(), Value::Array(contacts));
    }
    if !authors.is_empty() {
        d.tail.insert("authors".into(), json!(authors));
    }

    d.value("identifier", pid.clone());
    d.value("persistentUrl", url.clone());
    d.value("datasetType", ds.dataset_type.clone());
    d.value("datasetVersionId", v.id);
    d.value("fileCount", file_count);
    if let Some(l) = &v.license_name {
        d.value("license", l.clone());
    }
    d.value("metadataSource", s.publisher.to_string());
    if published && let Some(p) = &ds.publication_date {
        d.value("publicationDate", year(p));
        d.value("dsPublicationDate", year(p));
    }
    if let Some(o) = owner {
        d.value("parentId", o.id.to_string());
        d.value("parentName", o.name.clone());
        d.value("identifierOfDataverse", o.alias.clone());
    }
    let ids: Vec<i64> = s.chain.iter().map(|c| c.id).collect();
    d.subtree_paths(&ids);
    d.text("dsPersistentId", pid);
    // The citation and the joined description are shown, not searched: their words are
    // the metadata fields' own (indexed below), as in Dataverse's schema.
    d.text("datasetType", ds.dataset_type.clone());
    for (field, value) in metadata_values(&meta) {
        if let Some((b, i)) = blocks.field_anywhere(&field)
            && b.fields[i].facetable
        {
            let facet = fields::facet_name(blocks, &field);
            let facet_value = if b.fields[i].field_type == "DATE" {
                year(&value)
            } else {
                value.clone()
            };
            d.value(&facet, facet_value);
        }
        d.text(&field, value);
    }
    Ok(d)
}

/// The facet group of a content type (`MimeTypeFacets.properties`, in short).
fn type_group(content_type: &str) -> &'static str {
    let base = content_type.split(';').next().unwrap_or("").trim();
    match base {
        "text/tab-separated-values"
        | "text/csv"
        | "text/comma-separated-values"
        | "application/x-stata"
        | "application/x-spss-sav"
        | "application/x-rlang-transport"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "Tabular Data",
        "application/pdf" => "Document",
        "application/zip" | "application/gzip" => "Archive",
        "application/json" | "text/xml" | "text/html" => "Data",
        "application/octet-stream" => "Unknown",
        b if b.starts_with("image/") => "Image",
        b if b.starts_with("text/") => "Text",
        b if b.starts_with("audio/") => "Audio",
        b if b.starts_with("video/") => "Video",
        _ => "Other",
    }
}

fn file_doc(
    s: &DatasetShown<'_>,
    ds_doc: &Doc,
    fm: &files::FileMetaRow,
    df: &files::DataFileRow,
) -> Result<Doc, Error> {
    let mut d = empty_doc(s.solr_id(format!("datafile_{}", df.id)), df.id, FILES);
    let title = ds_doc
        .head
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let citation = ds_doc
        .head
        .get("citation")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let published = s.shown == Shown::Published;
    d.dataset_id = Some(s.ds.id);
    d.public = published;
    d.chain = ds_doc.chain.clone();
    d.name_sort = fm.label.to_lowercase();
    let release_or_create = match (&df.publication_date, published) {
        (Some(p), true) => wire_time(p),
        _ => wire_time(&df.created),
    };
    d.date_sort = release_or_create.clone();
    let friendly = ingest::friendly_type(&df.content_type);

    d.head.insert("name".into(), json!(fm.label));
    d.head.insert("type".into(), json!("file"));
    d.head.insert(
        "url".into(),
        json!(format!("/api/access/datafile/{}", df.id)),
    );
    d.head.insert("file_id".into(), json!(df.id.to_string()));
    d.head.insert("description".into(), json!(fm.description));
    if published && let Some(p) = &df.publication_date {
        d.head.insert("published_at".into(), json!(wire_time(p)));
    }
    d.head.insert("file_type".into(), json!(friendly));
    d.head
        .insert("file_content_type".into(), json!(df.content_type));
    d.head.insert("size_in_bytes".into(), json!(df.filesize));
    if df.checksum_type == "MD5" {
        d.head.insert("md5".into(), json!(df.checksum));
    }
    d.head.insert(
        "checksum".into(),
        json!({"type": df.checksum_type, "value": df.checksum}),
    );
    d.head.insert("dataset_name".into(), json!(title));
    d.head
        .insert("dataset_id".into(), json!(s.ds.id.to_string()));
    d.head
        .insert("dataset_persistent_id".into(), json!(s.ds.pid()));
    d.head.insert("dataset_citation".into(), json!(citation));
    d.head.insert("restricted".into(), json!(fm.restricted));

    d.statuses(&s.statuses);
    let categories = fm.category_list();
    if !categories.is_empty() {
        d.tail.insert("categories".into(), json!(categories));
    }
    d.tail
        .insert("releaseOrCreateDate".into(), json!(release_or_create));

    d.value("identifier", df.id.to_string());
    d.value("fileContentType", df.content_type.clone());
    d.value(
        "fileTypeGroupFacet",
        type_group(&df.content_type).to_string(),
    );
    d.value("fileSizeInBytes", df.filesize);
    d.value("fileChecksumType", df.checksum_type.clone());
    d.value("fileChecksumValue", df.checksum.clone());
    if df.checksum_type == "MD5" {
        d.value("fileMd5", df.checksum.clone());
    }
    d.value(
        "fileAccess",
        if fm.restricted {
            "Restricted"
        } else {
            "Public"
        }
        .to_string(),
    );
    for c in &categories {
        d.value("fileTag", c.clone());
    }
    d.value("parentId", s.ds.id.to_string());
    d.value("parentIdentifier", s.ds.pid());
    d.value("parentName", title);
    if published && let Some(p) = &df.publication_date {
        d.value("publicationDate", year(p));
    }
    let ids: Vec<i64> = s.chain.iter().map(|c| c.id).collect();
    d.subtree_paths(&ids);
    d.text("name", fm.label.clone());
    d.text("fileName", fm.label.clone());
    let stem = fm
        .label
        .rsplit_once('.')
        .map_or(fm.label.as_str(), |(stem, _)| stem);
    d.text("fileNameWithoutExtension", stem.to_string());
    d.text("fileType", friendly.clone());
    d.text("fileTypeDisplay", friendly);
    d.text("description", fm.description.clone());
    d.text("fileDescription", fm.description.clone());
    for c in &categories {
        d.text("fileTags", c.clone());
    }
    if let Some(dir) = &fm.directory_label {
        d.text("fileName", dir.clone());
    }
    Ok(d)
}

/// The kind of a value for binding (numbers bind as integers so ranges compare as numbers).
pub(crate) fn bind_value(field: &str, v: &str) -> SqlValue {
    match fields::kind(field) {
        Some(FieldKind::Long) => v
            .parse::<i64>()
            .map(SqlValue::Integer)
            .unwrap_or_else(|_| SqlValue::Text(v.to_string())),
        _ => SqlValue::Text(v.to_string()),
    }
}
