//! The asynchronous tabular ingest of a stored file (`IngestServiceBean`): queueing it
//! (the file `pending`, the dataset's `Ingest` lock), running it off the request, and
//! releasing the lock when no ingest of the dataset is pending any more.

use rusqlite::Connection;

use crate::model::{IngestState, LockType, VersionState};
use crate::storage;
use crate::store::blobs::{self, TempBlob};
use crate::store::{files, locks, time_fmt};
use crate::{Emulator, Error};

/// Queue the ingest of a file: mark it `pending` and lock its dataset (`Ingest`) unless an
/// ingest already holds the lock. Run it with [`start`] once the transaction has committed.
pub(crate) fn queue(
    conn: &Connection,
    file: i64,
    dataset: i64,
    user_id: Option<i64>,
) -> Result<(), Error> {
    files::set_ingest_state(conn, file, Some(IngestState::Pending))?;
    if !locks::has(conn, dataset, LockType::Ingest)? {
        locks::add(conn, dataset, LockType::Ingest, user_id, None)?;
    }
    Ok(())
}

/// Start (or, with a zero publish delay, run before answering) the ingest of a file.
pub(crate) async fn start(em: &Emulator, file: i64) {
    if em.config().publish_delay.is_zero() {
        run(em.clone(), file).await;
    } else {
        let em = em.clone();
        tokio::spawn(run(em, file));
    }
}

/// `IngestServiceBean.ingestAsBatch` for one CSV/TSV file: the `.tab` is written beside the
/// upload, then the upload moves to `<blob>.orig` and the `.tab` takes its place with the
/// rows updated, in one transaction. A file in the S3 store is read from the bucket, and
/// its `.orig` and `.tab` written back there before the rows are updated. A failure leaves the file as uploaded (not tabular).
/// The dataset's `Ingest` lock goes when no ingest of it is pending any more.
pub(crate) async fn run(em: Emulator, file: i64) {
    let data_dir = em.config().data_dir.clone();
    let store = em.store().clone();
    let Ok(Some(df)) = store.read(move |c| files::datafile(c, file)).await else {
        return;
    };
    let s3_key = storage::s3_key_of_blob(&df.blob).map(str::to_string);
    // A file held in the S3 store is read from the bucket into a temporary file first.
    let fetched = match &s3_key {
        Some(key) => Some(fetch(&em, &data_dir, key).await),
        None => None,
    };
    let src = match &fetched {
        Some(Ok(t)) => t.path().to_path_buf(),
        _ => files::blob_path(&data_dir, &df.blob),
    };
    let tab = match blobs::create(&data_dir) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "ingest: no temporary file");
            return;
        }
    };
    let delimiter =
        if df.content_type == super::CSV || df.content_type == "text/comma-separated-values" {
            b','
        } else {
            b'\t'
        };
    let tab_path = tab.path().to_path_buf();
    let outcome = match &fetched {
        Some(Err(reason)) => Err(reason.clone()),
        _ => tokio::task::spawn_blocking(move || super::csv_to_tab(&src, &tab_path, delimiter))
            .await
            .unwrap_or_else(|e| Err(format!("ingest task failed: {e}"))),
    };
    // In the S3 store, the upload becomes `<key>.orig` and the `.tab` takes its key, as
    // `S3AccessIO` keeps the original as an auxiliary object.
    let outcome = match (outcome, &s3_key, &fetched) {
        (Ok(()), Some(key), Some(Ok(original))) => {
            write_back(&em, key, original.path(), tab.path()).await
        }
        (outcome, _, _) => outcome,
    };
    let in_bucket = s3_key.is_some();
    let result = store
        .call(move |conn| -> Result<(), Error> {
            let tx = conn.transaction()?;
            let Some(df) = files::datafile(&tx, file)? else {
                return Ok(()); // deleted meanwhile; the temporary .tab is dropped
            };
            match outcome {
                Ok(()) => {
                    let size = std::fs::metadata(tab.path())?.len() as i64;
                    if !in_bucket {
                        let blob = files::blob_path(&data_dir, &df.blob);
                        let orig = files::blob_path(&data_dir, &format!("{}.orig", df.blob));
                        std::fs::rename(&blob, &orig)?;
                        if let Err(e) = tab.commit(&blob) {
                            let _ = std::fs::rename(&orig, &blob);
                            return Err(e.into());
                        }
                    }
                    let original_name = original_label(&tx, file)?;
                    tx.execute(
                        "UPDATE datafiles SET tabular = 1, content_type = ?2, filesize = ?3,
                             original_format = ?4, original_size = ?5, original_name = ?6,
                             ingest_state = NULL, last_update_time = ?7 WHERE id = ?1",
                        rusqlite::params![
                            file,
                            super::TAB,
                            size,
                            df.content_type,
                            df.filesize,
                            original_name,
                            time_fmt::now_iso()
                        ],
                    )?;
                    relabel_drafts(&tx, file, super::tab_name)?;
                }
                Err(reason) => {
                    tracing::info!(file, %reason, "tabular ingest failed");
                    files::set_ingest_state(&tx, file, Some(IngestState::Failed))?;
                }
            }
            release_lock(&tx, df.dataset_id)?;
            tx.commit()?;
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, file, "ingest could not be stored");
        let _ = store
            .call(move |conn| {
                files::set_ingest_state(conn, file, Some(IngestState::Failed))?;
                release_lock(conn, df.dataset_id)
            })
            .await;
    }
}

/// Read the object `key` of the S3 store into a temporary file.
pub(crate) async fn fetch(
    em: &Emulator,
    data_dir: &std::path::Path,
    key: &str,
) -> Result<TempBlob, String> {
    let Some((bucket, _)) = em.s3() else {
        return Err("the file is in S3 but no S3 store is configured".into());
    };
    let tmp = blobs::create(data_dir).map_err(|e| format!("no temporary file: {e}"))?;
    bucket
        .get_to_file(key, tmp.path())
        .await
        .map_err(|e| format!("reading the file from the store: {e}"))?;
    Ok(tmp)
}

/// Store the ingest's result in the S3 store: the original as `<key>.orig`, then the `.tab`
/// under `key`.
async fn write_back(
    em: &Emulator,
    key: &str,
    original: &std::path::Path,
    tab: &std::path::Path,
) -> Result<(), String> {
    let Some((bucket, _)) = em.s3() else {
        return Err("the file is in S3 but no S3 store is configured".into());
    };
    bucket
        .put_file(&format!("{key}.orig"), original)
        .await
        .map_err(|e| format!("storing the original: {e}"))?;
    bucket
        .put_file(key, tab)
        .await
        .map_err(|e| format!("storing the .tab: {e}"))
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
        if v.state != VersionState::Draft {
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
pub(crate) fn release_lock(conn: &Connection, dataset: i64) -> Result<(), Error> {
    if files::pending_ingests(conn, dataset)? == 0 {
        locks::remove(conn, dataset, Some(LockType::Ingest))?;
    }
    Ok(())
}
