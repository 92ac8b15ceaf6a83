//! Data files and their per-version metadata: `DataFile` rows (one per stored file, shared
//! by every version that lists it) and `FileMetadata` rows (label, folder, description,
//! restriction, categories of a file in one dataset version), their JSON as
//! `JsonPrinter.json(FileMetadata)` / `json(DataFile)` print them (§4.4), and the on-disk
//! blob bookkeeping.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Error;
use crate::checksum::Algorithm;
use crate::model::{IngestState, LockType, VersionState};

/// Folder (under the data directory) holding the stored files.
pub(crate) const FILES_DIR: &str = "files";
/// Folder (under [`FILES_DIR`]) for uploads still arriving.
pub(crate) const TMP_DIR: &str = "tmp";

/// A stored data file.
#[derive(Debug, Clone)]
pub(crate) struct DataFileRow {
    pub id: i64,
    pub dataset_id: i64,
    /// `local://<hex millis>-<hex random>`.
    pub storage_identifier: String,
    /// Path of the stored bytes relative to the files folder (`<dataset>/<name>`); an
    /// ingested file keeps its upload at `<blob>.orig`.
    pub blob: String,
    pub content_type: String,
    pub filesize: i64,
    /// Checksum of the upload (for an ingested file: of the original, as in Dataverse).
    pub checksum: String,
    /// Its algorithm's wire name (`MD5`, `SHA-1`, `SHA-256`, `SHA-512`).
    pub checksum_type: String,
    pub created: String,
    pub last_update_time: String,
    pub publication_date: Option<String>,
    pub root_id: Option<i64>,
    pub previous_id: Option<i64>,
    pub tabular: bool,
    pub original_format: Option<String>,
    pub original_size: Option<i64>,
    pub original_name: Option<String>,
    /// `pending` while an ingest runs, `failed` after one failed, else none.
    pub ingest_state: Option<IngestState>,
    /// The file's PID (`doi:...`), once registered
    /// ([`file_pids`](super::file_pids)).
    pub pid: Option<String>,
}

const DATAFILE_COLUMNS: &str = "df.id, df.dataset_id, df.storage_identifier, df.blob,
    df.content_type, df.filesize, df.checksum_value, df.created, df.last_update_time, df.publication_date,
    df.root_id, df.previous_id, df.tabular, df.original_format, df.original_size,
    df.original_name, df.ingest_state, df.checksum_type, df.pid";

fn datafile_row(r: &Row<'_>, o: usize) -> rusqlite::Result<DataFileRow> {
    Ok(DataFileRow {
        id: r.get(o)?,
        dataset_id: r.get(o + 1)?,
        storage_identifier: r.get(o + 2)?,
        blob: r.get(o + 3)?,
        content_type: r.get(o + 4)?,
        filesize: r.get(o + 5)?,
        checksum: r.get(o + 6)?,
        created: r.get(o + 7)?,
        last_update_time: r.get(o + 8)?,
        publication_date: r.get(o + 9)?,
        root_id: r.get(o + 10)?,
        previous_id: r.get(o + 11)?,
        tabular: r.get(o + 12)?,
        original_format: r.get(o + 13)?,
        original_size: r.get(o + 14)?,
        original_name: r.get(o + 15)?,
        ingest_state: r.get(o + 16)?,
        checksum_type: r.get(o + 17)?,
        pid: r.get(o + 18)?,
    })
}

/// The metadata of a file in one dataset version.
#[derive(Debug, Clone)]
pub(crate) struct FileMetaRow {
    pub id: i64,
    pub version_id: i64,
    pub label: String,
    pub directory_label: Option<String>,
    pub description: String,
    pub restricted: bool,
    /// JSON array text.
    pub categories: String,
    pub prov_free_form: Option<String>,
    pub row_version: i64,
}

const FM_COLUMNS: &str = "fm.id, fm.version_id, fm.label, fm.directory_label,
    fm.description, fm.restricted, fm.categories, fm.prov_free_form, fm.row_version";
const FM_WIDTH: usize = 9;

fn fm_row(r: &Row<'_>) -> rusqlite::Result<FileMetaRow> {
    Ok(FileMetaRow {
        id: r.get(0)?,
        version_id: r.get(1)?,
        label: r.get(2)?,
        directory_label: r.get(3)?,
        description: r.get(4)?,
        restricted: r.get(5)?,
        categories: r.get(6)?,
        prov_free_form: r.get(7)?,
        row_version: r.get(8)?,
    })
}

fn pair(r: &Row<'_>) -> rusqlite::Result<(FileMetaRow, DataFileRow)> {
    Ok((fm_row(r)?, datafile_row(r, FM_WIDTH)?))
}

