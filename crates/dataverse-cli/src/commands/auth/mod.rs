//! `dv auth login|list|logout`: profiles in the config file.

mod list;
mod login;
mod logout;

use clap::Subcommand;

use crate::cli::GlobalArgs;
use crate::error::CliResult;

/// `dv auth ...`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Save URL and token as a profile (token from --token/DATAVERSE_API_TOKEN, else read
    /// from stdin: at a hidden prompt on a terminal).
    #[command(after_help = login::EXAMPLES)]
    Login(login::Args),
    /// List saved profiles (tokens are never shown).
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// Remove a profile.
    Logout(logout::Args),
}

/// Run `dv auth ...` (no connection: these commands only read and write the config file,
/// except `login`, which checks the token first).
pub async fn run(global: &GlobalArgs, cmd: AuthCommand) -> CliResult {
    match cmd {
        AuthCommand::Login(args) => login::execute(global, args).await,
        AuthCommand::List(args) => list::execute(global, args),
        AuthCommand::Logout(args) => logout::execute(global, args),
    }
}
