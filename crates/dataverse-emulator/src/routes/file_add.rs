//! File uploads: `POST /api/datasets/{id}/add` and `POST /api/files/{id}/replace`
//! (`AddReplaceFileHelper`): the checks before the body is read, `jsonData`'s optional
//! parameters, and storing the upload (blob and rows together), after which the tabular
//! ingest starts. The multipart body itself is read by [`super::common::extract::read_form`].

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::Response;

use super::AppError;
use super::common::commit::{Committed, Placement, added, commit_upload, may_upload, parse_params};
use super::common::extract::{Params, read_form, sanitize_filename};
use super::common::guards::{find_dataset, find_file};
use super::common::native_store::{UploadTarget, check_size, kept, key_of, place, upload_target};
use crate::auth::Auth;
use crate::envelope::ApiError;
use crate::ingest;
use crate::store::blobs;
use crate::store::datasets;
use crate::store::files;
use crate::{Emulator, Error};

pub(super) async fn add(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let em2 = em.clone();
    let (dataset, target) = em
        .store()
        .read(move |conn| -> Result<(i64, UploadTarget), AppError> {
            let ds = find_dataset(conn, &idtf, &p)?;
            may_upload(conn, &caller, ds.id)?;
            Ok((ds.id, upload_target(conn, &em2, &ds)?))
        })
        .await?;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        // Only `jsonData`: the registration of a direct upload.
        return super::file_register::add_one(&em, dataset, &auth, form.json.as_deref(), None)
            .await;
    };
    check_size(&target, upload.size)?;
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let label = params
        .label
        .clone()
        .unwrap_or_else(|| upload.filename.clone());
    let label = sanitize_filename(&label)?;
    let placement = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: None,
    };
    let bytes = place(&em, &target, upload).await?;
    let object = key_of(&bytes);
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done = em
        .store()
        .call(move |conn| -> Result<Committed, AppError> {
            // Checked again under the writer: a lock may have appeared meanwhile.
            may_upload(conn, &caller, dataset)?;
            commit_upload(conn, &data_dir, bytes, &params, placement, user_id)
        })
        .await;
    let done = kept(&em, object, done).await?;
    if let Some(id) = done.ingest {
        ingest::job::start(&em, id).await;
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

pub(super) async fn replace(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let caller = auth.caller.clone();
    let id_text = idtf.clone();
    let em2 = em.clone();
    let (old, target) = em
        .store()
        .read(
            move |conn| -> Result<(files::DataFileRow, UploadTarget), AppError> {
                let df = find_file(conn, &idtf, &p).map_err(|e| {
                    e.replace_api(|_| {
                        ApiError::bad_request(format!(
                            "Replacement file not found. There was no file found for ID: {id_text}"
                        ))
                    })
                })?;
                may_upload(conn, &caller, df.dataset_id)?;
                let Some(ds) = datasets::by_id(conn, df.dataset_id)? else {
                    return Err(Error::Store("file without dataset".into()).into());
                };
                let target = upload_target(conn, &em2, &ds)?;
                Ok((df, target))
            },
        )
        .await?;
    let form = read_form(&em, multipart).await?;
    let params = parse_params(form.json.as_deref())?;
    let Some(upload) = form.file else {
        // Only `jsonData`: a direct upload replacing the file.
        return super::file_register::add_one(
            &em,
            old.dataset_id,
            &auth,
            form.json.as_deref(),
            Some(old.id),
        )
        .await;
    };
    check_size(&target, upload.size)?;
    let content_type = ingest::detect(upload.part_type.as_deref(), &upload.filename, &upload.head);
    let old_type = old
        .original_format
        .clone()
        .filter(|_| old.tabular)
        .unwrap_or_else(|| old.content_type.clone());
    if old_type != content_type && !params.force_replace {
        return Err(different_type(&old_type, &content_type).into());
    }
    let label = sanitize_filename(
        &params
            .label
            .clone()
            .unwrap_or_else(|| upload.filename.clone()),
    )?;
    let dataset = old.dataset_id;
    let placement = Placement {
        dataset,
        ingest: params.tab_ingest
            && ingest::is_tabular_candidate(&content_type)
            && content_type != ingest::TAB,
        label,
        content_type,
        replaces: Some(old),
    };
    let bytes = place(&em, &target, upload).await?;
    let object = key_of(&bytes);
    let data_dir = em.config().data_dir.clone();
    let user_id = auth.caller.user().map(|u| u.id);
    let caller = auth.caller.clone();
    let done =
        em.store()
            .call(move |conn| -> Result<Committed, AppError> {
                may_upload(conn, &caller, dataset)?;
                let Some(old) = placement.replaces.as_ref() else {
                    return Err(Error::Store("replacement without a file".into()).into());
                };
                // The file must still be current (`AddReplaceFileHelper`). A file never
                // published may be replaced too (Dataverse 5.10+): it goes with its bytes.
                let all = datasets::versions(conn, dataset)?;
                let latest = all.first().map(|v| v.id).unwrap_or(-1);
                if files::meta_in_version(conn, latest, old.id)?.is_none() {
                    return Err(ApiError::bad_request(
                    "You cannot replace a file that is not in the latest version of the dataset.",
                ).into());
                }
                commit_upload(conn, &data_dir, bytes, &params, placement, user_id)
            })
            .await;
    let done = kept(&em, object, done).await?;
    // The bytes of a replaced draft-only file (its row went with the commit).
    blobs::remove_trashed(&em).await;
    if let Some(id) = done.ingest {
        ingest::job::start(&em, id).await;
    }
    Ok(added(done))
}
