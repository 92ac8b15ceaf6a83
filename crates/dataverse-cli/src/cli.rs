//! The command line: global options and one subcommand per command family.
//!
//! Each family's subcommands and their arguments live next to their code, in
//! `commands/<family>/`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use clap::builder::{EnumValueParser, PossibleValue, StyledStr, TypedValueParser};
use clap::error::{ContextKind, ContextValue};
use clap::{
    ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

use crate::commands::{
    admin, auth, collection, completions, dataset, demo, file, guestbook, info, licenses,
    metadatablocks, metrics, role, search, serve, user,
};

/// The examples at the end of `dv --help`.
const EXAMPLES: &str = "\
Examples:
  dv demo                                     # the main job, end to end, offline
  dv info version                             # the embedded local Dataverse, no set-up
  dv --url https://demo.dataverse.org dataset list :root
  dv --url https://demo.dataverse.org search \"title:trees\" --type dataset
  dv dataset get doi:10.5072/FK2/ABCDEF -o json
  dv file upload doi:10.5072/FK2/ABCDEF data/
  dv file download --dataset doi:10.5072/FK2/ABCDEF -O out/
  dv auth login --name work --url https://dataverse.example.edu
  dv --profile work user me
  dv serve --addr 8080                        # the local Dataverse for other clients

`dv COMMAND --help` shows a command's options, often with examples.";

/// dv: work with Dataverse research-data repositories from the command line.
///
/// Without --url (or DATAVERSE_URL, or a profile) dv uses the embedded local Dataverse
/// in your data directory, so every command works offline.
#[derive(Debug, Parser)]
#[command(
    name = "dv",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = format!("{EXAMPLES}\n\n{}", crate::error::EXIT_CODES)
)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Base URL of the Dataverse installation, or `local` for the embedded local Dataverse.
    ///
    /// `https://host` or `https://host/path`; a trailing /api or /api/v1 is dropped.
    ///
    /// A flag overrides the environment: --url wins over DATAVERSE_PROFILE, --profile over
    /// DATAVERSE_URL (and its DATAVERSE_API_TOKEN); both flags together are an error.
    #[arg(long, global = true, env = "DATAVERSE_URL", value_name = "URL")]
    pub url: Option<String>,
    /// API token (prefer the environment variable or a profile: arguments are visible to other local users).
    #[arg(
        long,
        global = true,
        env = "DATAVERSE_API_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// A profile saved with `dv auth login`.
    #[arg(long, global = true, env = "DATAVERSE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Output format (default: table on a terminal, JSON otherwise).
    ///
    /// Always a format; where a file goes is -O/--out. (`-o FILE`, a value that is not a
    /// format but looks like a path, is deprecated: it still works for `dv dataset files`
    /// and `dv file download`, with a note on stderr.)
    #[arg(
        long,
        short = 'o',
        global = true,
        value_name = "FORMAT",
        value_parser = OutputArgParser,
        action = ArgAction::Append
    )]
    pub output: Vec<OutputArg>,
    /// Where `dv dataset files` writes the table and `dv file download` the file (for
    /// several files or --dataset: the directory).
    ///
    /// The table's format is --output's, else the extension's: .json, .ndjson (.jsonl),
    /// .csv, .parquet or .txt (the table).
    #[arg(long = "out", short = 'O', global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print only errors (not even the one-line notice of a retry that waits over a second).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (-v: requests, every retry and dv's own steps, -vv: everything).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Which of --url, --token and --profile were given on the command line (and not
    /// taken from the environment): a flag overrides the environment.
    #[arg(skip)]
    pub given: GivenFlags,
}

/// Which connection options were given on the command line, as opposed to taken from
/// their environment variables (see [`Cli::parse_from_args`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GivenFlags {
    /// `--url` was on the command line.
    pub url: bool,
    /// `--token` was on the command line.
    pub token: bool,
    /// `--profile` was on the command line.
    pub profile: bool,
}

