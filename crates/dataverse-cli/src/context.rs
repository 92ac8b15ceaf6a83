//! Which installation a command talks to, and with which token.
//!
//! Precedence: `--url`/`DATAVERSE_URL`, else the named (or default) profile, else the
//! embedded local Dataverse. `--token`/`DATAVERSE_API_TOKEN` overrides a profile's token.
//! A flag overrides the environment: `--url` wins over `DATAVERSE_PROFILE`, and
//! `--profile` over `DATAVERSE_URL` (then `DATAVERSE_API_TOKEN`, which goes with
//! `DATAVERSE_URL`, is not used either). `--url` and `--profile` both on the command line,
//! or both variables set, are an error.
//! `local` starts the embedded server in-process on a free loopback port; without a
//! token it acts as the local superuser `dataverseAdmin`.

use std::io::IsTerminal;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use dataverse_client::{NativeApi, NativeApiBuilder};
use dataverse_emulator::{Config, Emulator, Server};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::config::{ConfigFile, config_path};
use crate::error::{CliError, CliResult, retry_line};

/// The value of `--url` that selects the embedded local Dataverse.
pub const LOCAL: &str = "local";

/// A connected command context.
pub struct Context {
    /// The client.
    pub api: NativeApi,
    /// Output format: the one asked for, else table on a terminal and JSON otherwise.
    pub output: OutputFormat,
    /// The output format asked for with `-o/--output`, if any.
    pub asked_format: Option<OutputFormat>,
    /// Where the command's file output goes: `-O/--out`, or the deprecated `-o PATH`.
    pub out: Option<PathBuf>,
    /// `-q`: print only errors (no progress, no notes).
    pub quiet: bool,
    /// `-v` given (once or more): list details such as every pre-flight problem.
    pub verbose: bool,
    /// The profile whose token is in use, if any (so `token recreate` can update it);
    /// `None` when `--token`/`DATAVERSE_API_TOKEN` overrode the profile's token.
    pub profile: Option<String>,
    local: Option<Server>,
}

/// The local Dataverse's data directory: `$DATAVERSE_LOCAL_DIR`, else `<data dir>/dataverse-rs/local`.
pub fn local_data_dir() -> CliResult<PathBuf> {
    if let Some(p) = std::env::var_os("DATAVERSE_LOCAL_DIR") {
        return Ok(PathBuf::from(p));
    }
    dirs::data_dir()
        .map(|d| d.join("dataverse-rs").join("local"))
        .ok_or_else(|| {
            CliError::Usage("cannot find a data directory; set DATAVERSE_LOCAL_DIR".into())
        })
}

/// The shortest retry wait worth a notice at default verbosity.
const NOTICE_AFTER: Duration = Duration::from_secs(1);

/// Tell the user, on stderr, about each retry that waits longer than a second: unless
/// `-q`, and not under `-v` (whose log reports every retry already).
fn with_retry_notices(builder: NativeApiBuilder, global: &GlobalArgs) -> NativeApiBuilder {
    if global.quiet || global.verbose > 0 {
        return builder;
    }
    builder.on_retry(|n| {
        if n.delay > NOTICE_AFTER {
            eprintln!(
                "dv: {}",
                retry_line(
                    n.method,
                    n.url,
                    n.error,
                    n.delay,
                    n.next_attempt,
                    n.max_attempts
                )
            );
        }
    })
}

/// Resolve the output format: the flag, else table on a terminal and JSON otherwise.
pub fn output_format(global: &GlobalArgs) -> OutputFormat {
    global
        .format()
        .unwrap_or(if std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        })
}

