//! `dv serve`: the embedded local Dataverse as a server.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use dataverse_emulator::{Config, Emulator, Server};

use crate::cli::GlobalArgs;
use crate::context::local_data_dir;
use crate::error::{CliError, CliResult};

/// The examples at the end of `dv serve --help`.
pub const EXAMPLES: &str = "\
Examples:
  dv serve                                    # 127.0.0.1:8080, the local Dataverse's data
  dv serve --addr 8767 --data ./my-dataverse  # a bare port means 127.0.0.1:8767
  dv serve --addr 0.0.0.0:8080                # reachable from other machines
  dv serve --data ./big --generate collections=100,datasets=1000,depth=3,seed=1
  dv serve --faults rate=0.1,seed=7           # inject failures to test a client
  dv serve --addr 0.0.0.0:8080 --blocked-api-policy unblock-key --blocked-api-key KEY
                                              # admin API from anywhere with the key
  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
    dv serve --store s3://bucket --s3-endpoint http://127.0.0.1:9000  # files in S3, direct upload";

/// `dv serve`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on: HOST:PORT, or a bare PORT (or :PORT) for 127.0.0.1:PORT.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Data directory (default: the local Dataverse in your data directory).
    #[arg(long, env = "DATAVERSE_LOCAL_DIR", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Set the superuser dataverseAdmin's API token.
    #[arg(
        long,
        env = "DATAVERSE_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// Set the superuser dataverseAdmin's password (a new installation's is `admin`, as
    /// Dataverse's setup script sets it).
    #[arg(
        long,
        env = "DATAVERSE_ADMIN_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub admin_password: Option<String>,
    /// Who may call the blocked endpoints (`/api/admin`, `/api/builtin-users`), as
    /// Dataverse's `:BlockedApiPolicy`: `localhost-only` (the default: clients connecting
    /// from 127.0.0.1 or ::1, no API key needed; proxy headers are ignored), `unblock-key`
    /// (requests with --blocked-api-key in the X-Dataverse-unblock-key header or the
    /// unblock-key query parameter) or `drop` (nobody). Without it, the database setting
    /// applies.
    #[arg(long, value_name = "POLICY")]
    pub blocked_api_policy: Option<dataverse_emulator::BlockedApiPolicy>,
    /// The blocked endpoints, comma-separated path prefixes after /api/ (Dataverse's
    /// `:BlockedApiEndpoints`; default `admin,builtin-users`; empty blocks nothing).
    #[arg(long, value_name = "LIST")]
    pub blocked_api_endpoints: Option<String>,
    /// The key of the `unblock-key` policy (Dataverse's `:BlockedApiKey`).
    #[arg(
        long,
        env = "DATAVERSE_BLOCKED_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub blocked_api_key: Option<String>,
    /// Host name reported by /api/info/server.
    #[arg(long, default_value = "localhost")]
    pub hostname: String,
    /// Before serving, add generated published collections and datasets under root:
    /// `collections=N,datasets=M,depth=D[,seed=S]` (deterministic for a given seed).
    #[arg(long, value_name = "SPEC")]
    pub generate: Option<dataverse_emulator::GenerateSpec>,
    /// Delay every API response by this many milliseconds (simulates a slow server).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Inject faults into a share of API requests, to test clients: 503s, Dataverse 500s
    /// (with an incidentId), 429s with Retry-After, reset connections, bodies cut off midway
    /// and slow answers, before or after the request's effect:
    /// `rate=R[,seed=S][,kinds=503+500+429+reset+truncate+slow][,retry_after=SECS][,slow=MS]`
    /// (R from 0 to 1; deterministic for a given seed and request order).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<dataverse_emulator::FaultSpec>,
    /// Where file bytes are kept: `file` (the data directory, the default) or
    /// `s3://BUCKET` (an S3-compatible store, path-style, at --s3-endpoint, with the
    /// credentials of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). With S3, clients get
    /// presigned URLs for direct upload (`uploadurls`) as from Dataverse's S3 driver.
    #[arg(long, value_name = "STORE", default_value = "file")]
    pub store: String,
    /// The S3 endpoint (`custom-endpoint-url`), e.g. http://127.0.0.1:9000.
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// The S3 region (`custom-endpoint-region`).
    #[arg(
        long,
        env = "AWS_REGION",
        default_value = "us-east-1",
        value_name = "REGION"
    )]
    pub s3_region: String,
    /// Files larger than this go up in parts of this size (`min-part-size`; at least
    /// 5 MiB, default 1 GiB).
    #[arg(long, value_name = "BYTES", default_value_t = dataverse_emulator::DEFAULT_MIN_PART_SIZE)]
    pub s3_part_size: u64,
    /// Answer downloads of S3-held files with a redirect to a presigned GET
    /// (`download-redirect`) instead of streaming them through the server.
    #[arg(long)]
    pub s3_download_redirect: bool,
    /// Do not tag direct uploads `dv-state=temp` (`disable-tagging`), for stores without
    /// object tagging.
    #[arg(long)]
    pub s3_no_tagging: bool,
    /// Dataverse's `dataverse.files.guestbook-at-request` setting: `true` asks for a
    /// dataset's guestbook answer when access to a restricted file is requested, `false` at
    /// download. Set either way, superusers may also choose per dataset
    /// (`PUT /api/datasets/{id}/guestbookEntryAtRequest`); unset, they may not.
    #[arg(long, value_name = "BOOL")]
    pub guestbook_at_request: Option<bool>,
}

