//! `crawl_collection`: the whole tree below a collection, fetched concurrently.
//!
//! # How it works, and what it costs
//!
//! The crawl sends one `GET /api/dataverses/{id}/contents` per collection: the listing
//! names each sub-collection's id, so no other lookup is needed to go down. With titles on
//! (the default) it also sends one `GET /api/datasets/{id}/versions/:latest?excludeFiles=true`
//! per dataset, because the contents listing has no titles. So a tree of C collections and
//! D datasets costs C requests without titles and C + D with them. At most
//! [`max_concurrency`](crate::NativeApi::max_concurrency) requests (or
//! [`CrawlOptions::concurrency`]) run at once; listings go before title reads, so the tree
//! unfolds as fast as its depth allows. The time is then about
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
    /// Dataset titles read so far.
    pub titles_fetched: usize,
    /// Requests finished (successfully or not).
    pub requests: usize,
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
    /// Read each dataset's title (one request per dataset). Default on.
    pub fetch_titles: bool,
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
    /// listing order. Dataset items carry their `title` (one extra request per dataset; see
    /// the [module docs](crate::api::crawl) for costs and [`crawl_collection_with`](Self::crawl_collection_with)
    /// to turn titles off).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection, `GET /api/datasets/{id}/versions/:latest` per dataset
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

    /// [`crawl_collection`](Self::crawl_collection) with options: titles on or off,
    /// concurrency, progress callback, and whether to go on after failures.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection (+ `GET /api/datasets/{id}/versions/:latest` per dataset with titles)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::crawl::{CrawlFilter, CrawlOptions};
    /// let options = CrawlOptions::new()
    ///     .filter_by(CrawlFilter::Datasets)
    ///     .fetch_titles(false)
    ///     .concurrency(32)
    ///     .continue_on_error(true)
    ///     .on_progress(|p| eprintln!("{} collections, {} datasets", p.collections_visited, p.datasets_found));
    /// let report = api.crawl_collection_with(":root", options).await?;
    /// println!("{} datasets, {} failures", report.items.len(), report.errors.len());
    /// # Ok(()) }
    /// ```
    pub async fn crawl_collection_with(
        &self,
        identifier: impl IntoCollectionId,
        options: CrawlOptions,
    ) -> Result<CrawlReport> {
        let start = identifier.into_collection_id()?;
        let mut keyed: Vec<(Vec<u32>, CrawlItem)> = Vec::new();
        let (errors, progress) = Crawler::new(self.clone(), start, options)
            .run(|key, item| {
                keyed.push((key, item));
                true
            })
            .await?;
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(CrawlReport {
            items: keyed.into_iter().map(|(_, item)| item).collect(),
            errors,
            progress,
        })
    }

    /// The crawl as a stream of items in arrival order (not sorted), for printing results
    /// as they come. A failure ends the stream with an `Err` unless `continue_on_error` is
    /// set (then failures are skipped; use the progress callback's `errors` to count them).
    /// Dropping the stream cancels the crawl. Needs a tokio runtime (the crawl runs in a task).
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents` per collection (+ `GET /api/datasets/{id}/versions/:latest` per dataset with titles)
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

/// One unit of crawl work.
enum Task {
    Contents {
        collection: CollectionId,
        key: Vec<u32>,
        depth: usize,
        id: Option<u64>,
    },
    Title {
        key: Vec<u32>,
        item: Box<CrawledDataset>,
        collection: String,
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
        key: Vec<u32>,
        item: Box<CrawledDataset>,
        collection: String,
        /// The title and version label that were read.
        result: Result<(Option<String>, String)>,
    },
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

    async fn run(
        self,
        mut visit: impl FnMut(Vec<u32>, CrawlItem) -> bool,
    ) -> Result<(Vec<CrawlFailure>, CrawlProgress)> {
        self.drive(|key, item| std::future::ready(visit(key, item)))
            .await
    }

    async fn run_async<F, Fut>(self, mut visit: F) -> Result<(Vec<CrawlFailure>, CrawlProgress)>
    where
        F: FnMut(CrawlItem) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.drive(|_, item| visit(item)).await
    }

    /// The engine: a bounded set of requests in flight, listings before title reads.
    /// `visit` returns false to stop early.
    async fn drive<F, Fut>(self, mut visit: F) -> Result<(Vec<CrawlFailure>, CrawlProgress)>
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
        let mut listings: VecDeque<Task> = VecDeque::new();
        let mut title_reads: VecDeque<Task> = VecDeque::new();
        listings.push_back(Task::Contents {
            collection: self.start.clone(),
            key: Vec::new(),
            depth: 0,
            id: start_id,
        });
        let mut in_flight = FuturesUnordered::new();

        loop {
            while in_flight.len() < limit {
                let Some(task) = listings.pop_front().or_else(|| title_reads.pop_front()) else {
                    break;
                };
                in_flight.push(self.perform(task));
            }
            let Some(done) = in_flight.next().await else {
                break;
            };
            progress.requests += 1;
            match done {
                Done::Contents {
                    collection,
                    key,
                    depth,
                    id,
                    result,
                } => {
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
                                        return Ok((errors, progress));
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
                                let item = Box::new(CrawledDataset {
                                    id: ds_id,
                                    persistent_id: dataset.persistent_id(),
                                    title: None,
                                    version: None,
                                    parent_id: id,
                                    depth: depth + 1,
                                    dataset: *dataset,
                                });
                                if titles {
                                    title_reads.push_back(Task::Title {
                                        key: child_key,
                                        item,
                                        collection: collection.to_string(),
                                    });
                                } else if !visit(child_key, CrawlItem::Dataset(item)).await {
                                    return Ok((errors, progress));
                                }
                            }
                            ContentItem::Other(_) => {}
                        }
                    }
                }
                Done::Title {
                    key,
                    mut item,
                    collection,
                    result,
                } => {
                    match result {
                        Ok((title, version)) => {
                            progress.titles_fetched += 1;
                            item.title = title;
                            item.version = Some(version);
                        }
                        Err(error) => {
                            progress.errors += 1;
                            if !self.options.continue_on_error {
                                self.report(&progress);
                                return Err(Error::Crawl {
                                    collection,
                                    source: Box::new(error),
                                });
                            }
                            errors.push(CrawlFailure {
                                collection,
                                dataset_id: Some(item.id),
                                error,
                            });
                        }
                    }
                    if !visit(key, CrawlItem::Dataset(item)).await {
                        return Ok((errors, progress));
                    }
                }
            }
            self.report(&progress);
        }
        Ok((errors, progress))
    }

    fn report(&self, progress: &CrawlProgress) {
        if let Some(f) = &self.options.progress {
            f(progress);
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
            Task::Title {
                key,
                item,
                collection,
            } => {
                let result = self
                    .api
                    .get_dataset_version_brief(&PersistentOrId::Id(item.id), Version::Latest)
                    .await
                    .map(|v: DatasetVersion| (v.title().map(str::to_string), v.version_label()));
                Done::Title {
                    key,
                    item,
                    collection,
                    result,
                }
            }
        }
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
