//! A `dv serve` killed (SIGKILL) in the middle of uploads and ingests restarts with its
//! store consistent: SQLite's integrity check passes, every file row has its bytes (the
//! right size, and the right MD5 where the row's bytes are the upload), every stored blob
//! has its row, and no ingest is left pending or locked. The test checks that the kill
//! really landed mid-upload or mid-ingest (the evidence on disk before the restart).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use md5::{Digest, Md5};

const TOKEN: &str = "crash-test-token-0000";

/// Start `dv serve` on `data`; its address once it is ready.
fn serve(data: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dv"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("DATAVERSE_ADMIN_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dv serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut url = None;
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if let Some(u) = line.trim().strip_prefix("URL:") {
            url = Some(u.trim().to_string());
        }
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let addr = url
        .and_then(|u| u.strip_prefix("http://").and_then(|a| a.parse().ok()))
        .expect("dv serve printed its address");
    (child, addr)
}

/// One HTTP/1.1 request with the admin token; (status, body). Errors are returned, not
/// unwrapped: the server may be killed under it.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nX-Dataverse-key: {TOKEN}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    // In pieces, so a kill can land while the body is still arriving.
    for chunk in body.chunks(256 * 1024) {
        s.write_all(chunk)?;
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let status = String::from_utf8_lossy(&raw[..split])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((status, raw[split + 4..].to_vec()))
}

fn multipart(name: &str, content: &[u8], json: &str) -> Vec<u8> {
    let mut body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(
        format!(
            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"jsonData\"\r\n\r\n{json}\r\n--XyZ--\r\n"
        )
        .as_bytes(),
    );
    body
}

fn create_dataset(addr: SocketAddr) -> i64 {
    let body = serde_json::json!({"datasetVersion": {"metadataBlocks": {"citation": {"fields": [
        {"typeName": "title", "multiple": false, "typeClass": "primitive", "value": "Crash"},
        {"typeName": "author", "multiple": true, "typeClass": "compound", "value": [
            {"authorName": {"typeName": "authorName", "multiple": false, "typeClass": "primitive", "value": "Test, Crash"}}]},
        {"typeName": "datasetContact", "multiple": true, "typeClass": "compound", "value": [
            {"datasetContactEmail": {"typeName": "datasetContactEmail", "multiple": false, "typeClass": "primitive", "value": "crash@example.org"}}]},
        {"typeName": "dsDescription", "multiple": true, "typeClass": "compound", "value": [
            {"dsDescriptionValue": {"typeName": "dsDescriptionValue", "multiple": false, "typeClass": "primitive", "value": "Uploads under a kill."}}]},
        {"typeName": "subject", "multiple": true, "typeClass": "controlledVocabulary", "value": ["Other"]}
    ]}}}});
    let (status, body) = request(
        addr,
        "POST",
        "/api/dataverses/root/datasets",
        "application/json",
        body.to_string().as_bytes(),
    )
    .expect("create dataset");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, 201, "{v}");
    v["data"]["id"].as_i64().expect("dataset id")
}

/// A `datafiles` row: id, blob, filesize, checksum (MD5), tabular, original size, ingest state.
type FileRow = (i64, String, i64, String, bool, Option<i64>, Option<String>);

