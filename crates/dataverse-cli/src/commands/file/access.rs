//! `dv file access request|grant|allow|list|reject|revoke`: requests for access to
//! restricted files and their answers.

use clap::Subcommand;
use serde::Serialize;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// `dv file access ...`
#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Ask for access to a restricted file.
    Request {
        /// File id or PID.
        file: String,
        /// An answer to the dataset's guestbook (JSON: `{"guestbookResponse": {...}}` or
        /// the inner object; `-`: stdin), needed when it is answered at request time.
        #[arg(long, value_name = "FILE.json")]
        guestbook_response: Option<std::path::PathBuf>,
    },
    /// Give a user access to a restricted file (the fileDownloader role on it).
    Grant {
        /// File id or PID.
        file: String,
        /// The user, as `@username`.
        user: String,
    },
    /// Allow (or with --off, stop) access requests on a dataset.
    Allow {
        /// Dataset id or PID.
        dataset: String,
        /// Stop taking requests instead.
        #[arg(long)]
        off: bool,
    },
    /// List the requests for a file (open ones; --history: granted and rejected too).
    List {
        /// File id or PID.
        file: String,
        /// Include granted and rejected requests.
        #[arg(long)]
        history: bool,
    },
    /// Reject a user's request for a file.
    Reject {
        /// File id or PID.
        file: String,
        /// The user, as `@username`.
        user: String,
    },
    /// Take back a user's access to a file.
    Revoke {
        /// File id or PID.
        file: String,
        /// The user, as `@username`.
        user: String,
    },
}

/// One request in the output.
#[derive(Debug, Serialize)]
struct Row {
    identifier: Option<String>,
    name: Option<String>,
    email: Option<String>,
    state: Option<String>,
}

/// `@name` for a bare `name`.
fn at(user: &str) -> String {
    if user.starts_with(['@', ':', '&']) {
        user.to_string()
    } else {
        format!("@{user}")
    }
}

/// Run `dv file access ...`.
pub(crate) async fn run(ctx: &Context, cmd: AccessCommand) -> CliResult {
    let api = &ctx.api;
    let m = match cmd {
        AccessCommand::Request {
            file,
            guestbook_response: None,
        } => api.request_access(file.as_str()).await?,
        AccessCommand::Request {
            file,
            guestbook_response: Some(path),
        } => {
            let answer = crate::input::read_guestbook_response(&path)?;
            api.request_access_with_guestbook(file.as_str(), &answer)
                .await?
        }
        AccessCommand::Grant { file, user } => {
            api.grant_file_access(file.as_str(), &at(&user)).await?
        }
        AccessCommand::Allow { dataset, off } => {
            api.allow_access_request(dataset.as_str(), !off).await?
        }
        AccessCommand::Reject { file, user } => {
            api.reject_file_access_request(file.as_str(), &at(&user))
                .await?
        }
        AccessCommand::Revoke { file, user } => {
            api.revoke_file_access(file.as_str(), &at(&user)).await?
        }
        AccessCommand::List { file, history } => {
            let list = api
                .list_file_access_requests(file.as_str(), history)
                .await?;
            let rows: Vec<Row> = list
                .into_iter()
                .map(|r| Row {
                    identifier: r.user.identifier,
                    name: r.user.display_name,
                    email: r.user.email,
                    state: r.request_state,
                })
                .collect();
            return output::emit_list(
                ctx.output,
                &rows,
                &["identifier", "name", "email", "state"],
                || {
                    output::table(
                        &["USER", "NAME", "EMAIL", "STATE"],
                        rows.iter()
                            .map(|r| {
                                vec![
                                    output::opt(&r.identifier),
                                    output::opt(&r.name),
                                    output::opt(&r.email),
                                    output::opt(&r.state),
                                ]
                            })
                            .collect(),
                    )
                },
            );
        }
    };
    output::message(ctx.output, &m)
}
