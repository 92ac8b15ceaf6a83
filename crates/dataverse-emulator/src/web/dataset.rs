//! The dataset page, `/dataset.xhtml?persistentId=PID[&version=1.0|DRAFT]` (the path real
//! Dataverse uses, so pasted links work): the citation as Dataverse formats it, every
//! metadata block's fields under their display names, the files with download links through
//! the Data Access API, the versions, license and terms, and the export links.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde_json::Value;

use super::collection::version_label;
use super::error::PageError;
use super::layout::{self, Chrome, collection_href, dataset_href, human_size, query_value};
use super::sanitize::{escape, sanitize};
use super::session::Viewer;
use crate::Emulator;
use crate::auth::Caller;
use crate::blocks::{Block, Blocks, FieldType};
use crate::export::compounds;
use crate::export::{ExportContext, Exporter};
use crate::model::{ACCESS_TERMS_KEYS, CUSTOM_TERMS_KEYS, VersionState};
use crate::permissions::{DvObject, Permission, permitted};
use crate::routes::common::extract::Params;
use crate::routes::common::guards::can_see_draft;
use crate::store::datasets::{self, VersionRow, VersionSpec};
use crate::store::files::{self, DataFileRow, FileMetaRow};

/// Everything the page shows, read in one go.
#[derive(Debug)]
struct DatasetView {
    ctx: ExportContext,
    /// The versions this viewer may see, newest first.
    versions: Vec<VersionRow>,
    files: Vec<(FileMetaRow, DataFileRow)>,
    /// Whether this viewer may download restricted files.
    may_download_restricted: bool,
}

/// `version=` of the page: `DRAFT`, `x` or `x.y`; anything else means the latest.
fn requested_version(p: &std::collections::HashMap<String, String>) -> VersionSpec {
    match p.get("version").map(|v| v.trim()) {
        Some(v) if v.eq_ignore_ascii_case("draft") => VersionSpec::Draft,
        Some(v) => datasets::parse_version_spec(v).unwrap_or(VersionSpec::Latest),
        None => VersionSpec::Latest,
    }
}

/// The `version=` value that links to a version.
fn version_param(v: &VersionRow) -> String {
    match v.version_number {
        Some(_) => version_label(v),
        None => "DRAFT".to_string(),
    }
}

/// The version part of a citation: `V1` (also for 1.2), `DRAFT VERSION`, as
/// `DataCitation.getVersionFrom` gives it.
fn citation_version(v: &VersionRow) -> String {
    crate::export::citation::version_label(v)
}

fn load(
    conn: &rusqlite::Connection,
    caller: &Caller,
    pid: &str,
    spec: &VersionSpec,
) -> Result<DatasetView, PageError> {
    let Some(ds) = datasets::by_pid(conn, pid)? else {
        return Err(PageError::NotFound(format!(
            "There is no dataset with the persistent identifier {pid}."
        )));
    };
    let all = datasets::versions(conn, ds.id)?;
    let draft_ok = can_see_draft(conn, caller, ds.id)?;
    let not_yours = || {
        PageError::Forbidden(
            "This dataset has no published version, and you may not see its draft.".into(),
        )
    };
    if *spec == VersionSpec::Draft && !draft_ok {
        return Err(not_yours());
    }
    let Some(version) = datasets::select(&all, spec, draft_ok, false).cloned() else {
        return Err(match spec {
            VersionSpec::Number(..) => {
                PageError::NotFound("This dataset has no such published version.".into())
            }
            _ => not_yours(),
        });
    };
    let versions = all
        .iter()
        .filter(|v| match v.state {
            VersionState::Draft => draft_ok,
            VersionState::Released => true,
            VersionState::Deaccessioned => draft_ok,
            VersionState::Archived => false,
        })
        .cloned()
        .collect();
    let files = files::in_version(conn, version.id)?;
    let may_download_restricted = permitted(
        conn,
        caller,
        Permission::DownloadFile,
        DvObject::Dataset(ds.id),
    )?;
    let ctx = ExportContext::load(conn, ds, version, &all, String::new())?;
    Ok(DatasetView {
        ctx,
        versions,
        files,
        may_download_restricted,
    })
}

/// `GET /dataset.xhtml?persistentId=PID[&version=]`.
pub(crate) async fn page(
    State(em): State<Emulator>,
    viewer: Viewer,
    Params(p): Params,
) -> Result<Response, PageError> {
    let Some(pid) = p
        .get("persistentId")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
    else {
        return Err(PageError::BadRequest(
            "A dataset page needs a persistentId, e.g. /dataset.xhtml?persistentId=doi:10.5072/FK2/ABCDEF."
                .into(),
        ));
    };
    let spec = requested_version(&p);
    let caller = viewer.caller.clone();
    let key = pid.clone();
    let view = em
        .store()
        .read(move |conn| load(conn, &caller, &key, &spec))
        .await?;
    let mut here = dataset_href(&pid);
    if let Some(v) = p.get("version") {
        here.push_str(&format!("&version={}", query_value(v)));
    }
    let chrome = Chrome {
        brand: &view.ctx.publisher,
        viewer: &viewer,
        here: &here,
    };
    let files_page = p
        .get("filesPage")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let markup = render(&view, em.blocks(), files_page);
    Ok(layout::respond(
        StatusCode::OK,
        layout::page(&view.ctx.citation.title, &chrome, markup),
    ))
}

