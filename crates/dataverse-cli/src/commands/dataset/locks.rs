//! `dv dataset locks ID [--type T]`

use dataverse_client::models::datasets::LockType;

use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, Col, opt};

/// `dv dataset locks`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Only this lock type (Ingest, Workflow, InReview, finalizePublication, ...).
    #[arg(long = "type", value_name = "T")]
    pub lock_type: Option<String>,
}

/// List the dataset's locks.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let lock_type = args.lock_type.as_deref().map(parse_lock_type).transpose()?;
    let list = ctx
        .api
        .get_dataset_lock(args.id.as_str(), lock_type)
        .await?;
    output::emit_list(
        ctx.output,
        &list,
        &["lockType", "date", "user", "dataset", "message"],
        || {
            let rows = list
                .iter()
                .map(|l| {
                    vec![
                        l.lock_type.to_string(),
                        opt(&l.date),
                        opt(&l.user),
                        opt(&l.message),
                    ]
                })
                .collect();
            output::grid(
                "no locks",
                &[
                    Col::id("type"),
                    Col::id("since"),
                    Col::id("user"),
                    Col::text("message"),
                ],
                rows,
            )
        },
    )
}

/// `--type`: a known lock type, matched without regard to case.
fn parse_lock_type(s: &str) -> CliResult<LockType> {
    const KNOWN: [LockType; 8] = [
        LockType::Ingest,
        LockType::Workflow,
        LockType::InReview,
        LockType::DcmUpload,
        LockType::GlobusUpload,
        LockType::FinalizePublication,
        LockType::EditInProgress,
        LockType::FileValidationFailed,
    ];
    KNOWN
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = KNOWN.iter().map(LockType::as_str).collect();
            CliError::Usage(format!(
                "'{s}' is not a lock type; expected one of {}",
                names.join(", ")
            ))
        })
}
