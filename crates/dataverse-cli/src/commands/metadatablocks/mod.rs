//! `dv metadatablocks list [--full]|show NAME`

mod list;
mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv metadatablocks ...`
#[derive(Debug, Subcommand)]
pub enum MetadatablocksCommand {
    /// List the blocks.
    List(list::Args),
    /// Show one block's fields.
    Show(show::Args),
}

/// Run `dv metadatablocks ...`.
pub async fn run(ctx: &Context, cmd: MetadatablocksCommand) -> CliResult {
    match cmd {
        MetadatablocksCommand::List(args) => list::execute(ctx, args).await,
        MetadatablocksCommand::Show(args) => show::execute(ctx, args).await,
    }
}
