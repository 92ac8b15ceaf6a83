//! [`NativeApi`], its builder, and the one request path every endpoint goes through.
//!
//! An endpoint method only describes its request as a [`Request`] (method, path, query,
//! body, idempotent or not) and hands it to [`NativeApi::execute`] and friends. Those add
//! the token, send, follow redirects safely, retry, unwrap the Dataverse envelope, map
//! errors by meaning and decode with the JSON path of any failure. No endpoint retries or
//! checks a status by itself.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::checksum::{AtomicAlgorithm, ChecksumAlgorithm};
use crate::envelope::{self, Envelope};
use crate::error::{ApiError, Error, Result, TransportSource, WithCauses};
use crate::ids::PersistentOrId;
use crate::retry::{
    NoReconcile, Reconciled, RetryCallback, RetryNotice, RetryPolicy, Settled, may_have_landed,
    parse_retry_after,
};
use crate::secret::ApiToken;

/// Header that carries the API token.
pub const API_KEY_HEADER: &str = "X-Dataverse-key";

const DEFAULT_USER_AGENT: &str = concat!("dataverse-rs/", env!("CARGO_PKG_VERSION"));
const MAX_REDIRECTS: usize = 10;

/// The client of a Dataverse installation's Native API.
///
/// Cheap to clone (one shared HTTP connection pool inside); build one per installation and
/// share it between tasks.
///
/// ```no_run
/// # async fn demo() -> dataverse_client::Result<()> {
/// use dataverse_client::NativeApi;
/// let api = NativeApi::new("https://demo.dataverse.org")?;
/// let version = api.get_info_version().await?;
/// println!("{:?} {:?}", version.version, version.build);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct NativeApi {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    api_prefix: Vec<String>,
    token: Option<ApiToken>,
    retry: RetryPolicy,
    on_retry: Option<RetryCallback>,
    max_concurrency: usize,
    request_timeout: Duration,
    /// What uploads hash the bytes they send with: the algorithm the server last reported
    /// for an uploaded file.
    upload_checksum: AtomicAlgorithm,
    /// Whether each dataset's store takes direct uploads, as `uploadurls` answered.
    direct_offers: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

impl std::fmt::Debug for NativeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeApi")
            .field("base_url", &self.inner.base.as_str())
            .field("api_prefix", &self.inner.api_prefix.join("/"))
            .field("token_set", &self.inner.token.is_some())
            .field("max_concurrency", &self.inner.max_concurrency)
            .field("retry", &self.inner.retry)
            .field("upload_checksum", &self.upload_checksum_algorithm())
            .finish()
    }
}

/// Builder of a [`NativeApi`]; start with [`NativeApi::builder`].
#[derive(Clone)]
pub struct NativeApiBuilder {
    base_url: String,
    api_token: Option<ApiToken>,
    api_version: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    transfer_idle_timeout: Duration,
    max_concurrency: usize,
    retry: RetryPolicy,
    on_retry: Option<RetryCallback>,
    user_agent: String,
    allow_insecure_http: bool,
    upload_checksum: ChecksumAlgorithm,
}

impl std::fmt::Debug for NativeApiBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeApiBuilder")
            .field("base_url", &self.base_url)
            .field("token_set", &self.api_token.is_some())
            .field("api_version", &self.api_version)
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
}

impl NativeApiBuilder {
    /// The API token, sent as the `X-Dataverse-key` header to the configured host only.
    pub fn api_token(mut self, token: impl Into<ApiToken>) -> Self {
        self.api_token = Some(token.into());
        self
    }

    /// Like [`api_token`](Self::api_token), but `None` leaves the client anonymous.
    pub fn api_token_opt(mut self, token: Option<impl Into<ApiToken>>) -> Self {
        self.api_token = token.map(Into::into);
        self
    }

    /// The API version path segment: `None` (the default) sends `/api/...`, `Some("v1")`
    /// sends `/api/v1/...`. Dataverse treats both the same.
    pub fn api_version(mut self, version: Option<impl Into<String>>) -> Self {
        self.api_version = version.map(Into::into);
        self
    }

    /// How long opening a connection may take. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole ordinary request may take, body included. Default 60 s.
    /// Uploads and downloads are not bound by it, only by the idle timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long a connection may stay silent while reading (uploads and downloads use this
    /// instead of a total timeout). Default 60 s.
    pub fn transfer_idle_timeout(mut self, timeout: Duration) -> Self {
        self.transfer_idle_timeout = timeout;
        self
    }

    /// How many requests bulk methods run at once. Default 8; 0 is treated as 1.
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// The retry policy. Default [`RetryPolicy::default`] (6 attempts).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Call `notice` before each retry, with what failed and how long the client waits
    /// (to tell a user why a command pauses). It runs on the request's task: keep it short.
    ///
    /// ```no_run
    /// let api = dataverse_client::NativeApi::builder("https://demo.dataverse.org")
    ///     .on_retry(|n| eprintln!("{} {}: retrying in {:?}", n.method, n.url, n.delay))
    ///     .build()?;
    /// # Ok::<(), dataverse_client::Error>(())
    /// ```
    pub fn on_retry(mut self, notice: impl Fn(&RetryNotice<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(notice));
        self
    }

