//! The admin API's protection, as Dataverse's blocked-endpoints policy
//! (`ApiBlockingFilter`): `/api/admin` and `/api/builtin-users` answer loopback clients
//! without a key and refuse everyone else with a 503, judged by the TCP peer address and
//! never by a proxy header; `unblock-key` and `drop` policies; the policy read from the
//! database settings; the settings' 6.9+ answers; the admin password.
//!
//! A non-loopback client is made by binding the client's socket to `127.0.0.2`: Linux
//! routes all of 127.0.0.0/8 to the loopback interface, and Dataverse's
//! `IpAddress.isLocalhost` accepts exactly `127.0.0.1` and `::1`, so that client is
//! "elsewhere" to the policy. Where this machine has a non-loopback address, the server is
//! also bound there and called on it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use dataverse_emulator::{BlockedApi, BlockedApiPolicy, Config, Emulator, Server};
use dataverse_tests::TestServer;
use reqwest::Method;
use serde_json::Value;

const LOCALHOST_ONLY: &str = "Endpoint restricted to localhost access only.";

/// A plain HTTP client, its connections from `from` when given.
fn client(from: Option<IpAddr>) -> reqwest::Client {
    // reqwest is built without a default TLS provider; plain HTTP still needs one set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .local_address(from)
        .build()
        .unwrap()
}

/// `(status, body)` of one call.
async fn call(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Value) {
    let mut req = client.request(method, url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, v)
}

const NOT_LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// An emulator with `blocked` served by [`Server`] (which passes the peer address on).
async fn serve(blocked: BlockedApi) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.blocked_api = blocked;
    let em = Emulator::open(config).unwrap();
    let server = Server::start(em, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (dir, server)
}

