//! Dataset metadata in request bodies (`JsonParser.parseField` / `parseDatasetVersion`):
//! fields resolved against the loaded blocks and normalised to the canonical wire form
//! (fields in block order then display order, compound children in display order), the
//! required-field check of `DatasetVersion.validate()`, and the merge rules of
//! `PUT /api/datasets/{id}/editMetadata`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::blocks::{Block, Blocks, FieldType};

/// Why a metadata body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MetaError {
    /// A `JsonParseException`: the detail (callers add their prefix).
    Parse(String),
    /// An uncaught exception in Dataverse (missing `multiple` / `typeClass`): a 500.
    Internal,
}

/// `typeClass` of a field type.
pub(crate) fn type_class(f: &FieldType) -> &'static str {
    if f.allow_cv {
        "controlledVocabulary"
    } else if !f.children.is_empty() {
        "compound"
    } else {
        "primitive"
    }
}

/// A parsed field: its block index, its position in display order, and the canonical JSON.
#[derive(Debug, Clone)]
pub(crate) struct ParsedField {
    /// Index of the block in load order.
    pub block: usize,
    /// Display order of the field in its block.
    pub order: i64,
    /// The field type name.
    pub name: String,
    /// `{"typeName","multiple","typeClass","value"}`; `value` may be empty (`""`, `[]`).
    pub json: Value,
}

impl ParsedField {
    /// Whether the value is empty (a clear request in editMetadata).
    pub(crate) fn is_empty(&self) -> bool {
        value_is_empty(&self.json["value"])
    }
}

fn value_is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// A top-level field type by name: (block index, block, field index).
fn top_level<'a>(blocks: &'a Blocks, name: &str) -> Option<(usize, &'a Block, usize)> {
    blocks.blocks.iter().enumerate().find_map(|(bi, b)| {
        b.fields
            .iter()
            .position(|f| f.name == name && f.parent.is_none())
            .map(|i| (bi, b, i))
    })
}

/// Check `multiple` / `typeClass` against the field type (create and import only).
fn check_types(f: &FieldType, obj: &Map<String, Value>) -> Result<(), MetaError> {
    let Some(multiple) = obj.get("multiple").and_then(Value::as_bool) else {
        return Err(MetaError::Internal);
    };
    if multiple != f.multiple {
        return Err(MetaError::Parse(format!(
            "incorrect multiple   for field {}",
            f.name
        )));
    }
    let Some(class) = obj.get("typeClass").and_then(Value::as_str) else {
        return Err(MetaError::Internal);
    };
    let expected = type_class(f);
    if class != expected {
        return Err(MetaError::Parse(format!(
            "incorrect typeClass for field {}, should be {expected}",
            f.name
        )));
    }
    Ok(())
}

fn scalar(f: &FieldType, v: &Value) -> Result<String, MetaError> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => {
            return Err(MetaError::Parse(format!(
                "Invalid value for field {}",
                f.name
            )));
        }
    };
    if f.allow_cv && !s.trim().is_empty() && !f.cv_values.iter().any(|c| c == &s) {
        return Err(MetaError::Parse(format!(
            "Value '{s}' does not exist in type '{}'",
            f.name
        )));
    }
    Ok(s)
}

/// One compound entry: children keyed by their `typeName`, unknown and empty ones dropped,
/// in display order.
fn compound_entry(
    block: &Block,
    parent: &FieldType,
    v: &Value,
    strict: bool,
) -> Result<Map<String, Value>, MetaError> {
    let Some(obj) = v.as_object() else {
        return Err(MetaError::Parse(format!(
            "Invalid value for compound field {}",
            parent.name
        )));
    };
    let mut found: Vec<(i64, String, Value)> = Vec::new();
    for child in obj.values() {
        let Some(cobj) = child.as_object() else {
            continue;
        };
        let Some(name) = cobj.get("typeName").and_then(Value::as_str) else {
            continue;
        };
        let Some(&ci) = parent
            .children
            .iter()
            .find(|&&ci| block.fields[ci].name == name)
        else {
            continue;
        };
        let cf = &block.fields[ci];
        let parsed = field_value(block, cf, cobj, strict)?;
        if value_is_empty(&parsed) {
            continue;
        }
        found.retain(|(_, n, _)| n != name);
        found.push((cf.display_order, name.to_string(), field_json(cf, parsed)));
    }
    found.sort_by_key(|(o, _, _)| *o);
    Ok(found.into_iter().map(|(_, n, v)| (n, v)).collect())
}

