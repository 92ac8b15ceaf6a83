//! Models of `GET /api/search`: a page of results ([`SearchPage`]) and its items
//! ([`SearchItem`]: a collection, a dataset or a file).
//!
//! The keys are Dataverse's own, a mix of `snake_case` and `camelCase` (`global_id`,
//! `citationHtml`, `file_content_type`, `fileCount`). Items from older installations
//! (Dataverse 4.x and 5.x) decode too: every field is optional, numbers sent as strings
//! (`"size_in_bytes": "8361"`) are read as numbers, and a field shaped differently from what
//! this library expects is kept as sent in `extra` instead of failing the call.

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::datasets::{MetadataBlockValues, VersionState};
use super::files::Checksum;
use super::{Extra, string_enum};

string_enum! {
    /// A publication status of a search item (`publicationStatuses`); a draft of an
    /// unpublished dataset has two: `Unpublished` and `Draft`.
    PublicationStatus {
        /// Published.
        Published = "Published",
        /// Never published.
        Unpublished = "Unpublished",
        /// A draft version.
        Draft = "Draft",
        /// Submitted for review.
        InReview = "In Review",
        /// Withdrawn.
        Deaccessioned = "Deaccessioned",
    }
}

/// Tolerant field decoding: a value of the wrong shape becomes `None` (and is kept in
/// `extra` by [`decode_keeping_raw`]) instead of failing the whole response.
mod lenient {
    use super::*;

    /// The value as `T`, else (for a string holding a number or a boolean, or a float with
    /// an integral value) the value read as that number or boolean, else `None`.
    pub(super) fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: DeserializeOwned,
    {
        let value = Value::deserialize(d)?;
        Ok(convert(&value))
    }

    /// [`opt`] on a value already read.
    pub(super) fn convert<T: DeserializeOwned>(value: &Value) -> Option<T> {
        if value.is_null() {
            return None;
        }
        if let Ok(t) = T::deserialize(value) {
            return Some(t);
        }
        let retry = match value {
            Value::String(s) => {
                let s = s.trim();
                if let Ok(n) = s.parse::<u64>() {
                    Value::from(n)
                } else if let Ok(n) = s.parse::<i64>() {
                    Value::from(n)
                } else if let Ok(b) = s.parse::<bool>() {
                    Value::Bool(b)
                } else if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
                {
                    Value::Number(n)
                } else {
                    return None;
                }
            }
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64 => {
                    Value::from(f as u64)
                }
                _ => return None,
            },
            _ => return None,
        };
        T::deserialize(&retry).ok()
    }

    /// An id Dataverse sends as a string (`"file_id": "12"`), written back the same way.
    pub(super) fn id_as_string<S: serde::Serializer>(
        id: &Option<u64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match id {
            Some(n) => s.serialize_str(&n.to_string()),
            None => s.serialize_none(),
        }
    }
}

/// Models whose unknown fields sit in `extra`.
trait WithExtra {
    fn extra_mut(&mut self) -> &mut Extra;
}

/// Decode `raw` (an object) as `T` with lenient fields, then keep in `extra` every key whose
/// value the typed fields could not hold, so nothing the server sent is lost.
/// `tag` names a key the caller writes back itself (an item's `type`).
fn decode_keeping_raw<T>(raw: &Value, tag: Option<&str>) -> Option<T>
where
    T: DeserializeOwned + Serialize + WithExtra,
{
    let object = raw.as_object()?;
    let mut typed = T::deserialize(raw).ok()?;
    if let Some(tag) = tag {
        typed.extra_mut().remove(tag);
    }
    let back = serde_json::to_value(&typed).ok()?;
    let back = back.as_object()?;
    let dropped: Vec<(String, Value)> = object
        .iter()
        .filter(|(k, _)| Some(k.as_str()) != tag && !back.contains_key(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    typed.extra_mut().extend(dropped);
    Some(typed)
}

/// Declares a search item struct: every field optional, decoded leniently, skipped when
/// absent, under its wire key; unknown keys kept in `extra`.
macro_rules! search_struct {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $wire:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    rename = $wire,
                    default,
                    deserialize_with = "lenient::opt",
                    skip_serializing_if = "Option::is_none"
                )]
                pub $field: Option<$ty>,
            )+
            /// Fields this library does not know, and fields of an unexpected shape, as sent.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl WithExtra for $name {
            fn extra_mut(&mut self) -> &mut Extra {
                &mut self.extra
            }
        }
    };
}

