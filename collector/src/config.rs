//! Command line and environment settings.
//!
//! Precedence is flag, then environment variable, then default, so a container can set
//! the environment once and a developer can still override one value on the command
//! line. The environment comes in as a parameter, so tests never touch the real one.

use crate::limits::{Cidr, Rate};
use crate::store::Location;
use std::path::PathBuf;
use std::time::Duration;

/// Largest `--max-body` accepted. Bodies past this are never read; a response is a few
/// kilobytes, so even this is generous.
pub const MAX_BODY_CEILING: usize = 16 * 1024 * 1024;

/// Everything the server needs to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `host:port` to bind; port 0 picks a free port (the startup line tells which).
    pub addr: String,
    /// A SQLite file (created with its schema if missing) or a `postgres://` URL.
    pub db: Location,
    /// Directory of the built widget, served for every GET outside the API.
    pub dist: PathBuf,
    /// Largest accepted request body, in bytes.
    pub max_body: usize,
    /// `Host` header values accepted (DNS rebinding); empty: any (with a warning).
    pub allowed_hosts: Vec<String>,
    /// Requests handled at once; more are answered 503 + `Retry-After` at once.
    pub max_in_flight: usize,
    /// Open connections; past this the server stops accepting until one closes.
    pub max_connections: usize,
    /// How long a request may wait for the database before it is answered 503.
    pub db_deadline: Duration,
    /// A client must send a request's head within this, and its body within this of
    /// each chunk; a connection idle longer between requests is closed.
    pub client_timeout: Duration,
    /// A request body must arrive in full within this, however it trickles.
    pub body_deadline: Duration,
    /// Test-only routes (a handler that panics), from `COLLECTOR_TEST_HOOKS=1`.
    pub test_hooks: bool,
    /// Posts per client address (see [`crate::limits`]).
    pub post_rate_address: Rate,
    /// Posts per API token.
    pub post_rate_token: Rate,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<Cidr>,
    /// Days contact data and free text are kept for a dealer without its own setting.
    pub retention_days: u32,
    /// How hot-alert cases run: whether weekends count towards the 2-day due time,
    /// failed calls before a case is unreachable ([`survey_core::cases`]). The zone the
    /// days are counted in is each dealer's own (`collector settings --time-zone`).
    pub cases: CaseConfig,
}

/// The case settings, for every dealer of this collector. The time zone is not here:
/// a case's due time is counted in its dealer's zone from `dealer_settings`, the same
/// zone its reports use (one source of truth, [`crate::cases::due_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseConfig {
    /// Whether Saturdays and Sundays count towards a case's 2 days.
    pub weekends_count: bool,
    pub rules: survey_core::cases::CaseSettings,
    /// How often the escalation sweep looks for cases past their due time.
    pub sweep: Duration,
    /// The first wait before a failed webhook post is tried again (then doubling, at
    /// most an hour; [`crate::notify`]).
    pub webhook_retry: Duration,
}

impl Default for CaseConfig {
    fn default() -> Self {
        CaseConfig {
            weekends_count: true,
            rules: Default::default(),
            sweep: Duration::from_secs(60),
            webhook_retry: Duration::from_secs(30),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            db: Location::Sqlite(PathBuf::from("responses.sqlite")),
            dist: PathBuf::from("dist"),
            max_body: 65_536,
            allowed_hosts: Vec::new(),
            max_in_flight: 256,
            max_connections: 20_000,
            db_deadline: Duration::from_secs(3),
            client_timeout: Duration::from_secs(10),
            body_deadline: Duration::from_secs(30),
            test_hooks: false,
            post_rate_address: Rate::ADDRESS,
            post_rate_token: Rate::TOKEN,
            trusted_proxies: Vec::new(),
            retention_days: crate::privacy::DEFAULT_RETENTION_DAYS,
            cases: CaseConfig::default(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Config),
    /// `collector backup FILE [--db DB]`: a consistent copy of a live SQLite database.
    Backup {
        db: Location,
        to: PathBuf,
    },
    /// `collector user add …`: creates (or with `--reset`, resets) an account.
    UserAdd {
        db: Location,
        user: UserArgs,
    },
    /// `collector purge [--db DB]`: clears contact data and free text past retention now.
    Purge {
        db: Location,
        default_days: u32,
    },
    /// `collector customer forget --phone P | --response ID [--db DB] [--by NAME]`.
    Forget {
        db: Location,
        target: ForgetTarget,
        /// Who asked for it, for the audit log (default: the `USER` running the command).
        by: String,
    },
    /// `collector retention [--dealer D --days N|default] [--db DB]`: shows or sets a
    /// dealer's retention period.
    Retention {
        db: Location,
        set: Option<(String, Option<u32>)>,
        default_days: u32,
    },
    /// `collector kiosk add|list|revoke … [--db DB]`: kiosk device keys from the
    /// command line, for the first setup (the console does the same over HTTP).
    Kiosk {
        db: Location,
        action: KioskCommand,
    },
    /// `collector settings [--dealer D [--time-zone Z] [--csi-target N]
    /// [--fixed-first-time-target N]] [--db DB]`: shows the dealers' reporting
    /// settings, or changes one dealer's (what is not given keeps its value).
    Settings {
        db: Location,
        set: Option<SettingsChange>,
    },
    /// `collector case-owner --dealer D (--login L | --none) [--db DB]`: sets the
    /// dealer's default follow-up agent, who owns its new cases.
    CaseOwner {
        db: Location,
        dealer: String,
        /// The login to give the dealer's new cases (`None`: they open unowned).
        login: Option<String>,
    },
    /// `collector webhook --dealer D (--url U [--format plain|wecom|dingtalk] | --none)
    /// [--db DB]`: where the dealer's new cases and escalations are posted; without
    /// `--url` or `--none`, shows it.
    Webhook {
        db: Location,
        dealer: String,
        /// `None`: show; `Some(None)`: remove; `Some(Some((url, format)))`: set.
        change: Option<Option<(String, String)>>,
    },
    Help,
}

/// What `collector kiosk` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KioskCommand {
    /// `add --dealer D --station S [--label L]`: issues a key and prints it once.
    Add {
        dealer: String,
        station: String,
        label: String,
    },
    /// `list`: every kiosk, revoked ones too, never a key.
    List,
    /// `revoke ID`.
    Revoke(String),
}

/// One dealer's settings to change; `None` keeps the current value (or the default).
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsChange {
    pub dealer: String,
    /// Checked against the zone database here, so a typo never reaches the table.
    pub time_zone: Option<String>,
    pub csi_target: Option<f64>,
    pub fixed_first_time_target: Option<f64>,
}

/// Whose data `collector customer forget` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgetTarget {
    /// Every response whose contact answer has this phone number.
    Phone(String),
    /// One response, by id.
    Response(String),
}

