//! `dv dataset publish ID [--type major|minor|updatecurrent] [--wait [--timeout SECS]]`

use std::time::Duration;

use clap::ValueEnum;
use dataverse_client::models::datasets::ReleaseType;

use super::display::emit_datasets;
use crate::context::Context;
use crate::error::CliResult;
use crate::progress::Spinner;

/// `dv dataset publish`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Numeric id or PID.
    pub id: String,
    /// How to number the new version.
    #[arg(
        long = "type",
        value_enum,
        default_value = "major",
        value_name = "TYPE"
    )]
    pub release_type: ReleaseArg,
    /// Wait until the publication has finished.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up waiting after this many seconds.
    #[arg(long, requires = "wait", default_value_t = 60, value_name = "SECS")]
    pub timeout: u64,
}

/// `dv dataset publish --type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReleaseArg {
    /// A new major version (N+1).0; the first release is always major.
    Major,
    /// A new minor version N.(m+1); only when no file changed.
    Minor,
    /// Overwrite the latest published version (superusers only).
    #[value(name = "updatecurrent")]
    UpdateCurrent,
}

impl From<ReleaseArg> for ReleaseType {
    fn from(r: ReleaseArg) -> Self {
        match r {
            ReleaseArg::Major => ReleaseType::Major,
            ReleaseArg::Minor => ReleaseType::Minor,
            ReleaseArg::UpdateCurrent => ReleaseType::UpdateCurrent,
        }
    }
}

/// Publish the draft (with `--wait`, until the publication has finished).
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let Args {
        id,
        release_type,
        wait,
        timeout,
    } = args;
    let api = &ctx.api;
    let release = ReleaseType::from(release_type);
    let ds = if wait {
        let spinner = Spinner::new(ctx.quiet);
        spinner.set_message(format!("publishing {id} and waiting for it to finish"));
        let r = api
            .publish_dataset_and_wait(id.as_str(), release, Duration::from_secs(timeout))
            .await;
        spinner.finish();
        r?
    } else {
        api.publish_dataset(id.as_str(), release).await?
    };
    emit_datasets(ctx.output, &ds, std::slice::from_ref(&ds))
}