    /// The `User-Agent` header. Default `dataverse-rs/<version>`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Allow sending the token over plain `http://` to a host that is not loopback.
    /// Off by default: the token would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The checksum algorithm uploads compute while they send, until the server reports
    /// the one it uses (`:FileFixityChecksumAlgorithm`). Default MD5. Setting the server's
    /// algorithm spares the first upload a second read of its file to verify it; see
    /// [`NativeApi::upload_checksum_algorithm`].
    pub fn upload_checksum_algorithm(mut self, algorithm: ChecksumAlgorithm) -> Self {
        self.upload_checksum = algorithm;
        self
    }

    /// Build the client.
    ///
    /// The base URL is the installation's address, with or without a path prefix
    /// (`https://host/dv`); a trailing `/api` or `/api/v1` (the API's own prefix, which
    /// the client adds itself) is dropped, so `https://host/api/` works as well.
    ///
    /// Fails with [`Error::InvalidArgument`] for a base URL that is not `http(s)://host[/path]`
    /// (one without a scheme gets a suggestion: "did you mean https://...?"), or for a token
    /// that would go over plain http to a non-loopback host.
    pub fn build(self) -> Result<NativeApi> {
        let mut base = parse_base_url(&self.base_url)?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(Error::InvalidArgument(format!(
                "base URL '{base}' must be http:// or https:// with a host"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::InvalidArgument(format!(
                "base URL '{base}' must not have a query or fragment"
            )));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(Error::InvalidArgument(
                "base URL must not contain user credentials; use an API token".into(),
            ));
        }
        // Normalise "https://host/prefix/" to "https://host/prefix", and drop the API's own
        // prefix ("/api", "/api/v1"): the client adds it to every request.
        let trimmed = strip_api_suffix(base.path().trim_end_matches('/')).to_string();
        base.set_path(&trimmed);
        if self.api_token.is_some()
            && base.scheme() == "http"
            && !self.allow_insecure_http
            && !is_loopback(&base)
        {
            return Err(Error::InvalidArgument(format!(
                "refusing to send the API token over plain http to {}; use https, or allow insecure http explicitly",
                base.host_str().unwrap_or_default()
            )));
        }
        let mut api_prefix = vec!["api".to_string()];
        if let Some(v) = self
            .api_version
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            if !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
            {
                return Err(Error::InvalidArgument(format!(
                    "API version '{v}' is not a path segment"
                )));
            }
            api_prefix.push(v.to_string());
        }
        ensure_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(self.user_agent)
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.transfer_idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::InvalidArgument(format!("cannot build the HTTP client: {e}")))?;
        Ok(NativeApi {
            inner: Arc::new(Inner {
                http,
                base,
                api_prefix,
                token: self.api_token,
                retry: self.retry,
                on_retry: self.on_retry,
                max_concurrency: self.max_concurrency,
                request_timeout: self.request_timeout,
                upload_checksum: AtomicAlgorithm::new(self.upload_checksum),
                direct_offers: Default::default(),
            }),
        })
    }
}

/// Parse a base URL; one without a scheme (`demo.dataverse.org`, `localhost:8080`) gets a
/// suggestion with one.
fn parse_base_url(raw: &str) -> Result<Url> {
    let raw = raw.trim();
    if !raw.is_empty() && !raw.contains("://") {
        // `localhost:8080` parses as the scheme `localhost`: look for `://` instead.
        if let Ok(guess) = Url::parse(&format!("http://{raw}"))
            && guess.host_str().is_some()
        {
            let scheme = if is_loopback(&guess) { "http" } else { "https" };
            return Err(Error::InvalidArgument(format!(
                "base URL '{raw}' has no scheme: did you mean {scheme}://{raw}?"
            )));
        }
    }
    Url::parse(raw)
        .map_err(|e| Error::InvalidArgument(format!("base URL '{raw}' is not a URL: {e}")))
}

/// `path` without a trailing `/api` or `/api/v1` segment pair (case as given).
fn strip_api_suffix(path: &str) -> &str {
    for suffix in ["/api/v1", "/api"] {
        if let Some(rest) = path.strip_suffix(suffix) {
            return rest;
        }
    }
    path
}

fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread that installed a provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// `application/json`.
    Json(Value),
    /// `multipart/form-data`, built afresh for every attempt.
    Multipart(MultipartBody),
    /// A plain text body (a storage driver's label, say).
    Text(String),
}

/// Builds the multipart form of one attempt (a retry reopens a file, say).
pub(crate) type FormFactory = Arc<dyn Fn() -> Result<reqwest::multipart::Form> + Send + Sync>;

/// A multipart body: the factory of its form, and whether it can be built more than once.
#[derive(Clone)]
pub(crate) struct MultipartBody {
    /// Called once per attempt.
    pub form: FormFactory,
    /// False when the form can only be built once (a reader that cannot be rewound):
    /// the request is then never re-sent by the retry loop.
    pub rebuildable: bool,
}

impl std::fmt::Debug for MultipartBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultipartBody")
            .field("rebuildable", &self.rebuildable)
            .finish_non_exhaustive()
    }
}

/// One API call, described as plain data (testable without a server).
///
/// Built from its method and first path segment, then segment by segment:
///
/// ```text
/// Request::get("datasets").id(&id).seg("versions").seg(version)
/// ```
///
/// [`id`](Self::id) adds a dataset's or file's segment together with the query parameter a
/// `:persistentId` segment needs, so one is never sent without the other.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    /// Path segments after `/api[/v1]`, each percent-encoded when the URL is built.
    path: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// Whether sending it twice has the effect of sending it once.
    pub idempotent: bool,
    /// Extra request headers (e.g. `Range`).
    pub headers: Vec<(String, String)>,
    /// A transfer (upload or download): no total request timeout, only the connect
    /// timeout and the read-idle timeout apply.
    pub transfer: bool,
}