/// The S3 store of `--store s3://BUCKET`, with the credentials from the environment.
fn s3_config(args: &Args) -> CliResult<Option<dataverse_emulator::S3Config>> {
    if args.store == "file" {
        return Ok(None);
    }
    let Some(bucket) = args
        .store
        .strip_prefix("s3://")
        .map(|b| b.trim_end_matches('/'))
        .filter(|b| !b.is_empty() && !b.contains('/'))
    else {
        return Err(CliError::Usage(format!(
            "--store {:?}: expected `file` or `s3://BUCKET`",
            args.store
        )));
    };
    let Some(endpoint) = args.s3_endpoint.clone() else {
        return Err(CliError::Usage(
            "--store s3://... needs --s3-endpoint (or AWS_ENDPOINT_URL)".into(),
        ));
    };
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
        return Err(CliError::Usage(
            "--store s3://... needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
        ));
    };
    let mut c = dataverse_emulator::S3Config::new(bucket, endpoint, key, secret);
    c.region = args.s3_region.clone();
    c.min_part_size = args.s3_part_size;
    c.download_redirect = args.s3_download_redirect;
    c.tagging = !args.s3_no_tagging;
    Ok(Some(c))
}

/// Parse `--addr`: `HOST:PORT` (an IP address, `[::1]:PORT` for IPv6), or a bare `PORT`
/// or `:PORT` or `localhost:PORT`, which mean `127.0.0.1:PORT` (loopback only, as the
/// default).
fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    let value = value.trim();
    let port = value
        .strip_prefix(':')
        .or_else(|| value.strip_prefix("localhost:"))
        .unwrap_or(value);
    if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
        return port
            .parse::<u16>()
            .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .map_err(|_| format!("port {port} is out of range (0 to 65535)"));
    }
    value.parse::<SocketAddr>().map_err(|_| {
        "expected HOST:PORT with an IP address (e.g. 0.0.0.0:8080) or a port (e.g. 8080)"
            .to_string()
    })
}