impl FileMetaRow {
    /// Categories as strings.
    pub(crate) fn category_list(&self) -> Vec<String> {
        serde_json::from_str(&self.categories).unwrap_or_default()
    }

    /// `directoryLabel/label` (or the label alone).
    pub(crate) fn path(&self) -> String {
        match self.directory_label.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => format!("{d}/{}", self.label),
            None => self.label.clone(),
        }
    }
}

/// A new data file with its first metadata.
#[derive(Debug, Clone)]
pub(crate) struct NewFile {
    pub dataset_id: i64,
    pub storage_identifier: String,
    pub blob: String,
    pub content_type: String,
    pub filesize: i64,
    /// Checksum of the bytes and its algorithm.
    pub checksum: String,
    pub checksum_type: Algorithm,
    pub root_id: Option<i64>,
    pub previous_id: Option<i64>,
    pub label: String,
    pub directory_label: Option<String>,
    pub description: String,
    pub restricted: bool,
    pub categories: Vec<String>,
    pub prov_free_form: Option<String>,
}

/// A fresh storage identifier (`local://<hex millis>-<12 hex>`) and its blob name.
pub(crate) fn new_storage_name() -> String {
    let ms = super::time_fmt::now_ms();
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{ms:x}-{}", &random[..12])
}

/// Insert a data file and its metadata in `version`; returns (file id, metadata id).
pub(crate) fn insert(
    conn: &Connection,
    f: &NewFile,
    version: i64,
    now: &str,
) -> Result<(i64, i64), Error> {
    let id = super::collections::new_dvobject(conn, "DataFile")?;
    conn.prepare_cached(
        "INSERT INTO datafiles (id, dataset_id, storage_identifier, blob, content_type, filesize,
             checksum_value, checksum_type, created, last_update_time, root_id, previous_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        f.dataset_id,
        f.storage_identifier,
        f.blob,
        f.content_type,
        f.filesize,
        f.checksum,
        f.checksum_type.as_str(),
        now,
        f.root_id,
        f.previous_id,
    ])?;
    conn.prepare_cached(
        "INSERT INTO filemetadatas (version_id, datafile_id, label, directory_label, description,
             restricted, categories, prov_free_form)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        version,
        id,
        f.label,
        f.directory_label,
        f.description,
        f.restricted,
        serde_json::to_string(&f.categories)?,
        f.prov_free_form,
    ])?;
    Ok((id, conn.last_insert_rowid()))
}

/// A data file by id.
pub(crate) fn datafile(conn: &Connection, id: i64) -> Result<Option<DataFileRow>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DATAFILE_COLUMNS} FROM datafiles df WHERE df.id = ?1"
        ))?
        .query_row([id], |r| datafile_row(r, 0))
        .optional()?)
}

/// The files of a version with their metadata, in upload order.
pub(crate) fn in_version(
    conn: &Connection,
    version: i64,
) -> Result<Vec<(FileMetaRow, DataFileRow)>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FM_COLUMNS}, {DATAFILE_COLUMNS} FROM filemetadatas fm
         JOIN datafiles df ON df.id = fm.datafile_id WHERE fm.version_id = ?1 ORDER BY fm.id"
    ))?;
    let rows = stmt.query_map([version], pair)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The metadata of a file in a version, if the version lists it.
pub(crate) fn meta_in_version(
    conn: &Connection,
    version: i64,
    datafile: i64,
) -> Result<Option<FileMetaRow>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {FM_COLUMNS} FROM filemetadatas fm WHERE fm.version_id = ?1 AND fm.datafile_id = ?2"
        ))?
        .query_row([version, datafile], fm_row)
        .optional()?)
}

/// The sorted data-file ids of a version (to compare file sets between versions).
/// A file metadata by its id, with the id of its data file
/// (`DataFileServiceBean.findFileMetadata`).
pub(crate) fn meta_by_id(conn: &Connection, id: i64) -> Result<Option<(FileMetaRow, i64)>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {FM_COLUMNS}, fm.datafile_id FROM filemetadatas fm WHERE fm.id = ?1"
        ))?
        .query_row([id], |r| Ok((fm_row(r)?, r.get(FM_WIDTH)?)))
        .optional()?)
}

/// The file's metadata in the newest version that lists it (`DataFile.getFileMetadata()`),
/// with that version.
pub(crate) fn latest_meta(
    conn: &Connection,
    datafile: i64,
) -> Result<Option<(super::datasets::VersionRow, FileMetaRow)>, Error> {
    for v in versions_listing(conn, datafile)? {
        if let Some(fm) = meta_in_version(conn, v.id, datafile)? {
            return Ok(Some((v, fm)));
        }
    }
    Ok(None)
}

