//! `/api/admin/settings`: the database settings (`Admin.java`), such as
//! `:FileFixityChecksumAlgorithm`, answered in the shapes of Dataverse 6.9 and later.
//!
//! As in Dataverse, these endpoints ask for no API key: the blocked-endpoints policy
//! (`crate::blocked_api`, by default loopback clients only) is what protects them. A name
//! that is not one of Dataverse's settings (`SettingsServiceBean.Key`, listed in
//! `data/setting-keys.txt`) is refused with a 400.

use std::collections::HashSet;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::AppError;
use crate::Emulator;
use crate::envelope::{ApiError, msg, ok};
use crate::store::Store;

/// The names of `SettingsServiceBean.Key` at Dataverse 6.11, one a line, without the colon.
const SETTING_KEYS: &str = include_str!("../../data/setting-keys.txt");

fn known_keys() -> &'static HashSet<&'static str> {
    static KEYS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        SETTING_KEYS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// `SettingsServiceBean.validateSettingName`: `:` plus a known key, case-sensitive.
fn validate_name(name: &str) -> Result<(), ApiError> {
    if name
        .strip_prefix(':')
        .is_some_and(|k| known_keys().contains(k))
    {
        return Ok(());
    }
    if name.matches(':').count() > 1 {
        return Err(ApiError::bad_request(
            "The name of the setting may not have a colon separated suffix since Dataverse 6.8. Please update your scripts.",
        ));
    }
    Err(ApiError::bad_request("The name of the setting is invalid."))
}

/// A value as `listAllAsJson` prints it: a JSON object or array when it is one, else the
/// text.
fn listed_value(value: String) -> Value {
    match serde_json::from_str::<Value>(&value) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
        _ => Value::String(value),
    }
}

/// `GET /api/admin/settings`: every setting, `{name: value}`.
pub(super) async fn list(State(em): State<Emulator>) -> Result<Response, AppError> {
    let all: Map<String, Value> = em
        .store()
        .call(|c| Store::settings(c))
        .await?
        .into_iter()
        .map(|(name, value)| (name, listed_value(value)))
        .collect();
    Ok(ok(Value::Object(all)))
}

/// `GET /api/admin/settings/{name}`: the value as the message.
pub(super) async fn read(
    State(em): State<Emulator>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    validate_name(&name)?;
    let key = name.clone();
    match em.store().call(move |c| Store::setting(c, &key)).await? {
        Some(v) => Ok(msg(v)),
        None => Err(ApiError::not_found(format!("Setting {name} not found.")).into()),
    }
}

/// `PUT /api/admin/settings/{name}` with the value as the body: `Setting {name} added.`
pub(super) async fn write(
    State(em): State<Emulator>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    validate_name(&name)?;
    let value = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::bad_request("The setting's value is not valid UTF-8 text."))?;
    let key = name.clone();
    em.store()
        .call(move |c| Store::put_setting(c, &key, &value))
        .await?;
    em.blocked_cache().invalidate();
    Ok(msg(format!("Setting {name} added.")))
}

/// `DELETE /api/admin/settings/{name}`: `Setting {name} deleted.` (set or not).
pub(super) async fn remove(
    State(em): State<Emulator>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    validate_name(&name)?;
    let key = name.clone();
    em.store()
        .call(move |c| Store::delete_setting(c, &key))
        .await?;
    em.blocked_cache().invalidate();
    Ok(msg(format!("Setting {name} deleted.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dataverse_keys() {
        assert!(validate_name(":FileFixityChecksumAlgorithm").is_ok());
        assert!(validate_name(":BlockedApiPolicy").is_ok());
        assert_eq!(known_keys().len(), 166);
        for bad in [
            "FileFixityChecksumAlgorithm",
            ":fileFixityChecksumAlgorithm",
            ":NoSuchSetting",
            "",
        ] {
            assert_eq!(
                validate_name(bad).unwrap_err().message(),
                "The name of the setting is invalid.",
                "{bad}"
            );
        }
        assert!(
            validate_name(":ApplicationTermsOfUse:fr")
                .unwrap_err()
                .message()
                .contains("colon separated suffix")
        );
    }

    #[test]
    fn json_values_are_listed_as_json() {
        assert_eq!(
            listed_value(r#"{"default":"10"}"#.into()),
            serde_json::json!({"default": "10"})
        );
        assert_eq!(listed_value("true".into()), Value::String("true".into()));
        assert_eq!(listed_value("SHA-1".into()), Value::String("SHA-1".into()));
    }
}