fn field_json(f: &FieldType, value: Value) -> Value {
    json!({
        "typeName": f.name,
        "multiple": f.multiple,
        "typeClass": type_class(f),
        "value": value,
    })
}

/// The normalised `value` of a field object (may be empty).
fn field_value(
    block: &Block,
    f: &FieldType,
    obj: &Map<String, Value>,
    strict: bool,
) -> Result<Value, MetaError> {
    if strict {
        check_types(f, obj)?;
    }
    let raw = obj.get("value").unwrap_or(&Value::Null);
    let compound = !f.children.is_empty() && !f.allow_cv;
    if f.multiple {
        let items: Vec<&Value> = match raw {
            Value::Array(a) => a.iter().collect(),
            Value::Null => Vec::new(),
            _ => {
                return Err(MetaError::Parse(format!(
                    "Invalid value for multiple field {}: expected an array",
                    f.name
                )));
            }
        };
        let mut out = Vec::new();
        for item in items {
            if compound {
                let e = compound_entry(block, f, item, strict)?;
                if !e.is_empty() {
                    out.push(Value::Object(e));
                }
            } else {
                let s = scalar(f, item)?;
                if !s.trim().is_empty() {
                    out.push(Value::String(s));
                }
            }
        }
        Ok(Value::Array(out))
    } else if compound {
        if raw.is_null() {
            return Ok(Value::Object(Map::new()));
        }
        Ok(Value::Object(compound_entry(block, f, raw, strict)?))
    } else if raw.is_null() {
        Ok(Value::String(String::new()))
    } else {
        Ok(Value::String(scalar(f, raw)?))
    }
}

/// Parse one field object. `Ok(None)` for unknown type names (silently dropped).
/// `strict` checks `multiple` and `typeClass` (create/import).
pub(crate) fn parse_field(
    blocks: &Blocks,
    obj: &Map<String, Value>,
    strict: bool,
) -> Result<Option<ParsedField>, MetaError> {
    let Some(name) = obj.get("typeName").and_then(Value::as_str) else {
        return Ok(None);
    };
    let Some((bi, block, fi)) = top_level(blocks, name) else {
        return Ok(None);
    };
    let f = &block.fields[fi];
    let value = field_value(block, f, obj, strict)?;
    Ok(Some(ParsedField {
        block: bi,
        order: f.display_order,
        name: f.name.clone(),
        json: field_json(f, value),
    }))
}

/// Canonical `metadataBlocks` object from fields (empty ones dropped; later duplicates win).
pub(crate) fn assemble(blocks: &Blocks, fields: Vec<ParsedField>) -> Value {
    let mut by_block: BTreeMap<usize, Vec<ParsedField>> = BTreeMap::new();
    for f in fields.into_iter().filter(|f| !f.is_empty()) {
        let list = by_block.entry(f.block).or_default();
        list.retain(|g| g.name != f.name);
        list.push(f);
    }
    let mut out = Map::new();
    for (bi, mut list) in by_block {
        let Some(b) = blocks.blocks.get(bi) else {
            continue;
        };
        list.sort_by_key(|f| f.order);
        out.insert(
            b.name.clone(),
            json!({
                "displayName": b.display_name,
                "name": b.name,
                "fields": list.into_iter().map(|f| f.json).collect::<Vec<_>>(),
            }),
        );
    }
    Value::Object(out)
}

