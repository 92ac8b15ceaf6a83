//! A dataset's files as a table: one row per file, as plain rows ([`datafiles_rows`]) or,
//! with the default cargo feature `polars`, as a polars `DataFrame`
//! ([`NativeApi::datafiles_table`](crate::NativeApi::datafiles_table)).
//!
//! Columns, in order (polars type in brackets; `null` where the server sent nothing):
//!
//! | column | type | from |
//! |---|---|---|
//! | `id` | UInt64 | `dataFile.id` |
//! | `persistent_id` | String | `dataFile.persistentId` (`null` when empty: file PIDs off) |
//! | `label` | String | `label` (the file name) |
//! | `directory` | String | `directoryLabel` |
//! | `description` | String | `description` |
//! | `content_type` | String | `dataFile.contentType` |
//! | `size` | UInt64 | `dataFile.filesize` (bytes) |
//! | `checksum_type` | String | `dataFile.checksum.type` (`MD5`, `SHA-1`, ...) |
//! | `checksum_value` | String | `dataFile.checksum.value` |
//! | `restricted` | Boolean | `restricted` |
//! | `tabular` | Boolean | `dataFile.tabularData` |
//! | `creation_date` | String | `dataFile.creationDate` (`yyyy-MM-dd`) |

use crate::models::files::FileMetadata;

/// The column names of the files table, in order.
pub const DATAFILES_COLUMNS: [&str; 12] = [
    "id",
    "persistent_id",
    "label",
    "directory",
    "description",
    "content_type",
    "size",
    "checksum_type",
    "checksum_value",
    "restricted",
    "tabular",
    "creation_date",
];

/// One row of the files table (see the [module docs](self) for the columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatafileRow {
    /// File id.
    pub id: Option<u64>,
    /// File PID, when file PIDs are on.
    pub persistent_id: Option<String>,
    /// File name.
    pub label: String,
    /// Folder.
    pub directory: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Checksum algorithm.
    pub checksum_type: Option<String>,
    /// Checksum value.
    pub checksum_value: Option<String>,
    /// Whether restricted.
    pub restricted: bool,
    /// Whether ingested as a table.
    pub tabular: bool,
    /// Creation date.
    pub creation_date: Option<String>,
}

