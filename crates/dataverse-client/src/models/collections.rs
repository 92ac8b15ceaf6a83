//! Models of `/api/dataverses/*`: collections, their contents, create and update bodies.

use serde::{Deserialize, Deserializer, Serialize};

use super::datasets::Dataset;
use super::{Extra, string_enum};
use crate::error::{Error, Result};
use crate::ids::validate_alias;

string_enum! {
    /// The kind of a collection (`dataverseType`).
    DataverseType {
        /// Department.
        Department = "DEPARTMENT",
        /// Journal.
        Journals = "JOURNALS",
        /// Laboratory.
        Laboratory = "LABORATORY",
        /// Organization or institution.
        OrganizationsInstitutions = "ORGANIZATIONS_INSTITUTIONS",
        /// Researcher.
        Researchers = "RESEARCHERS",
        /// Research group.
        ResearchGroup = "RESEARCH_GROUP",
        /// Research project.
        ResearchProjects = "RESEARCH_PROJECTS",
        /// Teaching course.
        TeachingCourses = "TEACHING_COURSES",
        /// Uncategorized (Dataverse's default).
        Uncategorized = "UNCATEGORIZED",
    }
}

/// A collection contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataverseContact {
    /// Position in the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_order: Option<i64>,
    /// E-mail address.
    pub contact_email: String,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl DataverseContact {
    /// A contact with just an e-mail address.
    pub fn new(email: impl Into<String>) -> Self {
        DataverseContact {
            display_order: None,
            contact_email: email.into(),
            extra: Extra::new(),
        }
    }
}

impl From<&str> for DataverseContact {
    fn from(email: &str) -> Self {
        DataverseContact::new(email)
    }
}

/// A collection (`GET /api/dataverses/{id}`, WIRE §4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    /// Database id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Affiliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Contacts (omitted by installations that hide e-mail addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_contacts: Option<Vec<DataverseContact>>,
    /// Whether permissions are not inherited from the parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_root: Option<bool>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_type: Option<DataverseType>,
    /// Whether it defines its own metadata blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_metadata_block_root: Option<bool>,
    /// Whether it defines its own facets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_facet_root: Option<bool>,
    /// The parent collection's id (absent for the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<u64>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// Whether it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_released: Option<bool>,
    /// Fields this library does not know (`theme`, `isPartOf`, `inputLevels`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A sub-collection as the contents listing shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionRef {
    /// Database id.
    pub id: u64,
    /// The collection's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `GET /api/dataverses/{id}/contents`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ContentItem {
    /// `{"type":"dataverse","id":..,"title":..}`.
    #[serde(rename = "dataverse")]
    Collection(CollectionRef),
    /// A dataset (Dataset JSON plus `"type":"dataset"`).
    #[serde(rename = "dataset")]
    Dataset(Box<Dataset>),
    /// An entry of a type this library does not know, kept whole.
    #[serde(untagged)]
    Other(serde_json::Value),
}

impl<'de> Deserialize<'de> for ContentItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .map(str::to_string);
        match kind.as_deref() {
            Some("dataverse") => {
                if let Some(o) = value.as_object_mut() {
                    o.remove("type");
                }
                serde_json::from_value(value)
                    .map(ContentItem::Collection)
                    .map_err(serde::de::Error::custom)
            }
            Some("dataset") => {
                if let Some(o) = value.as_object_mut() {
                    o.remove("type");
                }
                serde_json::from_value(value)
                    .map(|d| ContentItem::Dataset(Box::new(d)))
                    .map_err(serde::de::Error::custom)
            }
            _ => Ok(ContentItem::Other(value)),
        }
    }
}

/// Body of `POST /api/dataverses/{parent}` (WIRE §5.1).
///
/// ```
/// use dataverse_client::models::collections::CollectionCreateBody;
/// let body = CollectionCreateBody::new("Research Laboratory", "research-lab", "lab@university.edu")
///     .affiliation("Department of Science");
/// body.validate()?;
/// # Ok::<(), dataverse_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionCreateBody {
    /// Name (required).
    pub name: String,
    /// Alias (required): 1 to 60 of `[A-Za-z0-9_-]`, not all digits.
    pub alias: String,
    /// Contacts (at least one).
    pub dataverse_contacts: Vec<DataverseContact>,
    /// Affiliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Kind (unknown kinds become `UNCATEGORIZED` on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_type: Option<DataverseType>,
    /// Other keys of the create JSON (`permissionRoot`, `metadataBlocks`, `filePIDsEnabled`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl CollectionCreateBody {
    /// A body with the three required fields.
    pub fn new(
        name: impl Into<String>,
        alias: impl Into<String>,
        contact_email: impl Into<String>,
    ) -> Self {
        CollectionCreateBody {
            name: name.into(),
            alias: alias.into(),
            dataverse_contacts: vec![DataverseContact::new(contact_email)],
            affiliation: None,
            description: None,
            dataverse_type: None,
            extra: Extra::new(),
        }
    }

    /// Set the affiliation.
    pub fn affiliation(mut self, a: impl Into<String>) -> Self {
        self.affiliation = Some(a.into());
        self
    }

    /// Set the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Set the kind.
    pub fn dataverse_type(mut self, t: DataverseType) -> Self {
        self.dataverse_type = Some(t);
        self
    }

    /// Add a contact.
    pub fn contact(mut self, email: impl Into<String>) -> Self {
        self.dataverse_contacts.push(DataverseContact::new(email));
        self
    }

    /// Check what the server would reject: empty name, a malformed alias, no contact, a
    /// contact that is not an e-mail address. Every problem is reported at once.
    pub fn validate(&self) -> Result<()> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push("name is required".to_string());
        }
        if let Err(e) = validate_new_alias(&self.alias) {
            problems.push(e);
        }
        problems.extend(contact_problems(&self.dataverse_contacts));
        finish(problems)
    }
}

