//! `dv user token get|recreate|delete` (`show`: an alias)

use clap::Subcommand;
use serde_json::json;

use crate::config::{ConfigFile, config_path};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output;

/// `dv user token ...`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// When the token expires (the token itself is never printed).
    #[command(visible_alias = "show")]
    Get,
    /// Replace the token with a new one; the profile in use is updated.
    Recreate {
        /// Print the new token on stdout (it is otherwise only saved to the profile in use).
        #[arg(long)]
        reveal: bool,
    },
    /// Delete the token; it stops working at once.
    Delete,
}

/// Run `dv user token ...`.
pub(crate) async fn execute(ctx: &Context, cmd: TokenCommand) -> CliResult {
    match cmd {
        TokenCommand::Get => {
            let e = ctx.api.get_user_api_token_expiration_date().await?;
            output::emit(ctx.output, &e, || output::line(&e.message))
        }
        TokenCommand::Recreate { reveal } => recreate(ctx, reveal).await,
        TokenCommand::Delete => {
            let m = ctx.api.delete_user_api_token().await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
    }
}

/// A new token, saved to the profile in use (and printed with `--reveal`).
async fn recreate(ctx: &Context, reveal: bool) -> CliResult {
    if !reveal && ctx.profile.is_none() && !ctx.is_local() {
        return Err(CliError::Usage(
            "no profile is in use, so the new token could not be saved: pass --reveal to print it, or log in with `dv auth login`".into(),
        ));
    }
    let r = ctx.api.recreate_user_api_token().await?;
    let mut saved = None;
    if let (Some(name), Some(token)) = (&ctx.profile, &r.token) {
        let path = config_path()?;
        let mut cfg = ConfigFile::load(&path)?;
        if let Some(p) = cfg.profiles.get_mut(name) {
            p.token = Some(token.expose().to_string());
            cfg.save(&path)?;
            saved = Some(name.clone());
        }
    }
    if reveal {
        if let Some(t) = &r.token {
            output::line(t.expose())?;
        }
        return Ok(());
    }
    let value = json!({
        "message": r.message,
        "userIdentifier": r.user_identifier,
        "expiresOn": r.expires_on,
        "savedToProfile": saved,
    });
    output::emit(ctx.output, &value, || {
        output::line(&r.message)?;
        match &saved {
            Some(name) => output::line(&format!("The new token is saved in profile '{name}'.")),
            None => Ok(()),
        }
    })
}
