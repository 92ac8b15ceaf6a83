//! File uploads: `POST /api/datasets/{id}/add` and `POST /api/files/{id}/replace`
//! (`AddReplaceFileHelper`), the multipart reading they share (the `file` part streamed to a
//! temporary file while its MD5 is computed; `jsonData` as a text field or a file part),
//! and the asynchronous tabular ingest they start.

use std::path::{Path as FsPath, PathBuf};

use crate::checksum::{self, Algorithm};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rusqlite::Connection;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::Answer;
use super::Params;
use super::dataset_edit::edit_lock;
use super::datasets::find;
use super::files::find_file;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, ok, payload_too_large};
use crate::ingest;
use crate::permissions::{DvObject, Permission, require};
use crate::store::datasets::{self, DRAFT};
use crate::store::files::{self, FILES_DIR, NewFile, TMP_DIR};
use crate::store::{dataset_write, locks, time_fmt};
use crate::{Emulator, Error};

pub(super) fn routes() -> Router<Emulator> {
    Router::new()
        .route("/api/datasets/{id}/add", post(add))
        .route("/api/files/{id}/replace", post(replace))
        // Uploads have their own limit (`Config::max_upload_bytes`), counted while streaming.
        .layer(DefaultBodyLimit::disable())
}

/// Lock type held while a tabular ingest runs.
pub(crate) const INGEST: &str = "Ingest";
/// `file.addreplace.error.auth`.
const NOT_AUTHENTICATED: &str = "The API key is invalid.";
/// `file.addreplace.error.no_edit_dataset_permission`.
const NO_EDIT: &str = "You do not have permission to edit this dataset.";
/// Message of an upload without a `file` part.
const NO_FILE: &str =
    "You must upload a file or provide a valid storageidentifier, filename, and mimetype.";
/// Largest `jsonData` accepted (it is read into memory).
const MAX_JSON: usize = 1024 * 1024;

/// A temporary upload: removed from disk when dropped unless committed.
#[derive(Debug)]
pub(crate) struct TempBlob {
    path: PathBuf,
    armed: bool,
}

impl TempBlob {
    /// The temporary file.
    pub(crate) fn path(&self) -> &FsPath {
        &self.path
    }

    /// Move it to `dest` (creating the folder); after this it is no longer removed.
    pub(crate) fn commit(mut self, dest: &FsPath) -> std::io::Result<()> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&self.path, dest)?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempBlob {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A fresh temporary path under the files folder.
pub(crate) fn temp_blob(data_dir: &FsPath) -> std::io::Result<TempBlob> {
    let dir = data_dir.join(FILES_DIR).join(TMP_DIR);
    std::fs::create_dir_all(&dir)?;
    Ok(TempBlob {
        path: dir.join(format!("{}.part", uuid::Uuid::new_v4().simple())),
        armed: true,
    })
}

/// The received `file` part.
#[derive(Debug)]
pub(crate) struct Upload {
    pub tmp: TempBlob,
    pub filename: String,
    pub part_type: Option<String>,
    pub size: u64,
    /// Checksum in the algorithm of `:FileFixityChecksumAlgorithm` when it arrived.
    pub checksum: String,
    pub algorithm: Algorithm,
    /// The first bytes (for type sniffing).
    pub head: Vec<u8>,
}

/// What a multipart upload carried.
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub json: Option<String>,
    pub file: Option<Upload>,
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        payload_too_large()
    } else {
        ApiError::bad_request(format!(
            "Error reading the multipart body: {}",
            e.body_text()
        ))
    }
}

/// The file's name as sent, without any folder part; refused when nothing usable is left.
pub(crate) fn sanitize_filename(raw: &str) -> Result<String, ApiError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean == "." || clean == ".." {
        return Err(ApiError::bad_request(format!("Invalid file name '{raw}'.")));
    }
    Ok(clean)
}

