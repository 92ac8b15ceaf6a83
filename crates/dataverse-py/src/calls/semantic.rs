//! JSON-LD (semantic) metadata of datasets: read one or many, add or replace, delete;
//! and a document expanded to RDF triples.

use dataverse_client::Error;
use dataverse_client::models::jsonld::jsonld_triples;
use serde_json::{Value, json};

use super::{Call, Fut, Json, ok, to_json, to_value};
use crate::errors::{error_info, invalid};

/// The JSON-LD methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_dataset_jsonld" => Box::pin(one(c)),
        "get_datasets_jsonld" => Box::pin(many(c)),
        "update_dataset_jsonld" => Box::pin(update(c)),
        "delete_dataset_jsonld" => Box::pin(delete(c)),
        "jsonld_triples" => Box::pin(triples(c)),
        _ => return None,
    })
}

fn document(c: &Call) -> Result<Value, Error> {
    c.args
        .raw("metadata")
        .ok_or_else(|| invalid("metadata is required"))
}

async fn one(c: &Call) -> Result<Json, Error> {
    let version = c.args.version("version")?;
    c.api
        .get_dataset_jsonld(c.args.str("identifier")?, version)
        .await
        .map(Json::from)
}

async fn many(c: &Call) -> Result<Json, Error> {
    let ids = c.args.strs("identifiers")?;
    let version = c.args.version("version")?;
    let results = c.api.get_datasets_jsonld(ids, version).await;
    ok(Value::Array(
        results
            .into_iter()
            .map(|r| match r {
                Ok(v) => json!({ "ok": v }),
                Err(e) => json!({ "error": error_info(&e) }),
            })
            .collect(),
    ))
}

async fn update(c: &Call) -> Result<Json, Error> {
    let replace = c.args.bool_or("replace", false)?;
    let doc = document(c)?;
    to_json(
        &c.api
            .update_dataset_jsonld(c.args.str("identifier")?, &doc, replace)
            .await?,
    )
}

async fn delete(c: &Call) -> Result<Json, Error> {
    let doc = document(c)?;
    to_json(
        &c.api
            .delete_dataset_jsonld(c.args.str("identifier")?, &doc)
            .await?,
    )
}

async fn triples(c: &Call) -> Result<Json, Error> {
    let doc = document(c)?;
    let triples = jsonld_triples(&doc)?;
    ok(Value::Array(
        triples
            .iter()
            .map(|t| {
                Ok(json!({
                    "subject": to_value(&t.subject)?,
                    "predicate": t.predicate,
                    "object": to_value(&t.object)?,
                    "ntriples": t.to_string(),
                }))
            })
            .collect::<Result<Vec<_>, Error>>()?,
    ))
}
