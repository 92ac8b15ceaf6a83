//! `OAI_ORE`: Dataverse's OAI-ORE resource map (`OREMap`, format v1.0.1) as JSON-LD:
//! metadata fields mapped to their term URIs (`dcterms:` terms by bare name with a context
//! entry, the rest as `<block>:<field>`), version facts as `schema:` terms, and the files
//! as `ore:aggregates`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{ExportContext, to_pretty};
use crate::{DATAVERSE_VERSION, Error};

/// Fields whose term URI is a well-known vocabulary term, rendered by bare name.
const TERMS: [(&str, &str); 9] = [
    ("title", "http://purl.org/dc/terms/title"),
    ("alternativeTitle", "http://purl.org/dc/terms/alternative"),
    ("author", "http://purl.org/dc/terms/creator"),
    ("subject", "http://purl.org/dc/terms/subject"),
    ("language", "http://purl.org/dc/terms/language"),
    ("contributor", "http://purl.org/dc/terms/contributor"),
    ("dateOfDeposit", "http://purl.org/dc/terms/dateSubmitted"),
    ("relatedDatasets", "http://purl.org/dc/terms/relation"),
    ("otherReferences", "http://purl.org/dc/terms/references"),
];

/// One value or, when there are several, an array (OREMap's convention).
fn one_or_many(mut values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(values)
    }
}

/// The JSON-LD value of a wire-form field.
fn field_value(prefix: &str, value: &Value) -> Value {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let mapped = items
        .into_iter()
        .map(|item| match item {
            Value::Object(entry) => {
                let mut o = Map::new();
                for (name, sub) in entry {
                    if let Some(v) = sub.get("value") {
                        o.insert(format!("{prefix}:{name}"), v.clone());
                    }
                }
                Value::Object(o)
            }
            other => other.clone(),
        })
        .collect();
    one_or_many(mapped)
}

/// `Fri May 16 16:33:18 UTC 2025` (Java's `Date.toString()`) of a stored UTC timestamp.
fn java_date(t: &str) -> String {
    let num = |a: usize, b: usize| t.get(a..b).and_then(|s| s.parse::<i32>().ok());
    let parts = (num(0, 4), num(5, 7), num(8, 10), t.get(11..19));
    let (Some(y), Some(m), Some(d), Some(hms)) = parts else {
        return t.to_string();
    };
    let Ok(month) = u8::try_from(m)
        .map_err(|_| ())
        .and_then(|m| time::Month::try_from(m).map_err(|_| ()))
    else {
        return t.to_string();
    };
    let Ok(date) = u8::try_from(d)
        .map_err(|_| ())
        .and_then(|d| time::Date::from_calendar_date(y, month, d).map_err(|_| ()))
    else {
        return t.to_string();
    };
    let wd = date.weekday().to_string();
    let mo = month.to_string();
    format!(
        "{} {} {:02} {hms} UTC {y}",
        wd.get(..3).unwrap_or(&wd),
        mo.get(..3).unwrap_or(&mo),
        d
    )
}