/// A `directoryLabel` normalised (`\` ⇒ `/`, no empty or `.` segments); `..` segments and
/// absolute paths are refused. Empty ⇒ none.
pub(crate) fn directory_label(raw: &str) -> Result<Option<String>, ApiError> {
    let unified = raw.trim().replace('\\', "/");
    let absolute =
        unified.starts_with('/') || unified.as_bytes().get(1) == Some(&b':') && unified.len() >= 2;
    let segments: Vec<&str> = unified
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if absolute || segments.contains(&"..") {
        return Err(ApiError::bad_request(format!(
            "Invalid directoryLabel '{raw}': it may not be an absolute path or contain '..'."
        )));
    }
    Ok((!segments.is_empty()).then(|| segments.join("/")))
}

/// Read the whole multipart body: `jsonData` (text field or file part, UTF-8 required) and
/// the `file` part streamed to a temporary file with its checksum (in the algorithm of
/// `:FileFixityChecksumAlgorithm`). Other parts are skipped.
pub(crate) async fn read_form(
    em: &Emulator,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Form, ApiError> {
    let mut mp = multipart.map_err(|e| {
        ApiError::bad_request(format!(
            "A multipart/form-data body is required: {}",
            e.body_text()
        ))
    })?;
    let mut form = Form::default();
    let setting = em
        .store()
        .call(|c| crate::store::Store::setting(c, checksum::SETTING))
        .await
        .map_err(ApiError::from)?;
    let algorithm = Algorithm::from_setting(setting.as_deref());
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "jsonData" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if bytes.len() + chunk.len() > MAX_JSON {
                        return Err(ApiError::bad_request("jsonData is too large."));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(bytes).map_err(|_| {
                    ApiError::bad_request("The jsonData part is not valid UTF-8 text.")
                })?;
                form.json = Some(text);
            }
            "file" if form.file.is_none() => {
                let filename = sanitize_filename(field.file_name().unwrap_or("file"))?;
                let part_type = field.content_type().map(str::to_string);
                let tmp =
                    temp_blob(&em.config().data_dir).map_err(|e| ApiError::from(Error::Io(e)))?;
                let file = tokio::fs::File::create(tmp.path())
                    .await
                    .map_err(|e| ApiError::from(Error::Io(e)))?;
                let mut out = tokio::io::BufWriter::with_capacity(1024 * 1024, file);
                // The checksum runs on a blocking thread beside the receiving task (a bounded
                // queue of shared chunks), so hashing and receiving use two cores.
                let (to_hasher, mut chunks) = tokio::sync::mpsc::channel::<axum::body::Bytes>(32);
                let hasher = tokio::task::spawn_blocking(move || {
                    let mut h = checksum::Hasher::new(algorithm);
                    while let Some(b) = chunks.blocking_recv() {
                        h.update(&b);
                    }
                    h.finalize()
                });
                let mut size = 0u64;
                let mut head = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if to_hasher.send(chunk.clone()).await.is_err() {
                        return Err(ApiError::from(Error::Store("checksum task stopped".into())));
                    }
                    if head.len() < 512 {
                        let take = (512 - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                    }
                    size += chunk.len() as u64;
                    if em.config().max_upload_bytes.is_some_and(|max| size > max) {
                        return Err(payload_too_large());
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| ApiError::from(Error::Io(e)))?;
                }
                // Flushing the buffer writes everything out (tokio's File flush waits for
                // its pending write); the file is closed before it is renamed into place.
                out.flush()
                    .await
                    .map_err(|e| ApiError::from(Error::Io(e)))?;
                drop(out);
                drop(to_hasher);
                let checksum = hasher
                    .await
                    .map_err(|e| ApiError::from(Error::Store(format!("checksum task: {e}"))))?;
                form.file = Some(Upload {
                    tmp,
                    filename,
                    part_type,
                    size,
                    checksum,
                    algorithm,
                    head,
                });
            }
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(form)
}

/// The optional parameters of `jsonData` (`OptionalFileParams`).
#[derive(Debug, Default, Clone)]
pub(crate) struct FileParams {
    pub description: Option<String>,
    pub label: Option<String>,
    pub directory_label: Option<String>,
    pub categories: Option<Vec<String>>,
    pub restrict: Option<bool>,
    pub tab_ingest: bool,
    pub prov_free_form: Option<String>,
    pub force_replace: bool,
}

fn json_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s.trim().eq_ignore_ascii_case("true")),
        _ => None,
    }
}