/// Highlighted snippets of one matching field (`show_relevance`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MatchSnippets {
    /// HTML snippets, the match wrapped in `<span class="search-term-match">`.
    #[serde(default)]
    pub snippets: Vec<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `matches`: the field's name and its snippets (`{"title": {"snippets": [..]}}`).
pub type SearchMatch = IndexMap<String, MatchSnippets>;

search_struct! {
    /// A dataset contact as search shows it.
    SearchContact {
        /// Name.
        name: String = "name",
        /// Affiliation (often empty).
        affiliation: String = "affiliation",
    }
}

search_struct! {
    /// A related publication of a dataset.
    SearchPublication {
        /// Title.
        title: String = "title",
        /// Citation text.
        citation: String = "citation",
        /// URL.
        url: String = "url",
    }
}

search_struct! {
    /// One geographic coverage entry of a dataset.
    GeographicCoverage {
        /// Country.
        country: String = "country",
        /// State or province.
        state: String = "state",
        /// City.
        city: String = "city",
        /// Other.
        other: String = "other",
    }
}

search_struct! {
    /// A collection a dataset is linked into (`show_collections`).
    SearchCollectionRef {
        /// Database id.
        id: u64 = "id",
        /// Name.
        name: String = "name",
        /// Alias.
        alias: String = "alias",
    }
}

search_struct! {
    /// A collection (`"type": "dataverse"`) in search results.
    SearchCollection {
        /// Name.
        name: String = "name",
        /// Page URL (`https://host/dataverse/{alias}`).
        url: String = "url",
        /// Card image URL.
        image_url: String = "image_url",
        /// Alias.
        identifier: String = "identifier",
        /// Description.
        description: String = "description",
        /// Publication time (absent while unpublished).
        published_at: String = "published_at",
        /// Publication statuses.
        publication_statuses: Vec<PublicationStatus> = "publicationStatuses",
        /// Affiliation.
        affiliation: String = "affiliation",
        /// The parent collection's name.
        parent_dataverse_name: String = "parentDataverseName",
        /// The parent collection's alias.
        parent_dataverse_identifier: String = "parentDataverseIdentifier",
        /// Datasets inside (newer servers).
        dataset_count: u64 = "datasetCount",
        /// Database id (`show_entity_ids`).
        entity_id: u64 = "entity_id",
        /// Matching fields (`show_relevance`).
        matches: Vec<SearchMatch> = "matches",
        /// Relevance score (`show_relevance`).
        score: f64 = "score",
        /// API URL (`show_api_urls`).
        api_url: String = "api_url",
    }
}

