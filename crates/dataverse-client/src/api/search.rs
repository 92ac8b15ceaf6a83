//! `/api/search`: one page of results ([`NativeApi::search`]), all of them as a stream
//! ([`NativeApi::search_stream`]), or just how many there are ([`NativeApi::search_count`]).
//!
//! A query is a [`SearchQuery`], built with the parameter names of Dataverse's Search API
//! guide:
//!
//! ```
//! use dataverse_client::SearchQuery;
//! let query = SearchQuery::new("trees")
//!     .type_("dataset")
//!     .type_("file")
//!     .subtree("birds")
//!     .fq("publicationStatus:Published")
//!     .sort("date")
//!     .order("desc")
//!     .per_page(100)
//!     .show_facets(true);
//! assert_eq!(query.get_per_page(), Some(100));
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::Stream;
use tokio::sync::mpsc;

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::models::search::{SearchItem, SearchPage};

/// The most results Dataverse returns in one page (`per_page`).
pub const MAX_PER_PAGE: u32 = 1000;

/// The page size of [`NativeApi::search_stream`] when the query sets none.
pub const STREAM_PER_PAGE: u32 = 1000;

crate::models::string_enum! {
    /// A `type` of search result.
    SearchType {
        /// Collections.
        Dataverse = "dataverse",
        /// Datasets.
        Dataset = "dataset",
        /// Files.
        File = "file",
    }
}

crate::models::string_enum! {
    /// A `sort` field. Dataverse sorts by relevance when none is given.
    SearchSort {
        /// By name (ascending by default).
        Name = "name",
        /// By publication or creation date (descending by default).
        Date = "date",
        /// By relevance (descending).
        Relevance = "relevance",
    }
}

crate::models::string_enum! {
    /// A sort `order`.
    SortOrder {
        /// Ascending.
        Asc = "asc",
        /// Descending.
        Desc = "desc",
    }
}

/// The parameters of `GET /api/search`, built with their wire names.
///
/// Repeatable parameters (`type_`, `subtree`, `fq`, `metadata_fields`) add one value per
/// call. Nothing but `q` is sent unless set. [`limit`](Self::limit) is not sent: it caps
/// [`NativeApi::search_stream`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    q: String,
    types: Vec<SearchType>,
    subtrees: Vec<String>,
    sort: Option<SearchSort>,
    order: Option<SortOrder>,
    per_page: Option<u32>,
    start: Option<u64>,
    show_relevance: Option<bool>,
    show_facets: Option<bool>,
    fq: Vec<String>,
    show_entity_ids: Option<bool>,
    show_api_urls: Option<bool>,
    query_entities: Option<bool>,
    metadata_fields: Vec<String>,
    geo_point: Option<String>,
    geo_radius: Option<String>,
    show_type_counts: Option<bool>,
    show_collections: Option<bool>,
    search_service: Option<String>,
    limit: Option<u64>,
}

impl SearchQuery {
    /// A query for `q`: Solr syntax, `*` for everything, `title:trees` for a field.
    pub fn new(q: impl Into<String>) -> Self {
        SearchQuery {
            q: q.into(),
            ..Default::default()
        }
    }

    /// Only results of this type (`dataverse`, `dataset`, `file`); repeat for several.
    pub fn type_(mut self, kind: impl Into<SearchType>) -> Self {
        self.types.push(kind.into());
        self
    }

    /// Only results below the collection with this alias; repeat for several.
    pub fn subtree(mut self, alias: impl Into<String>) -> Self {
        self.subtrees.push(alias.into());
        self
    }

