//! `dv collection assign ID ASSIGNEE ROLE` and `dv collection unassign ID ASSIGNMENT`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv collection assign`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// Who: @username, :authenticated-users or :guest.
    pub assignee: String,
    /// The role's alias (one available on the collection: `dv role list ID`).
    pub role: String,
}

/// Grant a role on a collection.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let a = ctx
        .api
        .set_collection_assignment(args.id.as_str(), &args.assignee, &args.role)
        .await?;
    output::emit(ctx.output, &a, || {
        output::line(&format!(
            "assigned {} to {} on {} (assignment {})",
            args.role,
            a.assignee,
            output::opt(&a.definition_point_name),
            output::opt(&a.id)
        ))
    })
}

/// `dv collection unassign`
#[derive(Debug, clap::Args)]
pub struct UnassignArgs {
    /// Alias, numeric id or :root.
    pub id: String,
    /// The assignment's id (`dv collection assignments ID`).
    pub assignment: u64,
}

/// Revoke a role assignment.
pub(crate) async fn unassign(ctx: &Context, args: UnassignArgs) -> CliResult {
    let m = ctx
        .api
        .remove_collection_assignment(args.id.as_str(), args.assignment)
        .await?;
    output::message(ctx.output, &m)
}
