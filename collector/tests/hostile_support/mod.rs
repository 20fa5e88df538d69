//! Support for `tests/hostile.rs`: the collector binary on a free port with its own
//! scratch directory and database (SQLite or a fresh PostgreSQL database), raw HTTP/1.1
//! over real sockets, and the database read back directly.
//!
//! Kept apart from `tests/http.rs`'s helpers on purpose (another suite, another owner);
//! the `start a collector` part is a small, deliberate duplicate of theirs.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The page every scratch `dist/` serves at `/`.
pub const INDEX_HTML: &str = "<!doctype html><title>hostile</title>";

/// Read timeout of every test socket: a server that hangs fails the test instead of
/// hanging it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------
// Backends

/// Where a collector under test keeps its responses.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The admin URL of a throw-away cluster (`COLLECTOR_TEST_PG`).
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// SQLite always; PostgreSQL when `COLLECTOR_TEST_PG` names a cluster. Without it a CI
/// run fails (the PostgreSQL half must not silently vanish there) and a local run says
/// what it skipped.
pub fn backends(test: &str) -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    match std::env::var("COLLECTOR_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => all.push(Backend::Postgres(url.trim().to_string())),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{test}: COLLECTOR_TEST_PG is not set on CI; scripts/test starts a cluster")
        }
        _ => eprintln!(
            "{test}: skipping PostgreSQL (COLLECTOR_TEST_PG unset; \
             d=$(mktemp -d); export COLLECTOR_TEST_PG=$(scripts/pg start $d))"
        ),
    }
    all
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (or test process) uses.
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos:x}", std::process::id())
}

/// A database for one test: a file in the scratch directory, or a new PostgreSQL
/// database (dropped again when this is dropped).
pub struct Db {
    pub backend: Backend,
    /// What `--db` gets.
    pub arg: String,
    /// The PostgreSQL database's name.
    pg_name: Option<String>,
}

impl Db {
    pub fn fresh(backend: &Backend, scratch: &Scratch) -> Db {
        match backend {
            Backend::Sqlite => Db {
                backend: backend.clone(),
                arg: scratch.path("responses.sqlite").display().to_string(),
                pg_name: None,
            },
            Backend::Postgres(admin) => {
                let name = unique_name("hostile");
                pg_admin(admin)
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("CREATE DATABASE");
                Db {
                    backend: backend.clone(),
                    arg: with_database(admin, &name),
                    pg_name: Some(name),
                }
            }
        }
    }

    /// How many rows each stored id has.
    pub fn counts(&self) -> HashMap<String, i64> {
        let query = "SELECT id, COUNT(*) FROM responses GROUP BY id";
        match self.backend {
            Backend::Sqlite => {
                let conn = rusqlite::Connection::open(&self.arg).expect("open the SQLite file");
                let mut stmt = conn.prepare(query).expect("prepare");
                let rows = stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                    .expect("query");
                rows.map(|r| r.expect("row")).collect()
            }
            Backend::Postgres(_) => {
                let mut client =
                    postgres::Client::connect(&self.arg, postgres::NoTls).expect("connect");
                client
                    .query(query, &[])
                    .expect("query")
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect()
            }
        }
    }

