//! `GET /api/search` and `GET /api/search/services` (`Search.java`): the parameters, their
//! defaults, limits and error messages, and the answer's shape. The index and the query
//! language are in [`crate::search`].

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::site_url;
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, ENDPOINT_NOT_FOUND, ok};
use crate::search::execute::{self, Search, SortField};
use crate::search::query::{self, Source};
use crate::search::{self as index, document};
use crate::store::{Store, collections};

/// Dataverse's cap on `per_page`.
pub(crate) const MAX_PER_PAGE: i64 = 1000;
/// `per_page` when absent or 0.
const DEFAULT_PER_PAGE: i64 = 10;
/// The one search service here (Dataverse's internal Solr service's name).
const SERVICE: &str = "solr";

/// `GET /api/search/services`.
pub(super) async fn services() -> Response {
    ok(json!({
        "services": [{"name": SERVICE, "displayName": "Dataverse Standard Search"}],
        "defaultService": SERVICE,
    }))
}

/// The raw parameters, repeated ones in order.
#[derive(Debug, Default)]
struct Raw {
    q: Option<String>,
    types: Vec<String>,
    subtrees: Vec<String>,
    sort: Option<String>,
    order: Option<String>,
    per_page: Option<String>,
    start: Option<String>,
    fq: Vec<String>,
    metadata_fields: Vec<String>,
    geo_point: Option<String>,
    geo_radius: Option<String>,
    search_service: Option<String>,
    flags: Vec<(String, String)>,
}

impl Raw {
    fn from_pairs(pairs: Vec<(String, String)>) -> Raw {
        let mut r = Raw::default();
        for (k, v) in pairs {
            // JAX-RS takes the first of a repeated single-valued parameter.
            let first = |slot: &mut Option<String>, v: String| {
                if slot.is_none() {
                    *slot = Some(v);
                }
            };
            match k.as_str() {
                "q" => first(&mut r.q, v),
                "type" => r.types.push(v),
                "subtree" => r.subtrees.push(v),
                "sort" => first(&mut r.sort, v),
                "order" => first(&mut r.order, v),
                "per_page" => first(&mut r.per_page, v),
                "start" => first(&mut r.start, v),
                "fq" => r.fq.push(v),
                "metadata_fields" => r.metadata_fields.push(v),
                "geo_point" => first(&mut r.geo_point, v),
                "geo_radius" => first(&mut r.geo_radius, v),
                "search_service" => first(&mut r.search_service, v),
                _ => r.flags.push((k, v)),
            }
        }
        r
    }

    /// A JAX-RS `boolean` parameter: `true` in any case is true, anything else false.
    fn flag(&self, name: &str, default: bool) -> bool {
        match self.flags.iter().find(|(k, _)| k == name) {
            Some((_, v)) => v.eq_ignore_ascii_case("true"),
            None => default,
        }
    }
}

/// A JAX-RS `int` parameter: absent is 0; one that is not a 32-bit integer makes JAX-RS
/// answer 404 (the endpoint "does not exist" for that value), as Dataverse does.
fn int_param(v: Option<&str>) -> Result<i64, ApiError> {
    match v {
        None => Ok(0),
        Some(s) => s
            .trim()
            .parse::<i32>()
            .map(i64::from)
            .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, ENDPOINT_NOT_FOUND)),
    }
}

/// `SearchUtil.getSortBy`: the sort field and whether it is descending.
fn sort_by(sort: Option<&str>, order: Option<&str>) -> Result<(SortField, bool), ApiError> {
    let field = match sort.filter(|s| !s.trim().is_empty()) {
        None | Some("relevance") => "score",
        Some("name") => "nameSort",
        Some("date") => "dateSort",
        Some(other) => other,
    };
    let order = match order.filter(|o| !o.trim().is_empty()) {
        Some(o) => o,
        None => match field {
            "score" | "dateSort" => "desc",
            _ => "asc",
        },
    };
    if order != "asc" && order != "desc" {
        return Err(ApiError::bad_request(format!(
            "The 'order' parameter was '{order}' but expected one of [asc, desc]. (The 'sort' parameter was/became '{field}'.)"
        )));
    }
    let sort = match field {
        "score" => SortField::Relevance,
        "nameSort" => SortField::Name,
        "dateSort" => SortField::Date,
        other => {
            return Err(ApiError::bad_request(format!(
                "Sorting by '{other}' is not supported by this server: use sort=name, sort=date or sort=relevance."
            )));
        }
    };
    Ok((sort, order == "desc"))
}

