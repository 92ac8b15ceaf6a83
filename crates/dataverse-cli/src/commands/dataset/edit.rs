//! `dv dataset edit ID (--json FILE | --set NAME=VALUE...) [--replace]`

use std::path::PathBuf;

use dataverse_client::models::datasets::DatasetVersion;
use dataverse_client::models::metadata::{
    EditMetadataBody, edit_from_pairs, validate_edit_metadata,
};

use super::display::problems_summary;
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::input::read_body;
use crate::output::{self, opt};
use crate::progress::Spinner;

/// `dv dataset edit`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// `{"fields": [...]}` or a single field object (`-` for stdin).
    #[arg(long, value_name = "FILE", required_unless_present = "set")]
    pub json: Option<PathBuf>,
    /// Set one field by name, without a JSON file (repeat for several). A child of a
    /// compound field (authorName, keywordValue) fills a value of its parent; a child
    /// given again starts the parent's next value.
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Replace the named fields instead of adding to them.
    #[arg(long)]
    pub replace: bool,
    /// Send the --json body without checking it against the metadata blocks first.
    #[arg(long)]
    pub no_preflight: bool,
}

/// `NAME=VALUE` as its two parts.
fn parse_pair(text: &str) -> CliResult<(String, String)> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(CliError::Usage(format!(
            "--set expects NAME=VALUE (e.g. title=\"A title\"), not '{text}'"
        ))),
    }
}

/// Check the body (and build the `--set` fields) against the metadata blocks, then add to
/// (or replace) the draft's metadata; print the draft.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    let mut body = match &args.json {
        Some(path) => read_body::<EditMetadataBody>(path, "metadata edit body")?,
        None => EditMetadataBody::default(),
    };
    let pairs = args
        .set
        .iter()
        .map(|s| parse_pair(s))
        .collect::<CliResult<Vec<_>>>()?;
    if !pairs.is_empty() || !args.no_preflight {
        let spinner = Spinner::new(ctx.quiet);
        spinner.set_message("checking the metadata against the dataset's metadata blocks".into());
        // The blocks of the dataset's own collection (the installation's on a server that
        // does not name it).
        let blocks = api.get_dataset_metadatablocks(args.id.as_str()).await;
        spinner.finish();
        let blocks = blocks?;
        let mut problems = Vec::new();
        if !args.no_preflight {
            problems.extend(validate_edit_metadata(&blocks, &body.fields));
        }
        match edit_from_pairs(&blocks, &pairs) {
            Ok(set) => body.fields.extend(set.fields),
            Err(p) => problems.extend(p),
        }
        if !problems.is_empty() {
            let source = match &args.json {
                Some(path) if pairs.is_empty() => path.display().to_string(),
                Some(path) => format!("{} and --set", path.display()),
                None => "--set".to_string(),
            };
            let hint = if args.json.is_some() && !args.no_preflight {
                " (--no-preflight skips this check)"
            } else {
                ""
            };
            return Err(CliError::Usage(format!(
                "{source}: {}; nothing was sent{hint}",
                problems_summary(&problems, ctx.verbose)
            )));
        }
    }
    let v = api
        .edit_dataset_metadata(args.id.as_str(), &body, args.replace)
        .await?;
    output::emit(ctx.output, &v, || show_version(&v))
}

/// One version as key-value pairs.
fn show_version(v: &DatasetVersion) -> CliResult {
    output::pairs(vec![
        ("dataset id", opt(&v.dataset_id)),
        ("persistent id", opt(&v.dataset_persistent_id)),
        ("version", v.version_label()),
        ("state", opt(&v.version_state)),
        ("title", v.title().unwrap_or_default().to_string()),
        ("last update", opt(&v.last_update_time)),
    ])
}

#[cfg(test)]
mod tests {
    use super::parse_pair;

    #[test]
    fn pairs_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_pair("title=a=b").unwrap(),
            ("title".to_string(), "a=b".to_string())
        );
        assert_eq!(
            parse_pair(" title =").unwrap(),
            ("title".to_string(), String::new())
        );
        for bad in ["title", "=x", ""] {
            let e = parse_pair(bad).unwrap_err();
            assert!(e.to_string().starts_with("--set expects NAME=VALUE"), "{e}");
        }
    }
}