pub(crate) fn file_ids(conn: &Connection, version: i64) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT datafile_id FROM filemetadatas WHERE version_id = ?1 ORDER BY datafile_id",
    )?;
    let rows = stmt.query_map([version], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `DatasetVersion.isMinorUpdate` for files: a minor release needs the draft to list the
/// same files as the latest released version (`all` newest first, the draft first).
pub(crate) fn minor_allowed(
    conn: &Connection,
    all: &[super::datasets::VersionRow],
) -> Result<bool, Error> {
    let draft = all.iter().find(|v| v.state == VersionState::Draft);
    let released = all.iter().find(|v| v.state == VersionState::Released);
    Ok(match (draft, released) {
        (Some(d), Some(r)) => file_ids(conn, d.id)? == file_ids(conn, r.id)?,
        _ => true,
    })
}

/// Copy the file metadata of version `from` into the new version `to` (a new draft).
pub(crate) fn copy_metadatas(conn: &Connection, from: i64, to: i64) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO filemetadatas (version_id, datafile_id, label, directory_label, description,
             restricted, categories, prov_free_form, row_version)
         SELECT ?2, datafile_id, label, directory_label, description, restricted, categories,
             prov_free_form, 1
         FROM filemetadatas WHERE version_id = ?1 ORDER BY id",
        params![from, to],
    )?;
    Ok(())
}

/// Give the files of a version their publication date (first release of each).
pub(crate) fn mark_published(conn: &Connection, version: i64, now: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE datafiles SET publication_date = coalesce(publication_date, ?2)
         WHERE id IN (SELECT datafile_id FROM filemetadatas WHERE version_id = ?1)",
        params![version, now],
    )?;
    Ok(())
}

/// Remove a file from a version. When no version lists it any more, the data file row goes
/// too (a trigger) and its blob is queued in `blob_trash`. Returns whether the data file
/// itself was deleted.
pub(crate) fn remove_from_version(
    conn: &Connection,
    version: i64,
    datafile: i64,
) -> Result<bool, Error> {
    conn.execute(
        "DELETE FROM filemetadatas WHERE version_id = ?1 AND datafile_id = ?2",
        [version, datafile],
    )?;
    let left: i64 = conn.query_row(
        "SELECT count(*) FROM datafiles WHERE id = ?1",
        [datafile],
        |r| r.get(0),
    )?;
    Ok(left == 0)
}

/// The label of a file of a version with this checksum, if any (duplicate-content warning).
pub(crate) fn label_with_checksum(
    conn: &Connection,
    version: i64,
    checksum: &str,
    algorithm: Algorithm,
) -> Result<Option<String>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT fm.label FROM filemetadatas fm JOIN datafiles df ON df.id = fm.datafile_id
             WHERE fm.version_id = ?1 AND df.checksum_value = ?2 AND df.checksum_type = ?3
             ORDER BY fm.id LIMIT 1",
        )?
        .query_row(params![version, checksum, algorithm.as_str()], |r| r.get(0))
        .optional()?)
}

/// Whether a label is taken in a folder of a version (by another file than `except`).
pub(crate) fn label_taken(
    conn: &Connection,
    version: i64,
    directory: Option<&str>,
    label: &str,
    except: Option<i64>,
) -> Result<bool, Error> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM filemetadatas WHERE version_id = ?1
             AND coalesce(directory_label, '') = ?2 AND label = ?3 AND datafile_id != ?4",
        )?
        .query_row(
            params![
                version,
                directory.unwrap_or(""),
                label,
                except.unwrap_or(-1)
            ],
            |r| r.get(0),
        )?;
    Ok(n > 0)
}

/// `name.ext`, or `name-1.ext`, `name-2.ext`, ... whichever is free in the folder
/// (`IngestUtil.checkForDuplicateFileNamesFinal`).
pub(crate) fn unique_label(
    conn: &Connection,
    version: i64,
    directory: Option<&str>,
    label: &str,
    except: Option<i64>,
) -> Result<String, Error> {
    if !label_taken(conn, version, directory, label, except)? {
        return Ok(label.to_string());
    }
    let (stem, ext) = match label.rfind('.') {
        Some(i) if i > 0 => (&label[..i], &label[i..]),
        _ => (label, ""),
    };
    for n in 1.. {
        let candidate = format!("{stem}-{n}{ext}");
        if !label_taken(conn, version, directory, &candidate, except)? {
            return Ok(candidate);
        }
    }
    Err(Error::Store("no free file name".into()))
}

