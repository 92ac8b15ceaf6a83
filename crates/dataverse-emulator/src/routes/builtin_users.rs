//! `/api/builtin-users` (`BuiltinUsers.java`; guarded by the BuiltinUsers key, not an API key).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use super::Params;
use crate::Emulator;
use crate::envelope::{ApiError, DvJson, msg, ok};
use crate::store::users::{self, NewUser};
use crate::store::{Store, time_fmt};

/// Database setting enabling `GET /api/builtin-users/{u}/api-token` (off by default).
pub(crate) const ALLOW_TOKEN_LOOKUP: &str = ":AllowApiTokenLookupViaApi";

pub(super) fn routes() -> Router<Emulator> {
    Router::new()
        .route("/api/builtin-users", post(create))
        .route("/api/builtin-users/{username}/api-token", get(api_token))
}

enum Outcome {
    Created(Box<users::UserRow>, String),
    Duplicate,
}

async fn create(
    State(em): State<Emulator>,
    Params(p): Params,
    DvJson(user): DvJson<NewUser>,
) -> Result<Response, ApiError> {
    let expected = em.config().builtin_users_key.clone();
    match p.get("key") {
        None => {
            return Err(ApiError::unauthorized(
                "Please provide a key query parameter (?key=XXX) or via the HTTP header X-Dataverse-key",
            ));
        }
        Some(k) if *k != expected => return Err(ApiError::unauthorized("Bad api key ")),
        Some(_) => {}
    }
    let username = user.user_name.clone().unwrap_or_default();
    if username.trim().is_empty() {
        return Err(ApiError::bad_request(
            "Bad request: can't save user. Username is required.",
        ));
    }
    if user.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "Bad request: can't save user. Email address is required.",
        ));
    }
    let password = p.get("password").cloned();
    let requested = username.clone();
    let outcome = em
        .store()
        .call(move |c| {
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
        Outcome::Duplicate => Err(ApiError::bad_request(format!(
            "username '{requested}' already exists"
        ))),
        Outcome::Created(row, token) => Ok(ok(json!({
            "user": {"id": row.id, "userName": row.user_identifier},
            "authenticatedUser": row.to_json(),
            "apiToken": token,
        }))),
    }
}

async fn api_token(
    State(em): State<Emulator>,
    Path(username): Path<String>,
    Params(p): Params,
) -> Result<Response, ApiError> {
    let password = p.get("password").cloned().unwrap_or_default();
    let result = em
        .store()
        .call(move |c| {
            let allowed = Store::setting(c, ALLOW_TOKEN_LOOKUP)?
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if !allowed {
                return Ok(Err(ApiError::forbidden(
                    "This API endpoint has been disabled.",
                )));
            }
            let Some(user) = users::by_identifier(c, &username)? else {
                return Ok(Err(ApiError::bad_request("Bad username or password")));
            };
            if !users::check_password(c, user.id, &password)? {
                return Ok(Err(ApiError::bad_request("Bad username or password")));
            }
            Ok(match users::token_for_user(c, user.id)? {
                Some(t) => Ok(t.token),
                None => Err(ApiError::not_found(format!(
                    "User {username} does not have an API token"
                ))),
            })
        })
        .await?;
    result.map(msg)
}
