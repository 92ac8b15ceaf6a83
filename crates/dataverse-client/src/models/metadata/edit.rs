//! Edits and starter bodies from the block definitions: the pre-flight check of an edit
//! body, an edit body from `name=value` pairs, and a create body with the required fields.

use indexmap::IndexMap;

use super::{DatasetCreateBody, EditMetadataBody, MetadataProblem, check_field};
use crate::models::Extra;
use crate::models::datasets::{DatasetField, FieldValue};
use crate::models::metadatablocks::{FieldType, MetadataBlock, TypeClass};

/// Where a field name is defined: its block, its top-level field, and for a child of a
/// compound the child's definition.
struct Located<'a> {
    block: &'a str,
    top: &'a FieldType,
    child: Option<&'a FieldType>,
}

/// Find a field by name, at the top level of a block or as a child of a compound.
fn locate<'a>(blocks: &'a IndexMap<String, MetadataBlock>, name: &str) -> Option<Located<'a>> {
    for (block, b) in blocks {
        if let Some(top) = b.fields.get(name) {
            return Some(Located {
                block,
                top,
                child: None,
            });
        }
    }
    for (block, b) in blocks {
        for top in b.fields.values() {
            if let Some(child) = top.child_fields.as_ref().and_then(|c| c.get(name)) {
                return Some(Located {
                    block,
                    top,
                    child: Some(child),
                });
            }
        }
    }
    None
}

/// The message for a name no block defines.
fn unknown(name: &str) -> MetadataProblem {
    MetadataProblem {
        path: name.to_string(),
        message: "is not a field of any metadata block on this installation (Dataverse would silently drop it)".into(),
    }
}

/// Check the fields of an edit body against the server's block definitions (from
/// [`NativeApi::get_metadatablocks`](crate::NativeApi::get_metadatablocks) with
/// `full = true`), each in the block that defines it: the checks of
/// [`validate_metadata`](super::validate_metadata) (unknown field names Dataverse would
/// drop, `multiple` and `typeClass` that do not match, unknown child fields, vocabulary
/// values, dates, numbers) except the one for missing required fields, since an edit names
/// only the fields it changes.
///
/// ```
/// # use indexmap::IndexMap;
/// use dataverse_client::models::datasets::DatasetField;
/// use dataverse_client::models::metadata::{EditMetadataBody, validate_edit_metadata};
/// let blocks = IndexMap::new(); // from api.get_metadatablocks(true)
/// let edit = EditMetadataBody::new([DatasetField::primitive("titel", "New title")]);
/// let problems = validate_edit_metadata(&blocks, &edit.fields);
/// assert_eq!(problems[0].path, "titel");
/// ```
pub fn validate_edit_metadata(
    blocks: &IndexMap<String, MetadataBlock>,
    fields: &[DatasetField],
) -> Vec<MetadataProblem> {
    let mut problems = Vec::new();
    for field in fields {
        match locate(blocks, &field.type_name) {
            Some(Located {
                block,
                top,
                child: None,
            }) => check_field(
                top,
                field,
                &format!("{block}.{}", field.type_name),
                &mut problems,
            ),
            Some(Located { block, top, .. }) => problems.push(MetadataProblem {
                path: format!("{block}.{}", field.type_name),
                message: format!(
                    "is a child field; it belongs inside its compound parent '{}'",
                    top.name
                ),
            }),
            None => problems.push(unknown(&field.type_name)),
        }
    }
    problems
}

/// A field being built from `name=value` pairs.
enum Building {
    Values(Vec<String>),
    Compounds(Vec<IndexMap<String, DatasetField>>),
}

/// The wire form of one value of a primitive or vocabulary field.
fn leaf(def: &FieldType, values: Vec<String>) -> DatasetField {
    let multiple = def.multiple.unwrap_or(false);
    let class = def.type_class.clone().unwrap_or(TypeClass::Primitive);
    let value = if multiple {
        FieldValue::Multiple(values)
    } else {
        FieldValue::Single(values.into_iter().next().unwrap_or_default())
    };
    DatasetField {
        type_name: def.name.clone(),
        multiple: Some(multiple),
        type_class: Some(class),
        value,
        extra: Extra::new(),
    }
}

