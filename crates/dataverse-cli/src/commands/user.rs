//! `dv user me`, `dv user token show|recreate|delete`

use serde_json::json;

use crate::cli::{TokenCommand, UserCommand};
use crate::config::{ConfigFile, config_path};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, opt, yes};

/// Run `dv user ...`.
pub async fn run(cmd: UserCommand, ctx: &Context) -> CliResult {
    match cmd {
        UserCommand::Me => {
            let u = ctx.api.get_user().await?;
            output::emit(ctx.output, &u, || {
                output::pairs(vec![
                    ("id", opt(&u.id)),
                    ("identifier", opt(&u.identifier)),
                    ("name", opt(&u.display_name)),
                    ("email", opt(&u.email)),
                    ("affiliation", opt(&u.affiliation)),
                    ("superuser", yes(u.superuser)),
                    ("deactivated", yes(u.deactivated)),
                    ("created", opt(&u.created_time)),
                    ("last API use", opt(&u.last_api_use_time)),
                ])
            })
        }
        UserCommand::Token(TokenCommand::Show) => {
            let e = ctx.api.get_user_api_token_expiration_date().await?;
            output::emit(ctx.output, &e, || output::line(&e.message))
        }
        UserCommand::Token(TokenCommand::Recreate { reveal }) => {
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
                    Some(name) => {
                        output::line(&format!("The new token is saved in profile '{name}'."))
                    }
                    None => Ok(()),
                }
            })
        }
        UserCommand::Token(TokenCommand::Delete) => {
            let m = ctx.api.delete_user_api_token().await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
    }
}
