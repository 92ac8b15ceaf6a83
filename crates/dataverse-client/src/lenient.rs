//! Decoding that survives the shapes of other Dataverse versions. Installations run every
//! version from 4.x to 6.x, some patched: a field whose value has a shape the models do
//! not expect must not fail the whole call. [`decode`] reads a value into a model; when a
//! field does not fit, it first tries the value as its scalar twin (`"42"` for `42`, `42`
//! for `"42"`, `"true"` for `true`), and otherwise moves the field, raw, into
//! `_unparsed` of the object that held it (the model's `extra` keeps it, so printing the
//! model back loses nothing) and logs it at debug level. A field the model cannot do
//! without (one that is not optional: an id, a name) still fails the call.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use serde_path_to_error::{Error as PathError, Segment};

/// Where a field of an unexpected shape is kept, in the object that held it.
pub const UNPARSED: &str = "_unparsed";

/// At most this many fields are set aside in one answer before giving up.
const MAX_REPAIRS: usize = 256;

/// The value at `path` (segments from the root), mutably.
fn at<'a>(root: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Seq { index } => cur.as_array_mut()?.get_mut(*index)?,
            Segment::Map { key } => cur.as_object_mut()?.get_mut(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    Some(cur)
}

/// A path as text, to compare two paths.
fn text(path: &[Segment]) -> String {
    path.iter().map(|s| format!("/{s}")).collect()
}

/// The scalar twin of a value, if it has one.
fn twin(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if let Ok(n) = t.parse::<u64>() {
                Some(Value::from(n))
            } else if let Ok(n) = t.parse::<i64>() {
                Some(Value::from(n))
            } else if let Ok(b) = t.parse::<bool>() {
                Some(Value::Bool(b))
            } else {
                t.parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            }
        }
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::Bool(b) => Some(Value::String(b.to_string())),
        _ => None,
    }
}

/// Move the value at `path` into `_unparsed` of the object that holds it (an array
/// element: into `_unparsed.<array's key>` of the object that holds the array). Returns
/// what to watch for: the holder's path and the key, when a key was moved (the model may
/// miss it), `Some(None)` when an array element was, `None` when nothing could be moved.
fn set_aside(value: &mut Value, path: &[Segment]) -> Option<Option<(String, String)>> {
    let (last, holder_path) = path.split_last()?;
    match last {
        Segment::Map { key } => {
            let Value::Object(holder) = at(value, holder_path)? else {
                return None;
            };
            let raw = holder.shift_remove(key.as_str())?;
            keep(holder, key, raw, false);
            Some(Some((text(holder_path), key.clone())))
        }
        Segment::Seq { index } if holder_path.is_empty() => {
            // An element of the answer itself (a list): nowhere to keep it but the log.
            let Value::Array(items) = value else {
                return None;
            };
            if *index >= items.len() {
                return None;
            }
            let raw = items.remove(*index);
            tracing::debug!(value = %raw, "dropped an entry of an unexpected shape from the list");
            Some(None)
        }
        Segment::Seq { index } => {
            let (Segment::Map { key }, object_path) = holder_path.split_last()? else {
                return None;
            };
            let Value::Object(object) = at(value, object_path)? else {
                return None;
            };
            let Value::Array(items) = object.get_mut(key.as_str())? else {
                return None;
            };
            if *index >= items.len() {
                return None;
            }
            let raw = items.remove(*index);
            keep(object, key, raw, true);
            Some(None)
        }
        Segment::Enum { .. } | Segment::Unknown => None,
    }
}

/// Keep `raw` under `_unparsed.<key>` of `object` (appended to a list for array elements).
fn keep(object: &mut Map<String, Value>, key: &str, raw: Value, element: bool) {
    let kept = object
        .entry(UNPARSED)
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(m) = kept else {
        return;
    };
    if element {
        match m.entry(key) {
            serde_json::map::Entry::Occupied(mut o) => {
                if let Value::Array(a) = o.get_mut() {
                    a.push(raw);
                }
            }
            serde_json::map::Entry::Vacant(v) => {
                v.insert(Value::Array(vec![raw]));
            }
        }
    } else {
        m.insert(key.to_string(), raw);
    }
}