/// The account `collector user add` creates; the password is generated and printed
/// once unless `--password-stdin` reads it from the first line of standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserArgs {
    pub login: String,
    pub role: String,
    pub dealers: Vec<String>,
    pub advisor: Option<String>,
    pub password_stdin: bool,
    /// Give an existing account of that login a new password (and this role).
    pub reset: bool,
}

/// Printed for `--help` and after a usage error.
pub const USAGE: &str = "\
usage: collector [options]              serve the widget and collect responses
       collector backup FILE [--db DB]  copy a live SQLite database to FILE
       collector purge [--db DB] [--retention-days N]
                                        clear contact data and free text past their
                                        dealer's retention period now (serve does it hourly)
       collector customer forget (--phone P | --response ID) [--by NAME] [--db DB]
                                        delete a customer's responses on request (PIPL);
                                        records who, when and how many, never the phone
       collector retention [--dealer D --days N|default] [--db DB]
                                        show the retention periods, or set one dealer's
       collector kiosk add --dealer D --station S [--label L] [--db DB]
                                        issue a kiosk device key; prints it and the
                                        tablet's pairing address once
       collector kiosk list [--db DB]   the kiosks and their stations (never a key)
       collector kiosk revoke ID [--db DB]
                                        refuse that kiosk's key from now on
       collector settings [--dealer D [--time-zone ZONE] [--csi-target N]
                 [--fixed-first-time-target N]] [--db DB]
                                        show the dealers' reporting settings, or change one
                                        dealer's: the IANA time zone its dates and periods
                                        are counted in (default Asia/Shanghai), its CSI
                                        target (default 93) and fixed-first-time target
                                        in percent (default 95)
       collector case-owner --dealer D (--login NAME | --none) [--db DB]
                                        the dealer's default follow-up agent: its new
                                        hot-alert cases are theirs (--none: unowned)
       collector webhook --dealer D [--url URL [--format plain|wecom|dingtalk] | --none] [--db DB]
                                        where the dealer's new cases and escalations are
                                        posted (shown without --url or --none)
       collector user add --login NAME --role ROLE [--dealers D001,D002] [--advisor A07]
                 [--password-stdin] [--reset] [--db DB]
                                        create an account (ROLE: group-admin, dealer-manager,
                                        service-advisor, follow-up-agent); prints a new
                                        password once unless --password-stdin

  --addr            address to listen on (env COLLECTOR_ADDR); port 0 picks a free port
  --db              SQLite file, created if missing, or postgres://user@host/db
                    (env COLLECTOR_DB)
  --dist            directory of the built widget to serve (env COLLECTOR_DIST)
  --max-body        largest accepted request body in bytes (env COLLECTOR_MAX_BODY)
  --allowed-hosts   comma-separated Host names this server answers to, e.g.
                    survey.example.com (env COLLECTOR_ALLOWED_HOSTS); loopback names
                    are always allowed; unset on a public address: any, with a warning
  --max-in-flight   requests handled at once before answering 503 (env COLLECTOR_MAX_IN_FLIGHT)
  --max-connections open connections before new ones wait (env COLLECTOR_MAX_CONNECTIONS)
  --db-deadline-ms  longest wait for the database before 503 (env COLLECTOR_DB_DEADLINE_MS)
  --client-timeout-ms  time a client has for a request head, each body chunk, and
                    between requests (env COLLECTOR_CLIENT_TIMEOUT_MS)
  --body-deadline-ms   time a request body may take in all (env COLLECTOR_BODY_DEADLINE_MS)
  --post-rate-per-address, --post-burst-per-address
                    posts a minute per client address on average, and at once
                    (default 30 and 10; env COLLECTOR_POST_RATE_PER_ADDRESS, …)
  --post-rate-per-token, --post-burst-per-token
                    the same per API token (default 600 and 100)
  --trusted-proxies comma-separated CIDR blocks of reverse proxies whose
                    X-Forwarded-For names the client, e.g. 10.0.0.0/8,127.0.0.1
                    (env COLLECTOR_TRUSTED_PROXIES); unset: the socket's address
  --retention-days  days contact data and free text are kept for a dealer without its
                    own setting (default 180; env COLLECTOR_RETENTION_DAYS)
  --case-weekends   count (default: a service department works seven days) or skip:
                    whether weekends count towards a case's 2 days
                    (env COLLECTOR_CASE_WEEKENDS)
  --case-attempts   failed calls after which a case is unreachable (default 3;
                    env COLLECTOR_CASE_ATTEMPTS)
  --case-sweep-ms   how often overdue cases are escalated (default 60000;
                    env COLLECTOR_CASE_SWEEP_MS)
  --webhook-retry-ms  first wait before a failed webhook post is retried, doubling
                    up to an hour (default 30000; env COLLECTOR_WEBHOOK_RETRY_MS)
  -h, --help        show this help";

