#![allow(dead_code)] // each test crate uses a part of this module
//! The harness of the HTTP suite: the real collector binary on a free port, over real
//! TCP, on either backend, and a backend-agnostic reader of what it stored.
//!
//! - [`Backend::Sqlite`]: a fresh file in a temporary directory.
//! - [`Backend::Postgres`]: a fresh database (`CREATE DATABASE t_<unique>`) on the cluster
//!   named by `COLLECTOR_TEST_PG` (an admin URL; `scripts/test` starts a throw-away
//!   cluster with `scripts/pg start DIR` and exports it), dropped `WITH (FORCE)` when the
//!   last collector using it is gone.
//!
//! Without `COLLECTOR_TEST_PG` the PostgreSQL half of every test is skipped with a line
//! on stderr, except on CI (`CI` set), where that is a failure: CI must never go green
//! without having run PostgreSQL.
//!
//! Beside the request-per-connection helpers, the hostile-client suite's tools: raw
//! sockets ([`connect`], [`read_response`], [`Poster`]), a collector started with
//! [`Opts`] (environment, another user) or only spawned ([`spawn`]), and its process
//! (signals, exit, open descriptors).

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where the collector under test keeps its responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The backends a test that loops over them runs on: SQLite always, PostgreSQL as
/// [`postgres_configured`] says.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if postgres_configured() {
        all.push(Backend::Postgres);
    }
    all
}

/// Runs a test body once per backend: `both!(name, …)` makes a module `name` with the
/// tests `name::sqlite` and `name::postgres`, each calling `name(Backend::…)`.
#[allow(unused_macros)] // a suite that loops over `backends()` has no use for it
macro_rules! both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(crate::support::Backend::Sqlite);
            }

            #[test]
            fn postgres() {
                if crate::support::postgres_configured() {
                    super::$name(crate::support::Backend::Postgres);
                }
            }
        }
    )+};
}

const PG_ENV: &str = "COLLECTOR_TEST_PG";

/// The admin URL of the PostgreSQL cluster for tests, if one is configured.
fn pg_admin_url() -> Option<String> {
    std::env::var(PG_ENV)
        .ok()
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
}

/// Whether the PostgreSQL half of a test runs. Unset: a failure on CI, a skip (said
/// once per test process on the real stderr, which the harness does not capture)
/// elsewhere.
pub fn postgres_configured() -> bool {
    if pg_admin_url().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{PG_ENV} is not set on CI: the PostgreSQL half of the HTTP suite must run there \
         (scripts/test starts a cluster with scripts/pg and exports {PG_ENV})"
    );
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "skipping PostgreSQL: {PG_ENV} not set (scripts/test sets it)"
        );
    });
    false
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A number no other call in this test process (nor, with the pid, another process)
/// returns.
pub fn unique() -> u64 {
    let n = u64::from(COUNTER.fetch_add(1, Ordering::SeqCst));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (u64::from(std::process::id()) << 40) ^ (n << 30) ^ u64::from(nanos)
}

/// A fresh version-4-shaped UUID.
pub fn new_id() -> String {
    let u = unique();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (u >> 32) as u32,
        (u >> 16) as u16,
        (u & 0xfff) as u16,
        COUNTER.load(Ordering::SeqCst) & 0xfff,
        u & 0xffff_ffff_ffff
    )
}

/// Removes a directory when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{prefix}-{:x}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    /// `name` inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- HTTP -----------------------------------------------------------------------------

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The methods of the `Allow` header as a sorted set: axum writes them in its own
    /// order without spaces (`GET,HEAD`), which is not part of the contract.
    pub fn allowed_methods(&self) -> Vec<String> {
        let mut methods: Vec<String> = self
            .header("Allow")
            .unwrap_or_default()
            .split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .filter(|m| !m.is_empty())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The reason of a `{"error": ...}` refusal.
    pub fn error(&self) -> String {
        match self.json().get("error").and_then(Value::as_str) {
            Some(reason) => reason.to_string(),
            None => panic!("no error reason in {}", self.text()),
        }
    }

    /// The reason of a body that is exactly `{"error": "<a non-empty reason>"}`; panics
    /// on any other shape.
    pub fn sole_error(&self) -> String {
        let v = self.json();
        let obj = v
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {v}"));
        assert_eq!(obj.len(), 1, "an error body has one key: {v}");
        match obj.get("error").and_then(Value::as_str) {
            Some(reason) if !reason.is_empty() => reason.to_string(),
            _ => panic!("no error reason in {v}"),
        }
    }
}