    /// The sort field: `name`, `date` or `relevance`.
    pub fn sort(mut self, sort: impl Into<SearchSort>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// The sort order: `asc` or `desc`.
    pub fn order(mut self, order: impl Into<SortOrder>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// Results per page (Dataverse's default is 10, its maximum [`MAX_PER_PAGE`]; a larger
    /// number is refused before sending).
    pub fn per_page(mut self, n: u32) -> Self {
        self.per_page = Some(n);
        self
    }

    /// Offset of the first result (0-based).
    pub fn start(mut self, n: u64) -> Self {
        self.start = Some(n);
        self
    }

    /// Add `matches` (highlighted snippets) and `score` to each item.
    pub fn show_relevance(mut self, on: bool) -> Self {
        self.show_relevance = Some(on);
        self
    }

    /// Add facet counts to the page.
    pub fn show_facets(mut self, on: bool) -> Self {
        self.show_facets = Some(on);
        self
    }

    /// A Solr filter query (`publicationStatus:Published`); repeat for several.
    pub fn fq(mut self, filter: impl Into<String>) -> Self {
        self.fq.push(filter.into());
        self
    }

    /// Add `entity_id` (the database id) to each item.
    pub fn show_entity_ids(mut self, on: bool) -> Self {
        self.show_entity_ids = Some(on);
        self
    }

    /// Add `api_url` to each item.
    pub fn show_api_urls(mut self, on: bool) -> Self {
        self.show_api_urls = Some(on);
        self
    }

    /// Whether `q` also searches the fields of the entities themselves (Dataverse's
    /// default: true).
    pub fn query_entities(mut self, on: bool) -> Self {
        self.query_entities = Some(on);
        self
    }

    /// Metadata fields to add to dataset items (`citation:author`, `citation:*`); repeat
    /// for several.
    pub fn metadata_fields(mut self, field: impl Into<String>) -> Self {
        self.metadata_fields.push(field.into());
        self
    }

    /// Centre of a geospatial search, `latitude,longitude` (needs [`geo_radius`](Self::geo_radius)).
    pub fn geo_point(mut self, point: impl Into<String>) -> Self {
        self.geo_point = Some(point.into());
        self
    }

    /// Radius of a geospatial search in kilometres (needs [`geo_point`](Self::geo_point)).
    pub fn geo_radius(mut self, radius: impl Into<String>) -> Self {
        self.geo_radius = Some(radius.into());
        self
    }

    /// Add `total_count_per_object_type` to the page.
    pub fn show_type_counts(mut self, on: bool) -> Self {
        self.show_type_counts = Some(on);
        self
    }

    /// Add `collections` (the collections a dataset is linked into) to dataset items.
    pub fn show_collections(mut self, on: bool) -> Self {
        self.show_collections = Some(on);
        self
    }

    /// The search service to ask (`GET /api/search/services` lists them).
    pub fn search_service(mut self, name: impl Into<String>) -> Self {
        self.search_service = Some(name.into());
        self
    }

    /// At most `n` items from [`NativeApi::search_stream`] (not sent to the server).
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// The query text.
    pub fn get_q(&self) -> &str {
        &self.q
    }

    /// Results per page, if set.
    pub fn get_per_page(&self) -> Option<u32> {
        self.per_page
    }

    /// The offset, if set.
    pub fn get_start(&self) -> Option<u64> {
        self.start
    }

    /// The stream's cap, if set.
    pub fn get_limit(&self) -> Option<u64> {
        self.limit
    }

    /// Check what Dataverse would refuse: `per_page` over [`MAX_PER_PAGE`], and a
    /// `geo_point` without a `geo_radius` or the other way round.
    pub fn validate(&self) -> Result<()> {
        if let Some(n) = self.per_page
            && n > MAX_PER_PAGE
        {
            return Err(Error::InvalidArgument(format!(
                "per_page {n} is over Dataverse's limit of {MAX_PER_PAGE} results per page"
            )));
        }
        match (&self.geo_point, &self.geo_radius) {
            (Some(_), None) => Err(Error::InvalidArgument(
                "geo_point needs geo_radius too".into(),
            )),
            (None, Some(_)) => Err(Error::InvalidArgument(
                "geo_radius needs geo_point too".into(),
            )),
            _ => Ok(()),
        }
    }

    /// The request, parameters in the order of the Search API guide.
    pub(crate) fn request(&self) -> Request {
        let mut req = Request::get("search").query("q", &self.q);
        for t in &self.types {
            req = req.query("type", t);
        }
        for s in &self.subtrees {
            req = req.query("subtree", s);
        }
        if let Some(s) = &self.sort {
            req = req.query("sort", s);
        }
        if let Some(o) = &self.order {
            req = req.query("order", o);
        }
        if let Some(n) = self.per_page {
            req = req.query("per_page", n);
        }
        if let Some(n) = self.start {
            req = req.query("start", n);
        }
        let flag = |req: Request, key: &str, on: Option<bool>| match on {
            Some(on) => req.query(key, on),
            None => req,
        };
        req = flag(req, "show_relevance", self.show_relevance);
        req = flag(req, "show_facets", self.show_facets);
        for f in &self.fq {
            req = req.query("fq", f);
        }
        req = flag(req, "show_entity_ids", self.show_entity_ids);
        req = flag(req, "show_api_urls", self.show_api_urls);
        req = flag(req, "query_entities", self.query_entities);
        for m in &self.metadata_fields {
            req = req.query("metadata_fields", m);
        }
        if let Some(p) = &self.geo_point {
            req = req.query("geo_point", p);
        }
        if let Some(r) = &self.geo_radius {
            req = req.query("geo_radius", r);
        }
        req = flag(req, "show_type_counts", self.show_type_counts);
        req = flag(req, "show_collections", self.show_collections);
        if let Some(s) = &self.search_service {
            req = req.query("search_service", s);
        }
        req
    }
}

impl From<&str> for SearchQuery {
    fn from(q: &str) -> Self {
        SearchQuery::new(q)
    }
}

/// Every result of a search, page after page; see [`NativeApi::search_stream`].
/// Dropping it stops the fetching.
pub struct SearchStream {
    rx: mpsc::Receiver<Result<Vec<SearchItem>>>,
    buffer: VecDeque<SearchItem>,
    task: tokio::task::JoinHandle<()>,
}

impl Stream for SearchStream {
    type Item = Result<SearchItem>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Ok(page))) => self.buffer = page.into(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Drop for SearchStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for SearchStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchStream")
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl NativeApi {
    /// One page of search results. A query Dataverse cannot run (a bad `sort`, an unknown
    /// `type` or `subtree`, Solr syntax it cannot parse) is [`Error::BadRequest`] with the
    /// server's message; `per_page` over 1000 and half a geo search are refused before
    /// sending ([`Error::InvalidArgument`]).
    ///
    /// Endpoint: `GET /api/search`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::SearchQuery;
    /// use dataverse_client::models::search::SearchItem;
    /// let page = api.search(&SearchQuery::new("finch").type_("dataset").show_facets(true)).await?;
    /// println!("{} results", page.total_count);
    /// for item in &page.items {
    ///     if let SearchItem::Dataset(d) = item {
    ///         println!("{:?} {:?}", d.global_id, d.name);
    ///     }
    /// }
    /// for (field, facet) in page.facet_fields() {
    ///     println!("{field}: {:?}", facet.counts().collect::<Vec<_>>());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        query.validate()?;
        self.execute(query.request()).await
    }

    /// How many results a query has (its `total_count`), asking for one item only:
    /// Dataverse reads `per_page=0` as its default of 10. Sorting, facets, relevance and
    /// the other presentation parameters are not sent.
    ///
    /// Endpoint: `GET /api/search?per_page=1`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::SearchQuery;
    /// let n = api.search_count(&SearchQuery::new("*").type_("dataset").subtree("birds")).await?;
    /// println!("{n} datasets");
    /// # Ok(()) }
    /// ```
    pub async fn search_count(&self, query: &SearchQuery) -> Result<u64> {
        query.validate()?;
        let count = SearchQuery {
            q: query.q.clone(),
            types: query.types.clone(),
            subtrees: query.subtrees.clone(),
            fq: query.fq.clone(),
            query_entities: query.query_entities,
            geo_point: query.geo_point.clone(),
            geo_radius: query.geo_radius.clone(),
            search_service: query.search_service.clone(),
            per_page: Some(1),
            ..Default::default()
        };
        Ok(self.search(&count).await?.total_count)
    }

    /// Every result of a query, as a stream of items, from the query's `start` on.
    ///
    /// Pages of the query's `per_page` ([`STREAM_PER_PAGE`] when unset) are fetched one
    /// after another, the next one while the caller reads the current one. The stream ends
    /// at the `total_count` the server reports, at an empty page, or after
    /// [`SearchQuery::limit`] items. An entity is never yielded twice, even if the index
    /// shifts between two pages (items are told apart by
    /// [`SearchItem::dedupe_key`]: `entity_id` with `show_entity_ids`, else PID, file id or
    /// alias). Facets and type counts are not asked for (the stream yields items only). A
    /// failed page ends the stream after one `Err`.
    ///
    /// Fails at once, before any request, on a query [`SearchQuery::validate`] refuses, or
    /// outside a tokio runtime (the pages are fetched by a task).
    ///
    /// Endpoint: `GET /api/search` per page
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use futures_util::StreamExt;
    /// use dataverse_client::SearchQuery;
    /// let query = SearchQuery::new("*").type_("dataset").subtree("birds").limit(5000);
    /// let mut items = api.search_stream(&query)?;
    /// while let Some(item) = items.next().await {
    ///     let item = item?;
    ///     println!("{:?} {:?}", item.identifier(), item.name());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn search_stream(&self, query: &SearchQuery) -> Result<SearchStream> {
        query.validate()?;
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::InvalidArgument("search_stream needs a tokio runtime".into()))?;
        let mut base = query.clone();
        base.show_facets = None;
        base.show_type_counts = None;
        // One page in the channel while the caller reads the previous one: one page ahead.
        let (tx, rx) = mpsc::channel(1);
        let task = runtime.spawn(stream_pages(self.clone(), base, tx));
        Ok(SearchStream {
            rx,
            buffer: VecDeque::new(),
            task,
        })
    }
}