/// Why `--case-time-zone` (`COLLECTOR_CASE_TIME_ZONE`) is refused.
const CASE_TIME_ZONE_GONE: &str = "--case-time-zone is no longer a setting: a case's due \
     time is counted in its dealer's time zone, the one its reports use; set it with \
     `collector settings --dealer D001 --time-zone Asia/Shanghai` and remove this flag";

/// The flags that take a value.
const FLAGS: [&str; 21] = [
    "--addr",
    "--db",
    "--dist",
    "--max-body",
    "--allowed-hosts",
    "--max-in-flight",
    "--max-connections",
    "--db-deadline-ms",
    "--client-timeout-ms",
    "--body-deadline-ms",
    "--post-rate-per-address",
    "--post-burst-per-address",
    "--post-rate-per-token",
    "--post-burst-per-token",
    "--trusted-proxies",
    "--retention-days",
    "--case-time-zone",
    "--case-weekends",
    "--case-attempts",
    "--case-sweep-ms",
    "--webhook-retry-ms",
];

/// Reads the arguments (without the program name) and the environment through `env`,
/// which is a parameter so tests do not depend on the real environment.
pub fn parse<I, E>(args: I, env: E) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let mut config = Config::default();
    for flag in FLAGS {
        let var = format!(
            "COLLECTOR_{}",
            flag.trim_start_matches('-')
                .replace('-', "_")
                .to_uppercase()
        );
        if let Some(v) = env(&var) {
            apply(&mut config, flag, &v).map_err(|e| format!("{var}: {e}"))?;
        }
    }
    config.test_hooks = env("COLLECTOR_TEST_HOOKS").as_deref() == Some("1");

    let mut args = args.into_iter().peekable();
    if args.peek().map(String::as_str) == Some("user") {
        args.next();
        if args.next().as_deref() != Some("add") {
            return Err(
                "the user command is: collector user add --login NAME --role ROLE …".into(),
            );
        }
        return parse_user_add(args.collect(), config.db);
    }
    match args.peek().map(String::as_str) {
        Some("purge") => {
            args.next();
            let f = sub_flags(args.collect(), &["--db", "--retention-days"])?;
            apply_shared(&mut config, &f)?;
            return Ok(Command::Purge {
                db: config.db,
                default_days: config.retention_days,
            });
        }
        Some("customer") => {
            args.next();
            if args.next().as_deref() != Some("forget") {
                return Err(
                    "the customer command is: collector customer forget --phone P | --response ID"
                        .into(),
                );
            }
            let f = sub_flags(args.collect(), &["--db", "--phone", "--response", "--by"])?;
            apply_shared(&mut config, &f)?;
            let target = match (value(&f, "--phone"), value(&f, "--response")) {
                (Some(p), None) => ForgetTarget::Phone(p.to_string()),
                (None, Some(r)) => ForgetTarget::Response(r.to_string()),
                _ => return Err("customer forget needs one of --phone or --response".into()),
            };
            let by = value(&f, "--by")
                .map(str::to_string)
                .or_else(|| env("USER"))
                .unwrap_or_else(|| "unknown operator".into());
            return Ok(Command::Forget {
                db: config.db,
                target,
                by: format!("command line ({by})"),
            });
        }
        Some("kiosk") => {
            args.next();
            let usage = "the kiosk command is: collector kiosk add --dealer D --station S \
                         [--label L] | list | revoke ID";
            let action = match args.next().as_deref() {
                Some("add") => {
                    let f = sub_flags(
                        args.collect(),
                        &["--db", "--dealer", "--station", "--label"],
                    )?;
                    apply_shared(&mut config, &f)?;
                    let (Some(dealer), Some(station)) =
                        (value(&f, "--dealer"), value(&f, "--station"))
                    else {
                        return Err("kiosk add needs --dealer and --station".into());
                    };
                    KioskCommand::Add {
                        dealer: dealer.to_string(),
                        station: station.to_string(),
                        label: value(&f, "--label").unwrap_or_default().to_string(),
                    }
                }
                Some("list") => {
                    apply_shared(&mut config, &sub_flags(args.collect(), &["--db"])?)?;
                    KioskCommand::List
                }
                Some("revoke") => {
                    let Some(id) = args.next().filter(|a| !a.starts_with('-')) else {
                        return Err(
                            "kiosk revoke needs the kiosk's id (collector kiosk list)".into()
                        );
                    };
                    apply_shared(&mut config, &sub_flags(args.collect(), &["--db"])?)?;
                    KioskCommand::Revoke(id)
                }
                _ => return Err(usage.into()),
            };
            return Ok(Command::Kiosk {
                db: config.db,
                action,
            });
        }
        Some("case-owner") => {
            args.next();
            let rest: Vec<String> = args.collect();
            let none = rest.iter().any(|a| a == "--none");
            let rest: Vec<String> = rest.into_iter().filter(|a| a != "--none").collect();
            let f = sub_flags(rest, &["--db", "--dealer", "--login"])?;
            apply_shared(&mut config, &f)?;
            let (dealer, login) = match (value(&f, "--dealer"), value(&f, "--login"), none) {
                (Some(d), Some(l), false) => (d.to_string(), Some(l.to_string())),
                (Some(d), None, true) => (d.to_string(), None),
                _ => {
                    return Err(
                        "case-owner needs --dealer with --login (an agent) or --none".into(),
                    )
                }
            };
            return Ok(Command::CaseOwner {
                db: config.db,
                dealer,
                login,
            });
        }
        Some("webhook") => {
            args.next();
            let rest: Vec<String> = args.collect();
            let none = rest.iter().any(|a| a == "--none");
            let rest: Vec<String> = rest.into_iter().filter(|a| a != "--none").collect();
            let f = sub_flags(rest, &["--db", "--dealer", "--url", "--format"])?;
            apply_shared(&mut config, &f)?;
            let Some(dealer) = value(&f, "--dealer") else {
                return Err("webhook needs --dealer".into());
            };
            let format = value(&f, "--format").unwrap_or("plain").to_string();
            let change = match (value(&f, "--url"), none) {
                (Some(url), false) => {
                    crate::notify::check_url(url)?;
                    if !crate::notify::FORMATS.contains(&format.as_str()) {
                        return Err("--format is plain, wecom or dingtalk".into());
                    }
                    Some(Some((url.trim().to_string(), format)))
                }
                (None, true) => Some(None),
                (None, false) => None,
                (Some(_), true) => return Err("webhook takes --url or --none, not both".into()),
            };
            return Ok(Command::Webhook {
                db: config.db,
                dealer: dealer.to_string(),
                change,
            });
        }
        Some("retention") => {
            args.next();
            let f = sub_flags(
                args.collect(),
                &["--db", "--dealer", "--days", "--retention-days"],
            )?;
            apply_shared(&mut config, &f)?;
            let set = match (value(&f, "--dealer"), value(&f, "--days")) {
                (None, None) => None,
                (Some(d), Some("default")) => Some((d.to_string(), None)),
                (Some(d), Some(n)) => Some((
                    d.to_string(),
                    Some(
                        number(n, 1, MAX_RETENTION_DAYS).map_err(|e| format!("--days: {e}"))?
                            as u32,
                    ),
                )),
                _ => {
                    return Err(
                        "retention needs both --dealer and --days (a number or default)".into(),
                    )
                }
            };
            return Ok(Command::Retention {
                db: config.db,
                set,
                default_days: config.retention_days,
            });
        }
        Some("settings") => {
            args.next();
            let f = sub_flags(
                args.collect(),
                &[
                    "--db",
                    "--dealer",
                    "--time-zone",
                    "--csi-target",
                    "--fixed-first-time-target",
                ],
            )?;
            apply_shared(&mut config, &f)?;
            let target = |name: &str| -> Result<Option<f64>, String> {
                value(&f, name)
                    .map(|v| {
                        v.parse::<f64>()
                            .ok()
                            .filter(|n| (0.0..=100.0).contains(n))
                            .ok_or_else(|| format!("{name}: {v:?} is not a number from 0 to 100"))
                    })
                    .transpose()
            };
            let change = SettingsChange {
                dealer: value(&f, "--dealer").unwrap_or_default().to_string(),
                time_zone: value(&f, "--time-zone")
                    .map(|z| crate::settings::zone(z).map(|_| z.to_string()))
                    .transpose()
                    .map_err(|e| format!("--time-zone: {e}"))?,
                csi_target: target("--csi-target")?,
                fixed_first_time_target: target("--fixed-first-time-target")?,
            };
            let changes = change.time_zone.is_some()
                || change.csi_target.is_some()
                || change.fixed_first_time_target.is_some();
            let set = match (change.dealer.is_empty(), changes) {
                (true, false) => None,
                (false, true) => Some(change),
                _ => {
                    return Err("settings needs --dealer and at least one of --time-zone, \
                                --csi-target, --fixed-first-time-target"
                        .into())
                }
            };
            return Ok(Command::Settings { db: config.db, set });
        }
        _ => {}
    }
    let mut backup_to = None;
    if args.peek().map(String::as_str) == Some("backup") {
        args.next();
        match args.next() {
            Some(file) if !file.starts_with('-') => backup_to = Some(PathBuf::from(file)),
            _ => {
                return Err(
                    "backup needs the file to write, e.g. collector backup copy.sqlite".into(),
                )
            }
        }
    }
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if !FLAGS.contains(&flag.as_str()) {
            return Err(format!("unknown argument {arg:?}"));
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{flag} needs a value")),
        };
        apply(&mut config, &flag, &value).map_err(|e| format!("{flag}: {e}"))?;
    }
    if config.addr.trim().is_empty() {
        return Err("--addr must not be empty".into());
    }
    if let Some(to) = backup_to {
        return match config.db {
            Location::Sqlite(_) => Ok(Command::Backup { db: config.db, to }),
            Location::Postgres(_) => {
                Err("backup copies a SQLite database; for PostgreSQL use pg_dump".into())
            }
        };
    }
    Ok(Command::Run(config))
}

