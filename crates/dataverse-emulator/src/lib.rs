//! An embedded, offline **Dataverse 6.x** (IQSS) server speaking the real Native API wire
//! format, backed by SQLite in a data directory.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dataverse_emulator::Error> {
//! use dataverse_emulator::{Config, Emulator, Server};
//! let emulator = Emulator::open(Config::new("/tmp/dv-data"))?;
//! let token = emulator.admin_token()?;
//! let server = Server::start(emulator, "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{} (admin token {token})", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod blocked_api;
mod blocks;
mod checksum;
mod dataset_types;
mod envelope;
mod error;
mod export;
mod faults;
mod generate;
mod ingest;
mod java_hash;
mod jsonld;
mod metadata;
mod model;
mod normalize;
mod permissions;
mod printer;
mod routes;
mod search;
mod size_limits;
mod storage;
mod store;
mod thumbnail;
mod web;
mod zip;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use blocked_api::{
    BlockedApi, BlockedApiPolicy, DEFAULT_BLOCKED_ENDPOINTS, UNBLOCK_KEY_HEADER,
};
pub use error::Error;
pub use faults::{DEFAULT_SEED, FAULT_HEADER, Fault, FaultKind, FaultPhase, FaultSpec};
pub use generate::{GenerateSpec, GenerateSummary};
pub use storage::{DEFAULT_MIN_PART_SIZE, S3Config, SMALLEST_PART_SIZE};

use blocks::Blocks;
use store::Store;

/// The Dataverse version this emulator reports (`GET /api/info/version`).
pub const DATAVERSE_VERSION: &str = "6.11";

/// Emulator configuration.
#[derive(Clone)]
pub struct Config {
    /// Directory holding the SQLite database (created if missing).
    pub data_dir: PathBuf,
    /// If set, the API token of `dataverseAdmin` is set to this value on open.
    pub admin_token: Option<String>,
    /// If set, the password of `dataverseAdmin` is set to this value on open (a new
    /// installation's is `admin`, as Dataverse's `setup-all.sh` sets it).
    pub admin_password: Option<String>,
    /// Who may call the blocked endpoints (`/api/admin`, `/api/builtin-users`): by
    /// default loopback clients only, with no API key (see [`BlockedApi`]).
    pub blocked_api: BlockedApi,
    /// Host name reported by `GET /api/info/server` (default `localhost`).
    pub hostname: String,
    /// The `:BuiltinUsersKey` required by `POST /api/builtin-users` (default `burrito`).
    pub builtin_users_key: String,
    /// Maximum request body size in bytes for everything but file uploads (default 64 MiB);
    /// larger bodies get a 413.
    pub max_body_bytes: usize,
    /// Largest file upload (`POST /api/datasets/{id}/add`, `/api/files/{id}/replace`) in
    /// bytes; `None` (the default) is unlimited, as in Dataverse without
    /// `:MaxFileUploadSizeInBytes`. Larger uploads get a 413 and leave nothing behind.
    pub max_upload_bytes: Option<u64>,
    /// Artificial latency added to every `/api` response (default zero), to exercise
    /// clients against a slow server.
    pub latency: Duration,
    /// How long a dataset publication stays in progress (with its `finalizePublication`
    /// lock) before a background task finalizes it (default 50 ms; zero finalizes before
    /// the publish call answers).
    pub publish_delay: Duration,
    /// Fault injection (default none): a seeded share of `/api` requests answered with a
    /// 503, a 500, a 429, a reset connection, a cut-off body or a delay, before or after the
    /// request's effect (see [`FaultSpec`]).
    pub faults: Option<FaultSpec>,
    /// An S3 store for file bytes (default none: the file store under `data_dir`). With
    /// one, new files go to the bucket and direct upload is offered (`uploadurls`).
    pub s3: Option<S3Config>,
    /// Dataverse's `dataverse.files.guestbook-at-request` JVM setting (default unset):
    /// whether guestbooks are answered when access is requested rather than on download.
    /// Superusers may set a dataset's own choice only when it is set.
    pub guestbook_at_request: Option<bool>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("admin_token_set", &self.admin_token.is_some())
            .field("admin_password_set", &self.admin_password.is_some())
            .field("blocked_api", &self.blocked_api)
            .field("hostname", &self.hostname)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("latency", &self.latency)
            .field("publish_delay", &self.publish_delay)
            .field("faults", &self.faults)
            .field("s3", &self.s3)
            .field("guestbook_at_request", &self.guestbook_at_request)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Defaults for a data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            admin_token: None,
            admin_password: None,
            blocked_api: BlockedApi::default(),
            hostname: "localhost".to_string(),
            builtin_users_key: "burrito".to_string(),
            max_body_bytes: 64 * 1024 * 1024,
            max_upload_bytes: None,
            latency: Duration::ZERO,
            publish_delay: Duration::from_millis(50),
            faults: None,
            s3: None,
            guestbook_at_request: None,
        }
    }
}

struct Inner {
    config: Config,
    store: Store,
    blocks: Blocks,
    /// The S3 bucket, when one is configured.
    bucket: Option<storage::s3::Bucket>,
    /// The blocked-endpoints policy in force (see `blocked_api`).
    blocked: blocked_api::Cache,
}