/// Regular files below `dir`, recursively.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_below(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_server_killed_during_uploads_restarts_consistent() {
    let data = tempfile::tempdir().expect("temp dir");
    let (mut server, addr) = serve(data.path());
    let dataset = create_dataset(addr);

    // Six writers upload without pause: binary files and CSVs (which start an ingest).
    let stop = Arc::new(AtomicBool::new(false));
    let stored = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let stop = stop.clone();
            let stored = stored.clone();
            std::thread::spawn(move || {
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let (name, content, json) = if (w + i).is_multiple_of(2) {
                        let rows: String = (0..20_000)
                            .map(|r| format!("{r},{w},{i},value {r}\n"))
                            .collect();
                        (
                            format!("table-{w}-{i}.csv"),
                            format!("row,writer,round,text\n{rows}").into_bytes(),
                            "{}",
                        )
                    } else {
                        let bytes: Vec<u8> = (0..3 * 1024 * 1024)
                            .map(|b| ((b * 7 + w * 31 + i) % 251) as u8)
                            .collect();
                        (format!("blob-{w}-{i}.bin"), bytes, r#"{"tabIngest":false}"#)
                    };
                    let body = multipart(&name, &content, json);
                    match request(
                        addr,
                        "POST",
                        &format!("/api/datasets/{dataset}/add"),
                        "multipart/form-data; boundary=XyZ",
                        &body,
                    ) {
                        Ok((200, _)) => {
                            stored.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {}
                        Err(_) => return, // the server is gone
                    }
                    i += 1;
                }
            })
        })
        .collect();

    // Kill once a few uploads are stored and others are surely in flight.
    for _ in 0..600 {
        if stored.load(Ordering::Relaxed) >= 8 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(120));
    server.kill().expect("SIGKILL dv serve");
    server.wait().expect("reap");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        let _ = w.join();
    }
    assert!(
        stored.load(Ordering::Relaxed) >= 8,
        "uploads were stored before the kill"
    );

    // The kill must have landed in the middle of work, or this test shows nothing: before
    // the restart (whose recovery clears the evidence), the data directory holds an upload
    // cut off half-way (a blob under files/tmp) or an ingest that had not finished (a row
    // still `pending`, or an Ingest lock).
    let cut_uploads = files_below(&data.path().join("files").join("tmp")).len();
    let (pending_ingests, ingest_locks_at_kill) = {
        let db = rusqlite::Connection::open(data.path().join("dataverse.sqlite3"))
            .expect("open the store after the kill");
        let pending: i64 = db
            .query_row(
                "SELECT count(*) FROM datafiles WHERE ingest_state = 'pending'",
                [],
                |r| r.get(0),
            )
            .expect("pending ingests");
        let locks: i64 = db
            .query_row(
                "SELECT count(*) FROM dataset_locks WHERE lock_type = 'Ingest'",
                [],
                |r| r.get(0),
            )
            .expect("ingest locks");
        (pending, locks)
    };
    assert!(
        cut_uploads + pending_ingests as usize + ingest_locks_at_kill as usize > 0,
        "the kill landed between requests: no cut-off upload, no pending ingest, no Ingest lock"
    );
    eprintln!(
        "at the kill: {cut_uploads} cut-off uploads, {pending_ingests} pending ingests, \
         {ingest_locks_at_kill} Ingest locks"
    );

    // Restart: the recovery runs on open. Then stop it for good and look at the store.
    let (mut again, addr) = serve(data.path());
    let (status, body) = request(
        addr,
        "GET",
        &format!("/api/datasets/{dataset}/versions/:draft/files"),
        "application/json",
        b"",
    )
    .expect("list files after restart");
    assert_eq!(status, 200);
    let listed: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let listed = listed["data"].as_array().map(Vec::len).unwrap_or(0);
    again.kill().expect("stop");
    again.wait().expect("reap");

    let db = rusqlite::Connection::open_with_flags(
        data.path().join("dataverse.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the store");
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");

    let files_dir = data.path().join("files");
    let mut stmt = db
        .prepare(
            "SELECT id, blob, filesize, checksum_value, tabular, original_size, ingest_state
             FROM datafiles WHERE dataset_id = ?1",
        )
        .expect("prepare");
    let rows: Vec<FileRow> = stmt
        .query_map([dataset], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), listed, "the API lists every row");
    assert!(
        rows.len() >= 8,
        "the stored uploads survived: {}",
        rows.len()
    );
    let mut expected_blobs = std::collections::HashSet::new();
    for (id, blob, size, md5, tabular, original_size, ingest) in &rows {
        assert_ne!(ingest.as_deref(), Some("pending"), "file {id} left pending");
        let path = files_dir.join(blob);
        let len = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("file {id}: no bytes at {}: {e}", path.display()))
            .len();
        assert_eq!(len as i64, *size, "file {id}: size");
        expected_blobs.insert(path.clone());
        // The row's md5 is of the upload: the blob itself, or its .orig once ingested.
        let upload = if *tabular {
            let orig = files_dir.join(format!("{blob}.orig"));
            let olen = std::fs::metadata(&orig)
                .unwrap_or_else(|e| panic!("file {id}: no original: {e}"))
                .len();
            assert_eq!(
                Some(olen as i64),
                *original_size,
                "file {id}: original size"
            );
            expected_blobs.insert(orig.clone());
            orig
        } else {
            path
        };
        let digest = hex::encode(Md5::digest(std::fs::read(&upload).expect("read blob")));
        assert_eq!(&digest, md5, "file {id}: md5 of its bytes");
    }
    let tmp = files_dir.join("tmp");
    for blob in files_below(&files_dir) {
        if blob.starts_with(&tmp) {
            continue; // cut-off uploads, never visible, removed once stale
        }
        assert!(
            expected_blobs.contains(&blob),
            "stored file without a row: {}",
            blob.display()
        );
    }
    let ingest_locks: i64 = db
        .query_row(
            "SELECT count(*) FROM dataset_locks WHERE lock_type = 'Ingest'",
            [],
            |r| r.get(0),
        )
        .expect("locks");
    assert_eq!(ingest_locks, 0, "no Ingest lock outlives the crash");
}
