//! `dv role list|show|create|delete`

mod create;
mod delete;
pub(crate) mod list;
mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv role ...`
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// List the roles available on a collection: the built-in ones and those defined on it
    /// and above it (needs ManageDataversePermissions there).
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// Show a role by id or alias.
    #[command(alias = "get")]
    Show(show::Args),
    /// Create a role on a collection (superusers only).
    #[command(after_help = create::EXAMPLES)]
    Create(create::Args),
    /// Delete a role defined on a collection, and its assignments (built-in roles cannot be
    /// deleted).
    Delete(delete::Args),
}

/// Run `dv role ...`.
pub async fn run(ctx: &Context, cmd: RoleCommand) -> CliResult {
    match cmd {
        RoleCommand::List(args) => list::execute(ctx, args).await,
        RoleCommand::Show(args) => show::execute(ctx, args).await,
        RoleCommand::Create(args) => create::execute(ctx, args).await,
        RoleCommand::Delete(args) => delete::execute(ctx, args).await,
    }
}
