//! Dataverse's wire JSON (the role of Dataverse's `JsonPrinter`): how the rows the store
//! returns look on the wire, one module per kind of object. Printers take rows; the few that
//! need related rows (a version's files and license, an assignment's role) read them through
//! the store.

pub(crate) mod collections;
pub(crate) mod datasets;
pub(crate) mod files;
pub(crate) mod guestbooks;
pub(crate) mod licenses;
pub(crate) mod locks;
pub(crate) mod roles;
pub(crate) mod users;

/// `yyyy-MM-dd` of a stored timestamp.
fn date_part(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}
