//! Downloads with a guestbook response (`Access.java`: the `POST` variants of
//! `datafile/{id}`, `datafiles/{ids}`, `dataset/{id}`, `dataset/{id}/versions/{v}`,
//! `datafile/bundle/{id}` and `datafiles`): the response in the JSON body is checked and
//! recorded (`processDatafileWithGuestbookResponse`), then the answer is a signed URL to the
//! matching `GET`, valid one minute, that carries `gbrecs=true&gbrids=<response id>` so the
//! download is served without asking again. The bundle and `datafiles` variants have no
//! `GET` to point to and serve the download directly.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::AppError;
use super::access::{Access, forbidden, sendable};
use super::common::extract::{DvBytes, Params, flag, utf8_body};
use super::common::guards::{self, can_see_draft, find_dataset, find_file};
use super::common::guestbook::{
    required_guestbook, response_from_body, response_missing, sign_url, signing_key,
};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo, ok};
use crate::model::VersionState;
use crate::store::access_requests::{self, EVENT_DOWNLOAD};
use crate::store::datasets::{self, VersionSpec};
use crate::store::files::{self, DataFileRow};
use crate::store::{guestbooks, time_fmt};

/// `access.api.download.failure.guestbook.commandError`.
fn command_error(name: &str, message: &str) -> AppError {
    ApiError::bad_request(format!(
        "Problem trying download with guestbook response on {name} : {message}"
    ))
    .into()
}

/// `processDatafileWithGuestbookResponse` up to the signed URL: every file found, of one
/// dataset and downloadable by the caller; the response (when the dataset's guestbook asks
/// for one) recorded, else a default download record for published files unless `gbrecs`.
/// Returns the id of the recorded response (`gbrids`).
fn process(
    conn: &mut Connection,
    em: &Emulator,
    auth: &Auth,
    file_ids: &[String],
    body: &str,
    gbrecs: bool,
    info: &RequestInfo,
) -> Result<Option<i64>, AppError> {
    let tx = conn.transaction()?;
    let data_dir = em.config().data_dir.clone();
    let mut found: Vec<(DataFileRow, bool)> = Vec::new();
    let mut dataset = None;
    for idtf in file_ids {
        let df = find_file(&tx, idtf, &HashMap::new())
            .map_err(|e| e.replace_api(|_| ApiError::endpoint_not_found(info)))?;
        if dataset.is_some_and(|d| d != df.dataset_id) {
            return Err(ApiError::bad_request(
                "All files being downloaded must be from the same Dataset.",
            )
            .into());
        }
        dataset = Some(df.dataset_id);
        let released = match sendable(&tx, &data_dir, &auth.caller, &df, None, false)? {
            Access::Granted(s) => s.released,
            Access::NotFound => return Err(ApiError::endpoint_not_found(info).into()),
            Access::Forbidden => return Err(forbidden(info).into()),
        };
        found.push((df, released));
    }
    let Some(dataset) = dataset else {
        // Java dereferences the first file of an empty list: a server error.
        return Err(ApiError::internal().into());
    };
    let response = match response_from_body(&tx, &auth.caller, dataset, body)? {
        Ok(r) => r,
        Err(message) => return Err(command_error("", &message)),
    };
    let required = required_guestbook(&tx, &auth.caller, dataset, &HashMap::new())?;
    let user = auth.caller.user().map(|u| u.id);
    let now = time_fmt::now_iso();
    let mut gbrid = None;
    // As in Java, one response object is saved for each file in turn: one row, naming the
    // last file.
    let mut last = None;
    for (df, released) in &found {
        match required {
            Some(gb) => {
                if response.is_none() {
                    return Err(response_missing(gb).into());
                }
                last = Some(df.id);
            }
            None => {
                if !gbrecs && *released {
                    access_requests::record_response(
                        &tx,
                        df.id,
                        df.dataset_id,
                        user,
                        EVENT_DOWNLOAD,
                        &now,
                    )?;
                }
            }
        }
    }
    if let (Some(r), Some(file)) = (&response, last) {
        gbrid = Some(guestbooks::insert_response(
            &tx,
            r,
            (file, dataset),
            user,
            EVENT_DOWNLOAD,
            &now,
        )?);
    }
    tx.commit()?;
    Ok(gbrid)
}

/// `returnSignedUrl`: the request's URL with `gbrecs=true`, `gbrids` and the file or
/// dataset id in place of `:persistentId`, signed for the caller, one minute.
fn signed_url(
    conn: &Connection,
    auth: &Auth,
    info: &RequestInfo,
    id: &str,
    gbrids: Option<i64>,
) -> Result<Value, AppError> {
    let (path, query) = info.url.split_once('?').unwrap_or((&info.url, ""));
    let path = path.replace(":persistentId", id);
    const DROPPED: [&str; 9] = [
        "key",
        "password",
        "gbrecs",
        "gbrids",
        "persistentId",
        "until",
        "user",
        "method",
        "token",
    ];
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !DROPPED.contains(&p.split('=').next().unwrap_or_default()))
        .map(str::to_string)
        .collect();
    params.push("gbrecs=true".into());
    if let Some(g) = gbrids {
        params.push(format!("gbrids={g}"));
    }
    let base = format!("{path}?{}", params.join("&"));
    let (user, key) = signing_key(conn, &auth.caller, &path)?;
    Ok(json!({ "signedUrl": sign_url(&base, &user, &key) }))
}

/// The file ids of `datafiles/{ids}` (or one id), as given.
fn split_ids(ids: &str) -> Vec<String> {
    ids.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

async fn files_post(
    em: Emulator,
    ids: Vec<String>,
    id_in_url: Option<String>,
    p: HashMap<String, String>,
    info: RequestInfo,
    auth: Auth,
    body: String,
) -> Result<Response, AppError> {
    let gbrecs = flag(&p, "gbrecs");
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let gbrids = process(conn, &em2, &auth, &ids, &body, gbrecs, &info)?;
            let id = id_in_url.unwrap_or_else(|| ids.join(","));
            signed_url(conn, &auth, &info, &id, gbrids)
        })
        .await?;
    Ok(ok(v))
}

