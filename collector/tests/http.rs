//! End-to-end tests: the real binary, real HTTP over TCP, and the SQLite file read
//! back directly, as the widget and other tools see them.

use rusqlite::Connection;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use survey_core::scoring::{aggregate, score_at, ScoreCard};
use survey_core::{templates, ResponsePayload};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A unique number per call in this test process.
fn unique() -> u64 {
    let n = u64::from(COUNTER.fetch_add(1, Ordering::SeqCst));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (u64::from(std::process::id()) << 40) ^ (n << 30) ^ u64::from(nanos)
}

/// A fresh version-4-shaped UUID.
fn new_id() -> String {
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

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The reason of a `{"error": ...}` refusal.
    fn error(&self) -> String {
        match self.json().get("error").and_then(Value::as_str) {
            Some(reason) => reason.to_string(),
            None => panic!("no error reason in {}", self.text()),
        }
    }
}

/// One HTTP/1.1 exchange on a fresh connection, the request bytes sent as given.
fn exchange(addr: &str, request: &[u8]) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
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
    let mut body = raw[split + 4..].to_vec();
    if let Some(len) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.truncate(len);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
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
    exchange(addr, &bytes)
}

/// The collector binary running on a free port with its own database and dist dir.
struct Collector {
    child: Child,
    addr: String,
    url: String,
    dir: PathBuf,
    log: Arc<Mutex<String>>,
}

const INDEX_HTML: &str = "<!doctype html><title>survey</title>";
const SECRET: &str = "TOP-SECRET-OUTSIDE-DIST";