/// An opened emulator: store plus loaded metadata blocks. Cheap to clone.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Open the data directory, creating the store and bootstrapping a fresh installation
    /// (superuser `dataverseAdmin`, published root collection, licenses, built-in roles)
    /// on first open. Sets the admin token if `config.admin_token` is given.
    pub fn open(config: Config) -> Result<Emulator, Error> {
        let blocks = Blocks::load()?;
        search::fields::init(&blocks);
        let bucket = match &config.s3 {
            Some(c) => Some(storage::s3::Bucket::new(c).map_err(Error::Storage)?),
            None => None,
        };
        let store = Store::open(&config.data_dir)?;
        store.init(config.admin_token.as_deref())?;
        if let Some(password) = &config.admin_password {
            store.blocking(|conn| store::users::set_admin_password(conn, password))?;
        }
        // Publications interrupted by a crash or shutdown are finished now.
        store.blocking(|conn| -> Result<(), Error> {
            let tx = conn.transaction()?;
            let now = store::time_fmt::now_iso();
            for id in store::locks::pending_publications(&tx)? {
                store::dataset_write::finalize(&tx, id, &now)?;
            }
            tx.commit()?;
            // Uploads cut off by a crash are dropped; deleted files' bytes are removed.
            store::files::clear_tmp(&config.data_dir);
            store::files::sweep(conn, &config.data_dir)?;
            store::files::recover(conn, &config.data_dir)?;
            Ok(())
        })?;
        Ok(Emulator {
            inner: Arc::new(Inner {
                config,
                store,
                blocks,
                bucket,
                blocked: blocked_api::Cache::default(),
            }),
        })
    }

    /// The current API token of `dataverseAdmin`.
    pub fn admin_token(&self) -> Result<String, Error> {
        self.inner.store.blocking(|conn| {
            let admin = store::users::by_identifier(conn, store::ADMIN_USERNAME)?
                .ok_or_else(|| Error::Store("admin user missing".into()))?;
            store::users::token_for_user(conn, admin.id)?
                .map(|t| t.token)
                .ok_or_else(|| Error::Store("admin has no API token".into()))
        })
    }

    /// Set a database setting such as `:AllowApiTokenLookupViaApi` (what
    /// `PUT /api/admin/settings/{name}` does on a real installation).
    pub fn set_setting(&self, name: &str, value: &str) -> Result<(), Error> {
        self.inner
            .store
            .blocking(|conn| store::Store::put_setting(conn, name, value))?;
        self.inner.blocked.invalidate();
        Ok(())
    }

    /// Add a deterministic tree of published collections and datasets under the root
    /// collection (see [`GenerateSpec`]), in one transaction.
    pub fn generate(&self, spec: &GenerateSpec) -> Result<GenerateSummary, Error> {
        let mut summary = self
            .inner
            .store
            .blocking(|conn| generate::run(conn, &self.inner.blocks, spec))?;
        let started = std::time::Instant::now();
        let refreshed = self
            .inner
            .store
            .blocking(|conn| search::refresh(conn, &self.inner.blocks))?;
        summary.index_time = started.elapsed();
        summary.indexed = refreshed.documents;
        Ok(summary)
    }

    /// Add `count` small generated text files (`part-N/file-NNNNN.txt`, deterministic bytes,
    /// MD5 checksums) to the newest version of dataset `dataset` (database id) in one
    /// transaction, as published files when that version is released. For benchmarks such
    /// as listing a dataset of 10,000 files. Returns the new file ids.
    pub fn generate_files(&self, dataset: i64, count: usize) -> Result<Vec<i64>, Error> {
        let dir = self.inner.config.data_dir.clone();
        self.inner
            .store
            .blocking(|conn| store::files::generate(conn, &dir, dataset, count))
    }

    /// The whole HTTP application, including path normalisation (`/api/v1`, `//`, trailing
    /// `/`), Dataverse-style 404/405/413/500 bodies and panic catching.
    ///
    /// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` (as [`Server`]
    /// does): the `localhost-only` policy of the blocked endpoints reads the client's
    /// address from there, and refuses when it is missing.
    pub fn router(&self) -> axum::Router {
        routes::app(self.clone())
    }

    /// The configuration this emulator was opened with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The cached blocked-endpoints policy (forget it when a setting changes).
    pub(crate) fn blocked_cache(&self) -> &blocked_api::Cache {
        &self.inner.blocked
    }

    pub(crate) fn blocks(&self) -> &Blocks {
        &self.inner.blocks
    }

    /// The S3 store's settings, when one is configured.
    pub(crate) fn s3_config(&self) -> Option<&S3Config> {
        self.inner.config.s3.as_ref()
    }

    /// The S3 bucket and its settings, when an S3 store is configured.
    pub(crate) fn s3(&self) -> Option<(&storage::s3::Bucket, &S3Config)> {
        Some((self.inner.bucket.as_ref()?, self.inner.config.s3.as_ref()?))
    }
}

/// A running HTTP server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Bind `addr` (port 0 picks a free port) and serve the emulator on a spawned task.
    /// Each request carries its TCP peer address (axum's `ConnectInfo`), which the
    /// blocked-endpoints policy reads.
    pub async fn start(emulator: Emulator, addr: SocketAddr) -> Result<Server, Error> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let local = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = emulator.router();
        let task = tokio::spawn(async move {
            let result = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
            if let Err(e) = result {
                tracing::error!(error = %e, "server stopped with an error");
            }
        });
        Ok(Server {
            addr: local,
            shutdown: tx,
            task,
        })
    }

    /// `http://127.0.0.1:PORT` (the bound address).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop accepting connections, finish in-flight requests and wait for the task.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}
