//! `dv collection get|create|update|publish|delete|contents|assignments|roles|facets|crawl`

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions};
use dataverse_client::models::collections::{
    Collection, CollectionCreateBody, ContentItem, DataverseContact, DataverseType,
    UpdateCollection,
};
use futures_util::StreamExt;
use serde::Serialize;

use crate::cli::{
    CollectionCommand, CollectionFields, CrawlArgs, CrawlOnly, GlobalArgs, OutputFormat,
};
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, opt, yes};
use crate::progress::Spinner;

/// Run `dv collection ...`.
pub async fn run(cmd: CollectionCommand, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let api = &ctx.api;
    match cmd {
        CollectionCommand::Get { id } => {
            let c = api.get_collection(id.as_str()).await?;
            output::emit(ctx.output, &c, || show(&c))
        }
        CollectionCommand::Create { parent, fields } => {
            let body = create_body(&fields)?;
            let c = api.create_collection(parent.as_str(), &body).await?;
            output::emit(ctx.output, &c, || show(&c))
        }
        CollectionCommand::Update { id, fields } => {
            let body = update_body(&fields)?;
            let c = api.update_collection(id.as_str(), &body).await?;
            output::emit(ctx.output, &c, || show(&c))
        }
        CollectionCommand::Publish { id } => {
            let c = api.publish_collection(id.as_str()).await?;
            output::emit(ctx.output, &c, || show(&c))
        }
        CollectionCommand::Delete { id } => {
            let m = api.delete_collection(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        CollectionCommand::Contents { id } => {
            let items = api.get_collection_contents(id.as_str()).await?;
            output::emit(ctx.output, &items, || {
                let rows = items
                    .iter()
                    .map(|i| match i {
                        ContentItem::Collection(c) => vec![
                            "collection".into(),
                            c.id.to_string(),
                            String::new(),
                            opt(&c.title),
                        ],
                        ContentItem::Dataset(d) => vec![
                            "dataset".into(),
                            opt(&d.id),
                            d.persistent_id().unwrap_or_default(),
                            opt(&d.publication_date),
                        ],
                        ContentItem::Other(v) => vec![
                            v.get("type")
                                .and_then(|t| t.as_str())
                                .unwrap_or("?")
                                .to_string(),
                            v.get("id").map(|i| i.to_string()).unwrap_or_default(),
                            String::new(),
                            String::new(),
                        ],
                    })
                    .collect();
                output::table(&["type", "id", "persistent id", "title / published"], rows)
            })
        }
        CollectionCommand::Assignments { id } => {
            let list = api.get_collection_assignments(id.as_str()).await?;
            output::emit(ctx.output, &list, || {
                let rows = list
                    .iter()
                    .map(|a| {
                        vec![
                            opt(&a.id),
                            a.assignee.clone(),
                            opt(&a.role_alias),
                            opt(&a.role_name),
                            opt(&a.definition_point_name),
                        ]
                    })
                    .collect();
                output::table(&["id", "assignee", "role", "role name", "on"], rows)
            })
        }
        CollectionCommand::Roles { id } => {
            let list = api.get_dataverse_roles(id.as_str()).await?;
            output::emit(ctx.output, &list, || {
                let rows = list
                    .iter()
                    .map(|r| {
                        vec![
                            opt(&r.id),
                            r.alias.clone(),
                            opt(&r.name),
                            r.permissions.join(", "),
                        ]
                    })
                    .collect();
                output::table(&["id", "alias", "name", "permissions"], rows)
            })
        }
        CollectionCommand::Facets { id, details } => {
            if details {
                let list = api.get_collection_facet_details(id.as_str()).await?;
                output::emit(ctx.output, &list, || {
                    let rows = list
                        .iter()
                        .map(|f| vec![opt(&f.id), f.name.clone(), opt(&f.display_name)])
                        .collect();
                    output::table(&["id", "name", "display name"], rows)
                })
            } else {
                let list = api.get_collection_facets(id.as_str()).await?;
                output::emit(ctx.output, &list, || {
                    output::table(&["facet"], list.iter().map(|f| vec![f.clone()]).collect())
                })
            }
        }
        CollectionCommand::Crawl(args) => crawl(args, ctx, global).await,
    }
}

fn show(c: &Collection) -> CliResult {
    let contacts = c
        .dataverse_contacts
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|c| c.contact_email.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    output::pairs(vec![
        ("id", opt(&c.id)),
        ("alias", opt(&c.alias)),
        ("name", opt(&c.name)),
        ("affiliation", opt(&c.affiliation)),
        ("description", opt(&c.description)),
        ("type", opt(&c.dataverse_type)),
        ("contacts", contacts),
        ("parent id", opt(&c.owner_id)),
        ("created", opt(&c.creation_date)),
        ("published", yes(c.is_released)),
    ])
}

fn read_json_file(path: &std::path::Path) -> CliResult<serde_json::Value> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{} is not valid JSON: {e}", path.display())))
}

/// Start from `--json FILE` (if any), then apply the flags over it.
fn merged_fields(
    fields: &CollectionFields,
) -> CliResult<serde_json::Map<String, serde_json::Value>> {
    let mut obj = match &fields.json {
        Some(path) => match read_json_file(path)? {
            serde_json::Value::Object(o) => o,
            _ => {
                return Err(CliError::Usage(format!(
                    "{} must hold a JSON object",
                    path.display()
                )));
            }
        },
        None => serde_json::Map::new(),
    };
    let mut set = |k: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            obj.insert(k.to_string(), v);
        }
    };
    set("alias", fields.alias.clone().map(Into::into));
    set("name", fields.name.clone().map(Into::into));
    set("affiliation", fields.affiliation.clone().map(Into::into));
    set("description", fields.description.clone().map(Into::into));
    if let Some(t) = &fields.dataverse_type {
        let t = DataverseType::from(t.trim().to_ascii_uppercase().as_str());
        if let DataverseType::Other(o) = &t {
            return Err(CliError::Usage(format!(
                "'{o}' is not a collection type; see `dv collection create --help`"
            )));
        }
        set("dataverseType", Some(t.as_str().into()));
    }
    if !fields.contacts.is_empty() {
        let contacts: Vec<DataverseContact> = fields
            .contacts
            .iter()
            .map(|c| DataverseContact::new(c.as_str()))
            .collect();
        set("dataverseContacts", serde_json::to_value(contacts).ok());
    }
    Ok(obj)
}

