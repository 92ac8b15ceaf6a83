//! One module per command family; each verb is a function taking the connected context.

pub mod auth;
pub mod collection;
pub mod completions;
pub mod dataset;
pub mod demo;
pub mod file;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod serve;
pub mod user;

use crate::cli::{Cli, Command, DatasetCommand, GlobalArgs, OutputFormat};
use crate::context::Context;
use crate::error::{CliError, CliResult};

/// Run the parsed command line.
pub async fn run(cli: Cli) -> CliResult {
    let global = cli.global;
    check_output_path(&cli.command, &global)?;
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
                Command::File(cmd) => file::run(cmd, &ctx, &global).await,
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

/// `-o FILE` is only for the commands that write files, and Parquet only for the files
/// table: refuse both elsewhere before anything starts.
fn check_output_path(command: &Command, global: &GlobalArgs) -> CliResult {
    let writes_files = matches!(
        command,
        Command::Dataset(DatasetCommand::Files { .. })
            | Command::File(file::FileCommand::Download(_))
    );
    if let Some(path) = global.path()
        && !writes_files
    {
        return Err(CliError::Usage(format!(
            "-o {}: not an output format (table, json, ndjson, csv, parquet); -o FILE is only for `dv dataset files` and `dv file download`",
            path.display()
        )));
    }
    if global.format() == Some(OutputFormat::Parquet)
        && !matches!(command, Command::Dataset(DatasetCommand::Files { .. }))
    {
        return Err(CliError::Usage(
            "Parquet output is only for `dv dataset files`".into(),
        ));
    }
    Ok(())
}
