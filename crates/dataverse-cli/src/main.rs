//! `dv`: a command-line tool for Dataverse research-data repositories.
//!
//! Exit codes: 0 success, 1 the server answered with an error, 2 usage, configuration,
//! local or connection errors.

mod cli;
mod commands;
mod config;
mod context;
mod error;
mod input;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!("dv: internal error: {msg}");
    }));
    let cli = cli::Cli::parse();
    init_tracing(cli.global.verbose, cli.global.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dv: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // `dv ... | head`: the reader stopped early; what it read is all it wanted.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dv: {}", e.one_line());
            e.exit_code()
        }
    }
}

fn init_tracing(verbose: u8, quiet: bool) {
    let filter = match (quiet, verbose) {
        (true, _) => "error",
        // Retries are logged from -v on (see `--verbose`); at this level only a retry that
        // waits over a second gets a one-line notice (`Context::connect`). The final error
        // is the one line `main` prints, so the library's warnings would only repeat it.
        (false, 0) => "warn,dataverse_client=error",
        (false, 1) => "warn,dataverse_client=debug,dataverse_emulator=info,dataverse_cli=debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DV_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