/// Parse `jsonData` (absent ⇒ defaults).
pub(crate) fn parse_params(json: Option<&str>) -> Result<FileParams, ApiError> {
    let mut p = FileParams {
        tab_ingest: true,
        ..FileParams::default()
    };
    let Some(text) = json.filter(|t| !t.trim().is_empty()) else {
        return Ok(p);
    };
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("Error parsing jsonData: {e}")))?;
    let Some(o) = v.as_object() else {
        return Err(ApiError::bad_request(
            "Error parsing jsonData: a JSON object is expected.",
        ));
    };
    let text_of = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    p.description = text_of("description");
    p.label = text_of("label");
    if let Some(d) = text_of("directoryLabel") {
        p.directory_label = directory_label(&d)?;
    }
    if let Some(Value::Array(a)) = o.get("categories") {
        p.categories = Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        );
    }
    p.restrict = o.get("restrict").and_then(json_bool);
    if let Some(t) = o.get("tabIngest").and_then(json_bool) {
        p.tab_ingest = t;
    }
    p.prov_free_form = text_of("provFreeForm");
    p.force_replace = o.get("forceReplace").and_then(json_bool).unwrap_or(false);
    Ok(p)
}

/// Checks before the body is read: an authenticated caller with EditDataset on an
/// unlocked dataset.
fn may_edit(conn: &Connection, caller: &Caller, dataset: i64) -> Answer<()> {
    if caller.user().is_none() {
        return Ok(Err(ApiError::forbidden(NOT_AUTHENTICATED)));
    }
    if require(
        conn,
        caller,
        Permission::EditDataset,
        DvObject::Dataset(dataset),
    )?
    .is_err()
    {
        return Ok(Err(ApiError::forbidden(NO_EDIT)));
    }
    let Some(ds) = datasets::by_id(conn, dataset)? else {
        return Ok(Err(ApiError::not_found(format!(
            "Dataset with ID {dataset} not found."
        ))));
    };
    edit_lock(conn, caller, &ds)
}

/// What the commit step needs besides the upload.
struct Placement {
    dataset: i64,
    label: String,
    content_type: String,
    ingest: bool,
    replaces: Option<files::DataFileRow>,
}

/// What storing an upload produced.
struct Committed {
    /// The new FileMetadata.
    json: Value,
    /// The file to ingest, if any.
    ingest: Option<i64>,
    /// The label of a file of the draft with the same content, if any.
    duplicate_of: Option<String>,
}

/// `{"status":"OK","data":{"files":[...]}}`, with the duplicate-content warning as the
/// top-level `message` when there is one.
fn added(done: Committed) -> Response {
    match done.duplicate_of {
        Some(other) => (
            StatusCode::OK,
            axum::Json(json!({
                "status": "OK",
                "message": format!("This file has the same content as {other} that is in the dataset."),
                "data": {"files": [done.json]},
            })),
        )
            .into_response(),
        None => ok(json!({ "files": [done.json] })),
    }
}