fn create_body(fields: &CollectionFields) -> CliResult<CollectionCreateBody> {
    let obj = merged_fields(fields)?;
    for (key, flag) in [
        ("name", "--name"),
        ("alias", "--alias"),
        ("dataverseContacts", "--contact"),
    ] {
        if !obj.contains_key(key) {
            return Err(CliError::Usage(format!(
                "{flag} is required (or give {key} in --json)"
            )));
        }
    }
    serde_json::from_value(serde_json::Value::Object(obj))
        .map_err(|e| CliError::Usage(format!("the collection body is not valid: {e}")))
}

fn update_body(fields: &CollectionFields) -> CliResult<UpdateCollection> {
    let obj = merged_fields(fields)?;
    if obj.is_empty() {
        return Err(CliError::Usage(
            "nothing to update: give at least one field flag or --json".into(),
        ));
    }
    serde_json::from_value(serde_json::Value::Object(obj))
        .map_err(|e| CliError::Usage(format!("the collection body is not valid: {e}")))
}

/// One crawl result as a flat row (table and CSV).
#[derive(Serialize)]
struct CrawlRow<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    parent_id: Option<u64>,
    depth: usize,
    persistent_id: Option<&'a str>,
    title: Option<&'a str>,
    version: Option<&'a str>,
}