/// Fetch the pages of `query` into `tx`, deduplicated and capped at its limit.
async fn stream_pages(
    api: NativeApi,
    query: SearchQuery,
    tx: mpsc::Sender<Result<Vec<SearchItem>>>,
) {
    let page_size = match query.per_page {
        Some(0) | None => STREAM_PER_PAGE,
        Some(n) => n,
    };
    let mut remaining = query.limit;
    let mut start = query.start.unwrap_or(0);
    let mut seen: HashSet<String> = HashSet::new();
    loop {
        if remaining == Some(0) {
            return;
        }
        // Wait for room before fetching, so at most one page waits unread.
        let Ok(permit) = tx.reserve().await else {
            return; // the stream was dropped
        };
        let size = match remaining {
            Some(r) => page_size.min(u32::try_from(r).unwrap_or(u32::MAX)),
            None => page_size,
        };
        let page_query = query.clone().start(start).per_page(size);
        let page = match api.search(&page_query).await {
            Ok(page) => page,
            Err(e) => {
                permit.send(Err(e));
                return;
            }
        };
        let fetched = page.items.len() as u64;
        let mut fresh = Vec::with_capacity(page.items.len());
        for item in page.items {
            if remaining == Some(0) {
                break;
            }
            if let Some(key) = item.dedupe_key()
                && !seen.insert(key)
            {
                continue;
            }
            fresh.push(item);
            if let Some(r) = remaining.as_mut() {
                *r -= 1;
            }
        }
        if !fresh.is_empty() {
            permit.send(Ok(fresh));
        }
        start += fetched;
        if fetched == 0 || start >= page.total_count {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(query: &SearchQuery) -> String {
        let api = NativeApi::new("https://demo.dataverse.org").unwrap();
        api.url_for(&query.request()).to_string()
    }

    #[test]
    fn only_q_by_default() {
        assert_eq!(
            url(&SearchQuery::new("trees")),
            "https://demo.dataverse.org/api/search?q=trees"
        );
    }

    #[test]
    fn every_parameter_with_repeats_in_order() {
        let q = SearchQuery::new("title:\"Darwin's finches\" AND *")
            .type_("dataset")
            .type_(SearchType::File)
            .subtree("birds")
            .subtree("trees")
            .sort(SearchSort::Date)
            .order("asc")
            .per_page(1000)
            .start(20)
            .show_relevance(true)
            .show_facets(true)
            .fq("publicationStatus:Published")
            .fq("dateSort:[2018-01-01T00:00:00Z TO 2019-01-01T00:00:00Z]")
            .show_entity_ids(true)
            .show_api_urls(false)
            .query_entities(false)
            .metadata_fields("citation:author")
            .metadata_fields("geospatial:*")
            .geo_point("42.3,-71.1")
            .geo_radius("1.5")
            .show_type_counts(true)
            .show_collections(true)
            .search_service("solr")
            .limit(5);
        assert_eq!(
            url(&q),
            "https://demo.dataverse.org/api/search?q=title%3A%22Darwin%27s+finches%22+AND+*\
             &type=dataset&type=file&subtree=birds&subtree=trees&sort=date&order=asc\
             &per_page=1000&start=20&show_relevance=true&show_facets=true\
             &fq=publicationStatus%3APublished\
             &fq=dateSort%3A%5B2018-01-01T00%3A00%3A00Z+TO+2019-01-01T00%3A00%3A00Z%5D\
             &show_entity_ids=true&show_api_urls=false&query_entities=false\
             &metadata_fields=citation%3Aauthor&metadata_fields=geospatial%3A*\
             &geo_point=42.3%2C-71.1&geo_radius=1.5&show_type_counts=true\
             &show_collections=true&search_service=solr"
        );
        assert!(q.validate().is_ok());
        assert_eq!(q.get_limit(), Some(5));
    }

    #[test]
    fn local_checks() {
        let message = |q: SearchQuery| match q.validate() {
            Err(Error::InvalidArgument(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            message(SearchQuery::new("*").per_page(1001)),
            "per_page 1001 is over Dataverse's limit of 1000 results per page"
        );
        assert_eq!(
            message(SearchQuery::new("*").geo_point("1,2")),
            "geo_point needs geo_radius too"
        );
        assert_eq!(
            message(SearchQuery::new("*").geo_radius("5")),
            "geo_radius needs geo_point too"
        );
        assert!(SearchQuery::new("*").per_page(1000).validate().is_ok());
    }

    #[tokio::test]
    async fn a_refused_query_sends_nothing() {
        // Port 9 (discard) on loopback: nothing should ever be sent there.
        let api = NativeApi::new("http://127.0.0.1:9").unwrap();
        let q = SearchQuery::new("*").per_page(5000);
        assert!(matches!(
            api.search(&q).await,
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            api.search_count(&q).await,
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            api.search_stream(&q),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn a_stream_outside_a_runtime_is_an_error_not_a_panic() {
        let api = NativeApi::new("http://127.0.0.1:9").unwrap();
        let err = api.search_stream(&SearchQuery::new("*")).unwrap_err();
        assert_eq!(
            err.to_string(),
            Error::InvalidArgument("search_stream needs a tokio runtime".into()).to_string()
        );
    }
}
