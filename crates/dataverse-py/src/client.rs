//! The native client: one `NativeApi` and its calls by name.

use std::sync::Arc;
use std::time::Duration;

use dataverse_client::{NativeApi, RetryPolicy};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::Args;
use crate::calls::{Call, dispatch};
use crate::errors::error_json;
use crate::progress::Progress;
use crate::raise::raise;
use crate::runtime::{CancelToken, block};

/// The Rust `NativeApi` (the Python `NativeApi` wraps it).
#[pyclass(module = "dataverse_rs._native", frozen)]
pub struct Client {
    api: Arc<NativeApi>,
}

impl Client {
    /// The Rust client.
    pub(crate) fn api(&self) -> &NativeApi {
        &self.api
    }

    /// The Rust client, shared (for the byte calls of `streams`).
    pub(crate) fn shared_api(&self) -> Arc<NativeApi> {
        self.api.clone()
    }
}

#[pymethods]
impl Client {
    /// Build a client; a malformed URL or an unsafe token setting raises `InvalidArgument`.
    #[new]
    #[pyo3(signature = (base_url, api_token=None, api_version=None, max_concurrency=None,
        request_timeout=None, connect_timeout=None, allow_insecure_http=false, user_agent=None,
        max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        base_url: String,
        api_token: Option<String>,
        api_version: Option<String>,
        max_concurrency: Option<usize>,
        request_timeout: Option<f64>,
        connect_timeout: Option<f64>,
        allow_insecure_http: bool,
        user_agent: Option<String>,
        max_retries: Option<u32>,
    ) -> PyResult<Self> {
        let seconds = |name: &str, s: f64| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                raise(
                    "InvalidArgument",
                    &format!("{name} must be a positive number of seconds"),
                )
            })
        };
        let mut b = NativeApi::builder(base_url)
            .api_token_opt(api_token)
            .api_version(api_version)
            .allow_insecure_http(allow_insecure_http);
        if let Some(n) = max_concurrency {
            b = b.max_concurrency(n);
        }
        if let Some(s) = request_timeout {
            b = b.request_timeout(seconds("request_timeout", s)?);
        }
        if let Some(s) = connect_timeout {
            b = b.connect_timeout(seconds("connect_timeout", s)?);
        }
        if let Some(n) = max_retries {
            b = b.retry_policy(match n {
                0 => RetryPolicy::none(),
                n => RetryPolicy::new().max_attempts(n.saturating_add(1)),
            });
        }
        if let Some(agent) = user_agent {
            b = b.user_agent(agent);
        }
        let api = b
            .build()
            .map_err(|e| raise("InvalidArgument", &e.to_string()))?;
        Ok(Client { api: Arc::new(api) })
    }

    /// The base URL.
    #[getter]
    fn base_url(&self) -> String {
        self.api.base_url().to_string()
    }

    /// Whether a token is set.
    #[getter]
    fn has_token(&self) -> bool {
        self.api.has_token()
    }

    /// Call `method` with keyword arguments as a JSON object; the answer is JSON:
    /// `{"ok": result}` or `{"error": {...}}`.
    #[pyo3(signature = (method, args, cancel=None, progress=None))]
    fn call(
        &self,
        py: Python<'_>,
        method: String,
        args: &str,
        cancel: Option<PyRef<'_, CancelToken>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let args = match Args::parse(args) {
            Ok(a) => a,
            Err(e) => return Ok(error_json(&e).to_string()),
        };
        let progress = progress.map(Progress::new);
        let call = Call {
            api: self.api.clone(),
            args,
            progress: progress.clone(),
        };
        let answer = block(py, cancel.as_deref(), async move {
            match dispatch(&method, call).await {
                Ok(v) => format!(r#"{{"ok":{}}}"#, v.as_str()),
                Err(e) => error_json(&e).to_string(),
            }
        })?;
        if let Some(p) = progress {
            p.flush();
        }
        Ok(answer)
    }

    /// `datafiles_table` as Arrow IPC stream bytes, or the error as JSON text.
    #[pyo3(signature = (identifier, filter_mime_types, cancel=None))]
    fn datafiles_ipc(
        &self,
        py: Python<'_>,
        identifier: String,
        filter_mime_types: Vec<String>,
        cancel: Option<PyRef<'_, CancelToken>>,
    ) -> PyResult<Py<PyAny>> {
        let api = self.api.clone();
        let result = block(py, cancel.as_deref(), async move {
            crate::table::datafiles_ipc(&api, identifier, filter_mime_types).await
        })?;
        Ok(match result {
            Ok(bytes) => PyBytes::new(py, &bytes).into_any().unbind(),
            Err(e) => error_json(&e)
                .to_string()
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        })
    }
}
