//! `JsonPrinter.json(DataFile)`, `JsonPrinter.json(FileMetadata)` and the raw file metadata
//! of `GET /api/files/{id}/metadata`.

use serde_json::{Map, Value};

use super::date_part;
use crate::checksum::Algorithm;
use crate::ingest;
use crate::store::files::{DataFileRow, FileMetaRow};

/// `JsonPrinter.json(DataFile, FileMetadata)` (§4.4).
pub(crate) fn datafile(df: &DataFileRow, fm: &FileMetaRow, file_access_request: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), df.id.into());
    match &df.pid {
        Some(pid) => {
            m.insert("persistentId".into(), pid.clone().into());
            m.insert(
                "pidURL".into(),
                crate::store::file_pids::pid_url(pid).into(),
            );
        }
        None => {
            m.insert("persistentId".into(), "".into());
        }
    }
    m.insert("filename".into(), fm.label.clone().into());
    m.insert("contentType".into(), df.content_type.clone().into());
    m.insert(
        "friendlyType".into(),
        ingest::friendly_type(&df.content_type).into(),
    );
    m.insert("filesize".into(), df.filesize.into());
    m.insert("description".into(), fm.description.clone().into());
    let categories = fm.category_list();
    if !categories.is_empty() {
        m.insert("categories".into(), categories.into());
    }
    m.insert(
        "storageIdentifier".into(),
        df.storage_identifier.clone().into(),
    );
    if df.tabular {
        if let Some(f) = &df.original_format {
            m.insert("originalFileFormat".into(), f.clone().into());
            m.insert(
                "originalFormatLabel".into(),
                ingest::friendly_type(f).into(),
            );
        }
        if let Some(s) = df.original_size {
            m.insert("originalFileSize".into(), s.into());
        }
        if let Some(n) = &df.original_name {
            m.insert("originalFileName".into(), n.clone().into());
        }
    }
    m.insert("rootDataFileId".into(), df.root_id.unwrap_or(-1).into());
    if let Some(p) = df.previous_id {
        m.insert("previousDataFileId".into(), p.into());
    }
    // `md5` only for MD5 files, as `JsonPrinter` does.
    if df.checksum_type == Algorithm::Md5.as_str() {
        m.insert("md5".into(), df.checksum.clone().into());
    }
    let mut checksum = Map::new();
    checksum.insert("type".into(), df.checksum_type.clone().into());
    checksum.insert("value".into(), df.checksum.clone().into());
    m.insert("checksum".into(), Value::Object(checksum));
    m.insert("tabularData".into(), df.tabular.into());
    m.insert("creationDate".into(), date_part(&df.created).into());
    if let Some(p) = &df.publication_date {
        m.insert("publicationDate".into(), date_part(p).into());
    }
    if let Some(d) = fm.directory_label.as_deref().filter(|d| !d.is_empty()) {
        m.insert("directoryLabel".into(), d.into());
    }
    m.insert("lastUpdateTime".into(), df.last_update_time.clone().into());
    m.insert("fileAccessRequest".into(), file_access_request.into());
    Value::Object(m)
}

/// `JsonPrinter.json(FileMetadata)` (§4.4).
pub(crate) fn filemetadata(fm: &FileMetaRow, df: &DataFileRow, file_access_request: bool) -> Value {
    let mut m = Map::new();
    m.insert("description".into(), fm.description.clone().into());
    m.insert("label".into(), fm.label.clone().into());
    m.insert("restricted".into(), fm.restricted.into());
    if let Some(d) = fm.directory_label.as_deref().filter(|d| !d.is_empty()) {
        m.insert("directoryLabel".into(), d.into());
    }
    m.insert("version".into(), fm.row_version.into());
    m.insert("datasetVersionId".into(), fm.version_id.into());
    let categories = fm.category_list();
    if !categories.is_empty() {
        m.insert("categories".into(), categories.into());
    }
    m.insert("dataFile".into(), datafile(df, fm, file_access_request));
    Value::Object(m)
}

/// The `files` array of a version's JSON.
pub(crate) fn version_files(
    files: &[(FileMetaRow, DataFileRow)],
    file_access_request: bool,
) -> Value {
    Value::Array(
        files
            .iter()
            .map(|(fm, df)| filemetadata(fm, df, file_access_request))
            .collect(),
    )
}

/// The raw metadata object of `GET /api/files/{id}/metadata`.
pub(crate) fn raw_metadata(fm: &FileMetaRow) -> Value {
    let mut m = Map::new();
    m.insert("label".into(), fm.label.clone().into());
    if let Some(d) = fm.directory_label.as_deref().filter(|d| !d.is_empty()) {
        m.insert("directoryLabel".into(), d.into());
    }
    m.insert("description".into(), fm.description.clone().into());
    m.insert("restricted".into(), fm.restricted.into());
    if let Some(p) = &fm.prov_free_form {
        m.insert("provFreeForm".into(), p.clone().into());
    }
    let categories = fm.category_list();
    if !categories.is_empty() {
        m.insert("categories".into(), categories.into());
    }
    m.insert("id".into(), fm.id.into());
    Value::Object(m)
}