impl Request {
    /// A request of `method` whose path starts with the segment `path` (`"datasets"`); sending it twice has the
    /// effect of sending it once when `idempotent`.
    fn new(method: Method, path: &str, idempotent: bool) -> Self {
        Request {
            method,
            path: vec![path.to_string()],
            query: Vec::new(),
            body: None,
            idempotent,
            headers: Vec::new(),
            transfer: false,
        }
    }

    /// A GET (idempotent).
    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path, true)
    }

    /// A POST that creates or adds something: never re-sent once it may have reached the server.
    pub fn post(path: &str) -> Self {
        Self::new(Method::POST, path, false)
    }

    /// A PUT (idempotent).
    pub fn put(path: &str) -> Self {
        Self::new(Method::PUT, path, true)
    }

    /// A DELETE (idempotent).
    pub fn delete(path: &str) -> Self {
        Self::new(Method::DELETE, path, true)
    }

    /// Append a path segment (percent-encoded when the URL is built): a name, a number, a
    /// [`Version`](crate::ids::Version), a [`CollectionId`](crate::ids::CollectionId), ...
    ///
    /// Never `:persistentId`: [`id`](Self::id) adds that segment with its query parameter.
    pub fn seg(mut self, segment: impl std::fmt::Display) -> Self {
        // No check for `:persistentId` here: a segment may come from a caller's data (a
        // block name, say), and a library does not panic on data.
        self.path.push(segment.to_string());
        self
    }

    /// Append the segment naming a dataset or file: its number, or `:persistentId` together
    /// with the `persistentId` query parameter that carries the PID.
    pub fn id(mut self, id: &PersistentOrId) -> Self {
        match id {
            PersistentOrId::Id(n) => self.path.push(n.to_string()),
            PersistentOrId::Pid(pid) => {
                self.path.push(":persistentId".into());
                self.query
                    .push(("persistentId".into(), pid.as_str().to_string()));
            }
        }
        self
    }

    /// Add a query parameter.
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// Set a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    /// Set a plain text body.
    pub fn text(mut self, body: impl Into<String>) -> Self {
        self.body = Some(Body::Text(body.into()));
        self
    }

    /// Add a request header.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Mark as a transfer: no total timeout (connect and read-idle timeouts still apply).
    pub fn transfer(mut self) -> Self {
        self.transfer = true;
        self
    }
}

/// What one attempt produced: a 2xx response ready to be read, or an error.
struct Attempt {
    response: reqwest::Response,
    url: Url,
}

impl NativeApi {
    /// A client for `base_url` with default settings and no token.
    ///
    /// ```no_run
    /// let api = dataverse_client::NativeApi::new("https://demo.dataverse.org")?;
    /// # Ok::<(), dataverse_client::Error>(())
    /// ```
    pub fn new(base_url: impl Into<String>) -> Result<Self> {
        Self::builder(base_url).build()
    }

    /// A builder for `base_url`.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// let api = dataverse_client::NativeApi::builder("https://dataverse.example.edu")
    ///     .api_token("your-api-token-here")
    ///     .max_concurrency(16)
    ///     .request_timeout(Duration::from_secs(30))
    ///     .build()?;
    /// # Ok::<(), dataverse_client::Error>(())
    /// ```
    pub fn builder(base_url: impl Into<String>) -> NativeApiBuilder {
        NativeApiBuilder {
            base_url: base_url.into(),
            api_token: None,
            api_version: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            transfer_idle_timeout: Duration::from_secs(60),
            max_concurrency: 8,
            retry: RetryPolicy::default(),
            on_retry: None,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            allow_insecure_http: false,
            upload_checksum: ChecksumAlgorithm::default(),
        }
    }