/// Decode `value` as `T`, setting aside the parts that do not fit (see the module's doc).
/// A part the model cannot do without takes its holder with it (a file without its
/// `dataFile` leaves the list of files); the error is the first failure, when even the
/// whole answer would have to go.
pub(crate) fn decode<T: DeserializeOwned>(
    mut value: Value,
) -> Result<T, PathError<serde_json::Error>> {
    let mut twinned: Vec<String> = Vec::new();
    let mut first_error: Option<PathError<serde_json::Error>> = None;
    let mut watch: Option<(String, String)> = None;
    for _ in 0..MAX_REPAIRS {
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let segments: Vec<Segment> = err.path().iter().cloned().collect();
        let path_text = text(&segments);
        let message = err.inner().to_string();
        // A key set aside that the model cannot do without: set aside its holder.
        let missing = watch.as_ref().is_some_and(|(holder, key)| {
            message.starts_with(&format!("missing field `{key}`")) && path_text == *holder
        });
        if !missing
            && !twinned.contains(&path_text)
            && let Some(v) = at(&mut value, &segments)
            && let Some(t) = twin(v)
        {
            // First try the scalar twin of the value at the failing path.
            twinned.push(path_text.clone());
            tracing::debug!(path = %err.path(), from = %v, to = %t, "read a value as another scalar type");
            *v = t;
            continue;
        }
        tracing::debug!(
            path = %err.path(),
            error = %message,
            "kept a part of an unexpected shape as raw JSON (in `_unparsed`)"
        );
        first_error.get_or_insert(err);
        if missing && let Some((_, key)) = &watch {
            // Put the key back: its holder goes whole.
            if let Some(Value::Object(holder)) = at(&mut value, &segments) {
                let raw = match holder.get_mut(UNPARSED) {
                    Some(Value::Object(kept)) => kept.shift_remove(key.as_str()),
                    _ => None,
                };
                if holder
                    .get(UNPARSED)
                    .is_some_and(|k| k.as_object().is_some_and(Map::is_empty))
                {
                    holder.shift_remove(UNPARSED);
                }
                if let Some(raw) = raw {
                    holder.insert(key.clone(), raw);
                }
            }
        }
        match set_aside(&mut value, &segments) {
            Some(w) => watch = w,
            None => break,
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => serde_path_to_error::deserialize::<_, T>(&value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::datasets::{CreatedDataset, Dataset, DatasetVersion, Lock};
    use crate::models::search::SearchPage;
    use serde_json::json;

    fn fixture(rel: &str) -> Value {
        let dir = std::env::var_os("DATAVERSE_FIXTURES_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/dataverse-fixtures")
            });
        let path = dir.join(rel);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    /// Every object key of `v` as a JSON pointer.
    fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(p.clone());
                    pointers(x, p, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    pointers(x, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// Shapes other versions might send instead of `v`.
    fn variants(v: &Value) -> Vec<Value> {
        let odd_object = json!({"unexpected": {"shape": [1, 2]}});
        match v {
            Value::String(_) => vec![odd_object, json!(["a", "b"]), json!(12.5)],
            Value::Number(n) => vec![json!(n.to_string()), odd_object, json!([1])],
            Value::Bool(b) => vec![json!(b.to_string()), odd_object],
            Value::Object(_) => vec![json!("text"), json!([1, 2]), json!(3)],
            Value::Array(_) => vec![json!("text"), odd_object, json!(3)],
            Value::Null => vec![odd_object],
        }
    }

    /// Put each variant at each key of `doc`: the decode must succeed unless the key is
    /// one the model cannot do without. Returns the keys (last segment) that failed.
    fn failing_keys<T: DeserializeOwned>(doc: &Value) -> Vec<String> {
        decode::<T>(doc.clone()).expect("the fixture itself decodes");
        let mut ps = Vec::new();
        pointers(doc, String::new(), &mut ps);
        let mut failed = Vec::new();
        for p in ps {
            let original = doc.pointer(&p).unwrap();
            for variant in variants(original) {
                let mut changed = doc.clone();
                *changed.pointer_mut(&p).unwrap() = variant.clone();
                if let Err(e) = decode::<T>(changed) {
                    let key = p.rsplit('/').next().unwrap_or_default().to_string();
                    if !failed.contains(&key) {
                        eprintln!("{p} <- {variant}: {e}");
                        failed.push(key);
                    }
                }
            }
        }
        failed.sort();
        failed
    }

    #[test]
    fn every_optional_field_of_a_dataset_may_have_another_shape() {
        let doc = fixture("responses/export-dataverse_json-published-with-files.json");
        // The keys without which a dataset, a file or a field means nothing.
        let required: [&str; 0] = [];
        let failed = failing_keys::<Dataset>(&doc);
        assert!(
            failed.iter().all(|k| required.contains(&k.as_str())),
            "fields that failed the whole call: {failed:?}"
        );
        let max = fixture("responses/export-dataverse_json-published-max.json");
        let failed = failing_keys::<Dataset>(&max);
        assert!(
            failed.iter().all(|k| required.contains(&k.as_str())),
            "fields that failed the whole call: {failed:?}"
        );
        let draft = fixture("responses/export-dataverse_json-draft.json");
        let failed = failing_keys::<DatasetVersion>(&draft["datasetVersion"]);
        assert!(
            failed.iter().all(|k| required.contains(&k.as_str())),
            "fields that failed the whole call: {failed:?}"
        );
    }

    #[test]
    fn every_optional_field_of_search_and_locks_may_have_another_shape() {
        let page = fixture("doc-examples/search-basic.response.json")["data"].clone();
        let failed = failing_keys::<SearchPage>(&page);
        let required = ["q", "total_count", "start", "count_in_response", "items"];
        assert!(
            failed.iter().all(|k| required.contains(&k.as_str())),
            "fields that failed the whole call: {failed:?}"
        );
        let locks = fixture("doc-examples/dataset-locks.response.json")["data"].clone();
        let failed = failing_keys::<Vec<Lock>>(&locks);
        assert!(
            failed.is_empty(),
            "fields that failed the whole call: {failed:?}"
        );
        // A lock without a type of ours leaves the list; the others stay.
        let mut two = json!([locks[0].clone(), locks[0].clone()]);
        two[0]["lockType"] = json!({"x": 1});
        assert_eq!(decode::<Vec<Lock>>(two).unwrap().len(), 1);
    }

    #[test]
    fn a_field_set_aside_is_kept_raw_and_scalars_are_read_as_their_twins() {
        let mut doc = fixture("responses/export-dataverse_json-published-with-files.json");
        doc["publisher"] = json!({"name": "Root", "lang": "en"});
        doc["id"] = json!("6");
        let ds: Dataset = decode(doc).unwrap();
        assert_eq!(ds.id, Some(6));
        assert_eq!(ds.publisher, None);
        assert_eq!(
            ds.extra[UNPARSED]["publisher"],
            json!({"name": "Root", "lang": "en"})
        );
        // Printed back, nothing the server sent is lost.
        let back = serde_json::to_value(&ds).unwrap();
        assert_eq!(back[UNPARSED]["publisher"]["lang"], "en");
    }

    #[test]
    fn a_part_without_what_it_needs_goes_whole_and_the_answer_only_at_the_top() {
        let mut doc = fixture("responses/export-dataverse_json-published-with-files.json");
        doc["datasetVersion"]["files"][0]["dataFile"] = json!("text");
        let ds: Dataset = decode(doc).unwrap();
        let v = ds.dataset_version.unwrap();
        assert_eq!(v.files.as_ref().unwrap().len(), 2);
        assert_eq!(v.extra[UNPARSED]["files"][0]["dataFile"], "text");
        // A created dataset means nothing without its id.
        let e =
            decode::<CreatedDataset>(json!({"id": {"x": 1}, "persistentId": "doi:10.5072/FK2/A"}))
                .unwrap_err();
        assert_eq!(e.path().to_string(), "id");
        assert!(
            decode::<CreatedDataset>(json!({"id": "7", "persistentId": "doi:10.5072/FK2/A"}))
                .is_ok()
        );
    }
}
