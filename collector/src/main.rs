//! `collector`: the endpoint the survey widget posts responses to, and the service a
//! dealer group runs.
//!
//! It re-checks every response with the same survey-core rules the widget used, rescores
//! it with the same scoring code (flagging a client card that disagrees), stores it once
//! per response id in SQLite or PostgreSQL, exports what it stored as JSON and CSV,
//! summarises the scores with `/v1/summary`, draws the QR codes of survey links for the
//! dealer page (`/v1/qr.svg`), and serves the built widget itself so a dealer needs only
//! one process.

mod app;
mod clock;
mod config;
mod csv;
mod error;
mod log;
mod prerender;
mod qr;
mod query;
mod routes;
mod server;
mod static_files;
mod store;
mod verify;

use config::{Command, Config};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let command = match config::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("collector: {e}\n{}", config::USAGE);
            return ExitCode::from(2);
        }
    };
    let level = match std::env::var("COLLECTOR_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    log::init(level);
    let result = match command {
        Command::Help => {
            println!("{}", config::USAGE);
            return ExitCode::SUCCESS;
        }
        Command::Backup { db, to } => match db {
            store::Location::Sqlite(path) => store::sqlite::backup(&path, &to).map(|()| {
                println!("backed up {} to {}", path.display(), to.display());
            }),
            store::Location::Postgres(_) => Err("backup copies a SQLite database".into()),
        },
        Command::Run(config) => run(config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("collector: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(config: Config) -> Result<(), String> {
    raise_open_files_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(serve(config))
}

async fn serve(config: Config) -> Result<(), String> {
    let store = store::open(&config.db).await?;
    if !config.dist.is_dir() {
        tracing::warn!(
            "dist directory {} not found; only the API is served",
            config.dist.display()
        );
    }
    let listener =
        server::bind(&config.addr).map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let mut allowed_hosts = config.allowed_hosts.clone();
    if allowed_hosts.is_empty() && !addr.ip().is_unspecified() {
        // Bound to one address: that address (and loopback) is the only name needed.
        allowed_hosts.push(match addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        });
    } else if allowed_hosts.is_empty() {
        tracing::warn!(
            "listening on every address with no --allowed-hosts: any Host is answered; \
             set --allowed-hosts to this server's names"
        );
    }

    // The one line on stdout: scripts and tests read the real port from it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "collector listening on http://{addr}/")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("writing to stdout: {e}"))?;
    drop(stdout);
    tracing::info!(
        "database {}, dist {}, max body {} bytes, {} requests in flight, {} connections",
        store.describe(),
        config.dist.display(),
        config.max_body,
        config.max_in_flight,
        config.max_connections
    );

    let app = Arc::new(app::App {
        store,
        dist: config.dist.clone(),
        max_body: config.max_body,
        db_deadline: config.db_deadline,
        allowed_hosts,
    });
    let router = app::router(app, &config);
    server::serve(
        listener,
        router,
        config.max_connections,
        config.client_timeout,
        server::signal(),
    )
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// Thousands of phones may hold connections open; the default soft limit (often 1024)
/// would refuse them long before memory does. Raised to the hard limit.
fn raise_open_files_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!("open files limit {n}"),
        Err(e) => tracing::warn!("could not raise the open files limit: {e}"),
    }
}
