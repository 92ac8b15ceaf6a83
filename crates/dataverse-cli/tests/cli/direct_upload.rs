//! `dv file upload` with direct upload: against an embedded Dataverse whose files are in a
//! real S3 server (`s3s-fs`), a large file goes up in parts straight to the store;
//! `--native` sends it through the server; `--direct` fails in one line where the store
//! takes no direct upload; `-v` logs each part as the store takes it. The storage drivers
//! of collections and datasets (`dv collection|dataset storage-driver`).

use dataverse_tests::s3::S3Server;

use crate::common::{
    TestServer, finch_draft, http_raw, json_cmd, ok, one_error_line, ps, stderr, write_file,
};

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

    // Through the server, the bytes still go to the dataset's store: the bucket.
    let small = write_file(dir.path(), "small.txt", b"through the server\n");
    ok(&s, &["file", "upload", &pid, ps(&small), "--native"]);
    let ids = storage_ids(&s, &pid);
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids.iter().all(|i| i.starts_with("s3://dv-test:")),
        "{ids:?}"
    );
    let stored: Vec<Vec<u8>> = ids
        .iter()
        .filter_map(|i| {
            let name = i.rsplit(':').next()?;
            s3.object(&format!("{}/{name}", pid.split_once(':')?.1))
        })
        .collect();
    assert!(
        stored.iter().any(|b| b == b"through the server\n"),
        "the native upload is not in the bucket"
    );
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

#[test]
fn an_upload_over_the_store_s_size_limit_fails_in_one_line() {
    let s = TestServer::start();
    let pid = finch_draft(&s);
    let addr = s
        .base_url
        .trim_start_matches("http://")
        .parse()
        .expect("server address");
    let (status, _) = http_raw(
        addr,
        "PUT",
        "/api/admin/settings/:MaxFileUploadSizeInBytes",
        Some(b"5"),
    );
    assert_eq!(status, 200);
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write_file(dir.path(), "a.txt", b"too long\n");
    let assert = s
        .run(&mut json_cmd(&s, &["file", "upload", &pid, ps(&f)]))
        .failure();
    let line = one_error_line(&assert);
    assert!(
        line.contains(
            "file too large for the dataset's store: This file size (9 B) exceeds the size limit of 5 B."
        ),
        "{line}"
    );
    let small = write_file(dir.path(), "b.txt", b"ok\n");
    ok(&s, &["file", "upload", &pid, ps(&small)]);
}

#[test]
fn each_part_is_logged_with_verbose() {
    let (s, _s3, _rt) = s3_server();
    let pid = finch_draft(&s);
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = vec![7u8; 11 * 1024 * 1024];
    let big = write_file(dir.path(), "big.bin", &bytes);
    let assert = s
        .run(&mut json_cmd(
            &s,
            &[
                "-v",
                "file",
                "upload",
                &pid,
                ps(&big),
                "--parallel-parts",
                "2",
            ],
        ))
        .success();
    let err = stderr(&assert);
    for part in [
        "part 1/3 stored (5.0 MiB)",
        "part 2/3 stored (5.0 MiB)",
        "part 3/3 stored (1.0 MiB)",
    ] {
        assert!(err.contains(part), "{part} missing in {err}");
    }
    // Without -v nothing is logged per part.
    let small_dir = tempfile::tempdir().expect("temp dir");
    let other = write_file(small_dir.path(), "other.bin", &vec![8u8; 11 * 1024 * 1024]);
    let assert = s
        .run(&mut json_cmd(&s, &["file", "upload", &pid, ps(&other)]))
        .success();
    assert!(!stderr(&assert).contains("part 1/3"), "{}", stderr(&assert));
}

#[test]
fn storage_drivers_of_collections_and_datasets() {
    let (s, _s3, _rt) = s3_server();
    let pid = finch_draft(&s);
    let list = ok(&s, &["collection", "storage-driver", "list", ":root"]);
    assert_eq!(
        list,
        serde_json::json!([{"label": "S3", "id": "s3"}, {"label": "file", "id": "file"}])
    );
    let own = ok(&s, &["collection", "storage-driver", "get", "root"]);
    assert_eq!(own["name"], "undefined", "{own}");
    let effective = ok(
        &s,
        &["collection", "storage-driver", "get", "root", "--effective"],
    );
    assert_eq!(
        (&effective["name"], &effective["directUpload"]),
        (&"s3".into(), &true.into())
    );

    let m = ok(&s, &["collection", "storage-driver", "set", "root", "file"]);
    assert_eq!(m["message"], "Storage set to: file/file");
    let d = ok(&s, &["dataset", "storage-driver", "get", &pid]);
    assert_eq!(
        (&d["name"], &d["directUpload"]),
        (&"file".into(), &false.into())
    );
    // The dataset's store is the file store now: an upload goes through the server.
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write_file(dir.path(), "a.txt", b"abc\n");
    ok(&s, &["file", "upload", &pid, ps(&f)]);
    assert!(storage_ids(&s, &pid)[0].starts_with("local://"));

    let m = ok(&s, &["dataset", "storage-driver", "set", &pid, "S3"]);
    assert_eq!(m["message"], "Storage driver set to: S3/s3");
    let d = ok(&s, &["dataset", "storage-driver", "get", &pid]);
    assert_eq!(d["name"], "s3");
    let m = ok(&s, &["dataset", "storage-driver", "reset", &pid]);
    assert_eq!(m["message"], "Storage reset to default: s3");
    let m = ok(&s, &["collection", "storage-driver", "reset", "root"]);
    assert_eq!(m["message"], "Storage reset to default: s3");

    // The table form, and an unknown label in one line.
    let assert = s
        .run(
            s.dv()
                .args(["-o", "table", "dataset", "storage-driver", "get", &pid]),
        )
        .success();
    let out = crate::common::stdout(&assert);
    assert!(out.contains("s3") && out.contains("direct upload"), "{out}");
    let assert = s
        .run(&mut json_cmd(
            &s,
            &["dataset", "storage-driver", "set", &pid, "nope"],
        ))
        .failure();
    let line = one_error_line(&assert);
    assert!(
        line.contains("No Storage Driver found for : nope"),
        "{line}"
    );
}
