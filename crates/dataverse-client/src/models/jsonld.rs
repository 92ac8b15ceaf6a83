//! JSON-LD metadata: the answer of a write, and RDF triples of a document expanded by a
//! conforming JSON-LD 1.1 processor ([`oxjsonld`]).

use std::fmt;

use oxjsonld::JsonLdParser;
use oxrdf::{NamedOrBlankNode, Term};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// What a JSON-LD write did: `{"Version Updated": "Dec 3, 2026"}` or `{"Version Created": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonLdUpdate {
    /// Whether a new draft was made (the latest version was published).
    pub created: bool,
    /// The draft's date as the server words it (`Dec 3, 2026`); empty when it sent none.
    pub date: String,
    /// The answer's `data`, whole.
    pub raw: Value,
}

impl JsonLdUpdate {
    /// Read the answer's `data`; any shape is accepted (kept in `raw`).
    pub(crate) fn from_data(data: &Value) -> Self {
        let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_string);
        let (created, date) = match (text("Version Created"), text("Version Updated")) {
            (Some(d), _) => (true, d),
            (None, Some(d)) => (false, d),
            (None, None) => {
                tracing::debug!(data = %data, "JSON-LD write answered in an unexpected shape");
                (false, String::new())
            }
        };
        JsonLdUpdate {
            created,
            date,
            raw: data.clone(),
        }
    }
}

/// A subject or object node: an IRI or a blank node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Node {
    /// `<http://...>`
    Iri(String),
    /// `_:b0`
    Blank(String),
}

/// The object of a triple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Object {
    /// An IRI.
    Iri {
        /// The IRI.
        value: String,
    },
    /// A blank node.
    Blank {
        /// Its label.
        value: String,
    },
    /// A literal with its datatype IRI and, for a language-tagged string, its language.
    Literal {
        /// The lexical form.
        value: String,
        /// The datatype IRI (`xsd:string` for a plain string).
        datatype: String,
        /// The language tag, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
}

/// One RDF triple; prints as an N-Triples line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Triple {
    /// The subject.
    pub subject: Node,
    /// The predicate IRI.
    pub predicate: String,
    /// The object.
    pub object: Object,
}

/// A string as an N-Triples string literal body.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Iri(i) => write!(f, "<{i}>"),
            Node::Blank(b) => write!(f, "_:{b}"),
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Iri { value } => write!(f, "<{value}>"),
            Object::Blank { value } => write!(f, "_:{value}"),
            Object::Literal {
                value,
                language: Some(l),
                ..
            } => write!(f, "\"{}\"@{l}", escape(value)),
            Object::Literal {
                value, datatype, ..
            } if datatype == "http://www.w3.org/2001/XMLSchema#string" => {
                write!(f, "\"{}\"", escape(value))
            }
            Object::Literal {
                value, datatype, ..
            } => write!(f, "\"{}\"^^<{datatype}>", escape(value)),
        }
    }
}

impl fmt::Display for Triple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}> {} .", self.subject, self.predicate, self.object)
    }
}

