//! Metadata blocks parsed from the vendored Dataverse TSVs, and their JSON forms
//! (`JsonPrinter.json(MetadataBlock)`, `json(DatasetFieldType)`, `BriefJsonPrinter`).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::Error;
use crate::store::collection_setup::CollectionSetup;

/// The block TSVs in Dataverse's load order (`setup-datasetfields.sh`): (file name, contents).
const TSVS: [(&str, &str); 7] = [
    ("citation.tsv", include_str!("../data/citation.tsv")),
    ("geospatial.tsv", include_str!("../data/geospatial.tsv")),
    (
        "social_science.tsv",
        include_str!("../data/social_science.tsv"),
    ),
    ("astrophysics.tsv", include_str!("../data/astrophysics.tsv")),
    ("biomedical.tsv", include_str!("../data/biomedical.tsv")),
    ("journals.tsv", include_str!("../data/journals.tsv")),
    ("3d_objects.tsv", include_str!("../data/3d_objects.tsv")),
];

/// One dataset field type (a `#datasetField` row).
#[derive(Debug, Clone)]
pub(crate) struct FieldType {
    /// Database id (sequential in load order, from 1).
    pub id: i64,
    pub name: String,
    pub title: String,
    pub description: String,
    pub watermark: String,
    /// Upper-case field type (`TEXT`, `NONE`, ...).
    pub field_type: String,
    pub display_order: i64,
    pub display_format: String,
    pub advanced_search: bool,
    pub allow_cv: bool,
    pub multiple: bool,
    /// Whether the field can be a search facet (its values are indexed as facet values).
    pub facetable: bool,
    pub display_on_create: bool,
    pub required: bool,
    /// Name of the parent compound field.
    pub parent: Option<String>,
    /// Controlled vocabulary values, in display order.
    pub cv_values: Vec<String>,
    /// Indices (into the block's `fields`) of child fields, in display order.
    pub children: Vec<usize>,
    /// The `termURI` of the field, when the TSV gives one (its JSON-LD term).
    pub uri: Option<String>,
}

/// One metadata block.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    /// The block's JSON-LD namespace (`blockURI`): the term of a field without a
    /// `termURI` is this followed by the field's name.
    pub namespace: String,
    /// All field types in file order.
    pub fields: Vec<FieldType>,
    /// Indices of top-level fields, in display order.
    pub top_level: Vec<usize>,
}

/// All blocks, in load order.
#[derive(Debug, Clone)]
pub(crate) struct Blocks {
    pub blocks: Vec<Block>,
}

fn parse_bool(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("true")
}

impl Blocks {
    /// Parse the vendored TSVs.
    pub(crate) fn load() -> Result<Blocks, Error> {
        let mut blocks = Vec::new();
        let mut next_field_id = 1;
        for (i, (file, text)) in TSVS.iter().enumerate() {
            let block = parse_tsv(file, text, i as i64 + 1, &mut next_field_id)?;
            blocks.push(block);
        }
        Ok(Blocks { blocks })
    }

    /// Find by numeric id or by name (Dataverse's `findMetadataBlock`).
    pub(crate) fn find(&self, id_or_name: &str) -> Option<&Block> {
        if let Ok(id) = id_or_name.parse::<i64>() {
            return self.blocks.iter().find(|b| b.id == id);
        }
        self.blocks.iter().find(|b| b.name == id_or_name)
    }

    /// A field type by name in any block: the block and the field's index in it.
    pub(crate) fn field_anywhere(&self, name: &str) -> Option<(&Block, usize)> {
        self.blocks
            .iter()
            .find_map(|b| b.fields.iter().position(|f| f.name == name).map(|i| (b, i)))
    }

    /// Every facetable field type with a title, in id order, as `json(DatasetFieldType)`
    /// prints each (`DatasetFieldType.findAllFacetable`, `GET /api/datasetfields/facetables`).
    pub(crate) fn facetables_json(&self) -> Value {
        let mut out = Vec::new();
        for b in &self.blocks {
            for (i, f) in b.fields.iter().enumerate() {
                if f.facetable && !f.title.is_empty() {
                    out.push((f.id, b.field_json(i, None)));
                }
            }
        }
        out.sort_by_key(|(id, _)| *id);
        Value::Array(out.into_iter().map(|(_, v)| v).collect())
    }

    /// A facet with details: `{"id":"<field type id>","displayName":..,"name":..}` (the id
    /// is a string on the wire).
    pub(crate) fn facet_details(&self, name: &str) -> Option<Value> {
        let (b, i) = self.field_anywhere(name)?;
        let f = &b.fields[i];
        Some(json!({
            "id": f.id.to_string(),
            "displayName": b.field_display_name(i),
            "name": f.name,
        }))
    }
}

#[derive(PartialEq)]
enum Section {
    None,
    Block,
    Field,
    Vocab,
}