    /// The base URL of the installation.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// Whether an API token is configured.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    /// How many requests bulk methods run at once.
    pub fn max_concurrency(&self) -> usize {
        self.inner.max_concurrency
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The checksum algorithm the next upload computes while it sends: the one the
    /// server last reported for a file uploaded through this client or its clones (the
    /// builder's [`upload_checksum_algorithm`](NativeApiBuilder::upload_checksum_algorithm),
    /// MD5 by default, until then). When the server answers with another algorithm the
    /// upload is verified by reading a path source once more; a reader source then stays
    /// unverified.
    pub fn upload_checksum_algorithm(&self) -> ChecksumAlgorithm {
        self.inner.upload_checksum.load()
    }

    /// Make the next uploads (of this client and its clones) compute `algorithm` while they
    /// send: what the server's `:FileFixityChecksumAlgorithm` is set to, when known. Uploads
    /// also set it themselves from each answer.
    pub fn set_upload_checksum_algorithm(&self, algorithm: ChecksumAlgorithm) {
        self.inner.upload_checksum.store(algorithm);
    }

    /// The HTTP client (for presigned object-store URLs, which take no API token).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Whether each dataset's store takes direct uploads, as far as known.
    pub(crate) fn direct_offers(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, bool>> {
        crate::background::lock(&self.inner.direct_offers)
    }

    pub(crate) fn token(&self) -> Option<&ApiToken> {
        self.inner.token.as_ref()
    }

    /// The full URL of a request (no secret is ever part of it).
    pub(crate) fn url_for(&self, req: &Request) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty();
            for s in &self.inner.api_prefix {
                segs.push(s);
            }
            for s in &req.path {
                segs.push(s);
            }
        }
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(req.query.iter());
        }
        url
    }

    /// A GET of a URL the server handed out under this client's API root (the signed URL
    /// a download with a guestbook response answers with), its query kept in order.
    /// `None` when the URL is not on this server.
    pub(crate) fn request_for_url(&self, url: &Url) -> Option<Request> {
        let base = &self.inner.base;
        if url.scheme() != base.scheme()
            || url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return None;
        }
        let mut root: Vec<String> = base
            .path_segments()
            .map(|s| s.filter(|x| !x.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        root.extend(self.inner.api_prefix.iter().cloned());
        let segs: Vec<String> = url.path_segments()?.map(percent_decoded).collect();
        if segs.len() <= root.len() || segs[..root.len()] != root[..] {
            return None;
        }
        let mut req = Request::get(&segs[root.len()]);
        for s in &segs[root.len() + 1..] {
            req = req.seg(s);
        }
        req.query = url.query_pairs().into_owned().collect();
        Some(req)
    }

    /// Send, retry, and return the decoded `data` of the envelope.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let req = &req;
        self.run(req, |attempt| async move {
            let bytes = read_body(&req.method, &attempt.url, attempt.response).await?;
            // Fast path: decode `data` straight from the bytes. Anything unusual (not an
            // OK envelope, a decode failure) goes the careful way for a precise error.
            if let Ok(env) = serde_json::from_slice::<envelope::Typed<T>>(&bytes)
                && env.status == "OK"
            {
                return Ok(env.data);
            }
            let env = envelope::parse(&bytes)
                .map_err(|message| Error::decode(&req.method, &attempt.url, ".", message))?;
            decode(req, &attempt.url, env.data)
        })
        .await
    }

    /// Send, retry, and return the whole envelope (for a `message` beside `data`).
    pub(crate) async fn execute_envelope(&self, req: &Request) -> Result<(Envelope, Url)> {
        self.run(req, |attempt| read_envelope(req, attempt)).await
    }

    /// Send, retry, and return the success message (`data.message`, or a top-level
    /// `message` as a string or `{"message": ...}`), with the PID where Dataverse echoes
    /// `:persistentId`.
    pub(crate) async fn execute_message(&self, req: Request) -> Result<String> {
        let (env, url) = self.execute_envelope(&req).await?;
        let message = env.message_text().ok_or_else(|| {
            Error::decode(
                &req.method,
                &url,
                "data.message",
                "the response carries no message",
            )
        })?;
        Ok(name_the_pid(message, &req))
    }

    /// Send, retry, and return a body that is not wrapped in an envelope as text.
    pub(crate) async fn execute_text(&self, req: Request) -> Result<String> {
        let req = &req;
        self.run(req, |attempt| async move {
            let bytes = read_body(&req.method, &attempt.url, attempt.response).await?;
            String::from_utf8(bytes).map_err(|e| {
                Error::decode(
                    &req.method,
                    &attempt.url,
                    ".",
                    format!("the body is not UTF-8: {e}"),
                )
            })
        })
        .await
    }

    /// Send, retry (sending and non-2xx answers only), and hand back the 2xx response
    /// unread, for streaming its body. Reading the body is the caller's business, including
    /// recovering from a body cut off half-way.
    pub(crate) async fn execute_response(&self, req: Request) -> Result<reqwest::Response> {
        self.run(&req, |attempt| async move { Ok(attempt.response) })
            .await
    }

    /// The retry loop ([`run_with`](Self::run_with)) of an ordinary request, without a
    /// reconcile hook: run `read` on each successful response; retry retryable failures of
    /// sending and of reading alike.
    async fn run<T, F, Fut>(&self, req: &Request, read: F) -> Result<T>
    where
        F: Fn(Attempt) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.run_with(req, read, None::<NoReconcile<T>>).await
    }

    /// [`execute_envelope`](Self::execute_envelope) for a request that is not idempotent
    /// but can be checked on: after a failure that may have reached the server,
    /// `reconcile` says whether it landed (the request then ends with what it found),
    /// did not (it is sent again under the retry policy, when its body can be rebuilt), or
    /// cannot be told (the request ends with the failure).
    pub(crate) async fn execute_envelope_with<L, R, RFut>(
        &self,
        req: &Request,
        reconcile: R,
    ) -> Result<Settled<(Envelope, Url), L>>
    where
        R: Fn(&Error) -> RFut,
        RFut: std::future::Future<Output = Result<Reconciled<L>>>,
    {
        let reconcile = |err: &Error| {
            let found = reconcile(err);
            async move { Ok(found.await?.map(Settled::Found)) }
        };
        self.run_with(
            req,
            |attempt| async move { read_envelope(req, attempt).await.map(Settled::Answered) },
            Some(reconcile),
        )
        .await
    }

    /// The one retry loop, under the client's [`RetryPolicy`]: run `read` on each
    /// successful response; retry retryable failures of sending and of reading alike.
    /// With a `reconcile` hook, a failure that may have reached the server
    /// ([`may_have_landed`]) is first checked on with it: a request found to have landed
    /// ends with the hook's result, one found not to have landed is sent again like a
    /// request that never left (when its body can be rebuilt and attempts are left).
    async fn run_with<T, F, Fut, R, RFut>(
        &self,
        req: &Request,
        read: F,
        reconcile: Option<R>,
    ) -> Result<T>
    where
        F: Fn(Attempt) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
        R: Fn(&Error) -> RFut,
        RFut: std::future::Future<Output = Result<Reconciled<T>>>,
    {
        let policy = &self.inner.retry;
        let mut attempt_no: u32 = 1;
        let mut previous_delay = None;
        loop {
            let outcome = match self.send_once(req).await {
                Ok(attempt) => read(attempt).await,
                Err(e) => Err(e),
            };
            let err = match outcome {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let mut not_landed = false;
            if let Some(reconcile) = &reconcile
                && may_have_landed(&err)
            {
                match reconcile(&err).await? {
                    Reconciled::Landed(v) => return Ok(v),
                    Reconciled::Unknown => return Err(err),
                    Reconciled::NotLanded => not_landed = true,
                }
            }
            let retry = if not_landed {
                // Known to have had no effect: only a body that cannot be rebuilt stops it.
                !matches!(&req.body, Some(Body::Multipart(m)) if !m.rebuildable)
            } else {
                may_retry(req, &err)
            };
            // A server that cannot be reached at all gets fewer attempts (see RetryPolicy).
            let max_attempts = policy.attempts_for(&err);
            if attempt_no >= max_attempts || !retry {
                if attempt_no > 1 {
                    tracing::warn!(method = %req.method, url = %self.url_for(req), attempts = attempt_no, error = %WithCauses(&err), "giving up");
                }
                return Err(err);
            }
            let delay = match &err {
                Error::RateLimited {
                    retry_after: Some(d),
                    ..
                } => (*d).min(policy.max_retry_after),
                _ if err.unreachable().is_some() => policy.base_delay,
                _ => policy.next_delay(previous_delay),
            };
            let url = self.url_for(req);
            tracing::warn!(
                method = %req.method,
                url = %url,
                attempt = attempt_no,
                max_attempts,
                delay_ms = delay.as_millis() as u64,
                error = %WithCauses(&err),
                "request failed, retrying"
            );
            if let Some(notice) = &self.inner.on_retry {
                notice(&RetryNotice {
                    method: req.method.as_str(),
                    url: url.as_str(),
                    error: &err,
                    next_attempt: attempt_no + 1,
                    max_attempts,
                    delay,
                });
            }
            tokio::time::sleep(delay).await;
            previous_delay = Some(delay);
            attempt_no += 1;
        }
    }

    /// One attempt: send (following redirects, the token only to the configured origin),
    /// and turn a non-2xx answer into an [`Error`].
    async fn send_once(&self, req: &Request) -> Result<Attempt> {
        let mut url = self.url_for(req);
        let mut method = req.method.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut builder = self.inner.http.request(method.clone(), url.clone());
            if !req.transfer {
                builder = builder.timeout(self.inner.request_timeout);
            }
            for (name, value) in &req.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let token_sent = self.inner.token.is_some() && same_origin(&url, &self.inner.base);
            if let Some(token) = &self.inner.token
                && token_sent
            {
                let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                    Error::InvalidArgument(
                        "the API token contains characters not allowed in a header".into(),
                    )
                })?;
                value.set_sensitive(true);
                builder = builder.header(API_KEY_HEADER, value);
            }
            if method == req.method {
                match &req.body {
                    Some(Body::Json(v)) => builder = builder.json(v),
                    Some(Body::Multipart(m)) => builder = builder.multipart((m.form)()?),
                    Some(Body::Text(t)) => {
                        builder = builder
                            .header(reqwest::header::CONTENT_TYPE, "text/plain")
                            .body(t.clone())
                    }
                    None => {}
                }
            }
            tracing::debug!(method = %method, url = %url, "sending");
            let response = builder
                .send()
                .await
                .map_err(|e| transport_error(&method, &url, e))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(next) = redirect_target(&url, response.headers()) else {
                    return Err(Error::from_status(
                        api_error(
                            &method,
                            &url,
                            status,
                            "redirect without a usable Location header".into(),
                            token_sent,
                        ),
                        None,
                    ));
                };
                // Only safe methods follow a redirect; a 303 turns anything into a GET.
                if status == StatusCode::SEE_OTHER {
                    method = Method::GET;
                } else if !(method == Method::GET || method == Method::HEAD) {
                    return Err(Error::from_status(
                        api_error(
                            &method,
                            &url,
                            status,
                            format!("unexpected redirect to {}", strip_query(&next)),
                            token_sent,
                        ),
                        None,
                    ));
                }
                if !same_origin(&next, &self.inner.base) {
                    tracing::debug!(to = %strip_query(&next), "redirect to another host: the token is not sent there");
                }
                url = next;
                continue;
            }
            if status.is_success() {
                return Ok(Attempt { response, url });
            }
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let bytes = response.bytes().await.unwrap_or_default();
            let mut message = envelope::error_message(&bytes);
            if let Some(token) = &self.inner.token {
                message = crate::secret::redact(&message, token.expose());
            }
            let message = name_the_pid(message, req);
            return Err(Error::from_status(
                api_error(&method, &url, status, message, token_sent),
                retry_after,
            ));
        }
        Err(Error::Transport {
            method: req.method.to_string(),
            url: self.url_for(req).to_string(),
            message: format!("more than {MAX_REDIRECTS} redirects"),
            maybe_sent: true,
            timeout: false,
            source: None,
        })
    }
}

