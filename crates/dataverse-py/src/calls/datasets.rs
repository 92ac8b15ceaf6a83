//! Datasets: read (one, many, versions), create, validate, edit, publish, locks, roles,
//! delete, review, private URLs, exports.

use std::sync::Arc;

use dataverse_client::models::datasets::{LockType, ReleaseType};
use dataverse_client::models::metadata::{DatasetCreateBody, EditMetadataBody};
use dataverse_client::{Error, Version};
use serde_json::Value;

use super::{Call, Fut, Json, ok, outcomes, to_json};

/// The dataset methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_dataset" => Box::pin(get_dataset(c)),
        "get_dataset_versions" => Box::pin(versions(c)),
        "get_dataset_version" => Box::pin(version(c)),
        "get_datasets" => Box::pin(get_datasets(c)),
        "create_dataset" => Box::pin(create(c)),
        "validate_dataset_json" => Box::pin(validate(c)),
        "preflight_dataset" => Box::pin(preflight(c)),
        "preflight_edit" => Box::pin(preflight_edit(c)),
        "edit_dataset_metadata" => Box::pin(edit(c)),
        "publish_dataset" => Box::pin(publish(c)),
        "get_dataset_lock" => Box::pin(locks(c)),
        "get_dataset_assignments" => Box::pin(assignments(c)),
        "delete_dataset" => Box::pin(delete(c)),
        "destroy_dataset" => Box::pin(destroy(c)),
        "submit_dataset_for_review" => Box::pin(submit(c)),
        "return_dataset_to_author" => Box::pin(return_to_author(c)),
        "create_dataset_private_url" => Box::pin(private_url(c, "create")),
        "get_dataset_private_url" => Box::pin(private_url(c, "get")),
        "delete_dataset_private_url" => Box::pin(private_url(c, "delete")),
        "get_dataset_export" => Box::pin(export(c)),
        "get_datasets_export" => Box::pin(exports(c)),
        _ => return None,
    })
}

async fn get_dataset(c: &Call) -> Result<Json, Error> {
    let version = c.args.version("version")?;
    to_json(
        &c.api
            .get_dataset(c.args.str("identifier")?, version)
            .await?,
    )
}

async fn versions(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_dataset_versions(c.args.str("identifier")?)
            .await?,
    )
}

async fn version(c: &Call) -> Result<Json, Error> {
    let v = c.args.version("version")?.unwrap_or(Version::Latest);
    to_json(
        &c.api
            .get_dataset_version(c.args.str("identifier")?, v)
            .await?,
    )
}

async fn get_datasets(c: &Call) -> Result<Json, Error> {
    let ids = c.args.strs("identifiers")?;
    let progress = c.progress.clone().map(|p| {
        Arc::new(move |done: usize, total: usize| p.report(done as u64, Some(total as u64)))
            as Arc<dyn Fn(usize, usize) + Send + Sync>
    });
    outcomes(&c.api.get_datasets_with_progress(ids, progress).await)
}

async fn create(c: &Call) -> Result<Json, Error> {
    let body: DatasetCreateBody = c.args.body("metadata")?;
    let pid = c.args.opt_str("identifier")?;
    let publish = c.args.bool_or("publish", false)?;
    let created = c
        .api
        .create_dataset(c.args.str("dataverse")?, &body, pid.as_deref(), publish)
        .await?;
    to_json(&created)
}

async fn validate(c: &Call) -> Result<Json, Error> {
    let body: DatasetCreateBody = c.args.body("metadata")?;
    to_json(
        &c.api
            .validate_dataset_json(c.args.str("collection")?, &body)
            .await?,
    )
}

async fn preflight(c: &Call) -> Result<Json, Error> {
    let body: DatasetCreateBody = c.args.body("metadata")?;
    to_json(&c.api.preflight_dataset(&body).await?)
}

async fn preflight_edit(c: &Call) -> Result<Json, Error> {
    let body: EditMetadataBody = c.args.body("metadata")?;
    let id = c.args.str("identifier")?;
    to_json(&c.api.preflight_edit(id, &body).await?)
}

async fn edit(c: &Call) -> Result<Json, Error> {
    let body: EditMetadataBody = c.args.body("metadata")?;
    let replace = c.args.bool_or("replace", false)?;
    to_json(
        &c.api
            .edit_dataset_metadata(c.args.str("identifier")?, &body, replace)
            .await?,
    )
}

async fn publish(c: &Call) -> Result<Json, Error> {
    let release = ReleaseType::from(
        c.args
            .opt_str("release_type")?
            .unwrap_or_else(|| "major".into())
            .as_str(),
    );
    let pid = c.args.str("pid")?;
    let published = match c.args.opt_u64("wait_seconds")? {
        Some(secs) => {
            c.api
                .publish_dataset_and_wait(pid, release, std::time::Duration::from_secs(secs))
                .await?
        }
        None => c.api.publish_dataset(pid, release).await?,
    };
    to_json(&published)
}

async fn locks(c: &Call) -> Result<Json, Error> {
    let lock = c
        .args
        .opt_str("lock_type")?
        .map(|l| LockType::from(l.as_str()));
    to_json(
        &c.api
            .get_dataset_lock(c.args.str("identifier")?, lock)
            .await?,
    )
}

async fn assignments(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_dataset_assignments(c.args.str("identifier")?)
            .await?,
    )
}

async fn delete(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.delete_dataset(c.args.str("identifier")?).await?)
}

async fn destroy(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.destroy_dataset(c.args.str("identifier")?).await?)
}

async fn submit(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .submit_dataset_for_review(c.args.str("identifier")?)
            .await?,
    )
}

async fn return_to_author(c: &Call) -> Result<Json, Error> {
    let reason = c.args.str("reason")?;
    to_json(
        &c.api
            .return_dataset_to_author(c.args.str("identifier")?, &reason)
            .await?,
    )
}

async fn private_url(c: &Call, what: &str) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    match what {
        "create" => to_json(&c.api.create_dataset_private_url(id).await?),
        "get" => to_json(&c.api.get_dataset_private_url(id).await?),
        _ => to_json(&c.api.delete_dataset_private_url(id).await?),
    }
}

async fn export(c: &Call) -> Result<Json, Error> {
    let format = c.args.str("export_format")?;
    let id = c.args.str("identifier")?;
    let text = match c.args.version("version")? {
        Some(v) => {
            c.api
                .get_dataset_version_export(id, &format, Some(v))
                .await?
        }
        None => c.api.get_dataset_export(id, &format).await?,
    };
    ok(Value::String(text))
}

async fn exports(c: &Call) -> Result<Json, Error> {
    let format = c.args.str("export_format")?;
    let as_dict = c.args.bool_or("as_dict", false)?;
    let ids = c.args.strs("identifiers")?;
    outcomes(&c.api.get_datasets_export(ids, &format, as_dict).await)
}
