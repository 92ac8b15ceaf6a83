//! `dv serve`: the embedded local Dataverse as a server.

use dataverse_emulator::{Config, Emulator, Server};

use crate::cli::{GlobalArgs, ServeArgs};
use crate::context::local_data_dir;
use crate::error::{CliError, CliResult};

/// Run `dv serve` until Ctrl-C (or SIGTERM).
pub async fn run(args: ServeArgs, global: &GlobalArgs) -> CliResult {
    let dir = match args.data {
        Some(d) => d,
        None => local_data_dir()?,
    };
    let mut config = Config::new(dir.clone());
    config.admin_token = args.admin_token;
    config.hostname = args.hostname;
    config.latency = std::time::Duration::from_millis(args.latency);
    config.faults = args.faults.clone();
    let emulator = tokio::task::spawn_blocking(move || Emulator::open(config))
        .await
        .map_err(|e| CliError::Io(format!("the local Dataverse failed to open: {e}")))??;
    if let Some(spec) = args.generate {
        let em = emulator.clone();
        let started = std::time::Instant::now();
        let summary = tokio::task::spawn_blocking(move || em.generate(&spec))
            .await
            .map_err(|e| CliError::Io(format!("the generator failed: {e}")))??;
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
        eprintln!(
            "  try:        DATAVERSE_URL={} dv info version",
            server.base_url()
        );
        eprintln!("Press Ctrl-C to stop.");
    }
    shutdown_signal().await;
    if !global.quiet {
        eprintln!("dv serve: stopping");
    }
    server.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
