//! `/api/files/{id}` and a dataset version's file list: file metadata, updates, delete,
//! restrict, content-type redetection and tabular (re/un)ingest.
//!
//! Uploads and replaces are in [`upload`](crate::api::upload), downloads in
//! [`access`](crate::api::access).

use std::sync::Arc;

use serde_json::{Value, json};

use reqwest::Method;
use url::Url;

use crate::client::{Body, MultipartBody, NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId, Version};
use crate::models::files::{FileMetadata, FileMetadataSummary, RedetectResult, UploadBody};

/// The text `POST /api/files/{id}/metadata` puts before the JSON it echoes.
const METADATA_UPDATED_PREFIX: &str = "File Metadata update has been completed:";

/// `/api/datasets/{id}/versions/{v}/files`.
pub(crate) fn version_files_request(id: &PersistentOrId, version: Version) -> Request {
    Request::get("datasets")
        .id(id)
        .seg("versions")
        .seg(version)
        .seg("files")
}

/// Whether `content_type` is selected by `filters`: no filters select everything; a filter
/// matches the type exactly (case-insensitive, parameters after `;` ignored), and a filter
/// `text/*` or `text/` matches every `text/...` type.
pub fn mime_matches(content_type: Option<&str>, filters: &[&str]) -> bool {
    if filters.is_empty() {
        return true;
    }
    let Some(ct) = content_type else {
        return false;
    };
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    filters.iter().any(|f| {
        let f = f.trim().to_ascii_lowercase();
        if let Some(prefix) = f.strip_suffix('*') {
            prefix.ends_with('/') && ct.starts_with(prefix)
        } else if f.ends_with('/') {
            ct.starts_with(&f)
        } else {
            ct == f
        }
    })
}

/// A one-part multipart form carrying `jsonData` as a text field.
pub(crate) fn json_data_body(json: String) -> Body {
    Body::Multipart(MultipartBody {
        form: Arc::new(move || Ok(reqwest::multipart::Form::new().text("jsonData", json.clone()))),
        rebuildable: true,
    })
}

/// Parse `File Metadata update has been completed: {json}`, the answer of `method` to `url`.
fn parse_metadata_update(text: &str, method: &Method, url: &Url) -> Result<FileMetadataSummary> {
    let decode_error = |path: String, message: String| Error::decode(method, url, path, message);
    let trimmed = text.trim();
    let json = match trimmed.strip_prefix(METADATA_UPDATED_PREFIX) {
        Some(rest) => rest.trim(),
        None => {
            let start: String = trimmed.chars().take(120).collect();
            return Err(decode_error(
                ".".into(),
                format!("expected '{METADATA_UPDATED_PREFIX} {{...}}', got '{start}'"),
            ));
        }
    };
    let value: Value = serde_json::from_str(json)
        .map_err(|e| decode_error(".".into(), format!("the echoed metadata is not JSON: {e}")))?;
    serde_path_to_error::deserialize(value)
        .map_err(|e| decode_error(e.path().to_string(), e.inner().to_string()))
}

