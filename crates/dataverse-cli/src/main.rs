//! `dv`: a command-line tool for Dataverse research-data repositories.
//!
//! Exit codes: 0 success, 1 the server answered with an error, 2 usage, configuration,
//! local or connection errors, 130 interrupted (see [`error::EXIT_CODES`]).

/// `eprintln!` that never panics: on a closed or broken stderr (`dv ... 2>&-`, a reader
/// that went away) the line is lost and dv carries on, as it does for stdout.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;
mod commands;
mod config;
mod context;
mod error;
mod html_text;
mod input;
mod interrupt;
mod output;
mod progress;

use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
        eprintln!("dv: internal error: {msg}");
    }));
    let cli = match cli::Cli::parse_from_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return command_line_error(e),
    };
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
    // `dv serve` stops on Ctrl-C by itself; every other command exits 130.
    if !matches!(cli.command, cli::Command::Serve(_)) {
        interrupt::watch(&runtime);
    }
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

/// A command line clap refused: help and version as clap prints them; an error as one
/// `dv: ` line (the message, clap's tips, the usage) with exit code 2.
fn command_line_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    match e.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            // A closed stdout is no reason to complain.
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
        _ => {
            eprintln!("dv: {}", one_line_usage_error(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// clap's rendered error as one line: `error: X`, `tip: Y`, `Usage: Z` and
/// `For more information, try '--help'.` become `X; tip: Y (usage: Z)`.
fn one_line_usage_error(rendered: &str) -> String {
    let mut text = String::new();
    let mut usage = None;
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(u) = line.strip_prefix("Usage: ") {
            usage = Some(u.to_string());
        } else if line.starts_with("For more information") {
            continue;
        } else {
            // A line ending in `:` introduces the next one (a list of arguments).
            if !text.is_empty() {
                text.push_str(if text.ends_with(':') { " " } else { "; " });
            }
            text.push_str(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    if let Some(u) = usage {
        text.push_str(&format!(" (usage: {u})"));
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn init_tracing(verbose: u8, quiet: bool) {
    let filter = match (quiet, verbose) {
        (true, _) => "error",
        // Retries are logged from -v on (see `--verbose`); at this level only a retry that
        // waits over a second gets a one-line notice (`Context::connect`). The final error
        // is the one line `main` prints, so the library's warnings would only repeat it.
        (false, 0) => "warn,dataverse_client=error",
        // The binary crate's events have the target `dv` (its crate name), not the
        // package's `dataverse_cli`.
        (false, 1) => "warn,dataverse_client=debug,dataverse_emulator=info,dv=debug",
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::one_line_usage_error;

    #[test]
    fn clap_errors_become_one_line() {
        let e = crate::cli::Cli::try_parse_from(["dv", "infoo"]).expect_err("not a command");
        let line = one_line_usage_error(&e.render().to_string());
        assert_eq!(
            line,
            "unrecognized subcommand 'infoo'; tip: a similar subcommand exists: 'info' \
             (usage: dv [OPTIONS] <COMMAND>)"
        );
        let e = crate::cli::Cli::try_parse_from(["dv", "dataset", "get"]).expect_err("no ID");
        let line = one_line_usage_error(&e.render().to_string());
        assert!(
            line.starts_with("the following required arguments were not provided: <ID>..."),
            "{line}"
        );
        assert!(line.ends_with("(usage: dv dataset get <ID>...)"), "{line}");
    }
}
