//! `dv dataset export ID --format F [--version V] [--file PATH]`

use std::io::Write;
use std::path::PathBuf;

use dataverse_client::{Error, Version};

use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::write_atomically;

/// `dv dataset export`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Export format, e.g. ddi, oai_dc, schema.org, dataverse_json (all: `dv info exporters`).
    #[arg(long, value_name = "F")]
    pub format: String,
    /// Which version: the latest published (default), :draft (needs the right to see
    /// it), or the latest published version's number.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// Write the document to this file instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Print the export document as the server sent it, or write it to `--file`.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args {
        id,
        format,
        version,
        file,
    } = args;
    let version = version
        .as_deref()
        .map(Version::parse)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let doc = match ctx
        .api
        .get_dataset_version_export(id.as_str(), &format, version)
        .await
    {
        Ok(doc) => doc,
        Err(e) => return Err(explain(ctx, &id, &format, version, e).await),
    };
    match file {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(doc.as_bytes())?;
            if !doc.ends_with('\n') {
                out.write_all(b"\n")?;
            }
            out.flush()?;
            Ok(())
        }
        Some(path) => {
            write_atomically(&path, doc.as_bytes())?;
            if !ctx.quiet {
                eprintln!(
                    "dv: wrote the {format} export of {id} to {} ({} bytes)",
                    path.display(),
                    doc.len()
                );
            }
            Ok(())
        }
    }
}

/// Say why an export failed when the server's answer does not: Dataverse refuses an
/// unknown format with a bare 403 `Export Failed`, and a dataset never published with a
/// 400 (a 404 before 6.x) about a version. Each case is checked with the server before it is said.
async fn explain(
    ctx: &Context,
    id: &str,
    format: &str,
    version: Option<Version>,
    e: Error,
) -> CliError {
    match &e {
        Error::Forbidden(_) => {
            let Ok(formats) = ctx.api.get_export_formats().await else {
                return e.into();
            };
            if formats.contains_key(format.trim()) {
                return e.into();
            }
            let names: Vec<&str> = formats.keys().map(String::as_str).collect();
            CliError::Explained {
                message: format!(
                    "unknown export format '{}' (available: {})",
                    format.trim(),
                    names.join(", ")
                ),
                source: Box::new(e),
            }
        }
        // Dataverse 6.x answers a failed version lookup with a 400, older ones a 404.
        Error::NotFound(_) | Error::BadRequest(_)
            if matches!(version, None | Some(Version::LatestPublished)) =>
        {
            // The dataset exists, but not as a published version.
            let exists = ctx.api.get_dataset(id, None).await.is_ok();
            let published = ctx
                .api
                .get_dataset(id, Some(Version::LatestPublished))
                .await;
            if exists && matches!(published, Err(Error::NotFound(_))) {
                CliError::Explained {
                    message: format!(
                        "dataset {id} has no published version: only published versions export, unless --version :draft"
                    ),
                    source: Box::new(e),
                }
            } else {
                e.into()
            }
        }
        _ => e.into(),
    }
}
