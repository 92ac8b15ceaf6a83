//! `dv metadatablocks list [--full]|get NAME` (`ls`, `show`: aliases)

mod list;
mod show;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv metadatablocks ...`
#[derive(Debug, Subcommand)]
pub enum MetadatablocksCommand {
    /// List the blocks.
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// Show one block's fields.
    #[command(visible_alias = "show")]
    Get(show::Args),
}

/// Run `dv metadatablocks ...`.
pub async fn run(ctx: &Context, cmd: MetadatablocksCommand) -> CliResult {
    match cmd {
        MetadatablocksCommand::List(args) => list::execute(ctx, args).await,
        MetadatablocksCommand::Get(args) => show::execute(ctx, args).await,
    }
}
