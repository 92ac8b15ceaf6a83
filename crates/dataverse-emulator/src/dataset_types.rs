//! Dataset types (`DatasetType`, Dataverse 6.3+). The emulator has only the built-in
//! `dataset` type that every installation starts with (migrations `V6.3.0.3` and
//! `V6.9.0.1` give it its display name and description); collections may name it in
//! `allowedDatasetTypes`.

use serde_json::{Value, json};

/// A dataset type as `JsonPrinter` prints it inside a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DatasetType {
    pub id: i64,
    pub name: &'static str,
    pub display_name: &'static str,
    pub description: &'static str,
}

/// The types an installation has: the built-in one.
const TYPES: [DatasetType; 1] = [DatasetType {
    id: 1,
    name: "dataset",
    display_name: "Dataset",
    description: "A study, experiment, set of observations, or publication. A dataset can comprise a single file or multiple files.",
}];

/// The type of this name (`DatasetTypeServiceBean.getByName`).
pub(crate) fn by_name(name: &str) -> Option<DatasetType> {
    TYPES.iter().copied().find(|t| t.name == name)
}

impl DatasetType {
    /// `{"id", "name", "displayName", "description"}`, as in a collection's
    /// `allowedDatasetTypes`.
    pub(crate) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "displayName": self.display_name,
            "description": self.description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_built_in_type_exists() {
        assert_eq!(by_name("dataset").map(|t| t.id), Some(1));
        assert_eq!(by_name("Dataset"), None);
        assert_eq!(by_name("software"), None);
        assert_eq!(by_name("dataset").unwrap().json()["displayName"], "Dataset");
    }
}
