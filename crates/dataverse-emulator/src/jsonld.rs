//! JSON-LD bodies of the semantic metadata API (`JSONLDUtil.decontextualizeJsonLD`): a body
//! is expanded by a conforming JSON-LD processor ([`oxjsonld`], to RDF) and read back as
//! one node, its properties keyed by full IRI, literal values as strings (booleans as
//! booleans), IRIs as strings and nested (blank) nodes as objects. Remote contexts are
//! not fetched: a body that names one is refused.

use oxjsonld::JsonLdParser;
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value, json};

use crate::blocks::{Block, Blocks, FieldType};
use crate::envelope::ApiError;
use crate::metadata::type_class;

/// How deep nested nodes are followed (a cycle of blank nodes ends here).
const MAX_DEPTH: usize = 16;

/// The body as one node: the node no other node points to (the one with the most
/// properties, when there are several). `Err` carries the processor's message.
pub(crate) fn decontextualize(body: &[u8]) -> Result<Map<String, Value>, String> {
    let quads: Vec<Quad> = JsonLdParser::new()
        .for_slice(body)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let pointed_to = |s: &NamedOrBlankNode| {
        quads.iter().any(|q| match (&q.object, s) {
            (Term::BlankNode(o), NamedOrBlankNode::BlankNode(b)) => o == b,
            (Term::NamedNode(o), NamedOrBlankNode::NamedNode(n)) => o == n,
            _ => false,
        })
    };
    let mut roots: Vec<&NamedOrBlankNode> = Vec::new();
    for q in &quads {
        if !roots.contains(&&q.subject) && !pointed_to(&q.subject) {
            roots.push(&q.subject);
        }
    }
    let count = |s: &NamedOrBlankNode| quads.iter().filter(|q| &q.subject == s).count();
    let Some(root) = roots.into_iter().max_by_key(|s| count(s)) else {
        return Ok(Map::new());
    };
    Ok(node(&quads, root, 0))
}

/// The properties of `subject`, in document order; a property seen twice becomes an array.
fn node(quads: &[Quad], subject: &NamedOrBlankNode, depth: usize) -> Map<String, Value> {
    let mut out = Map::new();
    for q in quads.iter().filter(|q| &q.subject == subject) {
        if q.predicate == rdf::TYPE {
            continue;
        }
        let value = match &q.object {
            Term::Literal(l) if l.datatype() == xsd::BOOLEAN => Value::Bool(l.value() == "true"),
            Term::Literal(l) => Value::String(l.value().to_string()),
            Term::NamedNode(n) => Value::String(n.as_str().to_string()),
            Term::BlankNode(b) if depth < MAX_DEPTH => Value::Object(node(
                quads,
                &NamedOrBlankNode::BlankNode(b.clone()),
                depth + 1,
            )),
            Term::BlankNode(_) => Value::Object(Map::new()),
        };
        let key = q.predicate.as_str().to_string();
        match out.get_mut(&key) {
            None => {
                out.insert(key, value);
            }
            Some(Value::Array(a)) => a.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
        }
    }
    out
}

/// Whether `iri` is the JSON-LD term of field `f` of `block`
/// (`DatasetFieldType.getJsonLDTerm`): its `termURI`, or the block's namespace followed by
/// its name (also in the `https://dataverse.org/schema/<block>/` form our OAI-ORE export
/// writes, and the `<site>/schema/<block>#` form of a block without a namespace).
fn is_term_of(block: &Block, f: &FieldType, iri: &str) -> bool {
    if f.uri.as_deref() == Some(iri) || iri.strip_prefix(block.namespace.as_str()) == Some(&f.name)
    {
        return true;
    }
    let ours = format!("https://dataverse.org/schema/{}/{}", block.name, f.name);
    let local = format!("/schema/{}#{}", block.name, f.name);
    iri == ours || iri.ends_with(&local)
}

/// The top-level field type whose term is `iri`: (block, field index).
pub(crate) fn top_level_field<'a>(blocks: &'a Blocks, iri: &str) -> Option<(&'a Block, usize)> {
    blocks.blocks.iter().find_map(|b| {
        b.top_level
            .iter()
            .copied()
            .find(|&i| is_term_of(b, &b.fields[i], iri))
            .map(|i| (b, i))
    })
}

/// Whether `iri` is the term of any field type at all.
fn any_field(blocks: &Blocks, iri: &str) -> bool {
    blocks
        .blocks
        .iter()
        .any(|b| b.fields.iter().any(|f| is_term_of(b, f, iri)))
}

