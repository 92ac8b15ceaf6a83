//! The installation: info, export formats, metadata blocks, licenses, users, search.

use dataverse_client::Error;
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};

/// The installation-wide methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    let api = &c.api;
    Some(match name {
        "get_info_version" => {
            Box::pin(async move { api.get_info_version().await.and_then(|v| to_json(&v)) })
        }
        "get_info_server" => {
            Box::pin(async move { api.get_info_server().await.and_then(|v| to_json(&v)) })
        }
        "get_info_api_terms_of_use" => Box::pin(async move {
            api.get_info_api_terms_of_use()
                .await
                .and_then(|v| to_json(&v))
        }),
        "get_export_formats" => {
            Box::pin(async move { api.get_export_formats().await.and_then(|v| to_json(&v)) })
        }
        "get_metadatablocks" => Box::pin(blocks(c)),
        "get_metadatablock" => Box::pin(block(c)),
        "get_collection_metadatablocks" => Box::pin(collection_blocks(c)),
        "get_dataset_metadatablocks" => Box::pin(dataset_blocks(c)),
        "get_available_licenses" => {
            Box::pin(async move { api.get_available_licenses().await.and_then(|v| to_json(&v)) })
        }
        "get_license" => Box::pin(license(c)),
        "get_user" => Box::pin(async move { api.get_user().await.and_then(|v| to_json(&v)) }),
        "get_user_api_token_expiration_date" => Box::pin(async move {
            api.get_user_api_token_expiration_date()
                .await
                .and_then(|v| to_json(&v))
        }),
        "recreate_user_api_token" => Box::pin(recreate_token(c)),
        "delete_user_api_token" => {
            Box::pin(async move { api.delete_user_api_token().await.and_then(|v| to_json(&v)) })
        }
        "search" => Box::pin(search(c, false)),
        "search_count" => Box::pin(search(c, true)),
        _ => return None,
    })
}

async fn blocks(c: &Call) -> Result<Json, Error> {
    let full = c.args.bool_or("full", false)?;
    to_json(&c.api.get_metadatablocks(full).await?)
}

async fn block(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.get_metadatablock(&c.args.str("name")?).await?)
}

async fn collection_blocks(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_collection_metadatablocks(c.args.str("identifier")?)
            .await?,
    )
}

async fn dataset_blocks(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    to_json(&c.api.get_dataset_metadatablocks(id).await?)
}

async fn license(c: &Call) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let license = match id.parse::<u64>() {
        Ok(n) => c.api.get_license(n).await?,
        Err(_) => c.api.get_license(id).await?,
    };
    to_json(&license)
}

/// The new token goes back to the caller (who needs it) but never into `message`.
async fn recreate_token(c: &Call) -> Result<Json, Error> {
    let t = c.api.recreate_user_api_token().await?;
    ok(json!({
        "message": t.message,
        "userIdentifier": t.user_identifier,
        "expiresOn": t.expires_on,
        "token": t.token.as_ref().map(|t| t.expose().to_string()),
    }))
}

async fn search(c: &Call, count_only: bool) -> Result<Json, Error> {
    let q = super::search_query::query(&c.args)?;
    if count_only {
        return ok(json!(c.api.search_count(&q).await?));
    }
    to_json(&c.api.search(&q).await?)
}
