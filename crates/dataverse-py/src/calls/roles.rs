//! Roles and role assignments: create, show and delete a role; a collection's
//! assignments; granting and revoking roles on collections and datasets.

use dataverse_client::Error;
use dataverse_client::models::roles::{RoleDefinition, RoleRef};
use serde_json::json;

use super::{Call, Fut, Json, ok, to_json};
use crate::errors::invalid;

/// The role methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "create_role" => Box::pin(create(c)),
        "show_role" => Box::pin(show(c)),
        "delete_role" => Box::pin(delete(c)),
        "get_dataverse_assignments" => Box::pin(assignments(c)),
        "set_collection_assignment" => Box::pin(assign(c, false)),
        "set_dataset_assignment" => Box::pin(assign(c, true)),
        "remove_collection_assignment" => Box::pin(unassign(c, false)),
        "remove_dataset_assignment" => Box::pin(unassign(c, true)),
        _ => return None,
    })
}

/// A role by id (a number, or digits) or alias.
fn role(c: &Call) -> Result<RoleRef, Error> {
    Ok(RoleRef::from(c.args.str("role_id")?))
}

async fn create(c: &Call) -> Result<Json, Error> {
    let permissions = c.args.strs("permissions")?;
    let mut def = RoleDefinition::new(c.args.str("alias")?, c.args.str("name")?, permissions);
    if let Some(d) = c.args.opt_str("description")? {
        def = def.description(d);
    }
    to_json(&c.api.create_role(c.args.str("dataverse_id")?, &def).await?)
}

async fn show(c: &Call) -> Result<Json, Error> {
    to_json(&c.api.show_role(role(c)?).await?)
}

async fn delete(c: &Call) -> Result<Json, Error> {
    let message = c.api.delete_role(role(c)?).await?;
    ok(json!({ "message": message }))
}

async fn assignments(c: &Call) -> Result<Json, Error> {
    to_json(
        &c.api
            .get_dataverse_assignments(c.args.str("identifier")?)
            .await?,
    )
}

async fn assign(c: &Call, dataset: bool) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let assignee = c.args.str("assignee")?;
    let role = c.args.str("role")?;
    let a = if dataset {
        c.api.set_dataset_assignment(id, &assignee, &role).await?
    } else {
        c.api
            .set_collection_assignment(id, &assignee, &role)
            .await?
    };
    to_json(&a)
}

async fn unassign(c: &Call, dataset: bool) -> Result<Json, Error> {
    let id = c.args.str("identifier")?;
    let assignment = c
        .args
        .opt_u64("assignment_id")?
        .ok_or_else(|| invalid("assignment_id is required"))?;
    let message = if dataset {
        c.api.remove_dataset_assignment(id, assignment).await?
    } else {
        c.api.remove_collection_assignment(id, assignment).await?
    };
    ok(json!({ "message": message }))
}