impl NativeApi {
    /// The files of a dataset version (default `:latest`), keeping those whose content type
    /// matches one of `filter_mime_types` (all files when empty; see [`mime_matches`]: exact
    /// type, or `type/*`). The filter runs on the client, so it works on every server version.
    ///
    /// Endpoint: `GET /api/datasets/{id}/versions/{v}/files`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let csvs = api.get_datafiles_metadata("doi:10.5072/FK2/ABC123", None, &["text/csv"]).await?;
    /// for f in &csvs {
    ///     println!("{} {}", f.data_file.id.unwrap_or_default(), f.path());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_datafiles_metadata(
        &self,
        identifier: impl IntoPersistentOrId,
        version: Option<Version>,
        filter_mime_types: &[&str],
    ) -> Result<Vec<FileMetadata>> {
        let id = identifier.into_persistent_or_id()?;
        let files: Vec<FileMetadata> = self
            .execute(version_files_request(&id, version.unwrap_or_default()))
            .await?;
        Ok(files
            .into_iter()
            .filter(|f| mime_matches(f.data_file.content_type.as_deref(), filter_mime_types))
            .collect())
    }

    /// One file's metadata: in the latest version the caller may see, or in the draft
    /// (`is_draft`, which needs edit rights).
    ///
    /// Endpoint: `GET /api/files/{id}`, or `GET /api/files/{id}/versions/:draft`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let info = api.get_datafile_metadata(12345, false).await?;
    /// println!("{} {:?}", info.label, info.data_file.content_type);
    /// # Ok(()) }
    /// ```
    pub async fn get_datafile_metadata(
        &self,
        file: impl IntoPersistentOrId,
        is_draft: bool,
    ) -> Result<FileMetadata> {
        let id = file.into_persistent_or_id()?;
        let req = Request::get("files").id(&id);
        let req = if is_draft {
            req.seg("versions").seg(Version::Draft)
        } else {
            req
        };
        self.execute(req).await
    }

    /// Change a file's metadata (label, folder, description, categories, tags, restriction,
    /// provenance) in the draft, creating the draft if needed. `None` fields are kept; an
    /// empty string or list clears the value (Dataverse 6.8+). Returns the metadata the
    /// server echoes.
    ///
    /// The server answers in plain text (`File Metadata update has been completed: {json}`)
    /// and refuses every failure, permissions included, with 400.
    ///
    /// Endpoint: `POST /api/files/{id}/metadata` (multipart `jsonData`)
    pub async fn update_datafile_metadata(
        &self,
        file: impl IntoPersistentOrId,
        metadata: &UploadBody,
    ) -> Result<FileMetadataSummary> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::post("files").id(&id).seg("metadata");
        // Setting the same metadata twice has the effect of setting it once.
        req.idempotent = true;
        req.body = Some(json_data_body(metadata.to_json_string()));
        let (method, url) = (req.method.clone(), self.url_for(&req));
        let text = self.execute_text(req).await?;
        parse_metadata_update(&text, &method, &url)
    }

    /// Delete a file from the draft. `true`: the file was never published and is gone;
    /// `false`: it was only removed from the draft (earlier versions keep it).
    ///
    /// Endpoint: `DELETE /api/files/{id}`
    pub async fn delete_datafile(&self, file: impl IntoPersistentOrId) -> Result<bool> {
        let id = file.into_persistent_or_id()?;
        self.execute(Request::delete("files").id(&id)).await
    }

    /// Detect a file's content type again; with `dry_run` nothing is changed and the answer
    /// shows what would be. Ingested tabular files are refused (400).
    ///
    /// Endpoint: `POST /api/files/{id}/redetect?dryRun=`
    pub async fn redetect_file_type(
        &self,
        file: impl IntoPersistentOrId,
        dry_run: bool,
    ) -> Result<RedetectResult> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::post("files")
            .id(&id)
            .seg("redetect")
            .query("dryRun", dry_run);
        // Detecting again gives the same answer.
        req.idempotent = true;
        self.execute(req).await
    }

    /// Queue a file for tabular ingest again (superusers). Returns the server's message.
    ///
    /// Endpoint: `POST /api/files/{id}/reingest`
    pub async fn reingest_datafile(&self, file: impl IntoPersistentOrId) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        self.execute_message(Request::post("files").id(&id).seg("reingest"))
            .await
    }

    /// Undo the tabular ingest of a file, back to the uploaded original (superusers, or
    /// publishers for a failed ingest). Returns the server's message.
    ///
    /// Endpoint: `POST /api/files/{id}/uningest`
    pub async fn uningest_datafile(&self, file: impl IntoPersistentOrId) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        self.execute_message(Request::post("files").id(&id).seg("uningest"))
            .await
    }

    /// Restrict (`true`) or unrestrict a file in the draft, optionally setting the dataset's
    /// access-request switch and terms of access at the same time. Restricting needs either
    /// access requests enabled or terms of access, else the server answers 409
    /// ([`Error::Conflict`]). Returns the server's message.
    ///
    /// Endpoint: `PUT /api/files/{id}/restrict` (body `true`/`false`, or
    /// `{"restrict", "enableAccessRequest", "termsOfAccess"}` when either option is given)
    pub async fn restrict_datafile(
        &self,
        file: impl IntoPersistentOrId,
        restrict: bool,
        enable_access_request: Option<bool>,
        terms_of_access: Option<&str>,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let body = restrict_body(restrict, enable_access_request, terms_of_access);
        self.execute_message(Request::put("files").id(&id).seg("restrict").json(body))
            .await
    }
}

