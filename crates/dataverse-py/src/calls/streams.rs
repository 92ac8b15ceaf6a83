//! The streaming methods: `search_stream` and `crawl_collection_stream`, items as JSON.

use dataverse_client::{Error, NativeApi};
use futures_util::StreamExt;

use super::to_value;
use crate::args::Args;
use crate::item_stream::{Items, unknown};

/// Start the stream `kind`; must run inside the runtime (the library spawns its task).
pub fn open(api: &NativeApi, kind: &str, args: &Args) -> Result<Items, Error> {
    match kind {
        "search_stream" => {
            let query = super::search_query::query(args)?;
            let items = api.search_stream(&query)?;
            Ok(Box::pin(items.map(|r| r.and_then(|item| to_value(&item)))))
        }
        "crawl_collection_stream" => {
            let options = super::collections::crawl_options(args)?;
            let items = api.crawl_collection_stream(args.str("identifier")?, options)?;
            Ok(Box::pin(items.map(|r| r.and_then(|item| to_value(&item)))))
        }
        other => Err(unknown(other)),
    }
}
