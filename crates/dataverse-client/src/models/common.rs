//! Shapes shared by many endpoints.

use serde::{Deserialize, Serialize};

/// A success message (`{"data":{"message": ...}}` or a top-level `message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The text.
    pub message: String,
}
