//! Bytes: upload (a file, a replacement, a directory) and download (a file, a dataset),
//! with progress.

use std::path::PathBuf;

use dataverse_client::api::upload::{PartDone, UploadMode, UploadReport};
use dataverse_client::{
    DatasetDownloadMode, DatasetDownloadOptions, DownloadOptions, DownloadReport, Error,
    UploadBody, UploadDirectoryOptions, UploadOptions, Verification,
};
use serde_json::{Value, json};

use super::{Call, Fut, Json, ok, to_value};
use crate::errors::{error_info, invalid};

/// The transfer methods; `None` when `name` is not one.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "upload_datafile" => Box::pin(upload(c, false)),
        "replace_datafile" => Box::pin(upload(c, true)),
        "upload_directory" => Box::pin(upload_directory(c)),
        "download_datafile" => Box::pin(download(c)),
        "download_dataset" => Box::pin(download_dataset(c)),
        _ => return None,
    })
}

/// `mode`: `auto` (direct where the store offers it, the default), `native` or `direct`.
fn upload_mode(c: &Call) -> Result<UploadMode, Error> {
    match c.args.opt_str("mode")?.as_deref() {
        None | Some("auto") => Ok(UploadMode::Auto),
        Some("native") => Ok(UploadMode::Native),
        Some("direct") => Ok(UploadMode::Direct),
        Some(other) => Err(invalid(format!(
            "mode '{other}' is not one of auto, native, direct"
        ))),
    }
}

/// One part of a direct upload, as the Python part-progress callable gets it.
fn part_json(path: Option<&std::path::Path>, part: &PartDone) -> Value {
    json!({
        "path": path.map(|p| p.display().to_string()),
        "part": part.part,
        "parts": part.parts,
        "bytes": part.bytes,
        "resumed": part.resumed,
    })
}

fn path(c: &Call, name: &str) -> Result<PathBuf, Error> {
    Ok(PathBuf::from(c.args.str(name)?))
}

/// `{"response": <server's answer>, "report": {checksum, bytes, ...}}`.
fn upload_json(report: &UploadReport) -> Result<Json, Error> {
    ok(json!({
        "response": to_value(&report.response)?,
        "report": {
            "checksum": to_value(&report.checksum)?,
            "bytes": report.bytes,
            "server_checksum": to_value(&report.server_checksum)?,
            "checksum_verified": report.checksum_verified,
            "attempts": report.attempts,
            "recovered_from": report.recovered_from,
            "server_message": report.server_message,
        },
    }))
}

