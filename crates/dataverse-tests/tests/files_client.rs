//! Files through the library: upload (path and reader, progress, checksums), metadata,
//! update, replace with lineage, delete, restrict, redetect, tabular ingest, the files
//! table, and `upload_directory` run twice; against the embedded Dataverse, plus scripted
//! servers (wiremock) for lost answers, retries and bad checksums.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataverse_client::api::upload::{UploadDirectoryOptions, UploadOptions, UploadSource};
use dataverse_client::checksum::ChecksumAlgorithm;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::{Checksum, UploadBody};
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(10);
/// `md5("hello world\n")`.
const HELLO_MD5: &str = "6f5902ac237024bdd0c176cb93063dc4";

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

fn md5_hex(data: &[u8]) -> String {
    let mut h = dataverse_client::checksum::Hasher::new(ChecksumAlgorithm::Md5);
    h.update(data);
    h.finalize()
}

async fn dataset(api: &NativeApi) -> (u64, String) {
    let created = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    (created.id, created.persistent_id)
}

fn write(dir: &Path, rel: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, data).unwrap();
    p
}

/// Wait until no `Ingest` lock is left on the dataset.
async fn wait_for_ingest(api: &NativeApi, ds: u64) {
    let deadline = std::time::Instant::now() + WAIT;
    while !api.get_dataset_lock(ds, None).await.unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "ingest never finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn upload_metadata_update_and_delete() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, pid) = dataset(&api).await;
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "hello.txt", b"hello world\n");

    let body = UploadBody {
        description: Some("greeting".into()),
        directory_label: Some("docs/en".into()),
        categories: Some(vec!["Documentation".into()]),
        ..Default::default()
    };
    let report = api
        .upload_datafile_with(
            pid.as_str(),
            UploadSource::path(&file),
            &body,
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        report.checksum,
        Checksum::new(ChecksumAlgorithm::Md5, HELLO_MD5)
    );
    assert_eq!(report.bytes, 12);
    assert!(report.checksum_verified);
    assert_eq!(report.attempts, 1);
    assert!(report.recovered_from.is_none());
    let fm = report.file().unwrap().clone();
    assert_eq!(fm.label, "hello.txt");
    assert_eq!(fm.path(), "docs/en/hello.txt");
    assert_eq!(fm.description.as_deref(), Some("greeting"));
    assert_eq!(
        fm.categories.as_deref(),
        Some(&["Documentation".to_string()][..])
    );
    assert_eq!(fm.data_file.filesize, 12);
    assert_eq!(fm.data_file.content_type.as_deref(), Some("text/plain"));
    assert_eq!(fm.data_file.checksum.as_ref().unwrap().value, HELLO_MD5);
    let id = fm.data_file.id.unwrap();

    // Published view: the dataset has no published version, so only the draft has it.
    let draft = api.get_datafile_metadata(id, true).await.unwrap();
    assert_eq!(draft.label, "hello.txt");
    assert_eq!(draft.data_file.id, Some(id));
    let latest = api.get_datafile_metadata(id, false).await.unwrap();
    assert_eq!(latest.data_file.content_type.as_deref(), Some("text/plain"));
    // Anonymous callers do not see a draft file.
    let err = server
        .anonymous()
        .get_datafile_metadata(id, false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized(_) | Error::NotFound(_) | Error::Forbidden(_)
        ),
        "{err:?}"
    );

    // Rename and describe through the raw-text metadata endpoint.
    let updated = api
        .update_datafile_metadata(
            id,
            &UploadBody {
                label: Some("hi.txt".into()),
                description: Some("renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.label.as_deref(), Some("hi.txt"));
    assert_eq!(updated.description.as_deref(), Some("renamed"));
    let after = api.get_datafile_metadata(id, true).await.unwrap();
    assert_eq!(after.label, "hi.txt");
    assert_eq!(after.directory_label.as_deref(), Some("docs/en"), "kept");
    assert_eq!(after.description.as_deref(), Some("renamed"));

    // A file the caller cannot find.
    assert!(matches!(
        api.get_datafile_metadata(999_999, false).await,
        Err(Error::NotFound(_))
    ));

    // Never published: deleting removes it for good.
    assert!(api.delete_datafile(id).await.unwrap());
    assert!(matches!(
        api.get_datafile_metadata(id, true).await,
        Err(Error::NotFound(_))
    ));
    assert!(
        api.get_datafiles_metadata(ds, Some(Version::Draft), &[])
            .await
            .unwrap()
            .is_empty()
    );
    server.stop().await;
}

#[tokio::test]
async fn reader_uploads_stream_with_progress() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, _) = dataset(&api).await;
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let seen = Arc::new(Mutex::new(Vec::<(u64, Option<u64>)>::new()));
    let seen2 = seen.clone();
    let report = api
        .upload_datafile_with(
            ds,
            UploadSource::reader(std::io::Cursor::new(data.clone()), "blob.bin")
                .with_size(data.len() as u64),
            &UploadBody::default(),
            UploadOptions::new()
                .progress(move |done, total| seen2.lock().unwrap().push((done, total))),
        )
        .await
        .unwrap();
    assert_eq!(
        report.checksum,
        Checksum::new(ChecksumAlgorithm::Md5, md5_hex(&data))
    );
    assert!(report.checksum_verified);
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() > 3, "progress in chunks: {}", seen.len());
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "monotonic");
    assert_eq!(seen.last(), Some(&(3_000_000, Some(3_000_000))));
    assert_eq!(report.file().unwrap().data_file.filesize, 3_000_000);

    // Without a size the body goes chunked; content type given explicitly.
    let r = api
        .upload_datafile_with(
            ds,
            UploadSource::reader(&b"{\"a\": 1}"[..], "x.json")
                .with_content_type("application/json"),
            &UploadBody::default(),
            UploadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.bytes, 8);
    assert_eq!(
        r.file().unwrap().data_file.content_type.as_deref(),
        Some("application/json")
    );

    // A same-named file in the same folder is renamed by the server.
    let again = api
        .upload_datafile(
            ds,
            UploadSource::reader(&b"other"[..], "x.json"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    assert_eq!(again.files[0].label, "x-1.json");

    // Errors: unknown dataset, no permission, a folder that climbs out.
    let err = api
        .upload_datafile(
            999_999,
            UploadSource::reader(&b"x"[..], "a.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let err = server
        .anonymous()
        .upload_datafile(
            ds,
            UploadSource::reader(&b"x"[..], "a.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unauthorized(_) | Error::Forbidden(_)),
        "{err:?}"
    );
    let err = api
        .upload_datafile(
            ds,
            UploadSource::reader(&b"x"[..], "a.txt"),
            &UploadBody {
                directory_label: Some("../up".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    // A plain string is a path.
    let err = api
        .upload_datafile(ds, "/nonexistent/file.txt", &UploadBody::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert_eq!(
        api.get_datafiles_metadata(ds, None, &[])
            .await
            .unwrap()
            .len(),
        3,
        "nothing half-added by the failures"
    );
    server.stop().await;
}

#[tokio::test]
async fn replace_keeps_lineage_and_publish_then_delete() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, pid) = dataset(&api).await;
    let tmp = tempfile::tempdir().unwrap();
    let v1 = write(tmp.path(), "v1/notes.txt", b"first\n");
    let v2 = write(tmp.path(), "v2/notes.txt", b"second version\n");
    let png = write(tmp.path(), "pic.png", b"\x89PNG\r\n\x1a\nnot really");

    let first = api
        .upload_datafile(ds, UploadSource::path(&v1), &UploadBody::default())
        .await
        .unwrap();
    let draft_id = first.files[0].data_file.id.unwrap();
    // A file never published is replaced in the draft (Dataverse 5.10+): it goes, and the
    // new file starts no lineage.
    let v1b = write(tmp.path(), "v1b/notes.txt", b"first, again\n");
    let again = api
        .replace_datafile(draft_id, UploadSource::path(&v1b), &UploadBody::default())
        .await
        .unwrap();
    let old_id = again.files[0].data_file.id.unwrap();
    assert_ne!(old_id, draft_id);
    assert_eq!(again.files[0].data_file.previous_data_file_id, None);
    assert!(matches!(
        api.get_datafile_metadata(draft_id, false).await,
        Err(Error::NotFound(_))
    ));
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let replaced = api
        .replace_datafile_with(
            old_id,
            UploadSource::path(&v2),
            &UploadBody {
                description: Some("v2".into()),
                ..Default::default()
            },
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert!(replaced.checksum_verified);
    let new = replaced.file().unwrap();
    let new_id = new.data_file.id.unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(new.data_file.previous_data_file_id, Some(old_id as i64));
    assert_eq!(new.data_file.root_data_file_id, Some(old_id as i64));
    assert_eq!(new.description.as_deref(), Some("v2"));
    assert_eq!(
        new.data_file.checksum.as_ref().unwrap().value,
        md5_hex(b"second version\n")
    );

    // Another content type needs forceReplace (of a published file again).
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let err = api
        .replace_datafile(new_id, UploadSource::path(&png), &UploadBody::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)), "{err:?}");
    let forced = api
        .replace_datafile(
            new_id,
            UploadSource::path(&png),
            &UploadBody {
                force_replace: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let png_id = forced.files[0].data_file.id.unwrap();
    assert_eq!(
        forced.files[0].data_file.content_type.as_deref(),
        Some("image/png")
    );

    // Published, then deleted from the new draft only: false.
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    assert!(!api.delete_datafile(png_id).await.unwrap());
    assert!(
        api.get_datafiles_metadata(ds, Some(Version::Draft), &[])
            .await
            .unwrap()
            .is_empty()
    );
    let published = api
        .get_datafiles_metadata(ds, Some(Version::LatestPublished), &[])
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    // The published file is still readable by anyone.
    let anon = server
        .anonymous()
        .get_datafile_metadata(png_id, false)
        .await
        .unwrap();
    assert_eq!(anon.data_file.id, Some(png_id));
    server.stop().await;
}

#[tokio::test]
async fn restrict_redetect_and_ingest() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, _) = dataset(&api).await;
    let txt = api
        .upload_datafile(
            ds,
            // A wrong type given by the uploader, for redetect to fix.
            UploadSource::reader(&b"plain words\n"[..], "words.dat")
                .with_content_type("application/x-custom"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    let txt_id = txt.files[0].data_file.id.unwrap();

    let msg = api
        .restrict_datafile(txt_id, true, None, None)
        .await
        .unwrap();
    assert!(msg.contains("restricted"), "{msg}");
    assert!(
        api.get_datafile_metadata(txt_id, true)
            .await
            .unwrap()
            .restricted
    );
    // Restricting twice is refused.
    assert!(matches!(
        api.restrict_datafile(txt_id, true, None, None).await,
        Err(Error::BadRequest(_))
    ));
    api.restrict_datafile(txt_id, false, None, None)
        .await
        .unwrap();
    // Restricted without access requests and without terms: 409.
    let err = api
        .restrict_datafile(txt_id, true, Some(false), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    api.restrict_datafile(txt_id, true, Some(false), Some("Ask the PI"))
        .await
        .unwrap();
    api.restrict_datafile(txt_id, false, None, None)
        .await
        .unwrap();
    assert!(
        !api.get_datafile_metadata(txt_id, true)
            .await
            .unwrap()
            .restricted
    );
    let err = api
        .restrict_datafile(999_999, true, None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BadRequest(_) | Error::NotFound(_)),
        "{err:?}"
    );

    // Redetect: a dry run reports, the real run stores.
    let dry = api.redetect_file_type(txt_id, true).await.unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        dry.old_content_type.as_deref(),
        Some("application/x-custom")
    );
    let new_type = dry.new_content_type.clone().unwrap();
    assert_ne!(new_type, "application/x-custom");
    assert_eq!(
        api.get_datafile_metadata(txt_id, true)
            .await
            .unwrap()
            .data_file
            .content_type
            .as_deref(),
        Some("application/x-custom")
    );
    let done = api.redetect_file_type(txt_id, false).await.unwrap();
    assert!(!done.dry_run);
    assert_eq!(
        api.get_datafile_metadata(txt_id, true)
            .await
            .unwrap()
            .data_file
            .content_type,
        Some(new_type)
    );

    // Tabular ingest of a CSV, then uningest and reingest.
    let csv = b"name,count\nSmith,3\nDoe,4\n";
    let up = api
        .upload_datafile(
            ds,
            UploadSource::reader(&csv[..], "table.csv"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    let csv_id = up.files[0].data_file.id.unwrap();
    wait_for_ingest(&api, ds).await;
    let ingested = api.get_datafile_metadata(csv_id, true).await.unwrap();
    assert_eq!(ingested.label, "table.tab");
    assert!(ingested.data_file.is_tabular());
    assert_eq!(
        ingested.data_file.original_file_name.as_deref(),
        Some("table.csv")
    );
    // The checksum still describes the upload.
    assert_eq!(
        ingested.data_file.checksum.as_ref().unwrap().value,
        md5_hex(csv)
    );
    assert!(matches!(
        api.redetect_file_type(csv_id, true).await,
        Err(Error::BadRequest(_))
    ));
    assert!(matches!(
        api.reingest_datafile(csv_id).await,
        Err(Error::BadRequest(_))
    ));
    let m = api.uningest_datafile(csv_id).await.unwrap();
    assert!(!m.is_empty());
    assert!(
        !api.get_datafile_metadata(csv_id, true)
            .await
            .unwrap()
            .data_file
            .is_tabular()
    );
    let m = api.reingest_datafile(csv_id).await.unwrap();
    assert!(!m.is_empty());
    wait_for_ingest(&api, ds).await;
    assert!(
        api.get_datafile_metadata(csv_id, true)
            .await
            .unwrap()
            .data_file
            .is_tabular()
    );

    // tabIngest:false keeps a CSV as it is.
    let kept = api
        .upload_datafile(
            ds,
            UploadSource::reader(&csv[..], "raw.csv"),
            &UploadBody {
                tab_ingest: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    wait_for_ingest(&api, ds).await;
    let kept = api
        .get_datafile_metadata(kept.files[0].data_file.id.unwrap(), true)
        .await
        .unwrap();
    assert_eq!(kept.label, "raw.csv");
    assert!(!kept.data_file.is_tabular());
    server.stop().await;
}

fn str_column(
    df: &dataverse_client::polars::prelude::DataFrame,
    name: &str,
) -> Vec<Option<String>> {
    let ca = df.column(name).unwrap().str().unwrap();
    (0..df.height())
        .map(|i| ca.get(i).map(str::to_string))
        .collect()
}

#[tokio::test]
async fn files_table_and_mime_filters() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, pid) = dataset(&api).await;
    for (name, data, ct) in [
        ("a.txt", &b"aaa"[..], "text/plain"),
        ("b.json", &b"{}"[..], "application/json"),
        ("c.txt", &b"cc"[..], "text/plain"),
    ] {
        api.upload_datafile(
            ds,
            UploadSource::reader(data, name).with_content_type(ct),
            &UploadBody {
                directory_label: Some("sub".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let all = api
        .get_datafiles_metadata(pid.as_str(), None, &[])
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let texts = api
        .get_datafiles_metadata(ds, None, &["text/plain"])
        .await
        .unwrap();
    assert_eq!(texts.len(), 2);
    assert_eq!(
        api.get_datafiles_metadata(ds, None, &["text/*"])
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        api.get_datafiles_metadata(ds, None, &["image/png"])
            .await
            .unwrap()
            .is_empty()
    );

    let df = api.datafiles_table(ds, &[]).await.unwrap();
    assert_eq!(df.height(), 3);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, dataverse_client::DATAFILES_COLUMNS.to_vec());
    let labels = str_column(&df, "label");
    let mut got: Vec<&str> = labels.iter().flatten().map(String::as_str).collect();
    got.sort();
    assert_eq!(got, ["a.txt", "b.json", "c.txt"]);
    let size = df.column("size").unwrap().u64().unwrap();
    let sizes: u64 = (0..df.height()).filter_map(|i| size.get(i)).sum();
    assert_eq!(sizes, 7);
    assert!(
        str_column(&df, "directory")
            .iter()
            .all(|d| d.as_deref() == Some("sub"))
    );
    assert!(
        str_column(&df, "checksum_type")
            .iter()
            .all(|t| t.as_deref() == Some("MD5"))
    );
    let json_only = api
        .datafiles_table(pid.as_str(), &["application/json"])
        .await
        .unwrap();
    assert_eq!(json_only.height(), 1);
    assert_eq!(
        json_only
            .column("content_type")
            .unwrap()
            .str()
            .unwrap()
            .get(0),
        Some("application/json")
    );
    assert!(matches!(
        api.datafiles_table(999_999, &[]).await,
        Err(Error::NotFound(_))
    ));
    server.stop().await;
}

#[tokio::test]
async fn upload_directory_twice_sends_nothing_the_second_time() {
    let server = TestServer::start().await;
    let api = server.admin();
    let (ds, pid) = dataset(&api).await;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "README.md", b"# data\n");
    write(root, "raw/a.bin", &[1u8; 100_000]);
    write(root, "raw/deeper/b.txt", b"bee\n");
    write(root, "tables/t.csv", b"x,y\n1,2\n3,4\n");
    write(root, ".hidden/secret", b"no");

    let progress = Arc::new(Mutex::new(Vec::new()));
    let p2 = progress.clone();
    let first = api
        .upload_directory(
            pid.as_str(),
            root,
            UploadDirectoryOptions::new()
                .concurrency(3)
                .progress(move |p| p2.lock().unwrap().push(p.clone())),
        )
        .await
        .unwrap();
    assert!(first.is_success(), "{:?}", first.failed);
    assert_eq!(first.uploaded.len(), 4);
    assert!(first.skipped.is_empty() && first.replaced.is_empty());
    let paths: Vec<String> = first.uploaded.iter().map(|f| f.file.path()).collect();
    assert_eq!(
        paths,
        ["README.md", "raw/a.bin", "raw/deeper/b.txt", "tables/t.csv"]
    );
    let last = progress.lock().unwrap().last().cloned().unwrap();
    assert_eq!((last.files_done, last.files_total), (4, 4));
    assert_eq!(last.bytes_done, last.bytes_total);
    assert_eq!(first.bytes_sent, last.bytes_total);
    wait_for_ingest(&api, ds).await;

    let second = api
        .upload_directory(ds, root, UploadDirectoryOptions::new())
        .await
        .unwrap();
    assert!(second.is_success(), "{:?}", second.failed);
    assert!(second.uploaded.is_empty(), "{:?}", second.uploaded);
    assert!(second.replaced.is_empty(), "{:?}", second.replaced);
    assert_eq!(second.skipped.len(), 4);
    assert_eq!(second.bytes_sent, 0);

    // One changed file, one new one.
    write(root, "raw/deeper/b.txt", b"bee, changed\n");
    write(root, "new.txt", b"new\n");
    let third = api
        .upload_directory(ds, root, UploadDirectoryOptions::new().concurrency(1))
        .await
        .unwrap();
    assert!(third.is_success(), "{:?}", third.failed);
    assert_eq!(third.replaced.len(), 1);
    assert_eq!(third.replaced[0].file.path(), "raw/deeper/b.txt");
    assert_eq!(third.uploaded.len(), 1);
    assert_eq!(third.uploaded[0].path, Path::new("new.txt"));
    assert_eq!(third.skipped.len(), 3);
    let files = api.get_datafiles_metadata(ds, None, &[]).await.unwrap();
    assert_eq!(files.len(), 5);

    // Once published, a changed file is replaced through the replace endpoint.
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, WAIT)
        .await
        .unwrap();
    let before = third.replaced[0].file.data_file.id.unwrap();
    write(root, "raw/deeper/b.txt", b"bee, changed twice\n");
    let fourth = api
        .upload_directory(ds, root, UploadDirectoryOptions::new())
        .await
        .unwrap();
    assert!(fourth.is_success(), "{:?}", fourth.failed);
    assert_eq!(fourth.replaced.len(), 1);
    assert_eq!(fourth.skipped.len(), 4);
    assert_eq!(
        fourth.replaced[0].file.data_file.previous_data_file_id,
        Some(before as i64)
    );
    assert_eq!(fourth.replaced[0].file.path(), "raw/deeper/b.txt");

    // Into a folder of the dataset.
    let nested = api
        .upload_directory(
            ds,
            &root.join("raw"),
            UploadDirectoryOptions::new().metadata(UploadBody {
                directory_label: Some("copy".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let mut paths: Vec<String> = nested.uploaded.iter().map(|f| f.file.path()).collect();
    paths.sort();
    assert_eq!(paths, ["copy/a.bin", "copy/deeper/b.txt"]);

    // Not a directory.
    assert!(matches!(
        api.upload_directory(ds, &root.join("new.txt"), UploadDirectoryOptions::new())
            .await,
        Err(Error::InvalidArgument(_))
    ));
    server.stop().await;
}

// ---------------------------------------------------------------------------------------
// Scripted servers for what the embedded Dataverse does not do on purpose.

fn file_json(id: u64, label: &str, md5: &str) -> serde_json::Value {
    json!({
        "label": label, "restricted": false, "version": 1, "datasetVersionId": 1,
        "dataFile": {"id": id, "persistentId": "", "filename": label, "contentType": "text/plain",
                     "filesize": 12, "md5": md5, "checksum": {"type": "MD5", "value": md5},
                     "tabularData": false, "rootDataFileId": -1}
    })
}

fn ok(data: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"status": "OK", "data": data}))
}

fn err500() -> ResponseTemplate {
    ResponseTemplate::new(500)
        .set_body_json(json!({"status": "ERROR", "message": "Internal server error."}))
}

fn mock_client(server: &MockServer) -> NativeApi {
    common::client(&server.uri(), Some("tok"))
}

#[tokio::test]
async fn a_lost_answer_is_found_in_the_listing_and_not_sent_again() {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(err500())
        .expect(1)
        .mount(&mock)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/datasets/1/versions/:draft/files"))
        .respond_with(ok(json!([file_json(7, "hello.txt", HELLO_MD5)])))
        .expect(1)
        .mount(&mock)
        .await;
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "hello.txt", b"hello world\n");
    let report = mock_client(&mock)
        .upload_datafile_with(
            1,
            UploadSource::path(&file),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.file().unwrap().data_file.id, Some(7));
    assert!(
        report.recovered_from.as_deref().unwrap().contains("500"),
        "{:?}",
        report.recovered_from
    );
    assert_eq!(
        report.checksum,
        Checksum::new(ChecksumAlgorithm::Md5, HELLO_MD5)
    );
    assert!(report.checksum_verified);
    assert_eq!(report.attempts, 1);
    // The add went out once (checked by `expect(1)` when the server drops).
    // The body carried both parts.
    let requests = mock.received_requests().await.unwrap();
    let add = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let text = String::from_utf8_lossy(&add.body);
    assert!(text.contains("name=\"jsonData\""), "{text}");
    assert!(text.contains("filename=\"hello.txt\""));
    assert!(text.contains("hello world\n"));
    assert!(
        add.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
}

#[tokio::test]
async fn a_path_is_sent_again_only_when_the_file_is_not_there() {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"status": "ERROR", "message": "busy"})),
        )
        .up_to_n_times(1)
        .mount(&mock)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(ok(json!({"files": [file_json(8, "hello.txt", HELLO_MD5)]})))
        .mount(&mock)
        .await;
    // The listing has a same-named file with other content: not ours.
    Mock::given(method("GET"))
        .and(path("/api/datasets/1/versions/:draft/files"))
        .respond_with(ok(json!([file_json(3, "hello.txt", "0000")])))
        .mount(&mock)
        .await;
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "hello.txt", b"hello world\n");
    let api = mock_client(&mock);
    let report = api
        .upload_datafile_with(
            1,
            UploadSource::path(&file),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.attempts, 2);
    assert!(report.recovered_from.is_none());
    assert_eq!(report.file().unwrap().data_file.id, Some(8));
    let posts = mock
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 2);
    // The file was reopened and sent whole both times.
    for r in mock.received_requests().await.unwrap() {
        if r.method.as_str() == "POST" {
            assert!(String::from_utf8_lossy(&r.body).contains("hello world\n"));
        }
    }

    // A reader cannot be sent twice: one attempt, the error comes back.
    mock.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"status": "ERROR", "message": "busy"})),
        )
        .expect(1)
        .mount(&mock)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/datasets/1/versions/:draft/files"))
        .respond_with(ok(json!([])))
        .mount(&mock)
        .await;
    let err = api
        .upload_datafile(
            1,
            UploadSource::reader(&b"hello world\n"[..], "hello.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Server(ref a) if a.status == 503),
        "{err:?}"
    );

    // A refusal that certainly had no effect (400) is neither listed nor retried.
    mock.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"status": "ERROR", "message": "no"})),
        )
        .expect(1)
        .mount(&mock)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok(json!([])))
        .expect(0)
        .mount(&mock)
        .await;
    let err = api
        .upload_datafile(1, UploadSource::path(&file), &UploadBody::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)), "{err:?}");
}