fn restrict_body(
    restrict: bool,
    enable_access_request: Option<bool>,
    terms_of_access: Option<&str>,
) -> Value {
    if enable_access_request.is_none() && terms_of_access.is_none() {
        return Value::Bool(restrict);
    }
    let mut body = json!({ "restrict": restrict });
    if let Some(e) = enable_access_request {
        body["enableAccessRequest"] = Value::Bool(e);
    }
    if let Some(t) = terms_of_access {
        body["termsOfAccess"] = Value::String(t.to_string());
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> NativeApi {
        NativeApi::new("https://h").unwrap()
    }

    #[test]
    fn file_paths() {
        let a = api();
        let pid = PersistentOrId::parse("doi:10.5072/FK2/F1").unwrap();
        let req = Request::get("files")
            .id(&pid)
            .seg("versions")
            .seg(Version::Draft);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/files/:persistentId/versions/:draft?persistentId=doi%3A10.5072%2FFK2%2FF1"
        );
        let req = Request::post("files")
            .id(&PersistentOrId::Id(9))
            .seg("redetect")
            .query("dryRun", true);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/files/9/redetect?dryRun=true"
        );
        let req = version_files_request(&PersistentOrId::Id(4), Version::Draft);
        assert_eq!(
            a.url_for(&req).as_str(),
            "https://h/api/datasets/4/versions/:draft/files"
        );
    }

    #[test]
    fn mime_filters() {
        assert!(mime_matches(Some("text/csv"), &[]));
        assert!(mime_matches(Some("text/csv"), &["text/csv"]));
        assert!(mime_matches(Some("Text/CSV; charset=UTF-8"), &["text/csv"]));
        assert!(mime_matches(Some("text/csv"), &["image/png", "text/*"]));
        assert!(mime_matches(Some("text/plain"), &["text/"]));
        assert!(!mime_matches(Some("text/csv"), &["text/c"]));
        assert!(!mime_matches(Some("application/json"), &["text/*"]));
        assert!(!mime_matches(None, &["text/csv"]));
        assert!(!mime_matches(Some("text/csv"), &["*"]));
    }

    #[test]
    fn restrict_bodies() {
        assert_eq!(restrict_body(true, None, None), json!(true));
        assert_eq!(restrict_body(false, None, None), json!(false));
        assert_eq!(
            restrict_body(true, Some(false), Some("ask")),
            json!({"restrict": true, "enableAccessRequest": false, "termsOfAccess": "ask"})
        );
    }

    #[test]
    fn metadata_update_answers() {
        let (m, u) = (
            Method::POST,
            Url::parse("https://h/api/files/608/metadata").unwrap(),
        );
        let ok = parse_metadata_update(
            r#"File Metadata update has been completed: {"label":"dummy.txt","description":"test description","restricted":false,"id":608}"#,
            &m,
            &u,
        )
        .unwrap();
        assert_eq!(ok.label.as_deref(), Some("dummy.txt"));
        assert_eq!(ok.restricted, Some(false));
        assert_eq!(ok.id, Some(608));
        let err = parse_metadata_update("Something else", &m, &u).unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref message, ref method, .. } if message.contains("Something else") && method == "POST")
        );
        let err =
            parse_metadata_update("File Metadata update has been completed: {not json", &m, &u)
                .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }));
        let err = parse_metadata_update(
            r#"File Metadata update has been completed: {"restricted":"maybe"}"#,
            &m,
            &u,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Decode { ref path, .. } if path == "restricted"));
    }
}
