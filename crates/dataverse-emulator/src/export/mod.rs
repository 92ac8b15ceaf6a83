//! Dataset metadata exports (`GET /api/datasets/export`): one module per exporter, all
//! rendering from an [`ExportContext`] (the stored dataset, the chosen version, its
//! citation metadata and the installation facts an exporter needs).
//!
//! Exporter names, display names and media types follow `info-exportFormats.json`.

pub(crate) mod citation;
mod croissant;
mod datacite;
mod dataverse_json;
mod dcterms;
mod ddi;
pub(crate) mod file_citation;
pub(crate) mod file_ddi;
mod html;
mod oai_dc;
pub(crate) mod oai_ore;
mod schema_org;
pub(crate) mod xml;

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::Error;
use crate::printer;
use crate::printer::datasets::VersionOptions;
use crate::store::collections::{self, CollectionRow};
use crate::store::datasets::{self, DatasetRow, VersionRow};

/// A metadata exporter (`ExportService`'s exporter names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exporter {
    /// `dataverse_json`: the native Dataset JSON with `datasetVersion`.
    DataverseJson,
    /// `schema.org`: schema.org JSON-LD.
    SchemaOrg,
    /// `OAI_ORE`: the OAI-ORE resource map (JSON-LD).
    OaiOre,
    /// `oai_dc`: simple Dublin Core for OAI-PMH.
    OaiDc,
    /// `dcterms`: qualified Dublin Core.
    Dcterms,
    /// `ddi`: DDI Codebook 2.5.
    Ddi,
    /// `oai_ddi`: DDI Codebook 2.5 for OAI-PMH (same document as `ddi`).
    OaiDdi,
    /// `Datacite`: DataCite kernel 4.
    Datacite,
    /// `oai_datacite`: DataCite kernel 4.1 (OpenAIRE).
    OaiDatacite,
    /// `html`: an HTML rendering of the DDI codebook.
    Html,
    /// `croissant`: ML Commons Croissant JSON-LD.
    Croissant,
    /// `croissantSlim`: Croissant without record sets.
    CroissantSlim,
}

impl Exporter {
    /// Every exporter.
    pub(crate) const ALL: [Exporter; 12] = [
        Exporter::DataverseJson,
        Exporter::SchemaOrg,
        Exporter::OaiOre,
        Exporter::OaiDc,
        Exporter::Dcterms,
        Exporter::Ddi,
        Exporter::OaiDdi,
        Exporter::Datacite,
        Exporter::OaiDatacite,
        Exporter::Html,
        Exporter::Croissant,
        Exporter::CroissantSlim,
    ];

    /// The exporter's name as used by `?exporter=` (exact case, like Dataverse).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Exporter::DataverseJson => "dataverse_json",
            Exporter::SchemaOrg => "schema.org",
            Exporter::OaiOre => "OAI_ORE",
            Exporter::OaiDc => "oai_dc",
            Exporter::Dcterms => "dcterms",
            Exporter::Ddi => "ddi",
            Exporter::OaiDdi => "oai_ddi",
            Exporter::Datacite => "Datacite",
            Exporter::OaiDatacite => "oai_datacite",
            Exporter::Html => "html",
            Exporter::Croissant => "croissant",
            Exporter::CroissantSlim => "croissantSlim",
        }
    }

    /// The name people see (`displayName` of `info/exportFormats`).
    pub(crate) fn display_name(self) -> &'static str {
        match self {
            Exporter::DataverseJson => "JSON",
            Exporter::SchemaOrg => "Schema.org JSON-LD",
            Exporter::OaiOre => "OAI_ORE",
            Exporter::OaiDc | Exporter::Dcterms => "Dublin Core",
            Exporter::Ddi | Exporter::OaiDdi => "DDI Codebook v2",
            Exporter::Datacite => "DataCite",
            Exporter::OaiDatacite => "OpenAIRE",
            Exporter::Html => "DDI HTML Codebook",
            Exporter::Croissant => "Croissant",
            Exporter::CroissantSlim => "Croissant Slim",
        }
    }

    /// Look an exporter up by name.
    pub(crate) fn from_name(name: &str) -> Option<Exporter> {
        Exporter::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The media type the export is served with (`info/exportFormats`).
    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Exporter::DataverseJson
            | Exporter::OaiOre
            | Exporter::Croissant
            | Exporter::CroissantSlim => "application/json",
            Exporter::SchemaOrg => "application/ld+json",
            Exporter::Html => "text/html",
            Exporter::OaiDc
            | Exporter::Dcterms
            | Exporter::Ddi
            | Exporter::OaiDdi
            | Exporter::Datacite
            | Exporter::OaiDatacite => "application/xml",
        }
    }

    /// Render the export document.
    pub(crate) fn render(self, ctx: &ExportContext) -> Result<String, Error> {
        Ok(match self {
            Exporter::DataverseJson => dataverse_json::render(ctx)?,
            Exporter::SchemaOrg => schema_org::render(ctx)?,
            Exporter::OaiOre => oai_ore::render(ctx)?,
            Exporter::OaiDc => oai_dc::render(ctx),
            Exporter::Dcterms => dcterms::render(ctx),
            Exporter::Ddi | Exporter::OaiDdi => ddi::render(ctx),
            Exporter::Datacite => datacite::render(ctx, datacite::Kernel::V45),
            Exporter::OaiDatacite => datacite::render(ctx, datacite::Kernel::V41),
            Exporter::Html => html::render(ctx),
            Exporter::Croissant => croissant::render(ctx, false)?,
            Exporter::CroissantSlim => croissant::render(ctx, true)?,
        })
    }
}