/// Update the metadata row of a file in a version.
pub(crate) fn update_meta(conn: &Connection, fm: &FileMetaRow) -> Result<(), Error> {
    conn.execute(
        "UPDATE filemetadatas SET label = ?2, directory_label = ?3, description = ?4,
             restricted = ?5, categories = ?6, prov_free_form = ?7, row_version = row_version + 1
         WHERE id = ?1",
        params![
            fm.id,
            fm.label,
            fm.directory_label,
            fm.description,
            fm.restricted,
            fm.categories,
            fm.prov_free_form,
        ],
    )?;
    Ok(())
}

/// Bump a version's update time and row counter after a file change.
pub(crate) fn touch_version(conn: &Connection, version: i64, now: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE dataset_versions SET last_update_time = ?2,
             internal_version = internal_version + 1 WHERE id = ?1",
        params![version, now],
    )?;
    Ok(())
}

/// The versions of a dataset that list a file, newest first (draft first).
pub(crate) fn versions_listing(
    conn: &Connection,
    file: i64,
) -> Result<Vec<super::datasets::VersionRow>, Error> {
    let Some(df) = self::datafile(conn, file)? else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT version_id FROM filemetadatas WHERE datafile_id = ?1")?;
    for id in stmt.query_map([file], |r| r.get::<_, i64>(0))? {
        ids.push(id?);
    }
    Ok(super::datasets::versions(conn, df.dataset_id)?
        .into_iter()
        .filter(|v| ids.contains(&v.id))
        .collect())
}

/// Set (or, with `None`, clear) the ingest state of a file.
pub(crate) fn set_ingest_state(
    conn: &Connection,
    file: i64,
    state: Option<IngestState>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE datafiles SET ingest_state = ?2 WHERE id = ?1",
        params![file, state],
    )?;
    Ok(())
}

/// How many files of the dataset wait for their ingest.
pub(crate) fn pending_ingests(conn: &Connection, dataset: i64) -> Result<i64, Error> {
    Ok(conn.query_row(
        "SELECT count(*) FROM datafiles WHERE dataset_id = ?1 AND ingest_state = ?2",
        params![dataset, IngestState::Pending],
        |r| r.get(0),
    )?)
}

/// The file of a dataset stored under `storage_identifier`, if any.
pub(crate) fn by_storage_identifier(
    conn: &Connection,
    dataset: i64,
    storage_identifier: &str,
) -> Result<Option<i64>, Error> {
    Ok(conn
        .query_row(
            "SELECT id FROM datafiles WHERE dataset_id = ?1 AND storage_identifier = ?2",
            params![dataset, storage_identifier],
            |r| r.get(0),
        )
        .optional()?)
}

/// Absolute path of a blob.
pub(crate) fn blob_path(data_dir: &Path, blob: &str) -> PathBuf {
    data_dir.join(FILES_DIR).join(blob)
}

