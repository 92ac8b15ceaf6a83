//! Reading request bodies: JSON from a file, or from stdin for `-`.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{CliError, CliResult};

/// Read a JSON document from a file (`-`: stdin).
pub fn read_json(path: &Path) -> CliResult<serde_json::Value> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{} is not valid JSON: {e}", path.display())))
}

/// Read and decode a JSON body from a file (`-`: stdin); `what` names it in errors.
pub fn read_body<T: DeserializeOwned>(path: &Path, what: &str) -> CliResult<T> {
    serde_json::from_value(read_json(path)?)
        .map_err(|e| CliError::Usage(format!("{} is not a valid {what}: {e}", path.display())))
}

/// A guestbook answer from a file (`-`: stdin): Dataverse's body
/// `{"guestbookResponse": {...}}` or just the inner object.
pub fn read_guestbook_response(
    path: &Path,
) -> CliResult<dataverse_client::models::guestbooks::GuestbookResponse> {
    let mut v = read_json(path)?;
    if let Some(inner) = v.get_mut("guestbookResponse") {
        v = inner.take();
    }
    serde_json::from_value(v).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a valid guestbook response: {e}",
            path.display()
        ))
    })
}