fn parse_tsv(
    file: &str,
    text: &str,
    block_id: i64,
    next_field_id: &mut i64,
) -> Result<Block, Error> {
    let bad = |line: usize, what: &str| Error::Data(format!("{file}:{line}: {what}"));
    let mut section = Section::None;
    let mut field_cols: HashMap<String, usize> = HashMap::new();
    let mut name: Option<String> = None;
    let mut display_name = String::new();
    let mut namespace = String::new();
    let mut fields: Vec<FieldType> = Vec::new();
    // (field name, value, display order)
    let mut vocab: Vec<(String, String, i64)> = Vec::new();

    for (lineno, raw) in text.lines().enumerate() {
        let lineno = lineno + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let first = cells[0].trim();
        if first.starts_with('#') {
            section = match first {
                "#metadataBlock" => Section::Block,
                "#datasetField" => {
                    field_cols = cells
                        .iter()
                        .enumerate()
                        .skip(1)
                        .map(|(i, c)| (c.trim().to_string(), i))
                        .collect();
                    Section::Field
                }
                "#controlledVocabulary" => Section::Vocab,
                other => return Err(bad(lineno, &format!("unknown section {other}"))),
            };
            continue;
        }
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        match section {
            Section::None => return Err(bad(lineno, "data before any section")),
            // Positional: some headers in the upstream files are space-separated.
            Section::Block => {
                name = Some(cell(1).to_string());
                display_name = cell(3).to_string();
                namespace = cell(4).to_string();
            }
            Section::Field => {
                let col = |n: &str| -> Result<&str, Error> {
                    field_cols
                        .get(n)
                        .map(|&i| cell(i))
                        .ok_or_else(|| bad(lineno, &format!("missing column {n}")))
                };
                let display_order = col("displayOrder")?
                    .parse::<i64>()
                    .map_err(|_| bad(lineno, "bad displayOrder"))?;
                let parent = col("parent")?;
                fields.push(FieldType {
                    id: *next_field_id,
                    name: col("name")?.to_string(),
                    title: col("title")?.to_string(),
                    description: col("description")?.to_string(),
                    watermark: col("watermark")?.to_string(),
                    field_type: col("fieldType")?.to_ascii_uppercase(),
                    display_order,
                    display_format: col("displayFormat")?.to_string(),
                    advanced_search: parse_bool(col("advancedSearchField")?),
                    allow_cv: parse_bool(col("allowControlledVocabulary")?),
                    multiple: parse_bool(col("allowmultiples")?),
                    facetable: parse_bool(col("facetable")?),
                    display_on_create: parse_bool(col("displayoncreate")?),
                    required: parse_bool(col("required")?),
                    parent: (!parent.is_empty()).then(|| parent.to_string()),
                    cv_values: Vec::new(),
                    children: Vec::new(),
                    uri: field_cols
                        .get("termURI")
                        .map(|&i| cell(i))
                        .filter(|u| !u.is_empty())
                        .map(str::to_string),
                });
                *next_field_id += 1;
            }
            Section::Vocab => {
                let order = cell(4).parse::<i64>().unwrap_or(vocab.len() as i64);
                vocab.push((cell(1).to_string(), cell(2).to_string(), order));
            }
        }
    }

    let name = name.ok_or_else(|| Error::Data(format!("{file}: no #metadataBlock row")))?;
    let index: HashMap<String, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), i))
        .collect();

    vocab.sort_by_key(|v| v.2);
    for (field, value, _) in vocab {
        let i = *index
            .get(&field)
            .ok_or_else(|| Error::Data(format!("{file}: vocabulary for unknown field {field}")))?;
        fields[i].cv_values.push(value);
    }

    let mut top_level = Vec::new();
    for i in 0..fields.len() {
        match fields[i].parent.clone() {
            Some(p) => {
                let pi = *index
                    .get(&p)
                    .ok_or_else(|| Error::Data(format!("{file}: unknown parent {p}")))?;
                fields[pi].children.push(i);
            }
            None => top_level.push(i),
        }
    }
    let orders: Vec<i64> = fields.iter().map(|f| f.display_order).collect();
    top_level.sort_by_key(|&i| orders[i]);
    for f in &mut fields {
        f.children.sort_by_key(|&i| orders[i]);
    }

    if namespace.is_empty() {
        // `MetadataBlock.getJsonLDNamespace` without a `namespaceUri`.
        namespace = format!("https://dataverse.org/schema/{name}/");
    }
    Ok(Block {
        id: block_id,
        name,
        display_name,
        namespace,
        fields,
        top_level,
    })
}

impl Block {
    /// `MetadataBlock.isDisplayOnCreate()`: any of its field types is displayed on create.
    pub(crate) fn display_on_create(&self) -> bool {
        self.fields.iter().any(|f| f.display_on_create)
    }

    /// Brief form: `{id, displayName, displayOnCreate, name}`.
    pub(crate) fn brief_json(&self) -> Value {
        json!({
            "id": self.id,
            "displayName": self.display_name,
            "displayOnCreate": self.display_on_create(),
            "name": self.name,
        })
    }

