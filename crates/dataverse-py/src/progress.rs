//! A Python progress callable, called from the runtime's threads as `callback(done, total)`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// At most this often, except for the final call (`done == total`).
const EVERY: Duration = Duration::from_millis(100);

/// A Python callable taking `(done, total)`; `total` is `None` when unknown.
#[derive(Clone)]
pub struct Progress {
    callback: Arc<Py<PyAny>>,
    last: Arc<Mutex<Option<Instant>>>,
}

impl Progress {
    /// Wrap a callable.
    pub fn new(callback: Py<PyAny>) -> Self {
        Progress {
            callback: Arc::new(callback),
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// Call the callable (taking the GIL), throttled; an exception it raises is reported
    /// as unraisable and does not stop the transfer.
    pub fn report(&self, done: u64, total: Option<u64>) {
        let last_call = total == Some(done);
        {
            let Ok(mut last) = self.last.lock() else {
                return;
            };
            let now = Instant::now();
            if !last_call && last.is_some_and(|t| now.duration_since(t) < EVERY) {
                return;
            }
            *last = Some(now);
        }
        Python::attach(|py| {
            if let Err(e) = self.callback.call1(py, (done, total)) {
                e.write_unraisable(py, Some(self.callback.bind(py)));
            }
        });
    }
}
