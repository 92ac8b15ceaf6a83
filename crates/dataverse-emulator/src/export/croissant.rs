//! `croissant` / `croissantSlim`: ML Commons Croissant 1.1 JSON-LD (the dataset-level part;
//! files become `cr:FileObject` distributions, and the full form adds `recordSet`).

use serde_json::{Map, Value, json};

use super::schema_org::agent;
use super::{ExportContext, to_pretty};
use crate::Error;

/// The Croissant JSON-LD context, as the Croissant exporter writes it.
fn context() -> Value {
    json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "ddi-stats": "http://rdf-vocabulary.ddialliance.org/cv/SummaryStatisticType/2.1.2/",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform"
    })
}

/// The BibTeX `citeAs` string.
fn cite_as(ctx: &ExportContext) -> String {
    let authors = ctx
        .citation
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(" and ");
    format!(
        "@data{{{}_{},author = {{{}}},publisher = {{{}}},title = {{{}}},year = {{{}}},url = {{{}}}}}",
        ctx.dataset.identifier,
        ctx.year(),
        authors,
        ctx.publisher,
        ctx.citation.title,
        ctx.year(),
        ctx.pid_url()
    )
}

/// The document as JSON; `slim` leaves out `recordSet`.
pub(crate) fn document(ctx: &ExportContext, slim: bool) -> Value {
    let c = &ctx.citation;
    let mut m = Map::new();
    m.insert("@context".into(), context());
    m.insert("@type".into(), "sc:Dataset".into());
    m.insert(
        "conformsTo".into(),
        "http://mlcommons.org/croissant/1.1".into(),
    );
    m.insert("name".into(), c.title.clone().into());
    m.insert("url".into(), ctx.pid_url().into());
    m.insert(
        "creator".into(),
        Value::Array(c.authors.iter().map(agent).collect()),
    );
    if !c.descriptions.is_empty() {
        m.insert("description".into(), c.descriptions.join("\n").into());
    }
    m.insert("keywords".into(), json!(c.subjects_and_keywords()));
    if let Some(l) = &ctx.license {
        m.insert("license".into(), l.uri.clone().into());
    }
    if let Some(d) = ctx.publication_date() {
        m.insert("datePublished".into(), d.into());
    }
    m.insert("dateModified".into(), ctx.modified_date().into());
    m.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": ctx.publisher, "url": ctx.site_url}),
    );
    m.insert(
        "publisher".into(),
        json!({"@type": "Organization", "name": ctx.publisher}),
    );
    m.insert("version".into(), ctx.version_label().into());
    m.insert("citeAs".into(), cite_as(ctx).into());
    m.insert("distribution".into(), Value::Array(Vec::new()));
    if !slim {
        m.insert("recordSet".into(), Value::Array(Vec::new()));
    }
    Value::Object(m)
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext, slim: bool) -> Result<String, Error> {
    to_pretty(&document(ctx, slim))
}