/// Store the upload: the blob is moved into place and the rows inserted in one transaction
/// (the blob is removed again when the transaction fails). Returns the FileMetadata JSON and
/// the file id to ingest, if any.
fn commit_upload(
    conn: &mut Connection,
    data_dir: &FsPath,
    upload: Upload,
    params: &FileParams,
    place: Placement,
    user_id: Option<i64>,
) -> Answer<Committed> {
    let tx = conn.transaction()?;
    let now = time_fmt::now_iso();
    let draft = dataset_write::ensure_draft(&tx, place.dataset, &now)?;
    if let Some(old) = &place.replaces {
        files::remove_from_version(&tx, draft.id, old.id)?;
    }
    let duplicate_of =
        files::label_with_checksum(&tx, draft.id, &upload.checksum, upload.algorithm)?;
    let directory = params.directory_label.as_deref();
    let label = files::unique_label(&tx, draft.id, directory, &place.label, None)?;
    let name = files::new_storage_name();
    let blob = format!("{}/{name}", place.dataset);
    let new = NewFile {
        dataset_id: place.dataset,
        storage_identifier: format!("local://{name}"),
        blob: blob.clone(),
        content_type: place.content_type,
        filesize: upload.size as i64,
        checksum: upload.checksum.clone(),
        checksum_type: upload.algorithm,
        root_id: place.replaces.as_ref().map(|o| o.root_id.unwrap_or(o.id)),
        previous_id: place.replaces.as_ref().map(|o| o.id),
        label,
        directory_label: params.directory_label.clone(),
        description: params.description.clone().unwrap_or_default(),
        restricted: params.restrict.unwrap_or(false),
        categories: params.categories.clone().unwrap_or_default(),
        prov_free_form: params.prov_free_form.clone(),
    };
    let (id, _) = files::insert(&tx, &new, draft.id, &now)?;
    files::touch_version(&tx, draft.id, &now)?;
    if place.ingest {
        tx.execute(
            "UPDATE datafiles SET ingest_state = 'pending' WHERE id = ?1",
            [id],
        )?;
        if !locks::has(&tx, place.dataset, INGEST)? {
            locks::add(&tx, place.dataset, INGEST, user_id, None)?;
        }
    }
    let fm = files::meta_in_version(&tx, draft.id, id)?
        .ok_or_else(|| Error::Store("new file metadata vanished".into()))?;
    let df = files::datafile(&tx, id)?.ok_or_else(|| Error::Store("new file vanished".into()))?;
    let json = files::filemetadata_json(&fm, &df, draft.file_access_request);
    let dest = files::blob_path(data_dir, &blob);
    upload.tmp.commit(&dest)?;
    if let Err(e) = tx.commit() {
        let _ = std::fs::remove_file(&dest);
        return Err(e.into());
    }
    Ok(Ok(Committed {
        json,
        ingest: place.ingest.then_some(id),
        duplicate_of,
    }))
}

/// Start (or, with a zero publish delay, run before answering) the ingest of a file.
pub(crate) async fn start_ingest(em: &Emulator, file: i64) {
    if em.config().publish_delay.is_zero() {
        run_ingest(em.clone(), file).await;
    } else {
        let em = em.clone();
        tokio::spawn(run_ingest(em, file));
    }
}