    /// Rows stored under `id`.
    pub fn count(&self, id: &str) -> i64 {
        self.counts().get(id).copied().unwrap_or(0)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let (Backend::Postgres(admin), Some(name)) = (&self.backend, &self.pg_name) {
            if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn pg_admin(admin: &str) -> postgres::Client {
    postgres::Client::connect(admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to COLLECTOR_TEST_PG {admin}: {e}"))
}

/// `postgres://u@h:p/postgres?x` with the database `name` instead.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_at = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_at..]
        .find('/')
        .map_or(base.len(), |i| authority_at + i);
    format!("{}/{name}{query}", &base[..host_end])
}

// ---------------------------------------------------------------------------------------
// Scratch directories and the collector process

/// A temporary directory with a `dist/` to serve, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
        let dir = std::env::temp_dir().join(unique_name("collector-hostile"));
        std::fs::create_dir_all(dir.join("dist")).expect("scratch dir");
        std::fs::write(dir.join("dist/index.html"), INDEX_HTML).expect("index.html");
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How to start a collector.
#[derive(Default, Clone)]
pub struct Opts {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Run the process as this user id (the test runs as root: file modes only bind
    /// another user).
    pub uid: Option<u32>,
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
}

/// A started collector process; killed (if still running) when dropped.
pub struct Collector {
    child: Child,
    pub addr: String,
    log: Arc<Mutex<String>>,
    /// Credentials `get` sends (reading responses back needs an account).
    auth: Vec<(String, String)>,
}

/// The password of the accounts the tests create.
pub const PASSWORD: &str = "hostile tests, a long enough password";

/// Creates a group admin on `db` with `collector user add`, as an operator would;
/// returns its login.
pub fn add_admin(db: &Db) -> String {
    let login = format!(
        "hostile-admin-{}",
        unique_name("a").replace('_', "-").to_lowercase()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["user", "add", "--login", &login, "--role", "group-admin"])
        .args(["--password-stdin", "--db", &db.arg])
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
    let out = child.wait_with_output().expect("user add");
    assert!(
        out.status.success(),
        "user add {login}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    login
}

/// Starts the binary with `--db db --dist scratch/dist` and `opts`, stdout and stderr
/// piped, the stderr collected in the background.
pub fn spawn(db: &str, scratch: &Scratch, opts: &Opts) -> (Child, Arc<Mutex<String>>) {
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
        .arg(scratch.path("dist"))
        .args(&opts.args)
        .envs(opts.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(uid) = opts.uid {
        command.uid(uid).gid(uid);
    }
    let mut child = command.spawn().expect("start the collector");
    let log = Arc::new(Mutex::new(String::new()));
    if let Some(stderr) = child.stderr.take() {
        let log = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
    }
    (child, log)
}

impl Collector {
    pub fn start(db: &Db, scratch: &Scratch, opts: &Opts) -> Collector {
        let (mut child, log) = spawn(&db.arg, scratch, opts);
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let addr = line
            .trim_end()
            .strip_prefix("collector listening on http://")
            .and_then(|a| a.strip_suffix('/'))
            .map(str::to_string);
        let me = Collector {
            child,
            addr: addr.clone().unwrap_or_default(),
            log,
            auth: Vec::new(),
        };
        if addr.is_none() {
            thread::sleep(Duration::from_millis(200));
            panic!("no startup line (got {line:?}); stderr:\n{}", me.log());
        }
        me
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
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

    /// Signs in as a new group admin of `db`: `get` reads with that session from now on.
    pub fn sign_in(&mut self, db: &Db) {
        let login = add_admin(db);
        let body = json!({ "login": login, "password": PASSWORD }).to_string();
        let r = request(
            &self.addr,
            "POST",
            "/v1/auth/login",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .expect("login");
        assert_eq!(r.status, 200, "login {login}: {}", r.text());
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers))
            .to_string();
        let csrf = r.json()["csrf"].as_str().unwrap_or_default().to_string();
        self.auth = vec![("Cookie".into(), cookie), ("X-CSRF-Token".into(), csrf)];
    }

    /// A GET with the credentials of [`Self::sign_in`], if any.
    pub fn get(&self, path: &str) -> Resp {
        let headers: Vec<(&str, &str)> = self
            .auth
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        request(&self.addr, "GET", path, &headers, b"")
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub fn post(&self, payload: &Value) -> Resp {
        self.post_text(&payload.to_string())
    }

    pub fn post_text(&self, body: &str) -> Resp {
        request(
            &self.addr,
            "POST",
            "/v1/responses",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("POST /v1/responses: {e}"))
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
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

// ---------------------------------------------------------------------------------------
// HTTP over raw sockets

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

    /// The reason of a `{"error": "..."}` refusal; panics on any other shape.
    pub fn error(&self) -> String {
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

pub fn connect(addr: &str) -> io::Result<TcpStream> {
    let s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Reads one response (head, then a `Content-Length` body) from `r`.
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

/// The bytes of a request with `Host` and `Connection: close`.
pub fn request_bytes(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One exchange on a fresh connection.
pub fn request(
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

// ---------------------------------------------------------------------------------------
// Payloads

/// A fresh version-4 UUID: random bits from the standard library's per-process hash
/// keys, and a counter so no two in this process are equal.
pub fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(COUNTER.fetch_add(1, Ordering::SeqCst));
    let high = hasher.finish();
    hasher.write_u64(high);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..].copy_from_slice(&hasher.finish().to_be_bytes());
    bytes[12..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::SeqCst).to_be_bytes());
    survey_core::ResponseId::from_random_bytes(bytes).to_string()
}

/// A complete valid post-service response: every required question answered (read from
/// the template as JSON, independently of survey-core's types).
pub fn valid_payload(id: &str) -> Value {
    let template: Value =
        serde_json::from_str(survey_core::templates::POST_SERVICE).expect("template JSON");
    let mut answers = serde_json::Map::new();
    for page in template["pages"].as_array().expect("pages") {
        for q in page["questions"].as_array().expect("questions") {
            if q["required"] != json!(true) {
                continue;
            }
            let answer = match q["input"]["type"].as_str() {
                Some("rating") => json!({ "scale": 4 }),
                Some("yes_no") => json!({ "yes_no": true }),
                Some("nps") => json!({ "scale": 9 }),
                Some("text") => json!({ "text": "ok" }),
                other => panic!("unknown input type {other:?}"),
            };
            answers.insert(q["id"].as_str().expect("question id").to_string(), answer);
        }
    }
    json!({
        "format": "survey-response/1",
        "id": id,
        "survey": { "id": "post-service", "version": 1 },
        "locale": "zh-CN",
        "created_at": "2026-11-23T10:00:00Z",
        "context": { "dealer": "D001" },
        "answers": Value::Object(answers),
        "client": { "widget_version": "0.1.0", "mode": "page" }
    })
}