fn may_retry(req: &Request, err: &Error) -> bool {
    if !err.is_retryable() {
        return false;
    }
    if let Some(Body::Multipart(m)) = &req.body
        && !m.rebuildable
    {
        return false;
    }
    if req.idempotent {
        return true;
    }
    // Not idempotent: only when the request certainly had no effect.
    matches!(
        err,
        Error::Transport {
            maybe_sent: false,
            ..
        } | Error::RateLimited { .. }
    )
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Option<Url> {
    let loc = headers.get(LOCATION)?.to_str().ok()?;
    let next = current.join(loc).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

fn strip_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

fn api_error(
    method: &Method,
    url: &Url,
    status: StatusCode,
    message: String,
    token_sent: bool,
) -> ApiError {
    ApiError {
        status: status.as_u16(),
        message,
        method: method.to_string(),
        url: url.to_string(),
        token_sent,
    }
}

/// A server message with the request's PID where Dataverse echoes the literal path
/// segment `:persistentId` ("Draft version of dataset :persistentId deleted").
fn name_the_pid(message: String, req: &Request) -> String {
    match req.query.iter().find(|(k, _)| k == "persistentId") {
        Some((_, pid)) if message.contains(":persistentId") => {
            message.replace(":persistentId", pid)
        }
        _ => message,
    }
}

/// The [`Error::Transport`] of a failed `method` to `url`: what kind of failure, and the
/// HTTP stack's error as its source.
/// A URL path segment with its `%XX` escapes decoded.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(h) = std::str::from_utf8(&b[i + 1..i + 3])
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn transport_error(method: &Method, url: &Url, e: reqwest::Error) -> Error {
    let unreachable = e
        .is_connect()
        .then(|| crate::error::Unreachable::classify(&e))
        .flatten();
    Error::Transport {
        method: method.to_string(),
        url: url.to_string(),
        message: unreachable
            .map_or_else(|| transport_kind(&e), |u| u.message())
            .to_string(),
        maybe_sent: !e.is_connect(),
        timeout: e.is_timeout(),
        source: Some(TransportSource::new(e)),
    }
}

/// The whole envelope of a 2xx answer, and the URL it came from.
async fn read_envelope(req: &Request, attempt: Attempt) -> Result<(Envelope, Url)> {
    let bytes = read_body(&req.method, &attempt.url, attempt.response).await?;
    let env = envelope::parse(&bytes)
        .map_err(|message| Error::decode(&req.method, &attempt.url, ".", message))?;
    Ok((env, attempt.url))
}

async fn read_body(method: &Method, url: &Url, response: reqwest::Response) -> Result<Vec<u8>> {
    response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| transport_error(method, url, e))
}

/// What kind of transport failure `e` is, in a few words (no URL).
pub(crate) fn transport_message(e: &reqwest::Error) -> String {
    transport_kind(e).to_string()
}

/// What kind of transport failure `e` is, without reqwest's URL (ours is carried separately).
fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the response body was cut off or unreadable"
    } else if e.is_request() {
        "the connection failed before an answer arrived"
    } else {
        "transport failure"
    }
}

