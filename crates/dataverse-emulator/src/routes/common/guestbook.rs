//! Guestbook pieces the guestbook, access and access-request handlers share: reading a
//! guestbook (`JsonParser.parseGuestbook`) and a guestbook response
//! (`Access.getGuestbookResponseFromBody`, `JsonParser.parseGuestbookResponse`), whether a
//! download needs one (`Access.checkGuestbookRequiredResponse`), and the signed URLs the
//! POST variants answer with (`UrlSignerUtil`).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use rusqlite::Connection;
use serde_json::{Map, Value};
use sha2::{Digest, Sha512};

use super::AppError;
use crate::auth::Caller;
use crate::envelope::ApiError;
use crate::permissions::{DvObject, Permission, permitted};
use crate::store::guestbooks::{
    self, Guestbook, GuestbookInput, OptionValue, Question, ResponseInput,
};
use crate::store::{time_fmt, users};

/// `GUESTBOOK_RESPONSE_SIGNEDURL_TIMEOUT_MINUTES`.
pub(crate) const SIGNED_URL_MINUTES: i64 = 1;

/// Why a guestbook body was refused.
#[derive(Debug)]
pub(crate) enum GuestbookBodyError {
    /// Not JSON, or not an object (`JsonException`): 400 `Error parsing guestbook JSON`.
    Malformed,
    /// A required key is missing or of another type (Java's `NullPointerException` or
    /// `ClassCastException` out of `getBoolean`/`getString`/`getInt`): a 500.
    Missing(String),
}

fn req_bool(o: &Map<String, Value>, key: &str) -> Result<bool, GuestbookBodyError> {
    o.get(key).and_then(Value::as_bool).ok_or_else(|| {
        GuestbookBodyError::Missing(format!("\"{key}\" is missing or not a boolean"))
    })
}

fn req_str(o: &Map<String, Value>, key: &str) -> Result<String, GuestbookBodyError> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| GuestbookBodyError::Missing(format!("\"{key}\" is missing or not a string")))
}

fn req_int(o: &Map<String, Value>, key: &str) -> Result<i64, GuestbookBodyError> {
    o.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| GuestbookBodyError::Missing(format!("\"{key}\" is missing or not a number")))
}

/// `JsonParser.parseGuestbook` (the `id` is ignored: the path or a new row decides it).
pub(crate) fn parse_guestbook(body: &str) -> Result<GuestbookInput, GuestbookBodyError> {
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(body) else {
        return Err(GuestbookBodyError::Malformed);
    };
    let mut questions = Vec::new();
    if let Some(Value::Array(qs)) = o.get("customQuestions") {
        for q in qs {
            let Value::Object(q) = q else {
                return Err(GuestbookBodyError::Missing(
                    "a custom question is not an object".into(),
                ));
            };
            let mut options = Vec::new();
            if let Some(Value::Array(vs)) = q.get("optionValues") {
                for v in vs {
                    let Value::Object(v) = v else {
                        return Err(GuestbookBodyError::Missing(
                            "an option value is not an object".into(),
                        ));
                    };
                    options.push(OptionValue {
                        id: None,
                        value: req_str(v, "value")?,
                        display_order: req_int(v, "displayOrder")?,
                    });
                }
            }
            questions.push(Question {
                id: q.get("id").and_then(Value::as_i64),
                question: req_str(q, "question")?,
                required: req_bool(q, "required")?,
                display_order: req_int(q, "displayOrder")?,
                kind: req_str(q, "type")?,
                hidden: req_bool(q, "hidden")?,
                options,
            });
        }
    }
    Ok(GuestbookInput {
        name: o.get("name").and_then(Value::as_str).map(str::to_string),
        enabled: req_bool(&o, "enabled")?,
        email_required: req_bool(&o, "emailRequired")?,
        name_required: req_bool(&o, "nameRequired")?,
        institution_required: req_bool(&o, "institutionRequired")?,
        position_required: req_bool(&o, "positionRequired")?,
        create_time: o
            .get("createTime")
            .and_then(Value::as_str)
            .map(str::to_string),
        questions,
    })
}

