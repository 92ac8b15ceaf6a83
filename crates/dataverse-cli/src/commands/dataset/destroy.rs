//! `dv dataset destroy ID --yes`

use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output;

/// `dv dataset destroy`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// Confirm: destroying cannot be undone.
    #[arg(long)]
    pub yes: bool,
}

/// Destroy a dataset with all its versions and files, once confirmed.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let id = args.id;
    if !args.yes {
        return Err(CliError::Usage(format!(
            "destroying dataset {id} deletes all its versions and files and cannot be undone; add --yes to confirm"
        )));
    }
    let m = ctx.api.destroy_dataset(id.as_str()).await?;
    output::emit(ctx.output, &m, || output::line(&m.message))
}
