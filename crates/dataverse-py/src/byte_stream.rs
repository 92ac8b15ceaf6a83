//! Bytes from the data access API handed to Python: a whole answer as `bytes`
//! (`call_bytes`), or a [`ByteStream`] read chunk by chunk (`open_byte_stream`), each wait with
//! the GIL released and cancellable like every call.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tokio::sync::Mutex;

use crate::args::Args;
use crate::calls::Call;
use crate::calls::access::{in_memory, stream};
use crate::client::Client;
use crate::errors::{error_json, invalid};
use crate::runtime::{CancelToken, block};

/// The answer of a byte call: the bytes, or the error as JSON text.
fn answer(
    py: Python<'_>,
    result: Result<Py<PyAny>, dataverse_client::Error>,
) -> PyResult<Py<PyAny>> {
    Ok(match result {
        Ok(v) => v,
        Err(e) => error_json(&e)
            .to_string()
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    })
}

/// Run the method `method` that `lookup` knows (`kind` names the family in the error for
/// a method it does not know) with the GIL released: its result, or the error.
fn run<T, L>(
    py: Python<'_>,
    client: &Client,
    kind: &'static str,
    lookup: L,
    method: String,
    args: &str,
    cancel: Option<&CancelToken>,
) -> PyResult<Result<T, dataverse_client::Error>>
where
    T: Send + 'static,
    L: for<'a> Fn(&str, &'a Call) -> Option<CallFut<'a, T>> + Send + 'static,
{
    let call = match Args::parse(args) {
        Ok(args) => Call {
            api: client.shared_api(),
            args,
            progress: None,
        },
        Err(e) => return Ok(Err(e)),
    };
    block(py, cancel, async move {
        match lookup(&method, &call) {
            Some(fut) => fut.await,
            None => Err(invalid(format!("NativeApi has no {kind} method {method}"))),
        }
    })
}

/// A byte or stream method's future.
type CallFut<'a, T> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<T, dataverse_client::Error>> + Send + 'a>,
>;

/// Run the byte method `method` (`get_datafile`, `get_datafiles`,
/// `download_all_datafiles`, `get_datafile_bundle`): its bytes, or the error as JSON text.
#[pyfunction]
#[pyo3(signature = (client, method, args, cancel=None))]
fn call_bytes(
    py: Python<'_>,
    client: PyRef<'_, Client>,
    method: String,
    args: &str,
    cancel: Option<PyRef<'_, CancelToken>>,
) -> PyResult<Py<PyAny>> {
    let result = run(
        py,
        &client,
        "byte",
        in_memory,
        method,
        args,
        cancel.as_deref(),
    )?;
    let result = result.map(|b| PyBytes::new(py, &b).into_any().unbind());
    answer(py, result)
}

/// Start the stream method `method` (`stream_datafile`, `stream_datafiles`,
/// `stream_all_datafiles`): a [`ByteStream`] once the server has answered, or the error
/// as JSON text.
#[pyfunction]
#[pyo3(signature = (client, method, args, cancel=None))]
fn open_byte_stream(
    py: Python<'_>,
    client: PyRef<'_, Client>,
    method: String,
    args: &str,
    cancel: Option<PyRef<'_, CancelToken>>,
) -> PyResult<Py<PyAny>> {
    let result = run(
        py,
        &client,
        "stream",
        stream,
        method,
        args,
        cancel.as_deref(),
    )?;
    let result = result.and_then(|s| {
        Py::new(
            py,
            ByteStream {
                inner: Arc::new(Mutex::new(Some(s))),
            },
        )
        .map(|p| p.into_any())
        .map_err(|e| invalid(format!("cannot hand over the stream: {e}")))
    });
    answer(py, result)
}

/// A download as it arrives: `next_chunk()` gives the next chunk of bytes, `None` at the
/// end, or an error as JSON text; `close()` (or dropping it) ends the transfer.
#[pyclass(module = "dataverse_rs._native", frozen)]
pub struct ByteStream {
    inner: Arc<Mutex<Option<dataverse_client::api::access::ByteStream>>>,
}

#[pymethods]
impl ByteStream {
    /// The next chunk (never empty), `None` at the end, or the error as JSON text.
    #[pyo3(signature = (cancel=None))]
    fn next_chunk(
        &self,
        py: Python<'_>,
        cancel: Option<PyRef<'_, CancelToken>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        use futures_util::StreamExt;
        let inner = self.inner.clone();
        let next = block(py, cancel.as_deref(), async move {
            let mut guard = inner.lock().await;
            let s = guard.as_mut()?;
            loop {
                match s.next().await {
                    Some(Ok(chunk)) if chunk.is_empty() => continue,
                    Some(Ok(chunk)) => return Some(Ok(chunk)),
                    Some(Err(e)) => {
                        *guard = None;
                        return Some(Err(e));
                    }
                    None => {
                        *guard = None;
                        return None;
                    }
                }
            }
        })?;
        match next {
            None => Ok(None),
            Some(Ok(chunk)) => Ok(Some(PyBytes::new(py, &chunk).into_any().unbind())),
            Some(Err(e)) => answer(py, Err(e)).map(Some),
        }
    }

    /// Stop the transfer (the connection is dropped); later reads give `None`.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let inner = self.inner.clone();
        block(py, None, async move {
            inner.lock().await.take();
        })
    }

    /// Whether the stream has ended or been closed.
    #[getter]
    fn closed(&self) -> bool {
        match self.inner.try_lock() {
            Ok(guard) => guard.is_none(),
            Err(_) => false,
        }
    }
}

/// Add the byte functions and class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ByteStream>()?;
    m.add_function(wrap_pyfunction!(call_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(open_byte_stream, m)?)?;
    Ok(())
}