    /// Full form: `{id, name, displayName, displayOnCreate, fields:{name: FieldType}}` with only
    /// top-level fields (children nested). `only_displayed_on_create` keeps fields that are
    /// displayed on create or required.
    pub(crate) fn full_json(&self, only_displayed_on_create: bool) -> Value {
        self.full_json_for(only_displayed_on_create, None)
    }

    /// [`full_json`](Self::full_json) as a collection shows it (`JsonPrinter.json(block,
    /// onlyDisplayedOnCreate, ownerDataverse)`): the collection's own input levels leave out
    /// fields not included, override `displayOnCreate`, and make fields required.
    pub(crate) fn full_json_for(
        &self,
        only_displayed_on_create: bool,
        owner: Option<&CollectionSetup>,
    ) -> Value {
        let mut fields = Map::new();
        for &i in &self.top_level {
            let f = &self.fields[i];
            let level = owner.and_then(|o| o.level(&f.name));
            if level.is_some_and(|l| !l.include) {
                continue;
            }
            let on_create = level
                .and_then(|l| l.display_on_create)
                .unwrap_or(f.display_on_create);
            let level_required = level.is_some_and(|l| l.required);
            if !only_displayed_on_create || on_create || f.required || level_required {
                fields.insert(f.name.clone(), self.field_json(i, owner));
            }
        }
        json!({
            "id": self.id,
            "name": self.name,
            "displayName": self.display_name,
            "displayOnCreate": self.display_on_create(),
            "fields": fields,
        })
    }

    /// `DatasetFieldType.getDisplayName()`: children whose title differs from the parent's
    /// are shown as `"<parent title> <title>"`.
    pub(crate) fn field_display_name(&self, i: usize) -> String {
        let f = &self.fields[i];
        if let Some(p) = f.parent.as_deref().and_then(|p| self.field(p))
            && p.title != f.title
        {
            return format!("{} {}", p.title, f.title);
        }
        f.title.clone()
    }

    /// Field type by name.
    pub(crate) fn field(&self, name: &str) -> Option<&FieldType> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn type_class(&self, f: &FieldType) -> &'static str {
        if f.allow_cv {
            "controlledVocabulary"
        } else if !f.children.is_empty() {
            "compound"
        } else {
            "primitive"
        }
    }

    fn field_json(&self, i: usize, owner: Option<&CollectionSetup>) -> Value {
        let f = &self.fields[i];
        let level = owner.and_then(|o| o.level(&f.name));
        let mut m = Map::new();
        m.insert("name".into(), f.name.clone().into());
        m.insert("displayName".into(), self.field_display_name(i).into());
        m.insert(
            "displayOnCreate".into(),
            level
                .and_then(|l| l.display_on_create)
                .unwrap_or(f.display_on_create)
                .into(),
        );
        m.insert("title".into(), f.title.clone().into());
        m.insert("type".into(), f.field_type.clone().into());
        m.insert("typeClass".into(), self.type_class(f).into());
        m.insert("watermark".into(), f.watermark.clone().into());
        m.insert("description".into(), f.description.clone().into());
        m.insert("multiple".into(), f.multiple.into());
        m.insert("isControlledVocabulary".into(), f.allow_cv.into());
        m.insert("isAdvancedSearchFieldType".into(), f.advanced_search.into());
        m.insert("displayFormat".into(), f.display_format.clone().into());
        m.insert("displayOrder".into(), f.display_order.into());
        m.insert(
            "isRequired".into(),
            (f.required || level.is_some_and(|l| l.required)).into(),
        );
        if f.allow_cv {
            m.insert("controlledVocabularyValues".into(), json!(f.cv_values));
        }
        if !f.children.is_empty() {
            let mut children = Map::new();
            for &c in &f.children {
                let child = &self.fields[c];
                let excluded = owner
                    .and_then(|o| o.level(&child.name))
                    .is_some_and(|l| !l.include);
                if !excluded {
                    children.insert(child.name.clone(), self.field_json(c, owner));
                }
            }
            m.insert("childFields".into(), Value::Object(children));
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_all_blocks() {
        let b = Blocks::load().unwrap();
        let names: Vec<&str> = b.blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "citation",
                "geospatial",
                "socialscience",
                "astrophysics",
                "biomedical",
                "journal",
                "3dobjects"
            ]
        );
        let citation = b.find("citation").unwrap();
        assert_eq!(citation.fields[0].id, 1);
        assert_eq!(citation.field("subject").unwrap().cv_values.len(), 14);
        let astro = b.find("4").unwrap();
        assert_eq!(astro.name, "astrophysics");
        assert_eq!(citation.field("title").unwrap().field_type, "TEXT");
        let author = citation
            .fields
            .iter()
            .position(|f| f.name == "authorName")
            .unwrap();
        assert_eq!(citation.field_display_name(author), "Author Name");
    }
}