/// `GET /api/search`.
pub(super) async fn search(
    State(em): State<Emulator>,
    auth: Auth,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let pairs = query
        .map_err(|e| ApiError::bad_request(format!("Bad query string: {}", e.body_text())))?
        .0;
    let raw = Raw::from_pairs(pairs);
    let caller = auth.caller;
    if matches!(caller, Caller::Guest) {
        let required = em
            .store()
            .read(|c| Store::setting(c, ":SearchApiRequiresToken"))
            .await?;
        if required.is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return Err(ApiError::unauthorized(
                "Only authenticated users can perform the requested operation",
            )
            .into());
        }
    }
    let Some(q_text) = raw.q.clone() else {
        return Err(ApiError::bad_request("q parameter is missing").into());
    };
    if let Some(name) = raw
        .search_service
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        && name != SERVICE
    {
        return Err(ApiError::bad_request("Invalid search engine.").into());
    }

    // Subtrees: root (or none) searches everything.
    let subtree_names = raw.subtrees.clone();
    let (subtrees, collection_facets) = em
        .store()
        .read(move |c| -> Result<_, AppError> {
            let root = collections::root(c)?
                .ok_or_else(|| crate::Error::Store("the root collection is missing".into()))?;
            let mut found = Vec::new();
            if subtree_names.is_empty() {
                found.push(root.clone());
            }
            for alias in &subtree_names {
                if alias.trim().is_empty() {
                    found.push(root.clone());
                    continue;
                }
                match collections::by_alias(c, alias)? {
                    Some(col) => found.push(col),
                    None => {
                        return Err(ApiError::bad_request(format!(
                            "Could not find dataverse with alias {alias}"
                        ))
                        .into());
                    }
                }
            }
            let mut facets = Vec::new();
            for col in &found {
                for f in collections::effective_facets(c, col)? {
                    if !facets.contains(&f) {
                        facets.push(f);
                    }
                }
            }
            let ids = found
                .iter()
                .filter(|col| col.id != root.id)
                .map(|col| col.id)
                .collect::<Vec<_>>();
            // Searching root among others searches everything.
            let ids = if found.iter().any(|col| col.id == root.id) {
                Vec::new()
            } else {
                ids
            };
            Ok((ids, facets))
        })
        .await?;

    let mut types = Vec::new();
    for t in &raw.types {
        types.push(match t.as_str() {
            "dataverse" => document::DATAVERSES,
            "dataset" => document::DATASETS,
            "file" => document::FILES,
            other => {
                return Err(ApiError::bad_request(format!(
                    "Invalid type '{other}'. Must be one of [dataverse, dataset, file]"
                ))
                .into());
            }
        });
    }
    let (sort, descending) = sort_by(raw.sort.as_deref(), raw.order.as_deref())?;
    let per_page = int_param(raw.per_page.as_deref())?;
    let per_page = match per_page {
        0 => DEFAULT_PER_PAGE,
        n if n < 0 => {
            return Err(ApiError::bad_request(format!(
                "{n} results per page requested but can not be less than zero."
            ))
            .into());
        }
        n if n > MAX_PER_PAGE => {
            return Err(ApiError::bad_request(format!(
                "{n} results per page requested but max limit is {MAX_PER_PAGE}."
            ))
            .into());
        }
        n => n,
    };
    match (
        raw.geo_point.as_deref().filter(|s| !s.is_empty()),
        raw.geo_radius.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(_), None) => {
            return Err(ApiError::bad_request(
                "If you supply geo_point you must also supply geo_radius.",
            )
            .into());
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "If you supply geo_radius you must also supply geo_point.",
            )
            .into());
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "Geospatial search (geo_point, geo_radius) is not supported by this server.",
            )
            .into());
        }
        (None, None) => {}
    }
    let start = int_param(raw.start.as_deref())?;
    if start < 0 {
        return Err(ApiError::bad_request(format!(
            "'start' parameter cannot be negative, got {start}."
        ))
        .into());
    }
    let q = query::parse(&q_text, Source::Q)
        .map_err(|e| ApiError::bad_request(format!("Invalid query '{q_text}': {e}.")))?;
    let mut fq = Vec::new();
    for f in &raw.fq {
        fq.push(
            query::parse(f, Source::Fq)
                .map_err(|e| ApiError::bad_request(format!("Invalid filter query '{f}': {e}.")))?,
        );
    }

    let s = Search {
        q,
        fq,
        types,
        subtrees,
        collection_facets,
        sort,
        descending,
        per_page: per_page as usize,
        start: start as usize,
        show_relevance: raw.flag("show_relevance", false),
        show_facets: raw.flag("show_facets", false),
        show_entity_ids: raw.flag("show_entity_ids", false),
        show_api_urls: raw.flag("show_api_urls", false),
        show_type_counts: raw.flag("show_type_counts", false),
        query_entities: raw.flag("query_entities", true),
        metadata_fields: raw.metadata_fields.clone(),
        site_url: site_url(&headers),
    };

    index::ensure_current(&em).await?;
    let em2 = em.clone();
    let found = em
        .store()
        .read(move |c| -> Result<_, AppError> {
            let vis = execute::visibility(c, &caller)?;
            Ok(execute::run(c, em2.blocks(), &caller, &vis, &s)?)
        })
        .await?;

    let mut data = Map::new();
    data.insert("q".into(), json!(q_text));
    data.insert("total_count".into(), json!(found.total));
    data.insert("start".into(), json!(start));
    data.insert("spelling_alternatives".into(), json!({}));
    let count = found.items.len();
    data.insert("items".into(), Value::Array(found.items));
    if raw.flag("show_facets", false) {
        let mut categories = Map::new();
        for facet in found.facets {
            let labels: Vec<Value> = facet
                .labels
                .into_iter()
                .map(|(value, n)| json!({ value: n }))
                .collect();
            categories.insert(
                facet.name,
                json!({"friendly": facet.friendly, "labels": labels}),
            );
        }
        data.insert("facets".into(), json!([categories]));
    }
    data.insert("count_in_response".into(), json!(count));
    if raw.flag("show_type_counts", false) {
        let mut counts = Map::new();
        for (k, n) in found.type_counts {
            counts.insert(k.into(), json!(n));
        }
        data.insert("total_count_per_object_type".into(), Value::Object(counts));
    }
    Ok(ok(Value::Object(data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_and_order_follow_search_util() {
        assert_eq!(sort_by(None, None).unwrap(), (SortField::Relevance, true));
        assert_eq!(
            sort_by(Some("name"), None).unwrap(),
            (SortField::Name, false)
        );
        assert_eq!(
            sort_by(Some("date"), None).unwrap(),
            (SortField::Date, true)
        );
        assert_eq!(
            sort_by(Some("date"), Some("asc")).unwrap(),
            (SortField::Date, false)
        );
        let e = sort_by(Some("name"), Some("up")).unwrap_err();
        assert_eq!(
            e.message(),
            "The 'order' parameter was 'up' but expected one of [asc, desc]. (The 'sort' parameter was/became 'nameSort'.)"
        );
        assert!(
            sort_by(Some("size"), None)
                .unwrap_err()
                .message()
                .contains("'size'")
        );
        assert_eq!(int_param(Some("12")).unwrap(), 12);
        assert_eq!(
            int_param(Some("x")).unwrap_err().message(),
            ENDPOINT_NOT_FOUND
        );
    }
}