search_struct! {
    /// A dataset (`"type": "dataset"`) in search results.
    SearchDataset {
        /// Title.
        name: String = "name",
        /// Persistent URL (`https://doi.org/...`).
        url: String = "url",
        /// Card image URL.
        image_url: String = "image_url",
        /// PID (`doi:10.5072/FK2/ABC`).
        global_id: String = "global_id",
        /// Description.
        description: String = "description",
        /// Publication time (absent for a draft).
        published_at: String = "published_at",
        /// The name of the collection it is in.
        publisher: String = "publisher",
        /// Citation as HTML.
        citation_html: String = "citationHtml",
        /// Alias of the collection it is in.
        identifier_of_dataverse: String = "identifier_of_dataverse",
        /// Name of the collection it is in.
        name_of_dataverse: String = "name_of_dataverse",
        /// Citation as text.
        citation: String = "citation",
        /// Publication statuses.
        publication_statuses: Vec<PublicationStatus> = "publicationStatuses",
        /// Storage identifier (`file://10.5072/FK2/ABC`).
        storage_identifier: String = "storageIdentifier",
        /// Keywords.
        keywords: Vec<String> = "keywords",
        /// Subjects.
        subjects: Vec<String> = "subjects",
        /// Number of files.
        file_count: u64 = "fileCount",
        /// Database id of the version found.
        version_id: u64 = "versionId",
        /// State of the version found.
        version_state: VersionState = "versionState",
        /// Major version number (absent for a draft).
        major_version: u64 = "majorVersion",
        /// Minor version number (absent for a draft).
        minor_version: u64 = "minorVersion",
        /// Creation time.
        created_at: String = "createdAt",
        /// Last modification time.
        updated_at: String = "updatedAt",
        /// Contacts.
        contacts: Vec<SearchContact> = "contacts",
        /// Related publications.
        publications: Vec<SearchPublication> = "publications",
        /// Producers.
        producers: Vec<String> = "producers",
        /// Related material.
        related_material: Vec<String> = "relatedMaterial",
        /// Geographic coverage.
        geographic_coverage: Vec<GeographicCoverage> = "geographicCoverage",
        /// Data sources.
        data_sources: Vec<String> = "dataSources",
        /// The fields asked for with `metadata_fields`, by block name.
        metadata_blocks: IndexMap<String, MetadataBlockValues> = "metadataBlocks",
        /// Collections it is linked into (`show_collections`).
        collections: Vec<SearchCollectionRef> = "collections",
        /// Author names.
        authors: Vec<String> = "authors",
        /// Why it was deaccessioned.
        deaccession_reason: String = "deaccession_reason",
        /// Database id (`show_entity_ids`).
        entity_id: u64 = "entity_id",
        /// Matching fields (`show_relevance`).
        matches: Vec<SearchMatch> = "matches",
        /// Relevance score (`show_relevance`).
        score: f64 = "score",
        /// API URL (`show_api_urls`).
        api_url: String = "api_url",
    }
}

search_struct! {
    /// A file (`"type": "file"`) in search results.
    SearchFile {
        /// File name.
        name: String = "name",
        /// Download URL (`https://host/api/access/datafile/{id}`).
        url: String = "url",
        /// Thumbnail URL.
        image_url: String = "image_url",
        /// Database id (a string on the wire, written back as one).
        #[serde(serialize_with = "lenient::id_as_string")]
        file_id: u64 = "file_id",
        /// Description.
        description: String = "description",
        /// Publication time (absent for a draft).
        published_at: String = "published_at",
        /// Friendly type (`PNG Image`).
        file_type: String = "file_type",
        /// MIME type.
        file_content_type: String = "file_content_type",
        /// Size in bytes.
        size_in_bytes: u64 = "size_in_bytes",
        /// MD5 digest (only when the checksum is MD5; the only checksum of 4.x servers).
        md5: String = "md5",
        /// Checksum.
        checksum: Checksum = "checksum",
        /// UNF of a tabular file.
        unf: String = "unf",
        /// The file's PID.
        file_persistent_id: String = "file_persistent_id",
        /// Title of its dataset.
        dataset_name: String = "dataset_name",
        /// Database id of its dataset (a string on the wire, written back as one).
        #[serde(serialize_with = "lenient::id_as_string")]
        dataset_id: u64 = "dataset_id",
        /// PID of its dataset.
        dataset_persistent_id: String = "dataset_persistent_id",
        /// Citation of its dataset.
        dataset_citation: String = "dataset_citation",
        /// Whether access is restricted.
        restricted: bool = "restricted",
        /// Whether the caller may download it.
        can_download_file: bool = "canDownloadFile",
        /// Categories (tags).
        categories: Vec<String> = "categories",
        /// Tabular tags.
        tabular_tags: Vec<String> = "tabularTags",
        /// Number of variables of a tabular file.
        variables: u64 = "variables",
        /// Number of observations of a tabular file.
        observations: u64 = "observations",
        /// Publication statuses.
        publication_statuses: Vec<PublicationStatus> = "publicationStatuses",
        /// Publication time, or creation time of a draft file.
        release_or_create_date: String = "releaseOrCreateDate",
        /// Why its dataset was deaccessioned.
        deaccession_reason: String = "deaccession_reason",
        /// Database id (`show_entity_ids`).
        entity_id: u64 = "entity_id",
        /// Matching fields (`show_relevance`).
        matches: Vec<SearchMatch> = "matches",
        /// Relevance score (`show_relevance`).
        score: f64 = "score",
        /// API URL (`show_api_urls`).
        api_url: String = "api_url",
    }
}

