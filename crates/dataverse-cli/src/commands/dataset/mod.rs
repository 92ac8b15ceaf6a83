//! `dv dataset get|list|versions|create|template|validate|edit|publish|files|locks|
//! assignments|delete|destroy|review|private-url|storage-driver|export|permissions|citation|
//! deaccession|download-size|metadata|thumbnail`

mod assign;
mod assignments;
pub(crate) mod citation;
mod create;
mod deaccession;
mod delete;
mod destroy;
mod display;
mod download_size;
mod edit;
mod export;
pub(crate) mod files;
mod get;
mod guestbook;
mod list;
mod locks;
mod metadata;
mod permissions;
mod private_url;
mod publish;
mod review;
mod storage_driver;
mod template;
mod thumbnail;
mod validate;
mod versions;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

pub(crate) use storage_driver::show as show_storage_driver;

/// `dv dataset ...` (ID: a numeric database id or a PID such as `doi:10.5072/FK2/ABC123`).
#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Show one or more datasets (several are fetched concurrently; JSON: the dataset, or
    /// with several IDs an array of those that could be read).
    #[command(disable_version_flag = true, alias = "show", after_help = EXAMPLES_GET)]
    Get(get::Args),
    /// List the datasets directly inside a collection (the whole tree below it: `dv
    /// collection crawl COLLECTION --only datasets`).
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// List a dataset's versions, newest first.
    Versions(versions::Args),
    /// Create a dataset in a collection from Dataverse's create JSON.
    #[command(after_help = EXAMPLES_CREATE)]
    Create(create::Args),
    /// Print a starter create body: the required fields of a collection's metadata blocks,
    /// with placeholders to fill in (JSON, for `dv dataset create --json`).
    Template(template::Args),
    /// Check a create body: locally against the metadata blocks, then by the server.
    Validate(validate::Args),
    /// Add metadata to the draft (or, with --replace, replace fields), from a JSON file or
    /// `--set NAME=VALUE`; checked against the metadata blocks first, as `create` is.
    #[command(after_help = EXAMPLES_EDIT)]
    Edit(edit::Args),
    /// Publish the draft.
    Publish(publish::Args),
    /// List a version's files (JSON: the server's file metadata; CSV and Parquet: the
    /// files table's columns). `-O FILE` writes the table to a file (format from
    /// --output or the extension: .json, .ndjson, .csv, .parquet).
    #[command(disable_version_flag = true)]
    Files(files::Args),
    /// The total size a download of a version would bring (--mode all|original|archival
    /// for ingested tables; the same filters as files).
    #[command(disable_version_flag = true)]
    DownloadSize(download_size::Args),
    /// List the dataset's locks.
    Locks(locks::Args),
    /// List the role assignments on a dataset (and on its collection, as Dataverse does).
    Assignments(assignments::Args),
    /// Grant a role on a dataset (ID ASSIGNEE ROLE).
    Assign(assign::Args),
    /// Revoke a role assignment through a dataset (ID ASSIGNMENT-ID).
    Unassign(assign::UnassignArgs),
    /// Delete the draft (a never-published dataset is deleted entirely).
    Delete(delete::Args),
    /// Destroy a dataset with all its versions and files (irreversible).
    Destroy(destroy::Args),
    /// Submit for review, or return to the authors.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// The draft's private URL (share it for review without publishing).
    #[command(subcommand)]
    PrivateUrl(private_url::PrivateUrlCommand),
    /// The guestbook downloads of the dataset ask: set or remove it.
    #[command(subcommand)]
    Guestbook(guestbook::GuestbookCommand),
    /// The store the dataset keeps new files in (`file`, `s3`, ...).
    #[command(subcommand)]
    StorageDriver(storage_driver::StorageDriverCommand),
    /// Export the metadata in a format (see `dv info exporters`).
    #[command(disable_version_flag = true)]
    Export(export::Args),
    /// What you may do on a dataset (the token's user; a guest without a token).
    Permissions(permissions::Args),
    /// A version's citation as Dataverse formats it.
    #[command(disable_version_flag = true)]
    Citation(citation::Args),
    /// Withdraw a published version from view, with a reason (needs the right to publish).
    #[command(disable_version_flag = true, after_help = EXAMPLES_DEACCESSION)]
    Deaccession(deaccession::Args),
    /// The metadata as JSON-LD (`--jsonld`, also as RDF triples with `--triples`), or
    /// added, replaced or deleted from a JSON-LD file (`--set`, `--replace`, `--delete`).
    #[command(disable_version_flag = true, after_help = EXAMPLES_METADATA)]
    Metadata(metadata::Args),
    /// The image that stands for a dataset (PNG, 48 pixels; --logo: 140), to -O FILE or
    /// stdout.
    Thumbnail(thumbnail::Args),
}

/// The examples at the end of `dv dataset deaccession --help`.
const EXAMPLES_DEACCESSION: &str = "\
Examples:
  dv dataset deaccession doi:10.5072/FK2/ABCDEF --version 1.0 --reason \"Superseded\"
  dv dataset deaccession 42 --version :latest-published --reason \"Retracted\" --forward-url https://doi.org/10.5072/FK2/NEW
  dv dataset citation 42 --version 1.0 --include-deaccessioned   # still citable";

