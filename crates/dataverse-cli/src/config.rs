//! Profiles: named server URLs and tokens in the user's config file (mode 0600).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};

/// The config file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ConfigFile {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One saved installation.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    /// Base URL, or `local`.
    pub url: String,
    /// API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("url", &self.url)
            .field("token_set", &self.token.is_some())
            .finish()
    }
}

/// Where the config file lives: `$DATAVERSE_CONFIG`, else `<config dir>/dataverse-rs/config.toml`.
pub fn config_path() -> CliResult<PathBuf> {
    if let Some(p) = std::env::var_os("DATAVERSE_CONFIG") {
        return Ok(PathBuf::from(p));
    }
    dirs::config_dir()
        .map(|d| d.join("dataverse-rs").join("config.toml"))
        .ok_or_else(|| {
            CliError::Usage("cannot find a config directory; set DATAVERSE_CONFIG".into())
        })
}

impl ConfigFile {
    /// Read the file; a missing file is an empty config.
    pub fn load(path: &Path) -> CliResult<ConfigFile> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                CliError::Usage(format!(
                    "config file {} is not valid: {}",
                    path.display(),
                    e.message()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(e) => Err(CliError::io_at(
                format!("cannot read {}", path.display()),
                e,
            )),
        }
    }

    /// Write the file atomically (temporary file, then rename), readable by the owner only.
    pub fn save(&self, path: &Path) -> CliResult<()> {
        let text = toml::to_string(self)
            .map_err(|e| CliError::io(format!("cannot encode the config: {e}")))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::io_at(format!("cannot create {}", dir.display()), e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| CliError::io_at(format!("cannot write in {}", dir.display()), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| CliError::io_at("cannot restrict the config file's permissions", e))?;
        }
        tmp.write_all(text.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| CliError::io_at("cannot write the config", e))?;
        tmp.persist(path)
            .map_err(|e| CliError::io_at(format!("cannot replace {}", path.display()), e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config.toml");
        let mut cfg = ConfigFile::load(&path).unwrap();
        assert!(cfg.profiles.is_empty());
        cfg.profiles.insert(
            "work".into(),
            Profile {
                url: "https://dv.example.edu".into(),
                token: Some("secret-token".into()),
            },
        );
        cfg.default_profile = Some("work".into());
        cfg.save(&path).unwrap();
        let again = ConfigFile::load(&path).unwrap();
        assert_eq!(again.profiles["work"].url, "https://dv.example.edu");
        assert_eq!(again.default_profile.as_deref(), Some("work"));
        assert!(!format!("{:?}", again.profiles["work"]).contains("secret-token"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn invalid_file_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "profiles = 3").unwrap();
        assert!(matches!(ConfigFile::load(&path), Err(CliError::Usage(_))));
    }
}