#[tokio::test]
async fn loopback_clients_need_no_key_and_others_are_refused() {
    let server = TestServer::start().await;
    let base = &server.base_url;
    let local = client(None);
    let remote = client(Some(NOT_LOOPBACK));

    let (status, v) = call(
        &local,
        Method::GET,
        &format!("{base}/api/admin/settings"),
        &[],
        None,
    )
    .await;
    assert_eq!((status, &v["status"]), (200, &Value::from("OK")), "{v}");

    for (method, path) in [
        (Method::GET, "/api/admin/settings"),
        (Method::PUT, "/api/admin/settings/:AllowSignUp"),
        (Method::GET, "/api/v1/admin/settings/:AllowSignUp"),
        (Method::POST, "/api/builtin-users?password=pw&key=burrito"),
        (
            Method::GET,
            "/api/builtin-users/dataverseAdmin/api-token?password=admin",
        ),
    ] {
        let url = format!("{base}{path}");
        let (status, v) = call(&remote, method.clone(), &url, &[], Some("yes")).await;
        assert_eq!(status, 503, "{method} {path}: {v}");
        assert_eq!(
            v,
            serde_json::json!({"status": "error", "message": LOCALHOST_ONLY}),
            "{method} {path}"
        );
        // A proxy header claiming a loopback client changes nothing, and neither does
        // the superuser's key: only the TCP peer counts.
        let (status, _) = call(
            &remote,
            method.clone(),
            &url,
            &[
                ("X-Forwarded-For", "127.0.0.1"),
                ("X-Real-IP", "127.0.0.1"),
                ("X-Dataverse-key", &server.admin_token),
            ],
            Some("yes"),
        )
        .await;
        assert_eq!(status, 503, "{method} {path} with proxy headers");
    }
    // And a loopback client claiming to be elsewhere is still served.
    let (status, _) = call(
        &local,
        Method::GET,
        &format!("{base}/api/admin/settings"),
        &[("X-Forwarded-For", "203.0.113.9")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    // Endpoints outside the list answer everyone; unknown admin paths are plain 404s.
    let (status, _) = call(
        &remote,
        Method::GET,
        &format!("{base}/api/info/version"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = call(
        &remote,
        Method::GET,
        &format!("{base}/api/admin/nothing/here"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, 404, "{v}");
    server.stop().await;
}

/// This machine's address on the interface of its default route, if it has one.
fn own_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // No packet is sent: connecting a UDP socket only picks the route and source address.
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn a_server_called_on_its_own_non_loopback_address_refuses() {
    let Some(ip) = own_address() else {
        eprintln!("no non-loopback address on this machine; the 127.0.0.2 test covers the case");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let em = Emulator::open(Config::new(dir.path())).unwrap();
    let server = Server::start(em, SocketAddr::new(ip, 0)).await.unwrap();
    let c = client(None);
    let url = format!("{}/api/admin/settings", server.base_url());
    let (status, v) = call(
        &c,
        Method::GET,
        &url,
        &[("X-Forwarded-For", "127.0.0.1")],
        None,
    )
    .await;
    assert_eq!(
        (status, v["message"].as_str()),
        (503, Some(LOCALHOST_ONLY)),
        "{ip}"
    );
    let (status, _) = call(
        &c,
        Method::GET,
        &format!("{}/api/info/version", server.base_url()),
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn unblock_key_and_drop_policies() {
    let (_d, server) = serve(BlockedApi {
        policy: Some(BlockedApiPolicy::UnblockKey),
        endpoints: None,
        key: Some("open-sesame-42".into()),
    })
    .await;
    let url = format!("{}/api/admin/settings", server.base_url());
    let local = client(None);
    let (status, v) = call(&local, Method::GET, &url, &[], None).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (503, Some("Endpoint requires an unblock key for access."))
    );
    let (status, _) = call(
        &local,
        Method::GET,
        &url,
        &[("X-Dataverse-unblock-key", "wrong")],
        None,
    )
    .await;
    assert_eq!(status, 503);
    let remote = client(Some(NOT_LOOPBACK));
    let (status, _) = call(
        &remote,
        Method::GET,
        &url,
        &[("X-Dataverse-unblock-key", "open-sesame-42")],
        None,
    )
    .await;
    assert_eq!(status, 200, "the key opens it from anywhere");
    let (status, _) = call(
        &remote,
        Method::GET,
        &format!("{url}?unblock-key=open-sesame-42"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200, "or as the unblock-key query parameter");
    server.shutdown().await;

    let (_d, server) = serve(BlockedApi {
        policy: Some(BlockedApiPolicy::Drop),
        ..BlockedApi::default()
    })
    .await;
    let (status, v) = call(
        &local,
        Method::GET,
        &format!("{}/api/admin/settings", server.base_url()),
        &[],
        None,
    )
    .await;
    assert_eq!(
        (status, v["message"].as_str()),
        (503, Some("Endpoint blocked. Access denied."))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_policy_follows_the_database_settings() {
    let (_d, server) = serve(BlockedApi::default()).await;
    let base = server.base_url();
    let (local, remote) = (client(None), client(Some(NOT_LOOPBACK)));
    let put = |name: &'static str, value: &'static str| {
        let local = local.clone();
        let url = format!("{base}/api/admin/settings/{name}");
        async move { call(&local, Method::PUT, &url, &[], Some(value)).await }
    };
    // Block the info endpoints too: the change applies to the next request.
    let (status, v) = put(":BlockedApiEndpoints", "admin, builtin-users, info/version").await;
    assert_eq!(status, 200, "{v}");
    let version = format!("{base}/api/info/version");
    assert_eq!(call(&remote, Method::GET, &version, &[], None).await.0, 503);
    assert_eq!(call(&local, Method::GET, &version, &[], None).await.0, 200);
    let server_info = format!("{base}/api/info/server");
    assert_eq!(
        call(&remote, Method::GET, &server_info, &[], None).await.0,
        200
    );
    // The unblock-key policy with its key from the settings.
    assert_eq!(put(":BlockedApiKey", "k-123").await.0, 200);
    assert_eq!(put(":BlockedApiPolicy", "unblock-key").await.0, 200);
    let (status, _) = call(
        &remote,
        Method::GET,
        &version,
        &[("X-Dataverse-unblock-key", "k-123")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(call(&local, Method::GET, &version, &[], None).await.0, 503);
    server.shutdown().await;
}

#[tokio::test]
async fn settings_answer_in_the_dataverse_6_9_shapes() {
    let server = TestServer::start().await;
    let c = client(None);
    let url = |name: &str| format!("{}/api/admin/settings/{name}", server.base_url);
    let (status, v) = call(
        &c,
        Method::PUT,
        &url(":MaxFileUploadSizeInBytes"),
        &[],
        Some(r#"{"default":"1000"}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v["data"]["message"],
        "Setting :MaxFileUploadSizeInBytes added."
    );
    let (_, v) = call(
        &c,
        Method::GET,
        &format!("{}/api/admin/settings", server.base_url),
        &[],
        None,
    )
    .await;
    assert_eq!(
        v["data"][":MaxFileUploadSizeInBytes"]["default"], "1000",
        "JSON values listed as JSON: {v}"
    );
    let (status, v) = call(&c, Method::GET, &url(":SignUpUrl"), &[], None).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (404, Some("Setting :SignUpUrl not found."))
    );
    for (method, name) in [
        (Method::GET, ":NoSuchSetting"),
        (Method::PUT, "NoColon"),
        (Method::DELETE, ":signUpUrl"),
    ] {
        let (status, v) = call(&c, method.clone(), &url(name), &[], Some("x")).await;
        assert_eq!(
            (status, v["message"].as_str()),
            (400, Some("The name of the setting is invalid.")),
            "{method} {name}"
        );
    }
    let (status, v) = call(
        &c,
        Method::PUT,
        &url(":ApplicationTermsOfUse:fr"),
        &[],
        Some("x"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("since Dataverse 6.8"),
        "{v}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_admin_password_can_be_set() {
    let dir = tempfile::tempdir().unwrap();
    let lookup = |server: &Server, password: &str| {
        format!(
            "{}/api/builtin-users/dataverseAdmin/api-token?password={password}",
            server.base_url()
        )
    };
    let c = client(None);
    {
        // A new installation's password is `admin`, as Dataverse's setup-all.sh sets it.
        let em = Emulator::open(Config::new(dir.path())).unwrap();
        em.set_setting(":AllowApiTokenLookupViaApi", "true")
            .unwrap();
        let token = em.admin_token().unwrap();
        let server = Server::start(em, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let (status, v) = call(&c, Method::GET, &lookup(&server, "admin"), &[], None).await;
        assert_eq!(
            (status, v["data"]["message"].as_str()),
            (200, Some(token.as_str()))
        );
        server.shutdown().await;
    }
    let mut config = Config::new(dir.path());
    config.admin_password = Some("correct horse".into());
    let em = Emulator::open(config).unwrap();
    let server = Server::start(em, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (status, v) = call(&c, Method::GET, &lookup(&server, "admin"), &[], None).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (400, Some("Bad username or password"))
    );
    let (status, _) = call(
        &c,
        Method::GET,
        &lookup(&server, "correct%20horse"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200);
    server.shutdown().await;
}