/// `IngestServiceBean.ingestAsBatch` for one CSV/TSV file: the `.tab` is written beside the
/// upload, then the upload moves to `<blob>.orig` and the `.tab` takes its place with the
/// rows updated, in one transaction. A failure leaves the file as uploaded (not tabular).
/// The dataset's `Ingest` lock goes when no ingest of it is pending any more.
pub(crate) async fn run_ingest(em: Emulator, file: i64) {
    let data_dir = em.config().data_dir.clone();
    let store = em.store().clone();
    let Ok(Some(df)) = store.read(move |c| files::datafile(c, file)).await else {
        return;
    };
    let src = files::blob_path(&data_dir, &df.blob);
    let tab = match temp_blob(&data_dir) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "ingest: no temporary file");
            return;
        }
    };
    let delimiter =
        if df.content_type == ingest::CSV || df.content_type == "text/comma-separated-values" {
            b','
        } else {
            b'\t'
        };
    let tab_path = tab.path().to_path_buf();
    let outcome =
        tokio::task::spawn_blocking(move || ingest::csv_to_tab(&src, &tab_path, delimiter))
            .await
            .unwrap_or_else(|e| Err(format!("ingest task failed: {e}")));
    let result = store
        .call(move |conn| -> Result<(), Error> {
            let tx = conn.transaction()?;
            let Some(df) = files::datafile(&tx, file)? else {
                return Ok(()); // deleted meanwhile; the temporary .tab is dropped
            };
            match outcome {
                Ok(()) => {
                    let size = std::fs::metadata(tab.path())?.len() as i64;
                    let blob = files::blob_path(&data_dir, &df.blob);
                    let orig = files::blob_path(&data_dir, &format!("{}.orig", df.blob));
                    std::fs::rename(&blob, &orig)?;
                    if let Err(e) = tab.commit(&blob) {
                        let _ = std::fs::rename(&orig, &blob);
                        return Err(e.into());
                    }
                    let original_name = original_label(&tx, file)?;
                    tx.execute(
                        "UPDATE datafiles SET tabular = 1, content_type = ?2, filesize = ?3,
                             original_format = ?4, original_size = ?5, original_name = ?6,
                             ingest_state = NULL, last_update_time = ?7 WHERE id = ?1",
                        rusqlite::params![
                            file,
                            ingest::TAB,
                            size,
                            df.content_type,
                            df.filesize,
                            original_name,
                            time_fmt::now_iso()
                        ],
                    )?;
                    relabel_drafts(&tx, file, ingest::tab_name)?;
                }
                Err(reason) => {
                    tracing::info!(file, %reason, "tabular ingest failed");
                    tx.execute(
                        "UPDATE datafiles SET ingest_state = 'failed' WHERE id = ?1",
                        [file],
                    )?;
                }
            }
            release_ingest_lock(&tx, df.dataset_id)?;
            tx.commit()?;
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, file, "ingest could not be stored");
        let _ = store
            .call(move |conn| {
                conn.execute(
                    "UPDATE datafiles SET ingest_state = 'failed' WHERE id = ?1",
                    [file],
                )?;
                release_ingest_lock(conn, df.dataset_id)
            })
            .await;
    }
}

/// The label a file has in its newest version.
fn original_label(conn: &Connection, file: i64) -> Result<Option<String>, Error> {
    let versions = files::versions_listing(conn, file)?;
    let Some(v) = versions.first() else {
        return Ok(None);
    };
    Ok(files::meta_in_version(conn, v.id, file)?.map(|m| m.label))
}

/// Rename the file in the draft versions that list it (`f(label)`, kept unique).
pub(crate) fn relabel_drafts(
    conn: &Connection,
    file: i64,
    f: impl Fn(&str) -> String,
) -> Result<(), Error> {
    for v in files::versions_listing(conn, file)? {
        if v.state != DRAFT {
            continue;
        }
        if let Some(mut fm) = files::meta_in_version(conn, v.id, file)? {
            let wanted = f(&fm.label);
            fm.label = files::unique_label(
                conn,
                v.id,
                fm.directory_label.as_deref(),
                &wanted,
                Some(file),
            )?;
            files::update_meta(conn, &fm)?;
        }
    }
    Ok(())
}

/// Remove the `Ingest` lock unless another ingest of the dataset is pending.
pub(crate) fn release_ingest_lock(conn: &Connection, dataset: i64) -> Result<(), Error> {
    let pending: i64 = conn.query_row(
        "SELECT count(*) FROM datafiles WHERE dataset_id = ?1 AND ingest_state = 'pending'",
        [dataset],
        |r| r.get(0),
    )?;
    if pending == 0 {
        locks::remove(conn, dataset, Some(INGEST))?;
    }
    Ok(())
}

