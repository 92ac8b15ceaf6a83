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

/// What to do when no token was set and the server refused a request for it.
pub const NO_TOKEN: &str = "no API token set: use --token, DATAVERSE_API_TOKEN or `dv auth login`";

/// A library error as one line: what happened in our words when we can tell, then the
/// server's message with the request; or what failed.
pub fn api_line(e: &dataverse_client::Error) -> String {
    use dataverse_client::{Error as E, Unreachable};
    let text = match e {
        E::Transport {
            url,
            maybe_sent: false,
            ..
        } if e.unreachable().is_some() => {
            let why = match e.unreachable() {
                Some(Unreachable::UnknownHost) => "unknown host (check the URL)",
                _ => "connection refused (is the server running?)",
            };
            format!("cannot reach {}: {why}", origin(url))
        }
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
        } => format!(
            "no answer to {method} {}: {message}{}",
            readable_url(url),
            causes(source)
        ),
        E::InvalidArgument(m) => m.clone(),
        E::FileTooLarge(api) => format!(
            "file too large for the dataset's store: {}",
            api.message
                .strip_prefix("There was an error when trying to add the new file. ")
                .unwrap_or(&api.message)
        ),
        E::Decode {
            url, path, message, ..
        } => format!("unexpected answer from {url} (at {path}): {message}"),
        E::Crawl { collection, source } => {
            format!("in collection {collection}: {}", api_line(source))
        }
        other => match other.api_error() {
            Some(api) => server_line(api),
            None => other.to_string(),
        },
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The server's refusal: `{message} ({method} {url}: HTTP {status})`, or, when we can say
/// what happened in our words, `{our words} (Dataverse: "{message}"; {method} {url}: HTTP
/// {status})`: a dataset, file or collection that does not exist, or a request refused
/// because no token was set.
fn server_line(api: &dataverse_client::ApiError) -> String {
    let request = format!(
        "{} {}: HTTP {}",
        api.method,
        readable_url(&api.url),
        api.status
    );
    let ours = match subject(&api.url) {
        Some(subject) if is_missing(api, &subject) => Some(format!("{} not found", subject.text)),
        _ if needs_a_token(api) => Some(NO_TOKEN.to_string()),
        _ if needs_a_guestbook_answer(api) => Some(GUESTBOOK_NEEDED.to_string()),
        _ => None,
    };
    match ours {
        Some(ours) => format!("{ours} (Dataverse: \"{}\"; {request})", api.message),
        None => format!("{} ({request})", api.message),
    }
}

/// Our words for a download or access request refused for want of a guestbook answer.
pub const GUESTBOOK_NEEDED: &str =
    "a guestbook answer is needed: pass --guestbook-response FILE.json";

/// Dataverse's `guestbookResponseMissing` and `guestbookAccessRequestResponseMissing`.
fn needs_a_guestbook_answer(api: &dataverse_client::ApiError) -> bool {
    api.status == 400
        && (api
            .message
            .starts_with("You may not download this file without the required Guestbook response")
            || api.message.starts_with(
                "You may not request access to this file without the required Guestbook response",
            ))
}

/// What a request was about, as the URL the CLI asked for names it.
#[derive(Debug, PartialEq)]
struct Subject {
    /// `dataset`, `file` or `collection`.
    kind: &'static str,
    /// `dataset doi:10.5072/FK2/ABC`, `file 42`, `collection birds`.
    text: String,
    /// Whether it was asked for through the Access API (`/api/access/...`).
    access: bool,
}

/// The dataset, file or collection a request URL names: the segment after
/// `/api[/v1]/datasets`, `files`, `dataverses` or `access/datafile`, with the PID of
/// `:persistentId` taken from the query.
fn subject(url: &str) -> Option<Subject> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (path, query) = after_scheme
        .split_once('?')
        .map_or((after_scheme, ""), |(p, q)| (p, q));
    let query = query.split('#').next().unwrap_or_default();
    // Drop the host; the segments of the path.
    let segs: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let pid = || {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "persistentId")
            .map(|(_, v)| form_decode(v))
            .filter(|v| !v.is_empty())
    };
    for (i, seg) in segs.iter().enumerate() {
        if *seg != "api" {
            continue;
        }
        let mut rest = &segs[i + 1..];
        if rest.first() == Some(&"v1") {
            rest = &rest[1..];
        }
        let (kind, id, access) = match rest {
            ["datasets", "export", ..] => ("dataset", ":persistentId", false),
            ["datasets", id, ..] => ("dataset", *id, false),
            ["files", id, ..] => ("file", *id, false),
            ["dataverses", id, ..] => ("collection", *id, false),
            ["access", "datafile", id, ..] => ("file", *id, true),
            ["access", "dataset", id, ..] => ("dataset", *id, true),
            _ => continue,
        };
        let id = match id {
            ":persistentId" => pid()?,
            id if kind != "collection" && !id.bytes().all(|b| b.is_ascii_digit()) => return None,
            id => form_decode(id),
        };
        return Some(Subject {
            kind,
            text: format!("{kind} {id}"),
            access,
        });
    }
    None
}

