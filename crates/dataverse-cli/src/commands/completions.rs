//! `dv completions SHELL`

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::CliResult;

/// `dv completions`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the completion script for a shell on stdout.
pub fn execute(args: Args) -> CliResult {
    let mut cmd = Cli::command();
    // Generated whole first: a closed stdout is then an error of ours (a broken pipe, not
    // reported), not a panic inside the generator.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "dv", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}
