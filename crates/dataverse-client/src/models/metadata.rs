//! Dataset metadata bodies: [`DatasetCreateBody`], [`EditMetadataBody`], typed field
//! constructors, a builder for the common citation fields, and a pre-flight validation
//! against the server's block definitions.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};

use super::Extra;
use super::datasets::{DatasetField, FieldValue, MetadataBlockValues, VersionLicense};
use super::metadatablocks::{FieldInputType, FieldType, MetadataBlock, TypeClass};

mod edit;
pub use edit::{edit_from_pairs, required_fields_template, validate_edit_metadata};

impl DatasetField {
    fn make(type_name: &str, multiple: bool, type_class: TypeClass, value: FieldValue) -> Self {
        DatasetField {
            type_name: type_name.to_string(),
            multiple: Some(multiple),
            type_class: Some(type_class),
            value,
            extra: Extra::new(),
        }
    }

    /// A single primitive value (`title`).
    pub fn primitive(type_name: &str, value: impl Into<String>) -> Self {
        Self::make(
            type_name,
            false,
            TypeClass::Primitive,
            FieldValue::Single(value.into()),
        )
    }

    /// Several primitive values (`keywordValue` inside a compound is single; `otherId`... are compounds).
    pub fn primitive_multiple(
        type_name: &str,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self::make(
            type_name,
            true,
            TypeClass::Primitive,
            FieldValue::Multiple(values.into_iter().map(Into::into).collect()),
        )
    }

    /// A single controlled-vocabulary value.
    pub fn vocabulary(type_name: &str, value: impl Into<String>) -> Self {
        Self::make(
            type_name,
            false,
            TypeClass::ControlledVocabulary,
            FieldValue::Single(value.into()),
        )
    }

    /// Several controlled-vocabulary values (`subject`).
    pub fn vocabulary_multiple(
        type_name: &str,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self::make(
            type_name,
            true,
            TypeClass::ControlledVocabulary,
            FieldValue::Multiple(values.into_iter().map(Into::into).collect()),
        )
    }

    /// One compound value from its child fields.
    pub fn compound(type_name: &str, children: impl IntoIterator<Item = DatasetField>) -> Self {
        Self::make(
            type_name,
            false,
            TypeClass::Compound,
            FieldValue::Compound(keyed(children)),
        )
    }

    /// Several compound values, each from its child fields (`author`).
    pub fn compound_multiple(
        type_name: &str,
        values: impl IntoIterator<Item = impl IntoIterator<Item = DatasetField>>,
    ) -> Self {
        Self::make(
            type_name,
            true,
            TypeClass::Compound,
            FieldValue::CompoundList(values.into_iter().map(keyed).collect()),
        )
    }
}

fn keyed(children: impl IntoIterator<Item = DatasetField>) -> IndexMap<String, DatasetField> {
    children
        .into_iter()
        .map(|c| (c.type_name.clone(), c))
        .collect()
}

/// The `datasetVersion` part of a create body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetVersionBody {
    /// License (`{"name":..,"uri":..}` or a name); absent ⇒ the installation's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<VersionLicense>,
    /// Metadata by block name.
    #[serde(default)]
    pub metadata_blocks: IndexMap<String, MetadataBlockValues>,
    /// Other keys (terms of use and access, `fileAccessRequest`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Body of `POST /api/dataverses/{id}/datasets` (WIRE §5.2).