fn row(item: &CrawlItem) -> CrawlRow<'_> {
    match item {
        CrawlItem::Collection(c) => CrawlRow {
            kind: "collection",
            id: c.id,
            parent_id: c.parent_id,
            depth: c.depth,
            persistent_id: None,
            title: c.title.as_deref(),
            version: None,
        },
        CrawlItem::Dataset(d) => CrawlRow {
            kind: "dataset",
            id: d.id,
            parent_id: d.parent_id,
            depth: d.depth,
            persistent_id: d.persistent_id.as_deref(),
            title: d.title.as_deref(),
            version: d.version.as_deref(),
        },
    }
}

async fn crawl(args: CrawlArgs, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let filter = match args.only {
        None => CrawlFilter::All,
        Some(CrawlOnly::Collections) => CrawlFilter::Collections,
        Some(CrawlOnly::Datasets) => CrawlFilter::Datasets,
    };
    let spinner = Spinner::new(global.quiet);
    let s = spinner.clone();
    // Failed requests the crawl skipped (`--continue-on-error`), as last reported.
    let failed = Arc::new(AtomicUsize::new(0));
    let f = Arc::clone(&failed);
    let options = CrawlOptions::new()
        .filter_by(filter)
        .fetch_titles(!args.no_titles)
        .concurrency(args.concurrency)
        .continue_on_error(args.continue_on_error)
        .on_progress(move |p| {
            f.store(p.errors, Ordering::Relaxed);
            s.set_message(format!(
                "{} collections listed, {} found; {} datasets, {} titles; {} errors",
                p.collections_visited,
                p.collections_found,
                p.datasets_found,
                p.titles_fetched,
                p.errors
            ))
        });
    if ctx.output == OutputFormat::Ndjson {
        let mut stream = ctx.api.crawl_collection_stream(args.id.as_str(), options)?;
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    spinner.finish();
                    return Err(e.into());
                }
            };
            output::ndjson_line(&item)?;
        }
        spinner.finish();
        // The stream skips failures silently: still report that the crawl is incomplete.
        let failed = failed.load(Ordering::Relaxed);
        if failed > 0 {
            return Err(CliError::Incomplete(format!(
                "the crawl is incomplete: {failed} request(s) failed and were skipped"
            )));
        }
        return Ok(());
    }
    let report = ctx
        .api
        .crawl_collection_with(args.id.as_str(), options)
        .await;
    spinner.finish();
    let report = report?;
    match ctx.output {
        // Parquet is refused before any command runs (commands::check_output_path).
        OutputFormat::Json | OutputFormat::Ndjson | OutputFormat::Parquet => {
            output::json(&report.items)?
        }
        OutputFormat::Csv => {
            let rows: Vec<serde_json::Value> = report
                .items
                .iter()
                .filter_map(|i| serde_json::to_value(row(i)).ok())
                .collect();
            output::csv(&rows)?
        }
        OutputFormat::Table => {
            let rows = report
                .items
                .iter()
                .map(|i| {
                    let r = row(i);
                    vec![
                        r.kind.to_string(),
                        r.id.to_string(),
                        opt(&r.parent_id),
                        r.depth.to_string(),
                        r.persistent_id.unwrap_or("").to_string(),
                        format!(
                            "{}{}",
                            "  ".repeat(r.depth.saturating_sub(1)),
                            r.title.unwrap_or("")
                        ),
                        r.version.unwrap_or("").to_string(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "type",
                    "id",
                    "parent",
                    "depth",
                    "persistent id",
                    "title",
                    "version",
                ],
                rows,
            )?;
            if !global.quiet {
                let p = report.progress;
                eprintln!(
                    "dv: {} items ({} collections, {} datasets) in {} requests",
                    report.items.len(),
                    p.collections_found.saturating_sub(1),
                    p.datasets_found,
                    p.requests
                );
            }
        }
    }
    if !report.errors.is_empty() {
        for f in &report.errors {
            let what = match f.dataset_id {
                Some(id) => format!("dataset {id} in collection {}", f.collection),
                None => format!("collection {}", f.collection),
            };
            eprintln!("dv: skipped {what}: {}", api_line(&f.error));
        }
        return Err(CliError::Incomplete(format!(
            "the crawl is incomplete: {} request(s) failed",
            report.errors.len()
        )));
    }
    Ok(())
}
