//! `dv auth login`

use std::io::{BufRead, IsTerminal};

use dataverse_client::NativeApi;

use crate::cli::GlobalArgs;
use crate::config::{ConfigFile, Profile, config_path};
use crate::context::LOCAL;
use crate::error::{CliError, CliResult};

/// The examples at the end of `dv auth login --help`.
pub const EXAMPLES: &str = "\
Examples:
  dv auth login --url https://dataverse.example.edu         # asks for the token (hidden)
  echo \"$TOKEN\" | dv auth login --name work --url https://dataverse.example.edu
  dv auth login --name work --url https://dataverse.example.edu --set-default
  dv --profile work user me                                 # use the profile
  dv auth logout work";

/// `dv auth login`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Profile name.
    #[arg(long, default_value = "default")]
    pub name: String,
    /// Do not check the token against the server first.
    #[arg(long)]
    pub no_verify: bool,
    /// Make this the profile used when none is named.
    #[arg(long)]
    pub set_default: bool,
}

/// Save `--url` and the token as a profile, after checking the token (unless told not to).
pub(crate) async fn execute(global: &GlobalArgs, args: Args) -> CliResult {
    let path = config_path()?;
    let Args {
        name,
        no_verify,
        set_default,
    } = args;
    let url = global
        .url
        .clone()
        .ok_or_else(|| CliError::Usage("dv auth login needs --url (or DATAVERSE_URL)".into()))?;
    // A malformed URL (no scheme, say) is refused before the token is asked for, with or
    // without --no-verify.
    if !url.eq_ignore_ascii_case(LOCAL) {
        NativeApi::builder(url.clone()).build()?;
    }
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

/// The token: typed at a hidden prompt when stdin is a terminal (nothing is echoed),
/// else the first line of stdin (a pipe or a file).
fn read_token() -> CliResult<String> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        crate::interrupt::hidden_input(true);
        let typed = rpassword::prompt_password("API token (input is hidden): ");
        crate::interrupt::hidden_input(false);
        typed.map_err(|e| CliError::io_at("cannot read the token from the terminal", e))?
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line
    };
    let token = line.trim().to_string();
    if token.is_empty() {
        return Err(CliError::Usage(
            "no token given: type it at the prompt, pipe it on stdin or set DATAVERSE_API_TOKEN"
                .into(),
        ));
    }
    Ok(token)
}
