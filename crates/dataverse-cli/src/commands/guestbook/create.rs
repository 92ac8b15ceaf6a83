//! `dv guestbook create COLLECTION FILE.json`

use std::path::PathBuf;

use dataverse_client::models::guestbooks::Guestbook;

use crate::context::Context;
use crate::error::CliResult;
use crate::input;

/// The examples at the end of `dv guestbook create --help`.
pub(crate) const EXAMPLES: &str = r#"Examples:
  dv guestbook create :root guestbook.json
  dv -o json guestbook show 2 > guestbook.json     # a guestbook to start from
  dv guestbook update 2 guestbook.json

A guestbook.json:
  {"name": "Downloaders", "enabled": true, "nameRequired": true, "emailRequired": true,
   "institutionRequired": false, "positionRequired": false,
   "customQuestions": [{"question": "Purpose?", "required": true, "displayOrder": 0,
     "type": "options", "hidden": false, "optionValues": [
       {"value": "Research", "displayOrder": 0}, {"value": "Teaching", "displayOrder": 1}]}]}"#;

/// `dv guestbook create`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection (alias, numeric id or :root).
    pub collection: String,
    /// The guestbook as JSON (`-`: stdin).
    pub file: PathBuf,
}

/// Create a guestbook.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let gb: Guestbook = input::read_body(&args.file, "guestbook")?;
    let created = ctx
        .api
        .create_guestbook(args.collection.as_str(), &gb)
        .await?;
    super::print_one(ctx.output, &created)
}
