//! The fields of the index, named as in Dataverse's Solr schema (`schema.xml`,
//! `SearchFields.java`): which are full text (analysed into words) and which are strings,
//! numbers or dates (matched whole), the friendly names of facets, and the word splitting
//! shared by indexing and querying.

use crate::blocks::Blocks;

/// How a field is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// Analysed into words (`text_en`): terms, phrases, prefixes.
    Text,
    /// Matched whole (`string`): exact values, prefixes, ranges.
    Str,
    /// A whole number (`plong`).
    Long,
    /// A date (`pdate`), stored as `yyyy-MM-ddTHH:mm:ssZ`.
    Date,
}

/// The text fields of Dataverse's schema beside the metadata-block fields.
const STATIC_TEXT: &[&str] = &[
    "name",
    "description",
    "dvName",
    "dvAlias",
    "dvAffiliation",
    "dvDescription",
    "affiliation",
    "fileName",
    "fileNameWithoutExtension",
    "fileDescription",
    "fileType",
    "fileTypeDisplay",
    "fileTags",
    "dsPersistentId",
    "filePersistentId",
    "citation",
    "versionNote",
    "deaccessionReason",
    "_text_",
];

/// The string fields (exact match), including the facet copies of metadata fields.
const STATIC_STR: &[&str] = &[
    "id",
    "identifier",
    "dvObjectType",
    "publicationStatus",
    "metadataSource",
    "dvCategory",
    "categoryOfDataverse",
    "identifierOfDataverse",
    "publicationDate",
    "dsPublicationDate",
    "dvSubject",
    "subtreePaths",
    "fileTypeGroupFacet",
    "fileTag",
    "fileAccess",
    "parentId",
    "parentIdentifier",
    "parentName",
    "fileChecksumValue",
    "fileChecksumType",
    "fileMd5",
    "fileContentType",
    "datasetType",
    "license",
    "unf",
    "persistentUrl",
    "dvParentAlias",
    "nameSort",
];

const STATIC_LONG: &[&str] = &[
    "entityId",
    "fileSizeInBytes",
    "datasetVersionId",
    "fileCount",
];

const STATIC_DATE: &[&str] = &["dateSort"];

/// The metadata-block field names (loaded once from the vendored blocks).
static BLOCK_FIELDS: std::sync::OnceLock<Vec<(String, FieldKind)>> = std::sync::OnceLock::new();

/// Register the metadata-block fields (their names are text fields, their `_ss`/`_s`
/// facet copies string fields). Called once when the server opens.
pub(crate) fn init(blocks: &Blocks) {
    BLOCK_FIELDS.get_or_init(|| {
        let mut out = Vec::new();
        for b in &blocks.blocks {
            for f in &b.fields {
                // Dates are searchable as text in Dataverse's schema too (date_range);
                // their facet copy holds the year.
                out.push((f.name.clone(), FieldKind::Text));
                out.push((format!("{}_ss", f.name), FieldKind::Str));
                out.push((format!("{}_s", f.name), FieldKind::Str));
            }
        }
        out
    });
}

/// The kind of a field name, `None` when the index has no such field.
pub(crate) fn kind(name: &str) -> Option<FieldKind> {
    if STATIC_TEXT.contains(&name) {
        return Some(FieldKind::Text);
    }
    if STATIC_STR.contains(&name) {
        return Some(FieldKind::Str);
    }
    if STATIC_LONG.contains(&name) {
        return Some(FieldKind::Long);
    }
    if STATIC_DATE.contains(&name) {
        return Some(FieldKind::Date);
    }
    BLOCK_FIELDS
        .get()
        .and_then(|all| all.iter().find(|(n, _)| n == name).map(|(_, k)| *k))
}