impl From<&FileMetadata> for DatafileRow {
    fn from(f: &FileMetadata) -> Self {
        let df = &f.data_file;
        // Old servers only send `md5`.
        let checksum = df
            .checksum
            .as_ref()
            .map(|c| (c.r#type.clone(), c.value.clone()))
            .or_else(|| df.md5.clone().map(|m| ("MD5".to_string(), m)));
        DatafileRow {
            id: df.id,
            persistent_id: df.persistent_id.clone().filter(|p| !p.is_empty()),
            label: f.label.clone(),
            directory: f.directory_label.clone().filter(|d| !d.is_empty()),
            description: f.description.clone(),
            content_type: df.content_type.clone(),
            size: df.filesize,
            checksum_type: checksum.as_ref().map(|c| c.0.clone()),
            checksum_value: checksum.map(|c| c.1),
            restricted: f.restricted,
            tabular: df.is_tabular(),
            creation_date: df.creation_date.clone(),
        }
    }
}

/// The files table as plain rows, in the order given.
pub fn datafiles_rows(files: &[FileMetadata]) -> Vec<DatafileRow> {
    files.iter().map(DatafileRow::from).collect()
}

/// The files table as a polars `DataFrame` with the documented columns.
#[cfg(feature = "polars")]
pub fn datafiles_frame(files: &[FileMetadata]) -> crate::Result<polars::prelude::DataFrame> {
    use polars::prelude::{Column, DataFrame};
    let rows = datafiles_rows(files);
    fn col<T, F: Fn(&DatafileRow) -> T>(rows: &[DatafileRow], f: F) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    let columns = vec![
        Column::new("id".into(), col(&rows, |r| r.id)),
        Column::new(
            "persistent_id".into(),
            col(&rows, |r| r.persistent_id.clone()),
        ),
        Column::new("label".into(), col(&rows, |r| r.label.clone())),
        Column::new("directory".into(), col(&rows, |r| r.directory.clone())),
        Column::new("description".into(), col(&rows, |r| r.description.clone())),
        Column::new(
            "content_type".into(),
            col(&rows, |r| r.content_type.clone()),
        ),
        Column::new("size".into(), col(&rows, |r| r.size)),
        Column::new(
            "checksum_type".into(),
            col(&rows, |r| r.checksum_type.clone()),
        ),
        Column::new(
            "checksum_value".into(),
            col(&rows, |r| r.checksum_value.clone()),
        ),
        Column::new("restricted".into(), col(&rows, |r| r.restricted)),
        Column::new("tabular".into(), col(&rows, |r| r.tabular)),
        Column::new(
            "creation_date".into(),
            col(&rows, |r| r.creation_date.clone()),
        ),
    ];
    DataFrame::new(rows.len(), columns)
        .map_err(|e| crate::Error::InvalidArgument(format!("cannot build the files table: {e}")))
}

#[cfg(feature = "polars")]
impl crate::NativeApi {
    /// The files of a dataset's latest version (the draft if the caller may see it) as a
    /// polars `DataFrame`, one row per file, keeping those whose content type matches
    /// `filter_mime_types` (all when empty; exact type or `type/*`). Columns are listed in
    /// the [module docs](crate::api::table).
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/:latest/files`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let df = api.datafiles_table("doi:10.5072/FK2/ABC123", &["text/csv"]).await?;
    /// println!("{} CSV files", df.height());
    /// # Ok(()) }
    /// ```
    pub async fn datafiles_table(
        &self,
        identifier: impl crate::ids::IntoPersistentOrId,
        filter_mime_types: &[&str],
    ) -> crate::Result<polars::prelude::DataFrame> {
        let files = self
            .get_datafiles_metadata(identifier, None, filter_mime_types)
            .await?;
        datafiles_frame(&files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files() -> Vec<FileMetadata> {
        serde_json::from_value(json!([
            {"label": "a.csv", "directoryLabel": "d", "description": "", "restricted": true,
             "dataFile": {"id": 1, "persistentId": "", "contentType": "text/csv", "filesize": 10,
                          "checksum": {"type": "MD5", "value": "abc"}, "tabularData": false,
                          "creationDate": "2026-01-02"}},
            {"label": "b.tab", "restricted": false,
             "dataFile": {"id": 2, "persistentId": "doi:10.5072/FK2/F2", "contentType": "text/tab-separated-values",
                          "filesize": 20, "md5": "def", "tabularData": true}}
        ]))
        .unwrap()
    }

    #[test]
    fn rows() {
        let rows = datafiles_rows(&files());
        assert_eq!(rows[0].persistent_id, None, "empty PID is null");
        assert_eq!(rows[0].directory.as_deref(), Some("d"));
        assert_eq!(rows[0].checksum_type.as_deref(), Some("MD5"));
        assert!(rows[0].restricted);
        assert_eq!(
            rows[1].checksum_value.as_deref(),
            Some("def"),
            "md5 fallback"
        );
        assert!(rows[1].tabular);
        assert_eq!(rows[1].directory, None);
    }

    #[cfg(feature = "polars")]
    #[test]
    fn frame_columns_and_types() {
        use polars::prelude::DataType;
        let df = datafiles_frame(&files()).unwrap();
        assert_eq!(df.height(), 2);
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            names,
            DATAFILES_COLUMNS
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        );
        assert_eq!(df.column("id").unwrap().dtype(), &DataType::UInt64);
        assert_eq!(df.column("size").unwrap().dtype(), &DataType::UInt64);
        assert_eq!(df.column("restricted").unwrap().dtype(), &DataType::Boolean);
        assert_eq!(df.column("label").unwrap().dtype(), &DataType::String);
        let size = df.column("size").unwrap().u64().unwrap();
        assert_eq!(size.get(1), Some(20));
        let pid = df.column("persistent_id").unwrap().str().unwrap();
        assert_eq!(pid.get(0), None);
        assert_eq!(pid.get(1), Some("doi:10.5072/FK2/F2"));
        let empty = datafiles_frame(&[]).unwrap();
        assert_eq!(empty.height(), 0);
        assert_eq!(empty.width(), 12);
    }
}
