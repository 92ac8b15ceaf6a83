//! A real browser over the web view: `dv demo --data DIR` builds a store, `dv serve --data
//! DIR` serves it (the README's commands), and headless Chromium, driven by ChromeDriver's
//! WebDriver HTTP API, loads the root, submits the search form, signs in with the token
//! form, follows links to a dataset and a file and downloads it; the test checks the DOM,
//! the sign-in cookie's flags and the downloaded bytes, and saves a screenshot of each page
//! in its temporary directory (or in `$DV_WEB_SCREENSHOTS` when set).
//!
//! Chromium and ChromeDriver come from Debian's `chromium` and `chromium-driver` packages
//! (`.ci/run` installs them). Where they are missing, this one test says so and returns.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::common::Sandbox;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// WebDriver's key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The admin token `dv serve` is started with.
const TOKEN: &str = "0b5e7c1a-web0-4b1d-9c0e-browser00001";

/// A child process killed (by its own handle) when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One HTTP/1.1 exchange with ChromeDriver (which keeps connections open, so the body is
/// read by its `Content-Length`): status and body.
fn driver_http(addr: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
    exchange(addr, method, path, body)
        .unwrap_or_else(|e| panic!("{method} {path} to chromedriver: {e}"))
}

/// [`driver_http`] without panicking (for clean-up).
fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |what: &str| std::io::Error::other(what.to_string());
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| raw.len() >= split + 4 + len) {
                break;
            }
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let status = String::from_utf8_lossy(&raw[..split])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    Ok((status, raw[split + 4..].to_vec()))
}

