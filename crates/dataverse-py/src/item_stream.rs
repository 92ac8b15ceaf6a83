//! Streams of results for Python iterators (`search_stream`, `crawl_collection_stream`):
//! items handed over as the library yields them, in batches of those already arrived.
//! Closing the stream, dropping it, or cancelling a call of `next` drops the library's
//! stream, which stops its requests.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use dataverse_client::Error;
use futures_util::{FutureExt, Stream, StreamExt};
use pyo3::prelude::*;
use serde_json::{Value, json};

use crate::args::Args;
use crate::client::Client;
use crate::errors::{error_json, invalid};
use crate::runtime::{CancelToken, block, runtime};

/// A library stream with its items as JSON.
pub type Items = Pin<Box<dyn Stream<Item = Result<Value, Error>> + Send>>;

/// At most this many items per `next` (the first waited for, the others already there).
const BATCH: usize = 256;

/// Where a stream stands.
#[derive(Default)]
struct State {
    /// The library's stream; `None` once it ended, failed or was closed (or while a `next`
    /// call reads it).
    items: Option<Items>,
    /// An error that arrived behind items already handed over: the next batch.
    failed: Option<Error>,
    /// Set by `close`: a `next` in flight drops the stream when it is done.
    closed: bool,
    /// A `next` call has the stream out.
    reading: bool,
}

/// Marks the stream as being read until dropped, also when the reading call is cancelled
/// (its stream then dropped with it: the end).
struct Reading(Arc<Mutex<State>>);

impl Drop for Reading {
    fn drop(&mut self) {
        lock(&self.0).reading = false;
    }
}

/// A running stream of results (the Python iterators wrap it).
#[pyclass(module = "dataverse_rs._native", frozen)]
pub struct ItemStream {
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The next batch: waits for one item, then takes those already arrived.
async fn next_batch(state: Arc<Mutex<State>>) -> Value {
    let mut items = {
        let mut s = lock(&state);
        if s.reading {
            return error_json(&invalid("another call is reading this stream"));
        }
        if let Some(e) = s.failed.take() {
            return error_json(&e);
        }
        match s.items.take() {
            Some(items) => {
                s.reading = true;
                items
            }
            None => return json!({ "ok": [] }),
        }
    };
    let _reading = Reading(state.clone());
    let mut out = Vec::new();
    let mut failed = None;
    let mut ended = false;
    match items.next().await {
        None => ended = true,
        Some(Err(e)) => return error_json(&e),
        Some(Ok(v)) => out.push(v),
    }
    while !ended && failed.is_none() && out.len() < BATCH {
        match items.next().now_or_never() {
            Some(Some(Ok(v))) => out.push(v),
            Some(Some(Err(e))) => failed = Some(e),
            Some(None) => ended = true,
            None => break,
        }
    }
    let mut s = lock(&state);
    if !s.closed {
        if !ended && failed.is_none() {
            s.items = Some(items);
        }
        s.failed = failed;
    }
    json!({ "ok": out })
}

#[pymethods]
impl ItemStream {
    /// The next items as JSON: `{"ok": [...]}` (empty at the end) or `{"error": {...}}`
    /// (the stream then ends). Waits with the GIL released; a cancelled token or Ctrl-C
    /// stops the wait and closes the stream.
    #[pyo3(signature = (cancel=None))]
    fn next(&self, py: Python<'_>, cancel: Option<PyRef<'_, CancelToken>>) -> PyResult<String> {
        let state = self.state.clone();
        let answer = block(py, cancel.as_deref(), next_batch(state))?;
        Ok(answer.to_string())
    }

    /// Stop the stream: its requests are cancelled and `next` answers the end.
    fn close(&self) {
        let items = {
            let mut s = lock(&self.state);
            s.closed = true;
            s.failed = None;
            s.items.take()
        };
        // Dropped inside the runtime, which aborts the library's fetching task.
        if let Ok(rt) = runtime() {
            let _guard = rt.enter();
            drop(items);
        }
    }

    /// Whether the stream was closed.
    #[getter]
    fn closed(&self) -> bool {
        lock(&self.state).closed
    }
}

/// Open the stream `kind` (`search_stream` or `crawl_collection_stream`) with its keyword
/// arguments as a JSON object: the stream, or the error as JSON text.
#[pyfunction]
pub fn open_stream(
    py: Python<'_>,
    client: PyRef<'_, Client>,
    kind: &str,
    args: &str,
) -> PyResult<Py<PyAny>> {
    let rt = runtime()?;
    let opened = {
        // The library spawns the fetching task on the current runtime.
        let _guard = rt.enter();
        Args::parse(args).and_then(|a| crate::calls::streams::open(client.api(), kind, &a))
    };
    Ok(match opened {
        Ok(items) => Py::new(
            py,
            ItemStream {
                state: Arc::new(Mutex::new(State {
                    items: Some(items),
                    ..State::default()
                })),
            },
        )?
        .into_any(),
        Err(e) => error_json(&e)
            .to_string()
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    })
}

/// An unknown stream's error.
pub fn unknown(kind: &str) -> Error {
    invalid(format!("NativeApi has no stream {kind}"))
}
