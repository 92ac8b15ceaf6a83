//! `dv info version|server|terms|exporters`

mod exporters;
mod server;
mod terms;
mod version;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv info ...`
#[derive(Debug, Subcommand)]
pub enum InfoCommand {
    /// Dataverse version and build.
    Version(version::Args),
    /// The server's host name.
    Server(server::Args),
    /// The API terms of use.
    Terms(terms::Args),
    /// Metadata export formats.
    Exporters(exporters::Args),
}

/// Run `dv info ...`.
pub async fn run(ctx: &Context, cmd: InfoCommand) -> CliResult {
    match cmd {
        InfoCommand::Version(args) => version::execute(ctx, args).await,
        InfoCommand::Server(args) => server::execute(ctx, args).await,
        InfoCommand::Terms(args) => terms::execute(ctx, args).await,
        InfoCommand::Exporters(args) => exporters::execute(ctx, args).await,
    }
}
