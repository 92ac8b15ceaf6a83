//! Guestbooks (`Guestbooks.java`) and a dataset's guestbook (`Datasets.java`:
//! `updateDatasetGuestbook`, `deleteDatasetGuestbook`, the `guestbookEntryAtRequest`
//! endpoints), with Dataverse's checks in its order and its messages.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::AppError;
use super::common::extract::{DvBytes, Params, utf8_body};
use super::common::guards::{authenticated, can_see_draft, find_collection, find_dataset};
use super::common::guestbook::{GuestbookBodyError, parse_guestbook};
use crate::Emulator;
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::permissions::{DvObject, Permission, permitted};
use crate::printer::guestbooks::{self as printer, ResponseContext};
use crate::store::collections::{self, CollectionRow};
use crate::store::guestbooks::{self, Guestbook};
use crate::store::{datasets, files, time_fmt};

/// `dataset.manageGuestbooks.message.notFound`.
const NOT_FOUND: &str = "The guestbook could not be found.";
const NOT_AUTHORIZED: &str = "Not authorized";

/// A `Long` path parameter JAX-RS cannot convert: the unknown-endpoint 404.
fn long_param(s: &str, info: &RequestInfo) -> Result<i64, ApiError> {
    s.parse::<i64>()
        .map_err(|_| ApiError::endpoint_not_found(info))
}

fn edit_dataverse(conn: &Connection, auth: &Auth, c: &CollectionRow) -> Result<(), AppError> {
    if permitted(
        conn,
        &auth.caller,
        Permission::EditDataverse,
        DvObject::Collection(c.id),
    )? {
        Ok(())
    } else {
        Err(ApiError::forbidden(NOT_AUTHORIZED).into())
    }
}

fn found(conn: &Connection, id: i64) -> Result<Guestbook, AppError> {
    guestbooks::by_id(conn, id)?.ok_or_else(|| ApiError::not_found(NOT_FOUND).into())
}

/// `GET /api/guestbooks/{id}`: anyone may read a guestbook.
pub(super) async fn get(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    info: RequestInfo,
    _auth: Auth,
) -> Result<Response, AppError> {
    let id = long_param(&id, &info)?;
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            Ok(printer::guestbook(&found(conn, id)?, None))
        })
        .await?;
    Ok(ok(v))
}

/// `GET /api/guestbooks/{identifier}/list` (`includeInherited`, `includeStats`).
pub(super) async fn list(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let inherited = super::common::extract::flag(&p, "includeInherited");
    let stats = super::common::extract::flag(&p, "includeStats");
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let c = find_collection(conn, &idtf)?;
            edit_dataverse(conn, &auth, &c)?;
            let mut gbs = guestbooks::of_collection(conn, c.id)?;
            if inherited {
                // `getOwners()`: the root first, down to the parent.
                let mut owners = collections::owner_chain(conn, c.owner_id)?;
                owners.reverse();
                for o in owners {
                    gbs.extend(guestbooks::of_collection(conn, o.id)?);
                }
            }
            let mut out = Vec::new();
            for gb in &gbs {
                let counts = if stats {
                    Some((
                        guestbooks::usage_count(conn, gb.id, c.id)?,
                        guestbooks::response_count(conn, gb.id, c.id)?,
                    ))
                } else {
                    None
                };
                out.push(printer::guestbook(gb, counts));
            }
            Ok(Value::Array(out))
        })
        .await?;
    Ok(ok(v))
}

fn body_error(e: GuestbookBodyError, action: &str) -> AppError {
    match e {
        GuestbookBodyError::Malformed => {
            ApiError::bad_request("Error parsing guestbook JSON").into()
        }
        GuestbookBodyError::Missing(what) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{action}: {what}"),
        )
        .into(),
    }
}

/// `@NotBlank(message="{guestbook.name}")`, reported as the EJB exception handler does.
fn name_check(name: Option<&str>, action: &str) -> Result<(), AppError> {
    if name.is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{action} Enter a name for the guestbook"),
        )
        .into());
    }
    Ok(())
}