/// Parse a `metadataBlocks` object of a create/import body: `{"<any>": {"fields":[..]}}`.
pub(crate) fn parse_blocks(
    blocks: &Blocks,
    metadata_blocks: &Map<String, Value>,
    strict: bool,
) -> Result<Vec<ParsedField>, MetaError> {
    let mut out = Vec::new();
    for block in metadata_blocks.values() {
        let Some(fields) = block.get("fields").and_then(Value::as_array) else {
            continue;
        };
        for f in fields {
            if let Some(obj) = f.as_object()
                && let Some(p) = parse_field(blocks, obj, strict)?
            {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// The stored (canonical) fields of a version, re-parsed leniently.
pub(crate) fn stored_fields(blocks: &Blocks, stored: &Value) -> Vec<ParsedField> {
    let Some(m) = stored.as_object() else {
        return Vec::new();
    };
    parse_blocks(blocks, m, false).unwrap_or_default()
}

/// `DatasetVersion.validate()` for required fields of the given blocks: one
/// `"<Display Name> is required."` per missing value, in display order. A field is required
/// by its type or by an input level of the collection (`by_level`: the field type names
/// the collection's metadata-block root requires, `DatasetField.isRequired()`).
pub(crate) fn missing_required(
    blocks: &Blocks,
    enabled: &[String],
    fields: &[ParsedField],
    by_level: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    let required = |f: &FieldType| f.required || by_level.contains(&f.name);
    for b in blocks.blocks.iter().filter(|b| enabled.contains(&b.name)) {
        for &i in &b.top_level {
            let f = &b.fields[i];
            let present = fields.iter().find(|p| p.name == f.name && !p.is_empty());
            let compound = !f.children.is_empty() && !f.allow_cv;
            match present {
                None if required(f) => {
                    if compound {
                        for &c in &f.children {
                            if required(&b.fields[c]) {
                                out.push(b.field_display_name(c));
                            }
                        }
                    } else {
                        out.push(b.field_display_name(i));
                    }
                }
                Some(p) if compound => {
                    let entries: Vec<&Value> = match &p.json["value"] {
                        Value::Array(a) => a.iter().collect(),
                        v => vec![v],
                    };
                    for e in entries {
                        for &c in &f.children {
                            let cf = &b.fields[c];
                            if required(cf) && e.get(&cf.name).is_none() {
                                out.push(b.field_display_name(c));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// `AbstractDatasetCommand.validateOrDie`'s message for missing required fields.
pub(crate) fn validation_failed(missing: &[String]) -> String {
    let parts: Vec<String> = missing
        .iter()
        .map(|n| {
            format!(
                "{n} is required. (Invalid value:edu.harvard.iq.dataverse.DatasetField[ id=null ])"
            )
        })
        .collect();
    format!("Validation Failed: {}.", parts.join(", "))
}

/// Apply editMetadata fields to the stored ones (WIRE §5.3): without `replace`, values are
/// appended to multiple fields (exact duplicates skipped) and set on empty single fields,
/// filled single fields are kept; with `replace` each named field is reset then set.
/// An empty value clears the field.
pub(crate) fn merge(
    current: Vec<ParsedField>,
    updates: Vec<ParsedField>,
    replace: bool,
) -> Vec<ParsedField> {
    let mut out = current;
    for u in updates {
        let Some(pos) = out.iter().position(|f| f.name == u.name) else {
            out.push(u);
            continue;
        };
        if u.is_empty() {
            out.remove(pos);
            continue;
        }
        let existing = &mut out[pos];
        if replace {
            *existing = u;
            continue;
        }
        match (&mut existing.json["value"], &u.json["value"]) {
            (Value::Array(have), Value::Array(add)) => {
                for v in add {
                    if !have.contains(v) {
                        have.push(v.clone());
                    }
                }
            }
            _ => {
                if existing.is_empty() {
                    *existing = u;
                }
            }
        }
    }
    out
}

/// The enabled metadata block names of a collection chain, nearest metadata-block root
/// first (`[]` column text parsed leniently).
pub(crate) fn parse_block_names(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_merge() {
        let blocks = Blocks::load().unwrap();
        let title: Map<String, Value> = serde_json::from_value(
            json!({"typeName":"title","multiple":false,"typeClass":"primitive","value":"T"}),
        )
        .unwrap();
        let p = parse_field(&blocks, &title, true).unwrap().unwrap();
        assert_eq!(p.json["value"], "T");
        let bad: Map<String, Value> = serde_json::from_value(
            json!({"typeName":"title","multiple":true,"typeClass":"primitive","value":["T"]}),
        )
        .unwrap();
        assert_eq!(
            parse_field(&blocks, &bad, true).unwrap_err(),
            MetaError::Parse("incorrect multiple   for field title".into())
        );
        let subj: Map<String, Value> =
            serde_json::from_value(json!({"typeName":"subject","value":["Nope"]})).unwrap();
        assert_eq!(
            parse_field(&blocks, &subj, false).unwrap_err(),
            MetaError::Parse("Value 'Nope' does not exist in type 'subject'".into())
        );
        let missing = missing_required(
            &blocks,
            &["citation".to_string()],
            std::slice::from_ref(&p),
            &[],
        );
        assert_eq!(
            missing,
            [
                "Author Name",
                "Point of Contact E-mail",
                "Description Text",
                "Subject"
            ]
        );
        let t2: Map<String, Value> =
            serde_json::from_value(json!({"typeName":"title","value":"U"})).unwrap();
        let u = parse_field(&blocks, &t2, false).unwrap().unwrap();
        let kept = merge(vec![p.clone()], vec![u.clone()], false);
        assert_eq!(kept[0].json["value"], "T");
        let replaced = merge(vec![p], vec![u], true);
        assert_eq!(replaced[0].json["value"], "U");
    }
}