/// Build an edit body from `name=value` pairs, using the block definitions (from
/// [`NativeApi::get_metadatablocks`](crate::NativeApi::get_metadatablocks) with
/// `full = true`) for each field's `typeClass` and `multiple`.
///
/// A primitive or controlled-vocabulary field takes its value; a multi-valued one given
/// several times takes them all. A child of a compound field (`authorName`,
/// `keywordValue`) goes into a value of its parent: children given one after another
/// fill the same value (`authorName`, then `authorAffiliation`), and a child given again
/// starts the next value of a multi-valued parent (`keywordValue=a`, `keywordValue=b`:
/// two keywords). Unknown names, compound names given a value directly and single-valued
/// fields given twice are problems, all reported at once along with the checks of
/// [`validate_edit_metadata`].
///
/// ```
/// # use indexmap::IndexMap;
/// use dataverse_client::models::metadata::edit_from_pairs;
/// let blocks = IndexMap::new(); // from api.get_metadatablocks(true)
/// let problems = edit_from_pairs(&blocks, &[("titel".into(), "x".into())]).unwrap_err();
/// assert_eq!(problems[0].path, "titel");
/// ```
pub fn edit_from_pairs(
    blocks: &IndexMap<String, MetadataBlock>,
    pairs: &[(String, String)],
) -> Result<EditMetadataBody, Vec<MetadataProblem>> {
    let mut problems = Vec::new();
    let mut building: IndexMap<String, (&FieldType, Building)> = IndexMap::new();
    for (name, value) in pairs {
        let Some(found) = locate(blocks, name) else {
            problems.push(unknown(name));
            continue;
        };
        let path = format!("{}.{name}", found.block);
        let top_multiple = found.top.multiple.unwrap_or(false);
        let entry = building.entry(found.top.name.clone()).or_insert_with(|| {
            let b = if found.top.type_class == Some(TypeClass::Compound) {
                Building::Compounds(Vec::new())
            } else {
                Building::Values(Vec::new())
            };
            (found.top, b)
        });
        match (found.child, &mut entry.1) {
            (None, Building::Values(values)) => {
                if !values.is_empty() && !top_multiple {
                    problems.push(MetadataProblem {
                        path,
                        message: "is single-valued; give it once".into(),
                    });
                    continue;
                }
                values.push(value.clone());
            }
            (None, Building::Compounds(_)) => {
                let children = found
                    .top
                    .child_fields
                    .as_ref()
                    .map(|c| c.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                problems.push(MetadataProblem {
                    path,
                    message: format!("is a compound field; set its children instead ({children})"),
                });
            }
            (Some(child), Building::Compounds(list)) => {
                let child_multiple = child.multiple.unwrap_or(false);
                let was_empty = list.is_empty();
                let current = list.last_mut().filter(|c| match c.get(&child.name) {
                    None => true,
                    Some(_) => child_multiple,
                });
                match current {
                    Some(c) => match c.get_mut(&child.name) {
                        Some(DatasetField {
                            value: FieldValue::Multiple(v),
                            ..
                        }) => v.push(value.clone()),
                        _ => {
                            c.insert(child.name.clone(), leaf(child, vec![value.clone()]));
                        }
                    },
                    None if was_empty || top_multiple => {
                        let mut c = IndexMap::new();
                        c.insert(child.name.clone(), leaf(child, vec![value.clone()]));
                        list.push(c);
                    }
                    None => problems.push(MetadataProblem {
                        path: format!("{}.{}.{name}", found.block, found.top.name),
                        message: format!(
                            "is given twice, but '{}' is single-valued",
                            found.top.name
                        ),
                    }),
                }
            }
            // A child whose parent is not a compound cannot be: `locate` found it in
            // the parent's child fields.
            (Some(_), Building::Values(_)) => problems.push(unknown(name)),
        }
    }
    let fields: Vec<DatasetField> = building
        .into_values()
        .map(|(def, b)| match b {
            Building::Values(values) => leaf(def, values),
            Building::Compounds(list) => {
                let multiple = def.multiple.unwrap_or(false);
                DatasetField {
                    type_name: def.name.clone(),
                    multiple: Some(multiple),
                    type_class: Some(TypeClass::Compound),
                    value: if multiple {
                        FieldValue::CompoundList(list)
                    } else {
                        FieldValue::Compound(list.into_iter().next().unwrap_or_default())
                    },
                    extra: Extra::new(),
                }
            }
        })
        .collect();
    problems.extend(validate_edit_metadata(blocks, &fields));
    if problems.is_empty() {
        Ok(EditMetadataBody::new(fields))
    } else {
        Err(problems)
    }
}

/// A placeholder value for a field: `<Title>`, or for a controlled vocabulary
/// `<one of: A | B | ...>`.
fn placeholder(def: &FieldType) -> String {
    if let Some(values) = def
        .controlled_vocabulary_values
        .as_ref()
        .filter(|v| def.is_controlled_vocabulary == Some(true) && !v.is_empty())
    {
        return format!("<one of: {}>", values.join(" | "));
    }
    let label = def
        .display_name
        .as_deref()
        .or(def.title.as_deref())
        .unwrap_or(&def.name);
    format!("<{label}>")
}

/// The placeholder field of a definition (a compound with its required children, or
/// all of them when none is required).
fn template_field(def: &FieldType) -> DatasetField {
    if def.type_class == Some(TypeClass::Compound) {
        let children = def.child_fields.clone().unwrap_or_default();
        let required: Vec<&FieldType> = children
            .values()
            .filter(|c| c.is_required == Some(true))
            .collect();
        let chosen: Vec<&FieldType> = if required.is_empty() {
            children.values().collect()
        } else {
            required
        };
        let value: IndexMap<String, DatasetField> = chosen
            .into_iter()
            .map(|c| (c.name.clone(), template_field(c)))
            .collect();
        let multiple = def.multiple.unwrap_or(false);
        return DatasetField {
            type_name: def.name.clone(),
            multiple: Some(multiple),
            type_class: Some(TypeClass::Compound),
            value: if multiple {
                FieldValue::CompoundList(vec![value])
            } else {
                FieldValue::Compound(value)
            },
            extra: Extra::new(),
        };
    }
    leaf(def, vec![placeholder(def)])
}

/// A starter create body: every required field of `blocks` (the blocks a collection
/// offers), in the blocks' order, with `<placeholder>` values to replace (a controlled
/// vocabulary's placeholder lists its values). Compound fields get their required
/// children (all of them when none is required).
///
/// ```
/// # use indexmap::IndexMap;
/// use dataverse_client::models::metadata::required_fields_template;
/// let body = required_fields_template(&IndexMap::new()); // from api.get_metadatablocks(true)
/// assert_eq!(body.fields().count(), 0);
/// ```
pub fn required_fields_template(blocks: &IndexMap<String, MetadataBlock>) -> DatasetCreateBody {
    let mut body = DatasetCreateBody::new();
    for (block, b) in blocks {
        for def in b.fields.values().filter(|d| d.is_required == Some(true)) {
            body.set_field(block, template_field(def));
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn blocks() -> IndexMap<String, MetadataBlock> {
        let prim = |name: &str, multiple: bool, required: bool| {
            json!({"name": name, "title": name.to_uppercase(), "type": "TEXT",
                   "typeClass": "primitive", "multiple": multiple, "isRequired": required})
        };
        let citation: MetadataBlock = serde_json::from_value(json!({
            "name": "citation",
            "fields": {
                "title": prim("title", false, true),
                "productionDate": {"name": "productionDate", "type": "DATE",
                                   "typeClass": "primitive", "multiple": false},
                "subject": {"name": "subject", "typeClass": "controlledVocabulary",
                            "multiple": true, "isRequired": true,
                            "isControlledVocabulary": true,
                            "controlledVocabularyValues": ["Chemistry", "Other"]},
                "author": {"name": "author", "typeClass": "compound", "multiple": true,
                           "isRequired": true,
                           "childFields": {
                               "authorName": prim("authorName", false, true),
                               "authorAffiliation": prim("authorAffiliation", false, false)}},
                "keyword": {"name": "keyword", "typeClass": "compound", "multiple": true,
                            "childFields": {"keywordValue": prim("keywordValue", false, false)}},
                "series": {"name": "series", "typeClass": "compound", "multiple": false,
                           "childFields": {"seriesName": prim("seriesName", false, false)}}
            }
        }))
        .unwrap();
        let geo: MetadataBlock = serde_json::from_value(json!({
            "name": "geospatial",
            "fields": {"country": prim("country", true, false)}
        }))
        .unwrap();
        [
            ("citation".to_string(), citation),
            ("geospatial".to_string(), geo),
        ]
        .into_iter()
        .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn edit_bodies_are_checked_like_create_bodies() {
        let b = blocks();
        let body: EditMetadataBody = serde_json::from_value(json!({"fields": [
            {"typeName": "titel", "value": "x"},
            {"typeName": "title", "multiple": true, "typeClass": "primitive", "value": "x"},
            {"typeName": "subject", "typeClass": "primitive", "multiple": true, "value": ["Chemistry"]},
            {"typeName": "authorName", "value": "A"},
            {"typeName": "author", "value": [{"authorNam": {"typeName": "authorNam", "value": "A"}}]},
            {"typeName": "country", "multiple": true, "typeClass": "primitive", "value": ["France"]}
        ]}))
        .unwrap();
        let problems: Vec<String> = validate_edit_metadata(&b, &body.fields)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "titel: is not a field of any metadata block on this installation (Dataverse would silently drop it)",
                "citation.title: `multiple` is true but the field is single",
                "citation.subject: `typeClass` is 'primitive' but the field is 'controlledVocabulary'",
                "citation.authorName: is a child field; it belongs inside its compound parent 'author'",
                "citation.author[0].authorNam: is not a child of 'author'",
            ]
        );
    }

    #[test]
    fn pairs_build_typed_fields() {
        let b = blocks();
        let body = edit_from_pairs(
            &b,
            &pairs(&[
                ("title", "New"),
                ("keywordValue", "k1"),
                ("subject", "Chemistry"),
                ("keywordValue", "k2"),
                ("authorName", "A"),
                ("authorAffiliation", "U"),
                ("authorName", "B"),
                ("subject", "Other"),
                ("seriesName", "S"),
                ("country", "France"),
            ]),
        )
        .unwrap();
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(
            v,
            json!({"fields": [
                {"typeName": "title", "multiple": false, "typeClass": "primitive", "value": "New"},
                {"typeName": "keyword", "multiple": true, "typeClass": "compound", "value": [
                    {"keywordValue": {"typeName": "keywordValue", "multiple": false, "typeClass": "primitive", "value": "k1"}},
                    {"keywordValue": {"typeName": "keywordValue", "multiple": false, "typeClass": "primitive", "value": "k2"}}]},
                {"typeName": "subject", "multiple": true, "typeClass": "controlledVocabulary", "value": ["Chemistry", "Other"]},
                {"typeName": "author", "multiple": true, "typeClass": "compound", "value": [
                    {"authorName": {"typeName": "authorName", "multiple": false, "typeClass": "primitive", "value": "A"},
                     "authorAffiliation": {"typeName": "authorAffiliation", "multiple": false, "typeClass": "primitive", "value": "U"}},
                    {"authorName": {"typeName": "authorName", "multiple": false, "typeClass": "primitive", "value": "B"}}]},
                {"typeName": "series", "multiple": false, "typeClass": "compound", "value":
                    {"seriesName": {"typeName": "seriesName", "multiple": false, "typeClass": "primitive", "value": "S"}}},
                {"typeName": "country", "multiple": true, "typeClass": "primitive", "value": ["France"]}
            ]})
        );
    }

    #[test]
    fn bad_pairs_are_all_reported() {
        let b = blocks();
        let problems: Vec<String> = edit_from_pairs(
            &b,
            &pairs(&[
                ("titel", "x"),
                ("title", "a"),
                ("title", "b"),
                ("author", "A"),
                ("seriesName", "S1"),
                ("seriesName", "S2"),
                ("subject", "chemistry"),
                ("productionDate", "2024-13"),
            ]),
        )
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            problems,
            [
                "titel: is not a field of any metadata block on this installation (Dataverse would silently drop it)",
                "citation.title: is single-valued; give it once",
                "citation.author: is a compound field; set its children instead (authorName, authorAffiliation)",
                "citation.series.seriesName: is given twice, but 'series' is single-valued",
                "citation.subject: 'chemistry' is not in the controlled vocabulary (did you mean 'Chemistry'?)",
                "citation.productionDate: '2024-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            ]
        );
    }

    #[test]
    fn the_template_holds_the_required_fields() {
        let body = required_fields_template(&blocks());
        let v = serde_json::to_value(&body).unwrap();
        let fields = &v["datasetVersion"]["metadataBlocks"]["citation"]["fields"];
        let names: Vec<&str> = fields
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["typeName"].as_str())
            .collect();
        assert_eq!(names, ["title", "subject", "author"]);
        assert_eq!(fields[0]["value"], "<TITLE>");
        assert_eq!(fields[1]["value"], json!(["<one of: Chemistry | Other>"]));
        assert_eq!(
            fields[2]["value"],
            json!([{"authorName": {"typeName": "authorName", "multiple": false,
                                   "typeClass": "primitive", "value": "<AUTHORNAME>"}}])
        );
        assert!(
            v["datasetVersion"]["metadataBlocks"]
                .get("geospatial")
                .is_none()
        );
    }
}