/// The longest retention period accepted: ten years.
pub const MAX_RETENTION_DAYS: usize = 3650;

/// A subcommand's `--flag value` pairs (or `--flag=value`), each allowed once.
fn sub_flags(args: Vec<String>, allowed: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let value = if allowed.contains(&flag.as_str()) {
            match inline.or_else(|| args.next()) {
                Some(v) => v,
                None => return Err(format!("{flag} needs a value")),
            }
        } else {
            return Err(format!("unknown argument {arg:?}"));
        };
        if out.iter().any(|(f, _)| *f == flag) {
            return Err(format!("{flag} is given more than once"));
        }
        out.push((flag, value));
    }
    Ok(out)
}

fn value<'a>(flags: &'a [(String, String)], name: &str) -> Option<&'a str> {
    flags
        .iter()
        .find(|(f, _)| f == name)
        .map(|(_, v)| v.as_str())
}

/// The flags a subcommand shares with serving (`--db`, `--retention-days`).
fn apply_shared(config: &mut Config, flags: &[(String, String)]) -> Result<(), String> {
    for name in ["--db", "--retention-days"] {
        if let Some(v) = value(flags, name) {
            apply(config, name, v).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    Ok(())
}

fn parse_user_add(args: Vec<String>, mut db: Location) -> Result<Command, String> {
    let mut user = UserArgs {
        login: String::new(),
        role: String::new(),
        dealers: Vec::new(),
        advisor: None,
        password_stdin: false,
        reset: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "--password-stdin" => user.password_stdin = true,
            "--reset" => user.reset = true,
            "--login" | "--role" | "--dealers" | "--advisor" | "--db" => {
                let Some(value) = inline.or_else(|| args.next()) else {
                    return Err(format!("{flag} needs a value"));
                };
                match flag.as_str() {
                    "--login" => user.login = value,
                    "--role" => user.role = value,
                    "--dealers" => {
                        user.dealers = value
                            .split(',')
                            .map(|d| d.trim().to_string())
                            .filter(|d| !d.is_empty())
                            .collect()
                    }
                    "--advisor" => user.advisor = Some(value),
                    _ => db = Location::parse(&value),
                }
            }
            _ => return Err(format!("unknown argument {arg:?} for user add")),
        }
    }
    if user.login.is_empty() || user.role.is_empty() {
        return Err("user add needs --login and --role".into());
    }
    Ok(Command::UserAdd { db, user })
}

fn apply(config: &mut Config, flag: &str, value: &str) -> Result<(), String> {
    match flag {
        "--addr" => config.addr = value.to_string(),
        "--db" => {
            if value.is_empty() {
                return Err("must not be empty".into());
            }
            config.db = Location::parse(value);
        }
        "--dist" => config.dist = PathBuf::from(value),
        "--max-body" => config.max_body = number(value, 1, MAX_BODY_CEILING)?,
        "--allowed-hosts" => {
            config.allowed_hosts = value
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        }
        "--max-in-flight" => config.max_in_flight = number(value, 1, 100_000)?,
        "--max-connections" => config.max_connections = number(value, 1, 1_000_000)?,
        "--db-deadline-ms" => {
            config.db_deadline = Duration::from_millis(number(value, 10, 600_000)? as u64)
        }
        "--client-timeout-ms" => {
            config.client_timeout = Duration::from_millis(number(value, 10, 600_000)? as u64)
        }
        "--body-deadline-ms" => {
            config.body_deadline = Duration::from_millis(number(value, 10, 600_000)? as u64)
        }
        "--post-rate-per-address" => {
            config.post_rate_address.per_minute = number(value, 1, 1_000_000)? as u32
        }
        "--post-burst-per-address" => {
            config.post_rate_address.burst = number(value, 1, 1_000_000)? as u32
        }
        "--post-rate-per-token" => {
            config.post_rate_token.per_minute = number(value, 1, 1_000_000)? as u32
        }
        "--post-burst-per-token" => {
            config.post_rate_token.burst = number(value, 1, 1_000_000)? as u32
        }
        "--trusted-proxies" => config.trusted_proxies = Cidr::parse_list(value)?,
        "--retention-days" => config.retention_days = number(value, 1, MAX_RETENTION_DAYS)? as u32,
        // Removed: two settings for one dealer's zone would disagree. Refused loudly so a
        // deployment that set it learns where the zone went instead of silently counting
        // in another one.
        "--case-time-zone" => return Err(CASE_TIME_ZONE_GONE.into()),
        "--case-weekends" => {
            config.cases.weekends_count = match value.trim() {
                "count" => true,
                "skip" => false,
                _ => return Err("expected count or skip".into()),
            }
        }
        "--case-attempts" => config.cases.rules.unreachable_after = number(value, 1, 20)? as u32,
        "--case-sweep-ms" => {
            config.cases.sweep = Duration::from_millis(number(value, 10, 86_400_000)? as u64)
        }
        "--webhook-retry-ms" => {
            config.cases.webhook_retry = Duration::from_millis(number(value, 10, 3_600_000)? as u64)
        }
        _ => return Err("unknown flag".into()),
    }
    Ok(())
}

fn number(v: &str, min: usize, max: usize) -> Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is out of range {min}..={max}")),
        Err(_) => Err(format!("{v:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults() {
        assert_eq!(
            parse(args(&[]), no_env),
            Ok(Command::Run(Config::default()))
        );
    }

    #[test]
    fn flags_in_both_forms() {
        let got = parse(
            args(&[
                "--addr",
                "127.0.0.1:0",
                "--db=x.sqlite",
                "--dist",
                "d",
                "--max-body=10",
                "--allowed-hosts",
                "Survey.Example.com, b.example",
            ]),
            no_env,
        );
        assert_eq!(
            got,
            Ok(Command::Run(Config {
                addr: "127.0.0.1:0".into(),
                db: Location::Sqlite("x.sqlite".into()),
                dist: "d".into(),
                max_body: 10,
                allowed_hosts: vec!["survey.example.com".into(), "b.example".into()],
                ..Config::default()
            }))
        );
    }

    #[test]
    fn postgres_urls_and_backup() {
        let Ok(Command::Run(c)) = parse(args(&["--db", "postgres://u@h/db"]), no_env) else {
            panic!("expected a config");
        };
        assert_eq!(c.db, Location::Postgres("postgres://u@h/db".into()));
        assert_eq!(
            parse(
                args(&["backup", "copy.sqlite", "--db", "live.sqlite"]),
                no_env
            ),
            Ok(Command::Backup {
                db: Location::Sqlite("live.sqlite".into()),
                to: "copy.sqlite".into()
            })
        );
        assert!(parse(args(&["backup"]), no_env).is_err());
        assert!(parse(args(&["backup", "x", "--db", "postgres://h/d"]), no_env).is_err());
    }

    #[test]
    fn user_add() {
        let got = parse(
            args(&[
                "user",
                "add",
                "--login",
                "li",
                "--role",
                "dealer-manager",
                "--dealers",
                "D001, D002",
                "--reset",
            ]),
            no_env,
        );
        let Ok(Command::UserAdd { db, user }) = got else {
            panic!("expected user add: {got:?}");
        };
        assert_eq!(db, Location::Sqlite("responses.sqlite".into()));
        assert_eq!(user.dealers, ["D001", "D002"]);
        assert!(user.reset && !user.password_stdin);
        assert!(parse(args(&["user", "add", "--login", "x"]), no_env).is_err());
        assert!(parse(args(&["user", "remove"]), no_env).is_err());
    }

    #[test]
    fn limits_and_proxies() {
        let got = parse(
            args(&[
                "--post-rate-per-address=5",
                "--post-burst-per-address",
                "2",
                "--trusted-proxies",
                "10.0.0.0/8, 127.0.0.1",
                "--retention-days",
                "30",
            ]),
            no_env,
        );
        let Ok(Command::Run(c)) = got else {
            panic!("expected a config: {got:?}");
        };
        assert_eq!(
            c.post_rate_address,
            Rate {
                per_minute: 5,
                burst: 2
            }
        );
        assert_eq!(c.post_rate_token, Rate::TOKEN);
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.retention_days, 30);
        assert!(parse(args(&["--trusted-proxies", "proxy.local"]), no_env).is_err());
        assert!(parse(args(&["--retention-days", "0"]), no_env).is_err());
        assert!(parse(args(&["--post-rate-per-token", "0"]), no_env).is_err());
    }

    #[test]
    fn case_owner_command() {
        assert_eq!(
            parse(
                args(&[
                    "case-owner",
                    "--dealer",
                    "D001",
                    "--login",
                    "li",
                    "--db",
                    "x.sqlite"
                ]),
                no_env
            ),
            Ok(Command::CaseOwner {
                db: Location::Sqlite("x.sqlite".into()),
                dealer: "D001".into(),
                login: Some("li".into()),
            })
        );
        assert!(matches!(
            parse(args(&["case-owner", "--dealer", "D001", "--none"]), no_env),
            Ok(Command::CaseOwner { login: None, .. })
        ));
        assert!(parse(args(&["case-owner"]), no_env).is_err());
        assert!(parse(args(&["case-owner", "--dealer", "D001"]), no_env).is_err());
        assert!(parse(
            args(&["case-owner", "--dealer", "D1", "--login", "li", "--none"]),
            no_env
        )
        .is_err());
    }

    #[test]
    fn webhook_command() {
        let run = |a: &[&str]| parse(args(a), no_env);
        assert!(matches!(
            run(&[
                "webhook",
                "--dealer",
                "D001",
                "--url",
                "https://qyapi.weixin.qq.com/x",
                "--format",
                "wecom"
            ]),
            Ok(Command::Webhook {
                change: Some(Some(_)),
                ..
            })
        ));
        assert!(matches!(
            run(&["webhook", "--dealer", "D001", "--none"]),
            Ok(Command::Webhook {
                change: Some(None),
                ..
            })
        ));
        assert!(matches!(
            run(&["webhook", "--dealer", "D001"]),
            Ok(Command::Webhook { change: None, .. })
        ));
        assert!(run(&["webhook", "--dealer", "D001", "--url", "ftp://x"]).is_err());
        assert!(run(&[
            "webhook",
            "--dealer",
            "D001",
            "--url",
            "https://x",
            "--format",
            "qq"
        ])
        .is_err());
        assert!(run(&["webhook", "--url", "https://x"]).is_err());
    }

    #[test]
    fn case_settings() {
        let env = |k: &str| (k == "COLLECTOR_CASE_WEEKENDS").then(|| "skip".to_string());
        let Ok(Command::Run(c)) = parse(args(&["--case-attempts", "5"]), env) else {
            panic!("expected a run");
        };
        assert!(!c.cases.weekends_count);
        assert_eq!(c.cases.rules.unreachable_after, 5);
        let d = CaseConfig::default();
        assert!(d.weekends_count);
        assert_eq!(d.rules.unreachable_after, 3);
        // The zone is the dealer's (dealer_settings): the old global flag is refused
        // with where the setting went, from the command line and from the environment.
        let gone = parse(args(&["--case-time-zone", "+09:00"]), no_env);
        assert!(
            gone.as_ref()
                .is_err_and(|e| e.contains("collector settings")),
            "{gone:?}"
        );
        let env_zone = |k: &str| (k == "COLLECTOR_CASE_TIME_ZONE").then(|| "+08:00".to_string());
        assert!(parse(args(&[]), env_zone).is_err());
        for bad in [["--case-weekends", "sometimes"], ["--case-attempts", "0"]] {
            assert!(parse(args(&bad), no_env).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn privacy_commands() {
        let env = |k: &str| (k == "USER").then(|| "ops".to_string());
        assert_eq!(
            parse(args(&["purge", "--db", "x.sqlite"]), no_env),
            Ok(Command::Purge {
                db: Location::Sqlite("x.sqlite".into()),
                default_days: 180
            })
        );
        assert_eq!(
            parse(
                args(&["customer", "forget", "--phone", "138 0013 8000"]),
                env
            ),
            Ok(Command::Forget {
                db: Location::Sqlite("responses.sqlite".into()),
                target: ForgetTarget::Phone("138 0013 8000".into()),
                by: "command line (ops)".into()
            })
        );
        let got = parse(
            args(&["customer", "forget", "--response=r1", "--by", "li"]),
            env,
        );
        assert!(
            matches!(got, Ok(Command::Forget { target: ForgetTarget::Response(ref r), ref by, .. }) if r == "r1" && by == "command line (li)"),
            "{got:?}"
        );
        assert!(parse(args(&["customer", "forget"]), no_env).is_err());
        assert!(parse(
            args(&["customer", "forget", "--phone", "1", "--response", "r"]),
            no_env
        )
        .is_err());
        assert!(parse(args(&["customer", "remember"]), no_env).is_err());
        assert_eq!(
            parse(
                args(&["retention", "--dealer", "D001", "--days", "90"]),
                no_env
            ),
            Ok(Command::Retention {
                db: Location::Sqlite("responses.sqlite".into()),
                set: Some(("D001".into(), Some(90))),
                default_days: 180
            })
        );
        assert!(matches!(
            parse(
                args(&["retention", "--dealer", "D001", "--days", "default"]),
                no_env
            ),
            Ok(Command::Retention {
                set: Some((_, None)),
                ..
            })
        ));
        assert!(matches!(
            parse(args(&["retention"]), no_env),
            Ok(Command::Retention { set: None, .. })
        ));
        assert!(parse(args(&["retention", "--dealer", "D001"]), no_env).is_err());
    }

    #[test]
    fn kiosk_commands() {
        let no_env = |_: &str| None;
        assert_eq!(
            parse(
                args(&[
                    "kiosk",
                    "add",
                    "--dealer",
                    "D001",
                    "--station",
                    "LOUNGE-1",
                    "--db",
                    "k.sqlite"
                ]),
                no_env
            ),
            Ok(Command::Kiosk {
                db: Location::Sqlite("k.sqlite".into()),
                action: KioskCommand::Add {
                    dealer: "D001".into(),
                    station: "LOUNGE-1".into(),
                    label: String::new(),
                },
            })
        );
        assert!(matches!(
            parse(args(&["kiosk", "list"]), no_env),
            Ok(Command::Kiosk {
                action: KioskCommand::List,
                ..
            })
        ));
        assert!(matches!(
            parse(args(&["kiosk", "revoke", "abc", "--db", "x"]), no_env),
            Ok(Command::Kiosk { action: KioskCommand::Revoke(ref id), .. }) if id == "abc"
        ));
        assert!(parse(args(&["kiosk", "add", "--dealer", "D001"]), no_env).is_err());
        assert!(parse(args(&["kiosk", "revoke"]), no_env).is_err());
        assert!(parse(args(&["kiosk", "remove"]), no_env).is_err());
        assert!(parse(args(&["retention", "--dealer", "D", "--days", "0"]), no_env).is_err());
    }

    #[test]
    fn settings_command() {
        let no_env = |_: &str| None;
        assert_eq!(
            parse(
                args(&["settings", "--dealer", "D2", "--time-zone", "Asia/Taipei"]),
                no_env
            ),
            Ok(Command::Settings {
                db: Location::Sqlite("responses.sqlite".into()),
                set: Some(SettingsChange {
                    dealer: "D2".into(),
                    time_zone: Some("Asia/Taipei".into()),
                    csi_target: None,
                    fixed_first_time_target: None,
                })
            })
        );
        assert!(matches!(
            parse(args(&["settings", "--dealer=D2", "--csi-target=90.5"]), no_env),
            Ok(Command::Settings { set: Some(SettingsChange { csi_target: Some(t), .. }), .. })
                if t == 90.5
        ));
        assert!(matches!(
            parse(args(&["settings"]), no_env),
            Ok(Command::Settings { set: None, .. })
        ));
        for bad in [
            &["settings", "--dealer", "D2"][..],
            &["settings", "--time-zone", "Asia/Taipei"],
            &["settings", "--dealer", "D2", "--time-zone", "Asia/Beijing"],
            &["settings", "--dealer", "D2", "--csi-target", "101"],
            &[
                "settings",
                "--dealer",
                "D2",
                "--fixed-first-time-target",
                "x",
            ],
        ] {
            assert!(parse(args(bad), no_env).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn flags_override_environment() {
        let env = |k: &str| match k {
            "COLLECTOR_ADDR" => Some("0.0.0.0:9000".to_string()),
            "COLLECTOR_DB" => Some("env.sqlite".to_string()),
            "COLLECTOR_DB_DEADLINE_MS" => Some("250".to_string()),
            "COLLECTOR_TEST_HOOKS" => Some("1".to_string()),
            _ => None,
        };
        let Ok(Command::Run(c)) = parse(args(&["--db", "flag.sqlite"]), env) else {
            panic!("expected a config");
        };
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.db, Location::Sqlite("flag.sqlite".into()));
        assert_eq!(c.db_deadline, Duration::from_millis(250));
        assert!(c.test_hooks);
    }

    #[test]
    fn mistakes_are_reported() {
        assert!(parse(args(&["--port", "1"]), no_env)
            .unwrap_err()
            .contains("--port"));
        assert!(parse(args(&["--db"]), no_env)
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse(args(&["--max-body", "lots"]), no_env).is_err());
        assert!(parse(args(&["--max-body", "0"]), no_env).is_err());
        assert!(parse(args(&["--db", ""]), no_env).is_err());
        let env = |k: &str| (k == "COLLECTOR_MAX_IN_FLIGHT").then(|| "0".to_string());
        assert!(parse(args(&[]), env)
            .unwrap_err()
            .contains("COLLECTOR_MAX_IN_FLIGHT"));
        assert_eq!(parse(args(&["--help"]), no_env), Ok(Command::Help));
    }
}
