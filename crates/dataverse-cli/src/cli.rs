//! The command line: global options and one subcommand per endpoint family.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::commands::file::FileCommand;

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
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// `-o FORMAT` is short for --output; `dv dataset files` and `dv file download` also
    /// take `-o FILE` (or a directory), where the table or the download goes.
    #[arg(
        short = 'o',
        global = true,
        value_name = "FORMAT|FILE",
        value_parser = parse_output_target
    )]
    pub o: Option<OutputTarget>,
    /// Print only errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (-v: requests and retries, -vv: everything).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The value of `-o`: an output format, or a path (for the commands that write files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// One of the output formats' names.
    Format(OutputFormat),
    /// Anything else: a file or directory.
    Path(PathBuf),
}

/// `-o json` is a format, `-o out.csv` a path.
fn parse_output_target(value: &str) -> Result<OutputTarget, String> {
    if value.is_empty() {
        return Err("empty value".into());
    }
    Ok(match OutputFormat::from_str(value, false) {
        Ok(f) => OutputTarget::Format(f),
        Err(_) => OutputTarget::Path(PathBuf::from(value)),
    })
}

impl GlobalArgs {
    /// The output format asked for: `--output`, else `-o FORMAT`.
    pub fn format(&self) -> Option<OutputFormat> {
        self.output.or(match &self.o {
            Some(OutputTarget::Format(f)) => Some(*f),
            _ => None,
        })
    }

    /// The path given as `-o FILE`, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match &self.o {
            Some(OutputTarget::Path(p)) => Some(p),
            _ => None,
        }
    }
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
    /// Apache Parquet (`dv dataset files` with `-o FILE`; needs the `parquet` feature).
    Parquet,
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
    /// Datasets: read, create, validate, edit, publish, review, share, export, delete.
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Files: read, update, upload, replace, delete, restrict, ingest, download.
    #[command(subcommand)]
    File(FileCommand),
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
    /// Inject faults into a share of API requests, to test clients: 503s, Dataverse 500s
    /// (with an incidentId), 429s with Retry-After, reset connections, bodies cut off midway
    /// and slow answers, before or after the request's effect:
    /// `rate=R[,seed=S][,kinds=503+500+429+reset+truncate+slow][,retry_after=SECS][,slow=MS]`
    /// (R from 0 to 1; deterministic for a given seed and request order).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<dataverse_emulator::FaultSpec>,
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

/// `dv dataset ...` (ID: a numeric database id or a PID such as `doi:10.5072/FK2/ABC123`).
#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Show one or more datasets (several are fetched concurrently; JSON: the dataset, or
    /// with several IDs an array of those that could be read).
    #[command(disable_version_flag = true)]
    Get {
        /// Numeric ids or PIDs.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// Which version: :latest (default), :latest-published, :draft, N or N.M.
        #[arg(long, value_name = "V")]
        version: Option<String>,
    },
    /// List a dataset's versions, newest first.
    Versions {
        /// Numeric id or PID.
        id: String,
    },
    /// Create a dataset in a collection from Dataverse's create JSON.
    Create {
        /// The collection: alias, numeric id or :root.
        #[arg(long, value_name = "C")]
        collection: String,
        /// The create body (`{"datasetVersion": {...}}`; `-` for stdin).
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
        /// Import under this existing PID instead of minting one (superusers only).
        #[arg(long, value_name = "PID")]
        pid: Option<String>,
        /// With --pid: release the imported dataset as 1.0.
        #[arg(long, requires = "pid")]
        publish: bool,
        /// Send the body without checking it against the metadata blocks first.
        #[arg(long)]
        no_preflight: bool,
    },
    /// Check a create body: locally against the metadata blocks, then by the server.
    Validate {
        /// The collection: alias, numeric id or :root.
        #[arg(long, value_name = "C")]
        collection: String,
        /// The create body (`-` for stdin).
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Add metadata to the draft (or, with --replace, replace fields).
    Edit {
        /// Numeric id or PID.
        id: String,
        /// `{"fields": [...]}` or a single field object (`-` for stdin).
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
        /// Replace the named fields instead of adding to them.
        #[arg(long)]
        replace: bool,
    },
    /// Publish the draft.
    Publish {
        /// Numeric id or PID.
        id: String,
        /// How to number the new version.
        #[arg(
            long = "type",
            value_enum,
            default_value = "major",
            value_name = "TYPE"
        )]
        release_type: ReleaseArg,
        /// Wait until the publication has finished.
        #[arg(long)]
        wait: bool,
        /// With --wait: give up waiting after this many seconds.
        #[arg(long, requires = "wait", default_value_t = 60, value_name = "SECS")]
        timeout: u64,
    },
    /// List a version's files (JSON: the server's file metadata; CSV and Parquet: the
    /// files table's columns). `-o FILE` writes the table to a file (format from
    /// --output or the extension: .json, .ndjson, .csv, .parquet).
    #[command(disable_version_flag = true)]
    Files {
        /// Numeric id or PID.
        id: String,
        /// Only files of this content type (`text/csv`, or `text/*`); repeat for several.
        #[arg(long = "mime", value_name = "TYPE")]
        mime: Vec<String>,
        /// Which version: :latest (default), :latest-published, :draft, N or N.M.
        #[arg(long, value_name = "V")]
        version: Option<String>,
    },
    /// List the dataset's locks.
    Locks {
        /// Numeric id or PID.
        id: String,
        /// Only this lock type (Ingest, Workflow, InReview, finalizePublication, ...).
        #[arg(long = "type", value_name = "T")]
        lock_type: Option<String>,
    },
    /// List the role assignments on a dataset.
    Assignments {
        /// Numeric id or PID.
        id: String,
    },
    /// Delete the draft (a never-published dataset is deleted entirely).
    Delete {
        /// Numeric id or PID.
        id: String,
    },
    /// Destroy a dataset with all its versions and files (irreversible).
    Destroy {
        /// Numeric id or PID.
        id: String,
        /// Confirm: destroying cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Submit for review, or return to the authors.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// The draft's private URL (share it for review without publishing).
    #[command(subcommand)]
    PrivateUrl(PrivateUrlCommand),
    /// Export the metadata in a format (see `dv info exporters`).
    Export {
        /// Numeric id or PID.
        id: String,
        /// Export format, e.g. ddi, oai_dc, schema.org, dataverse_json.
        #[arg(long, value_name = "F")]
        format: String,
        /// Write the document to this file instead of stdout.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
}

/// `dv dataset publish --type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReleaseArg {
    /// A new major version (N+1).0; the first release is always major.
    Major,
    /// A new minor version N.(m+1); only when no file changed.
    Minor,
    /// Overwrite the latest published version (superusers only).
    #[value(name = "updatecurrent")]
    UpdateCurrent,
}

/// `dv dataset review ...`
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Submit the draft for review.
    Submit {
        /// Numeric id or PID.
        id: String,
    },
    /// Return a dataset in review to its authors.
    Return {
        /// Numeric id or PID.
        id: String,
        /// Why (sent to the authors).
        #[arg(long)]
        reason: String,
    },
}

/// `dv dataset private-url ...`
#[derive(Debug, Subcommand)]
pub enum PrivateUrlCommand {
    /// Create a private URL; prints its link and token.
    Create {
        /// Numeric id or PID.
        id: String,
    },
    /// Show the private URL's link and token.
    Show {
        /// Numeric id or PID.
        id: String,
    },
    /// Delete the private URL; its token stops working.
    Delete {
        /// Numeric id or PID.
        id: String,
    },
}
