//! Dataset and file extras: deaccession, file PID registration, download size and count,
//! data tables, persistent URL, waiting for a lock, the dataset field lists, logout.

use std::time::Duration;

use dataverse_client::api::access::DownloadSizeQuery;
use dataverse_client::models::datasets::LockType;
use dataverse_client::{Error, Version};
use serde_json::{Value, json};

use super::{Call, Fut, Json, ok, to_json};

/// The methods of this family; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    let api = &c.api;
    Some(match name {
        "deaccession_dataset" => Box::pin(deaccession(c)),
        "register_datafile_pid" => Box::pin(register_pid(c)),
        "register_all_datafile_pids" => {
            Box::pin(async move { ok(json!(api.register_all_datafile_pids().await?)) })
        }
        "get_dataset_download_size" => Box::pin(download_size(c)),
        "get_file_download_count" => Box::pin(download_count(c)),
        "get_file_data_tables" => Box::pin(data_tables(c)),
        "get_dataset_persistent_url" => Box::pin(persistent_url(c)),
        "get_dataset_summary_field_names" => {
            Box::pin(async move { to_json(&api.get_dataset_summary_field_names().await?) })
        }
        "get_facetable_dataset_fields" => {
            Box::pin(async move { to_json(&api.get_facetable_dataset_fields().await?) })
        }
        "logout" => Box::pin(async move { ok(json!(api.logout().await?)) }),
        "wait_for_unlock" => Box::pin(wait_for_unlock(c)),
        _ => return None,
    })
}

async fn deaccession(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let version = a.version("version")?.unwrap_or(Version::LatestPublished);
    let reason = a.str("reason")?;
    let forward = a.opt_str("forward_url")?;
    to_json(
        &c.api
            .deaccession_dataset(a.str("identifier")?, version, &reason, forward.as_deref())
            .await?,
    )
}

async fn register_pid(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    ok(json!(c.api.register_datafile_pid(id).await?))
}

async fn download_size(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let version = a.version("version")?.unwrap_or(Version::Latest);
    let mut query = DownloadSizeQuery {
        content_type: a.opt_str("content_type")?,
        access_status: a.opt_str("access_status")?,
        category_name: a.opt_str("category_name")?,
        tabular_tag_name: a.opt_str("tabular_tag_name")?,
        search_text: a.opt_str("search_text")?,
        include_deaccessioned: a.bool_or("include_deaccessioned", false)?,
        ..DownloadSizeQuery::default()
    };
    if let Some(mode) = a.opt_str("mode")? {
        query.mode = Some(mode.parse()?);
    }
    to_json(
        &c.api
            .get_dataset_download_size(a.str("identifier")?, version, &query)
            .await?,
    )
}

async fn download_count(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    ok(json!(c.api.get_file_download_count(id).await?))
}

async fn data_tables(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_file_data_tables(id).await?)
}

async fn persistent_url(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    ok(json!(c.api.get_dataset_persistent_url(id).await?))
}

/// `wait_for_unlock(identifier, lock_type, timeout_seconds=300)`: `None` once unlocked.
async fn wait_for_unlock(c: &Call) -> Result<Json, Error> {
    let a = &c.args;
    let lock = LockType::from(a.str("lock_type")?.as_str());
    let timeout = Duration::from_secs(a.opt_u64("timeout_seconds")?.unwrap_or(300));
    c.api
        .wait_for_unlock(a.str("identifier")?, lock, timeout)
        .await?;
    ok(Value::Null)
}