/// Whether a 404 says that the request's dataset, file or collection itself does not
/// exist (or is not visible), rather than something below it (a version, a role).
fn is_missing(api: &dataverse_client::ApiError, subject: &Subject) -> bool {
    let m = api.message.as_str();
    // Dataverse's words for a PID it does not know (the export's own words too).
    let unknown_pid = m.contains("persistentId query parameter must be present")
        || (m.starts_with("A dataset with the persistentId ")
            && m.ends_with("could not be found."));
    // The Access API answers a missing file with its generic 404.
    let access_404 = subject.access && m.starts_with("API endpoint does not exist");
    api.status == 404
        && match subject.kind {
            "dataset" => unknown_pid || access_404 || m.starts_with("Dataset with ID "),
            "file" => {
                unknown_pid
                    || access_404
                    || m.starts_with("File with ID ")
                    || m.starts_with("Datafile with Persistent ID ")
            }
            _ => m.starts_with("Can't find dataverse with identifier"),
        }
}

/// Whether Dataverse refused a request that went without a token, in a way a token
/// could change: any 401 or 403, and a 400 to a write or one that mentions the token
/// (Dataverse's `User with token null not found.` for `users/:me`), and a dataset version
/// that is not found (a guest sees no draft: the first step of a directory upload). Not
/// for a request redirected elsewhere (a download from S3), which never carries the token.
fn needs_a_token(api: &dataverse_client::ApiError) -> bool {
    let path = api.url.split(['?', '#']).next().unwrap_or_default();
    let api_path = path.split('/').skip(3).any(|segment| segment == "api");
    !api.token_sent
        && api_path
        && match api.status {
            401 | 403 => true,
            400 => api.method != "GET" || api.message.to_ascii_lowercase().contains("token"),
            404 => api.message.starts_with("Dataset version "),
            _ => false,
        }
}

/// `scheme://host[:port]` of a URL (what "cannot reach" is about).
fn origin(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let host_start = i + 3;
            let end = url[host_start..]
                .find(['/', '?', '#'])
                .map_or(url.len(), |j| host_start + j);
            &url[..end]
        }
        None => url,
    }
}

/// A URL for a message: the query's `:` and `/` unescaped, so a PID reads as itself
/// (`?persistentId=doi:10.5072/FK2/ABC`; both characters are allowed in a query).
pub fn readable_url(url: &str) -> String {
    match url.split_once('?') {
        Some((path, query)) => {
            let mut q = String::with_capacity(query.len());
            let mut rest = query;
            while let Some(i) = rest.find('%') {
                q.push_str(&rest[..i]);
                let code = rest.get(i + 1..i + 3).unwrap_or_default();
                match code.to_ascii_uppercase().as_str() {
                    "3A" => q.push(':'),
                    "2F" => q.push('/'),
                    _ => {
                        q.push('%');
                        rest = &rest[i + 1..];
                        continue;
                    }
                }
                rest = &rest[i + 3..];
            }
            q.push_str(rest);
            format!("{path}?{q}")
        }
        None => url.to_string(),
    }
}

