//! One module per command family; each verb is a function taking the connected context.

pub mod auth;
pub mod collection;
pub mod completions;
pub mod dataset;
pub mod demo;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod serve;
pub mod user;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::CliResult;

/// Run the parsed command line.
pub async fn run(cli: Cli) -> CliResult {
    let global = cli.global;
    match cli.command {
        Command::Serve(args) => serve::run(args, &global).await,
        Command::Completions(args) => completions::run(args),
        Command::Demo(args) => demo::run(args, &global).await,
        Command::Auth(cmd) => auth::run(cmd, &global).await,
        command => {
            let ctx = Context::connect(&global).await?;
            let result = match command {
                Command::Info(cmd) => info::run(cmd, &ctx).await,
                Command::Metadatablocks(cmd) => metadatablocks::run(cmd, &ctx).await,
                Command::Licenses(cmd) => licenses::run(cmd, &ctx).await,
                Command::User(cmd) => user::run(cmd, &ctx).await,
                Command::Collection(cmd) => collection::run(cmd, &ctx, &global).await,
                Command::Dataset(cmd) => dataset::run(cmd, &ctx, &global).await,
                Command::Serve(_)
                | Command::Completions(_)
                | Command::Demo(_)
                | Command::Auth(_) => Ok(()),
            };
            ctx.close().await;
            result
        }
    }
}
