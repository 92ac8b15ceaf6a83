//! What the caller may do on a collection, a dataset or a file.

use dataverse_client::Error;

use super::{Call, Fut, Json, to_json};

/// The permission methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_collection_user_permissions" => Box::pin(collection(c)),
        "get_dataset_user_permissions" => Box::pin(dataset(c)),
        "get_datafile_user_permissions" => Box::pin(datafile(c)),
        _ => return None,
    })
}

async fn collection(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_collection_user_permissions(id).await?)
}

async fn dataset(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_dataset_user_permissions(id).await?)
}

async fn datafile(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_datafile_user_permissions(id).await?)
}