/// `POST /api/guestbooks/{identifier}`: a new guestbook on the collection (201).
pub(super) async fn create(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    let (id, v) = em
        .store()
        .call(move |conn| -> Result<(i64, Value), AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            authenticated(&auth.caller)?;
            edit_dataverse(&tx, &auth, &c)?;
            let input =
                parse_guestbook(&body).map_err(|e| body_error(e, "Error creating guestbook"))?;
            name_check(input.name.as_deref(), "Error creating guestbook.")?;
            let id = guestbooks::insert(&tx, c.id, &input, &time_fmt::now_iso())?;
            let gb = found(&tx, id)?;
            tx.commit()?;
            Ok((id, printer::guestbook(&gb, None)))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/guestbooks/{id}"))],
        axum::Json(json!({"status": "OK", "data": v})),
    )
        .into_response())
}

/// `PUT /api/guestbooks/{id}`: the guestbook replaced by the body (`UpdateGuestbookCommand`
/// needs `EditDataverse` on its collection).
pub(super) async fn update(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    info: RequestInfo,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let id = long_param(&id, &info)?;
    let body = utf8_body(&body)?.to_string();
    let v = em
        .store()
        .call(move |conn| -> Result<Value, AppError> {
            let tx = conn.transaction()?;
            let gb = found(&tx, id)?;
            let input =
                parse_guestbook(&body).map_err(|e| body_error(e, "Error updating guestbook"))?;
            command_permission(&tx, &auth, gb.dataverse_id)?;
            name_check(input.name.as_deref(), "Error updating guestbook.")?;
            guestbooks::update(&tx, id, &input)?;
            let gb = found(&tx, id)?;
            tx.commit()?;
            Ok(printer::guestbook(&gb, None))
        })
        .await?;
    Ok(ok(v))
}

/// A command's `@RequiredPermissions(EditDataverse)` failing: Dataverse's 401.
fn command_permission(
    conn: &Connection,
    auth: &Auth,
    dataverse: Option<i64>,
) -> Result<(), AppError> {
    let allowed = match dataverse {
        Some(dv) => permitted(
            conn,
            &auth.caller,
            Permission::EditDataverse,
            DvObject::Collection(dv),
        )?,
        None => auth.caller.is_superuser(),
    };
    if allowed {
        Ok(())
    } else {
        Err(crate::permissions::denied(&auth.caller).into())
    }
}

/// `PUT /api/guestbooks/{identifier}/{id}/enabled` with `true` or `false`.
pub(super) async fn enable(
    State(em): State<Emulator>,
    Path((idtf, id)): Path<(String, String)>,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.trim().to_string();
    let lower = body.to_lowercase();
    if !["true", "yes", "1", "false", "no", "0"].contains(&lower.as_str()) {
        return Err(ApiError::bad_request(format!(
            "Illegal value '{body}'. Use 'true' or 'false'"
        ))
        .into());
    }
    let Ok(gb_id) = id.parse::<i64>() else {
        return Err(ApiError::bad_request(format!("Illegal id '{id}'")).into());
    };
    let enabled = ["true", "yes", "1"].contains(&lower.as_str());
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let c = find_collection(&tx, &idtf)?;
            edit_dataverse(&tx, &auth, &c)?;
            if !guestbooks::of_collection(&tx, c.id)?
                .iter()
                .any(|g| g.id == gb_id)
            {
                return Err(ApiError::not_found(format!("Guestbook {gb_id} not found.")).into());
            }
            guestbooks::set_enabled(&tx, gb_id, enabled)?;
            tx.commit()?;
            Ok(format!("Guestbook {gb_id} enabled={enabled}"))
        })
        .await?;
    Ok(msg(text))
}

