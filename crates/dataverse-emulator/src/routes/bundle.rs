//! `GET /api/access/datafile/bundle/{id}` (`Access.datafileBundle`,
//! `BundleDownloadInstanceWriter`): a zip holding, in this order, the file as stored (an
//! ingested table with its variable header line), the saved original, the file's DDI, and
//! its EndNote, RIS and BibTeX citations, under Dataverse's names (`x.tab`, `x.csv`,
//! `x-ddi.xml`, `xcitation-endnote.xml`, `xcitation-ris.ris`, `xcitation-bib.bib`).
//!
//! Dataverse names the extra entries by replacing `.tab` at the end of the file's name, so
//! for a file that is not an ingested table they would repeat the file's own name and its
//! zip writer breaks off with a duplicate entry; here such a bundle holds the file alone.
//! The DDI is the file's full codebook ([`crate::export::file_ddi`]) of the file metadata
//! `fileMetadataId` names (default: the latest).
//!
//! Dataverse also tries, after the original, an `x.RData` conversion through its R service
//! (Rserve); when that fails, as on an installation without one, the entry is left out
//! without an error. No R conversion is made here, so the bundle is the one such an
//! installation answers.
//!
//! A file held in the S3 store is bundled from copies read from the bucket.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppError;
use super::access::{Access, count_downloads, forbidden, header_value, sendable};
use super::common::extract::{Params, flag, site_url};
use super::common::guards::{find_file, latest_visible};
use super::common::guestbook::{required_guestbook, response_missing};
use super::datafile_ddi::file_metadata;
use crate::auth::Auth;
use crate::envelope::{ApiError, RequestInfo};
use crate::export::file_ddi::{self, Fields};
use crate::export::{ExportContext, file_citation};
use crate::ingest;
use crate::store::blobs::TempBlob;
use crate::store::datasets;
use crate::store::files;
use crate::zip::ZipWriter;
use crate::{Emulator, Error};

/// One entry of the bundle: bytes in memory or a stored file.
enum Entry {
    Bytes(String, Vec<u8>),
    File(String, std::path::PathBuf),
}

/// The zip's name, its entries, and the file to count as downloaded (when published).
type Prepared = (String, Vec<Entry>, Option<(i64, i64)>);

/// The bytes of a file held in the S3 store, and of its saved original, read from the
/// bucket into temporary files (removed when dropped).
struct Fetched {
    main: TempBlob,
    orig: Option<TempBlob>,
}

/// For a file in the S3 store that the caller may download, its bytes fetched; `None` for
/// a file-store file (and for a caller the bundle refuses, who is answered below).
async fn fetch_from_s3(
    em: &Emulator,
    idtf: &str,
    p: &std::collections::HashMap<String, String>,
    auth: &Auth,
) -> Result<Option<Fetched>, AppError> {
    let (idtf, p, caller) = (idtf.to_string(), p.clone(), auth.caller.clone());
    let data_dir = em.config().data_dir.clone();
    let wanted = em
        .store()
        .read(move |conn| -> Result<Option<(String, bool)>, AppError> {
            let Ok(df) = find_file(conn, &idtf, &p) else {
                return Ok(None);
            };
            let Access::Granted(file) = sendable(conn, &data_dir, &caller, &df, None, false)?
            else {
                return Ok(None);
            };
            let with_orig = df.tabular && df.original_name.is_some();
            Ok(file.s3_key.map(|k| (k, with_orig)))
        })
        .await?;
    let Some((key, with_orig)) = wanted else {
        return Ok(None);
    };
    let data_dir = em.config().data_dir.clone();
    let failed = |e: String| {
        tracing::warn!(error = %e, "reading a bundled file from the S3 store failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "datafile access error: the file could not be read from its store.",
        )
    };
    let main = ingest::job::fetch(em, &data_dir, &key)
        .await
        .map_err(failed)?;
    let orig = if with_orig {
        Some(
            ingest::job::fetch(em, &data_dir, &format!("{key}.orig"))
                .await
                .map_err(failed)?,
        )
    } else {
        None
    };
    Ok(Some(Fetched { main, orig }))
}