/// One search result.
///
/// Serialized back with its `"type"`, the way the server sent it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum SearchItem {
    /// `"type": "dataverse"`.
    #[serde(rename = "dataverse")]
    Collection(Box<SearchCollection>),
    /// `"type": "dataset"`.
    #[serde(rename = "dataset")]
    Dataset(Box<SearchDataset>),
    /// `"type": "file"`.
    #[serde(rename = "file")]
    File(Box<SearchFile>),
    /// An item of a type this library does not know (or not an object), kept whole.
    #[serde(untagged)]
    Other(Value),
}

impl<'de> Deserialize<'de> for SearchItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SearchItem::from_value(Value::deserialize(d)?))
    }
}

impl SearchItem {
    /// Decode one item as the server sent it; never fails (an unknown type, or an item
    /// that is not an object, becomes [`SearchItem::Other`]).
    pub fn from_value(raw: Value) -> Self {
        let decoded = match raw.get("type").and_then(Value::as_str) {
            Some("dataverse") => {
                decode_keeping_raw(&raw, Some("type")).map(|c| SearchItem::Collection(Box::new(c)))
            }
            Some("dataset") => {
                decode_keeping_raw(&raw, Some("type")).map(|d| SearchItem::Dataset(Box::new(d)))
            }
            Some("file") => {
                decode_keeping_raw(&raw, Some("type")).map(|f| SearchItem::File(Box::new(f)))
            }
            _ => None,
        };
        decoded.unwrap_or(SearchItem::Other(raw))
    }

    /// The wire type: `dataverse`, `dataset`, `file`, or what an unknown item says.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            SearchItem::Collection(_) => Some("dataverse"),
            SearchItem::Dataset(_) => Some("dataset"),
            SearchItem::File(_) => Some("file"),
            SearchItem::Other(v) => v.get("type").and_then(Value::as_str),
        }
    }

    /// Collection name, dataset title or file name.
    pub fn name(&self) -> Option<&str> {
        match self {
            SearchItem::Collection(c) => c.name.as_deref(),
            SearchItem::Dataset(d) => d.name.as_deref(),
            SearchItem::File(f) => f.name.as_deref(),
            SearchItem::Other(v) => v.get("name").and_then(Value::as_str),
        }
    }

    /// The item's URL (collection page, persistent URL, download URL).
    pub fn url(&self) -> Option<&str> {
        match self {
            SearchItem::Collection(c) => c.url.as_deref(),
            SearchItem::Dataset(d) => d.url.as_deref(),
            SearchItem::File(f) => f.url.as_deref(),
            SearchItem::Other(v) => v.get("url").and_then(Value::as_str),
        }
    }

    /// Publication time (absent for unpublished and draft items).
    pub fn published_at(&self) -> Option<&str> {
        match self {
            SearchItem::Collection(c) => c.published_at.as_deref(),
            SearchItem::Dataset(d) => d.published_at.as_deref(),
            SearchItem::File(f) => f.published_at.as_deref(),
            SearchItem::Other(v) => v.get("published_at").and_then(Value::as_str),
        }
    }

    /// The database id, when the search asked for `show_entity_ids`.
    pub fn entity_id(&self) -> Option<u64> {
        match self {
            SearchItem::Collection(c) => c.entity_id,
            SearchItem::Dataset(d) => d.entity_id,
            SearchItem::File(f) => f.entity_id,
            SearchItem::Other(v) => v.get("entity_id").and_then(lenient::convert),
        }
    }

    /// How to name the item to other commands: a collection's alias, a dataset's PID, a
    /// file's PID or else its database id.
    pub fn identifier(&self) -> Option<String> {
        match self {
            SearchItem::Collection(c) => c.identifier.clone(),
            SearchItem::Dataset(d) => d.global_id.clone(),
            SearchItem::File(f) => f
                .file_persistent_id
                .clone()
                .filter(|p| !p.is_empty())
                .or_else(|| f.file_id.map(|n| n.to_string())),
            SearchItem::Other(v) => v
                .get("global_id")
                .or_else(|| v.get("identifier"))
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }

    /// What makes two results the same entity, for paging without duplicates: the
    /// `entity_id` when the server sent one, else the type with the dataset's PID, the
    /// file's id or PID, or the collection's alias. `None` when the item names none of them.
    pub fn dedupe_key(&self) -> Option<String> {
        if let Some(id) = self.entity_id() {
            return Some(format!("entity:{id}"));
        }
        let kind = self.type_name().unwrap_or("?");
        let id = match self {
            SearchItem::File(f) => f
                .file_id
                .map(|n| n.to_string())
                .or_else(|| f.file_persistent_id.clone()),
            SearchItem::Other(v) => {
                return Some(format!("other:{v}"));
            }
            _ => self.identifier(),
        }?;
        Some(format!("{kind}:{id}"))
    }
}