/// `EMailValidator.isEmailValid`, loosely: one `@` with something on both sides and a dot
/// in the domain, no spaces.
fn email_valid(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// `setUserDefaultResponses`: the user's name, email, affiliation and position.
fn user_defaults(caller: &Caller, r: &mut ResponseInput) {
    if let Some(u) = caller.user() {
        let name = format!(
            "{} {}",
            u.first_name.as_deref().unwrap_or_default(),
            u.last_name.as_deref().unwrap_or_default()
        );
        r.name = Some(name.trim().to_string());
        r.email = Some(u.email.clone());
        r.institution = u.affiliation.clone();
        r.position = u.position.clone();
    }
}

/// `Access.getGuestbookResponseFromBody` with `parseGuestbookResponse`: `Ok(None)` when the
/// body is not a JSON object (no response given); the inner `Err` is the parser's complaint
/// (Bundle wording), which the callers wrap in their `commandError`. As in Java, a body
/// without a `guestbookResponse` object is a response with the user's defaults, unchecked.
pub(crate) fn response_from_body(
    conn: &Connection,
    caller: &Caller,
    dataset: i64,
    body: &str,
) -> Result<Result<Option<ResponseInput>, String>, AppError> {
    if !body.starts_with('{') {
        return Ok(Ok(None));
    }
    let gb = guestbooks::of_dataset(conn, dataset)?;
    let mut r = ResponseInput {
        guestbook_id: gb.as_ref().map_or(1, |g| g.id),
        ..ResponseInput::default()
    };
    user_defaults(caller, &mut r);
    let parsed: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return Ok(Err(format!("Error parsing Json: {e}"))),
    };
    let Some(Value::Object(obj)) = parsed.get("guestbookResponse") else {
        return Ok(Ok(Some(r)));
    };
    let gb = match gb {
        Some(gb) => gb,
        None => match guestbooks::by_id(conn, 1)? {
            Some(gb) => gb,
            None => return Ok(Ok(Some(r))),
        },
    };
    Ok(parse_response(obj, &gb, r).map(Some))
}

