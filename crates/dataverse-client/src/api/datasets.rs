//! `/api/datasets/{id}` and `/api/dataverses/{id}/datasets`: datasets, their versions,
//! metadata, publication, locks, review, private URLs and exports.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoCollectionId, IntoPersistentOrId, PersistentOrId, Version};
use crate::models::common::Message;
use crate::models::datasets::{
    CreatedDataset, Dataset, DatasetValidation, DatasetVersion, ExportDocument, Lock, LockType,
    PrivateUrl, ReleaseType,
};
use crate::models::metadata::{
    DatasetCreateBody, EditMetadataBody, MetadataProblem, validate_metadata,
};
use crate::models::roles::RoleAssignment;

fn to_json<T: serde::Serialize>(body: &T) -> Result<serde_json::Value> {
    serde_json::to_value(body)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode the request body: {e}")))
}

/// A request on one dataset: `/api/datasets/{id}`, the path going on from there.
fn dataset(method: fn(&'static str) -> Request, id: &PersistentOrId) -> Request {
    method("datasets").id(id)
}

/// A progress callback of bulk calls: (finished, total).
pub type BulkProgress = Arc<dyn Fn(usize, usize) + Send + Sync>;

impl NativeApi {
    /// A dataset with one version in `dataset_version`: `:latest` (the default) takes one
    /// request and also fills `latest_version`; any other version takes two, run concurrently.
    ///
    /// Endpoint: `GET /api/datasets/{id}` (+ `GET /api/datasets/{id}/versions/{v}`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// let ds = api.get_dataset("doi:10.5072/FK2/ABC123", None).await?;
    /// if let Some(v) = &ds.dataset_version {
    ///     println!("{:?} {:?}", v.version_number, v.metadata_blocks.as_ref().map(|b| b.keys().cloned().collect::<Vec<_>>()));
    /// }
    /// let first = api.get_dataset(42, Some(Version::parse("1.0")?)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Option<Version>,
    ) -> Result<Dataset> {
        let id = identifier.into_persistent_or_id()?;
        match version.unwrap_or_default() {
            Version::Latest => {
                let mut ds: Dataset = self.execute(dataset(Request::get, &id)).await?;
                ds.dataset_version = ds.latest_version.clone();
                Ok(ds)
            }
            v => {
                let (ds, version) = tokio::join!(
                    self.execute::<Dataset>(dataset(Request::get, &id)),
                    self.get_dataset_version(&id, v)
                );
                let mut ds = ds?;
                ds.latest_version = None;
                ds.dataset_version = Some(Box::new(version?));
                Ok(ds)
            }
        }
    }

    /// The dataset's persistent URL (`persistentUrl`: its PID at the resolver,
    /// `https://doi.org/10.5072/FK2/ABC` for a DOI).
    ///
    /// Endpoint: `GET /api/datasets/{id}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.get_dataset_persistent_url("doi:10.5072/FK2/ABC123").await?);
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_persistent_url(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<String> {
        let id = identifier.into_persistent_or_id()?;
        let req = dataset(Request::get, &id);
        let url = self.url_for(&req);
        let ds: Dataset = self.execute(req).await?;
        ds.persistent_url.ok_or_else(|| {
            Error::decode(
                "GET",
                url,
                "persistentUrl",
                "the dataset has no persistent URL",
            )
        })
    }

    /// Every version of a dataset the caller may see, newest first (files included, as
    /// Dataverse does by default).
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for v in api.get_dataset_versions("doi:10.5072/FK2/ABC123").await? {
    ///     println!("{} {:?}", v.version_label(), v.version_state);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_versions(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<Vec<DatasetVersion>> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(dataset(Request::get, &id).seg("versions"))
            .await
    }

    /// One version of a dataset.
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// let v1 = api.get_dataset_version("doi:10.5072/FK2/ABC123", Version::parse("1.0")?).await?;
    /// println!("{:?}", v1.title());
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_version(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Version,
    ) -> Result<DatasetVersion> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(dataset(Request::get, &id).seg("versions").seg(version))
            .await
    }

    /// One version of a dataset without its file list (the crawl's title read), with
    /// deaccessioned versions counted as published ones when `include_deaccessioned`
    /// (servers before 6.0 ignore the flag).
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}?excludeFiles=true[&includeDeaccessioned=true]`
    pub(crate) async fn get_dataset_version_brief(
        &self,
        id: &PersistentOrId,
        version: Version,
        include_deaccessioned: bool,
    ) -> Result<DatasetVersion> {
        let mut request = dataset(Request::get, id)
            .seg("versions")
            .seg(version)
            .query("excludeFiles", "true");
        if include_deaccessioned {
            request = request.query("includeDeaccessioned", "true");
        }
        self.execute(request).await
    }

    /// Many datasets at once (`:latest` of each), at most
    /// [`max_concurrency`](NativeApi::max_concurrency) requests at a time. The result has one
    /// entry per identifier, in input order, each its own success or error; a malformed
    /// identifier is an `InvalidArgument` entry and costs no request.
    ///
    /// Endpoint: `GET /api/datasets/{id}` per identifier
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let results = api.get_datasets(["doi:10.5072/FK2/ABC123", "doi:10.5072/FK2/XYZ789", "12345"]).await;
    /// let ok = results.iter().filter(|r| r.is_ok()).count();
    /// println!("Fetched {ok} of {} datasets", results.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_datasets<I>(&self, identifiers: I) -> Vec<Result<Dataset>>
    where
        I: IntoIterator,
        I::Item: IntoPersistentOrId,
    {
        self.get_datasets_with_progress(identifiers, None).await
    }

    /// [`get_datasets`](Self::get_datasets) with a progress callback `(finished, total)`,
    /// called after each dataset.
    ///
    /// Endpoint: `GET /api/datasets/{id}` per identifier
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use std::sync::Arc;
    /// let progress = Arc::new(|done: usize, total: usize| eprintln!("{done}/{total}"));
    /// let results = api.get_datasets_with_progress(["doi:10.5072/FK2/ABC123"], Some(progress)).await;
    /// # Ok(()) }
    /// ```
    pub async fn get_datasets_with_progress<I>(
        &self,
        identifiers: I,
        progress: Option<BulkProgress>,
    ) -> Vec<Result<Dataset>>
    where
        I: IntoIterator,
        I::Item: IntoPersistentOrId,
    {
        let ids: Vec<Result<PersistentOrId>> = identifiers
            .into_iter()
            .map(|i| i.into_persistent_or_id())
            .collect();
        self.bulk(ids, progress, |api, id| async move {
            api.get_dataset(id, None).await
        })
        .await
    }

    /// Run `f` over `ids` concurrently (bounded), keeping input order and every error.
    pub(crate) async fn bulk<T, F, Fut>(
        &self,
        ids: Vec<Result<PersistentOrId>>,
        progress: Option<BulkProgress>,
        f: F,
    ) -> Vec<Result<T>>
    where
        F: Fn(NativeApi, PersistentOrId) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let total = ids.len();
        let done = AtomicUsize::new(0);
        let f = &f;
        let done = &done;
        let progress = &progress;
        stream::iter(ids.into_iter().map(|id| async move {
            let r = match id {
                Ok(id) => f(self.clone(), id).await,
                Err(e) => Err(e),
            };
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(p) = progress {
                p(n, total);
            }
            r
        }))
        .buffered(self.max_concurrency())
        .collect()
        .await
    }

    /// Create a dataset in a collection, or (with `identifier`, superusers only) import an
    /// existing one under its PID and, with `publish`, release it as 1.0. Never re-sent once
    /// it may have reached the server.
    ///
    /// Endpoint: `POST /api/dataverses/{id}/datasets` (import: `POST /api/dataverses/{id}/datasets/:import?pid=..&release=yes|no`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::metadata::{Author, CitationBuilder};
    /// let metadata = CitationBuilder::new("Darwin's Finches")
    ///     .author(Author::new("Finch, Fiona").affiliation("Birds Inc."))
    ///     .contact("Finch, Fiona", "finch@mailinator.com")
    ///     .description("About the finches.")
    ///     .subject("Medicine, Health and Life Sciences")
    ///     .build();
    /// let created = api.create_dataset("research-lab", &metadata, None, false).await?;
    /// println!("{} {}", created.id, created.persistent_id);
    /// # Ok(()) }
    /// ```
    pub async fn create_dataset(
        &self,
        dataverse: impl IntoCollectionId,
        metadata: &DatasetCreateBody,
        identifier: Option<&str>,
        publish: bool,
    ) -> Result<CreatedDataset> {
        let collection = dataverse.into_collection_id()?;
        let body = to_json(metadata)?;
        let req = match identifier {
            None => {
                if publish {
                    return Err(Error::InvalidArgument(
                        "publish on create is only for imports with a PID; create, then publish_dataset".into(),
                    ));
                }
                Request::post("dataverses").seg(&collection).seg("datasets")
            }
            Some(pid) => {
                let pid = crate::ids::Pid::parse(pid)?;
                Request::post("dataverses")
                    .seg(&collection)
                    .seg("datasets")
                    .seg(":import")
                    .query("pid", pid.as_str())
                    .query("release", if publish { "yes" } else { "no" })
            }
        };
        self.execute(req.json(body)).await
    }

    /// Ask the server whether a create body is valid for a collection. Dataverse answers
    /// 200 either way; the verdict is read from its message.
    ///
    /// Endpoint: `POST /api/dataverses/{id}/validateDatasetJson`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi, metadata: dataverse_client::models::metadata::DatasetCreateBody) -> dataverse_client::Result<()> {
    /// let validation = api.validate_dataset_json("research-lab", &metadata).await?;
    /// println!("{} {}", validation.valid, validation.message);
    /// # Ok(()) }
    /// ```
    pub async fn validate_dataset_json(
        &self,
        collection: impl IntoCollectionId,
        metadata: &DatasetCreateBody,
    ) -> Result<DatasetValidation> {
        let collection = collection.into_collection_id()?;
        let mut req = Request::post("dataverses")
            .seg(&collection)
            .seg("validateDatasetJson")
            .json(to_json(metadata)?);
        req.idempotent = true; // it changes nothing
        let message = self.execute_message(req).await?;
        let valid = message.contains(" is valid") && !message.contains("failed validation");
        Ok(DatasetValidation { valid, message })
    }

    /// Check a create body against the installation's metadata blocks without sending it:
    /// every problem at once (unknown fields Dataverse would drop, `multiple`/`typeClass`
    /// mismatches, vocabulary values, dates, missing required fields). An empty list means
    /// no problem was found. Costs the requests of
    /// [`get_metadatablocks(true)`](NativeApi::get_metadatablocks).
    ///
    /// Endpoint: `GET /api/metadatablocks` and `GET /api/metadatablocks/{name}` (nothing is sent about the dataset)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi, metadata: dataverse_client::models::metadata::DatasetCreateBody) -> dataverse_client::Result<()> {
    /// for problem in api.preflight_dataset(&metadata).await? {
    ///     eprintln!("{problem}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn preflight_dataset(
        &self,
        metadata: &DatasetCreateBody,
    ) -> Result<Vec<MetadataProblem>> {
        let blocks = self
            .get_metadatablocks(true)
            .await?
            .into_full()
            .unwrap_or_default();
        let fields: Vec<_> = metadata.fields().collect();
        Ok(validate_metadata(&blocks, &fields, true))
    }

    /// Check an edit body for a dataset without sending it, against the metadata blocks of
    /// the dataset's collection ([`get_dataset_metadatablocks`](Self::get_dataset_metadatablocks)):
    /// the checks of [`preflight_dataset`](Self::preflight_dataset) except the one for
    /// missing required fields (see
    /// [`validate_edit_metadata`](crate::models::metadata::validate_edit_metadata)). An
    /// empty list means no problem was found.
    ///
    /// Endpoint: `GET /api/datasets/{id}?returnOwners=true` and
    /// `GET /api/dataverses/{alias}/metadatablocks?returnDatasetFieldTypes=true` (the edit
    /// itself is not sent)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::datasets::DatasetField;
    /// use dataverse_client::models::metadata::EditMetadataBody;
    /// let edit = EditMetadataBody::new([DatasetField::primitive("titel", "New")]);
    /// for problem in api.preflight_edit("doi:10.5072/FK2/ABC123", &edit).await? {
    ///     eprintln!("{problem}"); // titel: is not a field of any metadata block ...
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn preflight_edit(
        &self,
        dataset: impl IntoPersistentOrId,
        metadata: &EditMetadataBody,
    ) -> Result<Vec<MetadataProblem>> {
        let blocks = self.get_dataset_metadatablocks(dataset).await?;
        Ok(crate::models::metadata::validate_edit_metadata(
            &blocks,
            &metadata.fields,
        ))
    }

    /// Add to or replace fields of a dataset's draft (created from the published version if
    /// there is none). Without `replace`, values are appended to multi-valued fields and set
    /// on empty single-valued ones, while single-valued fields that already have a value are
    /// silently left unchanged (Dataverse's rule); with `replace`, each named field is reset
    /// and set. Returns the draft version. Not retried once sent unless `replace` (appending
    /// twice would duplicate values).
    ///
    /// Endpoint: `PUT /api/datasets/{id}/editMetadata?replace=`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::datasets::DatasetField;
    /// use dataverse_client::models::metadata::EditMetadataBody;
    /// let edit = EditMetadataBody::new([DatasetField::vocabulary_multiple("subject", ["Chemistry"])]);
    /// let draft = api.edit_dataset_metadata("doi:10.5072/FK2/ABC123", &edit, false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn edit_dataset_metadata(
        &self,
        identifier: impl IntoPersistentOrId,
        metadata: &EditMetadataBody,
        replace: bool,
    ) -> Result<DatasetVersion> {
        let id = identifier.into_persistent_or_id()?;
        if metadata.fields.is_empty() {
            return Err(Error::InvalidArgument("no fields to edit".into()));
        }
        let mut req = dataset(Request::put, &id)
            .seg("editMetadata")
            .query("replace", replace)
            .json(to_json(metadata)?);
        req.idempotent = replace;
        self.execute(req).await
    }

    /// Publish the dataset's draft. Publication finishes asynchronously on the server (a
    /// `finalizePublication` lock is held meanwhile); use
    /// [`publish_dataset_and_wait`](Self::publish_dataset_and_wait) to wait for it. Never
    /// re-sent once it may have reached the server.
    ///
    /// Endpoint: `POST /api/datasets/{id}/actions/:publish?type=major|minor|updatecurrent`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::datasets::ReleaseType;
    /// let published = api.publish_dataset("doi:10.5072/FK2/ABC123", ReleaseType::Major).await?;
    /// println!("{:?}", published.persistent_url);
    /// # Ok(()) }
    /// ```
    pub async fn publish_dataset(
        &self,
        pid: impl IntoPersistentOrId,
        release_type: ReleaseType,
    ) -> Result<Dataset> {
        let id = pid.into_persistent_or_id()?;
        if let ReleaseType::Other(t) = &release_type {
            return Err(Error::InvalidArgument(format!(
                "'{t}' is not a release type; expected major, minor or updatecurrent"
            )));
        }
        let req = dataset(Request::post, &id)
            .seg("actions")
            .seg(":publish")
            .query("type", release_type.as_str());
        self.execute(req).await
    }

    /// Publish, then wait (polling the locks) until the `finalizePublication` lock is gone,
    /// at most `timeout`; returns the dataset as it is then. A timeout is an
    /// `Error::Server` with status 0 naming the lock, while the publication goes on.
    ///
    /// Endpoint: `POST /api/datasets/{id}/actions/:publish`, then `GET /api/datasets/{id}/locks` until free, then `GET /api/datasets/{id}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use std::time::Duration;
    /// use dataverse_client::models::datasets::ReleaseType;
    /// let ds = api.publish_dataset_and_wait("doi:10.5072/FK2/ABC123", ReleaseType::Major, Duration::from_secs(60)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_dataset_and_wait(
        &self,
        pid: impl IntoPersistentOrId,
        release_type: ReleaseType,
        timeout: Duration,
    ) -> Result<Dataset> {
        let id = pid.into_persistent_or_id()?;
        self.publish_dataset(&id, release_type).await?;
        self.wait_for_unlock(&id, LockType::FinalizePublication, timeout)
            .await?;
        self.get_dataset(&id, None).await
    }

    /// Wait until a dataset has no lock of `lock_type`, polling with a growing interval
    /// (50 ms up to 1 s), at most `timeout`.
    ///
    /// Endpoint: `GET /api/datasets/{id}/locks?type=`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use std::time::Duration;
    /// use dataverse_client::models::datasets::LockType;
    /// api.wait_for_unlock("doi:10.5072/FK2/ABC123", LockType::Ingest, Duration::from_secs(300)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_unlock(
        &self,
        identifier: impl IntoPersistentOrId,
        lock_type: LockType,
        timeout: Duration,
    ) -> Result<()> {
        let id = identifier.into_persistent_or_id()?;
        let start = Instant::now();
        let mut interval = Duration::from_millis(50);
        loop {
            let locks = self.get_dataset_lock(&id, Some(lock_type.clone())).await?;
            if locks.is_empty() {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                let req = dataset(Request::get, &id).seg("locks");
                return Err(Error::Server(crate::error::ApiError {
                    status: 0,
                    message: format!("the dataset is still locked ({lock_type}) after {timeout:?}"),
                    method: req.method.to_string(),
                    url: self.url_for(&req).to_string(),
                    token_sent: self.has_token(),
                }));
            }
            tokio::time::sleep(interval.min(timeout.saturating_sub(start.elapsed()))).await;
            interval = (interval * 2).min(Duration::from_secs(1));
        }
    }

    /// The dataset's locks, optionally only of one type (an empty list when unlocked).
    ///
    /// Endpoint: `GET /api/datasets/{id}/locks[?type=]`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for lock in api.get_dataset_lock("doi:10.5072/FK2/ABC123", None).await? {
    ///     println!("{} since {:?}", lock.lock_type, lock.date);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_lock(
        &self,
        identifier: impl IntoPersistentOrId,
        lock_type: Option<LockType>,
    ) -> Result<Vec<Lock>> {
        let id = identifier.into_persistent_or_id()?;
        let mut req = dataset(Request::get, &id).seg("locks");
        if let Some(t) = lock_type {
            req = req.query("type", t.as_str());
        }
        self.execute(req).await
    }

    /// The role assignments on a dataset (needs ManageDatasetPermissions).
    ///
    /// Endpoint: `GET /api/datasets/{id}/assignments`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for a in api.get_dataset_assignments("doi:10.5072/FK2/ABC123").await? {
    ///     println!("{} {:?}", a.assignee, a.role_alias);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_assignments(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<Vec<RoleAssignment>> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(dataset(Request::get, &id).seg("assignments"))
            .await
    }

    /// Delete the dataset's draft; a dataset that was never published is deleted entirely.
    /// Not retried once sent.
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/versions/:draft`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.delete_dataset("doi:10.5072/FK2/ABC123").await?.message);
    /// # Ok(()) }
    /// ```
    pub async fn delete_dataset(&self, identifier: impl IntoPersistentOrId) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        let mut req = dataset(Request::delete, &id)
            .seg("versions")
            .seg(Version::Draft);
        req.idempotent = false;
        Ok(Message {
            message: self.execute_message(req).await?,
        })
    }

    /// Destroy a dataset, published or not, with all its versions and files (superusers
    /// once it has been published). Irreversible; not retried once sent.
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/destroy`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.destroy_dataset("doi:10.5072/FK2/ABC123").await?.message);
    /// # Ok(()) }
    /// ```
    pub async fn destroy_dataset(&self, identifier: impl IntoPersistentOrId) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        let mut req = dataset(Request::delete, &id).seg("destroy");
        req.idempotent = false;
        Ok(Message {
            message: self.execute_message(req).await?,
        })
    }

    /// Submit the draft for review (sets an `InReview` lock until a curator publishes or
    /// returns it).
    ///
    /// Endpoint: `POST /api/datasets/{id}/submitForReview`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// api.submit_dataset_for_review("doi:10.5072/FK2/ABC123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn submit_dataset_for_review(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        let (env, _) = self
            .execute_envelope(&dataset(Request::post, &id).seg("submitForReview"))
            .await?;
        Ok(Message {
            message: env
                .message_text()
                .unwrap_or_else(|| "submitted for review".into()),
        })
    }

    /// Return a dataset in review to its authors with a reason (removes the `InReview` lock).
    ///
    /// Endpoint: `POST /api/datasets/{id}/returnToAuthor`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// api.return_dataset_to_author("doi:10.5072/FK2/ABC123", "Please add a description.").await?;
    /// # Ok(()) }
    /// ```
    pub async fn return_dataset_to_author(
        &self,
        identifier: impl IntoPersistentOrId,
        reason: &str,
    ) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        if reason.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "a reason for returning the dataset is required".into(),
            ));
        }
        let req = dataset(Request::post, &id)
            .seg("returnToAuthor")
            .json(serde_json::json!({ "reasonForReturn": reason }));
        let (env, _) = self.execute_envelope(&req).await?;
        Ok(Message {
            message: env
                .message_text()
                .unwrap_or_else(|| "returned to author".into()),
        })
    }

    /// Create a private URL for the draft, to share it for review without publishing.
    ///
    /// Endpoint: `POST /api/datasets/{id}/privateUrl`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let private = api.create_dataset_private_url("doi:10.5072/FK2/ABC123").await?;
    /// println!("{}", private.link);
    /// # Ok(()) }
    /// ```
    pub async fn create_dataset_private_url(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<PrivateUrl> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(dataset(Request::post, &id).seg("privateUrl"))
            .await
    }

    /// The draft's private URL.
    ///
    /// Endpoint: `GET /api/datasets/{id}/privateUrl`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let info = api.get_dataset_private_url("doi:10.5072/FK2/ABC123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_private_url(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<PrivateUrl> {
        let id = identifier.into_persistent_or_id()?;
        self.execute(dataset(Request::get, &id).seg("privateUrl"))
            .await
    }

    /// Delete the draft's private URL; its token stops working.
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/privateUrl`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.delete_dataset_private_url("doi:10.5072/FK2/ABC123").await?.message);
    /// # Ok(()) }
    /// ```
    pub async fn delete_dataset_private_url(
        &self,
        identifier: impl IntoPersistentOrId,
    ) -> Result<Message> {
        let id = identifier.into_persistent_or_id()?;
        Ok(Message {
            message: self
                .execute_message(dataset(Request::delete, &id).seg("privateUrl"))
                .await?,
        })
    }

    /// A dataset's metadata exported in a format (`ddi`, `oai_dc`, `schema.org`,
    /// `dataverse_json`, ... see [`get_export_formats`](NativeApi::get_export_formats)), as
    /// text. The export endpoint takes only PIDs: a numeric id costs one more request to
    /// look the PID up.
    ///
    /// Endpoint: `GET /api/datasets/export?exporter=..&persistentId=..`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let ddi_xml = api.get_dataset_export("doi:10.5072/FK2/ABC123", "ddi").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_export(
        &self,
        identifier: impl IntoPersistentOrId,
        export_format: &str,
    ) -> Result<String> {
        self.get_dataset_version_export(identifier, export_format, None)
            .await
    }

    /// A version's export, like [`get_dataset_export`](NativeApi::get_dataset_export):
    /// `None` is the server's default, the latest published version; a draft exports only
    /// with [`Version::Draft`] (and the right to see it); a number must be the latest
    /// published version's. A dataset never published has nothing to export without
    /// [`Version::Draft`] (404).
    ///
    /// Endpoint: `GET /api/datasets/export?exporter=..&persistentId=..&version=..`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::Version;
    /// let draft = api
    ///     .get_dataset_version_export("doi:10.5072/FK2/ABC123", "ddi", Some(Version::Draft))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_dataset_version_export(
        &self,
        identifier: impl IntoPersistentOrId,
        export_format: &str,
        version: Option<Version>,
    ) -> Result<String> {
        let id = identifier.into_persistent_or_id()?;
        let mut req = self.export_request(&id, export_format).await?;
        if let Some(v) = version {
            req = req.query("version", v.to_string());
        }
        self.execute_text(req).await
    }

    /// The request of a dataset's export. The endpoint takes only PIDs: a numeric id is
    /// looked up first.
    async fn export_request(&self, id: &PersistentOrId, export_format: &str) -> Result<Request> {
        let format = export_format.trim();
        if format.is_empty() {
            return Err(Error::InvalidArgument("the export format is empty".into()));
        }
        let pid = match id {
            PersistentOrId::Pid(p) => p.as_str().to_string(),
            PersistentOrId::Id(_) => self
                .get_dataset(id, None)
                .await?
                .persistent_id()
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("dataset {id} has no persistent identifier"))
                })?,
        };
        Ok(Request::get("datasets")
            .seg("export")
            .query("exporter", format)
            .query("persistentId", pid))
    }

    /// Exports of many datasets, concurrently (bounded), one entry per identifier in input
    /// order. With `as_dict`, JSON formats are parsed (an entry whose document is not JSON
    /// is a `Decode` error); otherwise every document is text.
    ///
    /// Endpoint: `GET /api/datasets/export?exporter=..&persistentId=..` per identifier
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let exports = api.get_datasets_export(["doi:10.5072/FK2/ABC123"], "dataverse_json", true).await;
    /// if let Some(Ok(doc)) = exports.first() {
    ///     println!("{:?}", doc.as_json().and_then(|v| v.as_object()).map(|o| o.keys().count()));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_datasets_export<I>(
        &self,
        identifiers: I,
        export_format: &str,
        as_dict: bool,
    ) -> Vec<Result<ExportDocument>>
    where
        I: IntoIterator,
        I::Item: IntoPersistentOrId,
    {
        let ids: Vec<Result<PersistentOrId>> = identifiers
            .into_iter()
            .map(|i| i.into_persistent_or_id())
            .collect();
        let format = export_format.to_string();
        self.bulk(ids, None, |api, id| {
            let format = format.clone();
            async move {
                let req = api.export_request(&id, &format).await?;
                let (method, url) = (req.method.clone(), api.url_for(&req));
                let text = api.execute_text(req).await?;
                if !as_dict {
                    return Ok(ExportDocument::Text(text));
                }
                serde_json::from_str(&text)
                    .map(ExportDocument::Json)
                    .map_err(|e| {
                        Error::decode(
                            &method,
                            &url,
                            ".",
                            format!("the {format} export is not JSON: {e}"),
                        )
                    })
            }
        })
        .await
    }
}
