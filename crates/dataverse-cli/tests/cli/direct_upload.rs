//! `dv file upload` with direct upload: against an embedded Dataverse whose files are in a
//! real S3 server (`s3s-fs`), a large file goes up in parts straight to the store;
//! `--native` sends it through the server; `--direct` fails in one line where the store
//! takes no direct upload.

use dataverse_tests::s3::S3Server;

use crate::common::{TestServer, finch_draft, json_cmd, ok, one_error_line, ps, write_file};

/// A server whose store is a fresh S3 server with 5 MiB parts; the S3 server runs on its
/// own runtime, returned to be kept alive.
fn s3_server() -> (TestServer, S3Server, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let s3 = runtime.block_on(S3Server::start());
    let mut config = s3.config();
    config.min_part_size = 5 * 1024 * 1024;
    let server = TestServer::start_with(|c| c.s3 = Some(config));
    (server, s3, runtime)
}

/// The storage identifier of every file of the draft.
fn storage_ids(s: &TestServer, pid: &str) -> Vec<String> {
    let files = ok(s, &["dataset", "files", pid]);
    files
        .as_array()
        .unwrap_or_else(|| panic!("{files}"))
        .iter()
        .map(|f| {
            f["dataFile"]["storageIdentifier"]
                .as_str()
                .unwrap_or_else(|| panic!("{f}"))
                .to_string()
        })
        .collect()
}

#[test]
fn large_files_go_straight_to_the_store_in_parts() {
    let (s, s3, _rt) = s3_server();
    let pid = finch_draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes: Vec<u8> = (0..(11 * 1024 * 1024u32))
        .map(|i| (i % 253) as u8)
        .collect();
    let big = write_file(dir.path(), "big.bin", &bytes);
    let out = ok(
        &s,
        &["file", "upload", &pid, ps(&big), "--parallel-parts", "2"],
    );
    assert_eq!(out["uploaded"][0]["checksum_verified"], true, "{out}");
    let ids = storage_ids(&s, &pid);
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with("s3://dv-test:"), "{ids:?}");
    let name = ids[0].rsplit(':').next().expect("name");
    let key = format!("{}/{name}", pid.split_once(':').expect("pid").1);
    assert_eq!(s3.object(&key).as_deref(), Some(&bytes[..]));

    let small = write_file(dir.path(), "small.txt", b"through the server\n");
    ok(&s, &["file", "upload", &pid, ps(&small), "--native"]);
    let ids = storage_ids(&s, &pid);
    assert!(ids.iter().any(|i| i.starts_with("local://")), "{ids:?}");
}

#[test]
fn direct_upload_where_the_store_takes_none_fails_in_one_line() {
    let s = TestServer::start();
    let pid = finch_draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write_file(dir.path(), "a.txt", b"abc\n");
    let assert = s
        .run(&mut json_cmd(
            &s,
            &["file", "upload", &pid, ps(&f), "--direct"],
        ))
        .failure();
    let line = one_error_line(&assert);
    assert!(line.contains("takes no direct upload"), "{line}");
    // Without --direct the same file goes through the server.
    ok(&s, &["file", "upload", &pid, ps(&f)]);
}
