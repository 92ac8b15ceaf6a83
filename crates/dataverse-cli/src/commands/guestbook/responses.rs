//! `dv guestbook responses ID [--limit N] [--offset N]`

use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, Col, opt};

/// `dv guestbook responses`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The guestbook's id.
    pub id: u64,
    /// At most this many responses.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Skip this many (newest first).
    #[arg(long, value_name = "N")]
    pub offset: Option<u64>,
}

/// List the responses.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let page = ctx
        .api
        .get_guestbook_responses(args.id, args.limit, args.offset)
        .await?;
    output::emit(ctx.output, &page, || {
        let rows = page
            .responses
            .iter()
            .map(|r| {
                let answers: Vec<String> = r
                    .custom_questions
                    .iter()
                    .map(|q| {
                        format!(
                            "{}: {}",
                            q.question,
                            q.response
                                .as_deref()
                                .unwrap_or_default()
                                .replace('\n', " / ")
                        )
                    })
                    .collect();
                vec![
                    r.id.to_string(),
                    r.date.clone(),
                    r.kind.clone(),
                    r.file_name.clone(),
                    opt(&r.name),
                    opt(&r.email),
                    opt(&r.institution),
                    answers.join("; "),
                ]
            })
            .collect();
        output::grid(
            "no responses",
            &[
                Col::id("id"),
                Col::id("date"),
                Col::id("type"),
                Col::text("file"),
                Col::text("name"),
                Col::text("email"),
                Col::text("institution").optional(1),
                Col::text("answers").optional(2),
            ],
            rows,
        )?;
        if let Some(p) = &page.pagination {
            output::line(&format!("{} response(s) in all", p.total_responses))?;
        }
        Ok(())
    })
}