/// Decode `value` into `T`, reporting the JSON path of a failure.
pub(crate) fn decode<T: DeserializeOwned>(req: &Request, url: &Url, value: Value) -> Result<T> {
    crate::lenient::decode(value).map_err(|e| {
        Error::decode(
            &req.method,
            url,
            e.path().to_string(),
            e.inner().to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PersistentOrId, Version};

    fn api(base: &str, version: Option<&str>) -> NativeApi {
        NativeApi::builder(base)
            .api_version(version)
            .build()
            .unwrap()
    }

    #[test]
    fn urls_without_and_with_version() {
        let req = Request::get("info").seg("version");
        assert_eq!(
            api("https://demo.dataverse.org", None)
                .url_for(&req)
                .as_str(),
            "https://demo.dataverse.org/api/info/version"
        );
        assert_eq!(
            api("https://demo.dataverse.org/", Some("v1"))
                .url_for(&req)
                .as_str(),
            "https://demo.dataverse.org/api/v1/info/version"
        );
        assert_eq!(
            api("https://host/dv/", None).url_for(&req).as_str(),
            "https://host/dv/api/info/version"
        );
    }

    #[test]
    fn pid_and_id_paths() {
        let a = api("https://h", None);
        let pid = PersistentOrId::parse("doi:10.5072/FK2/ABC&x=1").unwrap();
        let req = Request::get("datasets")
            .id(&pid)
            .seg("versions")
            .seg(Version::Draft);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/datasets/:persistentId/versions/:draft?persistentId=doi%3A10.5072%2FFK2%2FABC%26x%3D1"
        );
        let id = PersistentOrId::Id(42);
        let req = Request::get("datasets")
            .id(&id)
            .seg("versions")
            .seg(Version::parse("1.2").unwrap());
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/datasets/42/versions/1.2"
        );
    }

    #[test]
    fn the_pid_query_goes_with_other_parameters() {
        let a = api("https://h", Some("v1"));
        let pid = PersistentOrId::parse("hdl:1902.1/12345").unwrap();
        let req = Request::put("files")
            .id(&pid)
            .seg("metadata")
            .query("dryRun", true);
        assert_eq!(req.method, Method::PUT);
        assert!(req.idempotent);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/v1/files/:persistentId/metadata?persistentId=hdl%3A1902.1%2F12345&dryRun=true"
        );
        let req = Request::post("dataverses")
            .seg(crate::ids::CollectionId::Root)
            .seg("datasets")
            .seg(":import");
        assert!(!req.idempotent);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/v1/dataverses/:root/datasets/:import"
        );
    }

    #[test]
    fn path_segments_are_encoded() {
        let a = api("https://h", None);
        let req = Request::get("metadatablocks").seg("a/b c");
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/metadatablocks/a%2Fb%20c"
        );
    }

    #[test]
    fn token_over_plain_http_is_refused_except_loopback() {
        let token = "5e1f0a9c-plain-http-token-7b3d";
        let err = NativeApi::builder("http://dataverse.example.edu")
            .api_token(token)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument(ref m) if m.contains("plain http")),
            "{err}"
        );
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(token), "the token is shown: {shown}");
        }
        assert!(
            NativeApi::builder("http://dataverse.example.edu")
                .api_token("t")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(
            NativeApi::builder("http://127.0.0.1:8080")
                .api_token("t")
                .build()
                .is_ok()
        );
        assert!(
            NativeApi::builder("http://localhost:8080")
                .api_token("t")
                .build()
                .is_ok()
        );
        assert!(
            NativeApi::builder("http://[::1]:8080")
                .api_token("t")
                .build()
                .is_ok()
        );
        assert!(
            NativeApi::builder("http://dataverse.example.edu")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn bad_base_urls() {
        for bad in [
            "",
            "demo.dataverse.org",
            "ftp://h",
            "https://h/?q=1",
            "https://u:p@h",
        ] {
            assert!(
                matches!(NativeApi::new(bad), Err(Error::InvalidArgument(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let secret = "5b9d1b1e-aaaa-bbbb-cccc-0123456789ab";
        let a = NativeApi::builder("https://h")
            .api_token(secret)
            .build()
            .unwrap();
        let dbg = format!("{a:?}");
        assert!(dbg.contains("token_set: true"), "{dbg}");
        assert!(!dbg.contains(secret));
        let b = NativeApi::builder("https://h").api_token(secret);
        assert!(!format!("{b:?}").contains(secret));
    }

    #[tokio::test]
    async fn text_bodies_go_through_the_same_path() {
        use axum::routing::get;
        let router = axum::Router::new().route(
            "/api/dataverses/{id}/datasetSchema",
            get(|headers: axum::http::HeaderMap| async move {
                let key = headers.get(API_KEY_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                axum::Json(serde_json::json!({"$schema": "http://json-schema.org/draft-04/schema#", "key": key}))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let api = NativeApi::builder(format!("http://{addr}"))
            .api_token("tok")
            .build()
            .unwrap();
        let req = Request::get("dataverses").seg("root").seg("datasetSchema");
        let text = api.execute_text(req.clone()).await.unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        assert_eq!(schema["key"], "tok", "the token goes in the header");
        let err = api.execute::<Value>(req).await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { method, path, .. } if method == "GET" && path == "."),
            "{err:?}"
        );
    }

    #[test]
    fn retry_rules() {
        let get = Request::get("x");
        let post = Request::post("x");
        let sent = Error::Transport {
            method: "POST".into(),
            url: "u".into(),
            message: "reset".into(),
            maybe_sent: true,
            timeout: false,
            source: None,
        };
        let unsent = Error::Transport {
            method: "POST".into(),
            url: "u".into(),
            message: "refused".into(),
            maybe_sent: false,
            timeout: false,
            source: None,
        };
        let e503 = Error::from_status(
            ApiError {
                status: 503,
                message: "m".into(),
                method: "POST".into(),
                url: "u".into(),
                token_sent: false,
            },
            None,
        );
        assert!(may_retry(&get, &sent));
        assert!(may_retry(&get, &e503));
        assert!(!may_retry(&post, &sent));
        assert!(!may_retry(&post, &e503));
        assert!(may_retry(&post, &unsent));
    }

    #[test]
    fn the_api_prefix_in_a_base_url_is_dropped() {
        let req = Request::get("info").seg("version");
        for base in [
            "https://h/api",
            "https://h/api/",
            "https://h/api/v1",
            "https://h/api/v1/",
            " https://h/ ",
        ] {
            assert_eq!(
                api(base, None).url_for(&req).as_str(),
                "https://h/api/info/version",
                "{base}"
            );
        }
        // With an explicit version, and below a path prefix.
        assert_eq!(
            api("https://h/api/v1", Some("v1")).url_for(&req).as_str(),
            "https://h/api/v1/info/version"
        );
        assert_eq!(
            api("https://host/dv/api/v1/", None).url_for(&req).as_str(),
            "https://host/dv/api/info/version"
        );
        assert_eq!(
            api("https://h/api/", None).base_url().as_str(),
            "https://h/"
        );
        // Only a whole trailing `api` segment is the API's prefix.
        assert_eq!(
            api("https://h/myapi", None).url_for(&req).as_str(),
            "https://h/myapi/api/info/version"
        );
        assert_eq!(
            api("https://h/api/v2", None).url_for(&req).as_str(),
            "https://h/api/v2/api/info/version"
        );
    }

    #[test]
    fn a_base_url_without_a_scheme_gets_a_suggestion() {
        let message = |base: &str| match NativeApi::new(base) {
            Err(Error::InvalidArgument(m)) => m,
            other => panic!("{base}: {other:?}"),
        };
        assert_eq!(
            message("demo.dataverse.org"),
            "base URL 'demo.dataverse.org' has no scheme: did you mean https://demo.dataverse.org?"
        );
        assert_eq!(
            message("dataverse.example.edu/api/"),
            "base URL 'dataverse.example.edu/api/' has no scheme: did you mean https://dataverse.example.edu/api/?"
        );
        // A loopback address is most likely a local server over plain http.
        assert_eq!(
            message("localhost:8080"),
            "base URL 'localhost:8080' has no scheme: did you mean http://localhost:8080?"
        );
        assert_eq!(
            message("127.0.0.1:8080"),
            "base URL '127.0.0.1:8080' has no scheme: did you mean http://127.0.0.1:8080?"
        );
        // Not a host either: no suggestion.
        let m = message("not a url");
        assert!(m.starts_with("base URL 'not a url' is not a URL"), "{m}");
    }

    #[test]
    fn messages_name_the_pid_instead_of_its_path_segment() {
        let pid = PersistentOrId::parse("doi:10.5072/FK2/ABC").unwrap();
        let req = Request::delete("datasets")
            .id(&pid)
            .seg("versions")
            .seg(Version::Draft);
        assert_eq!(
            name_the_pid(
                "Draft version of dataset :persistentId deleted".into(),
                &req
            ),
            "Draft version of dataset doi:10.5072/FK2/ABC deleted"
        );
        // Dataverse's text for an unknown PID has no `:persistentId` in it.
        let unknown = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";
        assert_eq!(name_the_pid(unknown.into(), &req), unknown);
        // A numeric id leaves the message alone.
        let req = Request::delete("datasets").id(&PersistentOrId::Id(4));
        assert_eq!(
            name_the_pid(
                "Draft version of dataset :persistentId deleted".into(),
                &req
            ),
            "Draft version of dataset :persistentId deleted"
        );
    }

    /// The notices a client raised: `(next_attempt, max_attempts, delay)` each.
    type Notices = Arc<std::sync::Mutex<Vec<(u32, u32, Duration)>>>;

    /// A client of `base` whose retries are counted by the `on_retry` notices they raise.
    fn noticing(base: &str, policy: RetryPolicy) -> (NativeApi, Notices) {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = seen.clone();
        let api = NativeApi::builder(base)
            .retry_policy(policy)
            .on_retry(move |n| {
                s.lock()
                    .unwrap()
                    .push((n.next_attempt, n.max_attempts, n.delay))
            })
            .build()
            .unwrap();
        (api, seen)
    }

    #[tokio::test]
    async fn a_refused_connection_is_retried_once_and_fails_fast() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let (api, seen) = noticing(&format!("http://{addr}"), RetryPolicy::default());
        let start = std::time::Instant::now();
        let err = api.get_info_version().await.unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!(
            err.unreachable(),
            Some(crate::error::Unreachable::ConnectionRefused)
        );
        assert!(
            matches!(&err, Error::Transport { message, maybe_sent: false, .. } if message == "connection refused"),
            "{err:?}"
        );
        assert!(err.is_retryable(), "still a failure worth one retry");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![(2, 2, RetryPolicy::default().base_delay)],
            "one retry after base_delay"
        );
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");

        // The bound is the policy's.
        let (api, seen) = noticing(
            &format!("http://{addr}"),
            RetryPolicy::new()
                .max_unreachable_attempts(3)
                .base_delay(Duration::from_millis(1)),
        );
        api.get_info_version().await.unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 2);
        let (api, seen) = noticing(
            &format!("http://{addr}"),
            RetryPolicy::new().max_unreachable_attempts(1),
        );
        api.get_info_version().await.unwrap_err();
        assert!(seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_unknown_host_is_named_as_such() {
        // `.invalid` never resolves (RFC 6761).
        let (api, seen) = noticing(
            "http://dataverse.example.invalid",
            RetryPolicy::new().base_delay(Duration::from_millis(1)),
        );
        let err = api.get_info_version().await.unwrap_err();
        assert_eq!(
            err.unreachable(),
            Some(crate::error::Unreachable::UnknownHost),
            "{err:?}"
        );
        assert!(
            matches!(&err, Error::Transport { message, .. } if message == "unknown host"),
            "{err:?}"
        );
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn server_failures_keep_every_attempt_and_each_retry_is_noticed() {
        use axum::http::StatusCode;
        let router = axum::Router::new().route(
            "/api/info/version",
            axum::routing::get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(serde_json::json!({"status": "ERROR", "message": "busy"})),
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let (api, seen) = noticing(
            &format!("http://{addr}"),
            RetryPolicy::new()
                .max_attempts(4)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        );
        let err = api.get_info_version().await.unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(err.unreachable(), None);
        let attempts: Vec<(u32, u32)> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|(n, m, _)| (*n, *m))
            .collect();
        assert_eq!(attempts, vec![(2, 4), (3, 4), (4, 4)]);
    }

    #[tokio::test]
    async fn api_errors_say_whether_the_token_was_sent() {
        use axum::http::StatusCode;
        let router = axum::Router::new().route(
            "/api/dataverses/{id}",
            axum::routing::post(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"status": "ERROR", "message": "no"})),
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let req = Request::post("dataverses").seg("root");
        let anonymous = api(&format!("http://{addr}"), None);
        let err = anonymous.execute::<Value>(req.clone()).await.unwrap_err();
        assert!(
            matches!(&err, Error::Unauthorized(a) if !a.token_sent),
            "{err:?}"
        );
        let with_token = NativeApi::builder(format!("http://{addr}"))
            .api_token("tok")
            .build()
            .unwrap();
        let err = with_token.execute::<Value>(req).await.unwrap_err();
        assert!(
            matches!(&err, Error::Unauthorized(a) if a.token_sent),
            "{err:?}"
        );
    }
}