/// The facet name of a metadata field: `name_ss` when it may hold several values (it, a
/// parent, or a controlled vocabulary allows multiples), else `name_s`
/// (`DatasetFieldType.getSolrField`).
pub(crate) fn facet_name(blocks: &Blocks, field: &str) -> String {
    let Some((b, i)) = blocks.field_anywhere(field) else {
        return format!("{field}_s");
    };
    let f = &b.fields[i];
    let mut multiple = f.multiple || f.allow_cv;
    let mut parent = f.parent.clone();
    while let Some(p) = parent {
        match b.fields.iter().find(|x| x.name == p) {
            Some(pf) => {
                multiple |= pf.multiple;
                parent = pf.parent.clone();
            }
            None => break,
        }
    }
    format!("{field}{}", if multiple { "_ss" } else { "_s" })
}

/// The friendly name of a facet (`staticSearchFields.properties`, else the metadata
/// field's title).
pub(crate) fn facet_friendly(blocks: &Blocks, facet: &str) -> String {
    let fixed = match facet {
        "metadata_type_ss" => Some("Dataset Feature"),
        "dvCategory" => Some("Dataverse Category"),
        "metadataSource" => Some("Metadata Source"),
        "publicationDate" => Some("Publication Year"),
        "license" => Some("License"),
        "fileTypeGroupFacet" => Some("File Type"),
        "dvObjectType" => Some("Type"),
        "fileTag" => Some("File Tag"),
        "fileAccess" => Some("Access"),
        "publicationStatus" => Some("Publication Status"),
        "subject_ss" => Some("Subject"),
        "datasetType" => Some("Dataset Type"),
        "curationStatus" => Some("Curation Status"),
        _ => None,
    };
    if let Some(f) = fixed {
        return f.to_string();
    }
    let base = facet
        .strip_suffix("_ss")
        .or_else(|| facet.strip_suffix("_s"))
        .unwrap_or(facet);
    match blocks.field_anywhere(base) {
        Some((b, i)) => b.field_display_name(i),
        None => facet.to_string(),
    }
}

/// Split text into lower-cased words: runs of letters, digits and `_`, as the index's
/// tokenizer does (so indexing and querying agree).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Dataverse's friendly names of the collection types (`dataverse.type.*` in the bundle),
/// the `dvCategory` facet values.
pub(crate) fn category_name(dataverse_type: &str) -> &str {
    match dataverse_type {
        "DEPARTMENT" => "Department",
        "JOURNALS" => "Journal",
        "LABORATORY" => "Laboratory",
        "ORGANIZATIONS_INSTITUTIONS" => "Organization or Institution",
        "RESEARCHERS" => "Researcher",
        "RESEARCH_GROUP" => "Research Group",
        "RESEARCH_PROJECTS" => "Research Project",
        "TEACHING_COURSES" => "Teaching Course",
        _ => "Uncategorized",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_facets() {
        let blocks = Blocks::load().unwrap();
        init(&blocks);
        assert_eq!(kind("title"), Some(FieldKind::Text));
        assert_eq!(kind("authorName"), Some(FieldKind::Text));
        assert_eq!(kind("publicationStatus"), Some(FieldKind::Str));
        assert_eq!(kind("subject_ss"), Some(FieldKind::Str));
        assert_eq!(kind("entityId"), Some(FieldKind::Long));
        assert_eq!(kind("dateSort"), Some(FieldKind::Date));
        assert_eq!(kind("nosuch"), None);
        assert_eq!(facet_name(&blocks, "authorName"), "authorName_ss");
        assert_eq!(facet_name(&blocks, "subject"), "subject_ss");
        assert_eq!(facet_name(&blocks, "dateOfDeposit"), "dateOfDeposit_s");
        assert_eq!(facet_friendly(&blocks, "authorName_ss"), "Author Name");
        assert_eq!(
            facet_friendly(&blocks, "publicationStatus"),
            "Publication Status"
        );
        assert_eq!(
            words("Darwin's Finches (2016)"),
            ["darwin", "s", "finches", "2016"]
        );
        assert_eq!(words("Über_alles"), ["über_alles"]);
    }
}
