//! Guestbooks: a collection's guestbooks (read, list, create, update, enable), the
//! responses recorded for one (or a collection's, as CSV), and which guestbook a dataset
//! uses.

use dataverse_client::Error;
use dataverse_client::models::guestbooks::Guestbook;
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};
use crate::errors::invalid;

/// The guestbook methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_guestbook" => Box::pin(async move { to_json(&c.api.get_guestbook(id(c)?).await?) }),
        "list_guestbooks" => Box::pin(list(c)),
        "create_guestbook" => Box::pin(async move {
            let gb: Guestbook = c.args.body("guestbook")?;
            to_json(
                &c.api
                    .create_guestbook(c.args.str("collection")?, &gb)
                    .await?,
            )
        }),
        "update_guestbook" => Box::pin(async move {
            let gb: Guestbook = c.args.body("guestbook")?;
            to_json(&c.api.update_guestbook(id(c)?, &gb).await?)
        }),
        "enable_guestbook" => Box::pin(enable(c)),
        "get_guestbook_responses" => Box::pin(async move {
            let (limit, offset) = (c.args.opt_u64("limit")?, c.args.opt_u64("offset")?);
            to_json(&c.api.get_guestbook_responses(id(c)?, limit, offset).await?)
        }),
        "get_collection_guestbook_responses" => Box::pin(async move {
            let guestbook = c.args.opt_u64("guestbook_id")?;
            ok(json!(
                c.api
                    .get_collection_guestbook_responses(c.args.str("identifier")?, guestbook)
                    .await?
            ))
        }),
        "set_dataset_guestbook" => Box::pin(async move {
            let guestbook = c
                .args
                .opt_u64("guestbook")?
                .ok_or_else(|| invalid("guestbook is required"))?;
            message(
                c.api
                    .set_dataset_guestbook(c.args.str("dataset")?, guestbook)
                    .await?,
            )
        }),
        "remove_dataset_guestbook" => Box::pin(async move {
            message(
                c.api
                    .remove_dataset_guestbook(c.args.str("dataset")?)
                    .await?,
            )
        }),
        "get_guestbook_entry_at_request" => Box::pin(async move {
            to_json(
                &c.api
                    .get_guestbook_entry_at_request(c.args.str("dataset")?)
                    .await?,
            )
        }),
        "set_guestbook_entry_at_request" => Box::pin(async move {
            let choice = c.args.opt_bool("choice")?;
            message(
                c.api
                    .set_guestbook_entry_at_request(c.args.str("dataset")?, choice)
                    .await?,
            )
        }),
        _ => return None,
    })
}

/// The guestbook's database id (`id`).
fn id(c: &Call) -> Result<u64, Error> {
    c.args
        .opt_u64("id")?
        .ok_or_else(|| invalid("id is required"))
}

fn message(m: String) -> Result<Json, Error> {
    ok(json!({ "message": m }))
}

async fn list(c: &Call) -> Result<Json, Error> {
    let inherited = c.args.bool_or("include_inherited", false)?;
    let stats = c.args.bool_or("include_stats", false)?;
    to_json(
        &c.api
            .list_guestbooks(c.args.str("collection")?, inherited, stats)
            .await?,
    )
}

async fn enable(c: &Call) -> Result<Json, Error> {
    let enabled = c.args.bool_or("enabled", true)?;
    message(
        c.api
            .enable_guestbook(c.args.str("collection")?, id(c)?, enabled)
            .await?,
    )
}
