//! `dv licenses list|show ID`

use dataverse_client::models::licenses::License;

use crate::cli::LicensesCommand;
use crate::context::Context;
use crate::error::CliResult;
use crate::output::{self, opt, yes};

/// Run `dv licenses ...`.
pub async fn run(cmd: LicensesCommand, ctx: &Context) -> CliResult {
    match cmd {
        LicensesCommand::List => {
            let list = ctx.api.get_available_licenses().await?;
            output::emit(ctx.output, &list, || {
                let rows = list
                    .iter()
                    .map(|l| {
                        vec![
                            opt(&l.id),
                            l.name.clone(),
                            opt(&l.uri),
                            yes(l.active),
                            yes(l.is_default),
                        ]
                    })
                    .collect();
                output::table(&["id", "name", "uri", "active", "default"], rows)
            })
        }
        LicensesCommand::Show { id } => {
            let l = ctx.api.get_license(id.as_str()).await?;
            output::emit(ctx.output, &l, || show(&l))
        }
    }
}

fn show(l: &License) -> CliResult {
    output::pairs(vec![
        ("id", opt(&l.id)),
        ("name", l.name.clone()),
        ("description", opt(&l.short_description)),
        ("uri", opt(&l.uri)),
        ("icon", opt(&l.icon_url)),
        ("active", yes(l.active)),
        ("default", yes(l.is_default)),
        ("sort order", opt(&l.sort_order)),
        ("rights identifier", opt(&l.rights_identifier)),
        ("scheme", opt(&l.rights_identifier_scheme)),
        ("language", opt(&l.language_code)),
    ])
}
