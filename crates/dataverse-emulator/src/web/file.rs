//! The file page, `/file.xhtml?fileId=ID[&version=1.0|DRAFT]` (or `?persistentId=`, which
//! finds nothing here as file PIDs are not enabled): the file's metadata in the version the
//! viewer may see, its checksum and ingest state, and downloads of the ingested and the
//! original form through the Data Access API.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::collection::version_label;
use super::error::PageError;
use super::layout::{self, Chrome, dataset_href, human_size};
use super::session::Viewer;
use crate::Emulator;
use crate::auth::Caller;
use crate::model::{IngestState, VersionState};
use crate::permissions::{DvObject, Permission, permitted};
use crate::routes::common::extract::Params;
use crate::routes::common::guards::{can_see_draft, find_file, latest_visible};
use crate::store::collections;
use crate::store::datasets::{self, DatasetRow, VersionRow, VersionSpec};
use crate::store::files::{self, DataFileRow, FileMetaRow};

/// Everything the page shows.
#[derive(Debug)]
struct FileView {
    brand: String,
    df: DataFileRow,
    fm: FileMetaRow,
    version: VersionRow,
    dataset: DatasetRow,
    dataset_title: String,
    may_download: bool,
}

fn load(
    conn: &rusqlite::Connection,
    caller: &Caller,
    p: &HashMap<String, String>,
) -> Result<FileView, PageError> {
    let idtf = match p.get("fileId") {
        Some(id) => id.clone(),
        None if p.contains_key("persistentId") => ":persistentId".to_string(),
        None => {
            return Err(PageError::BadRequest(
                "A file page needs a fileId, e.g. /file.xhtml?fileId=42.".into(),
            ));
        }
    };
    let df = find_file(conn, &idtf, p)?;
    let requested = p.get("version").map(|v| v.trim()).and_then(|v| {
        if v.eq_ignore_ascii_case("draft") {
            Some(VersionSpec::Draft)
        } else {
            datasets::parse_version_spec(v)
        }
    });
    let found = match requested {
        Some(spec) => {
            let draft_ok = can_see_draft(conn, caller, df.dataset_id)?;
            let all = datasets::versions(conn, df.dataset_id)?;
            match datasets::select(&all, &spec, draft_ok, false) {
                Some(v) if v.state != VersionState::Draft || draft_ok => {
                    files::meta_in_version(conn, v.id, df.id)?.map(|fm| (v.clone(), fm))
                }
                _ => None,
            }
        }
        None => latest_visible(conn, caller, &df, false)?,
    };
    let Some((version, fm)) = found else {
        return Err(if files::versions_listing(conn, df.id)?.is_empty() {
            PageError::NotFound(format!("File with ID {} not found.", df.id))
        } else {
            PageError::Forbidden(
                "No version of its dataset that you may see lists this file.".into(),
            )
        });
    };
    let Some(dataset) = datasets::by_id(conn, df.dataset_id)? else {
        return Err(PageError::NotFound(format!(
            "File with ID {} not found.",
            df.id
        )));
    };
    let may_download = !fm.restricted
        || permitted(
            conn,
            caller,
            Permission::DownloadFile,
            DvObject::Dataset(df.dataset_id),
        )?;
    Ok(FileView {
        brand: collections::publisher(conn)?,
        dataset_title: datasets::title_of(&version.metadata_blocks).unwrap_or_default(),
        df,
        fm,
        version,
        dataset,
        may_download,
    })
}

/// `GET /file.xhtml?fileId=ID[&version=]`.
pub(crate) async fn page(
    State(em): State<Emulator>,
    viewer: Viewer,
    Params(p): Params,
) -> Result<Response, PageError> {
    let caller = viewer.caller.clone();
    let params = p.clone();
    let view = em
        .store()
        .read(move |conn| load(conn, &caller, &params))
        .await?;
    let here = format!(
        "/file.xhtml?fileId={}&version={}",
        view.df.id,
        version_label(&view.version)
    );
    let chrome = Chrome {
        brand: &view.brand,
        viewer: &viewer,
        here: &here,
    };
    Ok(layout::respond(
        StatusCode::OK,
        layout::page(&view.fm.label, &chrome, render(&view)),
    ))
}

