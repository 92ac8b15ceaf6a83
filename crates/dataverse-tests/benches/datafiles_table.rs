//! `datafiles_table` on a dataset of many files:
//! `cargo bench -p dataverse-tests --bench datafiles_table [-- FILES]` (default 10,000).
//!
//! Makes FILES small files in 100 folders, uploads them to a new dataset of an in-process
//! embedded Dataverse with `upload_directory` (concurrency 8), then times
//! `get_datafiles_metadata` and `datafiles_table` (best and median of 5 runs each).

use std::time::Instant;

use dataverse_client::api::upload::UploadDirectoryOptions;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::{Author, CitationBuilder};
use dataverse_tests::TestServer;

#[tokio::main]
async fn main() {
    let files: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = api
        .create_dataset(
            ":root",
            &CitationBuilder::new("Many files")
                .author(Author::new("Bench, Table"))
                .contact("Table Bench", "bench@example.org")
                .description("A dataset with many small files.")
                .subject("Other")
                .build(),
            None,
            false,
        )
        .await
        .expect("create dataset")
        .persistent_id;

    let src = tempfile::tempdir().expect("temp dir");
    for i in 0..files {
        let dir = src.path().join(format!("part-{:02}", i % 100));
        std::fs::create_dir_all(&dir).expect("dir");
        let ext = ["txt", "json", "bin", "xml"][i % 4];
        std::fs::write(
            dir.join(format!("file-{i:05}.{ext}")),
            format!("content {i}\n"),
        )
        .expect("write");
    }
    let start = Instant::now();
    let summary = api
        .upload_directory(
            pid.as_str(),
            src.path(),
            UploadDirectoryOptions::new()
                .concurrency(8)
                .metadata(UploadBody {
                    tab_ingest: Some(false),
                    ..Default::default()
                }),
        )
        .await
        .expect("upload_directory");
    let upload_secs = start.elapsed().as_secs_f64();
    assert_eq!(
        summary.uploaded.len(),
        files,
        "failed: {:?}",
        summary.failed.first()
    );
    println!(
        "upload_directory of {files} files (concurrency 8): {upload_secs:.1} s, {:.0} files/s",
        files as f64 / upload_secs
    );

    let mut list = Vec::new();
    let mut table = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let all = api
            .get_datafiles_metadata(pid.as_str(), None, &[])
            .await
            .expect("list");
        list.push(t.elapsed().as_secs_f64());
        assert_eq!(all.len(), files);
        let t = Instant::now();
        let df = api.datafiles_table(pid.as_str(), &[]).await.expect("table");
        table.push(t.elapsed().as_secs_f64());
        assert_eq!(df.height(), files);
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let (lb, lm) = stats(&mut list);
    let (tb, tm) = stats(&mut table);
    println!("| call | files | best (ms) | median (ms) |");
    println!("|---|---|---|---|");
    println!(
        "| get_datafiles_metadata | {files} | {:.0} | {:.0} |",
        lb * 1e3,
        lm * 1e3
    );
    println!(
        "| datafiles_table | {files} | {:.0} | {:.0} |",
        tb * 1e3,
        tm * 1e3
    );
    server.stop().await;
}
