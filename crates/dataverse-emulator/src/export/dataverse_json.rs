//! `dataverse_json`: `JsonPrinter.json(Dataset)` plus `datasetVersion` (the exported version,
//! with its files and plain-text `citation`), in the key order of Dataverse's export.

use serde_json::Value;

use super::{ExportContext, to_pretty};
use crate::Error;
use crate::printer;

/// The document as JSON.
pub(crate) fn document(ctx: &ExportContext) -> Value {
    let mut m = printer::datasets::dataset(&ctx.dataset, &ctx.publisher, None);
    let mut version = ctx.version_json.clone();
    if let Value::Object(v) = &mut version {
        v.insert("citation".into(), ctx.citation_text().into());
    }
    m.insert("datasetVersion".into(), version);
    Value::Object(m)
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> Result<String, Error> {
    to_pretty(&document(ctx))
}
