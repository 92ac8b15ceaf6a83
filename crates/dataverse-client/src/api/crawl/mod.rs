//! `crawl_collection`: the whole tree below a collection, fetched concurrently.
//!
//! # How it works, and what it costs
//!
//! The crawl sends one `GET /api/dataverses/{id}/contents` per collection: the listing
//! names each sub-collection's id, so no other lookup is needed to go down. The listing has
//! no dataset titles; with titles on (the default) they come from one of two places
//! ([`CrawlOptions::titles_from`]):
//!
//! - the search index: `GET /api/search?q=*&type=dataset&subtree={alias}&per_page=1000`,
//!   page after page, sent alongside the listings (signed in when the client has a token,
//!   so the drafts the user may see come too). Datasets the search did not return
//!   (unindexed yet, deaccessioned, or a card without a usable version) are then read one
//!   by one as below. A start given by numeric id costs one `GET /api/dataverses/{id}` more,
//!   to learn its alias.
//! - version reads: one `GET /api/datasets/{id}/versions/:latest?excludeFiles=true` per
//!   dataset.
//!
//! Both give the title of the `:latest` version: the draft when the caller may see it, else
//! the latest published version. So a tree of C collections and D datasets costs C requests
//! without titles, C + D with titles from versions, and about C + D / 1000 with titles from
//! search ([`TitleSource::Auto`], the default, uses search where the server has it and
//! falls back to version reads where the search fails: a 404, a broken search service). At
//! most [`max_concurrency`](crate::NativeApi::max_concurrency) requests (or
//! [`CrawlOptions::concurrency`]) run at once; search pages go first, then listings, then
//! title reads, so the tree unfolds as fast as its depth allows. The time is then about
//! `max(depth, requests / concurrency) × latency`.
//!
//! Every collection is visited once, even if it shows up twice. Results come back
//! depth-first in the server's listing order (sub-collections by id, then datasets),
//! whatever order the responses arrive in. The streaming form
//! ([`NativeApi::crawl_collection_stream`]) yields items as they are found instead, in
//! arrival order.
//!
//! A failed request fails the whole crawl with [`Error::Crawl`], which names the
//! collection. With [`CrawlOptions::continue_on_error`] the crawl goes on and reports the
//! failures in [`CrawlReport::errors`]; a dataset whose title read failed is then listed
//! without a title. Dropping the crawl's future (or stream) cancels every request in flight.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::client::NativeApi;
use crate::error::{Error, Result};
use crate::ids::{CollectionId, IntoCollectionId, PersistentOrId, Version};
use crate::models::collections::{CollectionRef, ContentItem};
use crate::models::datasets::{Dataset, DatasetVersion};
use crate::models::search::SearchPage;

mod search_titles;

use search_titles::SearchTitles;
pub use search_titles::TitleSource;

/// Which items a crawl returns (the whole tree is walked either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CrawlFilter {
    /// Collections and datasets.
    #[default]
    All,
    /// Only collections.
    Collections,
    /// Only datasets.
    Datasets,
}

impl FromStr for CrawlFilter {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "all" | "none" => Ok(CrawlFilter::All),
            "collections" | "collection" | "dataverses" => Ok(CrawlFilter::Collections),
            "datasets" | "dataset" => Ok(CrawlFilter::Datasets),
            other => Err(Error::InvalidArgument(format!(
                "'{other}' is not a crawl filter; expected collections or datasets"
            ))),
        }
    }
}

impl From<Option<CrawlFilter>> for CrawlFilter {
    fn from(f: Option<CrawlFilter>) -> Self {
        f.unwrap_or_default()
    }
}

/// Counters reported to a progress callback after every finished request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CrawlProgress {
    /// Collections whose contents were listed.
    pub collections_visited: usize,
    /// Collections found so far (the start included).
    pub collections_found: usize,
    /// Datasets found so far.
    pub datasets_found: usize,
    /// Dataset titles filled so far (from search and from version reads).
    pub titles_fetched: usize,
    /// Dataset titles taken from search results.
    pub titles_from_search: usize,
    /// Dataset titles read from versions (one request each).
    pub titles_from_versions: usize,
    /// Requests finished (successfully or not), search pages included.
    pub requests: usize,
    /// Search requests finished (pages, and the alias lookup of a start given by id).
    pub search_requests: usize,
    /// Failed requests.
    pub errors: usize,
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(&CrawlProgress) + Send + Sync>;

