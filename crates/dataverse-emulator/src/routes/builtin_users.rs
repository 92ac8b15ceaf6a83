//! `/api/builtin-users` (`BuiltinUsers.java`; guarded by the BuiltinUsers key, not an API key).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::AppError;
use super::common::extract::DvJson;
use super::common::extract::Params;
use crate::Emulator;
use crate::envelope::{ApiError, msg, ok};
use crate::printer;
use crate::store::users::{self, NewUser};
use crate::store::{Store, time_fmt};

/// Database setting enabling `GET /api/builtin-users/{u}/api-token` (off by default).
pub(crate) const ALLOW_TOKEN_LOOKUP: &str = ":AllowApiTokenLookupViaApi";

enum Outcome {
    Created(Box<users::UserRow>, String),
    Duplicate,
}

pub(super) async fn create(
    State(em): State<Emulator>,
    Params(p): Params,
    DvJson(user): DvJson<NewUser>,
) -> Result<Response, AppError> {
    let expected = em.config().builtin_users_key.clone();
    match p.get("key") {
        None => {
            return Err(ApiError::unauthorized(
                "Please provide a key query parameter (?key=XXX) or via the HTTP header X-Dataverse-key",
            ).into());
        }
        Some(k) if *k != expected => return Err(ApiError::unauthorized("Bad api key ").into()),
        Some(_) => {}
    }
    let username = user.user_name.clone().unwrap_or_default();
    if username.trim().is_empty() {
        return Err(
            ApiError::bad_request("Bad request: can't save user. Username is required.").into(),
        );
    }
    if user.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "Bad request: can't save user. Email address is required.",
        )
        .into());
    }
    let password = p.get("password").cloned();
    let requested = username.clone();
    let outcome = em
        .store()
        .call(move |c| -> Result<_, AppError> {
            let tx = c.transaction()?;
            if users::by_identifier(&tx, &username)?.is_some() {
                return Ok(Outcome::Duplicate);
            }
            let id =
                users::insert_user(&tx, &user, password.as_deref(), false, &time_fmt::now_iso())?;
            let token = users::replace_token(&tx, id, &uuid::Uuid::new_v4().to_string())?;
            let row = users::by_identifier(&tx, &username)?
                .ok_or_else(|| crate::Error::Store("inserted user vanished".into()))?;
            tx.commit()?;
            Ok(Outcome::Created(Box::new(row), token.token))
        })
        .await?;
    match outcome {
        Outcome::Duplicate => {
            Err(ApiError::bad_request(format!("username '{requested}' already exists")).into())
        }
        Outcome::Created(row, token) => Ok(ok(json!({
            "user": {"id": row.id, "userName": row.user_identifier},
            "authenticatedUser": printer::users::user(&row),
            "apiToken": token,
        }))),
    }
}

pub(super) async fn api_token(
    State(em): State<Emulator>,
    Path(username): Path<String>,
    Params(p): Params,
) -> Result<Response, AppError> {
    let password = p.get("password").cloned().unwrap_or_default();
    let token = em
        .store()
        .call(move |c| -> Result<String, AppError> {
            let allowed = Store::setting(c, ALLOW_TOKEN_LOOKUP)?
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if !allowed {
                return Err(ApiError::forbidden("This API endpoint has been disabled.").into());
            }
            let Some(user) = users::by_identifier(c, &username)? else {
                return Err(ApiError::bad_request("Bad username or password").into());
            };
            if !users::check_password(c, user.id, &password)? {
                return Err(ApiError::bad_request("Bad username or password").into());
            }
            match users::token_for_user(c, user.id)? {
                Some(t) => Ok(t.token),
                None => Err(ApiError::not_found(format!(
                    "User {username} does not have an API token"
                ))
                .into()),
            }
        })
        .await?;
    Ok(msg(token))
}
