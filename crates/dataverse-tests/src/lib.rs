//! Helpers shared by the cross-crate tests: an embedded server per test, the real
//! fixtures, and the optional real installation of the conformance suite.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use dataverse_client::NativeApi;
use dataverse_emulator::{Config, Emulator};

pub mod s3;
pub mod unzip;

/// The real Dataverse fixtures (`../shared/dataverse-fixtures` beside the repository, or
/// `$DATAVERSE_FIXTURES_DIR`).
pub fn fixtures_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("DATAVERSE_FIXTURES_DIR") {
        return PathBuf::from(d);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dataverse-fixtures");
    assert!(
        dir.is_dir(),
        "the real fixtures are expected at {} (the shared/ folder beside the repository); set DATAVERSE_FIXTURES_DIR",
        dir.display()
    );
    dir
}

/// Read and parse one fixture file.
pub fn fixture_json(relative: &str) -> serde_json::Value {
    let path = fixtures_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// An embedded Dataverse on a free loopback port, with its own temporary data directory.
pub struct TestServer {
    server: Option<Running>,
    /// The superuser's token.
    pub admin_token: String,
    /// The server's base URL.
    pub base_url: String,
    /// The data directory (removed on drop).
    pub dir: tempfile::TempDir,
}

impl TestServer {
    /// Start one.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}, None, |router| router).await
    }

    /// Start one with a generated tree (`collections=N,datasets=M,depth=D[,seed=S]`).
    pub async fn start_generated(spec: &str) -> TestServer {
        Self::start_with(|_| {}, Some(spec), |router| router).await
    }

    /// Start one with an adjusted config, an optional generated tree, and extra layers
    /// around its router (e.g. a request counter or a failure).
    pub async fn start_with(
        adjust: impl FnOnce(&mut Config),
        generate: Option<&str>,
        wrap: impl FnOnce(axum::Router) -> axum::Router,
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(dir.path());
        adjust(&mut config);
        let emulator = Emulator::open(config).expect("open emulator");
        if let Some(spec) = generate {
            let spec: dataverse_emulator::GenerateSpec = spec.parse().expect("generate spec");
            emulator.generate(&spec).expect("generate");
        }
        let admin_token = emulator.admin_token().expect("admin token");
        let router = wrap(emulator.router());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // With the client's address, which the admin API's loopback-only policy reads.
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
        });
        TestServer {
            base_url: format!("http://{addr}"),
            server: Some(Running {
                stop: stop_tx,
                task,
            }),
            admin_token,
            dir,
        }
    }

    /// A client with the superuser's token.
    pub fn admin(&self) -> NativeApi {
        NativeApi::builder(&self.base_url)
            .api_token(self.admin_token.as_str())
            .build()
            .expect("client")
    }

    /// A client without a token.
    pub fn anonymous(&self) -> NativeApi {
        NativeApi::new(&self.base_url).expect("client")
    }

    /// Stop the server.
    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            let _ = s.stop.send(());
            let _ = s.task.await;
        }
    }
}

/// A benchmark's command line (after the `--` of `cargo bench`): the value of
/// `--OPTION VALUE` when given, and the positional arguments (flags such as the `--bench`
/// cargo adds are dropped).
pub fn bench_args(option: &str) -> (Option<String>, Vec<String>) {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let value = all
        .iter()
        .position(|a| a == option)
        .and_then(|i| all.get(i + 1).cloned());
    let positional = all
        .iter()
        .filter(|a| !a.starts_with("--") && Some(*a) != value.as_ref())
        .cloned()
        .collect();
    (value, positional)
}

/// A real installation to run the conformance suite against, from `DATAVERSE_URL` and
/// `DATAVERSE_API_TOKEN` (optional). The tests that use it are `#[ignore]`d and run
/// explicitly (`cargo test -p dataverse-tests --test conformance -- --ignored`), so an
/// unset or unusable `DATAVERSE_URL` fails them instead of passing without a check.
///
/// # Panics
/// When `DATAVERSE_URL` is unset, `local`, or not a valid base URL.
pub fn real_installation() -> NativeApi {
    let url = match std::env::var("DATAVERSE_URL") {
        Ok(url) if !url.trim().is_empty() && url != "local" => url,
        _ => panic!(
            "set DATAVERSE_URL to a real installation's base URL (and optionally \
             DATAVERSE_API_TOKEN) to run the conformance suite against it"
        ),
    };
    let token = std::env::var("DATAVERSE_API_TOKEN").ok();
    match NativeApi::builder(url).api_token_opt(token).build() {
        Ok(api) => api,
        Err(e) => panic!("DATAVERSE_URL is not a usable base URL: {e}"),
    }
}

/// The README's Rust examples, compiled as doctests here (this crate depends on both the
/// client and the embedded server) so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
