//! `dv guestbook list|show|create|update|enable|disable|responses`

mod create;
mod enable;
mod list;
mod responses;
mod show;
mod update;

use clap::Subcommand;
use dataverse_client::models::guestbooks::Guestbook;

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt};

/// `dv guestbook ...`
#[derive(Debug, Subcommand)]
pub enum GuestbookCommand {
    /// List a collection's guestbooks (needs EditDataverse there).
    #[command(visible_alias = "ls")]
    List(list::Args),
    /// Show a guestbook with its questions.
    #[command(alias = "get")]
    Show(show::Args),
    /// Create a guestbook on a collection from a JSON file.
    #[command(after_help = create::EXAMPLES)]
    Create(create::Args),
    /// Replace a guestbook (questions too) by a JSON file.
    Update(update::Args),
    /// Turn a collection's guestbook on.
    Enable(enable::Args),
    /// Turn a collection's guestbook off.
    Disable(enable::Args),
    /// The responses recorded for a guestbook, newest first.
    Responses(responses::Args),
}

/// Run `dv guestbook ...`.
pub async fn run(ctx: &Context, cmd: GuestbookCommand) -> CliResult {
    match cmd {
        GuestbookCommand::List(args) => list::execute(ctx, args).await,
        GuestbookCommand::Show(args) => show::execute(ctx, args).await,
        GuestbookCommand::Create(args) => create::execute(ctx, args).await,
        GuestbookCommand::Update(args) => update::execute(ctx, args).await,
        GuestbookCommand::Enable(args) => enable::execute(ctx, args, true).await,
        GuestbookCommand::Disable(args) => enable::execute(ctx, args, false).await,
        GuestbookCommand::Responses(args) => responses::execute(ctx, args).await,
    }
}

/// A guestbook as `key: value` lines, one per question.
fn print_one(format: OutputFormat, gb: &Guestbook) -> CliResult {
    output::emit(format, gb, || {
        let asks: Vec<&str> = [
            ("name", gb.name_required),
            ("email", gb.email_required),
            ("institution", gb.institution_required),
            ("position", gb.position_required),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| k)
        .collect();
        let mut rows = vec![
            ("id", opt(&gb.id)),
            ("name", opt(&gb.name)),
            ("enabled", gb.enabled.to_string()),
            (
                "requires",
                if asks.is_empty() {
                    "-".into()
                } else {
                    asks.join(", ")
                },
            ),
            ("collection", opt(&gb.dataverse_id)),
            ("created", opt(&gb.create_time)),
        ];
        for q in &gb.custom_questions {
            let mut text = format!("[{}] {} ({}", opt(&q.id), q.question, q.kind);
            if q.required {
                text.push_str(", required");
            }
            text.push(')');
            if !q.option_values.is_empty() {
                let vals: Vec<&str> = q.option_values.iter().map(|o| o.value.as_str()).collect();
                text.push_str(&format!(": {}", vals.join(" | ")));
            }
            rows.push(("question", text));
        }
        output::pairs(rows)
    })
}
