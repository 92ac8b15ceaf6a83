//! The metadata flags of `update`, `upload` and `replace`.

use dataverse_client::models::files::UploadBody;

/// Metadata flags of `update`, `upload` and `replace`.
#[derive(Debug, clap::Args, Clone, Default)]
pub struct FileFields {
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Folder inside the dataset (`a/b`).
    #[arg(long, value_name = "DIR")]
    pub directory: Option<String>,
    /// A category (Documentation, Data, Code, ...); repeat for several.
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// Restrict the file.
    #[arg(long)]
    pub restrict: bool,
}

impl FileFields {
    /// The upload (or metadata) body: the flags given, a new label, and with `no_ingest`
    /// `tabIngest: false`.
    pub(super) fn body(&self, label: Option<String>, no_ingest: bool) -> UploadBody {
        UploadBody {
            description: self.description.clone(),
            directory_label: self.directory.clone(),
            categories: (!self.categories.is_empty()).then(|| self.categories.clone()),
            restrict: self.restrict.then_some(true),
            tab_ingest: no_ingest.then_some(false),
            label,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_bodies() {
        let fields = FileFields {
            description: Some("d".into()),
            directory: None,
            categories: vec!["Data".into()],
            restrict: false,
        };
        let b = fields.body(None, true);
        assert_eq!(b.tab_ingest, Some(false));
        assert_eq!(b.restrict, None);
        assert_eq!(b.categories, Some(vec!["Data".to_string()]));
        assert_eq!(
            FileFields::default().body(None, false),
            UploadBody::default()
        );
    }
}