impl Collector {
    fn start() -> Self {
        Self::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("collector-it-{:x}", unique()));
        std::fs::create_dir_all(dir.join("dist/pkg")).expect("temp dir");
        std::fs::write(dir.join("dist/index.html"), INDEX_HTML).expect("index");
        std::fs::write(dir.join("dist/pkg/app.wasm"), b"\0asm").expect("wasm");
        std::fs::write(dir.join("secret.txt"), SECRET).expect("secret");
        let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--db")
            .arg(dir.join("responses.sqlite"))
            .arg("--dist")
            .arg(dir.join("dist"))
            .args(extra)
            .env_remove("COLLECTOR_ADDR")
            .env_remove("COLLECTOR_DB")
            .env_remove("COLLECTOR_DIST")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start collector");

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
            log,
        };
        let url = line
            .trim_end()
            .strip_prefix("collector listening on ")
            .unwrap_or_else(|| panic!("unexpected startup line {line:?}; log: {}", me.log()))
            .to_string();
        let addr = url
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected url {url:?}"))
            .to_string();
        me.addr = addr;
        me.url = url;
        me
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits until a log line starts with `prefix`.
    fn wait_for_log(&self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self
            .log()
            .lines()
            .any(|l| l.starts_with(prefix) && l.ends_with("ms"))
        {
            assert!(
                Instant::now() < deadline,
                "no log line {prefix:?} in:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn db(&self) -> Connection {
        Connection::open(self.dir.join("responses.sqlite")).expect("open db")
    }

    fn rows(&self) -> i64 {
        self.db()
            .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get(0))
            .expect("count rows")
    }

    fn stored_answers(&self, id: &str) -> Value {
        let text: String = self
            .db()
            .query_row("SELECT answers FROM responses WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("stored row");
        serde_json::from_str(&text).expect("answers JSON")
    }

    /// Waits until some stderr line is exactly `line`.
    fn wait_for_line(&self, line: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.log().lines().any(|l| l == line) {
            assert!(
                Instant::now() < deadline,
                "no log line {line:?} in:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn stored_scores(&self, id: &str) -> Stored {
        stored_scores(&self.db(), id)
    }

    fn get(&self, path: &str) -> Resp {
        request(&self.addr, "GET", path, &[], b"")
    }

    fn post_raw(&self, content_type: &str, body: &[u8]) -> Resp {
        request(
            &self.addr,
            "POST",
            "/v1/responses",
            &[("Content-Type", content_type)],
            body,
        )
    }

    fn post(&self, payload: &Value) -> Resp {
        self.post_raw("application/json", payload.to_string().as_bytes())
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The scoring columns of one stored row.
#[derive(Debug)]
struct Stored {
    score: Option<Value>,
    client_score: Option<Value>,
    score_mismatch: i64,
    score_verified: i64,
    alerts: i64,
    follow_up_due: Option<String>,
    dealer: Option<String>,
}

fn stored_scores(db: &Connection, id: &str) -> Stored {
    let json =
        |t: Option<String>| t.map(|t| serde_json::from_str::<Value>(&t).expect("JSON column"));
    db.query_row(
        "SELECT score, client_score, score_mismatch, score_verified, alerts, follow_up_due, dealer
         FROM responses WHERE id = ?1",
        [id],
        |r| {
            Ok(Stored {
                score: json(r.get(0)?),
                client_score: json(r.get(1)?),
                score_mismatch: r.get(2)?,
                score_verified: r.get(3)?,
                alerts: r.get(4)?,
                follow_up_due: r.get(5)?,
                dealer: r.get(6)?,
            })
        },
    )
    .expect("stored row")
}

/// The card survey-core computes for a payload of a built-in survey, the way the widget
/// does (independently of the collector's own code path).
fn card_for(payload: &Value) -> ScoreCard {
    let parsed = ResponsePayload::from_json(&payload.to_string()).expect("payload parses");
    let def = templates::load(parsed.survey.id.as_str())
        .expect("a built-in survey")
        .expect("a valid definition");
    score_at(
        &def,
        &parsed.answers,
        &def.scoring_config(),
        &parsed.created_at,
    )
}

fn card_json(card: &ScoreCard) -> Value {
    serde_json::to_value(card).expect("card JSON")
}

/// The post-service template as JSON, read independently of survey-core's types.
fn template() -> Value {
    serde_json::from_str(survey_core::templates::POST_SERVICE).expect("template JSON")
}

/// A complete valid post-service response: every required question answered, the
/// first question that offers "not applicable" answered with it.
fn valid_payload(id: &str) -> Value {
    let mut answers = serde_json::Map::new();
    let mut used_na = false;
    for page in template()["pages"].as_array().expect("pages") {
        for q in page["questions"].as_array().expect("questions") {
            if q["required"] != json!(true) {
                continue;
            }
            let input = &q["input"];
            let answer = if input["allow_na"] == json!(true) && !used_na {
                used_na = true;
                json!("not_applicable")
            } else {
                match input["type"].as_str() {
                    Some("rating") => json!({ "scale": 4 }),
                    Some("yes_no") => json!({ "yes_no": true }),
                    Some("nps") => json!({ "scale": 9 }),
                    Some("text") => json!({ "text": "ok" }),
                    other => panic!("unknown input type {other:?}"),
                }
            };
            answers.insert(q["id"].as_str().expect("question id").to_string(), answer);
        }
    }
    assert!(used_na, "the template should offer a not-applicable answer");
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

fn assert_rfc3339(s: &str) {
    assert!(
        survey_core::payload::is_rfc3339_utc(s),
        "not RFC 3339 UTC: {s:?}"
    );
}

#[test]
fn startup_line_names_the_real_port() {
    let c = Collector::start();
    let port: u16 = c
        .addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert_ne!(port, 0);
    assert_eq!(c.url, format!("http://127.0.0.1:{port}/"));
    assert_eq!(c.get("/healthz").text(), "ok");
}

#[test]
fn valid_post_is_stored_once_with_the_answers_sent() {
    let c = Collector::start();
    let id = new_id();
    let payload = valid_payload(&id);
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    assert_eq!(body["id"], json!(id));
    assert_eq!(body["duplicate"], json!(false));
    assert_eq!(body["score_mismatch"], json!(false));
    assert_eq!(body["alerts"], json!(0));
    assert_rfc3339(body["received_at"].as_str().expect("received_at"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));

    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&id), payload["answers"]);
    let (survey, version, locale, created, context, received): (String, i64, String, String, String, String) = c
        .db()
        .query_row(
            "SELECT survey_id, survey_version, locale, created_at, context, received_at FROM responses WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .expect("row");
    assert_eq!(
        (survey.as_str(), version, locale.as_str(), created.as_str()),
        ("post-service", 1, "zh-CN", "2026-11-23T10:00:00Z")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&context).ok(),
        Some(json!({ "dealer": "D001" }))
    );
    assert_eq!(json!(received), body["received_at"]);
}

#[test]
fn a_retry_is_a_duplicate_with_the_original_receipt() {
    let c = Collector::start();
    let id = new_id();
    let payload = valid_payload(&id);
    let first = c.post(&payload);
    assert_eq!(first.status, 201, "{}", first.text());
    thread::sleep(Duration::from_millis(20));
    let again = c.post(&payload);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["duplicate"], json!(true));
    assert_eq!(again.json()["id"], json!(id));
    assert_eq!(again.json()["received_at"], first.json()["received_at"]);
    assert_eq!(c.rows(), 1);
}

#[test]
fn same_id_with_other_answers_is_a_conflict() {
    let c = Collector::start();
    let id = new_id();
    let payload = valid_payload(&id);
    assert_eq!(c.post(&payload).status, 201);
    let mut changed = payload.clone();
    changed["answers"]["s_overall"] = json!({ "scale": 1 });
    let r = c.post(&changed);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(
        r.error(),
        format!("response {id} was already received with different content")
    );
    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&id), payload["answers"]);
}

#[test]
fn concurrent_retries_store_one_row() {
    let c = Collector::start();
    let id = new_id();
    let body = valid_payload(&id).to_string();
    let statuses: Vec<u16> = thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| c.post_raw("application/json", body.as_bytes()).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(c.rows(), 1);
}

#[test]
fn malformed_json_is_refused_with_the_parser_reason() {
    let c = Collector::start();
    let r = c.post_raw(
        "application/json",
        br#"{"format": "survey-response/1", "id": "#,
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("line 1"), "{}", r.error());
    let r = c.post_raw("application/json", b"");
    assert_eq!(r.status, 400);
    assert!(!r.error().is_empty());
    let r = c.post_raw("application/json", b"{\"format\": \"\xff\xfe\"}");
    assert_eq!(r.status, 400);
    assert!(r.error().contains("not UTF-8"), "{}", r.error());
    assert_eq!(c.rows(), 0);
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let c = Collector::start();
    let mut payload = valid_payload(&new_id());
    payload["answers"]["comment"] = json!({ "text": "x".repeat(70_000) });
    let r = c.post(&payload);
    assert_eq!(r.status, 413);
    let reason = r.error();
    assert!(
        reason.starts_with("body is 7") && reason.ends_with("bytes, limit is 65536"),
        "{reason}"
    );

    // Without Content-Length (chunked), the limit still holds while reading.
    let chunk = "y".repeat(70_000);
    let raw = format!(
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let r = exchange(&c.addr, raw.as_bytes());
    assert_eq!(r.status, 413);
    assert_eq!(r.error(), "body is over 65536 bytes, limit is 65536");
    assert_eq!(c.rows(), 0);
}

#[test]
fn a_smaller_configured_limit_applies() {
    let c = Collector::start_with(&["--max-body", "100"]);
    let r = c.post(&valid_payload(&new_id()));
    assert_eq!(r.status, 413);
    assert!(r.error().ends_with("limit is 100"), "{}", r.error());
    assert_eq!(c.rows(), 0);
}

#[test]
fn a_missing_field_is_named() {
    let c = Collector::start();
    let mut payload = valid_payload(&new_id());
    payload.as_object_mut().expect("object").remove("answers");
    let r = c.post(&payload);
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("missing field `answers`"),
        "{}",
        r.error()
    );

    let mut extra = valid_payload(&new_id());
    extra["tracking"] = json!("x");
    let r = c.post(&extra);
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("unknown field `tracking`"),
        "{}",
        r.error()
    );
    assert_eq!(c.rows(), 0);
}

#[test]
fn an_unknown_question_is_unprocessable() {
    let c = Collector::start();
    let mut payload = valid_payload(&new_id());
    payload["answers"]["q_bogus"] = json!({ "scale": 3 });
    let r = c.post(&payload);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.error().contains("answers.q_bogus"), "{}", r.error());
    assert!(
        r.error().contains("has no question \"q_bogus\""),
        "{}",
        r.error()
    );
    assert_eq!(c.rows(), 0);
}

#[test]
fn an_out_of_range_answer_is_unprocessable() {
    let c = Collector::start();
    let mut payload = valid_payload(&new_id());
    payload["answers"]["s_overall"] = json!({ "scale": 6 });
    let r = c.post(&payload);
    assert_eq!(r.status, 422);
    assert_eq!(r.error(), "answers.s_overall: must be between 1 and 5");

    let mut missing = valid_payload(&new_id());
    missing["answers"]
        .as_object_mut()
        .expect("answers")
        .remove("nps");
    let r = c.post(&missing);
    assert_eq!(r.status, 422);
    assert_eq!(r.error(), "answers.nps: an answer is required");
    assert_eq!(c.rows(), 0);
}

