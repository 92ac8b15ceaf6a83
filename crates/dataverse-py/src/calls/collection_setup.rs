//! A collection's set-up (attributes, input levels, metadata blocks), the dataset
//! preflight against a collection, pyDataverse's `get_children` walk and
//! `dataverse_id2alias`.

use dataverse_client::api::tree::{ChildType, ParentType};
use dataverse_client::models::collection_setup::InputLevel;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, MetadataBlocks};
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};
use crate::errors::invalid;

/// The methods of this family; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_children" => Box::pin(children(c)),
        "dataverse_id2alias" => Box::pin(id2alias(c)),
        "set_collection_attribute" => Box::pin(attribute(c)),
        "get_collection_input_levels" => Box::pin(input_levels(c)),
        "set_collection_input_levels" => Box::pin(set_input_levels(c)),
        "list_collection_metadatablocks" => Box::pin(list_blocks(c)),
        "set_collection_metadatablocks" => Box::pin(set_blocks(c)),
        "is_collection_metadatablocks_root" => Box::pin(is_root(c)),
        "set_collection_metadatablocks_root" => Box::pin(set_root(c)),
        "preflight_dataset_in" => Box::pin(preflight_in(c)),
        _ => return None,
    })
}

/// pyDataverse's names: `dataverse` (or `collection`), `dataset`.
fn parent_type(name: &str) -> Result<ParentType, Error> {
    match name {
        "dataverse" | "collection" => Ok(ParentType::Collection),
        "dataset" => Ok(ParentType::Dataset),
        other => Err(invalid(format!(
            "parent_type must be 'dataverse' or 'dataset', not {other:?}"
        ))),
    }
}

/// pyDataverse's names: `dataverses`, `datasets`, `datafiles` (or `collections`, `files`).
fn child_type(name: &str) -> Result<ChildType, Error> {
    match name {
        "dataverses" | "collections" => Ok(ChildType::Collections),
        "datasets" => Ok(ChildType::Datasets),
        "datafiles" | "files" => Ok(ChildType::Files),
        other => Err(invalid(format!(
            "children_types must name 'dataverses', 'datasets' or 'datafiles', not {other:?}"
        ))),
    }
}

async fn children(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let parent = a.opt_str("parent")?.unwrap_or_else(|| ":root".into());
    let kind = parent_type(
        &a.opt_str("parent_type")?
            .unwrap_or_else(|| "dataverse".into()),
    )?;
    let types = a
        .strs("children_types")?
        .iter()
        .map(|t| child_type(t))
        .collect::<Result<Vec<_>, _>>()?;
    to_json(&c.api.get_children(&parent, kind, &types).await?)
}

async fn id2alias(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("dataverse_id")?;
    ok(json!(c.api.dataverse_id2alias(id).await?))
}

async fn attribute(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let (attribute, value) = (a.str("attribute")?, a.str("value")?);
    to_json(
        &c.api
            .set_collection_attribute(a.str("identifier")?, &attribute, &value)
            .await?,
    )
}

async fn input_levels(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_collection_input_levels(id).await?)
}

async fn set_input_levels(c: &Call) -> Result<Json, Error> {
    let levels: Vec<InputLevel> = c.args.body("levels")?;
    to_json(
        &c.api
            .set_collection_input_levels(c.args.str("identifier")?, &levels)
            .await?,
    )
}

async fn list_blocks(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let on_create = a.bool_or("only_displayed_on_create", false)?;
    let full = a.bool_or("full", false)?;
    let blocks: MetadataBlocks = c
        .api
        .list_collection_metadatablocks(a.str("identifier")?, on_create, full)
        .await?;
    to_json(&blocks)
}

async fn set_blocks(c: &Call) -> Result<Json, Error> {
    let names = c.args.strs("blocks")?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    ok(json!(
        c.api
            .set_collection_metadatablocks(c.args.str("identifier")?, &names)
            .await?
    ))
}

async fn is_root(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    ok(json!(c.api.is_collection_metadatablocks_root(id).await?))
}

async fn set_root(c: &Call) -> Result<Json, Error> {
    let root = c.args.bool_or("root", true)?;
    ok(json!(
        c.api
            .set_collection_metadatablocks_root(c.args.str("identifier")?, root)
            .await?
    ))
}

async fn preflight_in(c: &Call) -> Result<Json, Error> {
    let body: DatasetCreateBody = c.args.body("metadata")?;
    to_json(
        &c.api
            .preflight_dataset_in(c.args.str("collection")?, &body)
            .await?,
    )
}
