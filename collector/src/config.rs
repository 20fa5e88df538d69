//! Command line and environment settings.
//!
//! Precedence is flag, then environment variable, then default, so a container can set
//! the environment once and a developer can still override one value on the command line.

use std::path::PathBuf;

/// Largest `--max-body` accepted. Bodies past this are never read; a response is a few
/// kilobytes, so even this is generous.
pub const MAX_BODY_CEILING: usize = 16 * 1024 * 1024;

/// Everything the server needs to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `host:port` to bind; port 0 picks a free port (the startup line tells which).
    pub addr: String,
    /// SQLite file, created with its schema if missing.
    pub db: PathBuf,
    /// Directory of the built widget, served for every GET outside the API.
    pub dist: PathBuf,
    /// Largest accepted request body, in bytes.
    pub max_body: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            db: PathBuf::from("responses.sqlite"),
            dist: PathBuf::from("dist"),
            max_body: 65_536,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Config),
    Help,
}

/// Printed for `--help` and after a usage error.
pub const USAGE: &str = "\
usage: collector [--addr 127.0.0.1:8080] [--db responses.sqlite] [--dist dist] [--max-body 65536]

  --addr      address to listen on (env COLLECTOR_ADDR); port 0 picks a free port
  --db        SQLite database file, created if missing (env COLLECTOR_DB)
  --dist      directory of the built widget to serve (env COLLECTOR_DIST)
  --max-body  largest accepted request body in bytes (env COLLECTOR_MAX_BODY)
  -h, --help  show this help";

/// Reads the arguments (without the program name) and the environment through `env`,
/// which is a parameter so tests do not depend on the real environment.
pub fn parse<I, E>(args: I, env: E) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let mut config = Config::default();
    if let Some(v) = env("COLLECTOR_ADDR") {
        config.addr = v;
    }
    if let Some(v) = env("COLLECTOR_DB") {
        config.db = PathBuf::from(v);
    }
    if let Some(v) = env("COLLECTOR_DIST") {
        config.dist = PathBuf::from(v);
    }
    if let Some(v) = env("COLLECTOR_MAX_BODY") {
        config.max_body = parse_max_body(&v).map_err(|e| format!("COLLECTOR_MAX_BODY: {e}"))?;
    }

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if !matches!(flag.as_str(), "--addr" | "--db" | "--dist" | "--max-body") {
            return Err(format!("unknown argument {arg:?}"));
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{flag} needs a value")),
        };
        match flag.as_str() {
            "--addr" => config.addr = value,
            "--db" => config.db = PathBuf::from(value),
            "--dist" => config.dist = PathBuf::from(value),
            _ => {
                config.max_body = parse_max_body(&value).map_err(|e| format!("--max-body: {e}"))?
            }
        }
    }
    if config.addr.trim().is_empty() {
        return Err("--addr must not be empty".into());
    }
    if config.db.as_os_str().is_empty() {
        return Err("--db must not be empty".into());
    }
    Ok(Command::Run(config))
}

fn parse_max_body(v: &str) -> Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_BODY_CEILING).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is out of range 1..={MAX_BODY_CEILING}")),
        Err(_) => Err(format!("{v:?} is not a number of bytes")),
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
            ]),
            no_env,
        );
        assert_eq!(
            got,
            Ok(Command::Run(Config {
                addr: "127.0.0.1:0".into(),
                db: "x.sqlite".into(),
                dist: "d".into(),
                max_body: 10,
            }))
        );
    }

    #[test]
    fn flags_override_environment() {
        let env = |k: &str| match k {
            "COLLECTOR_ADDR" => Some("0.0.0.0:9000".to_string()),
            "COLLECTOR_DB" => Some("env.sqlite".to_string()),
            _ => None,
        };
        let Ok(Command::Run(c)) = parse(args(&["--db", "flag.sqlite"]), env) else {
            panic!("expected a config");
        };
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.db, PathBuf::from("flag.sqlite"));
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
        assert_eq!(parse(args(&["--help"]), no_env), Ok(Command::Help));
    }
}
