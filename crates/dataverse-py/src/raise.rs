//! Raising the exceptions of `dataverse_rs.errors` from Rust.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// An exception of class `kind` (a name in `dataverse_rs.errors`) with `message`.
pub fn raise(kind: &str, message: &str) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("dataverse_rs.errors")
            .and_then(|m| m.getattr(kind))
            .and_then(|class| class.call1((message,)));
        match made {
            Ok(exc) => PyErr::from_value(exc),
            // Only when the package's Python part is missing.
            Err(e) => PyRuntimeError::new_err(format!("{message} ({e})")),
        }
    })
}