/// Decode an `application/x-www-form-urlencoded` value (`+` is a space, `%XX` a byte).
fn form_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The notice of a retry that waits longer than a second (shown at default verbosity):
/// `GET URL failed (HTTP 503), retrying in 2.3 s (attempt 2 of 6)`.
pub fn retry_line(
    method: &str,
    url: &str,
    error: &dataverse_client::Error,
    delay: std::time::Duration,
    next_attempt: u32,
    max_attempts: u32,
) -> String {
    let why = match error.status() {
        Some(status) => format!("HTTP {status}"),
        None => match error {
            dataverse_client::Error::Transport { message, .. } => message.clone(),
            other => other.to_string(),
        },
    };
    format!(
        "{method} {} failed ({why}), retrying in {:.1} s (attempt {next_attempt} of {max_attempts})",
        readable_url(url),
        delay.as_secs_f64(),
    )
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
    use std::time::Duration;

    use dataverse_client::{ApiError, Error as E};

    use super::*;

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

    fn api(status: u16, method: &str, url: &str, message: &str, token_sent: bool) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            method: method.into(),
            url: url.into(),
            token_sent,
        }
    }

    /// The library's error for an answer of `api.status`.
    fn by_status(api: ApiError) -> E {
        match api.status {
            404 => E::NotFound(api),
            401 => E::Unauthorized(api),
            403 => E::Forbidden(api),
            400 => E::BadRequest(api),
            409 => E::Conflict(api),
            _ => E::Server(api),
        }
    }

    const UNKNOWN_PID: &str = "When accessing a dataset based on Persistent ID, a persistentId query parameter must be present.";
    const H: &str = "https://h";

    #[test]
    fn the_subject_is_what_the_url_asked_for() {
        let text = |url: &str| subject(url).map(|s| s.text);
        assert_eq!(
            text(
                "https://h/api/datasets/:persistentId/versions/:draft?persistentId=doi%3A10.5072%2FFK2%2FABC"
            ),
            Some("dataset doi:10.5072/FK2/ABC".into())
        );
        assert_eq!(
            text("https://h/dv/api/v1/datasets/42/versions/1.0/files?excludeFiles=true"),
            Some("dataset 42".into())
        );
        assert_eq!(
            text("https://h/api/datasets/export?exporter=ddi&persistentId=hdl%3A1902.1%2F1"),
            Some("dataset hdl:1902.1/1".into())
        );
        assert_eq!(
            text("https://h/api/files/9/metadata"),
            Some("file 9".into())
        );
        assert_eq!(
            text("https://h/api/files/:persistentId?persistentId=doi%3A10.5072%2FFK2%2FABC%2FX1"),
            Some("file doi:10.5072/FK2/ABC/X1".into())
        );
        assert_eq!(
            text("https://h/api/dataverses/my-lab/contents"),
            Some("collection my-lab".into())
        );
        assert_eq!(
            subject("https://h/api/access/datafile/7?format=original"),
            Some(Subject {
                kind: "file",
                text: "file 7".into(),
                access: true
            })
        );
        // Nothing to name: other families, `:persistentId` without its query, a segment
        // that is not an id.
        assert_eq!(text("https://h/api/info/version"), None);
        assert_eq!(text("https://h/api/datasets/:persistentId"), None);
        assert_eq!(text("https://h/api/datasets/:import"), None);
        assert_eq!(text("https://h/datasets/42"), None);
    }

    #[test]
    fn a_missing_object_is_said_in_our_words_first() {
        let url = "https://h/api/datasets/:persistentId?persistentId=doi%3A10.5072%2FFK2%2FNOPE";
        let e = E::NotFound(api(404, "GET", url, UNKNOWN_PID, true));
        assert_eq!(
            api_line(&e),
            format!(
                "dataset doi:10.5072/FK2/NOPE not found (Dataverse: \"{UNKNOWN_PID}\"; GET https://h/api/datasets/:persistentId?persistentId=doi:10.5072/FK2/NOPE: HTTP 404)"
            )
        );
        // The export words an unknown PID its own way.
        let url =
            "https://h/api/datasets/export?exporter=ddi&persistentId=doi%3A10.5072%2FFK2%2FNOPE";
        let words = "A dataset with the persistentId doi:10.5072/FK2/NOPE could not be found.";
        let e = E::NotFound(api(404, "GET", url, words, true));
        assert_eq!(
            api_line(&e),
            format!(
                "dataset doi:10.5072/FK2/NOPE not found (Dataverse: \"{words}\"; GET https://h/api/datasets/export?exporter=ddi&persistentId=doi:10.5072/FK2/NOPE: HTTP 404)"
            )
        );
        let e = E::NotFound(api(
            404,
            "POST",
            &format!("{H}/api/datasets/42/add"),
            "Dataset with ID 42 not found.",
            true,
        ));
        assert_eq!(
            api_line(&e),
            "dataset 42 not found (Dataverse: \"Dataset with ID 42 not found.\"; POST https://h/api/datasets/42/add: HTTP 404)"
        );
        let e = E::NotFound(api(
            404,
            "GET",
            &format!("{H}/api/access/datafile/7"),
            "API endpoint does not exist on this server.",
            true,
        ));
        assert!(
            api_line(&e).starts_with("file 7 not found (Dataverse: "),
            "{}",
            api_line(&e)
        );
        let e = E::NotFound(api(
            404,
            "GET",
            &format!("{H}/api/dataverses/nope"),
            "Can't find dataverse with identifier='nope'",
            false,
        ));
        assert!(
            api_line(&e).starts_with("collection nope not found (Dataverse: "),
            "{}",
            api_line(&e)
        );
        // Something below the dataset is missing, not the dataset: the server's words.
        let e = E::NotFound(api(
            404,
            "GET",
            &format!("{H}/api/datasets/42/versions/:draft"),
            "Dataset version :draft of dataset 42 not found",
            true,
        ));
        assert_eq!(
            api_line(&e),
            "Dataset version :draft of dataset 42 not found (GET https://h/api/datasets/42/versions/:draft: HTTP 404)"
        );
        // Another object's words are not the subject's.
        let e = E::NotFound(api(
            404,
            "GET",
            &format!("{H}/api/datasets/42/versions/:latest/files"),
            "File with ID 9 not found.",
            true,
        ));
        assert!(
            api_line(&e).starts_with("File with ID 9 not found. (GET "),
            "{}",
            api_line(&e)
        );
        // The same words with another status are not "not found".
        let e = E::BadRequest(api(400, "GET", url, UNKNOWN_PID, true));
        assert!(api_line(&e).starts_with(UNKNOWN_PID), "{}", api_line(&e));
    }

    #[test]
    fn a_refusal_without_a_token_says_how_to_set_one() {
        let url = format!("{H}/api/dataverses/:root");
        for (status, method, message) in [
            (
                401,
                "POST",
                "Only authenticated users can perform the requested operation",
            ),
            (403, "POST", "The API key is invalid."),
            (400, "POST", "Bad request"),
            (
                401,
                "GET",
                "User :guest is not permitted to perform requested action.",
            ),
            (400, "GET", "User with token null not found."),
            (404, "GET", "Dataset version :latest of dataset 2 not found"),
        ] {
            let e = by_status(api(status, method, &url, message, false));
            assert_eq!(
                api_line(&e),
                format!(
                    "{NO_TOKEN} (Dataverse: \"{message}\"; {method} https://h/api/dataverses/:root: HTTP {status})"
                )
            );
            // With a token the server's words stand alone.
            let e = by_status(api(status, method, &url, message, true));
            assert_eq!(
                api_line(&e),
                format!("{message} ({method} https://h/api/dataverses/:root: HTTP {status})")
            );
        }
        // Not for a download redirected to storage elsewhere: it never carries the token.
        let e = by_status(api(
            403,
            "GET",
            "https://bucket.s3.example.org/10.5072/FK2/ABC/18c0?X-Amz-Signature=x",
            "AccessDenied",
            false,
        ));
        assert!(
            api_line(&e).starts_with("AccessDenied (GET "),
            "{}",
            api_line(&e)
        );
        // A read the token would not change (a bad version), and answers that are no refusal.
        for (status, method) in [(400, "GET"), (404, "GET"), (409, "POST"), (500, "POST")] {
            let e = by_status(api(status, method, &url, "Illegal version", false));
            assert!(!api_line(&e).contains(NO_TOKEN), "{status} {method}");
        }
    }

    #[test]
    fn urls_in_messages_show_the_pid_as_itself() {
        assert_eq!(
            readable_url(
                "https://h/api/files/:persistentId?persistentId=doi%3A10.5072%2FFK2%2FA%26B&x=%2f"
            ),
            "https://h/api/files/:persistentId?persistentId=doi:10.5072/FK2/A%26B&x=/"
        );
        assert_eq!(readable_url("https://h/api/x%2Fy"), "https://h/api/x%2Fy");
        assert_eq!(readable_url("https://h/?a=%"), "https://h/?a=%");
        assert_eq!(form_decode("doi%3A10.5072%2FA+B%"), "doi:10.5072/A B%");
        assert_eq!(
            origin("http://127.0.0.1:1/api/info/version"),
            "http://127.0.0.1:1"
        );
        assert_eq!(origin("https://h?x"), "https://h");
    }

    #[test]
    fn a_retry_notice_names_the_request_the_reason_and_the_attempt() {
        let e = by_status(api(
            503,
            "GET",
            "https://h/api/datasets/:persistentId?persistentId=doi%3A1%2F2",
            "busy",
            true,
        ));
        assert_eq!(
            retry_line(
                "GET",
                "https://h/api/datasets/:persistentId?persistentId=doi%3A1%2F2",
                &e,
                Duration::from_millis(2345),
                2,
                6
            ),
            "GET https://h/api/datasets/:persistentId?persistentId=doi:1/2 failed (HTTP 503), retrying in 2.3 s (attempt 2 of 6)"
        );
        let e = E::Transport {
            method: "GET".into(),
            url: "https://h/api/info/version".into(),
            message: "timed out".into(),
            maybe_sent: true,
            timeout: true,
            source: None,
        };
        assert_eq!(
            retry_line(
                "GET",
                "https://h/api/info/version",
                &e,
                Duration::from_secs(4),
                3,
                6
            ),
            "GET https://h/api/info/version failed (timed out), retrying in 4.0 s (attempt 3 of 6)"
        );
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
            token_sent: true,
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
