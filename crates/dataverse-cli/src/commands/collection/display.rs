//! How a collection is shown in a table.

use dataverse_client::models::collections::Collection;

use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// One collection as key-value pairs.
pub(super) fn show(c: &Collection) -> CliResult {
    let contacts = c
        .dataverse_contacts
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|c| c.contact_email.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    output::pairs(vec![
        ("id", opt(&c.id)),
        ("alias", opt(&c.alias)),
        ("name", opt(&c.name)),
        ("affiliation", opt(&c.affiliation)),
        ("description", opt(&c.description)),
        ("type", opt(&c.dataverse_type)),
        ("contacts", contacts),
        ("parent id", opt(&c.owner_id)),
        ("created", opt(&c.creation_date)),
        ("published", yes(c.is_released)),
    ])
}
