//! CLI errors: one line on stderr and a documented exit code.

use std::fmt::Display;
use std::io::ErrorKind;
use std::process::ExitCode;

/// The exit codes `dv` returns, as listed at the end of `dv --help` (and in the README).
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success (also when stdout is closed early, as by `dv ... | head`)
  1    the server answered with an error, its answer or a transfer did not check out,
       or part of the work failed (each failure is reported on its own line)
  2    usage or configuration error, a local file problem (a file exists, a directory
       is missing, permission denied), or the server could not be reached
  101  a bug in dv (it crashed: please report it)
  130  interrupted by Ctrl-C (`dv serve` stops on Ctrl-C with 0)";

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The library failed (the server refused, or could not be reached).
    #[error(transparent)]
    Api(#[from] dataverse_client::Error),
    /// The command line or configuration is wrong.
    #[error("{0}")]
    Usage(String),
    /// A local file or the terminal failed. The error keeps its kind, so that a closed
    /// stdout is recognised as [`ErrorKind::BrokenPipe`] (see [`CliError::is_broken_pipe`]).
    #[error("{0}")]
    Io(std::io::Error),
    /// The command finished, but part of its work failed (already reported on stderr).
    #[error("{0}")]
    Incomplete(String),
    /// The embedded local Dataverse failed.
    #[error("local Dataverse: {0}")]
    Local(#[from] dataverse_emulator::Error),
    /// The server refused, and we can say why in our own words: printed as
    /// `"{message}; the server said: {its line}"`, with the server error's exit code.
    #[error("{message}")]
    Explained {
        /// What happened, in our words.
        message: String,
        /// The server's answer behind it.
        source: Box<dataverse_client::Error>,
    },
}

impl CliError {
    /// A local failure that has no I/O error behind it (an encoding error, a task that
    /// died): [`CliError::Io`] of kind [`ErrorKind::Other`] with this message.
    pub fn io(message: impl Into<String>) -> CliError {
        CliError::Io(std::io::Error::other(message.into()))
    }

    /// An I/O error with what was being done: `"{context}: {error}"`, of the error's kind.
    pub fn io_at(context: impl Display, error: std::io::Error) -> CliError {
        CliError::Io(std::io::Error::new(
            error.kind(),
            format!("{context}: {error}"),
        ))
    }

    /// Whether this is a write to a closed pipe (`dv ... | head`): not worth reporting.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == ErrorKind::BrokenPipe)
    }

    /// Exit codes (see [`EXIT_CODES`]): 1 for an error the server answered with (or an
    /// unreadable answer), 2 for usage, configuration, local-file and connection errors.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Explained { source, .. } => CliError::exit_code_of(source),
            CliError::Api(e) => CliError::exit_code_of(e),
            CliError::Incomplete(_) => ExitCode::from(1),
            CliError::Usage(_) | CliError::Io(_) | CliError::Local(_) => ExitCode::from(2),
        }
    }

    /// The exit code of a library error: local files (a file exists, a directory is
    /// missing, permission denied) are 2 like any local failure.
    fn exit_code_of(e: &dataverse_client::Error) -> ExitCode {
        use dataverse_client::Error as E;
        match e {
            E::Transport { .. } | E::InvalidArgument(_) | E::Io { .. } => ExitCode::from(2),
            E::Crawl { source, .. } => CliError::exit_code_of(source),
            _ => ExitCode::from(1),
        }
    }

    /// The one line printed on stderr.
    pub fn one_line(&self) -> String {
        let text = match self {
            CliError::Api(e) => api_line(e),
            CliError::Explained { message, source } => {
                format!("{message}; the server said: {}", api_line(source))
            }
            other => other.to_string(),
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// `: ` and the causes below a transport error, if it has any.
fn causes(source: &Option<dataverse_client::TransportSource>) -> String {
    source
        .as_ref()
        .map(|s| format!(": {s}"))
        .unwrap_or_default()
}

/// A library error as one line: the server's message with the request, or what failed.
pub fn api_line(e: &dataverse_client::Error) -> String {
    use dataverse_client::Error as E;
    let text = match e {
        E::Transport {
            url,
            message,
            maybe_sent: false,
            source,
            ..
        } => format!("cannot reach {url}: {message}{}", causes(source)),
        E::Transport {
            method,
            url,
            message,
            source,
            ..
        } => format!("no answer to {method} {url}: {message}{}", causes(source)),
        E::InvalidArgument(m) => m.clone(),
        E::Decode {
            url, path, message, ..
        } => format!("unexpected answer from {url} (at {path}): {message}"),
        E::Crawl { collection, source } => {
            format!("in collection {collection}: {}", api_line(source))
        }
        other => match other.api_error() {
            Some(api) => format!(
                "{} ({} {}: HTTP {})",
                api.message, api.method, api.url, api.status
            ),
            None => other.to_string(),
        },
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e)
    }
}

/// Result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use std::io::{Error, ErrorKind};

    use super::CliError;

    #[test]
    fn a_broken_pipe_is_recognised_by_its_kind() {
        let e = CliError::from(Error::from(ErrorKind::BrokenPipe));
        assert!(e.is_broken_pipe());
        // With context, the kind survives.
        let e = CliError::io_at("cannot write out.csv", Error::from(ErrorKind::BrokenPipe));
        assert!(e.is_broken_pipe());
        assert!(e.one_line().starts_with("cannot write out.csv: "), "{e}");
        // Not by its text.
        assert!(!CliError::io("Broken pipe").is_broken_pipe());
        assert!(!CliError::Usage("Broken pipe".into()).is_broken_pipe());
        let other = CliError::from(Error::from(ErrorKind::PermissionDenied));
        assert!(!other.is_broken_pipe());
        assert_eq!(other.exit_code(), std::process::ExitCode::from(2));
    }

    #[test]
    fn local_files_exit_2_and_explained_errors_keep_the_servers_code() {
        use std::process::ExitCode;

        use dataverse_client::{ApiError, Error as E};
        let local = CliError::Api(E::Io {
            operation: "creating".into(),
            path: "out/x".into(),
            source: Error::from(ErrorKind::PermissionDenied),
        });
        assert_eq!(local.exit_code(), ExitCode::from(2));
        let refused = E::Forbidden(ApiError {
            status: 403,
            message: "Export Failed".into(),
            method: "GET".into(),
            url: "http://h/api/datasets/export".into(),
        });
        let e = CliError::Explained {
            message: "unknown export format 'x' (available: ddi)".into(),
            source: Box::new(refused),
        };
        assert_eq!(e.exit_code(), ExitCode::from(1));
        assert_eq!(
            e.one_line(),
            "unknown export format 'x' (available: ddi); the server said: Export Failed \
             (GET http://h/api/datasets/export: HTTP 403)"
        );
    }

    #[test]
    fn io_messages_are_unchanged() {
        let e = CliError::io("cannot encode JSON: x");
        assert_eq!(e.one_line(), "cannot encode JSON: x");
        let e = CliError::from(Error::new(ErrorKind::NotFound, "no such file"));
        assert_eq!(e.one_line(), "no such file");
    }
}