/// `GET /api/guestbooks/{id}/responses` (`limit`, `offset`): the guestbook with its counts,
/// its responses newest first and, with `limit`, the links to the neighbouring pages.
pub(super) async fn responses(
    State(em): State<Emulator>,
    Path(id): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    let id = long_param(&id, &info)?;
    let int = |k: &str| p.get(k).and_then(|s| s.trim().parse::<i64>().ok());
    let (limit, offset) = (int("limit"), int("offset"));
    let base = info.url.split('?').next().unwrap_or_default().to_string();
    let v = em
        .store()
        .read(move |conn| -> Result<Value, AppError> {
            let Some(gb) = guestbooks::by_id(conn, id)? else {
                return Err(ApiError::not_found(format!("Guestbook {id} not found.")).into());
            };
            let Some(dv) = gb.dataverse_id else {
                // The `Default` guestbook has no collection: Java's permission check fails.
                return Err(ApiError::internal().into());
            };
            let Some(c) = collections::by_id(conn, dv)? else {
                return Err(ApiError::internal().into());
            };
            edit_dataverse(conn, &auth, &c)?;
            let usage = guestbooks::usage_count(conn, gb.id, dv)?;
            let total = guestbooks::response_count(conn, gb.id, dv)?;
            let mut out = Map::new();
            out.insert(
                "guestbook".into(),
                printer::guestbook(&gb, Some((usage, total))),
            );
            let mut list = Vec::new();
            for r in guestbooks::responses(conn, gb.id, offset, limit)? {
                list.push(printer::response(
                    &r,
                    &response_context(conn, r.dataset_id, r.datafile_id)?,
                ));
            }
            out.insert("responses".into(), Value::Array(list));
            if let Some(limit) = limit {
                let this = offset.unwrap_or(0);
                let (next, prev) = (this + limit, this - limit);
                let page = format!("{base}?limit={limit}&offset=");
                let mut pg = Map::new();
                if prev >= 0 {
                    pg.insert("previous".into(), format!("{page}{prev}").into());
                }
                if next < total {
                    pg.insert("next".into(), format!("{page}{next}").into());
                }
                pg.insert("totalResponses".into(), total.into());
                out.insert("pagination".into(), Value::Object(pg));
            }
            Ok(Value::Object(out))
        })
        .await?;
    Ok(ok(v))
}

/// The dataset title and identifier, the file name and PID a response names.
fn response_context(
    conn: &Connection,
    dataset: i64,
    file: i64,
) -> Result<ResponseContext, AppError> {
    let mut ctx = ResponseContext::default();
    if let Some(ds) = datasets::by_id(conn, dataset)? {
        ctx.dataset_identifier = ds.identifier.clone();
    }
    ctx.dataset_title = datasets::latest_title(conn, dataset)?.unwrap_or_default();
    if let Some(df) = files::datafile(conn, file)? {
        ctx.file_pid = df.pid.clone();
        for v in files::versions_listing(conn, df.id)? {
            if let Some(fm) = files::meta_in_version(conn, v.id, df.id)? {
                ctx.file_name = fm.label;
                break;
            }
        }
    }
    Ok(ctx)
}

/// `PUT /api/datasets/{id}/guestbook` with a guestbook id: one the dataset's collection
/// offers (its own or an ancestor's, enabled). `UpdateDatasetGuestbookCommand` failing
/// (no `EditDataset`, or not offered) is Dataverse's 400.
pub(super) async fn set_dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    let body = utf8_body(&body)?.to_string();
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let Ok(gb_id) = body.parse::<i64>() else {
                return Err(ApiError::not_found("Could not find a guestbook with id null").into());
            };
            if guestbooks::by_id(&tx, gb_id)?.is_none() {
                return Err(ApiError::not_found(format!(
                    "Could not find a guestbook with id {gb_id}"
                ))
                .into());
            }
            let may = auth.caller.user().is_some()
                && permitted(
                    &tx,
                    &auth.caller,
                    Permission::EditDataset,
                    DvObject::Dataset(ds.id),
                )?;
            if !may || !available(&tx, ds.owner_id)?.contains(&gb_id) {
                return Err(ApiError::bad_request("Failed to update dataset guestbook.").into());
            }
            guestbooks::set_dataset_guestbook(&tx, ds.id, Some(gb_id))?;
            tx.commit()?;
            Ok(format!("Guestbook {gb_id} set"))
        })
        .await?;
    Ok(msg(text))
}

