//! `dv collection input-levels ID [--set FIELD=required|optional|hidden ...]`

use dataverse_client::models::collection_setup::InputLevel;

use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::output::{self, Col, yes};

/// `dv collection input-levels`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alias, numeric id or :root.
    pub id: String,
    /// Set levels: `FIELD=required`, `FIELD=optional` or `FIELD=hidden` (not included);
    /// repeat or separate with commas. Levels of other fields stay.
    #[arg(long, value_delimiter = ',', value_name = "FIELD=LEVEL")]
    pub set: Vec<String>,
}

fn parse(spec: &str) -> Result<InputLevel, CliError> {
    let (field, level) = spec.split_once('=').ok_or_else(|| {
        CliError::Usage(format!(
            "--set {spec}: expected FIELD=required|optional|hidden"
        ))
    })?;
    let (required, include) = match level.trim() {
        "required" => (true, true),
        "optional" => (false, true),
        "hidden" => (false, false),
        other => {
            return Err(CliError::Usage(format!(
                "--set {spec}: '{other}' is not required, optional or hidden"
            )));
        }
    };
    Ok(InputLevel::new(field.trim(), required, include))
}

/// Show (or set) a collection's input levels.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let api = &ctx.api;
    let levels = if args.set.is_empty() {
        api.get_collection_input_levels(args.id.as_str()).await?
    } else {
        let new = args
            .set
            .iter()
            .map(|s| parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        api.set_collection_input_levels(args.id.as_str(), &new)
            .await?
            .input_levels()
    };
    output::emit_list(
        ctx.output,
        &levels,
        &[
            "datasetFieldTypeName",
            "required",
            "include",
            "displayOnCreate",
        ],
        || {
            let rows = levels
                .iter()
                .map(|l| {
                    vec![
                        l.dataset_field_type_name.clone(),
                        yes(Some(l.required)),
                        yes(Some(l.include)),
                        l.display_on_create
                            .map(|d| yes(Some(d)))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            output::grid(
                "no input levels",
                &[
                    Col::id("field"),
                    Col::id("required"),
                    Col::id("included"),
                    Col::id("on create"),
                ],
                rows,
            )
        },
    )
}