fn parse_response(
    obj: &Map<String, Value>,
    gb: &Guestbook,
    mut r: ResponseInput,
) -> Result<ResponseInput, String> {
    if let Some(Value::String(n)) = obj.get("name") {
        r.name = Some(n.clone());
    }
    if let Some(Value::String(e)) = obj.get("email") {
        let e = e.trim();
        if email_valid(e) {
            r.email = Some(e.to_string());
        }
    }
    if let Some(Value::String(i)) = obj.get("institution") {
        r.institution = Some(i.clone());
    }
    if let Some(Value::String(p)) = obj.get("position") {
        r.position = Some(p.clone());
    }
    let empty = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    if gb.name_required && empty(&r.name) {
        missing.push("Name".to_string());
    }
    if gb.email_required && empty(&r.email) {
        missing.push("Email".to_string());
    }
    if gb.institution_required && empty(&r.institution) {
        missing.push("Institution".to_string());
    }
    if gb.position_required && empty(&r.position) {
        missing.push("Position".to_string());
    }
    // Java keeps the questions in a HashMap<Long, _>: small ids iterate in ascending order.
    let mut open: BTreeMap<i64, &Question> = gb
        .questions
        .iter()
        .filter_map(|q| q.id.map(|id| (id, q)))
        .collect();
    if let Some(Value::Array(answers)) = obj.get("answers") {
        for a in answers {
            let Some(id) = a.get("id").and_then(Value::as_i64) else {
                return Err("Guestbook Custom Question ID null not found.".into());
            };
            let Some(q) = open.get(&id).copied() else {
                return Err(format!("Guestbook Custom Question ID {id} not found."));
            };
            let value = a.get("value");
            let answer = if q.kind.eq_ignore_ascii_case("textarea") {
                match value {
                    Some(Value::Array(lines)) => lines
                        .iter()
                        .map(|l| l.as_str().unwrap_or_default().to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                }
            } else if q.kind.eq_ignore_ascii_case("options") {
                let option = value.and_then(Value::as_str).unwrap_or_default();
                if !q.options.iter().any(|o| o.value == option) {
                    return Err(format!(
                        "Guestbook Custom Question Answer not a valid option ({option})."
                    ));
                }
                option.to_string()
            } else {
                value
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            r.answers.push((id, q.question.clone(), answer));
            open.remove(&id);
        }
    }
    missing.extend(
        open.values()
            .filter(|q| q.required)
            .map(|q| q.question.clone()),
    );
    if !missing.is_empty() {
        return Err(format!(
            "Guestbook Response entry is required but not present ({}).",
            missing.join(",")
        ));
    }
    Ok(r)
}

/// `access.api.download.failure.guestbookResponseMissing`.
pub(crate) fn response_missing(gb: i64) -> ApiError {
    ApiError::bad_request(format!(
        "You may not download this file without the required Guestbook response for guestbookID {gb}."
    ))
}

/// `Access.checkGuestbookRequiredResponse`: the enabled guestbook a download of a file in
/// `dataset` still needs an answer for, if any. Exempt: authenticated users who may edit
/// the dataset, thumbnails (`imageThumb`), and a `gbrids` response written for this dataset
/// within the last minute (the signed URL a POST answered with).
pub(crate) fn required_guestbook(
    conn: &Connection,
    caller: &Caller,
    dataset: i64,
    p: &HashMap<String, String>,
) -> Result<Option<i64>, AppError> {
    let Some(gb) = guestbooks::of_dataset(conn, dataset)?.filter(|g| g.enabled) else {
        return Ok(None);
    };
    if caller.user().is_some()
        && permitted(
            conn,
            caller,
            Permission::EditDataset,
            DvObject::Dataset(dataset),
        )?
    {
        return Ok(None);
    }
    if p.contains_key("imageThumb") {
        return Ok(None);
    }
    if let Some(ids) = p.get("gbrids").filter(|s| !s.is_empty()) {
        let Ok(id) = ids.parse::<i64>() else {
            return Err(ApiError::bad_request(format!("For input string: \"{ids}\"")).into());
        };
        let Some((ds, time)) = guestbooks::response_dataset_time(conn, id)? else {
            return Err(
                ApiError::not_found(format!("GuestbookResponse Not Found for id:{ids}")).into(),
            );
        };
        let written = time_fmt::parse_iso_ms(&time).unwrap_or(0);
        if ds == dataset && time_fmt::now_ms() - written <= SIGNED_URL_MINUTES * 60_000 {
            return Ok(None);
        }
    }
    Ok(Some(gb.id))
}

/// The effective guestbook-at-request choice of a dataset: its own, else the
/// installation's `dataverse.files.guestbook-at-request` (false when unset).
pub(crate) fn effective_at_request(
    conn: &Connection,
    dataset: i64,
    installation: Option<bool>,
) -> Result<bool, AppError> {
    Ok(guestbooks::dataset_at_request(conn, dataset)?.unwrap_or(installation.unwrap_or(false)))
}

fn process_secret() -> &'static str {
    static SECRET: OnceLock<String> = OnceLock::new();
    SECRET.get_or_init(|| {
        let mut h = Sha512::new();
        h.update(format!("{:?}{}", std::time::SystemTime::now(), std::process::id()).as_bytes());
        h.update(uuid::Uuid::new_v4().as_bytes());
        hex::encode(h.finalize())
    })
}

/// The key a signed URL of this caller is signed with (`returnSignedUrl`): the user's API
/// token (a per-process secret when they have none), or for guests the URL's path.
pub(crate) fn signing_key(
    conn: &Connection,
    caller: &Caller,
    path: &str,
) -> Result<(String, String), crate::Error> {
    Ok(match caller.user() {
        Some(u) => {
            let key = users::token_for_user(conn, u.id)?
                .map(|t| t.token)
                .unwrap_or_else(|| format!("{}{}", process_secret(), u.id));
            (u.user_identifier.clone(), key)
        }
        None => ("guest".to_string(), path.to_string()),
    })
}

/// `UrlSignerUtil.signUrl(base, 1 minute, user, "GET", key)`.
pub(crate) fn sign_url(base: &str, user: &str, key: &str) -> String {
    let until = time_fmt::local_date_time_ms(time_fmt::now_ms() + SIGNED_URL_MINUTES * 60_000);
    let sep = if base.contains('?') { '&' } else { '?' };
    let unsigned = format!("{base}{sep}until={until}&user={user}&method=GET&token=");
    let mut h = Sha512::new();
    h.update(unsigned.as_bytes());
    h.update(key.as_bytes());
    format!("{unsigned}{}", hex::encode(h.finalize()))
}

/// `UrlSignerUtil.isValidUrl`: the hash over everything up to `token=`, not expired, for
/// this method and user.
pub(crate) fn url_valid(url: &str, user: &str, method: &str, key: &str) -> bool {
    let Some(idx) = url.find("&token=").or_else(|| url.find("?token=")) else {
        return false;
    };
    let (to_hash, rest) = url.split_at(idx + 7);
    let hash = rest.split('&').next().unwrap_or_default();
    let mut h = Sha512::new();
    h.update(to_hash.as_bytes());
    h.update(key.as_bytes());
    if hex::encode(h.finalize()) != hash {
        return false;
    }
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let mut until = None;
    let mut allowed_method = None;
    let mut allowed_user = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "until" => until = Some(v),
            "method" => allowed_method = Some(v),
            "user" => allowed_user = Some(v),
            _ => {}
        }
    }
    if let Some(u) = until
        && u < time_fmt::local_date_time_ms(time_fmt::now_ms()).as_str()
    {
        return false;
    }
    allowed_method == Some(method) && allowed_user == Some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_urls_check_out_only_as_signed() {
        let url = sign_url(
            "http://h/api/access/datafile/5?gbrecs=true&gbrids=9",
            "ada",
            "k3y",
        );
        assert!(url.contains("?gbrecs=true&gbrids=9&until="), "{url}");
        assert!(url.contains("&user=ada&method=GET&token="), "{url}");
        assert!(url_valid(&url, "ada", "GET", "k3y"));
        assert!(!url_valid(&url, "ada", "GET", "other key"));
        assert!(!url_valid(&url, "bob", "GET", "k3y"));
        assert!(!url_valid(&url, "ada", "POST", "k3y"));
        assert!(!url_valid(
            &url.replace("datafile/5", "datafile/6"),
            "ada",
            "GET",
            "k3y"
        ));
        assert!(!url_valid(
            "http://h/api/access/datafile/5",
            "ada",
            "GET",
            "k3y"
        ));
        // Expired: signed as if a minute and a bit ago.
        let until = time_fmt::local_date_time_ms(time_fmt::now_ms() - 1_000);
        let stale = format!("http://h/x?until={until}&user=ada&method=GET&token=");
        let mut h = Sha512::new();
        h.update(stale.as_bytes());
        h.update(b"k3y");
        let stale = format!("{stale}{}", hex::encode(h.finalize()));
        assert!(!url_valid(&stale, "ada", "GET", "k3y"));
    }

    #[test]
    fn guestbook_bodies() {
        assert!(matches!(
            parse_guestbook("[1]"),
            Err(GuestbookBodyError::Malformed)
        ));
        assert!(matches!(
            parse_guestbook(r#"{"name": "x", "enabled": true}"#),
            Err(GuestbookBodyError::Missing(m)) if m.contains("emailRequired")
        ));
        let g = parse_guestbook(
            r#"{"name": "x", "enabled": true, "emailRequired": false, "nameRequired": true,
                "institutionRequired": false, "positionRequired": false,
                "customQuestions": [{"question": "Q", "required": true, "displayOrder": 1,
                  "type": "options", "hidden": false,
                  "optionValues": [{"value": "A", "displayOrder": 0}]}]}"#,
        )
        .unwrap();
        assert!(g.name_required && g.enabled && !g.email_required);
        assert_eq!(g.questions[0].options[0].value, "A");
    }

    #[test]
    fn emails() {
        assert!(email_valid("a@b.org"));
        for bad in ["a", "a@b", "@b.org", "a@@b.org", "a b@c.org", "a@.org"] {
            assert!(!email_valid(bad), "{bad}");
        }
    }
}
