//! `JsonPrinter.json(License)` and the license object of a dataset version.

use serde_json::{Map, Value};

use crate::store::licenses::LicenseRow;

/// `{id, name, shortDescription?, uri, iconUrl?, active, isDefault, sortOrder,
/// rightsIdentifier?, rightsIdentifierScheme?, schemeUri?, languageCode?}`.
pub(crate) fn license(l: &LicenseRow) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), l.id.into());
    m.insert("name".into(), l.name.clone().into());
    if let Some(s) = &l.short_description {
        m.insert("shortDescription".into(), s.clone().into());
    }
    m.insert("uri".into(), l.uri.clone().into());
    if let Some(s) = &l.icon_url {
        m.insert("iconUrl".into(), s.clone().into());
    }
    m.insert("active".into(), l.active.into());
    m.insert("isDefault".into(), l.is_default.into());
    m.insert("sortOrder".into(), l.sort_order.into());
    insert_rights(&mut m, l);
    Value::Object(m)
}

/// The license object of a dataset version: `{name, uri, iconUri?, rightsIdentifier?,
/// rightsIdentifierScheme?, schemeUri?, languageCode?}`.
pub(crate) fn version_license(l: &LicenseRow) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), l.name.clone().into());
    m.insert("uri".into(), l.uri.clone().into());
    if let Some(s) = &l.icon_url {
        m.insert("iconUri".into(), s.clone().into());
    }
    insert_rights(&mut m, l);
    Value::Object(m)
}

/// The optional rights keys both forms end with.
fn insert_rights(m: &mut Map<String, Value>, l: &LicenseRow) {
    for (key, value) in [
        ("rightsIdentifier", &l.rights_identifier),
        ("rightsIdentifierScheme", &l.rights_identifier_scheme),
        ("schemeUri", &l.scheme_uri),
        ("languageCode", &l.language_code),
    ] {
        if let Some(s) = value {
            m.insert(key.into(), s.clone().into());
        }
    }
}