#[test]
fn an_unknown_survey_is_checked_structurally_and_stored() {
    let c = Collector::start();
    let mut payload = valid_payload(&new_id());
    payload["survey"] = json!({ "id": "dealer-own", "version": 3 });
    payload["answers"] = json!({ "anything": { "text": "fine" } });
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());

    let mut bad = payload.clone();
    bad["id"] = json!(new_id());
    bad["locale"] = json!("not a tag");
    let r = c.post(&bad);
    assert_eq!(r.status, 422);
    assert!(r.error().starts_with("locale:"), "{}", r.error());
    assert_eq!(c.rows(), 1);
}

#[test]
fn a_wrong_content_type_is_unsupported() {
    let c = Collector::start();
    let body = valid_payload(&new_id()).to_string();
    let r = c.post_raw("text/plain", body.as_bytes());
    assert_eq!(r.status, 415);
    assert!(r.error().contains("application/json"), "{}", r.error());
    let r = request(&c.addr, "POST", "/v1/responses", &[], body.as_bytes());
    assert_eq!(r.status, 415);
    assert_eq!(
        c.post_raw("application/json; charset=utf-8", body.as_bytes())
            .status,
        201
    );
    assert_eq!(c.rows(), 1);
}

#[test]
fn the_idempotency_key_must_match_the_id() {
    let c = Collector::start();
    let id = new_id();
    let body = valid_payload(&id).to_string();
    let other = new_id();
    let r = request(
        &c.addr,
        "POST",
        "/v1/responses",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &other),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("Idempotency-Key"), "{}", r.error());
    assert_eq!(c.rows(), 0);

    let upper = id.to_ascii_uppercase();
    let r = request(
        &c.addr,
        "POST",
        "/v1/responses",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &upper),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(c.rows(), 1);
}

#[test]
fn the_server_keeps_serving_after_bad_requests() {
    let mut c = Collector::start();
    let addr = c.addr.clone();
    // Non-ASCII in created_at (survey-core slices it by bytes).
    let mut odd_time = valid_payload(&new_id());
    odd_time["created_at"] = json!("2026-11-23T10:00:0é0Z");
    assert_eq!(c.post(&odd_time).status, 422);
    // Garbage, wrong types, deep nesting, a huge declared length, a broken request line.
    assert_eq!(c.post_raw("application/json", b"[1,2,3]").status, 400);
    assert_eq!(c.post_raw("application/json", b"{\"id\": 12}").status, 400);
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(c.post_raw("application/json", deep.as_bytes()).status, 400);
    let huge = b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: 1000000000000\r\n\r\n{}";
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    s.write_all(huge).expect("send");
    let mut head = [0u8; 12];
    s.read_exact(&mut head).expect("status line");
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(s);
    // The log line comes after the connection is dealt with; a server that tried to
    // drain the declared trillion bytes would have aborted before writing it.
    c.wait_for_log("POST /v1/responses 413 ");
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(b"NOT A REQUEST\r\n\r\n").expect("send");
    drop(s);
    // Clients that hang up mid-body.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"a\"")
        .expect("send");
    drop(s);

    let id = new_id();
    let r = c.post(&valid_payload(&id));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(c.rows(), 1);
    assert_eq!(c.get("/healthz").status, 200);
    assert!(
        matches!(c.child.try_wait(), Ok(None)),
        "the collector exited"
    );
}

