//! `dv file get-bytes FILE [--format F] [--no-var-header] [--range A-B]`: a file's bytes
//! as they come, to stdout or `-O FILE` (no checksum check, no resume: see
//! `dv file download` for that).

use dataverse_client::api::access::DataAccessOptions;
use futures_util::StreamExt;

use crate::context::Context;
use crate::error::{CliError, CliResult};

/// `dv file get-bytes`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File id or PID.
    pub id: String,
    /// `original` (an ingested file as uploaded), `tab`, or another format the server offers.
    #[arg(long, value_name = "F")]
    pub format: Option<String>,
    /// A tabular file without its header line of variable names.
    #[arg(long)]
    pub no_var_header: bool,
    /// Only these bytes: `START-END` (inclusive) or `START-`.
    #[arg(long, value_name = "A-B")]
    pub range: Option<String>,
    /// Do not count this as a download.
    #[arg(long)]
    pub no_count: bool,
    /// An answer to the dataset's guestbook (JSON: `{"guestbookResponse": {...}}` or the
    /// inner object; `-`: stdin), sent first when the dataset asks for one.
    #[arg(long, value_name = "FILE.json")]
    pub guestbook_response: Option<std::path::PathBuf>,
}

/// `A-B` or `A-`.
fn parse_range(text: &str) -> CliResult<(u64, Option<u64>)> {
    let bad = || CliError::Usage(format!("--range {text}: expected START-END or START-"));
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let start = a.trim().parse().map_err(|_| bad())?;
    let end = match b.trim() {
        "" => None,
        b => Some(b.parse().map_err(|_| bad())?),
    };
    if end.is_some_and(|e| e < start) {
        return Err(bad());
    }
    Ok((start, end))
}

/// Stream the bytes to stdout or -O.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let mut options = DataAccessOptions::new()
        .no_var_header(args.no_var_header)
        .gbrecs(args.no_count);
    if let Some(f) = args.format {
        options = options.format(f);
    }
    if let Some(path) = &args.guestbook_response {
        options = options.guestbook_response(crate::input::read_guestbook_response(path)?);
    }
    if let Some(r) = &args.range {
        let (start, end) = parse_range(r)?;
        options = options.range(start, end);
    }
    let mut stream = ctx.api.stream_datafile(args.id.as_str(), &options).await?;
    match &ctx.out {
        Some(path) => {
            let mut bytes = Vec::new();
            while let Some(chunk) = stream.next().await {
                bytes.extend_from_slice(&chunk?);
            }
            crate::output::write_atomically(path, &bytes)
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                if let Err(e) = out.write_all(&chunk) {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return Ok(());
                    }
                    return Err(CliError::io_at("cannot write to stdout", e));
                }
            }
            out.flush()
                .map_err(|e| CliError::io_at("cannot write to stdout", e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0-9").unwrap(), (0, Some(9)));
        assert_eq!(parse_range("5-").unwrap(), (5, None));
        assert!(parse_range("9-3").is_err());
        assert!(parse_range("x").is_err());
    }
}