/// Sorted method names, to compare with [`Resp::allowed_methods`].
pub fn methods(list: &[&str]) -> Vec<String> {
    let mut m: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    m.sort();
    m
}

/// One HTTP/1.1 exchange on a fresh connection, the request bytes sent as given.
pub fn exchange(addr: &str, request: &[u8]) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

/// A whole response as read to the end of the connection: the body cut to its
/// `Content-Length`, or decoded from chunks (streamed replies such as the CSV export).
pub fn parse_response(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let rest = &raw[split + 4..];
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)
    } else {
        let mut body = rest.to_vec();
        if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.truncate(len);
        }
        body
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// A chunked body, which must end with its last (empty) chunk: a transfer cut short is
/// a failure, never a shorter body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or_else(|| panic!("chunked body cut short after {} bytes", body.len()));
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .unwrap_or_else(|_| panic!("bad chunk size {size_text:?}"));
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        assert!(
            raw.len() >= size + 2,
            "chunked body cut short after {} bytes",
            body.len()
        );
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// The bytes of a request with a `Host` the collector answers to (it refuses unknown
/// names with 421, against DNS rebinding), `Connection: close`, and a `Content-Length`
/// for a body.
pub fn request_bytes(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One exchange of [`request_bytes`] on a fresh connection.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    exchange(addr, &request_bytes(addr, method, path, headers, body))
}

/// The same on a [`connect`]ed socket, the response read by [`read_response`]: an
/// error, not a panic, when the connection fails or the server does not answer within
/// [`IO_TIMEOUT`].
pub fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Resp> {
    let mut s = connect(addr)?;
    s.write_all(&request_bytes(addr, method, path, headers, body))?;
    read_response(&mut BufReader::new(s))
}

/// Read timeout of every [`connect`]ed socket: a server that hangs fails the test
/// instead of hanging it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A raw connection: read and write timeouts of [`IO_TIMEOUT`], no Nagle delay.
pub fn connect(addr: &str) -> io::Result<TcpStream> {
    let s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Reads one response (head, then a `Content-Length` body, or else everything to the
/// end) from `r`, leaving a keep-alive connection ready for the next.
pub fn read_response(r: &mut impl BufRead) -> io::Result<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "closed before a response",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed in the head",
            ));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        }
        // No length: the body runs to the end (a `Connection: close` reply).
        None => {
            r.read_to_end(&mut body)?;
        }
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// A keep-alive connection posting one response after another, as a widget's outbox
/// or a load client does.
pub struct Poster {
    addr: String,
    conn: Option<(TcpStream, BufReader<TcpStream>)>,
}

impl Poster {
    pub fn new(addr: &str) -> Poster {
        Poster {
            addr: addr.to_string(),
            conn: None,
        }
    }

