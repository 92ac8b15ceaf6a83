//! A `SearchQuery` from the keyword arguments of `search`, `search_count` and
//! `search_stream`.

use dataverse_client::{Error, SearchQuery};

use crate::args::Args;

/// A switch of the query builder.
type Flag = fn(SearchQuery, bool) -> SearchQuery;

/// Every option of the library's query builder, by its keyword argument.
pub fn query(a: &Args) -> Result<SearchQuery, Error> {
    let mut q = SearchQuery::new(a.opt_str("q")?.unwrap_or_else(|| "*".into()));
    for t in a.strs("type")? {
        q = q.type_(t.as_str());
    }
    for s in a.strs("subtree")? {
        q = q.subtree(s);
    }
    if let Some(s) = a.opt_str("sort")? {
        q = q.sort(s.as_str());
    }
    if let Some(o) = a.opt_str("order")? {
        q = q.order(o.as_str());
    }
    if let Some(n) = a.opt_u64("per_page")? {
        q = q.per_page(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(n) = a.opt_u64("start")? {
        q = q.start(n);
    }
    for f in a.strs("fq")? {
        q = q.fq(f);
    }
    for f in a.strs("metadata_fields")? {
        q = q.metadata_fields(f);
    }
    if let Some(p) = a.opt_str("geo_point")? {
        q = q.geo_point(p);
    }
    if let Some(r) = a.opt_str("geo_radius")? {
        q = q.geo_radius(r);
    }
    if let Some(s) = a.opt_str("search_service")? {
        q = q.search_service(s);
    }
    if let Some(n) = a.opt_u64("limit")? {
        q = q.limit(n);
    }
    let flags: [(&str, Flag); 7] = [
        ("show_facets", SearchQuery::show_facets),
        ("show_relevance", SearchQuery::show_relevance),
        ("show_entity_ids", SearchQuery::show_entity_ids),
        ("show_api_urls", SearchQuery::show_api_urls),
        ("query_entities", SearchQuery::query_entities),
        ("show_type_counts", SearchQuery::show_type_counts),
        ("show_collections", SearchQuery::show_collections),
    ];
    for (name, set) in flags {
        if let Some(on) = a.opt_bool(name)? {
            q = set(q, on);
        }
    }
    Ok(q)
}
