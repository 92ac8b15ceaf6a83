//! The collection fields of `create` and `update`: flags, or a JSON file, merged.

use std::path::PathBuf;

use dataverse_client::models::collections::{
    CollectionCreateBody, DataverseContact, DataverseType, UpdateCollection,
};

use crate::error::{CliError, CliResult};
use crate::input::read_json;

/// Collection fields for `create` and `update`: flags, or a JSON file.
#[derive(Debug, clap::Args, Clone, Default)]
pub struct CollectionFields {
    /// Alias (letters, digits, '_' and '-'; at most 60).
    #[arg(long)]
    pub alias: Option<String>,
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// Contact e-mail (repeat for several).
    #[arg(long = "contact", value_name = "EMAIL")]
    pub contacts: Vec<String>,
    /// Affiliation.
    #[arg(long)]
    pub affiliation: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Kind: DEPARTMENT, JOURNALS, LABORATORY, ORGANIZATIONS_INSTITUTIONS, RESEARCHERS,
    /// RESEARCH_GROUP, RESEARCH_PROJECTS, TEACHING_COURSES or UNCATEGORIZED.
    #[arg(long = "type", value_name = "TYPE")]
    pub dataverse_type: Option<String>,
    /// Read the body from a JSON file (Dataverse's create/update JSON; `-` for stdin);
    /// flags given too override its fields.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// The error for a collection type Dataverse does not know, with the ones it does.
fn unknown_type(given: &str) -> CliError {
    CliError::Usage(format!(
        "'{given}' is not a collection type; the types are: {}",
        DataverseType::KNOWN.join(", ")
    ))
}

impl CollectionFields {
    /// The body of `create`: name, alias and contacts are required.
    pub(super) fn create_body(&self) -> CliResult<CollectionCreateBody> {
        let obj = self.merged()?;
        for (key, flag) in [
            ("name", "--name"),
            ("alias", "--alias"),
            ("dataverseContacts", "--contact"),
        ] {
            if !obj.contains_key(key) {
                return Err(CliError::Usage(format!(
                    "{flag} is required (or give {key} in --json)"
                )));
            }
        }
        serde_json::from_value(serde_json::Value::Object(obj))
            .map_err(|e| CliError::Usage(format!("the collection body is not valid: {e}")))
    }

    /// The body of `update`: at least one field.
    pub(super) fn update_body(&self) -> CliResult<UpdateCollection> {
        let obj = self.merged()?;
        if obj.is_empty() {
            return Err(CliError::Usage(
                "nothing to update: give at least one field flag or --json".into(),
            ));
        }
        serde_json::from_value(serde_json::Value::Object(obj))
            .map_err(|e| CliError::Usage(format!("the collection body is not valid: {e}")))
    }

    /// Start from `--json FILE` (if any), then apply the flags over it.
    fn merged(&self) -> CliResult<serde_json::Map<String, serde_json::Value>> {
        let mut obj = match &self.json {
            Some(path) => match read_json(path)? {
                serde_json::Value::Object(o) => o,
                _ => {
                    return Err(CliError::Usage(format!(
                        "{} must hold a JSON object",
                        path.display()
                    )));
                }
            },
            None => serde_json::Map::new(),
        };
        let mut set = |k: &str, v: Option<serde_json::Value>| {
            if let Some(v) = v {
                obj.insert(k.to_string(), v);
            }
        };
        set("alias", self.alias.clone().map(Into::into));
        set("name", self.name.clone().map(Into::into));
        set("affiliation", self.affiliation.clone().map(Into::into));
        set("description", self.description.clone().map(Into::into));
        if let Some(t) = &self.dataverse_type {
            let t = DataverseType::from(t.trim().to_ascii_uppercase().replace('-', "_").as_str());
            if let DataverseType::Other(_) = &t {
                return Err(unknown_type(t.as_str()));
            }
            set("dataverseType", Some(t.as_str().into()));
        }
        if !self.contacts.is_empty() {
            let contacts: Vec<DataverseContact> = self
                .contacts
                .iter()
                .map(|c| DataverseContact::new(c.as_str()))
                .collect();
            set("dataverseContacts", serde_json::to_value(contacts).ok());
        }
        // A type from --json is checked too: Dataverse would refuse it with a parse error.
        if let Some(t) = obj.get("dataverseType") {
            match t.as_str().map(DataverseType::from) {
                Some(DataverseType::Other(o)) => return Err(unknown_type(&o)),
                Some(_) => {}
                None => return Err(unknown_type(&t.to_string())),
            }
        }
        Ok(obj)
    }
}