    /// Posts `body`; any I/O error drops the connection (the next post reconnects).
    pub fn post(&mut self, body: &str) -> io::Result<Resp> {
        let result = self.try_post(body);
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    fn try_post(&mut self, body: &str) -> io::Result<Resp> {
        if self.conn.is_none() {
            let s = connect(&self.addr)?;
            let r = BufReader::new(s.try_clone()?);
            self.conn = Some((s, r));
        }
        let (s, r) = self
            .conn
            .as_mut()
            .ok_or_else(|| io::Error::other("no connection"))?;
        let request = format!(
            "POST /v1/responses HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        s.write_all(request.as_bytes())?;
        let resp = read_response(r)?;
        if resp
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        {
            self.conn = None;
        }
        Ok(resp)
    }
}

// ---- Databases ------------------------------------------------------------------------

enum Kind {
    Sqlite {
        path: PathBuf,
        /// The directory of a fresh file, removed with it; `None` for a file the test
        /// made itself.
        _dir: Option<TempDir>,
    },
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

/// One database a collector (or several) runs on, removed when dropped.
pub struct TestDb {
    kind: Kind,
    /// The reader's PostgreSQL connection, opened on first use.
    pg: Mutex<Option<postgres::Client>>,
}

impl TestDb {
    /// An empty database on `backend`.
    pub fn fresh(backend: Backend) -> Arc<Self> {
        let kind = match backend {
            Backend::Sqlite => {
                let dir = TempDir::new("collector-db");
                Kind::Sqlite {
                    path: dir.0.join("responses.sqlite"),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = pg_admin_url()
                    .unwrap_or_else(|| panic!("{PG_ENV} is not set; a PostgreSQL test cannot run"));
                let name = format!("t_{:x}", unique());
                pg_connect(&admin)
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
                let url = with_database(&admin, &name);
                Kind::Postgres { admin, name, url }
            }
        };
        Arc::new(TestDb {
            kind,
            pg: Mutex::new(None),
        })
    }

    /// A SQLite file the test prepared (an old schema); not removed by this value.
    pub fn sqlite_at(path: &Path) -> Arc<Self> {
        Arc::new(TestDb {
            kind: Kind::Sqlite {
                path: path.to_path_buf(),
                _dir: None,
            },
            pg: Mutex::new(None),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.kind {
            Kind::Sqlite { .. } => Backend::Sqlite,
            Kind::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The collector's `--db` argument.
    pub fn arg(&self) -> String {
        match &self.kind {
            Kind::Sqlite { path, .. } => path.to_str().expect("UTF-8 path").to_string(),
            Kind::Postgres { url, .. } => url.clone(),
        }
    }

    /// Every row of `sql` as a JSON object per row, with `$1`, `$2`… bound to `params`
    /// (text). Values as each database has them: SQLite's flags are `0`/`1`, PostgreSQL's
    /// `BOOLEAN`s `true`/`false` (see [`flag`]); JSON columns stay text.
    pub fn query_rows(&self, sql: &str, params: &[&str]) -> Vec<Map<String, Value>> {
        match &self.kind {
            Kind::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        let mut row = Map::new();
                        for (i, name) in names.iter().enumerate() {
                            use rusqlite::types::ValueRef;
                            let v = match r.get_ref(i)? {
                                ValueRef::Null => Value::Null,
                                ValueRef::Integer(n) => Value::from(n),
                                ValueRef::Real(f) => Value::from(f),
                                ValueRef::Text(t) => {
                                    Value::from(String::from_utf8_lossy(t).into_owned())
                                }
                                ValueRef::Blob(_) => panic!("{sql}: a blob in {name}"),
                            };
                            row.insert(name.clone(), v);
                        }
                        Ok(row)
                    })
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.map(|r| r.unwrap_or_else(|e| panic!("{sql}: {e}")))
                    .collect()
            }
            Kind::Postgres { .. } => {
                use postgres::types::{ToSql, Type};
                let bound: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let rows = self
                    .with_pg(|c| c.query(sql, &bound))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.iter()
                    .map(|r| {
                        let mut row = Map::new();
                        for (i, col) in r.columns().iter().enumerate() {
                            let t = col.type_();
                            let v = if *t == Type::BOOL {
                                r.get::<_, Option<bool>>(i).map(Value::from)
                            } else if *t == Type::INT8 {
                                r.get::<_, Option<i64>>(i).map(Value::from)
                            } else if *t == Type::INT4 {
                                r.get::<_, Option<i32>>(i).map(Value::from)
                            } else {
                                r.get::<_, Option<String>>(i).map(Value::from)
                            };
                            row.insert(col.name().to_string(), v.unwrap_or(Value::Null));
                        }
                        row
                    })
                    .collect()
            }
        }
    }

    /// How many rows each stored response id has.
    pub fn counts(&self) -> HashMap<String, i64> {
        self.query_rows("SELECT id, COUNT(*) AS n FROM responses GROUP BY id", &[])
            .into_iter()
            .map(|r| {
                let id = r["id"].as_str().expect("an id").to_string();
                (id, r["n"].as_i64().expect("a count"))
            })
            .collect()
    }

    /// Rows stored under `id`.
    pub fn count(&self, id: &str) -> i64 {
        self.counts().get(id).copied().unwrap_or(0)
    }

    /// Runs one statement as another tool writing the table directly would: the rows it
    /// changed, or the database's refusal.
    pub fn execute(&self, sql: &str) -> Result<u64, String> {
        match &self.kind {
            Kind::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .and_then(|c| c.execute(sql, []))
                .map(|n| n as u64)
                .map_err(|e| e.to_string()),
            Kind::Postgres { .. } => self
                .with_pg(|c| c.execute(sql, &[]))
                .map_err(|e| e.to_string()),
        }
    }

    /// Runs `sql` once per parameter list, all in one transaction (one commit, so one
    /// fsync: seeding hundreds of rows stays quick).
    pub fn execute_many(&self, sql: &str, rows: &[Vec<String>]) {
        match &self.kind {
            Kind::Sqlite { path, .. } => {
                let mut conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                let tx = conn.transaction().expect("begin");
                {
                    let mut stmt = tx.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                    for params in rows {
                        stmt.execute(rusqlite::params_from_iter(params.iter()))
                            .unwrap_or_else(|e| panic!("{sql} {params:?}: {e}"));
                    }
                }
                tx.commit().expect("commit");
            }
            Kind::Postgres { .. } => {
                use postgres::types::ToSql;
                self.with_pg(|c| {
                    let mut tx = c.transaction()?;
                    let stmt = tx.prepare(sql)?;
                    for params in rows {
                        let bound: Vec<&(dyn ToSql + Sync)> =
                            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                        tx.execute(&stmt, &bound)?;
                    }
                    tx.commit()
                })
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    /// The definition of index `name` as the database reports it.
    pub fn index_definition(&self, name: &str) -> String {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT sql AS def FROM sqlite_master WHERE name = $1",
            Backend::Postgres => "SELECT indexdef AS def FROM pg_indexes WHERE indexname = $1",
        };
        let rows = self.query_rows(sql, &[name]);
        match rows.first().and_then(|r| r["def"].as_str()) {
            Some(def) => def.to_string(),
            None => panic!("no index {name}"),
        }
    }

    fn with_pg<T>(
        &self,
        work: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        let Kind::Postgres { url, .. } = &self.kind else {
            panic!("not a PostgreSQL database");
        };
        let mut slot = self.pg.lock().unwrap_or_else(PoisonError::into_inner);
        let client = slot.get_or_insert_with(|| pg_connect(url));
        work(client)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Kind::Postgres { admin, name, .. } = &self.kind {
            let reader = self
                .pg
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            drop(reader);
            if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn pg_connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {url}: {e}"))
}

/// `postgres://u@h:p/postgres?x` with the database `name` instead.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// A flag column as a bool: SQLite stores `0`/`1`, PostgreSQL a `BOOLEAN`.
pub fn flag(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) if n.as_i64() == Some(0) => false,
        Value::Number(n) if n.as_i64() == Some(1) => true,
        other => panic!("not a flag: {other}"),
    }
}

/// Runs `collector ARGS --db DB` (a command, as an operator would) with no retention
/// setting of the environment's; its stdout, or a panic with its stderr.
pub fn cli(db: &TestDb, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(args)
        .arg("--db")
        .arg(db.arg())
        .env_remove("COLLECTOR_RETENTION_DAYS")
        .output()
        .expect("run the collector command");
    assert!(
        out.status.success(),
        "collector {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---- The collector --------------------------------------------------------------------

pub const INDEX_HTML: &str = "<!doctype html><title>survey</title>";
pub const SECRET: &str = "TOP-SECRET-OUTSIDE-DIST";

/// The collector binary on a free port with its own dist directory, on a database.
pub struct Collector {
    pub child: Child,
    pub addr: String,
    pub url: String,
    /// Holds `dist/` (the widget) and, beside it, a file that must never be served.
    pub dir: PathBuf,
    pub db: Arc<TestDb>,
    log: Arc<Mutex<String>>,
    /// A group admin's session: what `get` reads with (every read route needs one).
    pub admin: Auth,
}

/// The password every test account gets.
pub const PASSWORD: &str = "a test password of some length";

/// Credentials a request is sent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// None at all.
    Anonymous,
    /// A console session: the `sid` cookie and its CSRF token.
    Session { cookie: String, csrf: String },
    /// `Authorization: Bearer <token>`.
    Token(String),
}

impl Auth {
    /// The headers that carry these credentials (the CSRF token too, for a session).
    pub fn headers(&self) -> Vec<(String, String)> {
        match self {
            Auth::Anonymous => Vec::new(),
            Auth::Session { cookie, csrf } => vec![
                ("Cookie".into(), format!("sid={cookie}")),
                ("X-CSRF-Token".into(), csrf.clone()),
            ],
            Auth::Token(t) => vec![("Authorization".into(), format!("Bearer {t}"))],
        }
    }
}

/// How to start a collector beyond its `--addr`, `--db` and `--dist`.
#[derive(Default, Clone)]
pub struct Opts {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Run the process as this user id (and group id): as root, file modes only bind
    /// another user.
    pub uid: Option<u32>,
    /// No group admin is created and signed in at the start: [`Collector::admin`] stays
    /// [`Auth::Anonymous`] until [`Collector::sign_in`].
    pub signed_out: bool,
}

impl Opts {
    pub fn args(list: &[&str]) -> Opts {
        Opts {
            args: list.iter().map(|s| s.to_string()).collect(),
            ..Opts::default()
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Opts {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn signed_out(mut self) -> Opts {
        self.signed_out = true;
        self
    }
}

/// Fills `dir` with what a collector serves: `dist/` (the widget) and, beside it, a
/// file that must never be served.
pub fn prepare_dir(dir: &Path) {
    std::fs::create_dir_all(dir.join("dist/pkg")).expect("temp dir");
    std::fs::write(dir.join("dist/index.html"), INDEX_HTML).expect("index");
    std::fs::write(dir.join("dist/pkg/app.wasm"), b"\0asm").expect("wasm");
    std::fs::write(dir.join("secret.txt"), SECRET).expect("secret");
}

/// The posting rate limits every test collector starts with: far above any test.
pub const NO_POST_LIMITS: [&str; 8] = [
    "--post-rate-per-address",
    "1000000",
    "--post-burst-per-address",
    "1000000",
    "--post-rate-per-token",
    "1000000",
    "--post-burst-per-token",
    "1000000",
];

/// Starts the binary with `--db db --dist dir/dist` (see [`prepare_dir`]) and `opts`,
/// nothing read yet: stdout piped, stderr collected in the background. For a start
/// that is meant to fail; [`Collector::start_opts`] waits for the startup line.
pub fn spawn(db: &str, dir: &Path, opts: &Opts) -> (Child, Arc<Mutex<String>>) {
    prepare_dir(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    // Nothing from the developer's environment (a COLLECTOR_LOG=warn, a
    // COLLECTOR_MAX_BODY) may change what the tests see.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COLLECTOR_") {
            command.env_remove(name);
        }
    }
    command
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(db)
        .arg("--dist")
        .arg(dir.join("dist"))
        // Every test posts from 127.0.0.1, many far faster than a customer: the
        // posting limits are out of the way unless a test sets its own (later flags
        // win), as the rate-limit tests do.
        .args(NO_POST_LIMITS)
        .args(&opts.args)
        .envs(opts.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(uid) = opts.uid {
        command.uid(uid).gid(uid);
    }
    let mut child = command.spawn().expect("start collector");

    let log = Arc::new(Mutex::new(String::new()));
    if let Some(stderr) = child.stderr.take() {
        let log = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = log.lock().unwrap_or_else(PoisonError::into_inner);
                l.push_str(&line);
                l.push('\n');
            }
        });
    }
    (child, log)
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Creates an account on `db` with `collector user add` (as an operator would), with
/// [`PASSWORD`].
pub fn add_user(db: &TestDb, login: &str, role: &str, dealers: &[&str], advisor: Option<&str>) {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command.args([
        "user",
        "add",
        "--login",
        login,
        "--role",
        role,
        "--password-stdin",
        "--db",
    ]);
    command.arg(db.arg());
    if !dealers.is_empty() {
        command.args(["--dealers", &dealers.join(",")]);
    }
    if let Some(a) = advisor {
        command.args(["--advisor", a]);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("collector user add");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .expect("password");
    }
    let out = child.wait_with_output().expect("user add output");
    assert!(
        out.status.success(),
        "user add {login}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Collector {
    /// A collector on a fresh database of `backend`.
    pub fn start(backend: Backend) -> Self {
        Self::start_with(backend, &[])
    }

    /// The same with extra command-line arguments.
    pub fn start_with(backend: Backend, extra: &[&str]) -> Self {
        Self::start_on(TestDb::fresh(backend), extra)
    }

    /// A collector on `db`, which other collectors may share.
    pub fn start_on(db: Arc<TestDb>, extra: &[&str]) -> Self {
        Self::start_opts(db, &Opts::args(extra))
    }

    /// A collector on `db` started with `opts` (arguments, environment).
    pub fn start_opts(db: Arc<TestDb>, opts: &Opts) -> Self {
        let dir = std::env::temp_dir().join(format!("collector-it-{:x}", unique()));
        let (mut child, log) = spawn(&db.arg(), &dir, opts);
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read startup line");
        let mut me = Collector {
            child,
            addr: String::new(),
            url: String::new(),
            dir,
            db,
            log,
            admin: Auth::Anonymous,
        };
        let url = match line.trim_end().strip_prefix("collector listening on ") {
            Some(url) => url.to_string(),
            None => {
                // The process has exited (or is about to): let its stderr be read.
                let _ = me.child.wait();
                thread::sleep(Duration::from_millis(100));
                panic!("unexpected startup line {line:?}; log:\n{}", me.log())
            }
        };
        me.addr = url
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected url {url:?}"))
            .to_string();
        me.url = url;
        // Every read needs credentials: the tests read as a group admin unless they
        // say otherwise (the access tests do).
        if !opts.signed_out {
            me.sign_in();
        }
        me
    }

    /// Creates a group admin (as an operator would) and signs in: [`Self::get`] reads
    /// with that session from now on.
    pub fn sign_in(&mut self) {
        let admin = format!("it-admin-{:x}", unique());
        add_user(&self.db, &admin, "group-admin", &[], None);
        self.admin = self.login(&admin, PASSWORD);
    }

    /// `POST /v1/auth/login` with these credentials, whatever the answer.
    pub fn try_login(&self, login: &str, password: &str) -> Resp {
        let body = serde_json::json!({ "login": login, "password": password }).to_string();
        request(
            &self.addr,
            "POST",
            "/v1/auth/login",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }

    /// Signs in; panics unless the login succeeds.
    pub fn login(&self, login: &str, password: &str) -> Auth {
        let r = self.try_login(login, password);
        assert_eq!(r.status, 200, "login {login}: {}", r.text());
        let set_cookie = r.header("set-cookie").unwrap_or_default().to_string();
        let cookie = set_cookie
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("sid="))
            .unwrap_or_else(|| panic!("no session cookie in {set_cookie:?}"))
            .to_string();
        let csrf = r.json()["csrf"].as_str().unwrap_or_default().to_string();
        Auth::Session { cookie, csrf }
    }

    /// A request with `auth`'s credentials and any other headers.
    pub fn send_as(
        &self,
        auth: &Auth,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let creds = auth.headers();
        let mut all: Vec<(&str, &str)> = creds
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        all.extend_from_slice(headers);
        request(&self.addr, method, path, &all, body)
    }

    /// `GET path` with `auth`'s credentials.
    pub fn get_as(&self, auth: &Auth, path: &str) -> Resp {
        self.send_as(auth, "GET", path, &[], b"")
    }

    // ---- The process ----

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Still running (not exited, not a zombie waiting to be reaped).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn assert_alive(&mut self, when: &str) {
        if !self.alive() {
            panic!(
                "the collector died {when}: {:?}; stderr:\n{}",
                self.child.try_wait(),
                tail(&self.log(), 40)
            );
        }
    }

    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.pid()).expect("pid");
        // SAFETY: kill(2) on the id of the child this test started and has not reaped.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(
            rc,
            0,
            "kill({pid}, {signal}): {}",
            io::Error::last_os_error()
        );
    }

    /// Waits for the process to end, up to `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the collector did not exit within {limit:?}; stderr:\n{}",
                tail(&self.log(), 40)
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Open file descriptors of the process (`/proc/PID/fd`).
    pub fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Waits until the descriptor count is at most `limit` (connections close on their
    /// own tasks, a moment after the client saw the answer); returns the last count.
    pub fn settle_fds(&self, limit: usize, wait: Duration) -> usize {
        let deadline = Instant::now() + wait;
        loop {
            let n = self.fds();
            if n <= limit || Instant::now() >= deadline {
                return n;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything the collector wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The log lines without their timestamps: `INFO request method=GET …`,
    /// `WARN score mismatch …`.
    pub fn log_lines(&self) -> Vec<String> {
        self.log()
            .lines()
            .map(|l| match l.split_once(' ') {
                Some((time, rest)) if time.ends_with('Z') => rest.trim_start().to_string(),
                _ => l.to_string(),
            })
            .collect()
    }

    /// Waits until some log line, timestamp aside, satisfies `matches`.
    fn wait_for(&self, what: &str, matches: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.log_lines().iter().any(|l| matches(l)) {
            assert!(
                Instant::now() < deadline,
                "no log line {what} in:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the request line of a request: `INFO request method=… route=…
    /// status=… ms=…` (then ` id=…` for a response).
    pub fn wait_for_request_log(&self, method: &str, route: &str, status: u16) {
        let prefix = format!("INFO request method={method} route={route} status={status} ms=");
        self.wait_for(&format!("{prefix:?}"), |l| l.starts_with(&prefix));
    }

    /// Waits until some log line, timestamp aside, is exactly `line` (`WARN …`).
    pub fn wait_for_line(&self, line: &str) {
        self.wait_for(&format!("{line:?}"), |l| l == line);
    }

    /// `GET path` as the group admin (see [`Collector::admin`]).
    pub fn get(&self, path: &str) -> Resp {
        self.get_as(&self.admin, path)
    }

    pub fn post_raw(&self, content_type: &str, body: &[u8]) -> Resp {
        request(
            &self.addr,
            "POST",
            "/v1/responses",
            &[("Content-Type", content_type)],
            body,
        )
    }

    pub fn post(&self, payload: &Value) -> Resp {
        self.post_raw("application/json", payload.to_string().as_bytes())
    }

    /// The ids `GET /v1/responses?limit=1000` lists.
    pub fn listed_ids(&self) -> Vec<String> {
        let r = self.get("/v1/responses?limit=1000");
        assert_eq!(r.status, 200, "list: {}", r.text());
        r.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_string())
            .collect()
    }

    // ---- What the database holds (read directly, not through the API) ----

    pub fn query_rows(&self, sql: &str, params: &[&str]) -> Vec<Map<String, Value>> {
        self.db.query_rows(sql, params)
    }

    /// Stores a copy of the stored response `source` under each of `ids`, in this order,
    /// as another tool writing the table would (the id inside the payload replaced
    /// too, no token): many rows for the read tests without a post and a commit each.
    pub fn copy_response(&self, sources_and_ids: &[(String, String)]) {
        let rows: Vec<Vec<String>> = sources_and_ids
            .iter()
            .map(|(source, id)| vec![id.clone(), source.clone()])
            .collect();
        self.db.execute_many(
            "INSERT INTO responses (id, received_at, survey_id, survey_version, locale,
                 created_at, context, answers, payload, score, client_score, score_mismatch,
                 score_verified, alerts, follow_up_due, dealer, token)
             SELECT $1, received_at, survey_id, survey_version, locale, created_at, context,
                 answers, replace(payload, $2, $1), score, client_score, score_mismatch,
                 score_verified, alerts, follow_up_due, dealer, NULL
             FROM responses WHERE id = $2",
            &rows,
        );
    }

    /// Rows in `table` (a name from the tests, never from outside).
    pub fn count_rows(&self, table: &str) -> i64 {
        let rows = self.query_rows(&format!("SELECT COUNT(*) AS n FROM {table}"), &[]);
        rows[0]["n"].as_i64().expect("a count")
    }

    /// Moves the collector's clock forward by `ms` (the test-only hook): due times,
    /// escalations and second calls without waiting.
    pub fn advance_clock(&self, ms: u64) {
        let r = self.send_as(
            &Auth::Anonymous,
            "POST",
            &format!("/v1/test/clock?advance_ms={ms}"),
            &[],
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }

    /// Imports a CSV of repair orders for `dealer` as `auth` (the call list's visits).
    pub fn import_repair_orders(&self, auth: &Auth, dealer: &str, csv: &str) -> Resp {
        self.send_as(
            auth,
            "POST",
            &format!("/v1/dealers/{dealer}/repair-orders"),
            &[("Content-Type", "text/csv; charset=utf-8")],
            csv.as_bytes(),
        )
    }

    /// Rows stored.
    pub fn rows(&self) -> i64 {
        let rows = self.query_rows("SELECT COUNT(*) AS n FROM responses", &[]);
        rows[0]["n"].as_i64().expect("a count")
    }

    /// One text column of the row with `id` (`None` for SQL NULL).
    pub fn column(&self, id: &str, column: &str) -> Option<String> {
        let rows = self.query_rows(
            &format!("SELECT {column} AS v FROM responses WHERE id = $1"),
            &[id],
        );
        assert_eq!(rows.len(), 1, "one stored row {id}");
        match &rows[0]["v"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => panic!("{column} of {id} is not text: {other}"),
        }
    }

    pub fn stored_answers(&self, id: &str) -> Value {
        let text = self.column(id, "answers").expect("answers");
        serde_json::from_str(&text).expect("answers JSON")
    }

    pub fn stored_scores(&self, id: &str) -> Stored {
        stored_scores(&self.db, id)
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The scoring columns of one stored row, flags as bools on both backends.
#[derive(Debug)]
pub struct Stored {
    pub score: Option<Value>,
    pub client_score: Option<Value>,
    pub score_mismatch: bool,
    pub score_verified: bool,
    pub alerts: i64,
    pub follow_up_due: Option<String>,
    pub dealer: Option<String>,
}

pub fn stored_scores(db: &TestDb, id: &str) -> Stored {
    let rows = db.query_rows(
        "SELECT score, client_score, score_mismatch, score_verified, alerts, follow_up_due, dealer
         FROM responses WHERE id = $1",
        &[id],
    );
    assert_eq!(rows.len(), 1, "one stored row {id}");
    let r = &rows[0];
    let json = |v: &Value| {
        v.as_str()
            .map(|t| serde_json::from_str::<Value>(t).expect("JSON column"))
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    Stored {
        score: json(&r["score"]),
        client_score: json(&r["client_score"]),
        score_mismatch: flag(&r["score_mismatch"]),
        score_verified: flag(&r["score_verified"]),
        alerts: r["alerts"].as_i64().expect("alerts"),
        follow_up_due: text(&r["follow_up_due"]),
        dealer: text(&r["dealer"]),
    }
}

// ---- Payloads -------------------------------------------------------------------------

/// The post-service template as JSON, read independently of survey-core's types.
pub fn template() -> Value {
    serde_json::from_str(survey_core::templates::POST_SERVICE).expect("template JSON")
}

/// A complete valid post-service response `id` at `dealer` (for `advisor`, if any):
/// every required question answered (4 on a rating, yes, "ok") and NPS `nps`. With
/// `not_applicable`, the first question that offers "not applicable" is answered with
/// it; with `callback_phone`, the customer asks to be called back at that number.
pub fn post_service_payload(
    id: &str,
    dealer: &str,
    advisor: Option<&str>,
    nps: u8,
    not_applicable: bool,
    callback_phone: Option<&str>,
) -> Value {
    let mut answers = Map::new();
    let mut used_na = false;
    for page in template()["pages"].as_array().expect("pages") {
        for q in page["questions"].as_array().expect("questions") {
            if q["required"] != json!(true) {
                continue;
            }
            let input = &q["input"];
            let answer = if not_applicable && input["allow_na"] == json!(true) && !used_na {
                used_na = true;
                json!("not_applicable")
            } else {
                match input["type"].as_str() {
                    Some("rating") => json!({ "scale": 4 }),
                    Some("yes_no") => json!({ "yes_no": true }),
                    Some("nps") => json!({ "scale": nps }),
                    Some("text") => json!({ "text": "ok" }),
                    other => panic!("unknown input type {other:?}"),
                }
            };
            answers.insert(q["id"].as_str().expect("question id").to_string(), answer);
        }
    }
    if not_applicable {
        assert!(used_na, "the template should offer a not-applicable answer");
    }
    if let Some(phone) = callback_phone {
        answers.insert(
            "contact_me".into(),
            json!({ "contact": { "consent": true, "phone": phone } }),
        );
    }
    let mut context = Map::new();
    context.insert("dealer".into(), json!(dealer));
    if let Some(a) = advisor {
        context.insert("advisor".into(), json!(a));
    }
    json!({
        "format": "survey-response/1",
        "id": id,
        "survey": { "id": "post-service", "version": 1 },
        "locale": "zh-CN",
        "created_at": "2026-11-23T10:00:00Z",
        "context": Value::Object(context),
        "answers": Value::Object(answers),
        "client": { "widget_version": "0.1.0", "mode": "page" }
    })
}
