//! The DDI of one tabular file (`DDIExportServiceBean.exportDataFile`, used by
//! `GET /api/access/datafile/{id}/metadata/ddi` and the bundle's `-ddi.xml`): a DDI 2.0
//! `codeBook` with the version's `stdyDscr` (title, PID, authors, citation), the file's
//! `fileDscr` (name, cases and variables, type, description) and a `dataDscr` with one `var` per
//! column (location, label, summary statistics, format), in Java's element and attribute
//! order. `exclude` and `include` pick fields as `checkField` does.
//!
//! Not written, because nothing here records them: UNF notes (the ingest computes no UNF),
//! variable groups, categories (the CSV ingest makes none) and variable metadata.

use std::collections::HashSet;

use super::Citation;
use super::citation::DataCitation;
use super::xml::XmlWriter;
use crate::Error;
use crate::ingest::variables::{Table, read_table};
use crate::store::files::{DataFileRow, FileMetaRow};
use crate::store::{collections, datasets};

/// The `exclude` / `include` field lists (comma-separated element names).
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    exclude: Option<HashSet<String>>,
    include: Option<HashSet<String>>,
}

fn field_set(list: Option<&str>) -> Option<HashSet<String>> {
    let list = list.filter(|l| !l.is_empty())?;
    Some(
        list.split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

impl Fields {
    /// From the `exclude` and `include` query parameters.
    pub(crate) fn new(exclude: Option<&str>, include: Option<&str>) -> Fields {
        Fields {
            exclude: field_set(exclude),
            include: field_set(include),
        }
    }

    /// The same exclusions without the inclusions (Java passes `null` for them below the
    /// top level).
    fn nested(&self) -> Fields {
        Fields {
            exclude: self.exclude.clone(),
            include: None,
        }
    }

    /// `checkField`.
    fn wants(&self, field: &str) -> bool {
        if self.include.as_ref().is_some_and(|i| i.contains(field)) {
            return true;
        }
        if self
            .exclude
            .as_ref()
            .is_some_and(|e| e.contains("*") && e.len() == 1)
        {
            return false;
        }
        self.include.as_ref().is_none_or(HashSet::is_empty)
            && self.exclude.as_ref().is_none_or(|e| !e.contains(field))
    }
}

/// What the file's DDI is made of.
#[derive(Debug, Clone)]
pub(crate) struct FileDdi<'a> {
    pub file_id: i64,
    /// The label of the file metadata described (`x.tab`).
    pub label: &'a str,
    pub content_type: &'a str,
    pub description: &'a str,
    pub table: &'a Table,
    /// The version's title.
    pub title: &'a str,
    /// The dataset's PID protocol (`doi`), written as the `IDNo` agency.
    pub protocol: &'a str,
    /// `authority/identifier`.
    pub id_no: String,
    /// `DatasetVersion.getAuthorsStr(false)`: author names joined by `; `.
    pub authors: String,
    /// The version's plain-text citation.
    pub citation: String,
}

/// `createDataFileDDI`, as a document.
pub(crate) fn render(d: &FileDdi<'_>, fields: &Fields) -> String {
    let nested = fields.nested();
    let mut x = XmlWriter::fragment();
    // The JDK's `XMLStreamWriter.writeStartDocument()`.
    x.raw("<?xml version=\"1.0\" ?>");
    x.open(
        "codeBook",
        &[
            ("xmlns", "http://www.icpsr.umich.edu/DDI"),
            ("version", "2.0"),
        ],
    );
    x.open("stdyDscr", &[]).open("citation", &[]);
    x.open("titlStmt", &[]).leaf("titl", &[], d.title);
    let agency = [("agency", d.protocol)];
    x.leaf("IDNo", &attrs(&agency), &d.id_no).close();
    x.open("rspStmt", &[])
        .leaf("AuthEnty", &[], &d.authors)
        .close();
    x.leaf("biblCit", &[], &d.citation);
    x.close().close();
    if fields.wants("fileDscr") {
        file_dscr(&mut x, d, &nested);
    }
    x.open("dataDscr", &[]);
    if fields.wants("var") {
        let fid = format!("f{}", d.file_id);
        for (i, var) in d.table.variables.iter().enumerate() {
            let id = format!("v{}", variable_id(d.file_id, i));
            let a = [
                ("ID", id.as_str()),
                ("name", var.name.as_str()),
                ("intrvl", var.interval()),
            ];
            x.open("var", &attrs(&a));
            if nested.wants("location") {
                x.empty("location", &[("fileid", &fid)]);
            }
            if nested.wants("labl") && !var.name.trim().is_empty() {
                x.leaf("labl", &[("level", "variable")], &var.name);
            }
            if nested.wants("sumStat") {
                for (label, value) in &var.stats {
                    x.leaf("sumStat", &[("type", label)], value);
                }
            }
            if nested.wants("varFormat") {
                let kind = if var.numeric { "numeric" } else { "character" };
                x.empty("varFormat", &[("type", kind)]);
            }
            x.close();
        }
    }
    x.finish()
}

/// The DDI of the tabular file `df` as described by `fm` (its latest file metadata
/// unless a `fileMetadataId` named another), its table read from the stored `.tab` at
/// `tab` (a local copy for a file held in the S3 store).
pub(crate) fn for_file(
    conn: &rusqlite::Connection,
    tab: &std::path::Path,
    df: &DataFileRow,
    fm: &FileMetaRow,
    fields: &Fields,
) -> Result<String, Error> {
    let ds = datasets::by_id(conn, df.dataset_id)?
        .ok_or_else(|| Error::Store("file without dataset".into()))?;
    let version = datasets::versions(conn, ds.id)?
        .into_iter()
        .find(|v| v.id == fm.version_id)
        .ok_or_else(|| Error::Store("file metadata without version".into()))?;
    let blocks: serde_json::Value = serde_json::from_str(&version.metadata_blocks)?;
    let cit = Citation::from_blocks(&blocks);
    let table = read_table(tab)?;
    let authors = cit
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let citation = DataCitation::of_version(&ds, &version, &collections::publisher(conn)?).text();
    let d = FileDdi {
        file_id: df.id,
        label: &fm.label,
        content_type: &df.content_type,
        description: &fm.description,
        table: &table,
        title: &cit.title,
        protocol: &ds.protocol,
        id_no: format!("{}/{}", ds.authority, ds.identifier),
        authors,
        citation,
    };
    Ok(render(&d, fields))
}

/// `writeAttribute`: attributes with empty values are left out.
fn attrs<'a>(a: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    a.iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .copied()
        .collect()
}