/// Body of `PUT /api/dataverses/{id}`: only the fields that are set are sent, and only
/// those change on the server.
///
/// ```
/// use dataverse_client::models::collections::UpdateCollection;
/// let update = UpdateCollection { name: Some("Updated Research Laboratory".into()), ..Default::default() };
/// assert_eq!(serde_json::to_value(&update).unwrap(), serde_json::json!({"name": "Updated Research Laboratory"}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCollection {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// New contacts (replace the old ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_contacts: Option<Vec<DataverseContact>>,
    /// New affiliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_type: Option<DataverseType>,
    /// Other keys to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl UpdateCollection {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.alias.is_none()
            && self.dataverse_contacts.is_none()
            && self.affiliation.is_none()
            && self.description.is_none()
            && self.dataverse_type.is_none()
            && self.extra.is_empty()
    }

    /// Check the fields that are set, as [`CollectionCreateBody::validate`] does.
    pub fn validate(&self) -> Result<()> {
        let mut problems = Vec::new();
        if self.is_empty() {
            problems.push("nothing to update".to_string());
        }
        if self.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            problems.push("name must not be empty".to_string());
        }
        if let Some(alias) = &self.alias
            && let Err(e) = validate_new_alias(alias)
        {
            problems.push(e);
        }
        if let Some(contacts) = &self.dataverse_contacts {
            problems.extend(contact_problems(contacts));
        }
        finish(problems)
    }
}

fn validate_new_alias(alias: &str) -> Result<(), String> {
    validate_alias(alias).map_err(|e| match e {
        Error::InvalidArgument(m) => m,
        other => other.to_string(),
    })?;
    if alias.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("collection alias '{alias}' must not be all digits"));
    }
    Ok(())
}

fn contact_problems(contacts: &[DataverseContact]) -> Vec<String> {
    let mut problems = Vec::new();
    if contacts.is_empty() {
        problems.push("at least one contact is required".to_string());
    }
    for c in contacts {
        let e = c.contact_email.trim();
        let valid = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)
        });
        if !valid {
            problems.push(format!(
                "contact '{}' is not an e-mail address",
                c.contact_email
            ));
        }
    }
    problems
}

fn finish(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidArgument(problems.join("; ")))
    }
}

/// A facet with details (`GET /api/dataverses/{id}/facets?returnDetails=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacetDetail {
    /// The field type's id (a string on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Field name.
    pub name: String,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_validation_reports_every_problem() {
        assert!(
            CollectionCreateBody::new("Lab", "lab-1", "a@b.org")
                .validate()
                .is_ok()
        );
        let mut bad = CollectionCreateBody::new(" ", "bad alias", "not-an-email");
        bad.dataverse_contacts.push(DataverseContact::new(""));
        let Err(Error::InvalidArgument(m)) = bad.validate() else {
            panic!()
        };
        assert!(
            m.contains("name is required") && m.contains("alias") && m.contains("not-an-email"),
            "{m}"
        );
        let mut none = CollectionCreateBody::new("Lab", "123", "a@b.org");
        none.dataverse_contacts.clear();
        let Err(Error::InvalidArgument(m)) = none.validate() else {
            panic!()
        };
        assert!(
            m.contains("all digits") && m.contains("at least one contact"),
            "{m}"
        );
        assert!(
            CollectionCreateBody::new("Lab", "a".repeat(61), "a@b.org")
                .validate()
                .is_err()
        );
    }

    #[test]
    fn create_body_matches_the_real_request() {
        let text = r#"{"name":"Scientific Research","alias":"science","dataverseContacts":[{"contactEmail":"pi@example.edu"},{"contactEmail":"student@example.edu"}],"affiliation":"Scientific Research University","description":"We do all the science.","dataverseType":"LABORATORY"}"#;
        let raw: serde_json::Value = serde_json::from_str(text).unwrap();
        let body: CollectionCreateBody = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(body.dataverse_type, Some(DataverseType::Laboratory));
        assert_eq!(serde_json::to_value(&body).unwrap(), raw);
    }

    #[test]
    fn update_sends_only_what_is_set() {
        let u = UpdateCollection {
            description: Some("new".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            serde_json::json!({"description": "new"})
        );
        assert!(u.validate().is_ok());
        assert!(UpdateCollection::default().validate().is_err());
        let u = UpdateCollection {
            dataverse_contacts: Some(vec![]),
            ..Default::default()
        };
        assert!(u.validate().is_err());
    }

    #[test]
    fn contents_items() {
        let items: Vec<ContentItem> = serde_json::from_value(serde_json::json!([
            {"type": "dataverse", "id": 5, "title": "Sub"},
            {"type": "dataset", "id": 7, "identifier": "FK2/ABC", "protocol": "doi", "authority": "10.5072", "separator": "/", "persistentUrl": "https://doi.org/10.5072/FK2/ABC"},
            {"type": "datafile", "id": 9}
        ]))
        .unwrap();
        assert!(
            matches!(&items[0], ContentItem::Collection(c) if c.id == 5 && c.title.as_deref() == Some("Sub"))
        );
        match &items[1] {
            ContentItem::Dataset(d) => {
                assert_eq!(d.persistent_id().as_deref(), Some("doi:10.5072/FK2/ABC"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[2], ContentItem::Other(_)));
        let back = serde_json::to_value(&items[0]).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"type": "dataverse", "id": 5, "title": "Sub"})
        );
    }
}