/// How to crawl.
///
/// Built with [`CrawlOptions::new`] (or `Default`) and its setters; the fields stay
/// readable.
#[derive(Clone)]
#[non_exhaustive]
pub struct CrawlOptions {
    /// Which items to return.
    pub filter_by: CrawlFilter,
    /// Read each dataset's title. Default on.
    pub fetch_titles: bool,
    /// Where titles come from. Default [`TitleSource::Auto`].
    pub title_source: TitleSource,
    /// Keep going after a failed request and report it in [`CrawlReport::errors`]. Default off.
    pub continue_on_error: bool,
    /// Requests at once; `None` uses the client's `max_concurrency`.
    pub concurrency: Option<usize>,
    /// Called after every finished request.
    pub progress: Option<ProgressFn>,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            filter_by: CrawlFilter::All,
            fetch_titles: true,
            title_source: TitleSource::Auto,
            continue_on_error: false,
            concurrency: None,
            progress: None,
        }
    }
}

impl fmt::Debug for CrawlOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrawlOptions")
            .field("filter_by", &self.filter_by)
            .field("fetch_titles", &self.fetch_titles)
            .field("title_source", &self.title_source)
            .field("continue_on_error", &self.continue_on_error)
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl CrawlOptions {
    /// Default options: everything, with titles, failing on the first error.
    pub fn new() -> Self {
        Self::default()
    }

    /// Which items to return.
    pub fn filter_by(mut self, filter: CrawlFilter) -> Self {
        self.filter_by = filter;
        self
    }

    /// Whether to read dataset titles.
    pub fn fetch_titles(mut self, on: bool) -> Self {
        self.fetch_titles = on;
        self
    }

    /// Where titles come from: the search index, version reads, or search where the server
    /// has one ([`TitleSource::Auto`], the default). See the [module docs](crate::api::crawl).
    pub fn titles_from(mut self, source: TitleSource) -> Self {
        self.title_source = source;
        self
    }

    /// Whether to keep going after failures.
    pub fn continue_on_error(mut self, on: bool) -> Self {
        self.continue_on_error = on;
        self
    }

    /// Requests at once (0 is treated as 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n.max(1));
        self
    }

    /// A progress callback.
    pub fn on_progress(mut self, f: impl Fn(&CrawlProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }
}

/// A collection found by a crawl.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrawledCollection {
    /// Database id.
    pub id: u64,
    /// Name.
    pub title: Option<String>,
    /// The collection it was listed in (`None` for the collection the crawl started at).
    pub parent_id: Option<u64>,
    /// 1 for the start's children, 2 below them, ...
    pub depth: usize,
}

/// A dataset found by a crawl.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrawledDataset {
    /// Database id.
    pub id: u64,
    /// PID.
    pub persistent_id: Option<String>,
    /// Citation title (when titles were read).
    pub title: Option<String>,
    /// Version of that title (`1.0`, `DRAFT`).
    pub version: Option<String>,
    /// The collection it was listed in (`None` when that was the start given by alias).
    pub parent_id: Option<u64>,
    /// 1 for the start's datasets, 2 below, ...
    pub depth: usize,
    /// The dataset as the contents listing showed it.
    pub dataset: Dataset,
}

/// One item found by a crawl.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum CrawlItem {
    /// A collection.
    Collection(CrawledCollection),
    /// A dataset.
    Dataset(Box<CrawledDataset>),
}

impl CrawlItem {
    /// Database id.
    pub fn id(&self) -> u64 {
        match self {
            CrawlItem::Collection(c) => c.id,
            CrawlItem::Dataset(d) => d.id,
        }
    }

    /// Collection name or dataset title.
    pub fn title(&self) -> Option<&str> {
        match self {
            CrawlItem::Collection(c) => c.title.as_deref(),
            CrawlItem::Dataset(d) => d.title.as_deref(),
        }
    }

