//! Authenticated (built-in) users and their API tokens.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Deserialize;

use super::{password, time_fmt};
use crate::Error;

/// Body of `POST /api/builtin-users` (also the bootstrap admin fixture).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewUser {
    pub user_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub affiliation: Option<String>,
    pub position: Option<String>,
}

/// A stored user.
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub id: i64,
    /// Username without the `@` (`getUserIdentifier()`).
    pub user_identifier: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: String,
    pub affiliation: Option<String>,
    pub position: Option<String>,
    pub superuser: bool,
    pub deactivated: bool,
    pub created_time: String,
    pub last_login_time: Option<String>,
    pub last_api_use_time: Option<String>,
    pub provider: String,
}

/// A stored API token.
#[derive(Debug, Clone)]
pub(crate) struct TokenRow {
    pub token: String,
    pub expire_time_ms: i64,
}

const USER_COLUMNS: &str = "id, user_identifier, first_name, last_name, email, affiliation,
    position, superuser, deactivated, created_time, last_login_time, last_api_use_time, provider";

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        user_identifier: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        email: r.get(4)?,
        affiliation: r.get(5)?,
        position: r.get(6)?,
        superuser: r.get(7)?,
        deactivated: r.get(8)?,
        created_time: r.get(9)?,
        last_login_time: r.get(10)?,
        last_api_use_time: r.get(11)?,
        provider: r.get(12)?,
    })
}

impl UserRow {
    /// `identifier`: `@` + username.
    pub(crate) fn identifier(&self) -> String {
        format!("@{}", self.user_identifier)
    }

    /// Display name: "first last".
    pub(crate) fn display_name(&self) -> String {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        parts.join(" ")
    }
}

/// Insert a user; returns its id. The password is stored salted and hashed (see `password`).
pub(crate) fn insert_user(
    conn: &Connection,
    u: &NewUser,
    password: Option<&str>,
    superuser: bool,
    now: &str,
) -> Result<i64, Error> {
    let (salt, hash) = match password {
        Some(p) => {
            let salt = uuid::Uuid::new_v4().simple().to_string();
            let hash = password::password_hash(&salt, p);
            (Some(salt), Some(hash))
        }
        None => (None, None),
    };
    conn.execute(
        "INSERT INTO users (user_identifier, first_name, last_name, email, affiliation, position,
             superuser, created_time, last_login_time, password_salt, password_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
        params![
            u.user_name.as_deref().unwrap_or_default(),
            u.first_name,
            u.last_name,
            u.email.as_deref().unwrap_or_default(),
            u.affiliation,
            u.position,
            superuser,
            now,
            salt,
            hash,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Set the password of the bootstrap superuser `dataverseAdmin` (`dv serve
/// --admin-password`), salted and hashed anew.
pub(crate) fn set_admin_password(conn: &Connection, password: &str) -> Result<(), Error> {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    let hash = password::password_hash(&salt, password);
    let changed = conn.execute(
        "UPDATE users SET password_salt = ?1, password_hash = ?2 WHERE user_identifier = ?3",
        params![salt, hash, super::ADMIN_USERNAME],
    )?;
    if changed == 0 {
        return Err(Error::Store("admin user missing".into()));
    }
    Ok(())
}

/// User by username (case-insensitive).
pub(crate) fn by_identifier(conn: &Connection, name: &str) -> Result<Option<UserRow>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE user_identifier = ?1"),
            [name],
            user_row,
        )
        .optional()?)
}

/// Check a built-in user's password.
pub(crate) fn check_password(
    conn: &Connection,
    user_id: i64,
    password: &str,
) -> Result<bool, Error> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT password_salt, password_hash FROM users WHERE id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(salt), Some(hash))) => password::password_hash(&salt, password) == hash,
        _ => false,
    })
}

/// The user owning a valid (existing, unexpired, enabled) token.
pub(crate) fn by_token(conn: &Connection, token: &str) -> Result<Option<UserRow>, Error> {
    let cols = USER_COLUMNS
        .split(',')
        .map(|c| format!("u.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(conn
        .query_row(
            &format!(
                "SELECT {cols} FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token = ?1 AND t.disabled = 0 AND t.expire_time_ms > ?2"
            ),
            params![token, time_fmt::now_ms()],
            user_row,
        )
        .optional()?)
}

/// Record API use (`lastApiUseTime`).
pub(crate) fn touch_api_use(conn: &Connection, user_id: i64) -> Result<(), Error> {
    conn.execute(
        "UPDATE users SET last_api_use_time = ?1 WHERE id = ?2",
        params![time_fmt::now_iso(), user_id],
    )?;
    Ok(())
}

/// A token row by its string.
pub(crate) fn token(conn: &Connection, token: &str) -> Result<Option<TokenRow>, Error> {
    Ok(conn
        .query_row(
            "SELECT token, expire_time_ms FROM api_tokens WHERE token = ?1",
            [token],
            |r| {
                Ok(TokenRow {
                    token: r.get(0)?,
                    expire_time_ms: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The user's current token.
pub(crate) fn token_for_user(conn: &Connection, user_id: i64) -> Result<Option<TokenRow>, Error> {
    Ok(conn
        .query_row(
            "SELECT token, expire_time_ms FROM api_tokens WHERE user_id = ?1
             ORDER BY id DESC LIMIT 1",
            [user_id],
            |r| {
                Ok(TokenRow {
                    token: r.get(0)?,
                    expire_time_ms: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Delete all of a user's tokens.
pub(crate) fn delete_tokens(conn: &Connection, user_id: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM api_tokens WHERE user_id = ?1", [user_id])?;
    Ok(())
}

/// Replace the user's tokens with `token` (expiring one year from now).
pub(crate) fn replace_token(
    conn: &Connection,
    user_id: i64,
    token: &str,
) -> Result<TokenRow, Error> {
    delete_tokens(conn, user_id)?;
    let now = time_fmt::now_ms();
    let expire = time_fmt::one_year_after(now);
    conn.execute(
        "INSERT INTO api_tokens (token, user_id, create_time_ms, expire_time_ms) VALUES (?1, ?2, ?3, ?4)",
        params![token, user_id, now, expire],
    )?;
    Ok(TokenRow {
        token: token.to_string(),
        expire_time_ms: expire,
    })
}