///
/// ```
/// use dataverse_client::models::metadata::{Author, CitationBuilder};
/// let body = CitationBuilder::new("Darwin's Finches")
///     .author(Author::new("Finch, Fiona").affiliation("Birds Inc.").orcid("0000-0002-1825-0097"))
///     .contact("Finch, Fiona", "finch@mailinator.com")
///     .description("Darwin's finches (also known as the Galápagos finches) are a group of about fifteen species.")
///     .subject("Medicine, Health and Life Sciences")
///     .keyword("birds")
///     .build();
/// assert_eq!(body.field("citation", "title").and_then(|f| f.value.as_str()), Some("Darwin's Finches"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetCreateBody {
    /// Dataset type (`dataset`, `software`, ...), when not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_type: Option<String>,
    /// Metadata language, when the installation allows several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_language: Option<String>,
    /// The version: license and metadata blocks.
    pub dataset_version: DatasetVersionBody,
    /// Other keys (`files` for superuser imports, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl DatasetCreateBody {
    /// An empty body (no fields yet).
    pub fn new() -> Self {
        DatasetCreateBody {
            dataset_type: None,
            metadata_language: None,
            dataset_version: DatasetVersionBody {
                license: None,
                metadata_blocks: IndexMap::new(),
                extra: Extra::new(),
            },
            extra: Extra::new(),
        }
    }

    /// A field of a block, by type name.
    pub fn field(&self, block: &str, type_name: &str) -> Option<&DatasetField> {
        self.dataset_version
            .metadata_blocks
            .get(block)?
            .fields
            .iter()
            .find(|f| f.type_name == type_name)
    }

    /// Set (replace or add) a field of a block, creating the block entry if needed.
    pub fn set_field(&mut self, block: &str, field: DatasetField) -> &mut Self {
        let entry = self
            .dataset_version
            .metadata_blocks
            .entry(block.to_string())
            .or_insert_with(|| MetadataBlockValues {
                display_name: None,
                name: None,
                fields: Vec::new(),
                extra: Extra::new(),
            });
        match entry
            .fields
            .iter_mut()
            .find(|f| f.type_name == field.type_name)
        {
            Some(existing) => *existing = field,
            None => entry.fields.push(field),
        }
        self
    }

    /// Remove a field; returns it if it was there.
    pub fn remove_field(&mut self, block: &str, type_name: &str) -> Option<DatasetField> {
        let b = self.dataset_version.metadata_blocks.get_mut(block)?;
        let i = b.fields.iter().position(|f| f.type_name == type_name)?;
        Some(b.fields.remove(i))
    }

    /// Set the license by name (e.g. `"CC BY 4.0"`).
    pub fn license(mut self, name: impl Into<String>) -> Self {
        self.dataset_version.license = Some(VersionLicense::Name(name.into()));
        self
    }

    /// Every field with the block it is in.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &DatasetField)> {
        self.dataset_version
            .metadata_blocks
            .iter()
            .flat_map(|(b, v)| v.fields.iter().map(move |f| (b.as_str(), f)))
    }
}

impl Default for DatasetCreateBody {
    fn default() -> Self {
        Self::new()
    }
}

/// Body of `PUT /api/datasets/{id}/editMetadata` (WIRE §5.3): the fields to add or replace.
///
/// Without `replace`, Dataverse appends to multi-valued fields, fills empty single-valued
/// ones and silently keeps single-valued fields that already have a value. With `replace`,
/// each named field is reset and then set. `""` (single) or `[]` (multiple) clears a field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EditMetadataBody {
    /// The fields.
    pub fields: Vec<DatasetField>,
}

impl EditMetadataBody {
    /// A body from fields.
    pub fn new(fields: impl IntoIterator<Item = DatasetField>) -> Self {
        EditMetadataBody {
            fields: fields.into_iter().collect(),
        }
    }

    /// Add a field.
    pub fn field(mut self, f: DatasetField) -> Self {
        self.fields.push(f);
        self
    }
}

impl<'de> Deserialize<'de> for EditMetadataBody {
    /// Accepts `{"fields":[...]}` or a single bare field object, as Dataverse does.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Wrapped { fields: Vec<DatasetField> },
            Single(DatasetField),
        }
        Ok(match Form::deserialize(d)? {
            Form::Wrapped { fields } => EditMetadataBody { fields },
            Form::Single(f) => EditMetadataBody { fields: vec![f] },
        })
    }
}

/// An author for [`CitationBuilder`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Author {
    name: String,
    affiliation: Option<String>,
    identifier_scheme: Option<String>,
    identifier: Option<String>,
}

