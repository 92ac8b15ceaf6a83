//! Shared helpers: an isolated environment for `dv`, an embedded Dataverse per test, a
//! minimal raw HTTP client, and output checks every run goes through.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use dataverse_emulator::{Config, Emulator, GenerateSpec, Server};
use serde_json::Value;
use tempfile::TempDir;

/// Environment variables that could make a run depend on the developer's own setup.
const SCRUBBED_ENV: &[&str] = &[
    "DATAVERSE_URL",
    "DATAVERSE_API_TOKEN",
    "DATAVERSE_PROFILE",
    "DATAVERSE_ADMIN_TOKEN",
    "DATAVERSE_CONFIG",
    "DATAVERSE_LOCAL_DIR",
    "DV_LOG",
    "RUST_LOG",
];

/// An isolated home for `dv`: its own config file and local data directory, plus the
/// secrets that must never show up in any output.
pub struct Sandbox {
    dir: TempDir,
    secrets: RefCell<Vec<String>>,
}

impl Sandbox {
    /// A fresh sandbox (nothing configured, no local Dataverse yet).
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
            secrets: RefCell::new(Vec::new()),
        }
    }

    /// `DATAVERSE_CONFIG` (not created until `dv auth login`).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config").join("config.toml")
    }

    /// `DATAVERSE_LOCAL_DIR`.
    pub fn local_dir(&self) -> PathBuf {
        self.dir.path().join("local")
    }

    /// Remember a token: no later run may print it.
    pub fn secret(&self, token: &str) {
        assert!(
            token.len() >= 8,
            "a secret should be a real token: {token:?}"
        );
        self.secrets.borrow_mut().push(token.to_string());
    }

    /// `dv` with a scrubbed environment pointing at this sandbox, no server configured.
    pub fn dv(&self) -> Command {
        let mut cmd = Command::cargo_bin("dv").expect("the dv binary");
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        cmd.env("DATAVERSE_CONFIG", self.config_path())
            .env("DATAVERSE_LOCAL_DIR", self.local_dir())
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(60));
        cmd
    }

    /// Run `cmd`, then check what every run must satisfy: no known token in stdout or
    /// stderr, no panic or backtrace text.
    pub fn run(&self, cmd: &mut Command) -> Assert {
        let assert = cmd.assert();
        let out = assert.get_output();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for secret in self.secrets.borrow().iter() {
            assert!(
                !stdout.contains(secret.as_str()),
                "a token leaked on stdout:\n{stdout}"
            );
            assert!(
                !stderr.contains(secret.as_str()),
                "a token leaked on stderr:\n{stderr}"
            );
        }
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "stack backtrace",
            "internal error",
        ] {
            assert!(!stderr.contains(bad), "{bad:?} on stderr:\n{stderr}");
        }
        assert
    }
}

/// An embedded Dataverse served on a loopback port for one test, in its own runtime and
/// data directory; shut down on drop.
pub struct TestServer {
    /// The client side: config file, local dir, secrets.
    pub sandbox: Sandbox,
    /// The server's emulator (shares the store with the running server).
    pub emulator: Emulator,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// `dataverseAdmin`'s token when the server started.
    pub admin_token: String,
    addr: SocketAddr,
    server: Option<Server>,
    runtime: tokio::runtime::Runtime,
    _data: TempDir,
}

impl TestServer {
    /// Start a server with the default configuration.
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// Start a server after adjusting its configuration.
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_prepared(adjust, |_| {})
    }

    /// Start a server holding a generated tree of published collections and datasets
    /// under root (`collections=N,datasets=M,depth=D[,seed=S]`, see [`GenerateSpec`]).
    pub fn start_generated(spec: &str) -> TestServer {
        let spec: GenerateSpec = spec
            .parse()
            .unwrap_or_else(|e| panic!("generate spec {spec:?}: {e}"));
        TestServer::start_prepared(
            |_| {},
            |emulator| {
                emulator.generate(&spec).expect("generate the tree");
            },
        )
    }

    /// Start a server after adjusting its configuration and preparing its store.
    pub fn start_prepared(
        adjust: impl FnOnce(&mut Config),
        prepare: impl FnOnce(&Emulator),
    ) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(data.path());
        adjust(&mut config);
        let emulator = Emulator::open(config).expect("open the emulator");
        prepare(&emulator);
        let admin_token = emulator.admin_token().expect("admin token");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let server = runtime
            .block_on(Server::start(
                emulator.clone(),
                "127.0.0.1:0".parse().expect("address"),
            ))
            .expect("start the server");
        let sandbox = Sandbox::new();
        sandbox.secret(&admin_token);
        TestServer {
            sandbox,
            emulator,
            base_url: server.base_url(),
            admin_token,
            addr: server.local_addr(),
            server: Some(server),
            runtime,
            _data: data,
        }
    }

    /// `dv` against this server with the admin token in `DATAVERSE_API_TOKEN`.
    pub fn dv(&self) -> Command {
        self.dv_with_token(&self.admin_token)
    }

    /// `dv` against this server with a given token in `DATAVERSE_API_TOKEN`.
    pub fn dv_with_token(&self, token: &str) -> Command {
        let mut cmd = self.dv_anonymous();
        cmd.env("DATAVERSE_API_TOKEN", token);
        cmd
    }

    /// `dv` against this server without a token.
    pub fn dv_anonymous(&self) -> Command {
        let mut cmd = self.sandbox.dv();
        cmd.env("DATAVERSE_URL", &self.base_url);
        cmd
    }

    /// See [`Sandbox::run`].
    pub fn run(&self, cmd: &mut Command) -> Assert {
        self.sandbox.run(cmd)
    }

    /// Raw `GET path` over a plain TCP socket, without a token: status and JSON body.
    pub fn get(&self, path: &str) -> (u16, Value) {
        http_get(self.addr, path)
    }

    /// Create a non-superuser builtin user `username` (`POST /api/builtin-users`) and
    /// return their API token (remembered as a secret).
    pub fn create_user(&self, username: &str) -> String {
        let key = &self.emulator.config().builtin_users_key;
        let body = serde_json::json!({
            "firstName": "Uma",
            "lastName": "User",
            "userName": username,
            "affiliation": "X",
            "position": "Y",
            "email": format!("{username}@example.edu"),
        });
        let (status, reply) = http_post_json(
            self.addr,
            &format!("/api/builtin-users?password=p4ss&key={key}"),
            &body,
        );
        assert_eq!(status, 200, "create user {username}: {reply}");
        assert_eq!(reply["status"], "OK", "create user {username}: {reply}");
        let token = reply["data"]["apiToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no apiToken: {reply}"))
            .to_string();
        self.sandbox.secret(&token);
        token
    }

    /// `data` of a raw `GET path` that must answer 200 with `status: OK`.
    pub fn get_data(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        assert_eq!(body["status"], "OK", "GET {path}: {body}");
        body["data"].clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

/// A hand-written HTTP/1.1 GET with `Connection: close`; handles chunked bodies.
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, Value) {
    let (status, body) = http_get_raw(addr, path);
    let value = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "GET {path}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    (status, value)
}

