//! `dv auth login|list|logout`: profiles in the config file.

use std::io::{BufRead, IsTerminal};

use dataverse_client::NativeApi;

use crate::cli::{AuthCommand, GlobalArgs};
use crate::config::{ConfigFile, Profile, config_path};
use crate::context::{LOCAL, output_format};
use crate::error::{CliError, CliResult};
use crate::output;

/// Run `dv auth ...`.
pub async fn run(cmd: AuthCommand, global: &GlobalArgs) -> CliResult {
    let path = config_path()?;
    match cmd {
        AuthCommand::Login {
            name,
            no_verify,
            set_default,
        } => {
            let url = global.url.clone().ok_or_else(|| {
                CliError::Usage("dv auth login needs --url (or DATAVERSE_URL)".into())
            })?;
            let token = match global.token.clone().filter(|t| !t.is_empty()) {
                Some(t) => Some(t),
                None if url.eq_ignore_ascii_case(LOCAL) => None,
                None => Some(read_token()?),
            };
            if !no_verify && !url.eq_ignore_ascii_case(LOCAL) {
                let api = NativeApi::builder(url.clone())
                    .api_token_opt(token.clone())
                    .build()?;
                let user = api.get_user().await?;
                if !global.quiet {
                    eprintln!(
                        "dv: token accepted for {}",
                        user.identifier
                            .as_deref()
                            .or(user.display_name.as_deref())
                            .unwrap_or("the user")
                    );
                }
            }
            let mut cfg = ConfigFile::load(&path)?;
            cfg.profiles.insert(name.clone(), Profile { url, token });
            if set_default || cfg.default_profile.is_none() {
                cfg.default_profile = Some(name.clone());
            }
            cfg.save(&path)?;
            if !global.quiet {
                eprintln!("dv: saved profile '{name}' in {}", path.display());
            }
            Ok(())
        }
        AuthCommand::List => {
            let cfg = ConfigFile::load(&path)?;
            let rows: Vec<serde_json::Value> = cfg
                .profiles
                .iter()
                .map(|(name, p)| {
                    serde_json::json!({
                        "name": name,
                        "url": p.url,
                        "tokenSet": p.token.is_some(),
                        "default": cfg.default_profile.as_deref() == Some(name.as_str()),
                    })
                })
                .collect();
            output::emit(output_format(global), &rows, || {
                let table = cfg
                    .profiles
                    .iter()
                    .map(|(name, p)| {
                        vec![
                            name.clone(),
                            p.url.clone(),
                            if p.token.is_some() { "set" } else { "" }.to_string(),
                            if cfg.default_profile.as_deref() == Some(name.as_str()) {
                                "*"
                            } else {
                                ""
                            }
                            .to_string(),
                        ]
                    })
                    .collect();
                output::table(&["profile", "url", "token", "default"], table)
            })
        }
        AuthCommand::Logout { name } => {
            let mut cfg = ConfigFile::load(&path)?;
            if cfg.profiles.remove(&name).is_none() {
                return Err(CliError::Usage(format!("no profile named '{name}'")));
            }
            if cfg.default_profile.as_deref() == Some(name.as_str()) {
                cfg.default_profile = None;
            }
            cfg.save(&path)?;
            if !global.quiet {
                eprintln!("dv: removed profile '{name}'");
            }
            Ok(())
        }
    }
}

fn read_token() -> CliResult<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("API token (input is shown; prefer DATAVERSE_API_TOKEN or a pipe): ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let token = line.trim().to_string();
    if token.is_empty() {
        return Err(CliError::Usage(
            "no token given: pass it on stdin or in DATAVERSE_API_TOKEN".into(),
        ));
    }
    Ok(token)
}
