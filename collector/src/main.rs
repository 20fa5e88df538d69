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
mod cases;
mod clock;
mod config;
mod csv;
mod definitions;
mod error;
mod followups;
mod ids;
mod kiosks;
mod limits;
mod links;
mod log;
mod notify;
mod prerender;
mod privacy;
mod qr;
mod query;
mod repair_orders;
mod routes;
mod server;
mod settings;
mod static_files;
mod store;
mod verify;
mod voc;

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
        Command::Purge { db, default_days } => purge_now(db, default_days),
        Command::Forget { db, target, by } => forget(db, target, by),
        Command::Retention {
            db,
            set,
            default_days,
        } => retention(db, set, default_days),
        Command::Kiosk { db, action } => kiosk(db, action),
        Command::Settings { db, set } => dealer_settings(db, set),
        Command::CaseOwner { db, dealer, login } => case_owner(db, dealer, login),
        Command::Webhook { db, dealer, change } => webhook(db, dealer, change),
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
        audit: privacy::AuditLog::start(Arc::clone(&store)),
        store,
        dist: config.dist.clone(),
        max_body: config.max_body,
        db_deadline: config.db_deadline,
        body_deadline: config.body_deadline,
        allowed_hosts,
        throttle: auth::throttle::Throttle::default(),
        limits: limits::Limits::new(
            config.post_rate_address,
            config.post_rate_token,
            config.trusted_proxies.clone(),
        ),
        link_key: Default::default(),
        cases: config.cases,
    });
    spawn_housekeeping(Arc::clone(&app), config.retention_days);
    spawn_escalation(Arc::clone(&app));
    spawn_webhooks(Arc::clone(&app));
    let router = app::router(Arc::clone(&app), &config);
    server::serve(
        listener,
        router,
        config.max_connections,
        config.client_timeout,
        server::signal(),
    )
    .await;
    if !app.audit.flush(server::DRAIN).await {
        tracing::warn!("audit log: lines still queued at exit were not written");
    }
    tracing::info!("stopped");
    Ok(())
}

/// What the serve process does on its own: drops idle rate-limit keys every
/// [`limits::SWEEP`], and purges personal data past retention at start and every
/// [`privacy::PURGE_EVERY`] (a failed run is logged and tried again next time).
fn spawn_housekeeping(app: app::Shared, default_days: u32) {
    let sweeper = Arc::clone(&app);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(limits::SWEEP);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let kept = sweeper.limits.sweep();
            tracing::debug!("rate limits: {kept} keys in use");
        }
    });
    tokio::spawn(async move {
        let mut every = tokio::time::interval(privacy::PURGE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // Beacons are never logged one by one: only these counts, once an hour.
            let (stored, repeated, refused) = routes::beacons::counts();
            tracing::info!("funnel beacons since start: {stored} stored, {repeated} repeated, {refused} refused");
            match privacy::purge(app.store.as_ref(), clock::now(), default_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("retention: cleared the personal data of {n} responses"),
                Err(e) => tracing::warn!("retention: the purge failed, retrying in an hour: {e}"),
            }
        }
    });
}

/// Escalates cases past their due time every `--case-sweep-ms`, by the collector's
/// clock ([`cases::sweep`]); a failed run is logged and tried again next time.
fn spawn_escalation(app: app::Shared) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(app.cases.sweep);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now = clock::now_rfc3339();
            match cases::sweep(app.store.as_ref(), &now, &app.cases.rules).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("cases: escalated {n} past their due time"),
                Err(e) => tracing::warn!("cases: the escalation sweep failed, retrying: {e}"),
            }
        }
    });
}

/// Posts queued webhook notifications ([`notify::drain`]) as they fall due: checked
/// every `--webhook-retry-ms` (at most every second); a failed run is logged and tried
/// again next time.
fn spawn_webhooks(app: app::Shared) {
    tokio::spawn(async move {
        let retry = app.cases.webhook_retry;
        let mut every = tokio::time::interval(retry.min(std::time::Duration::from_secs(1)));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match notify::drain(app.store.as_ref(), retry).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("webhooks: delivered {n}"),
                Err(e) => tracing::warn!("webhooks: reading the outbox failed, retrying: {e}"),
            }
        }
    });
}

/// A current-thread runtime for a command that does one thing and exits.
fn one_shot<T>(work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?
        .block_on(work)
}

/// `collector purge`: the retention purge, now.
fn purge_now(db: store::Location, default_days: u32) -> Result<(), String> {
    one_shot(async {
        let store = store::open(&db).await?;
        let n = privacy::purge(store.as_ref(), clock::now(), default_days)
            .await
            .map_err(|e| e.to_string())?;
        println!("cleared the contact data and comments of {n} responses past retention");
        Ok(())
    })
}

/// `collector customer forget`: deletes a customer's responses on request.
fn forget(db: store::Location, target: config::ForgetTarget, by: String) -> Result<(), String> {
    let target = match target {
        config::ForgetTarget::Phone(p) => privacy::Forget::Phone(p),
        config::ForgetTarget::Response(r) => privacy::Forget::Response(r),
    };
    one_shot(async {
        let store = store::open(&db).await?;
        let n = privacy::forget(store.as_ref(), &target, &by, clock::now()).await?;
        let how = match &target {
            privacy::Forget::Phone(_) => "with that phone number".to_string(),
            privacy::Forget::Response(id) => format!("with id {id}"),
        };
        println!("deleted {n} responses {how}; recorded in the audit log (without the number)");
        Ok(())
    })
}