async fn upload(c: &Call, replace: bool) -> Result<Json, Error> {
    let body: UploadBody = c.args.body_or_default("metadata")?;
    let file = path(c, "file")?;
    let mut options = UploadOptions::new().mode(upload_mode(c)?);
    if let Some(n) = c.args.opt_u64("parallel_parts")? {
        options = options.parallel_parts(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(dir) = c.args.opt_str("resume_dir")? {
        options = options.resume_dir(dir);
    }
    if let Some(p) = c.progress.clone() {
        let parts = p.clone();
        options = options
            .progress(move |done, total| p.report(done, total))
            .part_progress(move |part| parts.part(part_json(None, part)));
    }
    let id = c.args.str("identifier")?;
    let report = if replace {
        c.api
            .replace_datafile_with(id, file, &body, options)
            .await?
    } else {
        c.api.upload_datafile_with(id, file, &body, options).await?
    };
    upload_json(&report)
}

async fn upload_directory(c: &Call) -> Result<Json, Error> {
    let dir = path(c, "directory")?;
    let mut options = UploadDirectoryOptions::new()
        .metadata(c.args.body_or_default("metadata")?)
        .replace_changed(c.args.bool_or("replace_changed", true)?)
        .include_hidden(c.args.bool_or("include_hidden", false)?)
        .dry_run(c.args.bool_or("dry_run", false)?);
    if let Some(n) = c.args.opt_u64("concurrency")? {
        options = options.concurrency(usize::try_from(n).unwrap_or(usize::MAX));
    }
    options = options.mode(upload_mode(c)?);
    if let Some(n) = c.args.opt_u64("parallel_parts")? {
        options = options.parallel_parts(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(dir) = c.args.opt_str("resume_dir")? {
        options = options.resume_dir(dir);
    }
    if let Some(n) = c.args.opt_u64("registration_batch")? {
        options = options.registration_batch(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(p) = c.progress.clone() {
        let parts = p.clone();
        options = options
            .progress(move |state| {
                p.report(state.files_done as u64, Some(state.files_total as u64))
            })
            .part_progress(move |path, part| parts.part(part_json(Some(path), part)));
    }
    let summary = c
        .api
        .upload_directory(c.args.str("identifier")?, &dir, options)
        .await?;
    let files = |list: &[dataverse_client::api::upload::DirectoryFile]| -> Result<Value, Error> {
        list.iter()
            .map(|f| Ok(json!({"path": f.path.display().to_string(), "file": to_value(&f.file)?})))
            .collect::<Result<Vec<_>, Error>>()
            .map(Value::Array)
    };
    ok(json!({
        "uploaded": files(&summary.uploaded)?,
        "skipped": files(&summary.skipped)?,
        "replaced": files(&summary.replaced)?,
        "failed": summary.failed.iter().map(|(p, e)| json!({
            "path": p.display().to_string(),
            "error": error_info(e),
        })).collect::<Vec<_>>(),
        "planned": summary.planned.iter().map(|p| json!({
            "path": p.path.display().to_string(),
            "size": p.size,
            "replaces": p.replaces.as_ref().and_then(|f| f.data_file.id),
        })).collect::<Vec<_>>(),
        "bytes_sent": summary.bytes_sent,
    }))
}

fn download_json(r: &DownloadReport) -> Value {
    let (verified, algorithm, checksum) = match &r.verification {
        Verification::Checksum { algorithm, value } => {
            (true, Some(algorithm.to_string()), Some(value.clone()))
        }
        _ => (false, None, None),
    };
    json!({
        "file": r.file,
        "path": r.path.display().to_string(),
        "bytes": r.bytes,
        "content_type": r.content_type,
        "checksum_verified": verified,
        "checksum_algorithm": algorithm,
        "checksum": checksum,
        "resumed_from": r.resumed_from,
        "resumes": r.resumes,
        "restarts": r.restarts,
        "skipped": r.skipped,
    })
}

fn file_options(c: &Call) -> Result<DownloadOptions, Error> {
    let mut options = DownloadOptions::new()
        .original(c.args.bool_or("original", false)?)
        .overwrite(c.args.bool_or("overwrite", false)?)
        .resume(c.args.bool_or("resume", true)?)
        .skip_identical(c.args.bool_or("skip_identical", false)?)
        .sync(c.args.bool_or("sync", true)?);
    if let Some(p) = c.progress.clone() {
        options = options.progress(move |done, total| p.report(done, total));
    }
    Ok(options)
}

async fn download(c: &Call) -> Result<Json, Error> {
    let options = file_options(c)?;
    let report = c
        .api
        .download_datafile(c.args.str("identifier")?, path(c, "destination")?, &options)
        .await?;
    ok(download_json(&report))
}

async fn download_dataset(c: &Call) -> Result<Json, Error> {
    let mode = match c.args.opt_str("mode")?.as_deref() {
        None | Some("files") => DatasetDownloadMode::Files,
        Some("zip") => DatasetDownloadMode::Zip,
        Some(other) => {
            return Err(invalid(format!("mode '{other}' is not one of files, zip")));
        }
    };
    let mut options = DatasetDownloadOptions::new()
        .mode(mode)
        .version(c.args.version("version")?);
    options.file = file_options(c)?;
    if let Some(n) = c.args.opt_u64("concurrency")? {
        options = options.max_concurrency(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let report = c
        .api
        .download_dataset(c.args.str("identifier")?, path(c, "destination")?, &options)
        .await?;
    ok(json!({
        "zip": report.zip.as_ref().map(download_json),
        "files": report.files.iter().map(|f| json!({
            "file_id": f.file_id,
            "relative_path": f.relative_path.display().to_string(),
            "report": f.result.as_ref().ok().map(download_json),
            "error": f.result.as_ref().err().map(error_info),
        })).collect::<Vec<_>>(),
    }))
}
