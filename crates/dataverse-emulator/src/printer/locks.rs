//! `JsonPrinter.json(DatasetLock)` (§4.8).

use serde_json::{Map, Value};

use crate::store::locks::LockRow;
use crate::store::time_fmt;

/// `{"lockType","date","user","dataset","message"?}`.
pub(crate) fn lock(l: &LockRow, pid: &str) -> Value {
    let mut m = Map::new();
    m.insert("lockType".into(), l.lock_type.as_str().into());
    m.insert("date".into(), time_fmt::java_date(l.created_ms).into());
    if let Some(u) = &l.user {
        m.insert("user".into(), u.clone().into());
    }
    m.insert("dataset".into(), pid.into());
    if let Some(i) = &l.info {
        m.insert("message".into(), i.clone().into());
    }
    Value::Object(m)
}