/// The examples at the end of `dv dataset metadata --help`.
const EXAMPLES_METADATA: &str = "\
Examples:
  dv dataset metadata doi:10.5072/FK2/ABCDEF --jsonld > finches.jsonld
  dv dataset metadata doi:10.5072/FK2/ABCDEF --jsonld --version 1.0 --triples
  dv dataset metadata doi:10.5072/FK2/ABCDEF --set keywords.jsonld            # add values
  dv dataset metadata doi:10.5072/FK2/ABCDEF --set finches.jsonld --replace   # replace fields
  dv dataset metadata doi:10.5072/FK2/ABCDEF --delete keywords.jsonld";

/// The examples at the end of `dv dataset create --help`.
const EXAMPLES_CREATE: &str = "\
Examples:
  dv dataset create --collection lab --json dataset.json   # checked against the blocks first
  dv dataset validate --collection lab --json dataset.json # only check it
  dv dataset create --collection lab --json dataset.json -o json > created.json
  dv metadatablocks get citation                          # the fields a body may use";

/// The examples at the end of `dv dataset get --help`.
const EXAMPLES_GET: &str = "\
Examples:
  dv dataset get doi:10.5072/FK2/ABCDEF
  dv dataset get 42 --version :latest-published -o json
  dv dataset get doi:10.5072/FK2/ABCDEF doi:10.5072/FK2/XYZ789   # fetched concurrently
  dv dataset list lab                                     # the datasets in a collection";

/// The examples at the end of `dv dataset edit --help`.
const EXAMPLES_EDIT: &str = "\
Examples:
  dv dataset edit doi:10.5072/FK2/ABCDEF --json keywords.json            # add values
  dv dataset edit doi:10.5072/FK2/ABCDEF --json title.json --replace     # replace fields
  dv dataset edit doi:10.5072/FK2/ABCDEF --set title=\"A better title\" --replace
  dv dataset edit doi:10.5072/FK2/ABCDEF --set keywordValue=birds --set keywordValue=finches
  dv dataset edit doi:10.5072/FK2/ABCDEF --set authorName=\"Finch, Fiona\" --set authorAffiliation=\"Birds Inc.\"
  dv dataset publish doi:10.5072/FK2/ABCDEF --wait                       # then publish";

impl DatasetCommand {
    /// Whether this command writes a file to `-O/--out`.
    pub fn writes_files(&self) -> bool {
        matches!(
            self,
            DatasetCommand::Files(_) | DatasetCommand::Thumbnail(_)
        )
    }
}

/// Run `dv dataset ...`.
pub async fn run(ctx: &Context, cmd: DatasetCommand) -> CliResult {
    match cmd {
        DatasetCommand::Get(args) => get::execute(ctx, args).await,
        DatasetCommand::List(args) => list::execute(ctx, args).await,
        DatasetCommand::Versions(args) => versions::execute(ctx, args).await,
        DatasetCommand::Create(args) => create::execute(ctx, args).await,
        DatasetCommand::Template(args) => template::execute(ctx, args).await,
        DatasetCommand::Validate(args) => validate::execute(ctx, args).await,
        DatasetCommand::Edit(args) => edit::execute(ctx, args).await,
        DatasetCommand::Publish(args) => publish::execute(ctx, args).await,
        DatasetCommand::Files(args) => files::execute(ctx, args).await,
        DatasetCommand::DownloadSize(args) => download_size::execute(ctx, args).await,
        DatasetCommand::Locks(args) => locks::execute(ctx, args).await,
        DatasetCommand::Assignments(args) => assignments::execute(ctx, args).await,
        DatasetCommand::Assign(args) => assign::execute(ctx, args).await,
        DatasetCommand::Unassign(args) => assign::unassign(ctx, args).await,
        DatasetCommand::Delete(args) => delete::execute(ctx, args).await,
        DatasetCommand::Destroy(args) => destroy::execute(ctx, args).await,
        DatasetCommand::Review(cmd) => review::execute(ctx, cmd).await,
        DatasetCommand::PrivateUrl(cmd) => private_url::execute(ctx, cmd).await,
        DatasetCommand::Guestbook(cmd) => guestbook::execute(ctx, cmd).await,
        DatasetCommand::StorageDriver(cmd) => storage_driver::execute(ctx, cmd).await,
        DatasetCommand::Export(args) => export::execute(ctx, args).await,
        DatasetCommand::Permissions(args) => permissions::execute(ctx, args).await,
        DatasetCommand::Citation(args) => citation::execute(ctx, args).await,
        DatasetCommand::Deaccession(args) => deaccession::execute(ctx, args).await,
        DatasetCommand::Metadata(args) => metadata::execute(ctx, args).await,
        DatasetCommand::Thumbnail(args) => thumbnail::execute(ctx, args).await,
    }
}