/// Delete the blobs queued in `blob_trash` (after the rows that named them committed).
pub(crate) fn sweep(conn: &Connection, data_dir: &Path) -> Result<(), Error> {
    let paths: Vec<String> = {
        let mut stmt = conn.prepare_cached("SELECT path FROM blob_trash")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for p in paths {
        // An object of the S3 store is removed from the bucket (`blobs::remove_trashed`).
        if crate::storage::s3_key_of_blob(&p).is_some() {
            continue;
        }
        // A trashed name is only ever `<dataset>/<name>[.orig]`: never outside the folder.
        if p.contains("..") || p.starts_with('/') {
            continue;
        }
        match std::fs::remove_file(blob_path(data_dir, &p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot remove a deleted file's bytes");
                continue;
            }
        }
        remove_thumbnails(&blob_path(data_dir, &p));
        conn.execute("DELETE FROM blob_trash WHERE path = ?1", [&p])?;
    }
    Ok(())
}

/// Remove the cached thumbnails (`<blob>.thumb<size>`) of a deleted blob.
fn remove_thumbnails(blob: &Path) {
    let (Some(dir), Some(name)) = (blob.parent(), blob.file_name()) else {
        return;
    };
    let prefix = format!("{}.thumb", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether anything waits in `blob_trash`.
pub(crate) fn trash_pending(conn: &Connection) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM blob_trash LIMIT 1")?
        .query_row([], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Remove temporary uploads left by a crash (called on open). Only files untouched for ten
/// minutes go, so an upload in progress in another process sharing the data directory is
/// left alone.
pub(crate) fn clear_tmp(data_dir: &Path) {
    let dir = data_dir.join(FILES_DIR).join(TMP_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let stale = std::time::Duration::from_secs(600);
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > stale);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Add `count` small text files (deterministic names and bytes) to the newest version of a
/// dataset in one transaction, bytes written to disk first; a released version gets them as
/// published files. Returns the new file ids.
pub(crate) fn generate(
    conn: &mut Connection,
    data_dir: &Path,
    dataset: i64,
    count: usize,
) -> Result<Vec<i64>, Error> {
    use md5::{Digest, Md5};
    let tx = conn.transaction()?;
    let Some(version) = super::datasets::versions(&tx, dataset)?.into_iter().next() else {
        return Err(Error::Generate(format!("no dataset with id {dataset}")));
    };
    let published = (version.state != VersionState::Draft).then(|| {
        version
            .release_time
            .clone()
            .unwrap_or_else(|| version.create_time.clone())
    });
    let now = super::time_fmt::now_iso();
    let mut written = Vec::with_capacity(count);
    let mut ids = Vec::with_capacity(count);
    let result = (|| -> Result<(), Error> {
        std::fs::create_dir_all(data_dir.join(FILES_DIR).join(dataset.to_string()))?;
        for i in 0..count {
            let bytes = format!("generated file {i} of dataset {dataset}\n");
            let name = new_storage_name();
            let blob = format!("{dataset}/{name}");
            let path = blob_path(data_dir, &blob);
            std::fs::write(&path, bytes.as_bytes())?;
            written.push(path);
            let new = NewFile {
                dataset_id: dataset,
                storage_identifier: format!("local://{name}"),
                blob,
                content_type: "text/plain".into(),
                filesize: bytes.len() as i64,
                checksum: hex::encode(Md5::digest(bytes.as_bytes())),
                checksum_type: Algorithm::Md5,
                root_id: None,
                previous_id: None,
                label: format!("file-{i:05}.txt"),
                directory_label: Some(format!("part-{}", i % 10)),
                description: String::new(),
                restricted: false,
                categories: Vec::new(),
                prov_free_form: None,
            };
            let (id, _) = insert(&tx, &new, version.id, &now)?;
            ids.push(id);
        }
        if let Some(p) = &published {
            mark_published(&tx, version.id, p)?;
        }
        Ok(())
    })();
    if let Err(e) = result.and_then(|()| tx.commit().map_err(Error::from)) {
        for p in written {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    Ok(ids)
}

/// Bring the files back in line with the rows after a crash (called on open, after
/// [`sweep`]):
/// - an ingest that was interrupted is undone: the upload goes back in place if it had
///   already moved to `<blob>.orig`, the file stays as uploaded (`ingest_state` `failed`, so
///   `reingest` can run it again) and the dataset's `Ingest` lock goes;
/// - a stored blob that no row names (an upload moved into place whose transaction never
///   committed) is removed.
///
/// Afterwards every row has its bytes and every blob its row.
pub(crate) fn recover(conn: &mut Connection, data_dir: &Path) -> Result<(), Error> {
    let tx = conn.transaction()?;
    let pending: Vec<(i64, i64, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, dataset_id, blob FROM datafiles WHERE ingest_state = ?1")?;
        let rows = stmt.query_map([IngestState::Pending], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, dataset, blob) in &pending {
        let orig = blob_path(data_dir, &format!("{blob}.orig"));
        if orig.exists() {
            std::fs::rename(&orig, blob_path(data_dir, blob))?;
        }
        set_ingest_state(&tx, *id, Some(IngestState::Failed))?;
        crate::store::locks::remove(&tx, *dataset, Some(LockType::Ingest))?;
        tracing::warn!(
            file = id,
            "tabular ingest interrupted by a restart: marked failed"
        );
    }
    tx.commit()?;

    let mut known = std::collections::HashSet::new();
    {
        let mut stmt = conn.prepare("SELECT blob, tabular FROM datafiles")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?;
        for row in rows {
            let (blob, tabular) = row?;
            if tabular {
                known.insert(blob_path(data_dir, &format!("{blob}.orig")));
            }
            known.insert(blob_path(data_dir, &blob));
        }
    }
    let root = data_dir.join(FILES_DIR);
    let Ok(folders) = std::fs::read_dir(&root) else {
        return Ok(());
    };
    for folder in folders.flatten() {
        if folder.file_name() == TMP_DIR || !folder.path().is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(folder.path())?.flatten() {
            let path = entry.path();
            if path.is_file() && !known.contains(&path) {
                tracing::warn!(path = %path.display(), "removing a stored file no row names");
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}
