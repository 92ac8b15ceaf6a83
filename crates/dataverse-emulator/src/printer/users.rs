//! `JsonPrinter.json(AuthenticatedUser)`.

use serde_json::{Map, Value};

use crate::store::users::UserRow;

/// `JsonPrinter.json(AuthenticatedUser)` (nulls omitted).
pub(crate) fn user(u: &UserRow) -> Value {
    let mut m = Map::new();
    let opt = |m: &mut Map<String, Value>, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), v.clone().into());
        }
    };
    m.insert("id".into(), u.id.into());
    m.insert("identifier".into(), u.identifier().into());
    m.insert("displayName".into(), u.display_name().into());
    opt(&mut m, "firstName", &u.first_name);
    opt(&mut m, "lastName", &u.last_name);
    m.insert("email".into(), u.email.clone().into());
    m.insert("superuser".into(), u.superuser.into());
    m.insert("deactivated".into(), u.deactivated.into());
    opt(&mut m, "affiliation", &u.affiliation);
    opt(&mut m, "position", &u.position);
    m.insert("persistentUserId".into(), u.user_identifier.clone().into());
    m.insert("createdTime".into(), u.created_time.clone().into());
    opt(&mut m, "lastLoginTime", &u.last_login_time);
    opt(&mut m, "lastApiUseTime", &u.last_api_use_time);
    m.insert("authenticationProviderId".into(), u.provider.clone().into());
    Value::Object(m)
}