/// Expand a JSON-LD document to RDF triples (of every graph it holds) with a conforming
/// JSON-LD 1.1 processor. The `@context` must be inline (as Dataverse's is): a remote
/// context is not fetched, and is an [`Error::InvalidArgument`], as is a document the
/// processor rejects. Terms the context does not define are dropped, as JSON-LD says.
/// Values the processor cannot turn into RDF are skipped rather than failing the whole
/// document (its lenient mode): Dataverse's full OAI-ORE map types file checksums as
/// `"@type": "MD5"`, which is not an IRI.
///
/// ```
/// use dataverse_client::models::jsonld::jsonld_triples;
/// let doc = serde_json::json!({
///     "@context": {"schema": "http://schema.org/"},
///     "@id": "https://doi.org/10.5072/FK2/ABC",
///     "schema:name": "Darwin's Finches"
/// });
/// let triples = jsonld_triples(&doc)?;
/// assert_eq!(triples.len(), 1);
/// assert_eq!(triples[0].predicate, "http://schema.org/name");
/// assert_eq!(
///     triples[0].to_string(),
///     "<https://doi.org/10.5072/FK2/ABC> <http://schema.org/name> \"Darwin's Finches\" ."
/// );
/// # Ok::<(), dataverse_client::Error>(())
/// ```
pub fn jsonld_triples(document: &Value) -> Result<Vec<Triple>> {
    let bytes = serde_json::to_vec(document)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode the JSON-LD: {e}")))?;
    let mut out = Vec::new();
    for quad in JsonLdParser::new().lenient().for_slice(&bytes) {
        let quad = quad.map_err(|e| Error::InvalidArgument(format!("not valid JSON-LD: {e}")))?;
        let subject = match quad.subject {
            NamedOrBlankNode::NamedNode(n) => Node::Iri(n.into_string()),
            NamedOrBlankNode::BlankNode(b) => Node::Blank(b.into_string()),
        };
        let object = match quad.object {
            Term::NamedNode(n) => Object::Iri {
                value: n.into_string(),
            },
            Term::BlankNode(b) => Object::Blank {
                value: b.into_string(),
            },
            Term::Literal(l) => {
                let datatype = l.datatype().as_str().to_string();
                let (value, _, language) = l.destruct();
                Object::Literal {
                    value,
                    datatype,
                    language,
                }
            }
        };
        out.push(Triple {
            subject,
            predicate: quad.predicate.into_string(),
            object,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_answers_of_any_shape() {
        let u = JsonLdUpdate::from_data(&json!({"Version Created": "Dec 3, 2026"}));
        assert!(u.created);
        assert_eq!(u.date, "Dec 3, 2026");
        let u = JsonLdUpdate::from_data(&json!({"Version Updated": "Dec 3, 2026"}));
        assert!(!u.created);
        let u = JsonLdUpdate::from_data(&json!({"something": 1}));
        assert_eq!(u.date, "");
        assert_eq!(u.raw, json!({"something": 1}));
    }

    /// Dataverse's own OAI-ORE map (a real 6.x export) expands as JSON-LD, its checksums
    /// typed `"@type": "MD5"` (not an IRI) skipped.
    #[test]
    fn a_real_dataverse_ore_map_expands() {
        let dir = std::env::var_os("DATAVERSE_FIXTURES_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/dataverse-fixtures")
            });
        let text =
            std::fs::read_to_string(dir.join("responses/export-OAI_ORE-published.json")).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let t = jsonld_triples(&doc).unwrap();
        let ds = Node::Iri("https://doi.org/10.5072/FK2/CY7BWA".into());
        let title = t
            .iter()
            .find(|t| t.subject == ds && t.predicate == "http://purl.org/dc/terms/title")
            .unwrap();
        assert!(matches!(&title.object, Object::Literal { value, .. } if value == "Cars"));
        assert!(
            t.iter()
                .any(|t| t.predicate == "http://www.openarchives.org/ore/terms/aggregates")
        );
    }

    #[test]
    fn nested_nodes_literals_and_remote_contexts() {
        let doc = json!({
            "@context": {"s": "http://schema.org/", "ex": "https://example.org/"},
            "@id": "https://example.org/d",
            "s:author": {"s:name": "Finch, \"F\""},
            "s:dateModified": {"@value": "2026-12-03", "@type": "http://www.w3.org/2001/XMLSchema#date"},
            "s:description": {"@value": "Vögel", "@language": "de"},
            "s:url": {"@id": "ex:page"}
        });
        let t = jsonld_triples(&doc).unwrap();
        assert_eq!(t.len(), 5, "{t:?}");
        let lines: Vec<String> = t.iter().map(ToString::to_string).collect();
        assert!(
            lines.contains(
                &"<https://example.org/d> <http://schema.org/url> <https://example.org/page> ."
                    .to_string()
            ),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("<http://schema.org/name> \"Finch, \\\"F\\\"\" .")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("\"Vögel\"@de")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("\"2026-12-03\"^^<http://www.w3.org/2001/XMLSchema#date>")),
            "{lines:?}"
        );
        let remote = json!({"@context": "https://example.org/ctx.jsonld", "a": 1});
        assert!(matches!(
            jsonld_triples(&remote),
            Err(Error::InvalidArgument(_))
        ));
    }
}