pub(super) async fn bundle(
    State(em): State<Emulator>,
    Path(idtf): Path<String>,
    Params(p): Params,
    info: RequestInfo,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let gbrecs = flag(&p, "gbrecs");
    let data_dir = em.config().data_dir.clone();
    let site = site_url(&headers);
    let fetched = fetch_from_s3(&em, &idtf, &p, &auth).await?;
    let fetched_paths = fetched.as_ref().map(|f| {
        (
            f.main.path().to_path_buf(),
            f.orig.as_ref().map(|o| o.path().to_path_buf()),
        )
    });
    let caller = auth.caller.clone();
    let info2 = info.clone();
    let (zip_name, entries, counted) = em
        .store()
        .read(move |conn| -> Result<Prepared, AppError> {
            let df = find_file(conn, &idtf, &p)
                .map_err(|e| e.replace_api(|_| ApiError::endpoint_not_found(&info2)))?;
            let file = match sendable(conn, &data_dir, &caller, &df, None, false)? {
                Access::Granted(s) => s,
                Access::NotFound => return Err(ApiError::endpoint_not_found(&info2).into()),
                Access::Forbidden => return Err(forbidden(&info2).into()),
            };
            if let Some(gb) = required_guestbook(conn, &caller, df.dataset_id, &p)? {
                return Err(response_missing(gb).into());
            }
            // A file held in the S3 store is read from the copies fetched above.
            let (main, orig) = match fetched_paths {
                Some(paths) => paths,
                None => (
                    file.path.clone(),
                    Some(files::blob_path(&data_dir, &format!("{}.orig", df.blob))),
                ),
            };
            let name = file.name.clone();
            let mut entries = vec![Entry::File(name.clone(), main.clone())];
            if let Some(stem) = name.strip_suffix(".tab").filter(|_| df.tabular) {
                if let (Some(orig_name), Some(orig)) = (&df.original_name, orig) {
                    entries.push(Entry::File(orig_name.clone(), orig));
                }
                // `fileMetadataId` picks the file metadata the DDI and citations describe.
                let fm = match p.contains_key("fileMetadataId") {
                    true => Some(file_metadata(conn, &df, &p, &info2)?),
                    false => None,
                };
                let Some((mut version, _)) = latest_visible(conn, &caller, &df, false)? else {
                    return Err(forbidden(&info2).into());
                };
                let Some(ds) = datasets::by_id(conn, df.dataset_id)? else {
                    return Err(Error::Store("file without dataset".into()).into());
                };
                let all = datasets::versions(conn, ds.id)?;
                if let Some(v) = fm
                    .as_ref()
                    .and_then(|fm| all.iter().find(|v| v.id == fm.version_id))
                {
                    version = v.clone();
                }
                let described = match fm {
                    Some(fm) => fm,
                    None => match files::latest_meta(conn, df.id)? {
                        Some((_, fm)) => fm,
                        None => return Err(forbidden(&info2).into()),
                    },
                };
                // As in Dataverse, a DDI that cannot be made is left out.
                match file_ddi::for_file(conn, &main, &df, &described, &Fields::default()) {
                    Ok(xml) => {
                        entries.push(Entry::Bytes(format!("{stem}-ddi.xml"), xml.into_bytes()))
                    }
                    Err(e) => tracing::warn!(error = %e, "bundle without its DDI"),
                }
                let ctx = ExportContext::load(conn, ds, version, &all, site)?;
                entries.push(Entry::Bytes(
                    format!("{stem}citation-endnote.xml"),
                    file_citation::endnote(&ctx).into_bytes(),
                ));
                entries.push(Entry::Bytes(
                    format!("{stem}citation-ris.ris"),
                    file_citation::ris(&ctx, &name).into_bytes(),
                ));
                entries.push(Entry::Bytes(
                    format!("{stem}citation-bib.bib"),
                    file_citation::bibtex(&ctx).into_bytes(),
                ));
            }
            let zip_name = match name.strip_suffix(".tab") {
                Some(stem) => format!("{stem}-bundle.zip"),
                None => name.clone(),
            };
            let counted = file.released.then_some((file.file_id, file.dataset_id));
            Ok((zip_name, entries, counted))
        })
        .await?;
    if !gbrecs && let Some(f) = counted {
        count_downloads(&em, auth.caller.user().map(|u| u.id), vec![f]).await?;
    }
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        // The fetched copies live until the zip is written.
        let _fetched = fetched;
        let mut z = ZipWriter::new(writer);
        for e in &entries {
            let done = match e {
                Entry::Bytes(n, b) => z.add_bytes(n, b).await,
                Entry::File(n, path) => z.add_file(n, path).await,
            };
            if let Err(err) = done {
                tracing::warn!(error = %err, "bundle download aborted");
                return;
            }
        }
        if let Err(err) = z.finish().await {
            tracing::warn!(error = %err, "bundle download aborted");
        }
    });
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        header_value(&format!("application/zip; name=\"{zip_name}\"")),
    );
    out.insert(
        header::CONTENT_DISPOSITION,
        header_value(&format!("attachment; filename=\"{zip_name}\"")),
    );
    Ok((
        StatusCode::OK,
        out,
        Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
            reader,
            64 * 1024,
        )),
    )
        .into_response())
}
