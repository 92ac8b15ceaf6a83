//! `dv admin register-file-pids` (the admin API: usually open only to the server itself, on
//! the embedded server to a superuser's token)

mod register_file_pids;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv admin ...`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Register file PIDs: of one file, or of every published file without one, in
    /// collections that register file PIDs.
    RegisterFilePids(register_file_pids::Args),
}

/// Run `dv admin ...`.
pub async fn run(ctx: &Context, cmd: AdminCommand) -> CliResult {
    match cmd {
        AdminCommand::RegisterFilePids(args) => register_file_pids::execute(ctx, args).await,
    }
}
