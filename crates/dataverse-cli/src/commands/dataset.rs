//! `dv dataset get|versions|create|validate|edit|publish|locks|assignments|delete|destroy|
//! review|private-url|export`

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use dataverse_client::models::datasets::{
    Dataset, DatasetVersion, LockType, PrivateUrl, ReleaseType,
};
use dataverse_client::models::metadata::{DatasetCreateBody, EditMetadataBody, MetadataProblem};
use dataverse_client::{PersistentOrId, Version};
use futures_util::{StreamExt, stream};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cli::{
    DatasetCommand, GlobalArgs, OutputFormat, PrivateUrlCommand, ReleaseArg, ReviewCommand,
};
use crate::context::Context;
use crate::error::{CliError, CliResult, api_line};
use crate::output::{self, opt};
use crate::progress::Spinner;

/// Requests at once for `get --version` over several datasets.
const GET_CONCURRENCY: usize = 8;

/// Run `dv dataset ...`.
pub async fn run(cmd: DatasetCommand, ctx: &Context, global: &GlobalArgs) -> CliResult {
    let api = &ctx.api;
    match cmd {
        DatasetCommand::Get { ids, version } => get(ids, version, ctx, global).await,
        DatasetCommand::Versions { id } => {
            let list = api.get_dataset_versions(id.as_str()).await?;
            if ctx.output == OutputFormat::Csv {
                let rows: Vec<serde_json::Value> = list
                    .iter()
                    .map(|v| {
                        serde_json::json!({
                            "version": v.version_label(),
                            "state": v.version_state,
                            "release_time": v.release_time,
                            "last_update_time": v.last_update_time,
                        })
                    })
                    .collect();
                return output::csv(&rows);
            }
            output::emit(ctx.output, &list, || {
                let rows = list
                    .iter()
                    .map(|v| {
                        vec![
                            v.version_label(),
                            opt(&v.version_state),
                            opt(&v.release_time),
                            opt(&v.last_update_time),
                        ]
                    })
                    .collect();
                output::table(&["version", "state", "released", "last update"], rows)
            })
        }
        DatasetCommand::Create {
            collection,
            json,
            pid,
            publish,
            no_preflight,
        } => {
            let body: DatasetCreateBody = read_body(&json, "dataset create body")?;
            if !no_preflight {
                let spinner = Spinner::new(global.quiet);
                spinner.set_message("checking the metadata against the metadata blocks".into());
                let problems = api.preflight_dataset(&body).await;
                spinner.finish();
                let problems = problems?;
                if !problems.is_empty() {
                    report_problems(&problems);
                    return Err(CliError::Usage(format!(
                        "{} problem(s) in {}; nothing was sent (--no-preflight skips this check)",
                        problems.len(),
                        json.display()
                    )));
                }
            }
            let created = api
                .create_dataset(collection.as_str(), &body, pid.as_deref(), publish)
                .await?;
            output::emit(ctx.output, &created, || {
                let mut rows = vec![
                    ("id", created.id.to_string()),
                    ("persistent id", created.persistent_id.clone()),
                ];
                if let Some(done) = created.release_completed {
                    rows.push(("released", output::yes(Some(done))));
                }
                output::pairs(rows)
            })
        }
        DatasetCommand::Validate { collection, json } => {
            let body: DatasetCreateBody = read_body(&json, "dataset create body")?;
            let spinner = Spinner::new(global.quiet);
            spinner.set_message("validating".into());
            let (problems, verdict) = tokio::join!(
                api.preflight_dataset(&body),
                api.validate_dataset_json(collection.as_str(), &body)
            );
            spinner.finish();
            let problems = problems?;
            let verdict = verdict?;
            report_problems(&problems);
            let report = ValidationReport {
                valid: verdict.valid,
                message: verdict.message.clone(),
                preflight: problems,
            };
            output::emit(ctx.output, &report, || {
                let word = if report.valid { "valid" } else { "invalid" };
                output::line(&format!("{word}: {}", report.message.trim()))
            })?;
            if !report.valid {
                return Err(CliError::Incomplete(format!(
                    "the server found {} not valid for collection {collection}",
                    json.display()
                )));
            }
            Ok(())
        }
        DatasetCommand::Edit { id, json, replace } => {
            let body: EditMetadataBody = read_body(&json, "metadata edit body")?;
            let v = api
                .edit_dataset_metadata(id.as_str(), &body, replace)
                .await?;
            output::emit(ctx.output, &v, || show_version(&v))
        }
        DatasetCommand::Publish {
            id,
            release_type,
            wait,
            timeout,
        } => {
            let release = match release_type {
                ReleaseArg::Major => ReleaseType::Major,
                ReleaseArg::Minor => ReleaseType::Minor,
                ReleaseArg::UpdateCurrent => ReleaseType::UpdateCurrent,
            };
            let ds = if wait {
                let spinner = Spinner::new(global.quiet);
                spinner.set_message(format!("publishing {id} and waiting for it to finish"));
                let r = api
                    .publish_dataset_and_wait(id.as_str(), release, Duration::from_secs(timeout))
                    .await;
                spinner.finish();
                r?
            } else {
                api.publish_dataset(id.as_str(), release).await?
            };
            emit_datasets(ctx.output, &ds, std::slice::from_ref(&ds))
        }
        DatasetCommand::Files { id, mime, version } => {
            super::file::dataset_files(ctx, global, &id, &mime, version.as_deref()).await
        }
        DatasetCommand::Locks { id, lock_type } => {
            let lock_type = lock_type.as_deref().map(parse_lock_type).transpose()?;
            let list = api.get_dataset_lock(id.as_str(), lock_type).await?;
            output::emit(ctx.output, &list, || {
                if list.is_empty() {
                    return output::line("no locks");
                }
                let rows = list
                    .iter()
                    .map(|l| {
                        vec![
                            l.lock_type.to_string(),
                            opt(&l.date),
                            opt(&l.user),
                            opt(&l.message),
                        ]
                    })
                    .collect();
                output::table(&["type", "since", "user", "message"], rows)
            })
        }
        DatasetCommand::Assignments { id } => {
            let mut list = api.get_dataset_assignments(id.as_str()).await?;
            // A private URL's token is printed only by `private-url create|show`.
            for a in &mut list {
                a.private_url_token = None;
            }
            output::emit(ctx.output, &list, || {
                let rows = list
                    .iter()
                    .map(|a| {
                        vec![
                            opt(&a.id),
                            a.assignee.clone(),
                            opt(&a.role_alias),
                            opt(&a.role_name),
                        ]
                    })
                    .collect();
                output::table(&["id", "assignee", "role", "role name"], rows)
            })
        }
        DatasetCommand::Delete { id } => {
            let m = api.delete_dataset(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        DatasetCommand::Destroy { id, yes } => {
            if !yes {
                return Err(CliError::Usage(format!(
                    "destroying dataset {id} deletes all its versions and files and cannot be undone; add --yes to confirm"
                )));
            }
            let m = api.destroy_dataset(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        DatasetCommand::Review(ReviewCommand::Submit { id }) => {
            let m = api.submit_dataset_for_review(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        DatasetCommand::Review(ReviewCommand::Return { id, reason }) => {
            let m = api.return_dataset_to_author(id.as_str(), &reason).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        DatasetCommand::PrivateUrl(PrivateUrlCommand::Create { id }) => {
            let p = api.create_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &p, || show_private_url(&p))
        }
        DatasetCommand::PrivateUrl(PrivateUrlCommand::Show { id }) => {
            let p = api.get_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &p, || show_private_url(&p))
        }
        DatasetCommand::PrivateUrl(PrivateUrlCommand::Delete { id }) => {
            let m = api.delete_dataset_private_url(id.as_str()).await?;
            output::emit(ctx.output, &m, || output::line(&m.message))
        }
        DatasetCommand::Export { id, format, file } => {
            let doc = api.get_dataset_export(id.as_str(), &format).await?;
            match file {
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(doc.as_bytes())?;
                    if !doc.ends_with('\n') {
                        out.write_all(b"\n")?;
                    }
                    out.flush()?;
                    Ok(())
                }
                Some(path) => {
                    write_atomically(&path, doc.as_bytes())?;
                    if !global.quiet {
                        eprintln!(
                            "dv: wrote the {format} export of {id} to {} ({} bytes)",
                            path.display(),
                            doc.len()
                        );
                    }
                    Ok(())
                }
            }
        }
    }
}

/// What `validate` prints: the server's verdict and the local pre-flight's problems.
#[derive(Serialize)]
struct ValidationReport {
    valid: bool,
    message: String,
    preflight: Vec<MetadataProblem>,
}

/// `get ID... [--version V]`: concurrently; prints the successes, reports each failure.
async fn get(
    ids: Vec<String>,
    version: Option<String>,
    ctx: &Context,
    global: &GlobalArgs,
) -> CliResult {
    let version = version
        .as_deref()
        .map(Version::parse)
        .transpose()
        .map_err(|e| CliError::Usage(api_line(&e)))?;
    let total = ids.len();
    let spinner = Spinner::new(global.quiet || total < 2);
    spinner.set_message(format!("0/{total} datasets"));
    let results: Vec<dataverse_client::Result<Dataset>> = match version {
        None => {
            let s = spinner.clone();
            let progress: dataverse_client::api::datasets::BulkProgress =
                Arc::new(move |done, total| s.set_message(format!("{done}/{total} datasets")));
            ctx.api
                .get_datasets_with_progress(ids.iter(), Some(progress))
                .await
        }
        Some(v) => {
            let api = &ctx.api;
            let spinner = &spinner;
            let done = &std::sync::atomic::AtomicUsize::new(0);
            let mut indexed: Vec<(usize, dataverse_client::Result<Dataset>)> =
                stream::iter(ids.iter().enumerate().map(|(i, id)| async move {
                    let r = match PersistentOrId::parse(id) {
                        Ok(id) => api.get_dataset(&id, Some(v)).await,
                        Err(e) => Err(e),
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    spinner.set_message(format!("{n}/{total} datasets"));
                    (i, r)
                }))
                .buffer_unordered(GET_CONCURRENCY)
                .collect()
                .await;
            indexed.sort_by_key(|(i, _)| *i);
            indexed.into_iter().map(|(_, r)| r).collect()
        }
    };
    spinner.finish();
    if total == 1 {
        // One dataset: its error is the command's error (a malformed ID is a usage error).
        let ds = results
            .into_iter()
            .next()
            .ok_or_else(|| CliError::Usage("no dataset ID given".into()))??;
        return emit_datasets(ctx.output, &ds, std::slice::from_ref(&ds));
    }
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for (id, r) in ids.iter().zip(results) {
        match r {
            Ok(ds) => found.push(ds),
            Err(e) => failures.push((id, e)),
        }
    }
    emit_datasets(ctx.output, &found, &found)?;
    if failures.is_empty() {
        return Ok(());
    }
    for (id, e) in &failures {
        eprintln!("dv: {id}: {}", api_line(e));
    }
    Err(CliError::Incomplete(format!(
        "{} of {total} datasets could not be read",
        failures.len()
    )))
}

/// The version a dataset answer carries (the requested one, else the latest).
fn version_of(ds: &Dataset) -> Option<&DatasetVersion> {
    ds.dataset_version
        .as_deref()
        .or(ds.latest_version.as_deref())
}

/// Print `value` (a dataset or a list of them): JSON and NDJSON complete, table and CSV
/// as one flat row per dataset.
fn emit_datasets<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    list: &[Dataset],
) -> CliResult {
    if format == OutputFormat::Csv {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|ds| {
                let v = version_of(ds);
                serde_json::json!({
                    "id": ds.id,
                    "persistent_id": ds.persistent_id(),
                    "version": v.map(DatasetVersion::version_label),
                    "state": v.and_then(|v| v.version_state.clone()),
                    "title": v.and_then(|v| v.title()),
                })
            })
            .collect();
        return output::csv(&rows);
    }
    output::emit(format, value, || show_datasets(list))
}

/// Datasets as a table: id, PID, version, state, title.
fn show_datasets(list: &[Dataset]) -> CliResult {
    let rows = list
        .iter()
        .map(|ds| {
            let v = version_of(ds);
            vec![
                opt(&ds.id),
                ds.persistent_id().unwrap_or_default(),
                v.map(DatasetVersion::version_label).unwrap_or_default(),
                v.and_then(|v| v.version_state.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                v.and_then(|v| v.title()).unwrap_or_default().to_string(),
            ]
        })
        .collect();
    output::table(&["id", "persistent id", "version", "state", "title"], rows)
}

/// One version as key-value pairs.
fn show_version(v: &DatasetVersion) -> CliResult {
    output::pairs(vec![
        ("dataset id", opt(&v.dataset_id)),
        ("persistent id", opt(&v.dataset_persistent_id)),
        ("version", v.version_label()),
        ("state", opt(&v.version_state)),
        ("title", v.title().unwrap_or_default().to_string()),
        ("last update", opt(&v.last_update_time)),
    ])
}

fn show_private_url(p: &PrivateUrl) -> CliResult {
    output::pairs(vec![("link", p.link.clone()), ("token", p.token.clone())])
}

/// Print pre-flight problems on stderr, one per line.
fn report_problems(problems: &[MetadataProblem]) {
    for p in problems {
        let text = p.to_string();
        eprintln!(
            "dv: {}",
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
}

/// `--type` of `locks`: a known lock type, matched without regard to case.
fn parse_lock_type(s: &str) -> CliResult<LockType> {
    const KNOWN: [LockType; 8] = [
        LockType::Ingest,
        LockType::Workflow,
        LockType::InReview,
        LockType::DcmUpload,
        LockType::GlobusUpload,
        LockType::FinalizePublication,
        LockType::EditInProgress,
        LockType::FileValidationFailed,
    ];
    KNOWN
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = KNOWN.iter().map(LockType::as_str).collect();
            CliError::Usage(format!(
                "'{s}' is not a lock type; expected one of {}",
                names.join(", ")
            ))
        })
}

/// Read and decode a JSON body from a file (`-`: stdin).
fn read_body<T: DeserializeOwned>(path: &Path, what: &str) -> CliResult<T> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{} is not valid JSON: {e}", path.display())))?;
    serde_json::from_value(value)
        .map_err(|e| CliError::Usage(format!("{} is not a valid {what}: {e}", path.display())))
}

/// Write `bytes` to a temporary file next to `path`, then rename it into place.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| CliError::Io(format!("cannot write {}: {e}", path.display()));
    if !dir.is_dir() {
        return Err(CliError::Io(format!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dv-export-");
    // Keep the mode of a file being replaced; a new file gets the usual mode (0666 less
    // the umask) rather than the temporary file's 0600.
    match std::fs::metadata(path) {
        Ok(meta) => {
            builder.permissions(meta.permissions());
        }
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
        }
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
