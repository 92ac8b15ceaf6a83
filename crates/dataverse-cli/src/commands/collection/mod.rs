//! `dv collection get|create|update|publish|delete|contents|assignments|assign|unassign|roles|
//! facets|crawl|permissions|storage-driver|metadatablocks|input-levels|attribute|
//! guestbook-responses`

mod assign;
mod assignments;
mod attribute;
mod contents;
mod crawl;
mod create;
mod delete;
mod display;
mod facets;
mod fields;
mod get;
mod guestbook_responses;
mod input_levels;
mod metadatablocks;
mod permissions;
mod publish;
mod roles;
mod storage_driver;
mod update;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv collection ...`
#[derive(Debug, Subcommand)]
pub enum CollectionCommand {
    /// Show a collection (alias, numeric id or :root).
    #[command(alias = "show")]
    Get(get::Args),
    /// Create a collection (unpublished) under a parent.
    Create(create::Args),
    /// Change a collection's fields (only those given).
    Update(update::Args),
    /// Publish a collection (its parent must be published).
    Publish(publish::Args),
    /// Delete an empty, unpublished collection.
    Delete(delete::Args),
    /// List the sub-collections and datasets directly inside a collection.
    ///
    /// The table shows a collection's alias and title, a dataset's PID and publication
    /// date ("draft" before its first); reading the aliases costs one request per
    /// sub-collection.
    #[command(visible_aliases = ["list", "ls"])]
    Contents(contents::Args),
    /// List the role assignments on a collection.
    Assignments(assignments::Args),
    /// Grant a role on a collection (ID ASSIGNEE ROLE).
    Assign(assign::Args),
    /// Revoke a role assignment on a collection (ID ASSIGNMENT-ID).
    Unassign(assign::UnassignArgs),
    /// List the roles available on a collection (as `dv role list`).
    Roles(roles::Args),
    /// List a collection's search facets.
    Facets(facets::Args),
    /// The store a collection keeps new files in, and the installation's stores.
    #[command(subcommand)]
    StorageDriver(storage_driver::StorageDriverCommand),
    /// Walk the whole tree below a collection, concurrently. CSV and NDJSON stream rows as
    /// they are found; `-O FILE` writes them to a file (format from --output or the
    /// extension: .json, .ndjson, .csv, .parquet).
    ///
    /// The table shows each collection's alias (one more request per collection) and a
    /// dataset's PID, title, version and publication date.
    /// What you may do on a collection (the token's user; a guest without a token).
    Permissions(permissions::Args),
    #[command(after_help = EXAMPLES_CRAWL)]
    Crawl(crawl::Args),
    /// List the metadata blocks a collection offers (its own or its parent's), with
    /// --fields their fields as it sets them up; --set gives it its own blocks, --root
    /// false makes it inherit again.
    Metadatablocks(metadatablocks::Args),
    /// Show a collection's input levels (required, optional or hidden fields), or set them.
    InputLevels(input_levels::Args),
    /// Change one attribute of a collection (alias, name, description, affiliation,
    /// filePIDsEnabled, requireFilesToPublishDataset, allowedDatasetTypes).
    Attribute(attribute::Args),
    /// The guestbook responses of the datasets a collection holds directly, as Dataverse's
    /// CSV (newest first; custom questions and answers end each line), to stdout or
    /// `-O FILE`. Needs the right to edit the collection.
    GuestbookResponses(guestbook_responses::Args),
}

impl CollectionCommand {
    /// Whether this command writes a file to `-O/--out`.
    pub fn writes_files(&self) -> bool {
        matches!(
            self,
            CollectionCommand::Crawl(_) | CollectionCommand::GuestbookResponses(_)
        )
    }
}

/// The examples at the end of `dv collection crawl --help`.
const EXAMPLES_CRAWL: &str = "\
Examples:
  dv collection crawl                                  # the whole installation, from :root
  dv collection crawl lab -o csv > tree.csv            # one row per collection and dataset
  dv collection crawl lab -O tree.parquet              # written as found; Parquet at the end
  dv collection crawl :root --only datasets -o ndjson  # streamed, one JSON object per line
  dv collection crawl lab --concurrency 16 --no-titles --continue-on-error";

/// Run `dv collection ...`.
pub async fn run(ctx: &Context, cmd: CollectionCommand) -> CliResult {
    match cmd {
        CollectionCommand::Get(args) => get::execute(ctx, args).await,
        CollectionCommand::Assign(args) => assign::execute(ctx, args).await,
        CollectionCommand::Unassign(args) => assign::unassign(ctx, args).await,
        CollectionCommand::Create(args) => create::execute(ctx, args).await,
        CollectionCommand::Update(args) => update::execute(ctx, args).await,
        CollectionCommand::Publish(args) => publish::execute(ctx, args).await,
        CollectionCommand::Delete(args) => delete::execute(ctx, args).await,
        CollectionCommand::Contents(args) => contents::execute(ctx, args).await,
        CollectionCommand::Assignments(args) => assignments::execute(ctx, args).await,
        CollectionCommand::Roles(args) => roles::execute(ctx, args).await,
        CollectionCommand::Facets(args) => facets::execute(ctx, args).await,
        CollectionCommand::Permissions(args) => permissions::execute(ctx, args).await,
        CollectionCommand::StorageDriver(cmd) => storage_driver::execute(ctx, cmd).await,
        CollectionCommand::Crawl(args) => crawl::execute(ctx, args).await,
        CollectionCommand::Metadatablocks(args) => metadatablocks::execute(ctx, args).await,
        CollectionCommand::InputLevels(args) => input_levels::execute(ctx, args).await,
        CollectionCommand::Attribute(args) => attribute::execute(ctx, args).await,
        CollectionCommand::GuestbookResponses(args) => {
            guestbook_responses::execute(ctx, args).await
        }
    }
}
