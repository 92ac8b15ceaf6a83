//! `dv dataset export ID --format F [--file PATH]`

use std::io::Write;
use std::path::PathBuf;

use crate::context::Context;
use crate::error::CliResult;
use crate::output::write_atomically;

/// `dv dataset export`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Export format, e.g. ddi, oai_dc, schema.org, dataverse_json.
    #[arg(long, value_name = "F")]
    pub format: String,
    /// Write the document to this file instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Print the export document as the server sent it, or write it to `--file`.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args { id, format, file } = args;
    let doc = ctx.api.get_dataset_export(id.as_str(), &format).await?;
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