impl Author {
    /// An author by name (`"Family, Given"`).
    pub fn new(name: impl Into<String>) -> Self {
        Author {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Affiliation.
    pub fn affiliation(mut self, a: impl Into<String>) -> Self {
        self.affiliation = Some(a.into());
        self
    }

    /// An identifier with its scheme (`ORCID`, `ROR`, `ISNI`, ...).
    pub fn identifier(mut self, scheme: impl Into<String>, id: impl Into<String>) -> Self {
        self.identifier_scheme = Some(scheme.into());
        self.identifier = Some(id.into());
        self
    }

    /// An ORCID iD.
    pub fn orcid(self, id: impl Into<String>) -> Self {
        self.identifier("ORCID", id)
    }

    fn children(&self) -> Vec<DatasetField> {
        let mut c = vec![DatasetField::primitive("authorName", &self.name)];
        if let Some(a) = &self.affiliation {
            c.push(DatasetField::primitive("authorAffiliation", a));
        }
        if let Some(s) = &self.identifier_scheme {
            c.push(DatasetField::vocabulary("authorIdentifierScheme", s));
        }
        if let Some(i) = &self.identifier {
            c.push(DatasetField::primitive("authorIdentifier", i));
        }
        c
    }
}

/// A builder for the common citation fields of a [`DatasetCreateBody`]; any other field
/// of any block can be added with [`field`](Self::field).
#[derive(Debug, Clone, Default)]
pub struct CitationBuilder {
    title: String,
    subtitle: Option<String>,
    authors: Vec<Author>,
    contacts: Vec<(Option<String>, String)>,
    descriptions: Vec<(String, Option<String>)>,
    subjects: Vec<String>,
    keywords: Vec<String>,
    production_date: Option<String>,
    distribution_date: Option<String>,
    license: Option<String>,
    extra: Vec<(String, DatasetField)>,
}

impl CitationBuilder {
    /// Start with the title.
    pub fn new(title: impl Into<String>) -> Self {
        CitationBuilder {
            title: title.into(),
            ..Default::default()
        }
    }

    /// Subtitle.
    pub fn subtitle(mut self, s: impl Into<String>) -> Self {
        self.subtitle = Some(s.into());
        self
    }

    /// Add an author.
    pub fn author(mut self, a: Author) -> Self {
        self.authors.push(a);
        self
    }

    /// Add a contact (name and e-mail).
    pub fn contact(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.contacts.push((Some(name.into()), email.into()));
        self
    }

    /// Add a description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.descriptions.push((text.into(), None));
        self
    }

    /// Add a description with its date (`YYYY-MM-DD`).
    pub fn description_dated(mut self, text: impl Into<String>, date: impl Into<String>) -> Self {
        self.descriptions.push((text.into(), Some(date.into())));
        self
    }

    /// Add a subject (from the citation block's vocabulary).
    pub fn subject(mut self, s: impl Into<String>) -> Self {
        self.subjects.push(s.into());
        self
    }

    /// Add a keyword.
    pub fn keyword(mut self, k: impl Into<String>) -> Self {
        self.keywords.push(k.into());
        self
    }

    /// Production date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub fn production_date(mut self, d: impl Into<String>) -> Self {
        self.production_date = Some(d.into());
        self
    }

    /// Distribution date.
    pub fn distribution_date(mut self, d: impl Into<String>) -> Self {
        self.distribution_date = Some(d.into());
        self
    }

    /// License by name.
    pub fn license(mut self, name: impl Into<String>) -> Self {
        self.license = Some(name.into());
        self
    }

    /// Any other field of any block.
    pub fn field(mut self, block: impl Into<String>, f: DatasetField) -> Self {
        self.extra.push((block.into(), f));
        self
    }

