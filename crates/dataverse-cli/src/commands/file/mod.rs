//! `dv file get|list|update|upload|replace|delete|restrict|unrestrict|redetect|reingest|
//! uningest|download|get-bytes|access|download-count|tables|permissions|citation`

mod access;
mod citation;
mod ddi;
mod delete;
mod download;
mod download_count;
mod fields;
mod get;
mod get_bytes;
mod permissions;
mod redetect;
mod reingest;
mod replace;
mod restrict;
mod tables;
mod thumbnail;
mod uningest;
mod unrestrict;
mod update;
mod upload;
mod uploaded;

use clap::Subcommand;

use crate::context::Context;
use crate::error::CliResult;

/// `dv file ...` (FILE: a numeric file id or a file PID such as `doi:10.5072/FK2/ABC/X1`).
#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Show a file's metadata (latest version the caller may see, or the draft).
    #[command(alias = "show")]
    Get(get::Args),
    /// List a dataset's files: the same as `dv dataset files DATASET`.
    #[command(visible_alias = "ls", disable_version_flag = true)]
    List(crate::commands::dataset::files::Args),
    /// Change a file's metadata in the draft (only what is given).
    Update(update::Args),
    /// Upload files and directories to a dataset. A directory goes up with its relative
    /// folders as directory labels; files already there with the same path and checksum
    /// are skipped (single files too), changed files of a directory replaced. --dry-run
    /// shows what would be sent. Exits 1 when any file failed.
    #[command(after_help = EXAMPLES_UPLOAD)]
    Upload(upload::Args),
    /// Replace a file with new content (give its metadata again: nothing carries over).
    Replace(replace::Args),
    /// Delete a file from the draft (a never-published file is gone entirely).
    Delete(delete::Args),
    /// Restrict a file in the draft (the dataset needs terms of access or access requests).
    Restrict(restrict::Args),
    /// Make a restricted file public again in the draft.
    Unrestrict(unrestrict::Args),
    /// Detect a file's content type again.
    Redetect(redetect::Args),
    /// Ingest a file as a table again (superusers).
    Reingest(reingest::Args),
    /// Undo a file's tabular ingest, back to the uploaded original.
    Uningest(uningest::Args),
    /// Download files (checked against the server's checksum; resumes interrupted
    /// transfers): `-O FILE` for one file, `-O DIR` for several or a dataset (default: the
    /// current directory, under the server's names; two files of a dataset with the same
    /// name get `name_1.ext` as in Dataverse's zips). A different local file in the way is
    /// kept unless --overwrite; --skip-existing skips identical ones.
    #[command(disable_version_flag = true, after_help = EXAMPLES_DOWNLOAD)]
    Download(download::Args),
    /// What you may do with a file (signed-in users only, as in Dataverse).
    Permissions(permissions::Args),
    /// A file's citation: its dataset version's, naming the file.
    #[command(disable_version_flag = true)]
    Citation(citation::Args),
    /// A file's bytes as they come, to stdout or -O FILE: --format original|tab,
    /// --no-var-header, --range START-END (no checksum check; see download).
    GetBytes(get_bytes::Args),
    /// Requests for access to restricted files, and their answers.
    #[command(subcommand)]
    Access(access::AccessCommand),
    /// How many times a file was downloaded.
    DownloadCount(download_count::Args),
    /// The variables of an ingested table with their summary statistics.
    Tables(tables::Args),
    /// An ingested table's DDI codebook (XML) with its variables and their summary
    /// statistics, to stdout or -O FILE.
    Ddi(ddi::Args),
    /// An image file's PNG thumbnail (--size N pixels on its longest side, default 64),
    /// to -O FILE.png or stdout.
    Thumbnail(thumbnail::Args),
}

/// The examples at the end of `dv file upload --help`.
const EXAMPLES_UPLOAD: &str = "\
Examples:
  dv file upload doi:10.5072/FK2/ABCDEF results.csv --description \"Run 3\"
  dv file upload doi:10.5072/FK2/ABCDEF data/ --concurrency 8     # a folder, with its folders
  dv file upload doi:10.5072/FK2/ABCDEF notes.txt --directory docs --category Documentation
  dv file upload doi:10.5072/FK2/ABCDEF table.csv --no-ingest     # keep the CSV as uploaded";

/// The examples at the end of `dv file download --help`.
const EXAMPLES_DOWNLOAD: &str = "\
Examples:
  dv file download 42 -O results.tab          # an ingested table comes as .tab ...
  dv file download 42 --original -O results.csv   # ... or as uploaded
  dv file download 42 43 -O out/              # several files into a directory
  dv file download --dataset doi:10.5072/FK2/ABCDEF -O out/   # a whole dataset, with its folders
  dv file download --dataset doi:10.5072/FK2/ABCDEF --zip -O out/     # as one zip, into out/";

impl FileCommand {
    /// Whether this command writes to `-O/--out`.
    pub fn writes_files(&self) -> bool {
        matches!(
            self,
            FileCommand::Download(_)
                | FileCommand::List(_)
                | FileCommand::GetBytes(_)
                | FileCommand::Ddi(_)
                | FileCommand::Thumbnail(_)
        )
    }
}

/// Run `dv file ...`.
pub async fn run(ctx: &Context, cmd: FileCommand) -> CliResult {
    match cmd {
        FileCommand::Get(args) => get::execute(ctx, args).await,
        FileCommand::List(args) => crate::commands::dataset::files::execute(ctx, args).await,
        FileCommand::Update(args) => update::execute(ctx, args).await,
        FileCommand::Upload(args) => upload::execute(ctx, args).await,
        FileCommand::Replace(args) => replace::execute(ctx, args).await,
        FileCommand::Delete(args) => delete::execute(ctx, args).await,
        FileCommand::Restrict(args) => restrict::execute(ctx, args).await,
        FileCommand::Unrestrict(args) => unrestrict::execute(ctx, args).await,
        FileCommand::Redetect(args) => redetect::execute(ctx, args).await,
        FileCommand::Reingest(args) => reingest::execute(ctx, args).await,
        FileCommand::Uningest(args) => uningest::execute(ctx, args).await,
        FileCommand::Download(args) => download::execute(ctx, args).await,
        FileCommand::Permissions(args) => permissions::execute(ctx, args).await,
        FileCommand::Citation(args) => citation::execute(ctx, args).await,
        FileCommand::GetBytes(args) => get_bytes::execute(ctx, args).await,
        FileCommand::Access(cmd) => access::run(ctx, cmd).await,
        FileCommand::DownloadCount(args) => download_count::execute(ctx, args).await,
        FileCommand::Tables(args) => tables::execute(ctx, args).await,
        FileCommand::Ddi(args) => ddi::execute(ctx, args).await,
        FileCommand::Thumbnail(args) => thumbnail::execute(ctx, args).await,
    }
}