#[tokio::test]
async fn a_wrong_server_checksum_is_a_typed_error() {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/datasets/1/add"))
        .respond_with(ok(
            json!({"files": [file_json(9, "hello.txt", "ffffffffffffffffffffffffffffffff")]}),
        ))
        .mount(&mock)
        .await;
    let err = mock_client(&mock)
        .upload_datafile(
            1,
            UploadSource::reader(&b"hello world\n"[..], "hello.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap_err();
    match err {
        Error::ChecksumMismatch {
            algorithm,
            expected,
            actual,
            file,
        } => {
            assert_eq!(algorithm.as_str(), "MD5");
            assert_eq!(expected, "ffffffffffffffffffffffffffffffff");
            assert_eq!(actual, HELLO_MD5);
            assert!(file.contains("hello.txt") && file.contains('9'), "{file}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn metadata_update_answers_in_plain_text() {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/files/5/metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"File Metadata update has been completed: {"label":"x.txt","description":"d","restricted":false,"categories":["Data"],"id":608}"#,
        ))
        .up_to_n_times(1)
        .mount(&mock)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/files/5/metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_string("Something unexpected"))
        .mount(&mock)
        .await;
    let api = mock_client(&mock);
    let body = UploadBody {
        label: Some("x.txt".into()),
        categories: Some(vec!["Data".into()]),
        ..Default::default()
    };
    let summary = api.update_datafile_metadata(5, &body).await.unwrap();
    assert_eq!(summary.id, Some(608));
    assert_eq!(
        summary.categories.as_deref(),
        Some(&["Data".to_string()][..])
    );
    let sent = &mock.received_requests().await.unwrap()[0];
    let text = String::from_utf8_lossy(&sent.body);
    assert!(text.contains("name=\"jsonData\""), "{text}");
    assert!(
        text.contains(r#"{"categories":["Data"],"label":"x.txt"}"#)
            || text.contains(r#"{"label":"x.txt","categories":["Data"]}"#),
        "{text}"
    );
    let err = api.update_datafile_metadata(5, &body).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn a_lost_replace_answer_is_found_by_its_lineage() {
    let mock = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/files/5"))
        .respond_with(ok({
            let mut f = file_json(5, "hello.txt", "0000");
            f["datasetVersion"] = json!({"id": 1, "datasetId": 42, "versionState": "RELEASED"});
            f
        }))
        .mount(&mock)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/files/5/replace"))
        .respond_with(err500())
        .expect(1)
        .mount(&mock)
        .await;
    let mut replaced = file_json(6, "hello.txt", HELLO_MD5);
    replaced["dataFile"]["previousDataFileId"] = json!(5);
    Mock::given(method("GET"))
        .and(path("/api/datasets/42/versions/:draft/files"))
        .respond_with(ok(json!([file_json(9, "other.txt", HELLO_MD5), replaced])))
        .expect(1)
        .mount(&mock)
        .await;
    let report = mock_client(&mock)
        .replace_datafile_with(
            5,
            UploadSource::reader(&b"hello world\n"[..], "hello.txt"),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.file().unwrap().data_file.id, Some(6));
    assert!(report.recovered_from.is_some());
}

#[tokio::test]
async fn transfers_are_not_cut_by_the_request_timeout() {
    let server =
        TestServer::start_with(|c| c.latency = Duration::from_millis(600), None, |r| r).await;
    let api = server.admin();
    let (ds, _) = dataset(&api).await;
    let impatient = NativeApi::builder(&server.base_url)
        .api_token(server.admin_token.as_str())
        .request_timeout(Duration::from_millis(200))
        .retry_policy(dataverse_client::RetryPolicy::none())
        .build()
        .unwrap();
    // An ordinary request is cut...
    let err = impatient
        .get_datafiles_metadata(ds, None, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: true, .. }),
        "{err:?}"
    );
    // ...an upload is not.
    let r = impatient
        .upload_datafile(
            ds,
            UploadSource::reader(&b"slow"[..], "slow.txt"),
            &UploadBody::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.files[0].label, "slow.txt");
    server.stop().await;
}

#[tokio::test]
async fn a_connection_dropped_after_the_body_is_recovered() {
    use axum::routing::{get, post};
    let hits = common::Hits::default();
    let h = hits.clone();
    let router = axum::Router::new()
        .route(
            "/api/datasets/{id}/add",
            post(move |body: axum::body::Bytes| async move {
                h.hit();
                assert!(!body.is_empty());
                // The server took the file, then the connection dies without an answer.
                panic!("connection lost after the upload");
                #[allow(unreachable_code)]
                ""
            }),
        )
        .route(
            "/api/datasets/{id}/versions/{v}/files",
            get(|| async {
                axum::Json(json!({"status": "OK", "data": [file_json(11, "hello.txt", HELLO_MD5)]}))
            }),
        );
    let base = common::serve(router).await;
    let report = common::client(&base, Some("tok"))
        .upload_datafile_with(
            1,
            UploadSource::reader(&b"hello world\n"[..], "hello.txt").with_size(12),
            &UploadBody::default(),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(hits.get(), 1, "sent once");
    assert_eq!(report.file().unwrap().data_file.id, Some(11));
    let lost = report.recovered_from.unwrap();
    assert!(lost.contains("transport"), "{lost}");
}