impl GivenFlags {
    /// Read the sources of the connection options from the parsed matches.
    fn from_matches(matches: &ArgMatches) -> GivenFlags {
        let on_command_line = |id: &str| {
            matches!(
                matches.value_source(id),
                Some(clap::parser::ValueSource::CommandLine)
            )
        };
        GivenFlags {
            url: on_command_line("url"),
            token: on_command_line("token"),
            profile: on_command_line("profile"),
        }
    }
}

impl Cli {
    /// Parse arguments (the process's: `std::env::args_os()`), noting which connection
    /// options came from the command line rather than the environment.
    pub fn parse_from_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut command = Cli::command();
        let mut matches = command.try_get_matches_from_mut(args)?;
        let given = GivenFlags::from_matches(&matches);
        let mut cli =
            Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))?;
        cli.global.given = given;
        Ok(cli)
    }
}

/// One value of `-o/--output`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputArg {
    /// An output format.
    Format(OutputFormat),
    /// A path given the old way (`-o out.csv`), deprecated for `-O/--out`.
    DeprecatedPath(PathBuf),
}

impl GlobalArgs {
    /// The output format asked for (the last `-o/--output FORMAT`).
    pub fn format(&self) -> Option<OutputFormat> {
        self.output.iter().rev().find_map(|o| match o {
            OutputArg::Format(f) => Some(*f),
            OutputArg::DeprecatedPath(_) => None,
        })
    }

    /// A path given as the deprecated `-o PATH` (the last one).
    pub fn deprecated_path(&self) -> Option<&Path> {
        self.output.iter().rev().find_map(|o| match o {
            OutputArg::DeprecatedPath(p) => Some(p.as_path()),
            OutputArg::Format(_) => None,
        })
    }

