//! `dv user me`, `dv user token get|recreate|delete`

mod me;
mod token;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// The user the token belongs to.
    Me(me::Args),
    /// Manage the API token.
    #[command(subcommand)]
    Token(token::TokenCommand),
}

/// Run `dv user ...`.
pub async fn run(ctx: &Context, cmd: UserCommand) -> CliResult {
    match cmd {
        UserCommand::Me(args) => me::execute(ctx, args).await,
        UserCommand::Token(cmd) => token::execute(ctx, cmd).await,
    }
}
