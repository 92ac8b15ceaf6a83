//! A real S3 server for the direct-upload tests: `s3s-fs` (an S3 implementation on a
//! folder, with SigV4 and presigned-URL checking and multipart uploads) served on a free
//! loopback port, with one bucket.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

/// The access key of the test server.
pub const ACCESS_KEY: &str = "AKIDEMULATORTEST";
/// Its secret key.
pub const SECRET_KEY: &str = "emulator-test-secret-key";
/// Its bucket.
pub const BUCKET: &str = "dv-test";

/// A running S3 server; stops when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The folder holding the buckets (`<root>/<bucket>/<key>`).
    pub root: PathBuf,
    _dir: Option<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl S3Server {
    /// Start one on a fresh temporary folder with the bucket [`BUCKET`].
    pub async fn start() -> S3Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        let mut s = Self::start_on(&root, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await;
        s._dir = Some(dir);
        s
    }

    /// Serve the folder `root` on `addr` (port 0 picks one), creating the bucket folder.
    pub async fn start_on(root: &Path, addr: SocketAddr) -> S3Server {
        std::fs::create_dir_all(root.join(BUCKET)).expect("bucket folder");
        let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs root");
        let service = {
            let mut b = S3ServiceBuilder::new(fs);
            b.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
            b.build()
        };
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let local = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let conn = http
                    .serve_connection(TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        S3Server {
            endpoint: format!("http://{local}"),
            root: root.to_path_buf(),
            _dir: None,
            task,
        }
    }

    /// The emulator's S3 store on this server (1 GiB parts unless changed).
    pub fn config(&self) -> dataverse_emulator::S3Config {
        dataverse_emulator::S3Config::new(BUCKET, &self.endpoint, ACCESS_KEY, SECRET_KEY)
    }

    /// The bytes of an object, read from the server's folder.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(BUCKET).join(key)).ok()
    }

    /// Every file under the server's folder (objects and multipart leftovers), relative.
    pub fn files(&self) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        out.sort();
        out
    }
}
