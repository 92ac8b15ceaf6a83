//! The command line: global options and one subcommand per endpoint family.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// dv: work with Dataverse research-data repositories from the command line.
///
/// Without --url (or DATAVERSE_URL, or a profile) dv uses the embedded local Dataverse
/// in your data directory, so every command works offline.
#[derive(Debug, Parser)]
#[command(name = "dv", version, propagate_version = true, max_term_width = 100)]
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
    #[arg(long, short = 'o', global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Print only errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (-v: requests and retries, -vv: everything).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A human-readable table.
    Table,
    /// The server's data as JSON, complete.
    Json,
    /// One JSON value per line (list items one by one; crawls stream them as found).
    Ndjson,
    /// Comma-separated values with a header row (nested values as JSON text).
    Csv,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Information about the installation.
    #[command(subcommand)]
    Info(InfoCommand),
    /// Metadata block definitions.
    #[command(subcommand)]
    Metadatablocks(MetadatablocksCommand),
    /// Licenses the installation offers.
    #[command(subcommand)]
    Licenses(LicensesCommand),
    /// The current user and their API token.
    #[command(subcommand)]
    User(UserCommand),
    /// Collections (dataverses): read, create, update, publish, delete, crawl.
    #[command(subcommand)]
    Collection(CollectionCommand),
    /// Run the embedded local Dataverse as a server.
    Serve(ServeArgs),
    /// Save a server URL and token as a named profile.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Run the main job end to end against a fresh embedded local Dataverse.
    Demo(DemoArgs),
}

/// `dv info ...`
#[derive(Debug, Subcommand)]
pub enum InfoCommand {
    /// Dataverse version and build.
    Version,
    /// The server's host name.
    Server,
    /// The API terms of use.
    Terms,
    /// Metadata export formats.
    Exporters,
}

/// `dv metadatablocks ...`
#[derive(Debug, Subcommand)]
pub enum MetadatablocksCommand {
    /// List the blocks.
    List {
        /// Fetch every block's complete definition (one request per block, concurrently).
        #[arg(long)]
        full: bool,
    },
    /// Show one block's fields.
    Show {
        /// Block name, e.g. citation.
        name: String,
    },
}

/// `dv licenses ...`
#[derive(Debug, Subcommand)]
pub enum LicensesCommand {
    /// List the licenses.
    List,
    /// Show one license by id or name.
    Show {
        /// Numeric id, name ("CC BY 4.0"), rights identifier or unique name prefix.
        id: String,
    },
}

/// `dv user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// The user the token belongs to.
    Me,
    /// Manage the API token.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `dv user token ...`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// When the token expires (the token itself is never printed).
    Show,
    /// Replace the token with a new one; the profile in use is updated.
    Recreate {
        /// Print the new token on stdout (it is otherwise only saved to the profile in use).
        #[arg(long)]
        reveal: bool,
    },
    /// Delete the token; it stops working at once.
    Delete,
}

/// `dv serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Data directory (default: the local Dataverse in your data directory).
    #[arg(long, env = "DATAVERSE_LOCAL_DIR", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Set the superuser dataverseAdmin's API token.
    #[arg(
        long,
        env = "DATAVERSE_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// Host name reported by /api/info/server.
    #[arg(long, default_value = "localhost")]
    pub hostname: String,
    /// Before serving, add generated published collections and datasets under root:
    /// `collections=N,datasets=M,depth=D[,seed=S]` (deterministic for a given seed).
    #[arg(long, value_name = "SPEC")]
    pub generate: Option<dataverse_emulator::GenerateSpec>,
    /// Delay every API response by this many milliseconds (simulates a slow server).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
}

/// `dv auth ...`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Save URL and token as a profile (token from --token/DATAVERSE_API_TOKEN, else read from stdin).
    Login {
        /// Profile name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Do not check the token against the server first.
        #[arg(long)]
        no_verify: bool,
        /// Make this the profile used when none is named.
        #[arg(long)]
        set_default: bool,
    },
    /// List saved profiles (tokens are never shown).
    List,
    /// Remove a profile.
    Logout {
        /// Profile name.
        #[arg(long, default_value = "default")]
        name: String,
    },
}

/// `dv completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `dv demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's Dataverse in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `dv collection ...`
#[derive(Debug, Subcommand)]
pub enum CollectionCommand {
    /// Show a collection (alias, numeric id or :root).
    Get {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// Create a collection (unpublished) under a parent.
    Create {
        /// The parent collection.
        #[arg(long, default_value = ":root")]
        parent: String,
        /// The fields, from flags.
        #[command(flatten)]
        fields: CollectionFields,
    },
    /// Change a collection's fields (only those given).
    Update {
        /// Alias, numeric id or :root.
        id: String,
        /// The fields, from flags.
        #[command(flatten)]
        fields: CollectionFields,
    },
    /// Publish a collection (its parent must be published).
    Publish {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// Delete an empty, unpublished collection.
    Delete {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// List the sub-collections and datasets directly inside a collection.
    Contents {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// List the role assignments on a collection.
    Assignments {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// List the roles defined on a collection.
    Roles {
        /// Alias, numeric id or :root.
        id: String,
    },
    /// List a collection's search facets.
    Facets {
        /// Alias, numeric id or :root.
        id: String,
        /// With ids and display names.
        #[arg(long)]
        details: bool,
    },
    /// Walk the whole tree below a collection, concurrently.
    Crawl(CrawlArgs),
}

/// Collection fields for `create` and `update`: flags, or a JSON file.
#[derive(Debug, Args, Clone, Default)]
pub struct CollectionFields {
    /// Alias (letters, digits, '_' and '-'; at most 60).
    #[arg(long)]
    pub alias: Option<String>,
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// Contact e-mail (repeat for several).
    #[arg(long = "contact", value_name = "EMAIL")]
    pub contacts: Vec<String>,
    /// Affiliation.
    #[arg(long)]
    pub affiliation: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Kind: DEPARTMENT, JOURNALS, LABORATORY, ORGANIZATIONS_INSTITUTIONS, RESEARCHERS,
    /// RESEARCH_GROUP, RESEARCH_PROJECTS, TEACHING_COURSES or UNCATEGORIZED.
    #[arg(long = "type", value_name = "TYPE")]
    pub dataverse_type: Option<String>,
    /// Read the body from a JSON file (Dataverse's create/update JSON; `-` for stdin);
    /// flags given too override its fields.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// `dv collection crawl`
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Where to start: alias, numeric id or :root.
    #[arg(default_value = ":root")]
    pub id: String,
    /// Only collections or only datasets.
    #[arg(long, value_enum)]
    pub only: Option<CrawlOnly>,
    /// Requests at once (default 8).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Skip reading dataset titles (one request per dataset less).
    #[arg(long)]
    pub no_titles: bool,
    /// Keep going past failed requests and report them at the end.
    #[arg(long)]
    pub continue_on_error: bool,
}

/// `--only` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CrawlOnly {
    /// Only collections.
    Collections,
    /// Only datasets.
    Datasets,
}