impl Context {
    /// Resolve the installation and build the client.
    pub async fn connect(global: &GlobalArgs) -> CliResult<Context> {
        let mut url_arg = global
            .url
            .as_ref()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty());
        let given = global.given;
        let mut token_arg = global.token.as_ref().filter(|t| !t.is_empty());
        let mut profile_arg = global.profile.as_ref();
        if let (Some(url), Some(profile)) = (url_arg, profile_arg) {
            match (given.url, given.profile) {
                (true, true) => {
                    return Err(CliError::Usage(format!(
                        "both --url {url} and --profile {profile} are given; use one"
                    )));
                }
                (false, false) => {
                    return Err(CliError::Usage(format!(
                        "both DATAVERSE_URL ({url}) and DATAVERSE_PROFILE ({profile}) are set; unset one, or choose with --url or --profile"
                    )));
                }
                // `--url` on the command line: DATAVERSE_PROFILE does not apply.
                (true, false) => profile_arg = None,
                // `--profile` on the command line: neither DATAVERSE_URL nor the token
                // that goes with it applies (a --token flag still does).
                (false, true) => {
                    url_arg = None;
                    if !given.token {
                        token_arg = None;
                    }
                }
            }
        }
        let (url, mut token, mut profile) = match url_arg {
            Some(url) => (url.to_string(), None, None),
            None => {
                let cfg = ConfigFile::load(&config_path()?)?;
                let name = profile_arg.cloned().or(cfg.default_profile.clone());
                match name {
                    Some(name) => {
                        let p = cfg.profiles.get(&name).ok_or_else(|| {
                            CliError::Usage(format!("no profile named '{name}'; create it with `dv auth login --name {name}`"))
                        })?;
                        (p.url.clone(), p.token.clone(), Some(name))
                    }
                    None => (LOCAL.to_string(), None, None),
                }
            }
        };
        if let Some(t) = token_arg {
            token = Some(t.clone());
            // The profile's token is not the one in use: never overwrite it.
            profile = None;
        }
        tracing::debug!(
            "installation: {url} (profile: {}, token set: {})",
            profile.as_deref().unwrap_or("none"),
            token.is_some()
        );
        if url.eq_ignore_ascii_case(LOCAL) {
            let (api, server) = Self::connect_local(global.quiet, token).await?;
            return Ok(Self::new(global, api, profile, Some(server)));
        }
        let api = with_retry_notices(NativeApi::builder(url), global)
            .api_token_opt(token)
            .build()?;
        Ok(Self::new(global, api, profile, None))
    }

    fn new(
        global: &GlobalArgs,
        api: NativeApi,
        profile: Option<String>,
        local: Option<Server>,
    ) -> Context {
        Context {
            api,
            output: output_format(global),
            asked_format: global.format(),
            out: global.path().map(PathBuf::from),
            quiet: global.quiet,
            verbose: global.verbose > 0,
            profile,
            local,
        }
    }

    /// Start the embedded local Dataverse; its client, and the server to stop at the end.
    async fn connect_local(quiet: bool, token: Option<String>) -> CliResult<(NativeApi, Server)> {
        let dir = local_data_dir()?;
        let emulator = tokio::task::spawn_blocking({
            let dir = dir.clone();
            move || Emulator::open(Config::new(dir))
        })
        .await
        .map_err(|e| CliError::io(format!("the local Dataverse failed to open: {e}")))??;
        let token = match token {
            Some(t) => t,
            None => emulator.admin_token()?,
        };
        let server = Server::start(emulator, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        tracing::debug!("embedded local Dataverse serving {}", server.base_url());
        // Short, and once per process however many times a command connects.
        static NOTICE: std::sync::Once = std::sync::Once::new();
        if !quiet {
            NOTICE.call_once(|| {
                eprintln!(
                    "dv: embedded local Dataverse in {} (--url for a server)",
                    dir.display()
                );
            });
        }
        let api = NativeApi::builder(server.base_url())
            .api_token(token)
            .build()?;
        Ok((api, server))
    }

    /// Whether this is the embedded local Dataverse.
    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }

    /// Stop the local server, if one was started.
    pub async fn close(self) {
        if let Some(server) = self.local {
            server.shutdown().await;
        }
    }
}