    /// The body.
    pub fn build(self) -> DatasetCreateBody {
        let mut body = DatasetCreateBody::new();
        body.set_field("citation", DatasetField::primitive("title", self.title));
        if let Some(s) = self.subtitle {
            body.set_field("citation", DatasetField::primitive("subtitle", s));
        }
        if !self.authors.is_empty() {
            body.set_field(
                "citation",
                DatasetField::compound_multiple(
                    "author",
                    self.authors.iter().map(Author::children),
                ),
            );
        }
        if !self.contacts.is_empty() {
            let values = self.contacts.into_iter().map(|(name, email)| {
                let mut c = Vec::new();
                if let Some(n) = name {
                    c.push(DatasetField::primitive("datasetContactName", n));
                }
                c.push(DatasetField::primitive("datasetContactEmail", email));
                c
            });
            body.set_field(
                "citation",
                DatasetField::compound_multiple("datasetContact", values),
            );
        }
        if !self.descriptions.is_empty() {
            let values = self.descriptions.into_iter().map(|(text, date)| {
                let mut c = vec![DatasetField::primitive("dsDescriptionValue", text)];
                if let Some(d) = date {
                    c.push(DatasetField::primitive("dsDescriptionDate", d));
                }
                c
            });
            body.set_field(
                "citation",
                DatasetField::compound_multiple("dsDescription", values),
            );
        }
        if !self.subjects.is_empty() {
            body.set_field(
                "citation",
                DatasetField::vocabulary_multiple("subject", self.subjects),
            );
        }
        if !self.keywords.is_empty() {
            let values = self
                .keywords
                .into_iter()
                .map(|k| vec![DatasetField::primitive("keywordValue", k)]);
            body.set_field(
                "citation",
                DatasetField::compound_multiple("keyword", values),
            );
        }
        if let Some(d) = self.production_date {
            body.set_field("citation", DatasetField::primitive("productionDate", d));
        }
        if let Some(d) = self.distribution_date {
            body.set_field("citation", DatasetField::primitive("distributionDate", d));
        }
        for (block, f) in self.extra {
            body.set_field(&block, f);
        }
        if let Some(l) = self.license {
            body = body.license(l);
        }
        body
    }
}

/// One problem found by [`validate_metadata`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetadataProblem {
    /// Where: `block.field` or `block.field.child`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Check fields against the server's block definitions (from
/// [`NativeApi::get_metadatablocks`](crate::NativeApi::get_metadatablocks) with `full = true`)
/// and return every problem at once: unknown blocks and field names (which Dataverse would
/// silently drop), `multiple` and `typeClass` that do not match the definition, values of the
/// wrong shape, controlled-vocabulary values not in the list, malformed dates, integers and
/// decimals, and (with `check_required`) required fields that are missing.
pub fn validate_metadata(
    blocks: &IndexMap<String, MetadataBlock>,
    fields: &[(&str, &DatasetField)],
    check_required: bool,
) -> Vec<MetadataProblem> {
    let mut problems = Vec::new();
    for (block_name, field) in fields {
        let path = format!("{block_name}.{}", field.type_name);
        let Some(block) = blocks.get(*block_name) else {
            problems.push(MetadataProblem {
                path,
                message: format!("there is no metadata block '{block_name}' on this installation"),
            });
            continue;
        };
        match block.fields.get(&field.type_name) {
            Some(def) => check_field(def, field, &path, &mut problems),
            None => {
                let message = match block.find_field(&field.type_name) {
                    Some(_) => {
                        "is a child field; it belongs inside its compound parent".to_string()
                    }
                    None => format!(
                        "is not a field of block '{block_name}' (Dataverse would silently drop it)"
                    ),
                };
                problems.push(MetadataProblem { path, message });
            }
        }
    }
    if check_required {
        for (block_name, block) in blocks {
            let present: Vec<&DatasetField> = fields
                .iter()
                .filter(|(b, _)| b == block_name)
                .map(|(_, f)| *f)
                .collect();
            // Only the blocks in use, and always citation.
            if present.is_empty() && block_name != "citation" {
                continue;
            }
            for (name, def) in &block.fields {
                if def.is_required != Some(true) {
                    continue;
                }
                match present.iter().find(|f| &f.type_name == name) {
                    None => problems.push(MetadataProblem {
                        path: format!("{block_name}.{name}"),
                        message: "is required".into(),
                    }),
                    Some(f) => {
                        required_children(def, f, &format!("{block_name}.{name}"), &mut problems)
                    }
                }
            }
        }
    }
    problems
}