/// Dataverse's plain-text citation from its parts:
/// `Authors, YEAR, "Title", https://doi.org/..., Publisher, V1`.
pub(crate) fn citation_line(
    authors: &str,
    year: &str,
    title: &str,
    url: &str,
    publisher: &str,
    version: &str,
) -> String {
    format!("{authors}, {year}, \"{title}\", {url}, {publisher}, {version}")
}

/// The HTML citation (`DataCitation.toString(true)`): the parts HTML-escaped as
/// `escapeHtml4` does, the URL a link opening in a new window.
pub(crate) fn citation_html(
    authors: &str,
    year: &str,
    title: &str,
    url: &str,
    publisher: &str,
    version: &str,
) -> String {
    let url = html4(url);
    format!(
        "{}, {}, \"{}\", <a href=\"{url}\" target=\"_blank\">{url}</a>, {}, {}",
        html4(authors),
        html4(year),
        html4(title),
        html4(publisher),
        html4(version)
    )
}

/// HTML 4 entity names of U+00A0..=U+00FF, in code point order.
const LATIN1_ENTITIES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Escape as Apache Commons' `escapeHtml4`: `& < > "` and the Latin-1 letters and signs by
/// name; other characters stay as they are.
pub(crate) fn html4(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if xml::push_markup_entity(c, &mut out) {
            continue;
        }
        match c {
            '\u{a0}'..='\u{ff}' => {
                out.push('&');
                out.push_str(LATIN1_ENTITIES[c as usize - 0xa0]);
                out.push(';');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Serialise a JSON export, pretty-printed like Dataverse's exporters.
fn to_pretty(v: &Value) -> Result<String, Error> {
    Ok(serde_json::to_string_pretty(v)?)
}

/// An author of the `author` compound field.
#[derive(Debug, Clone, Default)]
pub(crate) struct Author {
    /// `authorName` (`Family, Given` for persons).
    pub name: String,
    /// `authorAffiliation`.
    pub affiliation: Option<String>,
    /// `authorIdentifierScheme` (`ORCID`, ...).
    pub id_scheme: Option<String>,
    /// `authorIdentifier`.
    pub id: Option<String>,
}

impl Author {
    /// `(given, family)` when the name looks like a person's `Family, Given`.
    pub(crate) fn person_parts(&self) -> Option<(&str, &str)> {
        let (family, given) = self.name.split_once(',')?;
        let (family, given) = (family.trim(), given.trim());
        (!family.is_empty() && !given.is_empty()).then_some((given, family))
    }
}

/// A `datasetContact` entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Contact {
    /// `datasetContactName`.
    pub name: Option<String>,
    /// `datasetContactAffiliation`.
    pub affiliation: Option<String>,
    /// `datasetContactEmail`.
    pub email: Option<String>,
}

/// The citation-block values the exporters use, read from the wire-form metadata blocks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Citation {
    /// `title`.
    pub title: String,
    /// `subtitle`.
    pub subtitle: Option<String>,
    /// `author` entries.
    pub authors: Vec<Author>,
    /// `datasetContact` entries.
    pub contacts: Vec<Contact>,
    /// `dsDescriptionValue`s.
    pub descriptions: Vec<String>,
    /// `subject` values.
    pub subjects: Vec<String>,
    /// `keywordValue`s.
    pub keywords: Vec<String>,
    /// `language` values.
    pub languages: Vec<String>,
    /// `depositor`.
    pub depositor: Option<String>,
    /// `dateOfDeposit`.
    pub date_of_deposit: Option<String>,
    /// `productionDate`.
    pub production_date: Option<String>,
}

/// A primitive or controlled-vocabulary value as strings (one for single, many for multiple).
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The entries of a compound field value: each a map of sub-field name to its value.
pub(crate) fn compounds(v: &Value) -> Vec<&Map<String, Value>> {
    match v {
        Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
        Value::Object(o) => vec![o],
        _ => Vec::new(),
    }
}

/// The string value of a sub-field of a compound entry.
fn sub(entry: &Map<String, Value>, name: &str) -> Option<String> {
    entry
        .get(name)
        .and_then(|f| f.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

impl Citation {
    /// Read the citation block of a wire-form `metadataBlocks` object (missing or odd
    /// fields are simply skipped).
    pub(crate) fn from_blocks(blocks: &Value) -> Citation {
        let mut c = Citation::default();
        let Some(fields) = blocks
            .get("citation")
            .and_then(|b| b.get("fields"))
            .and_then(Value::as_array)
        else {
            return c;
        };
        for f in fields {
            let (Some(name), Some(value)) =
                (f.get("typeName").and_then(Value::as_str), f.get("value"))
            else {
                continue;
            };
            let first = || strings(value).into_iter().next();
            match name {
                "title" => c.title = first().unwrap_or_default(),
                "subtitle" => c.subtitle = first(),
                "depositor" => c.depositor = first(),
                "dateOfDeposit" => c.date_of_deposit = first(),
                "productionDate" => c.production_date = first(),
                "subject" => c.subjects = strings(value),
                "language" => c.languages = strings(value),
                "author" => {
                    c.authors = compounds(value)
                        .into_iter()
                        .filter_map(|e| {
                            Some(Author {
                                name: sub(e, "authorName")?,
                                affiliation: sub(e, "authorAffiliation"),
                                id_scheme: sub(e, "authorIdentifierScheme"),
                                id: sub(e, "authorIdentifier"),
                            })
                        })
                        .collect();
                }
                "datasetContact" => {
                    c.contacts = compounds(value)
                        .into_iter()
                        .map(|e| Contact {
                            name: sub(e, "datasetContactName"),
                            affiliation: sub(e, "datasetContactAffiliation"),
                            email: sub(e, "datasetContactEmail"),
                        })
                        .collect();
                }
                "dsDescription" => {
                    c.descriptions = compounds(value)
                        .into_iter()
                        .filter_map(|e| sub(e, "dsDescriptionValue"))
                        .collect();
                }
                "keyword" => {
                    c.keywords = compounds(value)
                        .into_iter()
                        .filter_map(|e| sub(e, "keywordValue"))
                        .collect();
                }
                _ => {}
            }
        }
        c
    }

    /// Subjects followed by keywords (what schema.org and Croissant call `keywords`).
    pub(crate) fn subjects_and_keywords(&self) -> Vec<String> {
        let mut out = self.subjects.clone();
        for k in &self.keywords {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
        out
    }
}

/// The license of a version (name and URI), when it has a standard license.
#[derive(Debug, Clone)]
pub(crate) struct License {
    /// `CC0 1.0`.
    pub name: String,
    /// `http://creativecommons.org/publicdomain/zero/1.0`.
    pub uri: String,
}

/// Everything an exporter renders from.
#[derive(Debug, Clone)]
pub(crate) struct ExportContext {
    /// The dataset.
    pub dataset: DatasetRow,
    /// The exported version.
    pub version: VersionRow,
    /// `JsonPrinter.json(DatasetVersion)` of the version (with files and blocks).
    pub version_json: Value,
    /// The wire-form metadata blocks of the version.
    pub blocks: Value,
    /// Citation values of the version.
    pub citation: Citation,
    /// The license, when the version has one (rather than custom terms).
    pub license: Option<License>,
    /// Installation brand name (root collection name): publisher and data catalog.
    pub publisher: String,
    /// The owning collections, innermost first (ending with root).
    pub owners: Vec<CollectionRow>,
    /// `http://host[:port]` of the installation, for links.
    pub site_url: String,
}

impl ExportContext {
    /// Load the context of `version` of `dataset`; `all` are the dataset's versions.
    pub(crate) fn load(
        conn: &Connection,
        dataset: DatasetRow,
        version: VersionRow,
        all: &[VersionRow],
        site_url: String,
    ) -> Result<ExportContext, Error> {
        let version_json = printer::datasets::version(
            conn,
            &dataset,
            &version,
            datasets::latest_state(all),
            VersionOptions::default(),
        )?;
        let blocks: Value = serde_json::from_str(&version.metadata_blocks)?;
        let citation = Citation::from_blocks(&blocks);
        let license = version_json.get("license").and_then(|l| {
            Some(License {
                name: l.get("name")?.as_str()?.to_string(),
                uri: l.get("uri")?.as_str()?.to_string(),
            })
        });
        let publisher = collections::root(conn)?.map(|r| r.name).unwrap_or_default();
        let mut owners = Vec::new();
        let mut next = Some(dataset.owner_id);
        while let Some(id) = next {
            // Guard against a cyclic owner chain in a hand-edited database.
            if owners.len() > 64 {
                break;
            }
            let Some(c) = collections::by_id(conn, id)? else {
                break;
            };
            next = c.owner_id;
            owners.push(c);
        }
        Ok(ExportContext {
            dataset,
            version,
            version_json,
            blocks,
            citation,
            license,
            publisher,
            owners,
            site_url,
        })
    }

    /// `doi:10.5072/FK2/ABC`.
    pub(crate) fn pid(&self) -> String {
        self.dataset.pid()
    }

    /// `https://doi.org/10.5072/FK2/ABC`.
    pub(crate) fn pid_url(&self) -> String {
        self.dataset.persistent_url()
    }

    /// `yyyy-MM-dd` the dataset was first published, if it was.
    pub(crate) fn publication_date(&self) -> Option<String> {
        self.dataset
            .publication_date
            .as_deref()
            .map(|d| d.get(..10).unwrap_or(d).to_string())
    }

    /// Publication date, or (drafts) the version's creation date.
    pub(crate) fn citation_date(&self) -> String {
        self.publication_date().unwrap_or_else(|| {
            let t = &self.version.create_time;
            t.get(..10).unwrap_or(t).to_string()
        })
    }

    /// The year of [`Self::citation_date`].
    pub(crate) fn year(&self) -> String {
        let d = self.citation_date();
        d.get(..4).unwrap_or(&d).to_string()
    }

    /// `yyyy-MM-dd` of the version's last update.
    pub(crate) fn modified_date(&self) -> String {
        let t = &self.version.last_update_time;
        t.get(..10).unwrap_or(t).to_string()
    }

    /// `1.0` for published versions, `DRAFT` for drafts.
    pub(crate) fn version_label(&self) -> String {
        match self.version.version_number {
            Some(major) => format!("{major}.{}", self.version.minor_version_number.unwrap_or(0)),
            None => "DRAFT".to_string(),
        }
    }

    /// `Family, Given; Other` — the author list of the citation.
    pub(crate) fn author_list(&self) -> String {
        self.citation
            .authors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Dataverse's plain-text citation:
    /// `Authors, YEAR, "Title", https://doi.org/..., Publisher, V1` (the major number only,
    /// as `DataCitation.getVersionFrom` gives it; drafts: `DRAFT VERSION`).
    pub(crate) fn citation_text(&self) -> String {
        let version = citation::version_label(&self.version);
        citation_line(
            &self.author_list(),
            &self.year(),
            &self.citation.title,
            &self.pid_url(),
            &self.publisher,
            &version,
        )
    }

    /// The identifier type for DataCite / DDI (`DOI`, `Handle`, ...).
    pub(crate) fn id_type(&self) -> &'static str {
        match self.dataset.protocol.as_str() {
            "doi" => "DOI",
            "hdl" => "Handle",
            _ => "URL",
        }
    }

    /// `10.5072/FK2/ABC` (the PID without protocol).
    pub(crate) fn bare_id(&self) -> String {
        format!("{}/{}", self.dataset.authority, self.dataset.identifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_and_media_types_follow_export_formats() {
        let formats: Value =
            serde_json::from_str(include_str!("../../data/info-exportFormats.json")).unwrap();
        let formats = formats.get("data").unwrap_or(&formats);
        for e in Exporter::ALL {
            let f = &formats[e.name()];
            assert_eq!(f["displayName"], e.display_name(), "{}", e.name());
            assert_eq!(f["mediaType"], e.media_type(), "{}", e.name());
        }
    }
}