/// One facet field of `facets`: its display name and the counts of its values.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchFacet {
    /// Display name (`Subject`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly: Option<String>,
    /// `[{"value": count}, ...]`, most frequent first.
    #[serde(default)]
    pub labels: Vec<IndexMap<String, u64>>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl SearchFacet {
    /// The `(value, count)` pairs in the server's order.
    pub fn counts(&self) -> impl Iterator<Item = (&str, u64)> {
        self.labels
            .iter()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), *v)))
    }
}

/// One page of `GET /api/search`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SearchPage {
    /// The query as the server read it.
    pub q: String,
    /// Results in all, across pages.
    pub total_count: u64,
    /// Offset of this page's first item.
    pub start: u64,
    /// Suggestions by query term (`{"trees": "[tree]"}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spelling_alternatives: Option<IndexMap<String, String>>,
    /// The results of this page.
    pub items: Vec<SearchItem>,
    /// Facet counts (`show_facets`): a one-element list of facet fields by Solr name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Vec<IndexMap<String, SearchFacet>>>,
    /// Items on this page.
    pub count_in_response: u64,
    /// Results per type (`show_type_counts`): `Dataverses`, `Datasets`, `Files`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count_per_object_type: Option<IndexMap<String, u64>>,
    /// Fields this library does not know, and fields of an unexpected shape, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A page without its items, decoded leniently (see [`decode_keeping_raw`]).
#[derive(Serialize, Deserialize)]
struct PageHead {
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    q: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    total_count: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    start: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    spelling_alternatives: Option<IndexMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    facets: Option<Vec<IndexMap<String, SearchFacet>>>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    count_in_response: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt",
        skip_serializing_if = "Option::is_none"
    )]
    total_count_per_object_type: Option<IndexMap<String, u64>>,
    #[serde(flatten)]
    extra: Extra,
}

impl WithExtra for PageHead {
    fn extra_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
}

impl<'de> Deserialize<'de> for SearchPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut raw = Value::deserialize(d)?;
        let Some(object) = raw.as_object_mut() else {
            return Err(serde::de::Error::custom("a search page is a JSON object"));
        };
        let mut items = Vec::new();
        let mut odd_items = None;
        match object.remove("items") {
            Some(Value::Array(list)) => {
                items = list.into_iter().map(SearchItem::from_value).collect()
            }
            Some(other) => odd_items = Some(other),
            None => {}
        }
        let mut head: PageHead = decode_keeping_raw(&raw, None)
            .ok_or_else(|| serde::de::Error::custom("a search page is a JSON object"))?;
        if let Some(other) = odd_items {
            head.extra.insert("items".into(), other);
        }
        Ok(SearchPage {
            q: head.q.unwrap_or_default(),
            total_count: head.total_count.unwrap_or(0),
            start: head.start.unwrap_or(0),
            spelling_alternatives: head.spelling_alternatives,
            items,
            facets: head.facets,
            count_in_response: head.count_in_response.unwrap_or(0),
            total_count_per_object_type: head.total_count_per_object_type,
            extra: head.extra,
        })
    }
}