/// The document as JSON.
pub(crate) fn document(ctx: &ExportContext) -> Value {
    let mut context: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in [
        ("dcterms", "http://purl.org/dc/terms/"),
        ("dvcore", "https://dataverse.org/schema/core#"),
        ("ore", "http://www.openarchives.org/ore/terms/"),
        ("schema", "http://schema.org/"),
    ] {
        context.insert(k.into(), v.into());
    }
    let mut describes = Map::new();
    if let Some(blocks) = ctx.blocks.as_object() {
        for (block_name, block) in blocks {
            let Some(fields) = block.get("fields").and_then(Value::as_array) else {
                continue;
            };
            for f in fields {
                let (Some(name), Some(value)) =
                    (f.get("typeName").and_then(Value::as_str), f.get("value"))
                else {
                    continue;
                };
                let key = match TERMS.iter().find(|(n, _)| *n == name) {
                    Some((n, uri)) => {
                        context.insert((*n).into(), (*uri).into());
                        (*n).to_string()
                    }
                    None => format!("{block_name}:{name}"),
                };
                context.insert(
                    block_name.clone(),
                    format!("https://dataverse.org/schema/{block_name}/").into(),
                );
                describes.insert(key, field_value(block_name, value));
            }
        }
    }
    describes.insert("@id".into(), ctx.pid_url().into());
    describes.insert("@type".into(), json!(["ore:Aggregation", "schema:Dataset"]));
    describes.insert("schema:version".into(), ctx.version_label().into());
    describes.insert("schema:name".into(), ctx.citation.title.clone().into());
    describes.insert(
        "schema:dateModified".into(),
        java_date(&ctx.version.last_update_time).into(),
    );
    if let Some(d) = ctx.publication_date() {
        describes.insert("schema:datePublished".into(), d.into());
    }
    describes.insert(
        "schema:creativeWorkStatus".into(),
        ctx.version.state.as_str().into(),
    );
    if let Some(l) = &ctx.license {
        describes.insert("schema:license".into(), l.uri.clone().into());
    }
    describes.insert(
        "dvcore:fileTermsOfAccess".into(),
        json!({"dvcore:fileRequestAccess": ctx.version.file_access_request}),
    );
    describes.insert(
        "schema:includedInDataCatalog".into(),
        ctx.publisher.clone().into(),
    );
    let mut part_of: Option<Value> = None;
    for c in ctx.owners.iter().rev() {
        let mut o = Map::new();
        o.insert("schema:name".into(), c.name.clone().into());
        o.insert(
            "@id".into(),
            format!("{}/dataverse/{}", ctx.site_url, c.alias).into(),
        );
        if let Some(d) = &c.description {
            o.insert("schema:description".into(), d.clone().into());
        }
        if let Some(parent) = part_of.take() {
            o.insert("schema:isPartOf".into(), parent);
        }
        part_of = Some(Value::Object(o));
    }
    if let Some(p) = part_of {
        describes.insert("schema:isPartOf".into(), p);
    }
    describes.insert("ore:aggregates".into(), Value::Array(Vec::new()));
    describes.insert("schema:hasPart".into(), Value::Array(Vec::new()));

    let mut m = Map::new();
    m.insert("dcterms:modified".into(), ctx.modified_date().into());
    m.insert("dcterms:creator".into(), ctx.publisher.clone().into());
    m.insert("@type".into(), "ore:ResourceMap".into());
    m.insert(
        "schema:additionalType".into(),
        "Dataverse OREMap Format v1.0.1".into(),
    );
    m.insert(
        "dvcore:generatedBy".into(),
        json!({
            "@type": "schema:SoftwareApplication",
            "schema:name": "Dataverse",
            "schema:version": DATAVERSE_VERSION,
            "schema:url": "https://github.com/iqss/dataverse"
        }),
    );
    m.insert(
        "@id".into(),
        format!(
            "{}/api/datasets/export?exporter=OAI_ORE&persistentId={}",
            ctx.site_url,
            ctx.pid_url()
        )
        .into(),
    );
    m.insert("ore:describes".into(), Value::Object(describes));
    m.insert(
        "@context".into(),
        Value::Object(context.into_iter().collect()),
    );
    Value::Object(m)
}

/// `OREMap.getOREMapBuilder(true)`: the aggregation alone (the dataset version, without its
/// files) with the map's inline `@context` (the semantic API's `GET .../metadata`).
pub(crate) fn aggregation(ctx: &ExportContext) -> Value {
    let mut doc = document(ctx);
    let context = doc.get_mut("@context").map(Value::take);
    let mut agg = match doc.get_mut("ore:describes").map(Value::take) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    agg.remove("ore:aggregates");
    agg.remove("schema:hasPart");
    agg.insert("@context".into(), context.unwrap_or_else(|| json!({})));
    Value::Object(agg)
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> Result<String, Error> {
    to_pretty(&document(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_dates() {
        assert_eq!(
            java_date("2025-05-16T16:33:18Z"),
            "Fri May 16 16:33:18 UTC 2025"
        );
        assert_eq!(java_date("garbage"), "garbage");
    }
}