/// `POST /api/access/datafile/{id}` (also `:persistentId`).
pub(super) async fn datafile(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    let id = if idtf == ":persistentId" {
        let p2 = p.clone();
        em.store()
            .read(move |conn| -> Result<String, AppError> {
                Ok(find_file(conn, &idtf, &p2)
                    .map_err(|e| e.replace_api(|_| ApiError::not_found("File not found")))?
                    .id
                    .to_string())
            })
            .await?
    } else {
        idtf
    };
    files_post(em, vec![id], None, p, info, auth, body).await
}

/// `POST /api/access/datafiles/{ids}`.
pub(super) async fn datafiles(
    State(em): State<Emulator>,
    Path(ids): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    files_post(em, split_ids(&ids), None, p, info, auth, body).await
}

/// The files of the dataset version a `POST dataset/...` names: the draft for those who
/// may see it (then not counted), else the latest published one; or the given version.
fn dataset_files(
    conn: &Connection,
    auth: &Auth,
    idtf: &str,
    spec: Option<&str>,
    p: &HashMap<String, String>,
) -> Result<(i64, Vec<String>, bool), AppError> {
    let ds = find_dataset(conn, idtf, p)?;
    let draft_ok = auth.caller.user().is_some() && can_see_draft(conn, &auth.caller, ds.id)?;
    let all = datasets::versions(conn, ds.id)?;
    let (version, draft) = match spec {
        None => {
            let draft = all
                .iter()
                .find(|v| v.state == VersionState::Draft)
                .filter(|_| draft_ok);
            match draft {
                Some(v) => (v.clone(), true),
                None => match all.iter().find(|v| v.state == VersionState::Released) {
                    Some(v) => (v.clone(), false),
                    None => return Err(ApiError::internal().into()),
                },
            }
        }
        Some(text) => {
            let parsed = guards::version_spec(text)?;
            if parsed == VersionSpec::Draft && !draft_ok {
                return Err(crate::permissions::denied(&auth.caller).into());
            }
            match datasets::select(&all, &parsed, draft_ok, false) {
                Some(v) => (v.clone(), false),
                None => {
                    return Err(ApiError::not_found(format!(
                        "Dataset version {text} of dataset {} not found",
                        ds.id
                    ))
                    .into());
                }
            }
        }
    };
    let ids = files::in_version(conn, version.id)?
        .into_iter()
        .map(|(_, df)| df.id.to_string())
        .collect();
    Ok((ds.id, ids, draft))
}

async fn dataset_post(
    em: Emulator,
    idtf: String,
    spec: Option<String>,
    p: HashMap<String, String>,
    info: RequestInfo,
    auth: Auth,
    body: String,
) -> Result<Response, AppError> {
    let em2 = em.clone();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let (dataset, ids, draft) = dataset_files(conn, &auth, &idtf, spec.as_deref(), &p)?;
            let gbrecs = draft || flag(&p, "gbrecs");
            let gbrids = process(conn, &em2, &auth, &ids, &body, gbrecs, &info)?;
            signed_url(conn, &auth, &info, &dataset.to_string(), gbrids)
        })
        .await?;
    Ok(ok(v))
}

/// `POST /api/access/dataset/{id}`.
pub(super) async fn dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    dataset_post(em, idtf, None, p, info, auth, body).await
}

/// `POST /api/access/dataset/{id}/versions/{v}`.
pub(super) async fn dataset_version(
    State(em): State<Emulator>,
    Path((idtf, v)): Path<(String, String)>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    dataset_post(em, idtf, Some(v), p, info, auth, body).await
}

/// `POST /api/access/datafile/bundle/{id}`: the response recorded, then the bundle itself.
pub(super) async fn bundle(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(mut p): Params,
    info: RequestInfo,
    headers: HeaderMap,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let text = utf8_body(&body)?.to_string();
    let gbrecs = flag(&p, "gbrecs");
    let (em2, auth2, info2, id) = (em.clone(), auth.clone(), info.clone(), idtf.clone());
    let gbrids = em
        .store()
        .call(move |conn| process(conn, &em2, &auth2, &[id], &text, gbrecs, &info2))
        .await?;
    if let Some(g) = gbrids {
        p.entry("gbrids".into()).or_insert_with(|| g.to_string());
    }
    super::bundle::bundle(State(em), Path(idtf), Params(p), info, headers, auth).await
}

/// `POST /api/access/datafiles` (file ids as text, a form or JSON `fileIds`): with a JSON
/// `guestbookResponse` the response is recorded first; then the zip is served.
pub(super) async fn datafiles_form(
    State(em): State<Emulator>,
    Params(mut p): Params,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let text = utf8_body(&body)?.trim().to_string();
    if text.starts_with('{')
        && let Ok(v) = serde_json::from_str::<Value>(&text)
        && v.get("guestbookResponse").is_some()
    {
        let ids: Vec<String> = v
            .get("fileIds")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let gbrecs = flag(&p, "gbrecs");
        let (em2, auth2, info2) = (em.clone(), auth.clone(), info.clone());
        let gbrids = em
            .store()
            .call(move |conn| process(conn, &em2, &auth2, &ids, &text, gbrecs, &info2))
            .await?;
        if let Some(g) = gbrids {
            p.entry("gbrids".into()).or_insert_with(|| g.to_string());
        }
    }
    super::access::datafiles_post(State(em), Params(p), info, auth, DvBytes(body)).await
}
