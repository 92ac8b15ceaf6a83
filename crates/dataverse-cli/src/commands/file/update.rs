//! `dv file update FILE [--label NAME] [metadata flags]`

use dataverse_client::models::files::UploadBody;

use super::fields::FileFields;
use super::get::show_file;
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, opt};

/// `dv file update`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// New file name.
    #[arg(long)]
    pub label: Option<String>,
    /// The metadata.
    #[command(flatten)]
    pub fields: FileFields,
}

/// Change the metadata given, in the draft.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let body = args.fields.body(args.label, false);
    if body == UploadBody::default() {
        return Err(CliError::Usage(
            "nothing to change: give --label, --description, --directory, --category or --restrict"
                .into(),
        ));
    }
    let m = ctx
        .api
        .update_datafile_metadata(args.id.as_str(), &body)
        .await?;
    // The server's echo has neither the file's id nor its name: show the file as the
    // draft now holds it.
    match ctx.api.get_datafile_metadata(args.id.as_str(), true).await {
        Ok(f) => output::emit(ctx.output, &f, || show_file(&f)),
        Err(e) => {
            if !ctx.quiet {
                eprintln!(
                    "dv: updated, but cannot read the file back: {}",
                    api_line(&e)
                );
            }
            output::emit(ctx.output, &m, || {
                output::pairs(vec![
                    ("label", opt(&m.label)),
                    ("directory", opt(&m.directory_label)),
                    ("description", opt(&m.description)),
                    ("restricted", output::yes(m.restricted)),
                    (
                        "categories",
                        m.categories.clone().unwrap_or_default().join(", "),
                    ),
                ])
            })
        }
    }
}