/// Run `dv serve` until Ctrl-C (or SIGTERM).
pub async fn execute(global: &GlobalArgs, args: Args) -> CliResult {
    let s3 = s3_config(&args)?;
    let dir = match args.data {
        Some(d) => d,
        None => local_data_dir()?,
    };
    let mut config = Config::new(dir.clone());
    config.s3 = s3;
    config.admin_token = args.admin_token;
    config.admin_password = args.admin_password;
    if args.blocked_api_policy == Some(dataverse_emulator::BlockedApiPolicy::UnblockKey)
        && args
            .blocked_api_key
            .as_deref()
            .is_none_or(|k| k.trim().is_empty())
    {
        return Err(CliError::Usage(
            "--blocked-api-policy unblock-key needs --blocked-api-key (or DATAVERSE_BLOCKED_API_KEY)"
                .into(),
        ));
    }
    config.blocked_api = dataverse_emulator::BlockedApi {
        policy: args.blocked_api_policy,
        endpoints: args.blocked_api_endpoints.clone(),
        key: args.blocked_api_key,
    };
    config.hostname = args.hostname;
    config.latency = std::time::Duration::from_millis(args.latency);
    config.faults = args.faults.clone();
    config.guestbook_at_request = args.guestbook_at_request;
    let emulator = tokio::task::spawn_blocking(move || Emulator::open(config))
        .await
        .map_err(|e| CliError::io(format!("the local Dataverse failed to open: {e}")))??;
    if let Some(spec) = args.generate {
        let em = emulator.clone();
        let started = std::time::Instant::now();
        let summary = tokio::task::spawn_blocking(move || em.generate(&spec))
            .await
            .map_err(|e| CliError::io(format!("the generator failed: {e}")))??;
        eprintln!(
            "dv serve: generated {summary} in {:.2?} (seed {})",
            started.elapsed(),
            spec.seed
        );
    }
    let token = emulator.admin_token()?;
    let server = Server::start(emulator, args.addr).await?;
    if !global.quiet {
        eprintln!(
            "dv serve: embedded Dataverse {} in {}",
            dataverse_emulator::DATAVERSE_VERSION,
            dir.display()
        );
        eprintln!("  URL:        {}", server.base_url());
        eprintln!("  superuser:  dataverseAdmin");
        eprintln!("  API token:  {token}");
        if args.latency > 0 {
            eprintln!("  latency:    {} ms per API response", args.latency);
        }
        if let Some(faults) = &args.faults {
            eprintln!("  faults:     {faults}");
        }
        let policy = args.blocked_api_policy.map(|p| p.as_str());
        let blocked = args.blocked_api_endpoints.as_deref();
        eprintln!(
            "  admin API:  {} for {}{}",
            policy.unwrap_or("localhost-only"),
            blocked.unwrap_or(dataverse_emulator::DEFAULT_BLOCKED_ENDPOINTS),
            if policy.is_none() || blocked.is_none() {
                " (unless the store's :BlockedApi* settings say otherwise)"
            } else {
                ""
            }
        );
        if args.store != "file" {
            eprintln!("  store:      {} (direct upload)", args.store);
        }
        eprintln!(
            "  try:        DATAVERSE_URL={} dv info version",
            server.base_url()
        );
    }
    let stop = shutdown_signal();
    if !global.quiet {
        eprintln!("Press Ctrl-C to stop.");
    }
    stop.await;
    if !global.quiet {
        eprintln!("dv serve: stopping");
    }
    server.shutdown().await;
    Ok(())
}

/// Listen for Ctrl-C and SIGTERM from now on (the handlers are installed before this
/// returns, so a signal sent right after "Press Ctrl-C" is not missed); the future resolves
/// at the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            async fn wait(s: Option<Signal>) {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = wait(interrupt) => {},
                _ = wait(terminate) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addr_takes_a_bare_port() {
        let loopback = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        assert_eq!(parse_addr("8767"), Ok(loopback(8767)));
        assert_eq!(parse_addr(":8767"), Ok(loopback(8767)));
        assert_eq!(parse_addr("localhost:8767"), Ok(loopback(8767)));
        assert_eq!(parse_addr("0"), Ok(loopback(0)));
        assert_eq!(
            parse_addr("0.0.0.0:80"),
            Ok(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 80)))
        );
        assert_eq!(parse_addr("[::1]:9000"), Ok("[::1]:9000".parse().unwrap()));
        assert_eq!(
            parse_addr("70000"),
            Err("port 70000 is out of range (0 to 65535)".to_string())
        );
        for bad in ["", "example.org:8080", "1.2.3.4", "80a", ":", "localhost:"] {
            let e = parse_addr(bad).expect_err(bad);
            assert!(e.starts_with("expected HOST:PORT"), "{bad}: {e}");
        }
    }
}
