//! Citations of datasets and files, and the draft a private URL token opens.

use dataverse_client::{Error, Version};
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};

/// The citation methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_dataset_citation" => Box::pin(dataset(c)),
        "get_datafile_citation" => Box::pin(datafile(c)),
        "get_private_url_dataset_version" => Box::pin(private_version(c)),
        "get_private_url_dataset_version_citation" => Box::pin(private_citation(c)),
        _ => return None,
    })
}

/// `version` (default `:latest`) and `include_deaccessioned` (default false).
fn version_args(c: &Call) -> Result<(Version, bool), Error> {
    let version = c.args.version("version")?.unwrap_or(Version::Latest);
    Ok((version, c.args.bool_or("include_deaccessioned", false)?))
}

async fn dataset(c: &Call) -> Result<Json, Error> {
    let (version, deaccessioned) = version_args(c)?;
    let id = c.args.str("identifier")?;
    ok(json!(
        c.api
            .get_dataset_citation(id, version, deaccessioned)
            .await?
    ))
}

async fn datafile(c: &Call) -> Result<Json, Error> {
    let (version, deaccessioned) = version_args(c)?;
    let id = c.args.str("identifier")?;
    ok(json!(
        c.api
            .get_datafile_citation(id, version, deaccessioned)
            .await?
    ))
}

async fn private_version(c: &Call) -> Result<Json, Error> {
    let token = c.args.str("token")?;
    to_json(&c.api.get_private_url_dataset_version(&token).await?)
}

async fn private_citation(c: &Call) -> Result<Json, Error> {
    let token = c.args.str("token")?;
    ok(json!(
        c.api
            .get_private_url_dataset_version_citation(&token)
            .await?
    ))
}