fn required_children(
    def: &FieldType,
    f: &DatasetField,
    path: &str,
    problems: &mut Vec<MetadataProblem>,
) {
    let Some(children) = &def.child_fields else {
        return;
    };
    let values: Vec<&IndexMap<String, DatasetField>> = match &f.value {
        FieldValue::Compound(m) => vec![m],
        FieldValue::CompoundList(v) => v.iter().collect(),
        _ => return,
    };
    for (i, v) in values.iter().enumerate() {
        for (cname, cdef) in children {
            if cdef.is_required == Some(true) && v.get(cname).is_none_or(|c| is_empty(&c.value)) {
                problems.push(MetadataProblem {
                    path: format!("{path}[{i}].{cname}"),
                    message: "is required".into(),
                });
            }
        }
    }
}

fn is_empty(v: &FieldValue) -> bool {
    match v {
        FieldValue::Single(s) => s.trim().is_empty(),
        FieldValue::Multiple(m) => m.is_empty(),
        FieldValue::Compound(m) => m.is_empty(),
        FieldValue::CompoundList(l) => l.is_empty(),
    }
}

fn check_field(def: &FieldType, f: &DatasetField, path: &str, problems: &mut Vec<MetadataProblem>) {
    let mut push = |message: String| {
        problems.push(MetadataProblem {
            path: path.to_string(),
            message,
        })
    };
    let multiple = def.multiple.unwrap_or(false);
    if let Some(m) = f.multiple
        && m != multiple
    {
        push(format!(
            "`multiple` is {m} but the field is {}",
            if multiple { "multiple" } else { "single" }
        ));
    }
    let class = def.type_class.clone().unwrap_or(TypeClass::Primitive);
    if let Some(tc) = &f.type_class
        && *tc != class
    {
        push(format!(
            "`typeClass` is '{tc}' but the field is '{}'",
            class.as_str()
        ));
    }
    let shape_ok = match (&class, multiple, &f.value) {
        (TypeClass::Compound, true, FieldValue::CompoundList(_)) => true,
        (TypeClass::Compound, false, FieldValue::Compound(_)) => true,
        (TypeClass::Compound, _, _) => false,
        (_, true, FieldValue::Multiple(_)) => true,
        (_, false, FieldValue::Single(_)) => true,
        _ => false,
    };
    if !shape_ok {
        push(format!(
            "the value should be {}",
            match (&class, multiple) {
                (TypeClass::Compound, true) => "a list of compound objects",
                (TypeClass::Compound, false) => "one compound object",
                (_, true) => "a list of strings",
                (_, false) => "a string",
            }
        ));
        return;
    }
    match &f.value {
        FieldValue::Single(s) => check_value(def, s, path, problems),
        FieldValue::Multiple(list) => {
            for s in list {
                check_value(def, s, path, problems);
            }
        }
        FieldValue::Compound(m) => check_children(def, m, path, problems),
        FieldValue::CompoundList(list) => {
            for (i, m) in list.iter().enumerate() {
                check_children(def, m, &format!("{path}[{i}]"), problems);
            }
        }
    }
}

fn check_children(
    def: &FieldType,
    values: &IndexMap<String, DatasetField>,
    path: &str,
    problems: &mut Vec<MetadataProblem>,
) {
    let children = def.child_fields.as_ref();
    for (key, child) in values {
        let cpath = format!("{path}.{key}");
        if key != &child.type_name {
            problems.push(MetadataProblem {
                path: cpath.clone(),
                message: format!("is keyed '{key}' but its typeName is '{}'", child.type_name),
            });
        }
        match children.and_then(|c| c.get(&child.type_name)) {
            Some(cdef) => check_field(cdef, child, &cpath, problems),
            None => problems.push(MetadataProblem {
                path: cpath,
                message: format!("is not a child of '{}'", def.name),
            }),
        }
    }
}