/// `collector retention`: lists the dealers' retention periods, or sets one.
fn retention(
    db: store::Location,
    set: Option<(String, Option<u32>)>,
    default_days: u32,
) -> Result<(), String> {
    one_shot(async {
        let store = store::open(&db).await?;
        if let Some((dealer, days)) = &set {
            store
                .set_retention(dealer, *days, &clock::now_rfc3339())
                .await
                .map_err(|e| e.to_string())?;
        }
        let settings = store.retention().await.map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "every other dealer: {default_days} days (--retention-days)"
        );
        for (dealer, days) in settings {
            let _ = writeln!(out, "{dealer}: {days} days");
        }
        Ok(())
    })
}

/// `collector kiosk …`: issues (printing the key once), lists or revokes kiosk keys.
fn kiosk(db: store::Location, action: config::KioskCommand) -> Result<(), String> {
    use store::kiosks::Which;
    one_shot(async {
        let store = store::open(&db).await?;
        let mut out = std::io::stdout().lock();
        match action {
            config::KioskCommand::Add {
                dealer,
                station,
                label,
            } => {
                let (new, key) =
                    routes::kiosks::prepare(&dealer, &station, &label, "command line".into())?;
                let k = new.kiosk.clone();
                store.create_kiosk(new).await.map_err(|e| e.to_string())?;
                let _ = writeln!(out, "kiosk {} ({dealer}, {station}) ready", k.id);
                let _ = writeln!(out, "key: {key}   (shown once)");
                let _ = writeln!(
                    out,
                    "pair the tablet: open {} on it once",
                    kiosks::pairing_path(&key, &station)
                );
            }
            config::KioskCommand::List => {
                let all = store
                    .kiosks(Which::All, None)
                    .await
                    .map_err(|e| e.to_string())?;
                for k in all {
                    let state = k
                        .revoked_at
                        .map_or("live".to_string(), |at| format!("revoked {at}"));
                    let _ = writeln!(
                        out,
                        "{}  {}  {}  {}  {}  {state}",
                        k.id, k.dealer, k.station, k.label, k.created_at
                    );
                }
            }
            config::KioskCommand::Revoke(id) => {
                let at = clock::now_rfc3339();
                if !store
                    .revoke_kiosk(&id, &at)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    return Err(format!("no live kiosk {id} (collector kiosk list)"));
                }
                let _ = writeln!(out, "kiosk {id} revoked: its key is refused from now on");
            }
        }
        Ok(())
    })
}

/// `collector settings`: lists the dealers' reporting settings, or changes one.
fn dealer_settings(db: store::Location, set: Option<config::SettingsChange>) -> Result<(), String> {
    one_shot(async {
        let store = store::open(&db).await?;
        let stored = store.dealer_settings().await.map_err(|e| e.to_string())?;
        if let Some(change) = set {
            let mut s = stored
                .iter()
                .find(|s| s.dealer == change.dealer)
                .cloned()
                .unwrap_or_else(|| settings::DealerSettings::default_for(&change.dealer));
            if let Some(zone) = change.time_zone {
                s.time_zone = zone;
            }
            if let Some(t) = change.csi_target {
                s.csi_target = t;
            }
            if let Some(t) = change.fixed_first_time_target {
                s.fixed_first_time_target = t;
            }
            store
                .set_dealer_settings(&s, &clock::now_rfc3339())
                .await
                .map_err(|e| e.to_string())?;
        }
        let settings = store.dealer_settings().await.map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        let d = settings::DealerSettings::default_for("");
        let _ = writeln!(
            out,
            "every other dealer: {}, CSI target {}, fixed first time {}%",
            d.time_zone, d.csi_target, d.fixed_first_time_target
        );
        for s in settings {
            let _ = writeln!(
                out,
                "{}: {}, CSI target {}, fixed first time {}%",
                s.dealer, s.time_zone, s.csi_target, s.fixed_first_time_target
            );
        }
        Ok(())
    })
}

/// `collector case-owner`: sets a dealer's default follow-up agent. The agent must be a
/// follow-up agent (or a manager) of that dealer, like any owner.
fn case_owner(db: store::Location, dealer: String, login: Option<String>) -> Result<(), String> {
    one_shot(async {
        let store = store::open(&db).await?;
        let owner = match &login {
            None => None,
            Some(login) => {
                let user = store
                    .user_by_login(&login.trim().to_lowercase())
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no account with the login {login:?}"))?;
                let can_own = matches!(
                    user.role,
                    auth::Role::FollowUpAgent | auth::Role::DealerManager
                );
                if !can_own || !user.scope.allows(&dealer) {
                    return Err(format!(
                        "{login:?} is not a follow-up agent or manager of dealer {dealer}"
                    ));
                }
                Some(user.id)
            }
        };
        store
            .set_case_owner(&dealer, owner.as_deref(), &clock::now_rfc3339())
            .await
            .map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        let _ = match &login {
            Some(l) => writeln!(out, "{dealer}: new cases go to {l}"),
            None => writeln!(out, "{dealer}: new cases open unowned"),
        };
        Ok(())
    })
}

/// `collector webhook`: shows, sets or removes where a dealer's new cases and
/// escalations are posted ([`notify`]).
fn webhook(
    db: store::Location,
    dealer: String,
    change: Option<Option<(String, String)>>,
) -> Result<(), String> {
    one_shot(async {
        let store = store::open(&db).await?;
        if let Some(change) = &change {
            let hook = change.as_ref().map(|(u, f)| (u.as_str(), f.as_str()));
            store
                .set_webhook(&dealer, hook, &clock::now_rfc3339())
                .await
                .map_err(|e| e.to_string())?;
        }
        let hook = store.webhook(&dealer).await.map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        let _ = match hook {
            Some(h) => writeln!(out, "{dealer}: {} ({})", h.url, h.format),
            None => writeln!(out, "{dealer}: no webhook"),
        };
        Ok(())
    })
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