    /// Whether it is a dataset.
    pub fn is_dataset(&self) -> bool {
        matches!(self, CrawlItem::Dataset(_))
    }

    /// Depth below the start.
    pub fn depth(&self) -> usize {
        match self {
            CrawlItem::Collection(c) => c.depth,
            CrawlItem::Dataset(d) => d.depth,
        }
    }

    /// The parent collection's id.
    pub fn parent_id(&self) -> Option<u64> {
        match self {
            CrawlItem::Collection(c) => c.parent_id,
            CrawlItem::Dataset(d) => d.parent_id,
        }
    }
}

/// A request of the crawl that failed (with `continue_on_error`).
#[derive(Debug)]
pub struct CrawlFailure {
    /// The collection (id or alias) whose listing failed, or in which the dataset was listed.
    pub collection: String,
    /// The dataset whose title read failed, if it was one.
    pub dataset_id: Option<u64>,
    /// What went wrong.
    pub error: Error,
}

/// Everything a crawl found.
#[derive(Debug, Default)]
pub struct CrawlReport {
    /// The items, depth-first in listing order.
    pub items: Vec<CrawlItem>,
    /// Failed requests (only with `continue_on_error`).
    pub errors: Vec<CrawlFailure>,
    /// The final counters.
    pub progress: CrawlProgress,
    /// Why titles did not (all) come from search although [`TitleSource::Auto`] would have
    /// used it: the failure of a search request (a 404 where there is no search, a 400 or
    /// 5xx from a broken search service, ...). `None` when search worked or was not asked for.
    pub search_unavailable: Option<Error>,
}

/// Items as they are found, in arrival order; see [`NativeApi::crawl_collection_stream`].
/// Dropping it cancels the crawl.
pub struct CrawlStream {
    rx: mpsc::Receiver<Result<CrawlItem>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stream for CrawlStream {
    type Item = Result<CrawlItem>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for CrawlStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for CrawlStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CrawlStream")
    }
}