#[test]
fn cors_lets_any_origin_post_but_not_read() {
    let c = Collector::start();
    let r = request(
        &c.addr,
        "OPTIONS",
        "/v1/responses",
        &[
            ("Origin", "https://dealer.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type, idempotency-key",
            ),
        ],
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        r.header("Access-Control-Allow-Methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Headers"),
        Some("Content-Type, Idempotency-Key, *"),
        "a dealer's own routing headers pass the preflight"
    );
    assert_eq!(r.header("Access-Control-Max-Age"), Some("600"));
    assert_eq!(
        r.header("Access-Control-Expose-Headers"),
        Some("Retry-After")
    );
    assert_eq!(r.header("Access-Control-Allow-Credentials"), None);
    assert!(r.body.is_empty());

    let star = exchange(
        &c.addr,
        b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(star.status, 204);
    // A refused post still carries CORS, so the widget can read the reason.
    let refused = c.post_raw("text/plain", b"x");
    assert_eq!(refused.status, 415);
    assert_eq!(refused.header("Access-Control-Allow-Origin"), Some("*"));
    // Stored answers are not readable cross-origin: no CORS on the read endpoints.
    for r in [
        c.get("/v1/responses"),
        c.get("/v1/responses.csv"),
        c.get("/healthz"),
        c.get("/nope"),
    ] {
        assert_eq!(
            r.header("Access-Control-Allow-Origin"),
            None,
            "status {}",
            r.status
        );
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    }
    assert_eq!(refused.header("X-Content-Type-Options"), Some("nosniff"));
}

#[test]
fn responses_are_listed_as_json_in_received_order() {
    let c = Collector::start();
    let (a, b) = (new_id(), new_id());
    let (pa, pb) = (valid_payload(&a), valid_payload(&b));
    assert_eq!(c.post(&pa).status, 201);
    assert_eq!(c.post(&pb).status, 201);
    let mut other = valid_payload(&new_id());
    other["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&other).status, 201);

    let r = c.get("/v1/responses?survey=post-service");
    assert_eq!(r.status, 200);
    let list = r.json();
    let items = list.as_array().expect("array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], json!(a));
    assert_eq!(items[1]["id"], json!(b));
    assert_eq!(items[0]["payload"], pa);
    assert_eq!(items[1]["payload"], pb);
    assert_rfc3339(items[0]["received_at"].as_str().expect("received_at"));

    assert_eq!(
        c.get("/v1/responses").json().as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(c.get("/v1/responses?survey=none").json(), json!([]));
}

#[test]
fn csv_export_has_the_columns_and_defuses_formulas() {
    let c = Collector::start();
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["comment"] =
        json!({ "text": "=HYPERLINK(\"http://evil.example\",\"click\")" });
    assert_eq!(c.post(&payload).status, 201, "{}", c.log());

    let r = c.get("/v1/responses.csv");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    let text = r.text();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{text}");

    let mut expected = vec![
        "id",
        "received_at",
        "survey_id",
        "survey_version",
        "locale",
        "created_at",
        "mode",
        "csi",
        "nps_category",
        "alerts",
        "follow_up_due",
        "score_mismatch",
        "context.dealer",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    // One column per question answered in some row, in the survey's own order
    // (the optional follow-up and contact questions were left unanswered here).
    let answered = c.get("/v1/responses").json()[0]["payload"]["answers"].clone();
    for page in template()["pages"].as_array().expect("pages") {
        for q in page["questions"].as_array().expect("questions") {
            let id = q["id"].as_str().expect("id");
            if answered.get(id).is_some() {
                expected.push(format!("answer.{id}"));
            }
        }
    }
    assert!(expected.len() > 20, "most questions have a column");
    assert_eq!(lines[0], expected.join(","));

    let received = c.get("/v1/responses").json()[0]["received_at"].clone();
    let row = lines[1];
    let csi = card_for(&payload).csi.expect("a CSI");
    let prefix = format!(
        "{id},{},post-service,1,zh-CN,2026-11-23T10:00:00Z,page,{csi:.1},promoter,0,,false,D001,yes,yes,yes,n/a,",
        received.as_str().expect("received_at")
    );
    assert!(row.starts_with(&prefix), "{row}\nexpected prefix {prefix}");
    assert!(
        row.ends_with(",9,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{row}"
    );
    assert_eq!(lines[2], "");
}

#[test]
fn the_widget_is_served_and_traversal_refused() {
    let c = Collector::start();
    let r = c.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), INDEX_HTML);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let wasm = c.get("/pkg/app.wasm");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("Content-Type"), Some("application/wasm"));
    assert_eq!(wasm.body, b"\0asm");

    for path in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/%2f..%2fsecret.txt",
        "/index.html%00",
    ] {
        let r = c.get(path);
        assert!(matches!(r.status, 400 | 404), "{path} gave {}", r.status);
        assert!(!r.text().contains(SECRET), "{path} leaked the file");
    }
    assert_eq!(c.get("/missing.js").status, 404);
}

#[test]
fn unknown_routes_and_wrong_methods() {
    let c = Collector::start();
    let r = c.get("/v1/nothing");
    assert_eq!(r.status, 404);
    assert_eq!(r.error(), "no such endpoint");
    assert_eq!(c.get("/no/such/page").status, 404);
    let r = request(&c.addr, "DELETE", "/v1/responses", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD, POST, OPTIONS"));
    let r = request(&c.addr, "POST", "/healthz", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD, OPTIONS"));
    let r = request(&c.addr, "PUT", "/v1/responses.csv", &[], b"");
    assert_eq!(r.status, 405);
}

#[test]
fn one_log_line_per_request_without_query_values() {
    let c = Collector::start();
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    assert_eq!(c.get("/v1/responses?survey=secret-dealer-name").status, 200);
    c.wait_for_log("POST /v1/responses 201 ");
    c.wait_for_log("GET /v1/responses 200 ");
    assert!(!c.log().contains("secret-dealer-name"), "{}", c.log());
}

#[test]
fn bad_arguments_fail_fast() {
    let out = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["--max-body", "lots"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-body"));
}

/// `valid_payload` with another NPS answer, dealer and submission time.
fn payload_with(nps: u8, dealer: &str, created_at: &str) -> Value {
    let mut p = valid_payload(&new_id());
    p["answers"]["nps"] = json!({ "scale": nps });
    p["context"]["dealer"] = json!(dealer);
    p["created_at"] = json!(created_at);
    p
}

#[test]
fn an_honest_client_card_is_stored_and_matches() {
    let c = Collector::start();
    let id = new_id();
    let mut payload = valid_payload(&id);
    let card = card_for(&payload);
    payload["score"] = card_json(&card);
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(false));
    assert_eq!(r.json()["alerts"], json!(0));

    let s = c.stored_scores(&id);
    assert_eq!(s.score, Some(card_json(&card)));
    assert_eq!(s.client_score, Some(card_json(&card)));
    assert_eq!((s.score_mismatch, s.score_verified, s.alerts), (0, 1, 0));
    assert_eq!(s.follow_up_due, None);
    assert_eq!(s.dealer.as_deref(), Some("D001"));
    assert!(card.csi.is_some(), "the valid payload scores a CSI");

    let item = &c.get("/v1/responses").json()[0];
    assert_eq!(item["score"], card_json(&card));
    assert_eq!(item["client_score"], card_json(&card));
    assert_eq!(item["score_mismatch"], json!(false));
    assert_eq!(item["payload"], payload);

    // Honest cards with all sorts of fractions survive the JSON round trip exactly.
    for i in 0..40_u64 {
        let mut p = valid_payload(&new_id());
        for (k, q) in [
            "s_wait_reception",
            "s_explanation",
            "s_fair_price",
            "s_clean",
            "s_duration",
            "s_quality",
            "s_advisor",
        ]
        .into_iter()
        .enumerate()
        {
            p["answers"][q] = json!({ "scale": 1 + (i * 7 + k as u64 * (i % 5 + 1)) % 5 });
        }
        // Sevenths and the like: process compliance over 7 answered steps.
        let steps = [
            "p_appointment",
            "p_cost_estimate",
            "p_time_estimate",
            "p_inspect_invite",
            "p_advice",
            "p_on_time",
            "p_all_done",
        ];
        for (k, q) in steps.into_iter().enumerate() {
            p["answers"][q] = json!({ "yes_no": (i >> (k % 6)) & 1 == 1 || k == 6 });
        }
        p["answers"]["p_fixed_first_time"] = json!("not_applicable");
        p["score"] = card_json(&card_for(&p));
        let r = c.post(&p);
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(
            r.json()["score_mismatch"],
            json!(false),
            "{}",
            p["score"]["process"]
        );
    }
    assert!(!c.log().contains("score mismatch"), "{}", c.log());
}

#[test]
fn a_tampered_client_card_is_flagged_but_stored() {
    let c = Collector::start();
    // A better CSI than the answers give.
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["comment"] = json!({ "text": "CUSTOMER-WORDS" });
    let server = card_for(&payload);
    let mut lie = card_json(&server);
    lie["csi"] = json!(100.0);
    payload["score"] = lie.clone();
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(true));
    let s = c.stored_scores(&id);
    assert_eq!(s.score, Some(card_json(&server)));
    assert_eq!(s.client_score, Some(lie.clone()));
    assert_eq!((s.score_mismatch, s.score_verified), (1, 1));
    assert_eq!(c.stored_answers(&id), payload["answers"]);
    let line = format!(
        "score mismatch for response {id}: client csi=100 server csi={}",
        server.csi.expect("a CSI")
    );
    c.wait_for_line(&line);
    assert!(!c.log().contains("CUSTOMER-WORDS"));
    assert!(!c.log().contains("D001"));

    // A retry of exactly this is a duplicate, still flagged; another card is a conflict.
    let again = c.post(&payload);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["score_mismatch"], json!(true));
    let mut other = payload.clone();
    other["score"] = card_json(&server);
    assert_eq!(c.post(&other).status, 409);

    // A detractor whose card hides the alert: the server's alert and deadline stand.
    let hidden = new_id();
    let mut detractor = valid_payload(&hidden);
    detractor["answers"]["nps"] = json!({ "scale": 2 });
    let server = card_for(&detractor);
    assert_eq!(server.alerts.len(), 1);
    let mut lie = card_json(&server);
    lie["alerts"] = json!([]);
    lie["follow_up_due"] = Value::Null;
    detractor["score"] = lie.clone();
    let r = c.post(&detractor);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(true));
    assert_eq!(r.json()["alerts"], json!(1));
    let s = c.stored_scores(&hidden);
    assert_eq!(s.score, Some(card_json(&server)));
    assert_eq!(s.client_score, Some(lie));
    assert_eq!((s.score_mismatch, s.alerts), (1, 1));
    assert_eq!(s.follow_up_due.as_deref(), Some("2026-11-25T10:00:00Z"));
    assert_eq!(c.rows(), 2);

    let items = c.get("/v1/responses").json();
    assert_eq!(items[0]["score_mismatch"], json!(true));
    assert_eq!(items[0]["score"], card_json(&card_for(&payload)));
    assert_eq!(items[0]["client_score"]["csi"], json!(100.0));
}

#[test]
fn a_detractor_raises_an_alert_due_in_48_hours() {
    let c = Collector::start();
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["nps"] = json!({ "scale": 3 });
    payload["created_at"] = json!("2026-12-31T23:30:00.250Z");
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["alerts"], json!(1));
    assert_eq!(r.json()["score_mismatch"], json!(false));

    let s = c.stored_scores(&id);
    let score = s.score.expect("a server card");
    assert_eq!(
        score["alerts"],
        json!([{ "rule": "nps_detractor", "question": "nps", "detail": "3 of 10" }])
    );
    assert_eq!(score["follow_up_due"], json!("2027-01-02T23:30:00.250Z"));
    assert_eq!(s.follow_up_due.as_deref(), Some("2027-01-02T23:30:00.250Z"));
    assert_eq!(s.alerts, 1);
    assert_eq!(s.client_score, None);
    assert_eq!(s.score_mismatch, 0);
    assert_eq!(score, card_json(&card_for(&payload)));

    let item = &c.get("/v1/responses").json()[0];
    assert_eq!(item["client_score"], Value::Null);
    assert_eq!(
        item["score"]["follow_up_due"],
        json!("2027-01-02T23:30:00.250Z")
    );
    let csv = c.get("/v1/responses.csv").text();
    assert!(
        csv.contains(",detractor,1,2027-01-02T23:30:00.250Z,false,"),
        "{csv}"
    );
}

