//! `dv auth logout`

use crate::cli::GlobalArgs;
use crate::config::{ConfigFile, config_path};
use crate::error::{CliError, CliResult};

/// `dv auth logout [NAME]`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Profile name (default: `default`).
    #[arg(value_name = "NAME", conflicts_with = "name")]
    pub profile: Option<String>,
    /// Profile name (the same as NAME).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// Remove a profile (and unset it as the default).
pub(crate) fn execute(global: &GlobalArgs, args: Args) -> CliResult {
    let path = config_path()?;
    let name = args
        .profile
        .or(args.name)
        .unwrap_or_else(|| "default".to_string());
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