    /// Where the command's file output goes: `-O/--out FILE`, else the deprecated `-o FILE`.
    pub fn path(&self) -> Option<&Path> {
        self.out.as_deref().or_else(|| self.deprecated_path())
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for people, fitted to the terminal's width (or COLUMNS): identifiers whole,
    /// long titles shortened with "…", sizes like 300 KiB.
    Table,
    /// The server's data as JSON, complete.
    Json,
    /// One JSON value per line (list items one by one; crawls stream them as found).
    Ndjson,
    /// Comma-separated values with a header row, even with no rows (nested values as JSON
    /// text).
    Csv,
    /// Apache Parquet (`dv dataset files` with `-O FILE`; needs the `parquet` feature).
    Parquet,
}

/// Parses `-o/--output`: a format's name, or (deprecated) a value that looks like a path.
#[derive(Debug, Clone, Copy)]
struct OutputArgParser;

impl TypedValueParser for OutputArgParser {
    type Value = OutputArg;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<OutputArg, clap::Error> {
        match EnumValueParser::<OutputFormat>::new().parse_ref(cmd, arg, value) {
            Ok(format) => Ok(OutputArg::Format(format)),
            Err(_) if value.to_str().is_some_and(looks_like_path) => {
                Ok(OutputArg::DeprecatedPath(PathBuf::from(value)))
            }
            Err(mut e) => {
                e.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![StyledStr::from(
                        "to write the output to a file, use -O/--out FILE",
                    )]),
                );
                Err(e)
            }
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            OutputFormat::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// Whether a value of `-o` that is not a format was meant as a path: it has a directory
/// part or an extension, or is `.` or `..`.
fn looks_like_path(value: &str) -> bool {
    value.contains('/')
        || value.contains(std::path::MAIN_SEPARATOR)
        || value == "."
        || value == ".."
        || Path::new(value).extension().is_some()
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Information about the installation.
    #[command(subcommand)]
    Info(info::InfoCommand),
    /// Metadata block definitions.
    #[command(subcommand)]
    Metadatablocks(metadatablocks::MetadatablocksCommand),
    /// Licenses the installation offers.
    #[command(subcommand)]
    Licenses(licenses::LicensesCommand),
    /// The current user and their API token.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Collections (dataverses): read, create, update, publish, delete, crawl.
    #[command(subcommand)]
    Collection(collection::CollectionCommand),
    /// Datasets: read, create, validate, edit, publish, review, share, export, delete.
    #[command(subcommand)]
    Dataset(dataset::DatasetCommand),
    /// Files: read, update, upload, replace, delete, restrict, ingest, download.
    #[command(subcommand)]
    File(file::FileCommand),
    /// Roles: list those available on a collection, show, create, delete.
    #[command(subcommand)]
    Role(role::RoleCommand),
    /// Guestbooks: list a collection's, show, create, update, enable, disable, responses.
    #[command(subcommand)]
    Guestbook(guestbook::GuestbookCommand),
    /// Metrics of the installation: counts and lists of collections, datasets, files,
    /// downloads and accounts.
    #[command(after_help = metrics::EXAMPLES)]
    Metrics(metrics::Args),
    /// Search the installation: collections, datasets and files by words or fields.
    #[command(after_help = search::EXAMPLES)]
    Search(search::Args),
    /// The admin API: file PID registration.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Run the embedded local Dataverse as a server.
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::Args),
    /// Save a server URL and token as a named profile.
    #[command(subcommand)]
    Auth(auth::AuthCommand),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Run the main job end to end against a fresh embedded local Dataverse.
    Demo(demo::Args),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("dv").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The words of one example line, as a POSIX shell would split them (double and single
    /// quotes; no expansions), from its `dv` on: after the last `|`, without a `# comment`
    /// or an `> FILE` redirection.
    fn example_words(line: &str) -> Vec<String> {
        let line = line.rsplit_once("| ").map_or(line, |(_, cmd)| cmd);
        let mut words = Vec::new();
        let mut word: Option<String> = None;
        let mut quote = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.get_or_insert_default().push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    word.get_or_insert_default();
                }
                (None, '#') if word.is_none() => break,
                (None, c) if c.is_whitespace() => words.extend(word.take()),
                (None, c) => word.get_or_insert_default().push(c),
            }
        }
        words.extend(word);
        if let Some(i) = words.iter().position(|w| w == ">") {
            words.truncate(i);
        }
        words
    }

    /// Every example in every command's help parses as a command line of today's `dv`,
    /// and the main commands have examples.
    #[test]
    fn every_help_example_parses() {
        fn visit(cmd: &clap::Command, path: &str, found: &mut Vec<String>) {
            if let Some(help) = cmd.get_after_help() {
                let text = help.to_string();
                assert!(text.starts_with("Examples:\n"), "{path}: {text}");
                let examples: Vec<&str> = text
                    .lines()
                    .filter(|l| l.trim_start().starts_with("dv ") || l.contains("| dv "))
                    .collect();
                assert!(examples.len() >= 3, "{path}: too few examples in {text}");
                for example in examples {
                    let words = example_words(example.trim());
                    assert_eq!(words.first().map(String::as_str), Some("dv"), "{example}");
                    if let Err(e) = Cli::parse_from_args(&words) {
                        panic!("{path}: the example `{example}` does not parse: {e}");
                    }
                }
                found.push(path.to_string());
            }
            for sub in cmd.get_subcommands() {
                visit(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut found = Vec::new();
        visit(&Cli::command(), "dv", &mut found);
        for main in [
            "dv",
            "dv dataset create",
            "dv dataset get",
            "dv dataset edit",
            "dv file upload",
            "dv file download",
            "dv collection crawl",
            "dv serve",
            "dv auth login",
        ] {
            assert!(
                found.iter().any(|f| f == main),
                "no examples in `{main} --help`"
            );
        }
    }

    #[test]
    fn example_words_split_like_a_shell() {
        assert_eq!(
            example_words(r#"echo "$T" | dv a --d "x y"  # c"#),
            ["dv", "a", "--d", "x y"]
        );
        assert_eq!(
            example_words("dv a -o csv > t.csv"),
            ["dv", "a", "-o", "csv"]
        );
        assert_eq!(example_words("dv a ''"), ["dv", "a", ""]);
    }

    #[test]
    fn flags_on_the_command_line_are_told_from_the_environment() {
        // No environment here (the variables of the test process are not set by cargo),
        // so every value given is a flag's.
        let cli = parse(&["--url", "http://x", "info", "version"]).expect("parses");
        assert_eq!(
            cli.global.given,
            GivenFlags {
                url: false,
                token: false,
                profile: false
            },
            "Cli::parse keeps the default"
        );
        let cli =
            Cli::parse_from_args(["dv", "info", "version", "--url", "http://x"]).expect("parses");
        assert!(cli.global.given.url && !cli.global.given.profile && !cli.global.given.token);
        let cli = Cli::parse_from_args(["dv", "--profile", "p", "--token", "t", "info", "version"])
            .expect("parses");
        assert!(!cli.global.given.url && cli.global.given.profile && cli.global.given.token);
    }

    #[test]
    fn o_is_a_format_and_big_o_a_path() {
        let cli = parse(&["-o", "csv", "dataset", "files", "1"]).expect("parses");
        assert_eq!(cli.global.format(), Some(OutputFormat::Csv));
        assert_eq!(cli.global.path(), None);
        let cli = parse(&["dataset", "files", "1", "-O", "csv"]).expect("parses");
        assert_eq!(cli.global.format(), None);
        assert_eq!(cli.global.path(), Some(Path::new("csv")));
        assert_eq!(cli.global.deprecated_path(), None);
        let cli =
            parse(&["--output", "json", "-O", "t.csv", "dataset", "files", "1"]).expect("parses");
        assert_eq!(cli.global.format(), Some(OutputFormat::Json));
        assert_eq!(cli.global.path(), Some(Path::new("t.csv")));
    }

    #[test]
    fn o_with_a_path_is_deprecated_but_works() {
        for path in ["out.csv", "dir/x", "./x", ".", ".."] {
            let cli = parse(&["dataset", "files", "1", "-o", path]).expect("parses");
            assert_eq!(
                cli.global.deprecated_path(),
                Some(Path::new(path)),
                "{path}"
            );
            assert_eq!(cli.global.path(), Some(Path::new(path)), "{path}");
            assert_eq!(cli.global.format(), None, "{path}");
        }
        // With a format as well, in either order. (-O with the old spelling as well is
        // refused before the command runs: `commands::check_output`.)
        let cli =
            parse(&["-o", "out.txt", "--output", "csv", "dataset", "files", "1"]).expect("parses");
        assert_eq!(cli.global.format(), Some(OutputFormat::Csv));
        assert_eq!(cli.global.path(), Some(Path::new("out.txt")));
        let cli = parse(&["-o", "a.txt", "-O", "b.txt", "dataset", "files", "1"]).expect("parses");
        assert_eq!(cli.global.path(), Some(Path::new("b.txt")));
        // Given before and after the subcommand: the subcommand's values count (as before,
        // when -o was a separate option from --output).
        let cli = parse(&["-o", "json", "file", "download", "1", "-o", "x.bin"]).expect("parses");
        assert_eq!(cli.global.path(), Some(Path::new("x.bin")));
        assert_eq!(cli.global.format(), None);
    }

    #[test]
    fn anything_else_is_refused_with_a_tip() {
        for value in ["yaml", "csvx", "", "JSON"] {
            let e = parse(&["-o", value, "info", "version"]).expect_err(value);
            assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue, "{value}");
            let text = e.to_string();
            assert!(text.contains("-O/--out"), "{text}");
            assert!(text.contains("possible values"), "{text}");
        }
    }
}