fn check_value(def: &FieldType, value: &str, path: &str, problems: &mut Vec<MetadataProblem>) {
    let mut push = |message: String| {
        problems.push(MetadataProblem {
            path: path.to_string(),
            message,
        })
    };
    if def.is_controlled_vocabulary == Some(true)
        && let Some(allowed) = &def.controlled_vocabulary_values
        && !allowed.iter().any(|a| a == value)
    {
        let hint = allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(value))
            .map(|a| format!(" (did you mean '{a}'?)"))
            .unwrap_or_default();
        push(format!(
            "'{value}' is not in the controlled vocabulary{hint}"
        ));
        return;
    }
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    match &def.field_type {
        Some(FieldInputType::Date) if !is_dataverse_date(v) => push(format!(
            "'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        )),
        Some(FieldInputType::Int) if v.parse::<i64>().is_err() => {
            push(format!("'{value}' is not an integer"))
        }
        Some(FieldInputType::Float) if v.parse::<f64>().is_err() => {
            push(format!("'{value}' is not a number"))
        }
        Some(FieldInputType::Email) if !v.contains('@') || v.contains(char::is_whitespace) => {
            push(format!("'{value}' is not an e-mail address"))
        }
        _ => {}
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
fn is_dataverse_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
                return false;
            }
            let (year, month, day) = (
                y.parse::<u32>().unwrap_or(0),
                m.parse::<u32>().unwrap_or(0),
                d.parse::<u32>().unwrap_or(0),
            );
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            (1..=days).contains(&day)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in ["2024", "2024-02", "2024-02-29", "2023-12-31"] {
            assert!(is_dataverse_date(ok), "{ok}");
        }
        for bad in [
            "24",
            "2024-13",
            "2023-02-29",
            "2024-1-1",
            "2024/01/01",
            "2024-01-32",
            "abcd",
        ] {
            assert!(!is_dataverse_date(bad), "{bad}");
        }
    }

    #[test]
    fn builder_builds_wire_fields() {
        let body = CitationBuilder::new("T")
            .author(Author::new("A, B").affiliation("U").orcid("0000-0001"))
            .contact("A, B", "a@b.org")
            .description("D")
            .subject("Chemistry")
            .keyword("k1")
            .keyword("k2")
            .production_date("2020")
            .license("CC0 1.0")
            .build();
        let v = serde_json::to_value(&body).unwrap();
        let fields = v["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
            .as_array()
            .unwrap();
        let by = |n: &str| fields.iter().find(|f| f["typeName"] == n).unwrap().clone();
        assert_eq!(by("title")["value"], "T");
        assert_eq!(
            by("author")["value"][0]["authorIdentifierScheme"]["typeClass"],
            "controlledVocabulary"
        );
        assert_eq!(by("author")["value"][0]["authorName"]["value"], "A, B");
        assert_eq!(by("subject")["value"], serde_json::json!(["Chemistry"]));
        assert_eq!(by("keyword")["value"][1]["keywordValue"]["value"], "k2");
        assert_eq!(v["datasetVersion"]["license"], "CC0 1.0");
    }

    #[test]
    fn edit_body_accepts_both_forms() {
        let wrapped: EditMetadataBody =
            serde_json::from_str(r#"{"fields":[{"typeName":"subject","value":["Chemistry"]}]}"#)
                .unwrap();
        assert_eq!(wrapped.fields.len(), 1);
        let single: EditMetadataBody =
            serde_json::from_str(r#"{"typeName":"title","value":"New"}"#).unwrap();
        assert_eq!(single.fields[0].value.as_str(), Some("New"));
    }
}