#[test]
fn an_unknown_survey_keeps_the_client_card_unverified() {
    let c = Collector::start();
    let id = new_id();
    let mut payload = valid_payload(&id);
    let card = card_json(&card_for(&payload));
    payload["survey"] = json!({ "id": "dealer-own", "version": 3 });
    payload["answers"] = json!({ "anything": { "scale": 9 } });
    payload["score"] = card.clone();
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(false));
    assert_eq!(r.json()["alerts"], json!(0));
    let s = c.stored_scores(&id);
    assert_eq!(s.score, None);
    assert_eq!(s.client_score, Some(card.clone()));
    assert_eq!((s.score_mismatch, s.score_verified, s.alerts), (0, 0, 0));
    let item = &c.get("/v1/responses").json()[0];
    assert_eq!(item["score"], Value::Null);
    assert_eq!(item["client_score"], card);
    let summary = c.get("/v1/summary").json();
    assert_eq!(summary["unverified"], json!(1));
    assert_eq!(summary["summary"]["n"], json!(0));
}

#[test]
fn summary_of_twenty_responses_has_the_nps_interval() {
    let c = Collector::start();
    // 10 promoters, 6 passives, 4 detractors; half of them carry the client's card.
    let answers = [
        9, 10, 9, 10, 9, 10, 9, 10, 9, 10, 7, 8, 7, 8, 7, 8, 0, 3, 5, 6,
    ];
    let mut cards = Vec::new();
    for (i, nps) in answers.into_iter().enumerate() {
        let mut p = payload_with(nps, "D1", "2026-11-23T10:00:00Z");
        let card = card_for(&p);
        if i % 2 == 0 {
            p["score"] = card_json(&card);
        }
        assert_eq!(c.post(&p).status, 201);
        cards.push(card);
    }
    let r = c.get("/v1/summary");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    let body = r.json();
    assert_eq!(
        body["filter"],
        json!({ "survey": null, "dealer": null, "from": null, "to": null })
    );
    assert_eq!(body["unverified"], json!(0));
    assert_eq!(body["score_mismatches"], json!(0));
    let nps = &body["summary"]["nps"];
    assert_eq!(
        (
            &nps["n"],
            &nps["promoters"],
            &nps["passives"],
            &nps["detractors"]
        ),
        (&json!(20), &json!(10), &json!(6), &json!(4))
    );
    let f = |v: &Value| v.as_f64().expect("a number");
    assert!((f(&nps["nps"]) - 30.0).abs() < 1e-9, "{nps}");
    assert!((f(&nps["adjusted"]) - 26.1).abs() < 0.05, "{nps}");
    assert!((f(&nps["low"]) - -5.7).abs() < 0.05, "{nps}");
    assert!((f(&nps["high"]) - 57.9).abs() < 0.05, "{nps}");
    assert_eq!(body["summary"]["n"], json!(20));
    assert_eq!(body["summary"]["responses_with_alerts"], json!(4));
    // Exactly survey-core's aggregate of the cards the widget would compute.
    assert_eq!(
        body["summary"],
        serde_json::to_value(aggregate(&cards)).expect("summary JSON")
    );
}