impl NativeApi {
    /// Every collection and/or dataset below a collection, as a flat list, depth-first in
    /// listing order. Dataset items carry their `title` (from search pages of 1,000, or one
    /// version read per dataset where the server has no search; see
    /// the [module docs](crate::api::crawl) for costs and [`crawl_collection_with`](Self::crawl_collection_with)
    /// to turn titles off).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection, `GET /api/search` per 1,000 datasets (or `GET /api/datasets/{id}/versions/:latest` per dataset)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::crawl::CrawlFilter;
    /// let items = api.crawl_collection(":root", CrawlFilter::All).await?;
    /// println!("Found {} items under the root collection", items.len());
    /// for ds in api.crawl_collection("harvard", CrawlFilter::Datasets).await? {
    ///     println!("{:?}", ds.title());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn crawl_collection(
        &self,
        identifier: impl IntoCollectionId,
        filter_by: impl Into<CrawlFilter>,
    ) -> Result<Vec<CrawlItem>> {
        let options = CrawlOptions::new().filter_by(filter_by.into());
        Ok(self.crawl_collection_with(identifier, options).await?.items)
    }

    /// [`crawl_collection`](Self::crawl_collection) with options: titles on or off and
    /// where from ([`CrawlOptions::titles_from`]), concurrency, progress callback, and
    /// whether to go on after failures.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection (+ with titles `GET /api/search` per 1,000 datasets and/or `GET /api/datasets/{id}/versions/:latest` per dataset)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::crawl::{CrawlFilter, CrawlOptions, TitleSource};
    /// let options = CrawlOptions::new()
    ///     .filter_by(CrawlFilter::Datasets)
    ///     .titles_from(TitleSource::Search)
    ///     .concurrency(32)
    ///     .continue_on_error(true)
    ///     .on_progress(|p| eprintln!("{} collections, {} datasets", p.collections_visited, p.datasets_found));
    /// let report = api.crawl_collection_with(":root", options).await?;
    /// println!("{} datasets, {} failures", report.items.len(), report.errors.len());
    /// println!("{} titles from search", report.progress.titles_from_search);
    /// # Ok(()) }
    /// ```
    pub async fn crawl_collection_with(
        &self,
        identifier: impl IntoCollectionId,
        options: CrawlOptions,
    ) -> Result<CrawlReport> {
        let start = identifier.into_collection_id()?;
        let mut keyed: Vec<(Vec<u32>, CrawlItem)> = Vec::new();
        let outcome = Crawler::new(self.clone(), start, options)
            .run(|key, item| {
                keyed.push((key, item));
                true
            })
            .await?;
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(CrawlReport {
            items: keyed.into_iter().map(|(_, item)| item).collect(),
            errors: outcome.errors,
            progress: outcome.progress,
            search_unavailable: outcome.search_unavailable,
        })
    }

    /// The crawl as a stream of items in arrival order (not sorted), for printing results
    /// as they come. A failure ends the stream with an `Err` unless `continue_on_error` is
    /// set (then failures are skipped; use the progress callback's `errors` to count them).
    /// Dropping the stream cancels the crawl. Needs a tokio runtime (the crawl runs in a task).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection (+ with titles `GET /api/search` per 1,000 datasets and/or `GET /api/datasets/{id}/versions/:latest` per dataset)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use futures_util::StreamExt;
    /// use dataverse_client::api::crawl::CrawlOptions;
    /// let mut items = api.crawl_collection_stream(":root", CrawlOptions::new())?;
    /// while let Some(item) = items.next().await {
    ///     let item = item?;
    ///     println!("{} {:?}", item.id(), item.title());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn crawl_collection_stream(
        &self,
        identifier: impl IntoCollectionId,
        options: CrawlOptions,
    ) -> Result<CrawlStream> {
        let start = identifier.into_collection_id()?;
        let (tx, rx) = mpsc::channel(256);
        let crawler = Crawler::new(self.clone(), start, options);
        let task = tokio::spawn(async move {
            // A closed receiver (the stream was dropped) stops the crawl.
            let sender = tx.clone();
            let result = crawler
                .run_async(|item| {
                    let tx = sender.clone();
                    async move { tx.send(Ok(item)).await.is_ok() }
                })
                .await;
            if let Err(e) = result {
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(CrawlStream { rx, task })
    }
}

/// A dataset waiting for its title.
struct Pending {
    key: Vec<u32>,
    item: Box<CrawledDataset>,
    /// The collection it was listed in (for error reports).
    collection: String,
}

/// One unit of crawl work.
enum Task {
    Contents {
        collection: CollectionId,
        key: Vec<u32>,
        depth: usize,
        id: Option<u64>,
    },
    Title(Pending),
    /// The first search page (after looking up the start's alias when it was given by id).
    SearchFirst,
    /// A further search page.
    SearchPage {
        subtree: Option<String>,
        start: u64,
    },
}

/// What a finished task produced.
enum Done {
    Contents {
        collection: CollectionId,
        key: Vec<u32>,
        depth: usize,
        id: Option<u64>,
        result: Result<Vec<ContentItem>>,
    },
    Title {
        pending: Pending,
        /// The title and version label that were read.
        result: Result<(Option<String>, String)>,
        /// Requests made: 2 when the plain read found nothing and the deaccessioned
        /// version was read instead.
        requests: usize,
    },
    Search {
        /// Whether it was the first page (whose `total_count` tells which pages follow).
        first: bool,
        /// The subtree the pages search.
        subtree: Option<String>,
        /// Requests sent (2 for a first page that needed the alias).
        requests: usize,
        result: Result<SearchPage>,
    },
}

/// Where the search for titles stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchPhase {
    /// Not used: titles off, or read from versions.
    Off,
    /// Pages outstanding: datasets wait for them.
    Running,
    /// Over (successfully or not): datasets it did not title are read from versions.
    Done,
}

/// What a crawl run ends with, besides its items.
struct Outcome {
    errors: Vec<CrawlFailure>,
    progress: CrawlProgress,
    search_unavailable: Option<Error>,
}

struct Crawler {
    api: NativeApi,
    start: CollectionId,
    options: CrawlOptions,
}

impl Crawler {
    fn new(api: NativeApi, start: CollectionId, options: CrawlOptions) -> Self {
        Crawler {
            api,
            start,
            options,
        }
    }

    async fn run(self, mut visit: impl FnMut(Vec<u32>, CrawlItem) -> bool) -> Result<Outcome> {
        self.drive(|key, item| std::future::ready(visit(key, item)))
            .await
    }

    async fn run_async<F, Fut>(self, mut visit: F) -> Result<Outcome>
    where
        F: FnMut(CrawlItem) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.drive(|_, item| visit(item)).await
    }

    /// The engine: a bounded set of requests in flight, search pages before listings before
    /// title reads. `visit` returns false to stop early.
    async fn drive<F, Fut>(self, mut visit: F) -> Result<Outcome>
    where
        F: FnMut(Vec<u32>, CrawlItem) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let limit = self
            .options
            .concurrency
            .unwrap_or(self.api.max_concurrency())
            .max(1);
        let filter = self.options.filter_by;
        let want_collections = filter != CrawlFilter::Datasets;
        let want_datasets = filter != CrawlFilter::Collections;
        let titles = self.options.fetch_titles && want_datasets;

        let mut progress = CrawlProgress {
            collections_found: 1,
            ..Default::default()
        };
        let mut errors = Vec::new();
        let mut visited: HashSet<u64> = HashSet::new();
        let mut seen_datasets: HashSet<u64> = HashSet::new();
        if let CollectionId::Id(id) = &self.start {
            visited.insert(*id);
        }
        let start_id = match &self.start {
            CollectionId::Id(id) => Some(*id),
            _ => None,
        };
        let mut searches: VecDeque<Task> = VecDeque::new();
        let mut listings: VecDeque<Task> = VecDeque::new();
        let mut title_reads: VecDeque<Task> = VecDeque::new();
        listings.push_back(Task::Contents {
            collection: self.start.clone(),
            key: Vec::new(),
            depth: 0,
            id: start_id,
        });
        let mut phase = SearchPhase::Off;
        if titles && self.options.title_source != TitleSource::Versions {
            phase = SearchPhase::Running;
            searches.push_back(Task::SearchFirst);
        }
        let mut search_titles = SearchTitles::default();
        let mut pages_left: Option<usize> = None;
        let mut awaiting_search: Vec<Pending> = Vec::new();
        let mut search_unavailable = None;
        let mut in_flight = FuturesUnordered::new();

        macro_rules! stop {
            () => {
                return Ok(Outcome {
                    errors,
                    progress,
                    search_unavailable,
                })
            };
        }

        loop {
            while in_flight.len() < limit {
                let Some(task) = searches
                    .pop_front()
                    .or_else(|| listings.pop_front())
                    .or_else(|| title_reads.pop_front())
                else {
                    break;
                };
                in_flight.push(self.perform(task));
            }
            let Some(done) = in_flight.next().await else {
                break;
            };
            // Datasets whose titles are known now, to hand to `visit`.
            let mut ready: Vec<Pending> = Vec::new();
            match done {
                Done::Contents {
                    collection,
                    key,
                    depth,
                    id,
                    result,
                } => {
                    progress.requests += 1;
                    let items = match result {
                        Ok(items) => items,
                        Err(error) => {
                            progress.errors += 1;
                            self.report(&progress);
                            if !self.options.continue_on_error {
                                return Err(Error::Crawl {
                                    collection: collection.to_string(),
                                    source: Box::new(error),
                                });
                            }
                            errors.push(CrawlFailure {
                                collection: collection.to_string(),
                                dataset_id: None,
                                error,
                            });
                            continue;
                        }
                    };
                    progress.collections_visited += 1;
                    for (i, item) in items.into_iter().enumerate() {
                        let mut child_key = key.clone();
                        child_key.push(u32::try_from(i).unwrap_or(u32::MAX));
                        match item {
                            ContentItem::Collection(CollectionRef {
                                id: child, title, ..
                            }) => {
                                if !visited.insert(child) {
                                    continue;
                                }
                                progress.collections_found += 1;
                                if want_collections {
                                    let item = CrawlItem::Collection(CrawledCollection {
                                        id: child,
                                        title: title.clone(),
                                        parent_id: id,
                                        depth: depth + 1,
                                    });
                                    if !visit(child_key.clone(), item).await {
                                        stop!();
                                    }
                                }
                                listings.push_back(Task::Contents {
                                    collection: CollectionId::Id(child),
                                    key: child_key,
                                    depth: depth + 1,
                                    id: Some(child),
                                });
                            }
                            ContentItem::Dataset(dataset) => {
                                let Some(ds_id) = dataset.id else { continue };
                                if !seen_datasets.insert(ds_id) {
                                    continue;
                                }
                                progress.datasets_found += 1;
                                if !want_datasets {
                                    continue;
                                }
                                let pending = Pending {
                                    key: child_key,
                                    item: Box::new(CrawledDataset {
                                        id: ds_id,
                                        persistent_id: dataset.persistent_id(),
                                        title: None,
                                        version: None,
                                        parent_id: id,
                                        depth: depth + 1,
                                        dataset: *dataset,
                                    }),
                                    collection: collection.to_string(),
                                };
                                match (titles, phase) {
                                    (false, _) => ready.push(pending),
                                    (true, SearchPhase::Running) => awaiting_search.push(pending),
                                    (true, SearchPhase::Off) => {
                                        title_reads.push_back(Task::Title(pending));
                                    }
                                    (true, SearchPhase::Done) => {
                                        match take_title(&search_titles, pending, &mut progress) {
                                            Ok(p) => ready.push(p),
                                            Err(p) => title_reads.push_back(Task::Title(p)),
                                        }
                                    }
                                }
                            }
                            ContentItem::Other(_) => {}
                        }
                    }
                }
                Done::Title {
                    mut pending,
                    result,
                    requests,
                } => {
                    progress.requests += requests;
                    match result {
                        Ok((title, version)) => {
                            progress.titles_fetched += 1;
                            progress.titles_from_versions += 1;
                            pending.item.title = title;
                            pending.item.version = Some(version);
                        }
                        Err(error) => {
                            progress.errors += 1;
                            if !self.options.continue_on_error {
                                self.report(&progress);
                                return Err(Error::Crawl {
                                    collection: pending.collection,
                                    source: Box::new(error),
                                });
                            }
                            errors.push(CrawlFailure {
                                collection: pending.collection.clone(),
                                dataset_id: Some(pending.item.id),
                                error,
                            });
                        }
                    }
                    ready.push(pending);
                }
                Done::Search {
                    first,
                    subtree,
                    requests,
                    result,
                } => {
                    progress.requests += requests;
                    progress.search_requests += requests;
                    let pages = pages_left.get_or_insert(0);
                    if !first {
                        *pages = pages.saturating_sub(1);
                    }
                    match result {
                        Ok(page) => {
                            search_titles.add_page(&page.items);
                            let step = page.items.len() as u64;
                            if first && step > 0 {
                                let mut start = step;
                                while start < page.total_count {
                                    searches.push_back(Task::SearchPage {
                                        subtree: subtree.clone(),
                                        start,
                                    });
                                    *pages += 1;
                                    start += step;
                                }
                            }
                        }
                        Err(error) => {
                            // Auto reads versions instead, whatever went wrong: they
                            // report their own failures if the server is the problem.
                            if self.options.title_source == TitleSource::Auto {
                                search_unavailable = Some(error);
                            } else {
                                progress.errors += 1;
                                let collection = self.start.to_string();
                                if !self.options.continue_on_error {
                                    self.report(&progress);
                                    return Err(Error::Crawl {
                                        collection,
                                        source: Box::new(error),
                                    });
                                }
                                errors.push(CrawlFailure {
                                    collection,
                                    dataset_id: None,
                                    error,
                                });
                            }
                            // No further pages: what was found is used, the rest read.
                            searches.clear();
                            *pages = 0;
                        }
                    }
                    if *pages == 0 {
                        phase = SearchPhase::Done;
                        for pending in std::mem::take(&mut awaiting_search) {
                            match take_title(&search_titles, pending, &mut progress) {
                                Ok(p) => ready.push(p),
                                Err(p) => title_reads.push_back(Task::Title(p)),
                            }
                        }
                    }
                }
            }
            for pending in ready {
                if !visit(pending.key, CrawlItem::Dataset(pending.item)).await {
                    stop!();
                }
            }
            self.report(&progress);
        }
        Ok(Outcome {
            errors,
            progress,
            search_unavailable,
        })
    }

    fn report(&self, progress: &CrawlProgress) {
        if let Some(f) = &self.options.progress {
            f(progress);
        }
    }

    /// The alias to search under: none for the root (Dataverse searches everything
    /// then), the start's alias, or the alias of the start given by id (one request).
    async fn subtree(&self) -> (usize, Result<Option<String>>) {
        match &self.start {
            CollectionId::Root => (0, Ok(None)),
            CollectionId::Alias(alias) => (0, Ok(Some(alias.clone()))),
            CollectionId::Id(id) => {
                let result = self.api.get_collection(*id).await.and_then(|c| {
                    c.alias.map(Some).ok_or_else(|| Error::Decode {
                        method: "GET".into(),
                        url: format!("/api/dataverses/{id}"),
                        path: ".alias".into(),
                        message: "the collection has no alias".into(),
                    })
                });
                (1, result)
            }
        }
    }

    async fn perform(&self, task: Task) -> Done {
        match task {
            Task::Contents {
                collection,
                key,
                depth,
                id,
            } => {
                let result = self.api.get_collection_contents(&collection).await;
                Done::Contents {
                    collection,
                    key,
                    depth,
                    id,
                    result,
                }
            }
            Task::Title(pending) => {
                // A collection still lists a dataset whose only published version was
                // deaccessioned, while its plain `:latest` read answers 404: then the
                // deaccessioned version is read. Asking for it first would change the
                // answer for datasets with an older published version (Dataverse would
                // return the newer deaccessioned one).
                let id = PersistentOrId::Id(pending.item.id);
                let mut requests = 1;
                let mut result = self
                    .api
                    .get_dataset_version_brief(&id, Version::Latest, false)
                    .await;
                if matches!(result, Err(Error::NotFound(_))) {
                    requests += 1;
                    result = self
                        .api
                        .get_dataset_version_brief(&id, Version::Latest, true)
                        .await;
                }
                let result = result
                    .map(|v: DatasetVersion| (v.title().map(str::to_string), v.version_label()));
                Done::Title {
                    pending,
                    result,
                    requests,
                }
            }
            Task::SearchFirst => {
                let (mut requests, subtree) = self.subtree().await;
                let (subtree, result) = match subtree {
                    Ok(subtree) => {
                        requests += 1;
                        let query = search_titles::page_query(subtree.as_deref(), 0);
                        (subtree, self.api.search(&query).await)
                    }
                    Err(e) => (None, Err(e)),
                };
                Done::Search {
                    first: true,
                    subtree,
                    requests,
                    result,
                }
            }
            Task::SearchPage { subtree, start } => {
                let query = search_titles::page_query(subtree.as_deref(), start);
                let result = self.api.search(&query).await;
                Done::Search {
                    first: false,
                    subtree,
                    requests: 1,
                    result,
                }
            }
        }
    }
}

/// Fill a dataset's title from the search results, or hand it back for a version read.
fn take_title(
    titles: &SearchTitles,
    mut pending: Pending,
    progress: &mut CrawlProgress,
) -> std::result::Result<Pending, Pending> {
    match titles.get(pending.item.id, pending.item.persistent_id.as_deref()) {
        Some((title, version)) => {
            pending.item.title = Some(title);
            pending.item.version = Some(version);
            progress.titles_fetched += 1;
            progress.titles_from_search += 1;
            Ok(pending)
        }
        None => Err(pending),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse() {
        assert_eq!(
            "collections".parse::<CrawlFilter>().unwrap(),
            CrawlFilter::Collections
        );
        assert_eq!(
            "Datasets".parse::<CrawlFilter>().unwrap(),
            CrawlFilter::Datasets
        );
        assert_eq!("none".parse::<CrawlFilter>().unwrap(), CrawlFilter::All);
        assert!("files".parse::<CrawlFilter>().is_err());
        assert_eq!(CrawlFilter::from(None), CrawlFilter::All);
    }
}