/// Like [`http_get`], the body as bytes.
pub fn http_get_raw(addr: SocketAddr, path: &str) -> (u16, Vec<u8>) {
    http_raw(addr, "GET", path, None)
}

/// A hand-written `POST path` with a JSON body, without a token: status and JSON body.
pub fn http_post_json(addr: SocketAddr, path: &str, body: &Value) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).expect("encode JSON");
    let (status, reply) = http_raw(addr, "POST", path, Some(&bytes));
    let value = serde_json::from_slice(&reply).unwrap_or_else(|e| {
        panic!(
            "POST {path}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&reply)
        )
    });
    (status, value)
}

/// One HTTP/1.1 request with `Connection: close` (a body is sent as JSON); the status
/// and the (de-chunked) body.
pub fn http_raw(addr: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n"
    );
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("write request");
    if let Some(body) = body {
        stream.write_all(body).expect("write body");
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let chunked = lines.any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    (status, body)
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&rest[..eol]).to_string();
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).expect("chunk size");
        rest = &rest[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// stdout of a finished run as text.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).to_string()
}

/// stderr of a finished run as text.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).to_string()
}

/// stdout of a finished run parsed as JSON.
pub fn json(assert: &Assert) -> Value {
    let out = stdout(assert);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{out}"))
}

/// Assert that a failed run printed exactly one line on stderr, starting with `dv: `,
/// and return it.
pub fn one_error_line(assert: &Assert) -> String {
    let err = stderr(assert);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{err}");
    assert!(lines[0].starts_with("dv: "), "stderr: {err}");
    lines[0].to_string()
}

/// Whether `text` contains something shaped like a UUID (the emulator's token format).
pub fn contains_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    let groups = [8, 4, 4, 4, 12];
    (0..b.len()).any(|start| {
        let mut i = start;
        for (n, len) in groups.iter().enumerate() {
            if n > 0 {
                if b.get(i) != Some(&b'-') {
                    return false;
                }
                i += 1;
            }
            for _ in 0..*len {
                match b.get(i) {
                    Some(c) if c.is_ascii_hexdigit() => i += 1,
                    _ => return false,
                }
            }
        }
        true
    })
}

/// The finch create body of Dataverse's own test data (a valid dataset in `:root`).
pub const FINCH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/dataverse-fixtures/requests/dataset-create-finch1.json"
);

/// `dv -o json <args>` as the admin.
pub fn json_cmd(s: &TestServer, args: &[&str]) -> Command {
    let mut cmd = s.dv();
    cmd.args(["-o", "json"]).args(args);
    cmd
}

/// Run `dv -o json <args>` as the admin, expect success, parse stdout as JSON.
pub fn ok(s: &TestServer, args: &[&str]) -> Value {
    json(&s.run(&mut json_cmd(s, args)).success())
}

/// A draft dataset (the finch) in `:root`: its PID.
pub fn finch_draft(s: &TestServer) -> String {
    let created = ok(
        s,
        &[
            "dataset",
            "create",
            "--collection",
            ":root",
            "--json",
            FINCH,
        ],
    );
    created["persistentId"]
        .as_str()
        .unwrap_or_else(|| panic!("persistentId: {created}"))
        .to_string()
}

/// Write `bytes` to `dir/rel`, creating folders: the path.
pub fn write_file(dir: &std::path::Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, bytes).expect("write");
    p
}

/// A path as `&str` for a command line.
pub fn ps(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 path")
}