/// `Dataverse.getAvailableGuestbooks`: the enabled guestbooks of the collection and of its
/// owners.
fn available(conn: &Connection, collection: i64) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    let mut chain = collections::owner_chain(conn, Some(collection))?;
    chain.reverse();
    for c in chain {
        ids.extend(
            guestbooks::of_collection(conn, c.id)?
                .into_iter()
                .filter(|g| g.enabled)
                .map(|g| g.id),
        );
    }
    Ok(ids)
}

/// `DELETE /api/datasets/{id}/guestbook`.
pub(super) async fn remove_dataset(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let tx = conn.transaction()?;
            let ds = find_dataset(&tx, &idtf, &p)?;
            let Some(gb) = ds.guestbook_id else {
                return Ok("No Guestbook to remove.".to_string());
            };
            let may = auth.caller.user().is_some()
                && permitted(
                    &tx,
                    &auth.caller,
                    Permission::EditDataset,
                    DvObject::Dataset(ds.id),
                )?;
            if !may {
                return Err(ApiError::bad_request("Failed to remove dataset guestbook.").into());
            }
            guestbooks::set_dataset_guestbook(&tx, ds.id, None)?;
            tx.commit()?;
            Ok(format!("Guestbook removed {gb}"))
        })
        .await?;
    Ok(msg(text))
}

/// `GET /api/datasets/{id}/guestbookEntryAtRequest`.
pub(super) async fn get_at_request(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let installation = em.config().guestbook_at_request;
    em.store()
        .read(move |conn| -> Result<Response, AppError> {
            let no_such = || ApiError::not_found("No such dataset");
            let ds = find_dataset(conn, &idtf, &p).map_err(|e| e.replace_api(|_| no_such()))?;
            let published = !datasets::versions(conn, ds.id)?
                .iter()
                .all(|v| v.state == crate::model::VersionState::Draft);
            if !published && !can_see_draft(conn, &auth.caller, ds.id)? {
                return Err(no_such().into());
            }
            let effective =
                super::common::guestbook::effective_at_request(conn, ds.id, installation)?;
            Ok(match guestbooks::dataset_at_request(conn, ds.id)? {
                None => msg(format!(
                    "Not set on dataset, using the default: {effective}"
                )),
                Some(_) => ok(Value::Bool(effective)),
            })
        })
        .await
}

/// Superusers only, as `setguestbookEntryAtRequest`/`resetGuestbookEntryAtRequest` check.
fn superuser_only(auth: &Auth) -> Result<(), ApiError> {
    if auth.caller.user().is_none() {
        return Err(ApiError::bad_request("Authentication is required."));
    }
    if !auth.caller.is_superuser() {
        return Err(ApiError::forbidden("Superusers only."));
    }
    Ok(())
}

/// `PUT /api/datasets/{id}/guestbookEntryAtRequest` with `true`/`false`: needs the
/// installation setting.
pub(super) async fn set_at_request(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
    DvBytes(body): DvBytes,
) -> Result<Response, AppError> {
    superuser_only(&auth)?;
    // JAX-RS reads a `boolean` entity with `Boolean.valueOf`: only `true` (any case) is true.
    let choice = utf8_body(&body)?.trim().eq_ignore_ascii_case("true");
    let installation = em.config().guestbook_at_request;
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let ds = find_dataset(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::not_found("No such dataset")))?;
            if installation.is_none() {
                return Err(ApiError::forbidden(
                    "Guestbook Entry At Request cannot be set. This server is not configured to allow it.",
                )
                .into());
            }
            guestbooks::set_dataset_at_request(conn, ds.id, Some(choice))?;
            Ok(format!("Guestbook Entry At Request set to: {choice}"))
        })
        .await?;
    Ok(msg(text))
}

/// `DELETE /api/datasets/{id}/guestbookEntryAtRequest`: back to the installation default.
pub(super) async fn reset_at_request(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    superuser_only(&auth)?;
    let installation = em.config().guestbook_at_request;
    let text = em
        .store()
        .call(move |conn| -> Result<String, AppError> {
            let ds = find_dataset(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::not_found("No such dataset")))?;
            guestbooks::set_dataset_at_request(conn, ds.id, None)?;
            Ok(format!(
                "Guestbook Entry At Request reset to default: {}",
                installation.unwrap_or(false)
            ))
        })
        .await?;
    Ok(msg(text))
}
