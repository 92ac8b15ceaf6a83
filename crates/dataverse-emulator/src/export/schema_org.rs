//! `schema.org`: the schema.org `Dataset` JSON-LD Dataverse embeds in landing pages.

use serde_json::{Map, Value, json};

use super::{Author, ExportContext, to_pretty};
use crate::Error;

/// A schema.org `Person` or `Organization` for an author (as `SchemaDotOrgExporter` does).
pub(crate) fn agent(a: &Author) -> Value {
    let mut m = Map::new();
    match a.person_parts() {
        Some((given, family)) => {
            m.insert("@type".into(), "Person".into());
            m.insert("givenName".into(), given.into());
            m.insert("familyName".into(), family.into());
        }
        None => {
            m.insert("@type".into(), "Organization".into());
        }
    }
    if let Some(aff) = &a.affiliation {
        m.insert(
            "affiliation".into(),
            json!({"@type": "Organization", "name": aff}),
        );
    }
    if let (Some(scheme), Some(id)) = (&a.id_scheme, &a.id)
        && scheme == "ORCID"
    {
        let url = if id.starts_with("http") {
            id.clone()
        } else {
            format!("https://orcid.org/{id}")
        };
        m.insert("sameAs".into(), url.into());
    }
    m.insert("name".into(), a.name.clone().into());
    Value::Object(m)
}

/// The document as JSON.
pub(crate) fn document(ctx: &ExportContext) -> Value {
    let c = &ctx.citation;
    let agents: Vec<Value> = c.authors.iter().map(agent).collect();
    let mut m = Map::new();
    m.insert("@context".into(), "http://schema.org".into());
    m.insert("@type".into(), "Dataset".into());
    m.insert("@id".into(), ctx.pid_url().into());
    m.insert("identifier".into(), ctx.pid_url().into());
    m.insert("name".into(), c.title.clone().into());
    m.insert("creator".into(), Value::Array(agents.clone()));
    m.insert("author".into(), Value::Array(agents));
    if let Some(d) = ctx.publication_date() {
        m.insert("datePublished".into(), d.into());
    }
    m.insert("dateModified".into(), ctx.modified_date().into());
    let version = match ctx.version.version_number {
        Some(n) => n.to_string(),
        None => "DRAFT".to_string(),
    };
    m.insert("version".into(), version.into());
    if !c.descriptions.is_empty() {
        m.insert("description".into(), c.descriptions.join("\n").into());
    }
    m.insert("keywords".into(), json!(c.subjects_and_keywords()));
    if let Some(l) = &ctx.license {
        m.insert("license".into(), l.uri.clone().into());
    }
    m.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": ctx.publisher, "url": ctx.site_url}),
    );
    m.insert(
        "publisher".into(),
        json!({"@type": "Organization", "name": ctx.publisher}),
    );
    m.insert(
        "provider".into(),
        json!({"@type": "Organization", "name": ctx.publisher}),
    );
    m.insert("distribution".into(), Value::Array(Vec::new()));
    Value::Object(m)
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> Result<String, Error> {
    to_pretty(&document(ctx))
}