/// Poll `path` on `addr` until it answers 200.
fn wait_until_up(addr: SocketAddr, path: &str, what: &str) {
    let start = Instant::now();
    loop {
        if TcpStream::connect(addr).is_ok() && driver_http(addr, "GET", path, None).0 == 200 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not come up on {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A WebDriver session; ended (the browser quits) when dropped, also when the test fails
/// half way, before ChromeDriver itself is stopped.
struct Session {
    driver: SocketAddr,
    id: String,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = exchange(
            self.driver,
            "DELETE",
            &format!("/session/{}", self.id),
            None,
        );
    }
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let bytes = body.map(|b| b.to_string().into_bytes());
        let full = format!("/session/{}{path}", self.id);
        let (status, reply) = driver_http(self.driver, method, &full, bytes.as_deref());
        let v: Value = serde_json::from_slice(&reply).unwrap_or_else(|e| {
            panic!(
                "{method} {full}: not JSON ({e}): {}",
                String::from_utf8_lossy(&reply)
            )
        });
        assert_eq!(status, 200, "{method} {full}: {v}");
        v["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Wait until the current URL satisfies `ok` (a click returns before the navigation it
    /// starts has finished); the URL then.
    fn wait_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let url = self.url();
            if ok(&url) {
                return url;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "still at {url}, expected {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e[ELEMENT].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    }

    fn find(&self, css: &str) -> String {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {css} on {}", self.url()))
    }

    /// The element among `css` whose text is `text`.
    fn find_text(&self, css: &str, text: &str) -> String {
        self.find_all(css)
            .into_iter()
            .find(|e| self.text(e) == text)
            .unwrap_or_else(|| panic!("no {css} reading {text:?} on {}", self.url()))
    }

    fn text(&self, element: &str) -> String {
        self.call("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn click(&self, element: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    fn type_into(&self, element: &str, text: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn screenshot(&self, dir: &Path, name: &str) {
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64_decode(b64.as_str().expect("a base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
        std::fs::write(dir.join(name), png).expect("write the screenshot");
    }
}

/// Standard base64 (WebDriver's screenshots).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let digits: Vec<u32> = chunk
            .iter()
            .filter(|c| **c != b'=')
            .map(|c| value(*c))
            .collect();
        let n = digits.iter().fold(0u32, |acc, d| (acc << 6) | d) << (6 * (4 - digits.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..digits.len().saturating_sub(1)]);
    }
    out
}

/// Wait for a finished download named `name` in `dir`.
fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let start = Instant::now();
    loop {
        let path = dir.join(name);
        if path.is_file()
            && !dir.join(format!("{name}.crdownload")).exists()
            && let Ok(bytes) = std::fs::read(&path)
            && !bytes.is_empty()
        {
            return bytes;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no download of {name} in {}: {:?}",
            dir.display(),
            std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn chromium_browses_searches_signs_in_and_downloads_from_the_demo_store() {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(tool).exists() {
            eprintln!(
                "skipped: the browser test needs {tool} (Debian packages chromium and chromium-driver; .ci/run installs them)"
            );
            return;
        }
    }
    let sb = Sandbox::new();
    sb.secret(TOKEN);
    let work = tempfile::tempdir().expect("temp dir");
    let store = work.path().join("store");
    let downloads = work.path().join("downloads");
    let shots = std::env::var_os("DV_WEB_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| work.path().join("screenshots"));
    for d in [&downloads, &shots] {
        std::fs::create_dir_all(d).expect("create a directory");
    }

    // The README's two commands: build the demo's store, then serve it.
    sb.run(sb.dv().arg("demo").arg("--data").arg(&store))
        .success();
    let site = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    let _server = Reaped(
        Command::new(assert_cmd::cargo::cargo_bin("dv"))
            .args([
                "serve",
                "--addr",
                &site.to_string(),
                "--admin-token",
                TOKEN,
                "--data",
            ])
            .arg(&store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dv serve"),
    );
    wait_until_up(site, "/api/info/version", "dv serve");
    let base = format!("http://{site}");

    let driver = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    let _driver = Reaped(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={}", driver.port()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_until_up(driver, "/status", "chromedriver");
    let profile = work.path().join("profile");
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1500",
                     format!("--user-data-dir={}", profile.display())],
            "prefs": {"download.default_directory": downloads.display().to_string(),
                      "download.prompt_for_download": false}
        }
    }}});
    let bytes = caps.to_string().into_bytes();
    let (status, reply) = driver_http(driver, "POST", "/session", Some(&bytes));
    let reply: Value = serde_json::from_slice(&reply).expect("a session answer");
    assert_eq!(status, 200, "new session: {reply}");
    let s = Session {
        driver,
        id: reply["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string(),
    };
    s.call(
        "POST",
        "/timeouts",
        Some(json!({"implicit": 5000, "pageLoad": 30000})),
    );

    // The root: the generated collections and the demo's; a link to the demo's collection.
    s.goto(&format!("{base}/"));
    assert_eq!(s.text(&s.find("main h1")), "Root");
    s.screenshot(&shots, "1-root.png");
    s.click(&s.find_text("ul.results a.title", "Demo Laboratory"));
    s.wait_url("the demo's collection", |u| {
        u.ends_with("/dataverse/demo-lab")
    });

    // The search form, scoped to the collection: a guest finds the published dataset only.
    s.type_into(&s.find("#q"), "finches");
    s.click(&s.find("form.search button[type=submit]"));
    s.wait_url("the search", |u| {
        u.contains("/dataverse/demo-lab?q=finches")
    });
    let titles = |s: &Session| -> Vec<String> {
        s.find_all("ul.results a.title")
            .iter()
            .map(|e| s.text(e))
            .collect()
    };
    assert_eq!(
        titles(&s),
        ["Darwin's Finches, revisited"],
        "the guest's results"
    );
    s.screenshot(&shots, "2-search.png");

    // The token sign-in, back to the search, which now finds the draft and its files too.
    s.click(&s.find("nav.account a"));
    s.wait_url("the sign-in form", |u| u.contains("/loginpage.xhtml"));
    s.type_into(&s.find("#token"), TOKEN);
    s.screenshot(&shots, "3-sign-in.png");
    s.click(&s.find("form.signin button"));
    let back = s.wait_url("back at the search", |u| !u.contains("/loginpage.xhtml"));
    assert!(
        back.ends_with("/dataverse/demo-lab?q=finches"),
        "back where the viewer was: {back}"
    );
    assert!(s.text(&s.find("nav.account")).contains("Signed in as"));
    assert!(!s.source().contains(TOKEN), "the token is never in a page");
    assert!(!s.url().contains(TOKEN), "the token is never in a URL");
    let cookies = s.call("GET", "/cookie", None);
    let cookie = cookies
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "dvtoken"))
        .unwrap_or_else(|| panic!("no sign-in cookie: {cookies}"));
    assert_eq!(cookie["httpOnly"], true, "{cookie}");
    assert_eq!(cookie["sameSite"], "Strict", "{cookie}");
    let found = titles(&s);
    assert!(
        found.contains(&"finches.tab".to_string()),
        "the owner's results: {found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|t| *t == "Darwin's Finches, revisited")
            .count(),
        2,
        "the published version and the draft: {found:?}"
    );

    // A link to the draft, then to a file.
    s.click(&s.find("ul.results a.title[href$='&version=DRAFT'][href^='/dataset.xhtml']"));
    s.wait_url("the draft's page", |u| {
        u.contains("/dataset.xhtml?persistentId=doi:") && u.ends_with("&version=DRAFT")
    });
    assert!(s.text(&s.find("main h1")).starts_with("Darwin's Finches"));
    assert!(s.text(&s.find("p.citation")).contains("DRAFT VERSION"));
    let row = s.find_text("table a[href^='/file.xhtml']", "README.md");
    let rows = s.text(&s.find("table tbody"));
    let checksum = rows
        .lines()
        .find(|l| l.contains("README.md"))
        .and_then(|l| l.split("MD5: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no checksum of README.md in {rows}"))
        .to_string();
    s.screenshot(&shots, "4-dataset.png");
    s.click(&row);
    s.wait_url("a file page", |u| u.contains("/file.xhtml?fileId="));
    assert_eq!(s.text(&s.find("main h1")), "README.md Draft");
    s.screenshot(&shots, "5-file.png");

    // The download, through the Data Access API with the sign-in cookie (a draft's file).
    s.click(&s.find("a[download]"));
    let bytes = downloaded(&downloads, "README.md");
    assert_eq!(hex::encode(Md5::digest(&bytes)), checksum);
    assert!(bytes.starts_with(b"# Finches\n"), "{bytes:?}");

    eprintln!("screenshots in {}", shots.display());
}
