//! The embedded Dataverse, served in-process on a free loopback port.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use dataverse_emulator::{Config, Emulator, FaultSpec, GenerateSpec, Server};
use pyo3::prelude::*;

use crate::local_s3::S3Store;
use crate::raise::raise;

/// A running embedded Dataverse (the Python `LocalDataverse` wraps it).
#[pyclass(module = "dataverse_rs._native", frozen)]
pub struct LocalServer {
    url: String,
    admin_token: String,
    builtin_users_key: String,
    emulator: Emulator,
    server: Mutex<Option<Server>>,
    /// The local S3 server of `s3=True`, stopped with the server.
    s3: Mutex<Option<S3Store>>,
    s3_endpoint: Option<String>,
    /// The runtime the server (and the S3 server) run on. It is the server's own, not the
    /// module's runtime that runs the client's calls: in one runtime the server's work
    /// queued behind the client's on the same two worker threads, and a 1 GiB upload from
    /// Python took 20 to 36% longer than the Rust library's against a server in another
    /// process. Shut down by `stop`, or when the object is dropped.
    server_runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Ok(mut rt) = self.server_runtime.lock()
            && let Some(rt) = rt.take()
        {
            // Without waiting: dropping may happen on any thread, even inside a runtime.
            rt.shutdown_background();
        }
    }
}

/// A runtime of its own for one local server.
fn server_runtime() -> PyResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("dataverse-rs-server")
        .build()
        .map_err(|e| local_error(format!("cannot start the server's tokio runtime: {e}")))
}

/// The folder of the local S3 server's buckets, under the data directory.
const S3_DIR: &str = "s3";

fn local_error(e: impl std::fmt::Display) -> PyErr {
    raise("LocalDataverseError", &e.to_string())
}

#[pymethods]
impl LocalServer {
    /// Open (or create) the data directory and serve it on `127.0.0.1` at a free port.
    #[new]
    #[pyo3(signature = (data_dir, latency_ms=0, faults=None, generate=None, admin_token=None,
        max_upload_bytes=None, s3=false, s3_part_size=None, guestbook_at_request=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        data_dir: String,
        latency_ms: u64,
        faults: Option<String>,
        generate: Option<String>,
        admin_token: Option<String>,
        max_upload_bytes: Option<u64>,
        s3: bool,
        s3_part_size: Option<u64>,
        guestbook_at_request: Option<bool>,
    ) -> PyResult<Self> {
        let faults = faults
            .map(|f| f.parse::<FaultSpec>())
            .transpose()
            .map_err(|e| raise("InvalidArgument", &format!("faults: {e}")))?;
        let generate = generate
            .map(|g| g.parse::<GenerateSpec>())
            .transpose()
            .map_err(|e| raise("InvalidArgument", &format!("generate: {e}")))?;
        let s3_root = std::path::Path::new(&data_dir).join(S3_DIR);
        let mut config = Config::new(data_dir);
        config.latency = Duration::from_millis(latency_ms);
        config.faults = faults;
        config.admin_token = admin_token;
        config.max_upload_bytes = max_upload_bytes;
        config.guestbook_at_request = guestbook_at_request;
        let rt = server_runtime()?;
        py.detach(|| {
            let store = if s3 {
                let (store, s3_config) = rt
                    .block_on(crate::local_s3::start(&s3_root, s3_part_size))
                    .map_err(local_error)?;
                config.s3 = Some(s3_config);
                Some(store)
            } else {
                None
            };
            let s3_endpoint = store.as_ref().map(|s| s.endpoint.clone());
            let emulator = Emulator::open(config).map_err(local_error)?;
            if let Some(spec) = &generate {
                emulator.generate(spec).map_err(local_error)?;
            }
            let admin_token = emulator.admin_token().map_err(local_error)?;
            let builtin_users_key = emulator.config().builtin_users_key.clone();
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            let server = rt
                .block_on(Server::start(emulator.clone(), addr))
                .map_err(local_error)?;
            Ok(LocalServer {
                url: server.base_url(),
                admin_token,
                builtin_users_key,
                emulator,
                server: Mutex::new(Some(server)),
                s3: Mutex::new(store),
                s3_endpoint,
                server_runtime: Mutex::new(Some(rt)),
            })
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The superuser `dataverseAdmin`'s API token.
    #[getter]
    fn admin_token(&self) -> String {
        self.admin_token.clone()
    }

    /// The key `POST /api/builtin-users` wants.
    #[getter]
    fn builtin_users_key(&self) -> String {
        self.builtin_users_key.clone()
    }

    /// The local S3 server's URL (`s3=True`), else `None`.
    #[getter]
    fn s3_endpoint(&self) -> Option<String> {
        self.s3_endpoint.clone()
    }

    /// Whether the server still runs.
    #[getter]
    fn running(&self) -> bool {
        self.server.lock().is_ok_and(|s| s.is_some())
    }

    /// Add `count` generated files to dataset `dataset_id` (database id); their ids.
    fn generate_files(&self, py: Python<'_>, dataset_id: i64, count: usize) -> PyResult<Vec<i64>> {
        py.detach(|| self.emulator.generate_files(dataset_id, count))
            .map_err(local_error)
    }

    /// Set a database setting (`:MaxFileUploadSizeInBytes`, ...).
    fn set_setting(&self, py: Python<'_>, name: &str, value: &str) -> PyResult<()> {
        py.detach(|| self.emulator.set_setting(name, value))
            .map_err(local_error)
    }

    /// Stop serving (finishing requests in flight); a second call does nothing.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let server = match self.server.lock() {
            Ok(mut s) => s.take(),
            Err(_) => None,
        };
        let rt = match self.server_runtime.lock() {
            Ok(mut rt) => rt.take(),
            Err(_) => None,
        };
        if let (Some(server), Some(rt)) = (server, &rt) {
            py.detach(|| rt.block_on(server.shutdown()));
        }
        if let Ok(mut s3) = self.s3.lock() {
            s3.take();
        }
        if let Some(rt) = rt {
            py.detach(|| rt.shutdown_timeout(Duration::from_secs(5)));
        }
        Ok(())
    }
}
