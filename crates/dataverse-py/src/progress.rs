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
    state: Arc<Mutex<State>>,
}

/// When the callable was last called, and the newest value it was not given.
#[derive(Default)]
struct State {
    last: Option<Instant>,
    pending: Option<(u64, Option<u64>)>,
}

impl Progress {
    /// Wrap a callable.
    pub fn new(callback: Py<PyAny>) -> Self {
        Progress {
            callback: Arc::new(callback),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Call the callable (taking the GIL), throttled; an exception it raises is reported
    /// as unraisable and does not stop the transfer.
    pub fn report(&self, done: u64, total: Option<u64>) {
        let last_call = total == Some(done);
        {
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            let now = Instant::now();
            if !last_call && state.last.is_some_and(|t| now.duration_since(t) < EVERY) {
                state.pending = Some((done, total));
                return;
            }
            state.last = Some(now);
            state.pending = None;
        }
        self.call(done, total);
    }

    /// Give the callable the newest value the throttle held back, if any (after the call).
    pub fn flush(&self) {
        let pending = match self.state.lock() {
            Ok(mut state) => state.pending.take(),
            Err(_) => None,
        };
        if let Some((done, total)) = pending {
            self.call(done, total);
        }
    }

    /// Hand one event of a direct upload's part (JSON: `part`, `parts`, `bytes`,
    /// `resumed`, `path`) to the callable's `part` method, when it has one (the Python
    /// side gives it one for a `part_progress` callable); not throttled.
    pub fn part(&self, event: serde_json::Value) {
        Python::attach(|py| {
            let callback = self.callback.bind(py);
            if !callback.hasattr("part").unwrap_or(false) {
                return;
            }
            if let Err(e) = callback.call_method1("part", (event.to_string(),)) {
                e.write_unraisable(py, Some(callback));
            }
        });
    }

    fn call(&self, done: u64, total: Option<u64>) {
        Python::attach(|py| {
            if let Err(e) = self.callback.call1(py, (done, total)) {
                e.write_unraisable(py, Some(self.callback.bind(py)));
            }
        });
    }
}
