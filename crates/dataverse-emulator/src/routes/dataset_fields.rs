//! Schema reads about dataset fields: `GET /api/datasetfields/facetables`
//! (`DatasetFields.java`) and `GET /api/datasets/summaryFieldNames`
//! (`Datasets.getDatasetSummaryFieldNames`). Neither asks for an API key.

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use super::AppError;
use crate::Emulator;
use crate::envelope::ok;
use crate::store::Store;

/// The setting naming the dataset page's summary fields.
const CUSTOM_SUMMARY_FIELDS: &str = ":CustomDatasetSummaryFields";
/// `DatasetUtil.datasetDefaultSummaryFieldNames`.
const DEFAULT_SUMMARY_FIELDS: &str = "dsDescription,subject,keyword,publication,notesText";

/// `GET /api/datasetfields/facetables`: every facetable field type of the loaded blocks.
pub(super) async fn facetables(State(em): State<Emulator>) -> Response {
    ok(em.blocks().facetables_json())
}

/// `GET /api/datasets/summaryFieldNames`: `:CustomDatasetSummaryFields` split at commas,
/// or Dataverse's default list when the setting is absent or empty.
pub(super) async fn summary_field_names(State(em): State<Emulator>) -> Result<Response, AppError> {
    let custom = em
        .store()
        .call(|c| Store::setting(c, CUSTOM_SUMMARY_FIELDS))
        .await?;
    Ok(ok(Value::from(summary_names(custom.as_deref()))))
}

/// `DatasetUtil.getDatasetSummaryFieldNames` with `ListSplitUtil.split`: trimmed, split at
/// commas with the spaces around them (Java's `Pattern.split`, which drops trailing empty
/// names); a blank custom list gives no names.
fn summary_names(custom: Option<&str>) -> Vec<String> {
    let list = match custom {
        Some(c) if !c.is_empty() => c,
        _ => DEFAULT_SUMMARY_FIELDS,
    };
    let list = list.trim();
    if list.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    names
}

#[cfg(test)]
mod tests {
    use super::summary_names;

    #[test]
    fn default_custom_and_blank_lists() {
        assert_eq!(
            summary_names(None),
            [
                "dsDescription",
                "subject",
                "keyword",
                "publication",
                "notesText"
            ]
        );
        assert_eq!(summary_names(Some("")), summary_names(None));
        assert_eq!(
            summary_names(Some(" title , author,,")),
            ["title", "author"]
        );
        assert_eq!(summary_names(Some(",title")), ["", "title"]);
        assert!(summary_names(Some("   ")).is_empty());
    }
}