/// `JSONLDUtil.getValues`: a value as a list; more than one for a single-value field is
/// a 400.
fn values(v: &Value, f: &FieldType) -> Result<Vec<Value>, ApiError> {
    match v {
        Value::Array(a) if a.len() > 1 && !f.multiple => Err(ApiError::bad_request(format!(
            "Array for single value notsupported: {}",
            f.name
        ))),
        Value::Array(a) => Ok(a.clone()),
        other => Ok(vec![other.clone()]),
    }
}

/// The strings of a primitive or vocabulary value (vocabulary values checked).
fn strings(v: &Value, f: &FieldType) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for item in values(v, f)? {
        let text = match item {
            Value::String(s) => s.trim().to_string(),
            Value::Bool(_) | Value::Number(_) => item.to_string(),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Error parsing Json: a value of {} is not a string",
                    f.name
                )));
            }
        };
        if f.allow_cv && !f.cv_values.contains(&text) {
            return Err(ApiError::bad_request(format!(
                "Unknown value for Controlled Vocab Field: {} : {text}",
                f.name
            )));
        }
        out.push(text);
    }
    Ok(out)
}

/// A list of values as the wire form wants it: an array for a multiple field, else one.
fn one_or_list(f: &FieldType, mut items: Vec<Value>) -> Value {
    if f.multiple {
        Value::Array(items)
    } else {
        items.pop().unwrap_or(Value::Null)
    }
}

/// The wire-form field (`{"typeName","multiple","typeClass","value"}`) of the JSON-LD
/// value `v` of top-level field `fi` of `block` (`JSONLDUtil.addField`).
pub(crate) fn wire_field(
    blocks: &Blocks,
    block: &Block,
    fi: usize,
    v: &Value,
) -> Result<Value, ApiError> {
    let f = &block.fields[fi];
    let value = if f.children.is_empty() || f.allow_cv {
        one_or_list(f, strings(v, f)?.into_iter().map(Value::from).collect())
    } else {
        let mut entries = Vec::new();
        for item in values(v, f)? {
            let Value::Object(obj) = item else {
                return Err(ApiError::bad_request(format!(
                    "Compound field values must be JSON objects, field: {}",
                    f.name
                )));
            };
            let mut entry = Map::new();
            for (key, cv) in &obj {
                let child = f
                    .children
                    .iter()
                    .map(|&c| &block.fields[c])
                    .find(|c| is_term_of(block, c, key));
                let Some(child) = child else {
                    if any_field(blocks, key) {
                        return Err(ApiError::bad_request(format!(
                            "Compound field {}can't include term {key}",
                            f.name
                        )));
                    }
                    continue;
                };
                let texts = strings(cv, child)?.into_iter().map(Value::from).collect();
                entry.insert(
                    child.name.clone(),
                    json!({
                        "typeName": child.name,
                        "multiple": child.multiple,
                        "typeClass": type_class(child),
                        "value": one_or_list(child, texts),
                    }),
                );
            }
            entries.push(Value::Object(entry));
        }
        one_or_list(f, entries)
    };
    Ok(json!({
        "typeName": f.name,
        "multiple": f.multiple,
        "typeClass": type_class(f),
        "value": value,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compact_iris_terms_and_nested_nodes() {
        let body = json!({
            "@context": {
                "citation": "https://dataverse.org/schema/citation/",
                "title": "http://purl.org/dc/terms/title",
                "ok": {"@id": "https://example.org/ok", "@type": "http://www.w3.org/2001/XMLSchema#boolean"}
            },
            "@id": "doi:10.5072/FK2/ABC",
            "@type": "http://schema.org/Dataset",
            "title": "A title",
            "ok": "true",
            "citation:keyword": [
                {"citation:keywordValue": "birds"},
                {"citation:keywordValue": "finches"}
            ],
            "unmapped": "dropped"
        });
        let m = decontextualize(body.to_string().as_bytes()).unwrap();
        assert_eq!(m["http://purl.org/dc/terms/title"], "A title");
        assert_eq!(m["https://example.org/ok"], true);
        let kw = m["https://dataverse.org/schema/citation/keyword"]
            .as_array()
            .unwrap();
        assert_eq!(kw.len(), 2);
        assert!(
            kw.contains(&json!({"https://dataverse.org/schema/citation/keywordValue": "birds"}))
        );
        assert_eq!(m.len(), 3, "{m:?}");
    }

    #[test]
    fn broken_bodies_and_remote_contexts_fail() {
        assert!(decontextualize(b"{").is_err());
        let remote = json!({"@context": "https://example.org/context.jsonld", "a": "b"});
        assert!(decontextualize(remote.to_string().as_bytes()).is_err());
        assert!(decontextualize(b"{}").unwrap().is_empty());
    }
}
