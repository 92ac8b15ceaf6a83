//! Collections: read, create, update, publish, delete, contents, roles, facets, crawl.

use dataverse_client::models::collections::{CollectionCreateBody, UpdateCollection};
use dataverse_client::{CrawlFilter, CrawlOptions, Error};
use serde_json::{Value, json};

use super::{Call, Fut, Json, to_json};

/// The collection methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_collection" => Box::pin(get_collection(c)),
        "create_collection" => Box::pin(create_collection(c)),
        "update_collection" => Box::pin(update_collection(c)),
        "publish_collection" => Box::pin(publish_collection(c)),
        "delete_collection" => Box::pin(delete_collection(c)),
        "get_collection_contents" => Box::pin(contents(c)),
        "get_collection_assignments" => Box::pin(assignments(c)),
        "get_dataverse_roles" => Box::pin(roles(c)),
        "get_collection_facets" => Box::pin(facets(c)),
        "get_collection_facet_details" => Box::pin(facet_details(c)),
        "crawl_collection" => Box::pin(crawl(c)),
        _ => return None,
    })
}

async fn get_collection(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.get_collection(c.args.str("identifier")?).await?)
}

async fn create_collection(c: &Call) -> Result<Json, Error> {
    let body: CollectionCreateBody = c.args.body("metadata")?;
    to_json(
        &c.api
            .create_collection(c.args.str("parent")?, &body)
            .await?,
    )
}

async fn update_collection(c: &Call) -> Result<Json, Error> {
    let body: UpdateCollection = c.args.body("metadata")?;
    to_json(
        &c.api
            .update_collection(c.args.str("identifier")?, &body)
            .await?,
    )
}

async fn publish_collection(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.publish_collection(c.args.str("identifier")?).await?)
}

async fn delete_collection(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.delete_collection(c.args.str("identifier")?).await?)
}

async fn contents(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_collection_contents(c.args.str("identifier")?)
            .await?,
    )
}

async fn assignments(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_collection_assignments(c.args.str("identifier")?)
            .await?,
    )
}

async fn roles(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.get_dataverse_roles(c.args.str("identifier")?).await?)
}

async fn facets(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_collection_facets(c.args.str("identifier")?)
            .await?,
    )
}

async fn facet_details(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_collection_facet_details(c.args.str("identifier")?)
            .await?,
    )
}

/// `crawl_collection(identifier, filter_by, fetch_titles, continue_on_error, concurrency)`:
/// `{"items": [...], "errors": [...]}`, each item with its `type`.
async fn crawl(c: &Call) -> Result<Json, Error> {
    let mut options = crawl_options(&c.args)?;
    if let Some(p) = c.progress.clone() {
        options = options.on_progress(move |state| {
            // Collections below the start, and datasets.
            let found = state.collections_found.saturating_sub(1) + state.datasets_found;
            p.report(found as u64, None);
        });
    }
    let report = c
        .api
        .crawl_collection_with(c.args.str("identifier")?, options)
        .await?;
    let errors = report
        .errors
        .iter()
        .map(|f| {
            json!({
                "collection": f.collection,
                "dataset_id": f.dataset_id,
                "error": crate::errors::error_info(&f.error),
            })
        })
        .collect();
    // The items (11,000 for a large crawl) are written to text directly, not through a
    // `Value`.
    to_json(&CrawlAnswer {
        items: &report.items,
        errors,
    })
}

/// What `crawl_collection` answers Python.
#[derive(serde::Serialize)]
struct CrawlAnswer<'a> {
    items: &'a [dataverse_client::CrawlItem],
    errors: Vec<Value>,
}

/// The crawl's options from `filter_by`, `fetch_titles`, `continue_on_error` and
/// `concurrency` (shared with `crawl_collection_stream`).
pub fn crawl_options(args: &crate::args::Args) -> Result<CrawlOptions, Error> {
    let filter: CrawlFilter = match args.opt_str("filter_by")? {
        Some(f) => f.parse()?,
        None => CrawlFilter::All,
    };
    let mut options = CrawlOptions::new()
        .filter_by(filter)
        .fetch_titles(args.bool_or("fetch_titles", true)?)
        .continue_on_error(args.bool_or("continue_on_error", false)?);
    if let Some(source) = args.opt_str("titles_from")? {
        options = options.titles_from(source.parse()?);
    }
    if let Some(n) = args.opt_u64("concurrency")? {
        options = options.concurrency(usize::try_from(n).unwrap_or(usize::MAX));
    }
    Ok(options)
}
