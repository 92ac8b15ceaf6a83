//! An S3 store for the embedded Dataverse (`LocalDataverse(s3=True)`): a real S3 server
//! (`s3s-fs`: SigV4, presigned URLs, multipart uploads, on a folder) served in-process on
//! a free loopback port, with one bucket, so direct upload runs end to end without
//! Docker. Built with the `s3` feature only.

use std::path::Path;

use dataverse_emulator::S3Config;

/// The bucket of the local S3 server.
#[cfg(feature = "s3")]
pub const BUCKET: &str = "dataverse";

/// A running local S3 server; stops when dropped.
#[cfg_attr(not(feature = "s3"), allow(dead_code))]
pub struct S3Store {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    #[cfg(feature = "s3")]
    task: tokio::task::JoinHandle<()>,
}

impl Drop for S3Store {
    fn drop(&mut self) {
        #[cfg(feature = "s3")]
        self.task.abort();
    }
}

/// Serve the folder `root` (created, with the bucket folder) on a free loopback port,
/// with fresh random credentials; the store's settings for the emulator.
#[cfg(feature = "s3")]
pub async fn start(root: &Path, part_size: Option<u64>) -> Result<(S3Store, S3Config), String> {
    use std::net::{Ipv4Addr, SocketAddr};

    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder as ConnBuilder;
    use s3s::auth::SimpleAuth;
    use s3s::service::S3ServiceBuilder;

    std::fs::create_dir_all(root.join(BUCKET))
        .map_err(|e| format!("cannot create the S3 folder {}: {e}", root.display()))?;
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| format!("S3 store: {e:?}"))?;
    let access_key = format!("AKLOCAL{:016X}", fastrand::u64(..));
    let secret_key = format!("{:032x}", fastrand::u128(..));
    let service = {
        let mut b = S3ServiceBuilder::new(fs);
        b.set_auth(SimpleAuth::from_single(
            access_key.as_str(),
            secret_key.as_str(),
        ));
        b.build()
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|e| format!("S3 store: cannot bind: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("S3 store: {e}"))?;
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
    let endpoint = format!("http://{local}");
    let mut config = S3Config::new(BUCKET, &endpoint, access_key, secret_key);
    if let Some(size) = part_size {
        config.min_part_size = size;
    }
    Ok((S3Store { endpoint, task }, config))
}

/// Without the `s3` feature: the reason there is no S3 store.
#[cfg(not(feature = "s3"))]
pub async fn start(_root: &Path, _part_size: Option<u64>) -> Result<(S3Store, S3Config), String> {
    Err(
        "this build of dataverse_rs has no S3 store (build it with the cargo feature `s3`: \
         maturin develop --features s3)"
            .into(),
    )
}
