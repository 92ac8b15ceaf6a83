//! How a collection is shown in a table.

use std::collections::HashMap;

use dataverse_client::NativeApi;
use dataverse_client::models::collections::Collection;
use futures_util::StreamExt;

use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// One collection as key-value pairs.
pub(super) fn show(c: &Collection) -> CliResult {
    let contacts = c
        .dataverse_contacts
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|c| c.contact_email.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    output::pairs(vec![
        ("id", opt(&c.id)),
        ("alias", opt(&c.alias)),
        ("name", opt(&c.name)),
        ("affiliation", opt(&c.affiliation)),
        ("description", opt(&c.description)),
        ("type", opt(&c.dataverse_type)),
        ("contacts", contacts),
        ("parent id", opt(&c.owner_id)),
        ("created", opt(&c.creation_date)),
        ("published", yes(c.is_released)),
    ])
}

/// The aliases of collections by database id, `concurrency` lookups at once (one
/// `GET /api/dataverses/{id}` each: the contents listing names no alias). A collection
/// whose lookup fails is left out (its alias cell stays blank).
pub(super) async fn aliases(
    api: &NativeApi,
    ids: Vec<u64>,
    concurrency: usize,
) -> HashMap<u64, String> {
    futures_util::stream::iter(ids)
        .map(|id| async move {
            let alias = api.get_collection(id).await.ok().and_then(|c| c.alias);
            (id, alias)
        })
        .buffer_unordered(concurrency.max(1))
        .filter_map(|(id, alias)| std::future::ready(alias.map(|a| (id, a))))
        .collect()
        .await
}
