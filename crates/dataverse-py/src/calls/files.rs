//! Files: metadata (one, a dataset's), update, delete, redetect, (re/un)ingest, restrict.

use dataverse_client::{Error, UploadBody};
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};

/// The file methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_datafiles_metadata" => Box::pin(list(c)),
        "get_datafile_metadata" => Box::pin(one(c)),
        "update_datafile_metadata" => Box::pin(update(c)),
        "delete_datafile" => Box::pin(delete(c)),
        "redetect_file_type" => Box::pin(redetect(c)),
        "reingest_datafile" => Box::pin(reingest(c, true)),
        "uningest_datafile" => Box::pin(reingest(c, false)),
        "restrict_datafile" => Box::pin(restrict(c)),
        _ => return None,
    })
}

/// The MIME type filters (`filter_mime_types`).
pub fn mime_filters(c: &Call) -> Result<Vec<String>, Error> {
    c.args.strs("filter_mime_types")
}

async fn list(c: &Call) -> Result<Json, Error> {
    let filters = mime_filters(c)?;
    let filters: Vec<&str> = filters.iter().map(String::as_str).collect();
    let version = c.args.version("version")?;
    to_json(
        &c.api
            .get_datafiles_metadata(c.args.str("identifier")?, version, &filters)
            .await?,
    )
}

async fn one(c: &Call) -> Result<Json, Error> {
    let draft = c.args.bool_or("is_draft", false)?;
    to_json(
        &c.api
            .get_datafile_metadata(c.args.str("identifier")?, draft)
            .await?,
    )
}

async fn update(c: &Call) -> Result<Json, Error> {
    let body: UploadBody = c.args.body("metadata")?;
    to_json(
        &c.api
            .update_datafile_metadata(c.args.str("identifier")?, &body)
            .await?,
    )
}

async fn delete(c: &Call) -> Result<Json, Error> {
    let deleted = c.api.delete_datafile(c.args.str("identifier")?).await?;
    ok(json!(deleted))
}

async fn redetect(c: &Call) -> Result<Json, Error> {
    let dry_run = c.args.bool_or("dry_run", false)?;
    to_json(
        &c.api
            .redetect_file_type(c.args.str("identifier")?, dry_run)
            .await?,
    )
}

async fn reingest(c: &Call, ingest: bool) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let message = if ingest {
        c.api.reingest_datafile(id).await?
    } else {
        c.api.uningest_datafile(id).await?
    };
    ok(json!({ "message": message }))
}

async fn restrict(c: &Call) -> Result<Json, Error> {
    let restrict = c.args.bool_or("restrict", true)?;
    let request = c.args.opt_bool("enable_access_request")?;
    let terms = c.args.opt_str("terms_of_access")?;
    let message = c
        .api
        .restrict_datafile(
            c.args.str("identifier")?,
            restrict,
            request,
            terms.as_deref(),
        )
        .await?;
    ok(json!({ "message": message }))
}
