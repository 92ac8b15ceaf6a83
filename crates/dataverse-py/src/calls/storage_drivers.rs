//! Storage drivers: the store of a collection or dataset (read, set, reset) and the
//! stores a collection may use.

use dataverse_client::Error;
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};

/// The storage-driver methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_dataset_storage_driver" => Box::pin(get_dataset(c)),
        "set_dataset_storage_driver" => Box::pin(set(c, true)),
        "reset_dataset_storage_driver" => Box::pin(reset(c, true)),
        "get_collection_storage_driver" => Box::pin(get_collection(c)),
        "set_collection_storage_driver" => Box::pin(set(c, false)),
        "reset_collection_storage_driver" => Box::pin(reset(c, false)),
        "list_storage_drivers" => Box::pin(list(c)),
        _ => return None,
    })
}

async fn get_dataset(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_dataset_storage_driver(c.args.str("identifier")?)
            .await?,
    )
}

async fn get_collection(c: &Call) -> Result<Json, Error> {
    let effective = c.args.bool_or("effective", false)?;
    to_json(
        &c.api
            .get_collection_storage_driver(c.args.str("identifier")?, effective)
            .await?,
    )
}

async fn set(c: &Call, dataset: bool) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let label = c.args.str("label")?;
    let message = if dataset {
        c.api.set_dataset_storage_driver(id, &label).await?
    } else {
        c.api.set_collection_storage_driver(id, &label).await?
    };
    ok(json!({ "message": message }))
}

async fn reset(c: &Call, dataset: bool) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let message = if dataset {
        c.api.reset_dataset_storage_driver(id).await?
    } else {
        c.api.reset_collection_storage_driver(id).await?
    };
    ok(json!({ "message": message }))
}

async fn list(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .list_storage_drivers(c.args.str("identifier")?)
            .await?,
    )
}