/// A field value as Dataverse displays it: the field type's display format with `#VALUE`
/// (HTML kept as the safelist allows for TEXTBOX and URL fields, escaped otherwise), `#NAME`
/// and `#EMAIL` (addresses are not shown) replaced, then sanitized as a whole.
fn display_value(f: &FieldType, value: &str) -> String {
    let format = if f.display_format.trim().is_empty() {
        "#VALUE"
    } else {
        f.display_format.as_str()
    };
    let value = match f.field_type.as_str() {
        "TEXTBOX" | "URL" => sanitize(value),
        _ => escape(value),
    };
    sanitize(
        &format
            .replace("#NAME", &escape(&f.title))
            .replace("#EMAIL", "(e-mail not shown)")
            .replace("#VALUE", &value),
    )
}

/// The strings of a primitive or controlled-vocabulary value.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The displayed values of one field (one per entry of a multiple field).
fn field_values(block: &Block, i: usize, value: &Value) -> Vec<String> {
    let f = &block.fields[i];
    if f.children.is_empty() {
        return strings(value)
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| display_value(f, s))
            .collect();
    }
    compounds(value)
        .into_iter()
        .map(|entry| {
            f.children
                .iter()
                .filter_map(|&c| {
                    let child = &block.fields[c];
                    let v = entry.get(&child.name)?.get("value")?;
                    let shown: Vec<String> = strings(v)
                        .into_iter()
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| display_value(child, s))
                        .collect();
                    (!shown.is_empty()).then(|| shown.join("; "))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

fn metadata(blocks: &Blocks, wire: &Value) -> Markup {
    html! {
        @for block in &blocks.blocks {
            @if let Some(fields) = wire.get(&block.name).and_then(|b| b.get("fields")).and_then(Value::as_array) {
                @let shown: Vec<(String, Vec<String>)> = block.top_level.iter().filter_map(|&i| {
                    let f = &block.fields[i];
                    let value = fields.iter().find(|x| x.get("typeName").and_then(Value::as_str) == Some(f.name.as_str()))?.get("value")?;
                    let values = field_values(block, i, value);
                    (!values.is_empty()).then(|| (block.field_display_name(i), values))
                }).collect();
                @if !shown.is_empty() {
                    section.block aria-labelledby={ "block-" (block.name) } {
                        h3 id={ "block-" (block.name) } { (block.display_name) }
                        dl.fields {
                            @for (name, values) in &shown {
                                dt { (name) }
                                dd {
                                    @if values.len() == 1 {
                                        (PreEscaped(&values[0]))
                                    } @else {
                                        ul { @for v in values { li { (PreEscaped(v)) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `termsOfUse` → `Terms of use`.
fn humanize(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn terms(view: &DatasetView) -> Markup {
    let v = &view.ctx.version_json;
    let custom: Vec<(&str, &str)> = CUSTOM_TERMS_KEYS
        .iter()
        .chain(ACCESS_TERMS_KEYS.iter())
        .filter_map(|k| Some((*k, v.get(*k)?.as_str()?)))
        .filter(|(_, t)| !t.trim().is_empty())
        .collect();
    html! {
        dl.fields {
            dt { "License" }
            dd {
                @if let Some(l) = &view.ctx.license {
                    a href=(l.uri) rel="license" { (l.name) }
                } @else {
                    "Custom Dataset Terms"
                }
            }
            @for (k, t) in &custom {
                dt { (humanize(k)) }
                dd { (layout::rich(t)) }
            }
            @if v.get("fileAccessRequest").and_then(Value::as_bool) == Some(true) {
                dt { "Request access" }
                dd { "Users may request access to restricted files." }
            }
        }
    }
}

/// Files in the table of one page (Dataverse pages its file table too).
const FILES_PER_PAGE: usize = 50;

fn file_table(view: &DatasetView, page: usize) -> Markup {
    let total = view.files.len();
    let pages = total.div_ceil(FILES_PER_PAGE).max(1);
    let page = page.min(pages);
    let first = (page - 1) * FILES_PER_PAGE;
    let shown = &view.files[first..(first + FILES_PER_PAGE).min(total)];
    let page_href = |n: usize| {
        format!(
            "{}&version={}&filesPage={n}#files-heading",
            dataset_href(&view.ctx.pid()),
            query_value(&version_param(&view.ctx.version))
        )
    };
    html! {
        div.table-wrap {
            table {
                caption.muted {
                    (total) " file(s) in this version"
                    @if pages > 1 { ", " (first + 1) " to " (first + shown.len()) " shown" }
                }
                thead {
                    tr {
                        th scope="col" { "Name" }
                        th scope="col" { "Folder" }
                        th scope="col" { "Size" }
                        th scope="col" { "Type" }
                        th scope="col" { "Checksum" }
                        th scope="col" { "Access" }
                        th scope="col" { "Download" }
                    }
                }
                tbody {
                    @for (fm, df) in shown {
                        tr {
                            td { a href={ "/file.xhtml?fileId=" (df.id) "&version=" (query_value(&version_param(&view.ctx.version))) } { (fm.label) } }
                            td { (fm.directory_label.as_deref().unwrap_or("")) }
                            td.num { (human_size(df.filesize)) }
                            td { (df.content_type) }
                            td { span.mono { (df.checksum_type) ": " (df.checksum) } }
                            td { @if fm.restricted { "Restricted" } @else { "Public" } }
                            td {
                                @if !fm.restricted || view.may_download_restricted {
                                    a href={ "/api/access/datafile/" (df.id) } download aria-label={ "Download " (fm.label) } { "Download" }
                                } @else {
                                    span.muted { "Restricted" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label="File pages" {
                @if page > 1 { a rel="prev" href=(page_href(page - 1)) { "Previous files" } }
                span { "Page " (page) " of " (pages) }
                @if page < pages { a rel="next" href=(page_href(page + 1)) { "Next files" } }
            }
        }
    }
}

fn render(view: &DatasetView, blocks: &Blocks, files_page: usize) -> Markup {
    let ctx = &view.ctx;
    let v = &ctx.version;
    let pid = ctx.pid();
    let downloadable = view
        .files
        .iter()
        .filter(|(fm, _)| !fm.restricted || view.may_download_restricted)
        .count();
    let zip_spec = match v.version_number {
        Some(_) => version_label(v),
        None => ":draft".to_string(),
    };
    let released = v.state == VersionState::Released;
    html! {
        nav.crumbs aria-label="Breadcrumb" {
            ol {
                @for o in ctx.owners.iter().rev() {
                    li { a href=(collection_href(&o.alias, o.owner_id.is_none())) { (o.name) } }
                }
                li aria-current="page" { (ctx.citation.title) }
            }
        }
        h1 {
            (ctx.citation.title)
            @match v.state {
                VersionState::Draft => { " " span.badge { "Draft" } }
                VersionState::Deaccessioned => { " " span.badge { "Deaccessioned" } }
                _ => {}
            }
        }
        @if let Some(s) = &ctx.citation.subtitle { p.muted { (s) } }
        section aria-labelledby="cite-heading" {
            h2 #cite-heading { "Data Citation" }
            p.citation {
                (ctx.author_list()) ", " (ctx.year()) ", \"" (ctx.citation.title) "\", "
                a href=(ctx.pid_url()) { (ctx.pid_url()) } ", "
                (ctx.publisher) ", " (citation_version(v))
            }
            p.muted {
                "Version " (version_label(v))
                @if let Some(d) = ctx.publication_date() { " · published " (d) }
                " · last updated " (ctx.modified_date())
            }
        }
        @for d in &ctx.citation.descriptions {
            div.description { (layout::rich(d)) }
        }
        section aria-labelledby="files-heading" {
            h2 #files-heading { "Files" }
            @if view.files.is_empty() {
                p.muted { "This version has no files." }
            } @else {
                @if downloadable > 0 {
                    p.actions {
                        a href={ "/api/access/dataset/:persistentId/versions/" (query_value(&zip_spec)) "?persistentId=" (query_value(&pid)) } {
                            "Download all (" (downloadable) " file(s), ZIP)"
                        }
                    }
                }
                (file_table(view, files_page))
            }
        }
        section aria-labelledby="metadata-heading" {
            h2 #metadata-heading { "Metadata" }
            (metadata(blocks, &ctx.blocks))
        }
        section aria-labelledby="terms-heading" {
            h2 #terms-heading { "Terms" }
            (terms(view))
        }
        section aria-labelledby="versions-heading" {
            h2 #versions-heading { "Versions" }
            div.table-wrap {
                table {
                    thead { tr { th scope="col" { "Version" } th scope="col" { "State" } th scope="col" { "Date" } } }
                    tbody {
                        @for other in &view.versions {
                            tr {
                                td {
                                    @if other.id == v.id {
                                        strong { (version_label(other)) } " (shown)"
                                    } @else {
                                        a href={ (dataset_href(&pid)) "&version=" (version_param(other)) } { (version_label(other)) }
                                    }
                                }
                                td { (other.state.as_str()) }
                                td { (layout::date_part(other.release_time.as_deref().unwrap_or(&other.last_update_time))) }
                            }
                        }
                    }
                }
            }
        }
        @if released {
            section aria-labelledby="export-heading" {
                h2 #export-heading { "Export Metadata" }
                ul.actions {
                    @for e in Exporter::ALL {
                        li { a href={ "/api/datasets/export?exporter=" (query_value(e.name())) "&persistentId=" (query_value(&pid)) } { (e.display_name()) } " " span.muted { "(" (e.name()) ")" } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanized_terms_keys() {
        assert_eq!(humanize("termsOfUse"), "Terms of use");
        assert_eq!(humanize("dataAccessPlace"), "Data access place");
    }
}
