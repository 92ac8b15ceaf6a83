//! Thumbnails of files, datasets and collections for cards and pages:
//! `GET /api/access/fileCardImage/{fileId}` (`Access.fileCardImage`: a file's 48-pixel
//! thumbnail), `GET /api/access/dvCardImage/{dataverseId}` (`Access.dvCardImage`),
//! `GET /api/datasets/{id}/thumbnail` and `GET /api/datasets/{id}/logo`
//! (`Datasets.getDatasetThumbnail`/`getDatasetLogo` with `DatasetUtil`'s fallbacks).
//!
//! Datasets here have no uploaded logo and no chosen thumbnail file, so a dataset's
//! thumbnail is the one Dataverse selects automatically: the first file of its published
//! version (by label) that is not restricted and has a 140-pixel thumbnail; the thumbnail
//! is that file's 48-pixel one, the logo its 140-pixel one. Collections have no logos here,
//! so `dvCardImage` answers what Dataverse answers for a collection without one (its code
//! that would look into the datasets is commented out): no content. Like Dataverse, the
//! two card images check no permission.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppError;
use super::common::extract::Params;
use super::common::guards::{can_see_draft, find_dataset};
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo};
use crate::model::VersionState;
use crate::store::{datasets, files};
use crate::thumbnail::{self, get_or_make};
use crate::{Emulator, Error};

/// `ImageThumbConverter.DEFAULT_CARDIMAGE_SIZE`.
const CARD_SIZE: u32 = 48;
/// `ImageThumbConverter.DEFAULT_DATASETLOGO_SIZE`.
const LOGO_SIZE: u32 = 140;

/// A local file that could give a thumbnail: its bytes, type and size.
type Candidate = (std::path::PathBuf, String, u64);

/// A PNG answer.
fn png(bytes: Vec<u8>) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "image/png")], bytes).into_response()
}

/// The first candidate with a thumbnail of `select` pixels, and its thumbnail of `size`.
async fn first_thumbnail(
    candidates: Vec<Candidate>,
    select: u32,
    size: u32,
) -> Result<Option<Vec<u8>>, AppError> {
    let made = tokio::task::spawn_blocking(move || -> std::io::Result<Option<Vec<u8>>> {
        for (path, content_type, filesize) in candidates {
            if get_or_make(&path, &content_type, filesize, select).is_none() {
                continue;
            }
            return match get_or_make(&path, &content_type, filesize, size) {
                Some(thumb) => std::fs::read(thumb).map(Some),
                None => Ok(None),
            };
        }
        Ok(None)
    })
    .await
    .map_err(|e| Error::Storage(format!("thumbnail task failed: {e}")))?;
    match made {
        Ok(bytes) => Ok(bytes),
        Err(e) => Err(Error::Io(e).into()),
    }
}

/// `GET /api/access/fileCardImage/{fileId}`: the file's 48-pixel thumbnail (images and
/// PDFs), else no content.
pub(super) async fn file_card_image(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    info: RequestInfo,
    _auth: Auth,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(ApiError::endpoint_not_found(&info).into());
    };
    let data_dir = em.config().data_dir.clone();
    let candidate = em
        .store()
        .read(move |conn| -> Result<Option<Candidate>, AppError> {
            let Some(df) = files::datafile(conn, id)? else {
                return Ok(None);
            };
            let local = crate::storage::s3_key_of_blob(&df.blob).is_none();
            Ok((local && thumbnail::supported(&df.content_type)).then(|| {
                (
                    files::blob_path(&data_dir, &df.blob),
                    df.content_type.clone(),
                    df.filesize as u64,
                )
            }))
        })
        .await?;
    let made = match candidate {
        Some(c) => first_thumbnail(vec![c], CARD_SIZE, CARD_SIZE).await?,
        None => None,
    };
    Ok(match made {
        Some(bytes) => png(bytes),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `GET /api/access/dvCardImage/{dataverseId}`: no collection has a logo here, so no
/// content (also for an unknown id, as in Dataverse).
pub(super) async fn dv_card_image(
    Path(id): Path<String>,
    info: RequestInfo,
    _auth: Auth,
) -> Result<Response, AppError> {
    if id.parse::<i64>().is_err() {
        return Err(ApiError::endpoint_not_found(&info).into());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The files of the dataset's published version that may stand for it, in label order:
/// not restricted, thumbnails supported, held locally. `None` when the dataset is not
/// found or the caller cannot see it (`findDatasetUserCanSeeOrDie` failing).
async fn candidates(
    em: &Emulator,
    idtf: String,
    p: std::collections::HashMap<String, String>,
    auth: Auth,
) -> Result<Option<Vec<Candidate>>, AppError> {
    let data_dir = em.config().data_dir.clone();
    em.store()
        .read(move |conn| -> Result<Option<Vec<Candidate>>, AppError> {
            let Ok(ds) = find_dataset(conn, &idtf, &p) else {
                return Ok(None);
            };
            let all = datasets::versions(conn, ds.id)?;
            let released = all.iter().find(|v| v.state == VersionState::Released);
            if released.is_none() && !can_see_draft(conn, &auth.caller, ds.id)? {
                return Ok(None);
            }
            let Some(version) = released else {
                return Ok(Some(Vec::new()));
            };
            let mut listed = files::in_version(conn, version.id)?;
            listed.sort_by(|a, b| a.0.label.cmp(&b.0.label));
            let mut out = Vec::new();
            for (_, df) in listed {
                let restricted =
                    files::latest_meta(conn, df.id)?.is_some_and(|(_, fm)| fm.restricted);
                if restricted
                    || !thumbnail::supported(&df.content_type)
                    || crate::storage::s3_key_of_blob(&df.blob).is_some()
                {
                    continue;
                }
                out.push((
                    files::blob_path(&data_dir, &df.blob),
                    df.content_type.clone(),
                    df.filesize as u64,
                ));
            }
            Ok(Some(out))
        })
        .await
}

/// `GET /api/datasets/{id}/thumbnail`: the 48-pixel thumbnail of the file chosen for the
/// dataset; `Thumbnail not available` (404) when there is none or the caller cannot see
/// the dataset.
pub(super) async fn dataset_thumbnail(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    dataset_image(&em, idtf, p, auth, CARD_SIZE, "Thumbnail not available").await
}

/// `GET /api/datasets/{id}/logo`: the 140-pixel thumbnail of that file; `Logo not
/// available` (404) otherwise.
pub(super) async fn dataset_logo(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    dataset_image(&em, idtf, p, auth, LOGO_SIZE, "Logo not available").await
}

async fn dataset_image(
    em: &Emulator,
    idtf: String,
    p: std::collections::HashMap<String, String>,
    auth: Auth,
    size: u32,
    missing: &str,
) -> Result<Response, AppError> {
    let Some(found) = candidates(em, idtf, p, auth).await? else {
        return Err(ApiError::not_found(missing).into());
    };
    match first_thumbnail(found, LOGO_SIZE, size).await? {
        Some(bytes) => Ok(png(bytes)),
        None => Err(ApiError::not_found(missing).into()),
    }
}
