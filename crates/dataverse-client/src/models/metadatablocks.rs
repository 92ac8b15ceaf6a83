//! Models of `/api/metadatablocks`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Extra, string_enum};

/// One block of `GET /api/metadatablocks` (the brief form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataBlockInfo {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Block name, e.g. `"citation"`.
    pub name: String,
    /// Display name, e.g. `"Citation Metadata"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Shown when a dataset is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_on_create: Option<bool>,
    /// Fields this library does not know (the full form's `fields` land here too).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A whole block definition (`GET /api/metadatablocks/{name}`, WIRE §4.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataBlock {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Block name, e.g. `"citation"`.
    pub name: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Shown when a dataset is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_on_create: Option<bool>,
    /// The top-level fields by name, in the server's order (`block.fields[0]` or
    /// `block.fields["title"]`); children are in [`FieldType::child_fields`].
    #[serde(default)]
    pub fields: IndexMap<String, FieldType>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl MetadataBlock {
    /// A field anywhere in the block (top level or a child of a compound), by name.
    pub fn find_field(&self, name: &str) -> Option<&FieldType> {
        fn walk<'a>(fields: &'a IndexMap<String, FieldType>, name: &str) -> Option<&'a FieldType> {
            for (k, f) in fields {
                if k == name {
                    return Some(f);
                }
                if let Some(found) = f.child_fields.as_ref().and_then(|c| walk(c, name)) {
                    return Some(found);
                }
            }
            None
        }
        walk(&self.fields, name)
    }
}

string_enum! {
    /// How a field's value is structured.
    TypeClass {
        /// A plain value.
        Primitive = "primitive",
        /// A group of child fields.
        Compound = "compound",
        /// A value from a fixed list.
        ControlledVocabulary = "controlledVocabulary",
    }
}

string_enum! {
    /// A field's input type.
    FieldInputType {
        /// Short text.
        Text = "TEXT",
        /// Long text.
        Textbox = "TEXTBOX",
        /// A string (often with a controlled vocabulary).
        String = "STRING",
        /// A date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
        Date = "DATE",
        /// An e-mail address.
        Email = "EMAIL",
        /// A URL.
        Url = "URL",
        /// A decimal number.
        Float = "FLOAT",
        /// An integer.
        Int = "INT",
        /// No value of its own (a compound parent).
        None = "NONE",
    }
}

/// A field definition within a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldType {
    /// Field name (`typeName` in dataset JSON), e.g. `"title"`.
    pub name: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Shown when a dataset is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_on_create: Option<bool>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Input type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<FieldInputType>,
    /// Value structure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_class: Option<TypeClass>,
    /// Placeholder text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the field takes several values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    /// Whether values come from [`controlled_vocabulary_values`](Self::controlled_vocabulary_values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_controlled_vocabulary: Option<bool>,
    /// Offered in advanced search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_advanced_search_field_type: Option<bool>,
    /// Display format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_format: Option<String>,
    /// Position in the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_order: Option<i64>,
    /// Whether a dataset must have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_required: Option<bool>,
    /// The allowed values of a controlled-vocabulary field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controlled_vocabulary_values: Option<Vec<String>>,
    /// The children of a compound field, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_fields: Option<IndexMap<String, FieldType>>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
