//! `dv licenses list|show ID`

mod list;
mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv licenses ...`
#[derive(Debug, Subcommand)]
pub enum LicensesCommand {
    /// List the licenses.
    List(list::Args),
    /// Show one license by id or name.
    Show(show::Args),
}

/// Run `dv licenses ...`.
pub async fn run(ctx: &Context, cmd: LicensesCommand) -> CliResult {
    match cmd {
        LicensesCommand::List(args) => list::execute(ctx, args).await,
        LicensesCommand::Show(args) => show::execute(ctx, args).await,
    }
}
