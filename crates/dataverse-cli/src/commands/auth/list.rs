//! `dv auth list`

use crate::cli::GlobalArgs;
use crate::config::{ConfigFile, config_path};
use crate::context::output_format;
use crate::error::CliResult;
use crate::output::{self, Col};

/// `dv auth list` takes no arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// List the saved profiles: name, URL, whether a token is set, the default.
pub(crate) fn execute(global: &GlobalArgs, _args: Args) -> CliResult {
    let cfg = ConfigFile::load(&config_path()?)?;
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
    output::emit_list(
        output_format(global),
        &rows,
        &["name", "url", "tokenSet", "default"],
        || {
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
            output::grid(
                "no profiles (add one with `dv auth login`)",
                &[
                    Col::id("profile"),
                    Col::id("url"),
                    Col::id("token"),
                    Col::id("default"),
                ],
                table,
            )
        },
    )
}
