//! `dv dataset assign ID ASSIGNEE ROLE` and `dv dataset unassign ID ASSIGNMENT`

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset assign`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// PID (doi:..., hdl:..., perma:...) or numeric id.
    pub id: String,
    /// Who: @username, :authenticated-users or :guest.
    pub assignee: String,
    /// The role's alias (one available on the dataset's collection).
    pub role: String,
}

/// Grant a role on a dataset.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let a = ctx
        .api
        .set_dataset_assignment(args.id.as_str(), &args.assignee, &args.role)
        .await?;
    output::emit(ctx.output, &a, || {
        output::line(&format!(
            "assigned {} to {} on {} (assignment {})",
            args.role,
            a.assignee,
            output::opt(&a.definition_point_global_id),
            output::opt(&a.id)
        ))
    })
}

/// `dv dataset unassign`
#[derive(Debug, clap::Args)]
pub struct UnassignArgs {
    /// PID (doi:..., hdl:..., perma:...) or numeric id.
    pub id: String,
    /// The assignment's id (`dv dataset assignments ID`).
    pub assignment: u64,
}

/// Revoke a role assignment.
pub(crate) async fn unassign(ctx: &Context, args: UnassignArgs) -> CliResult {
    let m = ctx
        .api
        .remove_dataset_assignment(args.id.as_str(), args.assignment)
        .await?;
    output::message(ctx.output, &m)
}
