//! `/api/users/*` (`Users.java`; `@AuthRequired`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::AppError;
use super::common::extract::{Params, flag};
use crate::Emulator;
use crate::auth::{Auth, Caller};
use crate::envelope::{ApiError, RequestInfo, msg, ok};
use crate::printer;
use crate::store::{time_fmt, users};

/// `GET /api/users/:me` (other identifiers are not endpoints here).
pub(super) async fn get_user(
    Path(id): Path<String>,
    info: RequestInfo,
    auth: Auth,
) -> Result<Response, AppError> {
    if id != ":me" {
        return Err(ApiError::no_such_endpoint(&info).into());
    }
    match &auth.caller {
        Caller::User(u) => Ok(ok(printer::users::user(u))),
        Caller::Guest | Caller::PrivateUrl(_) => Err(ApiError::bad_request(format!(
            "User with token {} not found.",
            auth.key.as_deref().unwrap_or("null")
        ))
        .into()),
    }
}

pub(super) async fn get_token(
    State(em): State<Emulator>,
    auth: Auth,
) -> Result<Response, AppError> {
    let (Caller::User(_), Some(key)) = (&auth.caller, auth.key.clone()) else {
        return Err(ApiError::not_found("Token not found.").into());
    };
    let k = key.clone();
    let token = em.store().call(move |c| users::token(c, &k)).await?;
    match token {
        Some(t) => Ok(msg(format!(
            "Token {key} expires on {}",
            time_fmt::java_timestamp(t.expire_time_ms)
        ))),
        None => Err(ApiError::not_found("Token not found.").into()),
    }
}

pub(super) async fn delete_token(
    State(em): State<Emulator>,
    auth: Auth,
) -> Result<Response, AppError> {
    let Some(user) = auth.caller.user().cloned() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "Token for {} not eligible for deletion.",
                auth.caller.identifier()
            ),
        )
        .into());
    };
    let id = user.id;
    em.store()
        .call(move |c| users::delete_tokens(c, id))
        .await?;
    Ok(msg(format!("Token for {} deleted.", user.user_identifier)))
}

pub(super) async fn recreate_token(
    State(em): State<Emulator>,
    Params(p): Params,
    auth: Auth,
) -> Result<Response, AppError> {
    let Some(user) = auth.caller.user().cloned() else {
        return Err(ApiError::not_found(format!(
            "Token for {} is not eligible for recreation.",
            auth.caller.identifier()
        ))
        .into());
    };
    let id = user.id;
    let token = em
        .store()
        .call(move |c| -> Result<_, AppError> {
            let tx = c.transaction()?;
            let t = users::replace_token(&tx, id, &uuid::Uuid::new_v4().to_string())?;
            tx.commit()?;
            Ok(t)
        })
        .await?;
    let mut message = format!("New token for {} is {}", user.user_identifier, token.token);
    if flag(&p, "returnExpiration") {
        message.push_str(&format!(
            " and expires on {}",
            time_fmt::java_timestamp(token.expire_time_ms)
        ));
    }
    Ok(msg(message))
}
