//! `dv licenses list|get ID` (`ls`, `show`: aliases)

mod list;
mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv licenses ...`
#[derive(Debug, Subcommand)]
pub enum LicensesCommand {
    /// List the licenses.
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// Show one license by id or name.
    #[command(visible_alias = "show")]
    Get(show::Args),
}

/// Run `dv licenses ...`.
pub async fn run(ctx: &Context, cmd: LicensesCommand) -> CliResult {
    match cmd {
        LicensesCommand::List(args) => list::execute(ctx, args).await,
        LicensesCommand::Get(args) => show::execute(ctx, args).await,
    }
}
