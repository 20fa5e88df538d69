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
mod auth;
mod clock;
mod config;
mod csv;
mod error;
mod ids;
mod links;
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
        Command::UserAdd { db, user } => user_add(db, user),
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
        body_deadline: config.body_deadline,
        allowed_hosts,
        throttle: auth::throttle::Throttle::default(),
        link_key: Default::default(),
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

/// `collector user add`: the first group admin, or the demo login.
fn user_add(db: store::Location, args: config::UserArgs) -> Result<(), String> {
    let Some(role) = auth::Role::parse(&args.role) else {
        return Err(format!(
            "unknown role {:?}: group-admin, dealer-manager, service-advisor or follow-up-agent",
            args.role
        ));
    };
    let generated = !args.password_stdin;
    let password = if generated {
        // Letters and digits only: a password that starts with `-` or holds `_` is
        // easy to mistype or to have a shell or a form take apart. 20 of 62: 119 bits.
        auth::secret::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(20)
            .collect()
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password from standard input: {e}"))?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    let request = auth::users::Request {
        login: args.login,
        password: password.clone(),
        role,
        dealers: args.dealers,
        advisor: args.advisor,
    };
    let user = auth::users::prepare(request, ids::new_id(), clock::now_rfc3339())?;
    let login = user.login.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async {
        let store = store::open(&db).await?;
        let created = store
            .create_user(user, args.reset)
            .await
            .map_err(|e| e.to_string())?;
        if !created {
            return Err(format!(
                "the login {login} is taken; add --reset to give it a new password"
            ));
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "account {login} ({role}) ready");
        if generated {
            let _ = writeln!(out, "password: {password}   (shown once; keep it safe)");
        }
        Ok(())
    })
}

/// Thousands of phones may hold connections open; the default soft limit (often 1024)
/// would refuse them long before memory does. Raised to the hard limit.
fn raise_open_files_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!("open files limit {n}"),
        Err(e) => tracing::warn!("could not raise the open files limit: {e}"),
    }
}