/// The id of a file's `order`-th variable (as `dataTables` prints it).
pub(crate) fn variable_id(file_id: i64, order: usize) -> i64 {
    file_id * 10_000 + order as i64 + 1
}

fn file_dscr(x: &mut XmlWriter, d: &FileDdi<'_>, fields: &Fields) {
    x.open("fileDscr", &[("ID", &format!("f{}", d.file_id))]);
    if fields.wants("fileTxt") {
        x.open("fileTxt", &[]);
        x.leaf("fileName", &[], d.label);
        if fields.wants("dimensns") {
            x.open("dimensns", &[]);
            if fields.wants("caseQnty") {
                x.leaf("caseQnty", &[], &d.table.cases.to_string());
            }
            if fields.wants("varQnty") {
                x.leaf("varQnty", &[], &d.table.variables.len().to_string());
            }
            x.close();
        }
        if fields.wants("fileType") {
            x.leaf("fileType", &[], d.content_type);
        }
        x.close();
    }
    if !d.description.trim().is_empty() {
        x.leaf(
            "notes",
            &[
                ("level", "file"),
                ("type", "DATAVERSE:FILEDESC"),
                ("subject", "DataFile Description"),
            ],
            d.description,
        );
    }
    x.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_field_as_java() {
        let all = Fields::new(None, None);
        assert!(all.wants("var") && all.wants("sumStat"));
        let ex = Fields::new(Some("sumStat,,location"), None);
        assert!(!ex.wants("sumStat") && !ex.wants("location") && ex.wants("labl"));
        let only = Fields::new(Some("*"), Some("var"));
        assert!(only.wants("var") && !only.wants("fileDscr"));
        assert!(!only.nested().wants("location"));
        let inc = Fields::new(None, Some("var"));
        assert!(inc.wants("var") && !inc.wants("fileDscr"));
        assert!(inc.nested().wants("location"));
    }
}
