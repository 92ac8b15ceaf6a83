//! `dv info version|server|terms|exporters`

use crate::cli::InfoCommand;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// Run `dv info ...`.
pub async fn run(cmd: InfoCommand, ctx: &Context) -> CliResult {
    match cmd {
        InfoCommand::Version => {
            let v = ctx.api.get_info_version().await?;
            output::emit(ctx.output, &v, || {
                output::pairs(vec![("version", opt(&v.version)), ("build", opt(&v.build))])
            })
        }
        InfoCommand::Server => {
            let s = ctx.api.get_info_server().await?;
            // JSON is the server's data: `{"message": "<hostname>"}`.
            let data = serde_json::json!({ "message": s.hostname });
            output::emit(ctx.output, &data, || output::line(&s.hostname))
        }
        InfoCommand::Terms => {
            let t = ctx.api.get_info_api_terms_of_use().await?;
            output::emit(ctx.output, &t, || output::line(&t.message))
        }
        InfoCommand::Exporters => {
            let formats = ctx.api.get_export_formats().await?;
            output::emit(ctx.output, &formats, || {
                let rows = formats
                    .iter()
                    .map(|(name, e)| {
                        vec![
                            name.clone(),
                            opt(&e.display_name),
                            opt(&e.media_type),
                            yes(e.is_harvestable),
                            yes(e.is_visible_in_user_interface),
                        ]
                    })
                    .collect();
                output::table(
                    &["name", "display name", "media type", "harvestable", "in UI"],
                    rows,
                )
            })
        }
    }
}
