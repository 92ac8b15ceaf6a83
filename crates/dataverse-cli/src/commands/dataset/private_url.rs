//! `dv dataset private-url create|get|delete` (`show`: an alias)

use clap::Subcommand;
use dataverse_client::models::datasets::PrivateUrl;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv dataset private-url ...`
#[derive(Debug, Subcommand)]
pub enum PrivateUrlCommand {
    /// Create a private URL; prints its link and token.
    Create {
        /// Numeric id or PID.
        id: String,
    },
    /// Show the private URL's link and token.
    #[command(visible_alias = "show")]
    Get {
        /// Numeric id or PID.
        id: String,
    },
    /// Delete the private URL; its token stops working.
    Delete {
        /// Numeric id or PID.
        id: String,
    },
}

/// Run `dv dataset private-url ...`.
pub(crate) async fn execute(ctx: &Context, cmd: PrivateUrlCommand) -> CliResult {
    let api = &ctx.api;
    match cmd {
        PrivateUrlCommand::Create { id } => {
            let p = api.create_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &p, || show(&p))
        }
        PrivateUrlCommand::Get { id } => {
            let p = api.get_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &p, || show(&p))
        }
        PrivateUrlCommand::Delete { id } => {
            let m = api.delete_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
    }
}

/// The link and the token.
fn show(p: &PrivateUrl) -> CliResult {
    output::pairs(vec![("link", p.link.clone()), ("token", p.token.clone())])
}