fn ingest_text(df: &DataFileRow) -> String {
    match df.ingest_state {
        Some(IngestState::Pending) => "Tabular ingest in progress".to_string(),
        Some(IngestState::Failed) => "Tabular ingest failed; the file is kept as uploaded".into(),
        None if df.tabular => format!(
            "Ingested as tabular data (from {})",
            df.original_format.as_deref().unwrap_or("the upload")
        ),
        None => "Not ingested (not tabular data)".to_string(),
    }
}

fn render(view: &FileView) -> maud::Markup {
    let (df, fm) = (&view.df, &view.fm);
    let pid = view.dataset.pid();
    let version_href = match view.version.version_number {
        Some(_) => format!(
            "{}&version={}",
            dataset_href(&pid),
            version_label(&view.version)
        ),
        None => format!("{}&version=DRAFT", dataset_href(&pid)),
    };
    let has_original = df.tabular && df.original_format.is_some();
    let categories = fm.category_list();
    html! {
        nav.crumbs aria-label="Breadcrumb" {
            ol {
                li { a href=(version_href) { (view.dataset_title) } }
                li aria-current="page" { (fm.label) }
            }
        }
        h1 {
            (fm.label)
            @if fm.restricted { " " span.badge { "Restricted" } }
            @if view.version.state == VersionState::Draft { " " span.badge { "Draft" } }
        }
        section aria-labelledby="download-heading" {
            h2 #download-heading { "Download" }
            @if view.may_download {
                ul.actions {
                    @if has_original {
                        li { a href={ "/api/access/datafile/" (df.id) } download { "Tab-delimited (ingested), " (human_size(df.filesize)) } }
                        li {
                            a href={ "/api/access/datafile/" (df.id) "?format=original" } download {
                                "Original file (" (df.original_format.as_deref().unwrap_or("")) ")"
                                @if let Some(s) = df.original_size { ", " (human_size(s)) }
                            }
                        }
                    } @else {
                        li { a href={ "/api/access/datafile/" (df.id) } download { "Download " (fm.label) " (" (human_size(df.filesize)) ")" } }
                    }
                }
            } @else {
                p.notice { "This file is restricted: downloading it needs permission on its dataset." }
            }
        }
        section aria-labelledby="meta-heading" {
            h2 #meta-heading { "File Metadata" }
            dl.fields {
                dt { "Name" } dd { (fm.label) }
                @if let Some(d) = fm.directory_label.as_deref().filter(|d| !d.is_empty()) {
                    dt { "Folder" } dd { (d) }
                }
                @if !fm.description.is_empty() {
                    dt { "Description" } dd { (fm.description) }
                }
                @if !categories.is_empty() {
                    dt { "Tags" } dd { (categories.join(", ")) }
                }
                dt { "Type" } dd { (df.content_type) }
                dt { "Size" } dd { (human_size(df.filesize)) " (" (df.filesize) " bytes)" }
                dt { "Checksum" } dd { span.mono { (df.checksum_type) ": " (df.checksum) } }
                dt { "Ingest" } dd { (ingest_text(df)) }
                @if has_original {
                    dt { "Original" }
                    dd {
                        (df.original_name.as_deref().unwrap_or(&fm.label))
                        " · " (df.original_format.as_deref().unwrap_or(""))
                        @if let Some(s) = df.original_size { " · " (human_size(s)) }
                    }
                }
                dt { "Access" } dd { @if fm.restricted { "Restricted" } @else { "Public" } }
                dt { "Deposited" } dd { (layout::date_part(&df.created)) }
                @if let Some(p) = &df.publication_date {
                    dt { "Published" } dd { (layout::date_part(p)) }
                }
                dt { "Dataset" } dd { a href=(version_href) { (view.dataset_title) } " · " span.mono { (pid) } }
                dt { "Version" } dd { (version_label(&view.version)) " (" (view.version.state.as_str()) ")" }
                dt { "File ID" } dd { (df.id) }
            }
        }
    }
}
