//! `GET /api/access/datafile/{id}/metadata/ddi` (`Access.tabularDatafileMetadataDDI`): the
//! DDI codebook of one tabular file ([`crate::export::file_ddi`]), with `fileMetadataId`,
//! `exclude` and `include`. Its checks in Java's order: an unknown file is the "endpoint
//! does not exist" 404; a file that is not tabular, or restricted without the caller's
//! `DownloadFile`, is a 400 with Dataverse's message. As in Dataverse 6.11
//! (`findDataFileUserCanSeeOrDie` only checks locally-FAIR access), a file not yet published
//! is described to anyone.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;

use super::AppError;
use super::access::header_value;
use super::common::extract::Params;
use super::common::guards::find_file;
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo};
use crate::export::file_ddi::{self, Fields};
use crate::permissions::Permission;
use crate::store::access_requests;
use crate::store::files::{self, DataFileRow, FileMetaRow};

/// `access.api.exception.metadata.not.available.for.nontabular.file`.
const NOT_TABULAR: &str = "This type of metadata is only available for tabular files.";
/// `access.api.exception.metadata.restricted.no.permission`.
const NO_PERMISSION: &str = "You do not have permission to download this file.";

/// The file metadata a `fileMetadataId` names (any file's, as `findFileMetadata` finds
/// it), else the file's latest; a `fileMetadataId` that names none is Java's
/// `NullPointerException`, a 500.
pub(super) fn file_metadata(
    conn: &Connection,
    df: &DataFileRow,
    p: &std::collections::HashMap<String, String>,
    info: &RequestInfo,
) -> Result<FileMetaRow, AppError> {
    let found = match p.get("fileMetadataId") {
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(id) => files::meta_by_id(conn, id)?.map(|(fm, _)| fm),
            // JAX-RS cannot convert the parameter: its 404.
            Err(_) => return Err(ApiError::endpoint_not_found(info).into()),
        },
        None => files::latest_meta(conn, df.id)?.map(|(_, fm)| fm),
    };
    found.ok_or_else(|| ApiError::internal().into())
}

pub(super) async fn datafile_ddi(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let data_dir = em.config().data_dir.clone();
    // A file held in the S3 store is described from a copy of its `.tab`.
    let bytes = super::common::object_copy::local_bytes(&em, &idtf, &p).await?;
    let (name, xml) = em
        .store()
        .read(move |conn| -> Result<(String, String), AppError> {
            let not_found = || ApiError::endpoint_not_found(&info);
            let df = find_file(conn, &idtf, &p).map_err(|e| e.replace_api(|_| not_found()))?;
            if !df.tabular {
                return Err(ApiError::builder(StatusCode::BAD_REQUEST, NOT_TABULAR, None).into());
            }
            let restricted = files::latest_meta(conn, df.id)?.is_some_and(|(_, fm)| fm.restricted);
            if restricted
                && !access_requests::permitted_on_file(
                    conn,
                    &auth.caller,
                    Permission::DownloadFile,
                    df.id,
                    df.dataset_id,
                )?
            {
                return Err(ApiError::builder(StatusCode::BAD_REQUEST, NO_PERMISSION, None).into());
            }
            let fm = file_metadata(conn, &df, &p, &info)?;
            let fields = Fields::new(
                p.get("exclude").map(String::as_str),
                p.get("include").map(String::as_str),
            );
            let xml =
                file_ddi::for_file(conn, &bytes.path(&data_dir, &df.blob), &df, &fm, &fields)?;
            Ok((ddi_name(&fm.label), xml))
        })
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, header_value("text/xml"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&format!("attachment; filename=\"{name}\"")),
    );
    Ok((StatusCode::OK, headers, xml).into_response())
}

/// `x.tab` ⇒ `x-ddi.xml` (`replaceAll("\\.tab$", "-ddi.xml")`).
pub(super) fn ddi_name(label: &str) -> String {
    match label.strip_suffix(".tab") {
        Some(stem) => format!("{stem}-ddi.xml"),
        None => label.to_string(),
    }
}
