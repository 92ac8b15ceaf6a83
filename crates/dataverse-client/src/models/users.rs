//! Models of `/api/users/*`.

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::secret::ApiToken;

/// The user behind a token (`GET /api/users/:me`, WIRE §4.13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatedUser {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// `@username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Superuser flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superuser: Option<bool>,
    /// Deactivated flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// When the account was deactivated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_time: Option<String>,
    /// Affiliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// The id at the authentication provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_user_id: Option<String>,
    /// When the e-mail was last confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_last_confirmed: Option<String>,
    /// Account creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Last login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_time: Option<String>,
    /// Last API use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_api_use_time: Option<String>,
    /// E.g. `"builtin"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_provider_id: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /api/users/token`: when the token expires.
///
/// Dataverse answers with `Token <token> expires on <timestamp>`; the token itself is
/// replaced by `***` in [`message`](Self::message) so printing this never leaks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenExpiration {
    /// The server's message, the token redacted.
    pub message: String,
    /// The expiry timestamp as the server wrote it (`2027-07-22 10:11:12.345`), if found.
    pub expires_on: Option<String>,
}

/// `POST /api/users/token/recreate`: the new token.
///
/// Dataverse returns the new token only inside its message text
/// (`New token for @user is <token>`); this extracts it. `Debug` never prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecreatedToken {
    /// The server's message, the new token redacted.
    pub message: String,
    /// The new token (call [`ApiToken::expose`] to use it), if the message had one.
    pub token: Option<ApiToken>,
    /// The user the token belongs to, as the server names it.
    pub user_identifier: Option<String>,
    /// The expiry timestamp, when the server reported it.
    pub expires_on: Option<String>,
}

impl TokenExpiration {
    pub(crate) fn from_message(message: &str) -> Self {
        // "Token <token> expires on <ts>"
        let token = message
            .strip_prefix("Token ")
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or("");
        let expires_on = message
            .split_once(" expires on ")
            .map(|(_, ts)| ts.trim().to_string())
            .filter(|ts| !ts.is_empty());
        TokenExpiration {
            message: crate::secret::redact(message, token),
            expires_on,
        }
    }
}

impl RecreatedToken {
    pub(crate) fn from_message(message: &str) -> Self {
        // "New token for <user> is <token>[ and expires on <ts>]"
        let (user_identifier, token) = match message
            .strip_prefix("New token for ")
            .and_then(|r| r.split_once(" is "))
        {
            Some((user, rest)) => (
                Some(user.trim().to_string()),
                rest.split_whitespace()
                    .next()
                    .map(|t| t.trim_end_matches('.').to_string()),
            ),
            None => (None, None),
        };
        let expires_on = message
            .split_once(" expires on ")
            .map(|(_, ts)| ts.trim().to_string())
            .filter(|ts| !ts.is_empty());
        let redacted = match &token {
            Some(t) => crate::secret::redact(message, t),
            None => message.to_string(),
        };
        RecreatedToken {
            message: redacted,
            token: token.filter(|t| !t.is_empty()).map(ApiToken::new),
            user_identifier,
            expires_on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiration_message() {
        let t = TokenExpiration::from_message("Token 0b6a-11 expires on 2027-07-22 10:11:12.345");
        assert_eq!(t.message, "Token *** expires on 2027-07-22 10:11:12.345");
        assert_eq!(t.expires_on.as_deref(), Some("2027-07-22 10:11:12.345"));
    }

    #[test]
    fn recreated_message() {
        let r = RecreatedToken::from_message(
            "New token for @jdoe is 1234-abcd and expires on 2027-01-01 00:00:00.0",
        );
        assert_eq!(r.token.as_ref().map(ApiToken::expose), Some("1234-abcd"));
        assert_eq!(r.user_identifier.as_deref(), Some("@jdoe"));
        assert_eq!(r.expires_on.as_deref(), Some("2027-01-01 00:00:00.0"));
        assert!(!r.message.contains("1234-abcd"));
        assert!(!format!("{r:?}").contains("1234-abcd"));
        let r = RecreatedToken::from_message("New token for dataverseAdmin is 99-zz");
        assert_eq!(r.token.as_ref().map(ApiToken::expose), Some("99-zz"));
        assert_eq!(r.expires_on, None);
        let r = RecreatedToken::from_message("something else");
        assert!(r.token.is_none());
    }
}
