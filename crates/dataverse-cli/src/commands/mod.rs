//! The commands, one module per family: `<family>/mod.rs` holds the family's subcommands
//! and their dispatch, `<family>/<verb>.rs` one verb's `Args` and `execute`. What several
//! verbs share lives in a small module of the family (or in `output`, `input`,
//! `progress`, `context`), never in another verb's module.

pub mod admin;
pub mod auth;
pub mod collection;
pub mod completions;
pub mod dataset;
pub mod demo;
pub mod file;
pub mod guestbook;
pub mod info;
pub mod licenses;
pub mod metadatablocks;
pub mod metrics;
pub mod role;
pub mod search;
pub mod serve;
pub mod user;

use crate::cli::{Cli, Command, GlobalArgs, OutputFormat};
use crate::context::Context;
use crate::error::{CliError, CliResult};

/// Run the parsed command line.
pub async fn run(cli: Cli) -> CliResult {
    let global = cli.global;
    check_output(&cli.command, &global)?;
    if let Some(path) = global.deprecated_path()
        && !global.quiet
    {
        eprintln!(
            "dv: -o PATH is deprecated: use -O/--out PATH (here: -O {})",
            path.display()
        );
    }
    match cli.command {
        Command::Serve(args) => serve::execute(&global, args).await,
        Command::Completions(args) => completions::execute(args),
        Command::Demo(args) => demo::execute(args).await,
        Command::Auth(cmd) => auth::run(&global, cmd).await,
        command => {
            let ctx = Context::connect(&global).await?;
            let result = match command {
                Command::Info(cmd) => info::run(&ctx, cmd).await,
                Command::Metadatablocks(cmd) => metadatablocks::run(&ctx, cmd).await,
                Command::Licenses(cmd) => licenses::run(&ctx, cmd).await,
                Command::User(cmd) => user::run(&ctx, cmd).await,
                Command::Collection(cmd) => collection::run(&ctx, cmd).await,
                Command::Dataset(cmd) => dataset::run(&ctx, cmd).await,
                Command::File(cmd) => file::run(&ctx, cmd).await,
                Command::Search(args) => search::execute(&ctx, args).await,
                Command::Role(cmd) => role::run(&ctx, cmd).await,
                Command::Guestbook(cmd) => guestbook::run(&ctx, cmd).await,
                Command::Metrics(args) => metrics::execute(&ctx, args).await,
                Command::Admin(cmd) => admin::run(&ctx, cmd).await,
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

/// `-O FILE` (or the deprecated `-o FILE`) is only for the commands that write files,
/// and Parquet only for the files table: refuse both elsewhere before anything starts.
fn check_output(command: &Command, global: &GlobalArgs) -> CliResult {
    let writes_files = match command {
        Command::Dataset(cmd) => cmd.writes_files(),
        Command::File(cmd) => cmd.writes_files(),
        Command::Collection(cmd) => cmd.writes_files(),
        _ => false,
    };
    if !writes_files {
        if let Some(path) = global.deprecated_path() {
            return Err(CliError::Usage(format!(
                "-o {}: not an output format (table, json, ndjson, csv, parquet); -O/--out FILE is only for `dv dataset files`, `dv file download` and `dv collection crawl`",
                path.display()
            )));
        }
        if let Some(path) = &global.out {
            return Err(CliError::Usage(format!(
                "-O {}: -O/--out FILE is only for `dv dataset files`, `dv file download` and `dv collection crawl`",
                path.display()
            )));
        }
    }
    if let (Some(out), Some(old)) = (&global.out, global.deprecated_path()) {
        return Err(CliError::Usage(format!(
            "both -O {} and -o {} name where the output goes; give only -O/--out",
            out.display(),
            old.display()
        )));
    }
    if global.format() == Some(OutputFormat::Parquet)
        && !matches!(command, Command::Dataset(cmd) if cmd.writes_files())
        && !matches!(command, Command::File(file::FileCommand::List(_)))
        && !matches!(
            command,
            Command::Collection(collection::CollectionCommand::Crawl(_))
        )
    {
        return Err(CliError::Usage(
            "Parquet output is only for `dv dataset files` and `dv collection crawl`".into(),
        ));
    }
    Ok(())
}