impl SearchPage {
    /// Every facet field, by Solr name (`subject_ss`), in the server's order.
    pub fn facet_fields(&self) -> impl Iterator<Item = (&str, &SearchFacet)> {
        self.facets
            .iter()
            .flatten()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_as_strings_and_wrong_shapes_are_tolerated_and_kept() {
        let raw = json!({
            "type": "file", "name": "a.csv", "file_id": "12", "size_in_bytes": "8361",
            "dataset_id": 32, "checksum": "not an object", "restricted": "false",
            "entity_id": 12.0, "brand_new": [1, 2]
        });
        let SearchItem::File(f) = SearchItem::from_value(raw.clone()) else {
            panic!("not a file");
        };
        assert_eq!(f.file_id, Some(12));
        assert_eq!(f.size_in_bytes, Some(8361));
        assert_eq!(f.dataset_id, Some(32));
        assert_eq!(f.restricted, Some(false));
        assert_eq!(f.entity_id, Some(12));
        assert_eq!(f.checksum, None);
        assert_eq!(f.extra.get("checksum"), Some(&json!("not an object")));
        assert_eq!(f.extra.get("brand_new"), Some(&json!([1, 2])));
        assert!(!f.extra.contains_key("type"));
        let back = serde_json::to_value(SearchItem::File(f)).unwrap();
        assert_eq!(back["type"], "file");
        assert_eq!(back["file_id"], "12");
        assert_eq!(back["dataset_id"], "32");
        assert_eq!(back["size_in_bytes"], 8361);
        assert_eq!(back["checksum"], "not an object");
    }

    #[test]
    fn unknown_types_and_non_objects_are_kept_whole() {
        for raw in [
            json!({"type": "tool", "name": "x"}),
            json!("text"),
            json!({}),
        ] {
            assert_eq!(
                SearchItem::from_value(raw.clone()),
                SearchItem::Other(raw.clone())
            );
        }
        let item = SearchItem::from_value(json!({"type": "tool", "name": "x", "entity_id": "4"}));
        assert_eq!(item.type_name(), Some("tool"));
        assert_eq!(item.name(), Some("x"));
        assert_eq!(item.dedupe_key().as_deref(), Some("entity:4"));
    }

    #[test]
    fn dedupe_keys() {
        let key = |v: Value| SearchItem::from_value(v).dedupe_key();
        assert_eq!(
            key(json!({"type": "dataset", "global_id": "doi:1/A", "entity_id": 7})),
            Some("entity:7".into())
        );
        assert_eq!(
            key(json!({"type": "dataset", "global_id": "doi:1/A"})),
            Some("dataset:doi:1/A".into())
        );
        assert_eq!(
            key(json!({"type": "file", "file_id": "12", "file_persistent_id": "doi:1/A/B"})),
            Some("file:12".into())
        );
        assert_eq!(
            key(json!({"type": "dataverse", "identifier": "birds"})),
            Some("dataverse:birds".into())
        );
        assert_eq!(key(json!({"type": "dataset", "name": "no pid"})), None);
    }

    #[test]
    fn a_page_with_odd_fields_still_decodes() {
        let page: SearchPage = serde_json::from_value(json!({
            "q": "x", "total_count": "3", "start": 0, "spelling_alternatives": [],
            "items": [{"type": "dataset", "global_id": "doi:1/A"}, 5],
            "facets": "none", "count_in_response": 2
        }))
        .unwrap();
        assert_eq!(page.total_count, 3);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1], SearchItem::Other(json!(5)));
        assert_eq!(page.facets, None);
        assert_eq!(page.extra.get("facets"), Some(&json!("none")));
        assert_eq!(page.spelling_alternatives, None);
        assert_eq!(page.extra.get("spelling_alternatives"), Some(&json!([])));
    }
}