async fn add(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let caller = auth.caller.clone();
    let dataset = em
        .store()
        .read(move |conn| -> Answer<i64> {
            let ds = tryr!(find(conn, &idtf, &p)?);
            tryr!(may_edit(conn, &caller, ds.id)?);
            Ok(Ok(ds.id))
        })
        .await??;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        return Err(ApiError::bad_request(NO_FILE));
    };
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let label = params
        .label
        .clone()
        .unwrap_or_else(|| upload.filename.clone());
    let label = sanitize_filename(&label)?;
    let place = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: None,
    };
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done = em
        .store()
        .call(move |conn| -> Answer<Committed> {
            // Checked again under the writer: a lock may have appeared meanwhile.
            tryr!(may_edit(conn, &caller, dataset)?);
            commit_upload(conn, &data_dir, upload, &params, place, user_id)
        })
        .await??;
    if let Some(id) = done.ingest {
        start_ingest(&em, id).await;
    }
    Ok(added(done))
}

/// `file.addreplace.error.replace.new_file_has_different_content_type`.
fn different_type(old: &str, new: &str) -> ApiError {
    ApiError::bad_request(format!(
        "The original file ({}) and replacement file ({}) are different file types.",
        ingest::friendly_type(old),
        ingest::friendly_type(new)
    ))
}

async fn replace(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let caller = auth.caller.clone();
    let id_text = idtf.clone();
    let old = em
        .store()
        .read(move |conn| -> Answer<files::DataFileRow> {
            let df = match find_file(conn, &idtf, &p)? {
                Ok(df) => df,
                Err(_) => {
                    return Ok(Err(ApiError::bad_request(format!(
                        "Replacement file not found. There was no file found for ID: {id_text}"
                    ))));
                }
            };
            tryr!(may_edit(conn, &caller, df.dataset_id)?);
            Ok(Ok(df))
        })
        .await??;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        return Err(ApiError::bad_request(NO_FILE));
    };
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let old_type = old
        .original_format
        .clone()
        .filter(|_| old.tabular)
        .unwrap_or_else(|| old.content_type.clone());
    if old_type != content_type && !params.force_replace {
        return Err(different_type(&old_type, &content_type));
    }
    let label = sanitize_filename(
        &params
            .label
            .clone()
            .unwrap_or_else(|| upload.filename.clone()),
    )?;
    let dataset = old.dataset_id;
    let place = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: Some(old),
    };
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done = em
        .store()
        .call(move |conn| -> Answer<Committed> {
            tryr!(may_edit(conn, &caller, dataset)?);
            let Some(old) = place.replaces.as_ref() else {
                return Err(Error::Store("replacement without a file".into()));
            };
            // The file must still be current, and published (`AddReplaceFileHelper`).
            let all = datasets::versions(conn, dataset)?;
            let latest = all.first().map(|v| v.id).unwrap_or(-1);
            if files::meta_in_version(conn, latest, old.id)?.is_none() {
                return Ok(Err(ApiError::bad_request(
                    "You cannot replace a file that is not in the latest version of the dataset.",
                )));
            }
            if old.publication_date.is_none() {
                return Ok(Err(ApiError::bad_request(
                    "You cannot replace an unpublished file. Please delete it instead of replacing it.",
                )));
            }
            commit_upload(conn, &data_dir, upload, &params, place, user_id)
        })
        .await??;
    if let Some(id) = done.ingest {
        start_ingest(&em, id).await;
    }
    Ok(added(done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_labels() {
        assert_eq!(directory_label("a/b/").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("a\\b").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("./a//b").unwrap().as_deref(), Some("a/b"));
        assert_eq!(directory_label("").unwrap(), None);
        for bad in ["../x", "a/../b", "/etc", "C:/x", "a/.."] {
            assert!(directory_label(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(sanitize_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(sanitize_filename("C:\\x\\data.csv").unwrap(), "data.csv");
        assert!(sanitize_filename("..").is_err());
        assert!(sanitize_filename("dir/").is_err());
    }
}