#[test]
fn summary_filters_by_dealer_date_and_survey() {
    let c = Collector::start();
    for (dealer, at) in [
        ("D1", "2026-11-20T09:00:00Z"),
        ("D1", "2026-11-21T09:00:00Z"),
        ("D1", "2026-11-22T09:00:00Z"),
        ("D2", "2026-11-21T15:00:00Z"),
        ("D2", "2026-11-23T09:00:00Z"),
    ] {
        let r = c.post(&payload_with(9, dealer, at));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let mut own = payload_with(9, "D1", "2026-11-21T12:00:00Z");
    own["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&own).status, 201);
    // A tampered card for D2 on the 23rd.
    let mut lie = payload_with(9, "D2", "2026-11-23T10:00:00Z");
    let mut card = card_json(&card_for(&lie));
    card["csi"] = json!(100.0);
    lie["score"] = card;
    assert_eq!(c.post(&lie).status, 201);

    let counts = |query: &str| -> (u64, u64, u64) {
        let r = c.get(&format!("/v1/summary{query}"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        let b = r.json();
        let n = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("{query}: {b}"));
        (
            n(&b["summary"]["n"]),
            n(&b["unverified"]),
            n(&b["score_mismatches"]),
        )
    };
    assert_eq!(counts(""), (6, 1, 1));
    assert_eq!(counts("?dealer=D1"), (3, 1, 0));
    assert_eq!(counts("?dealer=D2"), (3, 0, 1));
    assert_eq!(counts("?dealer=D3"), (0, 0, 0));
    assert_eq!(counts("?from=2026-11-21"), (5, 1, 1));
    assert_eq!(counts("?to=2026-11-21"), (1, 0, 0));
    assert_eq!(counts("?from=2026-11-21&to=2026-11-22"), (2, 1, 0));
    assert_eq!(counts("?dealer=D1&from=2026-11-21"), (2, 1, 0));
    assert_eq!(counts("?dealer=D2&to=2026-11-23"), (1, 0, 0));
    // From is inclusive, to exclusive, offsets are honoured (23:00+08:00 is 15:00Z).
    assert_eq!(counts("?dealer=D2&to=2026-11-21T15:00:00Z"), (0, 0, 0));
    assert_eq!(counts("?dealer=D2&to=2026-11-21T15:00:00.001Z"), (1, 0, 0));
    assert_eq!(counts("?from=2026-11-21T23:00:00%2B08:00"), (4, 0, 1));
    assert_eq!(counts("?survey=post-service"), (6, 0, 1));
    assert_eq!(counts("?survey=dealer-own"), (0, 1, 0));
    assert_eq!(counts("?survey=dealer-own&dealer=D2"), (0, 0, 0));

    let body = c
        .get("/v1/summary?survey=post-service&dealer=D%201&from=2026-11-21T23:00:00%2B08:00")
        .json();
    assert_eq!(
        body["filter"],
        json!({ "survey": "post-service", "dealer": "D 1",
                "from": "2026-11-21T15:00:00Z", "to": null })
    );
    assert_eq!(body["summary"]["nps"], Value::Null);
}

#[test]
fn bad_summary_filters_are_refused() {
    let c = Collector::start();
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    for (query, parameter) in [
        ("from=2026-13-01", "from"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
        ("to=2026-11-23T10:00", "to"),
        ("from=2026-11-23%2010:00:00Z", "from"),
        ("dealer=%ff", "dealer"),
        ("dealer=", "dealer"),
        ("survey=not%20an%20id", "survey"),
        ("survey=a&survey=b", "survey"),
        ("dealr=D1", "dealr"),
    ] {
        let r = c.get(&format!("/v1/summary?{query}"));
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        let reason = r.error();
        assert!(reason.contains(parameter), "{query}: {reason}");
        assert!(!reason.contains('\n'));
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    }
    let r = request(&c.addr, "POST", "/v1/summary", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD, OPTIONS"));
    let r = request(&c.addr, "OPTIONS", "/v1/summary", &[], b"");
    assert_eq!(r.status, 204);
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    c.wait_for_log("GET /v1/summary 400 ");
    assert!(!c.log().contains("dealr"), "{}", c.log());
}

/// The schema before scores were stored, exactly as the first collector created it.
const OLD_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS responses (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    received_at    TEXT NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    locale         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    context        TEXT NOT NULL, -- JSON object of strings
    answers        TEXT NOT NULL, -- JSON object keyed by question id
    payload        TEXT NOT NULL  -- canonical JSON of the whole payload
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
";

/// Removes a directory when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn columns(db: &Connection) -> Vec<String> {
    let mut stmt = db
        .prepare("PRAGMA table_info(responses)")
        .expect("table_info");
    let names = stmt
        .query_map([], |r| r.get::<_, String>(1))
        .expect("columns");
    names.map(|n| n.expect("column name")).collect()
}

#[test]
fn an_old_database_is_migrated_on_start() {
    let dir = TempDir(std::env::temp_dir().join(format!("collector-old-{:x}", unique())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    let path = dir.0.join("old.sqlite");
    let db_arg = path.to_str().expect("UTF-8 path").to_string();

    // A database written by the previous collector: a detractor to a built-in survey and
    // a response to a dealer's own survey, stored the way it stored them.
    let old_id = new_id();
    let mut old = valid_payload(&old_id);
    old["answers"]["nps"] = json!({ "scale": 2 });
    let own_id = new_id();
    let mut own = valid_payload(&own_id);
    own["survey"] = json!({ "id": "dealer-own", "version": 1 });
    {
        let db = Connection::open(&path).expect("create old db");
        db.execute_batch(OLD_SCHEMA).expect("old schema");
        for p in [&old, &own] {
            let parsed = ResponsePayload::from_json(&p.to_string()).expect("payload");
            db.execute(
                "INSERT INTO responses
                     (id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload)
                 VALUES (?1, '2026-11-23T10:00:01.000Z', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    p["id"].as_str(),
                    p["survey"]["id"].as_str(),
                    p["survey"]["version"].as_i64(),
                    p["locale"].as_str(),
                    p["created_at"].as_str(),
                    p["context"].to_string(),
                    serde_json::to_string(&parsed.answers).expect("answers"),
                    serde_json::to_string(&parsed).expect("canonical payload"),
                ],
            )
            .expect("old row");
        }
        assert!(!columns(&db).contains(&"score".to_string()));
    }

    let c = Collector::start_with(&["--db", &db_arg]);
    let db = Connection::open(&path).expect("open migrated db");
    let cols = columns(&db);
    for name in [
        "seq",
        "id",
        "received_at",
        "survey_id",
        "survey_version",
        "locale",
        "created_at",
        "context",
        "answers",
        "payload",
        "score",
        "client_score",
        "score_mismatch",
        "score_verified",
        "alerts",
        "follow_up_due",
        "dealer",
        "token",
    ] {
        assert!(
            cols.iter().any(|c| c == name),
            "no column {name} in {cols:?}"
        );
    }
    // The old rows were rescored where the collector knows the survey.
    let s = stored_scores(&db, &old_id);
    assert_eq!(s.score, Some(card_json(&card_for(&old))));
    assert_eq!((s.score_mismatch, s.score_verified, s.alerts), (0, 1, 1));
    assert_eq!(s.follow_up_due.as_deref(), Some("2026-11-25T10:00:00Z"));
    assert_eq!(s.dealer.as_deref(), Some("D001"));
    let s = stored_scores(&db, &own_id);
    assert_eq!((s.score, s.score_verified), (None, 0));
    assert_eq!(s.dealer.as_deref(), Some("D001"));

    // Retrying an old response is still a duplicate; new ones are stored with scores.
    let again = c.post(&old);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(
        again.json()["received_at"],
        json!("2026-11-23T10:00:01.000Z")
    );
    assert_eq!(again.json()["alerts"], json!(1));
    let new = new_id();
    assert_eq!(c.post(&valid_payload(&new)).status, 201);
    assert_eq!(stored_scores(&db, &new).score_verified, 1);
    let summary = c.get("/v1/summary?dealer=D001").json();
    assert_eq!(
        (&summary["summary"]["n"], &summary["unverified"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(
        c.get("/v1/responses").json().as_array().map(Vec::len),
        Some(3)
    );
    drop(c);

    // Starting again on the migrated database changes nothing.
    let c = Collector::start_with(&["--db", &db_arg]);
    assert_eq!(columns(&db), cols);
    assert_eq!(c.get("/v1/summary").json()["summary"]["n"], json!(2));
}

// ---- A survey link (context.token) is answered once -------------------------------

const LINK_ANSWERED: &str = "this survey link has already been answered";

fn payload_with_token(id: &str, token: &str) -> Value {
    let mut p = valid_payload(id);
    p["context"] = json!({
        "dealer": "D001",
        "repair_order": "RO-2026-1182",
        "advisor": "A07",
        "visit_date": "2026-11-23",
        "token": token,
    });
    p
}

fn stored_token(c: &Collector, id: &str) -> Option<String> {
    c.db()
        .query_row("SELECT token FROM responses WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("stored row")
}

#[test]
fn a_survey_link_is_answered_once() {
    let c = Collector::start();
    let (first, second) = (new_id(), new_id());
    let answered = payload_with_token(&first, "tkn.AbC-123_x");
    let r = c.post(&answered);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(stored_token(&c, &first).as_deref(), Some("tkn.AbC-123_x"));

    // A second response (a new id) through the same link: refused, nothing stored,
    // and the refusal still carries CORS so the widget can show the reason.
    let mut again = payload_with_token(&second, "tkn.AbC-123_x");
    again["answers"]["nps"] = json!({ "scale": 0 });
    let r = c.post(&again);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json(), json!({ "error": LINK_ANSWERED }));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(c.rows(), 1);

    // The first response again is a retry: 200 with the original receipt.
    let retry = c.post(&answered);
    assert_eq!(retry.status, 200, "{}", retry.text());
    assert_eq!(retry.json()["duplicate"], json!(true));
    // The first id with other content is the id conflict it always was.
    let mut changed = answered.clone();
    changed["answers"]["nps"] = json!({ "scale": 1 });
    let r = c.post(&changed);
    assert_eq!(r.status, 409);
    assert_eq!(
        r.error(),
        format!("response {first} was already received with different content")
    );
    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&first), answered["answers"]);
}

#[test]
fn tokens_are_per_survey_and_responses_without_one_are_unlimited() {
    let c = Collector::start();
    assert_eq!(c.post(&payload_with_token(&new_id(), "T1")).status, 201);
    // Tokens are case-sensitive, opaque strings.
    assert_eq!(c.post(&payload_with_token(&new_id(), "t1")).status, 201);
    assert_eq!(c.post(&payload_with_token(&new_id(), "T2")).status, 201);
    // The same token on another survey is another link.
    let mut other = payload_with_token(&new_id(), "T1");
    other["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&other).status, 201, "{}", c.log());
    // No token, or an empty one: no limit (a kiosk, the plain demo page).
    for _ in 0..2 {
        assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
        assert_eq!(c.post(&payload_with_token(&new_id(), "")).status, 201);
    }
    assert_eq!(c.rows(), 8);
    let r = c.post(&payload_with_token(&new_id(), "T2"));
    assert_eq!((r.status, r.error()), (409, LINK_ANSWERED.to_string()));
    assert_eq!(c.rows(), 8);
}

#[test]
fn concurrent_answers_through_one_link_store_one_row() {
    let c = Collector::start();
    let bodies: Vec<String> = (0..8)
        .map(|_| payload_with_token(&new_id(), "race-token").to_string())
        .collect();
    let statuses: Vec<u16> = thread::scope(|s| {
        let handles: Vec<_> = bodies
            .iter()
            .map(|b| s.spawn(|| c.post_raw("application/json", b.as_bytes()).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(c.rows(), 1);
}

#[test]
fn the_token_rule_is_in_the_database_schema() {
    let c = Collector::start();
    assert_eq!(c.post(&payload_with_token(&new_id(), "T9")).status, 201);
    let db = c.db();
    let sql: String = db
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'responses_one_per_token'",
            [],
            |r| r.get(0),
        )
        .expect("the index exists");
    assert!(sql.contains("UNIQUE"), "{sql}");
    assert!(sql.contains("WHERE token IS NOT NULL"), "{sql}");
    // Another tool writing the table directly meets the same rule.
    let raw = db.execute(
        "INSERT INTO responses (id, received_at, survey_id, survey_version, locale, created_at,
             context, answers, payload, token)
         VALUES ('x', 't', 'post-service', 1, 'en', 't', '{}', '{}', '{}', 'T9')",
        [],
    );
    assert!(raw.is_err(), "{raw:?}");
}

#[test]
fn an_old_database_with_a_reused_token_migrates_and_keeps_both_rows() {
    let dir = TempDir(std::env::temp_dir().join(format!("collector-tok-{:x}", unique())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    let path = dir.0.join("old.sqlite");
    let db_arg = path.to_str().expect("UTF-8 path").to_string();
    let (a, b, n) = (new_id(), new_id(), new_id());
    {
        let db = Connection::open(&path).expect("create old db");
        db.execute_batch(OLD_SCHEMA).expect("old schema");
        for id in [&a, &b, &n] {
            let p = if *id == n {
                valid_payload(id)
            } else {
                payload_with_token(id, "shared")
            };
            let parsed = ResponsePayload::from_json(&p.to_string()).expect("payload");
            db.execute(
                "INSERT INTO responses
                     (id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload)
                 VALUES (?1, '2026-11-23T10:00:01.000Z', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    id,
                    p["survey"]["id"].as_str(),
                    p["survey"]["version"].as_i64(),
                    p["locale"].as_str(),
                    p["created_at"].as_str(),
                    p["context"].to_string(),
                    serde_json::to_string(&parsed.answers).expect("answers"),
                    serde_json::to_string(&parsed).expect("canonical payload"),
                ],
            )
            .expect("old row");
        }
    }
    let c = Collector::start_with(&["--db", &db_arg]);
    let db = Connection::open(&path).expect("open migrated db");
    let token = |id: &str| -> Option<String> {
        db.query_row("SELECT token FROM responses WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("row")
    };
    assert_eq!(token(&a).as_deref(), Some("shared"));
    assert_eq!(token(&b), None);
    assert_eq!(token(&n), None);
    c.wait_for_line(&format!(
        "collector: migrating: stored response {b} reuses the survey link of an earlier response; both are kept"
    ));
    let r = c.post(&payload_with_token(&new_id(), "shared"));
    assert_eq!((r.status, r.error()), (409, LINK_ANSWERED.to_string()));
    assert_eq!(c.post(&payload_with_token(&a, "shared")).status, 200);
}

// ---- QR codes ----------------------------------------------------------------------

/// The dark modules of a served QR SVG as a grid of `side` × `side` modules, read from
/// its path (`M{x} {y}h{w}v{h}H{x}V{y}` rectangles in pixels of `px` per module).
fn svg_modules(svg: &str, px: usize) -> (usize, Vec<bool>) {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        svg[start..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    let (w, h) = (attr("width"), attr("height"));
    assert_eq!(w, h, "square");
    assert_eq!(w % px, 0);
    let side = w / px;
    let mut grid = vec![false; side * side];
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|ch: char| !ch.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("number"))
            .collect();
        let (x, y, rw, rh) = (nums[0] / px, nums[1] / px, nums[2] / px, nums[3] / px);
        for yy in y..y + rh {
            for xx in x..x + rw {
                grid[yy * side + xx] = true;
            }
        }
    }
    (side, grid)
}

#[test]
fn qr_svg_encodes_the_data_at_level_m_with_a_quiet_zone() {
    use qrcode::{Color, EcLevel, QrCode};
    let c = Collector::start();
    let link = "http://127.0.0.1:8080/?survey=post-service&dealer=D001&ro=RO-2026-1182&advisor=A07&visit=2026-11-23&lang=zh-CN&token=tkn.AbC-123_x";
    let encoded: String = link
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let r = c.get(&format!("/v1/qr.svg?data={encoded}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("image/svg+xml"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let svg = r.text();
    assert!(
        svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(!svg.contains("dealer") && !svg.contains("<script"));

    let expected = QrCode::with_error_correction_level(link, EcLevel::M).expect("encodes");
    let n = expected.width();
    let (side, grid) = svg_modules(&svg, 8);
    assert_eq!(side, n + 8, "four quiet modules on each side");
    let colors = expected.to_colors();
    for y in 0..side {
        for x in 0..side {
            let inside = (4..4 + n).contains(&x) && (4..4 + n).contains(&y);
            let dark = inside && colors[(y - 4) * n + (x - 4)] == Color::Dark;
            assert_eq!(grid[y * side + x], dark, "module ({x}, {y})");
        }
    }
    // Decoded as a form would send it: `+` is a space.
    let spaced = c.get("/v1/qr.svg?data=%E6%89%AB%E7%A0%81+scan");
    let expected = QrCode::with_error_correction_level("扫码 scan", EcLevel::M).expect("encodes");
    assert_eq!(svg_modules(&spaced.text(), 8).0, expected.width() + 8);
}

#[test]
fn qr_svg_refuses_missing_long_and_broken_data() {
    let c = Collector::start();
    let long = "a".repeat(1025);
    for (query, reason) in [
        ("", "the data parameter is missing"),
        ("?size=3", "the data parameter is missing"),
        ("?data=", "the data parameter is empty"),
        ("?data=%ff%fe", "the data parameter is not UTF-8"),
        (
            "?data=%4",
            "the data parameter is not valid percent-encoding",
        ),
        (
            &format!("?data={long}") as &str,
            "the data parameter is 1025 bytes, limit is 1024",
        ),
    ] {
        let r = c.get(&format!("/v1/qr.svg{query}"));
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.json(), json!({ "error": reason }), "{query}");
        assert_eq!(r.header("Content-Type"), Some("application/json"));
    }
    assert_eq!(
        c.get(&format!("/v1/qr.svg?data={}", "a".repeat(1024)))
            .status,
        200
    );
    let r = request(&c.addr, "POST", "/v1/qr.svg?data=x", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD, OPTIONS"));
    // PNG is not offered (it would need the `image` crate's tree).
    assert_eq!(c.get("/v1/qr.png?data=x").status, 404);
}

// ---- Headers on pages and public assets --------------------------------------------

const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'self'";

#[test]
fn pages_get_a_strict_csp_and_no_referrer() {
    let c = Collector::start();
    let dist = c.dir.join("dist");
    std::fs::create_dir_all(dist.join("static")).expect("static dir");
    std::fs::write(
        dist.join("static/qr.html"),
        "<!doctype html><title>qr</title>",
    )
    .expect("page");
    for path in ["/", "/index.html", "/static/qr.html"] {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("Content-Security-Policy"),
            Some(PAGE_CSP),
            "{path}"
        );
        assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"), "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
        assert_eq!(r.header("Cross-Origin-Resource-Policy"), None, "{path}");
    }
}

#[test]
fn public_assets_may_be_loaded_from_any_origin_but_the_api_may_not_be_read() {
    let c = Collector::start();
    let dist = c.dir.join("dist");
    std::fs::create_dir_all(dist.join("static")).expect("static dir");
    for (name, body) in [
        ("pkg/survey_widget.js", "export default 1;"),
        ("static/survey.css", ".sw{}"),
        ("static/survey-widget.js", "1"),
        ("static/favicon.svg", "<svg/>"),
        ("static/post-service.json", "{}"),
        ("static/notes.txt", "text"),
        ("secret.js", "1"),
    ] {
        std::fs::write(dist.join(name), body).expect("asset");
    }
    for path in [
        "/pkg/app.wasm",
        "/pkg/survey_widget.js",
        "/static/survey.css",
        "/static/survey-widget.js",
        "/static/favicon.svg",
        "/static/post-service.json",
    ] {
        let r = request(
            &c.addr,
            "GET",
            path,
            &[("Origin", "https://dealer.example")],
            b"",
        );
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"), "{path}");
        assert_eq!(
            r.header("Cross-Origin-Resource-Policy"),
            Some("cross-origin"),
            "{path}"
        );
        assert_eq!(r.header("Access-Control-Allow-Credentials"), None, "{path}");
        assert_eq!(r.header("Content-Security-Policy"), None, "{path}");
    }
    // Other files, the API's read endpoints and the QR codes stay same-origin.
    for path in [
        "/static/notes.txt",
        "/secret.js",
        "/v1/responses",
        "/v1/responses.csv",
        "/v1/summary",
        "/v1/qr.svg?data=x",
        "/healthz",
    ] {
        let r = request(
            &c.addr,
            "GET",
            path,
            &[("Origin", "https://dealer.example")],
            b"",
        );
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
        assert_eq!(r.header("Cross-Origin-Resource-Policy"), None, "{path}");
    }
}
