//! Hostile and broken clients, crashes and a sick database, against the real binary
//! over real sockets (issue 12, "What it must show"). Where the database matters each
//! test runs on SQLite and on PostgreSQL (`COLLECTOR_TEST_PG`, see
//! `support::backends`).
//!
//! No test asserts a wall-clock speed: latencies are printed (`--nocapture`), and the
//! only time bounds are generous ones that tell "answered or closed" from "hung".

mod support;

use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use support::{
    backends, connect, new_id, post_service_payload, read_response, request_bytes, spawn, tail,
    try_request, Backend, Collector, Opts, Poster, TempDir, TestDb, INDEX_HTML,
};

/// Descriptors a collector may hold beyond its count before a burst (a pooled database
/// connection opened meanwhile, a blocking-pool thread's file): a leak of one per
/// request shows up as hundreds.
const FD_SLACK: usize = 20;

/// Closes `stream` with a TCP reset instead of a FIN (`SO_LINGER` 0, then close).
fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER 0");
    drop(stream);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A collector on a fresh database of `backend`, started with `args`, signed out: no
/// account exists and `get` sends no credentials until [`Collector::sign_in`].
fn start(backend: Backend, args: &[&str]) -> Collector {
    Collector::start_opts(TestDb::fresh(backend), &Opts::args(args).signed_out())
}

/// A complete valid post-service response at D001, every required question answered.
fn valid_payload(id: &str) -> Value {
    post_service_payload(id, "D001", None, 9, false, None)
}

/// `/healthz` answers `ok`, and a new valid response is stored exactly once.
fn assert_serving(c: &mut Collector, when: &str) {
    c.assert_alive(when);
    let h = c.get("/healthz");
    assert_eq!(
        (h.status, h.text().as_str()),
        (200, "ok"),
        "/healthz {when}"
    );
    let id = new_id();
    let r = c.post(&valid_payload(&id));
    assert_eq!(r.status, 201, "a valid POST {when}: {}", r.text());
    assert_eq!(c.db.count(&id), 1, "the POST {when} is stored once");
}

// ---------------------------------------------------------------------------------------
// Connections reset mid-request

#[test]
fn hundreds_of_connections_reset_mid_request_leave_the_server_serving() {
    for backend in backends() {
        let mut c = start(backend, &[]);
        assert_serving(&mut c, "before the resets");
        let fds_before = c.fds();

        // 4 threads x 75 connections, four kinds in turn: half a head, a head and half a
        // body, a whole POST, a whole GET; every other one waits a moment so the server
        // has read what was sent before the reset arrives.
        let posted = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..4)
            .map(|t| {
                let (addr, posted) = (c.addr.clone(), Arc::clone(&posted));
                thread::spawn(move || {
                    for i in 0..75 {
                        let id = new_id();
                        let body = valid_payload(&id).to_string();
                        let full = request_bytes(
                            &addr,
                            "POST",
                            "/v1/responses",
                            &[("Content-Type", "application/json")],
                            body.as_bytes(),
                        );
                        let head_len = full.len() - body.len();
                        let bytes: Vec<u8> = match (t + i) % 4 {
                            0 => full[..head_len / 2].to_vec(),
                            1 => full[..head_len + body.len() / 2].to_vec(),
                            2 => {
                                posted.lock().expect("ids").push(id);
                                full
                            }
                            _ => request_bytes(&addr, "GET", "/v1/responses", &[], b""),
                        };
                        // A refused connect or send is the server gone: the check
                        // after the loop names it.
                        let Ok(mut s) = connect(&addr) else { return };
                        if s.write_all(&bytes).is_err() {
                            return;
                        }
                        if i % 2 == 0 {
                            thread::sleep(Duration::from_millis(2));
                        }
                        reset(s);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("reset worker");
        }

        assert_serving(&mut c, "after 300 resets");
        let counts = c.db.counts();
        let posted = posted.lock().expect("ids");
        let stored = posted.iter().filter(|id| counts.contains_key(*id)).count();
        assert!(
            posted
                .iter()
                .all(|id| counts.get(id).copied().unwrap_or(0) <= 1),
            "a reset POST was stored twice"
        );
        let fds_after = c.settle_fds(fds_before + FD_SLACK, Duration::from_secs(5));
        println!(
            "[{}] 300 resets: {stored} of {} whole POSTs reset after sending were stored; \
             descriptors {fds_before} before, {fds_after} after",
            backend.name(),
            posted.len()
        );
        assert!(
            fds_after <= fds_before + FD_SLACK,
            "descriptors leaked: {fds_before} before the resets, {fds_after} after"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Slow and stalled clients

#[test]
fn stalled_clients_are_cut_off_while_another_client_is_answered() {
    let mut c = start(Backend::Sqlite, &["--client-timeout-ms", "1000"]);
    let addr = c.addr.clone();
    let body = valid_payload(&new_id()).to_string();
    let head = format!(
        "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );

    // 15 stalled clients, almost four times the old four workers: three each stop in
    // the middle of the head, in the middle of the body, send a head whose body never
    // comes, connect and say nothing, or go quiet after one whole request.
    let mut stalled = Vec::new();
    for i in 0..15 {
        let (kind, bytes) = match i % 5 {
            0 => ("half a head", head.as_bytes()[..head.len() / 2].to_vec()),
            1 => (
                "half a body",
                [head.as_bytes(), &body.as_bytes()[..body.len() / 2]].concat(),
            ),
            2 => ("no body", head.as_bytes().to_vec()),
            3 => ("nothing at all", Vec::new()),
            _ => (
                "quiet after a request",
                format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes(),
            ),
        };
        let mut s = connect(&addr).expect("connect");
        s.write_all(&bytes).expect("send");
        if kind == "quiet after a request" {
            // Its answer arrives; then the keep-alive connection idles.
            let mut r = BufReader::new(s.try_clone().expect("clone"));
            assert_eq!(read_response(&mut r).expect("answer").status, 200);
        }
        stalled.push((kind, s, Instant::now()));
    }

    // Meanwhile another client's posts are answered.
    let mut poster = Poster::new(&addr);
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let id = new_id();
        let t = Instant::now();
        let r = poster
            .post(&valid_payload(&id).to_string())
            .expect("a post while 15 clients stall");
        latencies.push(ms(t.elapsed()));
        assert_eq!(r.status, 201, "a post while 15 clients stall: {}", r.text());
        assert_eq!(c.db.count(&id), 1);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "20 posts while 15 clients stall: median {:.1} ms, max {:.1} ms",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );

    // Every stalled connection is closed by the server (with or without a reply), well
    // within 10 s of its last byte.
    for (kind, mut s, since) in stalled {
        let limit = Duration::from_secs(10).saturating_sub(since.elapsed());
        s.set_read_timeout(Some(limit.max(Duration::from_millis(1))))
            .expect("timeout");
        let mut got = Vec::new();
        let outcome = match s.read_to_end(&mut got) {
            Ok(_) => "closed".to_string(),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => "reset".to_string(),
            Err(e) => panic!(
                "a client with {kind} still open {:.1} s after its last byte ({e}); got {:?}",
                since.elapsed().as_secs_f64(),
                String::from_utf8_lossy(&got)
            ),
        };
        let reply = String::from_utf8_lossy(&got)
            .lines()
            .next()
            .unwrap_or("no reply")
            .to_string();
        println!(
            "{kind}: {outcome} after {:.2} s ({reply})",
            since.elapsed().as_secs_f64()
        );
        assert!(
            !reply.contains(" 2"),
            "a stalled request was answered as a success: {reply}"
        );
        if kind == "half a body" || kind == "no body" {
            // The widget retries a 408; any other 4xx would set the response aside for
            // good, though nothing was wrong with it but the network.
            assert!(
                reply.is_empty() || reply == "no reply" || reply.contains(" 408 "),
                "{kind}: a body that stopped arriving must be answered 408 (retry), got {reply}"
            );
        }
    }
    assert_serving(&mut c, "after the stalled clients");
}

// ---------------------------------------------------------------------------------------
// Oversized bodies and header floods

#[test]
fn a_thousand_oversized_bodies_are_refused_without_leaking_descriptors() {
    let mut c = start(Backend::Sqlite, &["--max-body", "65536"]);
    assert_serving(&mut c, "before the oversized bodies");
    let fds_before = c.fds();

    let failures = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let (addr, failures) = (c.addr.clone(), Arc::clone(&failures));
            thread::spawn(move || {
                for i in 0..250 {
                    let head = format!(
                        "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"
                    );
                    let outcome = (|| {
                        let mut s = connect(&addr)?;
                        s.write_all(head.as_bytes())?;
                        if (t + i) % 2 == 0 {
                            // The start of the body, as a real upload would send.
                            s.write_all(&[b' '; 1024])?;
                        }
                        read_response(&mut BufReader::new(s))
                    })();
                    let problem = match outcome {
                        Ok(r) if r.status == 413 => {
                            let reason = r.sole_error();
                            (!reason.contains("65536")).then(|| format!("413 reason {reason:?}"))
                        }
                        Ok(r) => Some(format!("{} {}", r.status, r.text())),
                        Err(e) => Some(format!("no answer: {e}")),
                    };
                    if let Some(p) = problem {
                        failures.lock().expect("failures").push(p);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let failures = failures.lock().expect("failures");
    assert!(
        failures.is_empty(),
        "{} of 1000 oversized requests were not answered 413 {{\"error\"}} naming the limit; first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let fds_after = c.settle_fds(fds_before + FD_SLACK, Duration::from_secs(5));
    println!("1000 oversized bodies: descriptors {fds_before} before, {fds_after} after");
    assert!(
        fds_after <= fds_before + FD_SLACK,
        "descriptors leaked: {fds_before} before 1000 oversized bodies, {fds_after} after"
    );
    assert_serving(&mut c, "after 1000 oversized bodies");
}

#[test]
fn header_floods_are_refused_and_the_server_serves_on() {
    let mut c = start(Backend::Sqlite, &[]);
    let addr = c.addr.clone();
    let head_with = |extra: &str| format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n{extra}\r\n");

    // A control: an ordinary number of headers is fine, so the refusals below are
    // about the flood, not about headers as such.
    let some: String = (0..30).map(|i| format!("X-Fine-{i}: v\r\n")).collect();
    let r = read_response(&mut BufReader::new({
        let mut s = connect(&addr).expect("connect");
        s.write_all(head_with(&some).as_bytes()).expect("send");
        s
    }))
    .expect("an answer to 30 headers");
    assert_eq!(r.status, 200, "30 headers");

    let floods = [
        (
            "200 header lines",
            (0..200)
                .map(|i| format!("X-Flood-{i}: v\r\n"))
                .collect::<String>(),
        ),
        (
            "one 64 KB header",
            format!("X-Big: {}\r\n", "a".repeat(64 * 1024)),
        ),
        (
            "2,000 short header lines (64 KB)",
            (0..2000)
                .map(|i| format!("X-F{i:05}: {:>18}\r\n", i))
                .collect(),
        ),
    ];
    for (what, extra) in floods {
        let mut s = connect(&addr).expect("connect");
        // The server may refuse and close before all of it is sent.
        let sent = s.write_all(head_with(&extra).as_bytes());
        let outcome = read_response(&mut BufReader::new(s));
        match &outcome {
            Ok(r) => assert_eq!(
                r.status,
                431,
                "{what}: expected 431 or a closed connection, got {} {}",
                r.status,
                r.text()
            ),
            Err(e) => assert!(
                matches!(
                    e.kind(),
                    ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
                ),
                "{what}: neither refused nor closed: {e}"
            ),
        }
        println!(
            "{what}: {} (sending: {})",
            match &outcome {
                Ok(r) => format!("answered {}", r.status),
                Err(e) => format!("closed ({e})"),
            },
            match sent {
                Ok(()) => "complete".to_string(),
                Err(e) => format!("cut off: {e}"),
            }
        );
        assert_serving(&mut c, &format!("after {what}"));
    }
}

// ---------------------------------------------------------------------------------------
// Payloads that must be refused, with a reason, storing nothing

/// `created_at` `hours` from now, as the widget writes it.
fn created_in(hours: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The JSON text of `payload` with `from` replaced by `to` exactly once.
fn spliced(payload: &Value, from: &str, to: &str) -> String {
    let text = payload.to_string();
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in {text}");
    text.replacen(from, to, 1)
}

#[test]
fn malformed_payloads_are_refused_with_their_reason_and_nothing_is_stored() {
    for backend in backends() {
        let mut c = start(backend, &[]);
        c.sign_in();

        // Control: a valid response is stored and listed, so "not stored" below can fail.
        let control = new_id();
        assert_eq!(c.post(&valid_payload(&control)).status, 201);

        let with_context = |id: &str, dealer: &str| {
            let mut p = valid_payload(id);
            p["context"]["dealer"] = json!(dealer);
            p.to_string()
        };
        let with_created_at = |id: &str, at: &str| {
            let mut p = valid_payload(id);
            p["created_at"] = json!(at);
            p.to_string()
        };
        // The first answer in the text (keys are sorted), repeated with another value.
        let first_answer = |p: &Value| -> (String, String) {
            let (qid, v) = p["answers"]
                .as_object()
                .and_then(|a| a.iter().next())
                .expect("an answer");
            (qid.clone(), format!("\"answers\":{{\"{qid}\":{v}"))
        };

        type Case = (&'static str, Box<dyn Fn(&str) -> String>, Vec<String>);
        let cases: Vec<Case> = vec![
            (
                "trailing garbage",
                Box::new(|id| format!("{} garbage", valid_payload(id))),
                vec!["after the json".into()],
            ),
            (
                "a second document",
                Box::new(|id| format!("{}{}", valid_payload(id), valid_payload(id))),
                vec!["after the json".into()],
            ),
            (
                "a duplicate top-level key",
                Box::new(|id| {
                    spliced(
                        &valid_payload(id),
                        "\"locale\":\"zh-CN\"",
                        "\"locale\":\"zh-CN\",\"locale\":\"en\"",
                    )
                }),
                vec!["duplicate".into(), "locale".into()],
            ),
            (
                "a duplicate answer",
                Box::new(move |id| {
                    let p = valid_payload(id);
                    let (qid, first) = first_answer(&p);
                    spliced(
                        &p,
                        &first,
                        &format!("\"answers\":{{\"{qid}\":{{\"scale\":1}},{}", &first[11..]),
                    )
                }),
                vec!["duplicate".into(), "answers".into()],
            ),
            (
                "a duplicate context key",
                Box::new(|id| {
                    spliced(
                        &valid_payload(id),
                        "\"context\":{\"dealer\":\"D001\"}",
                        "\"context\":{\"dealer\":\"D001\",\"dealer\":\"D002\"}",
                    )
                }),
                vec!["duplicate".into(), "dealer".into(), "context".into()],
            ),
            (
                "created_at 3 days ahead",
                Box::new(move |id| with_created_at(id, &created_in(72))),
                vec!["created_at".into(), "hours".into()],
            ),
            (
                "created_at in 1999",
                Box::new(move |id| with_created_at(id, "1999-06-01T10:00:00Z")),
                vec!["created_at".into(), "earliest".into()],
            ),
            (
                "a trailing space in context",
                Box::new(move |id| with_context(id, "D001 ")),
                vec!["context.dealer".into()],
            ),
            (
                "a NUL in context",
                Box::new(move |id| with_context(id, "D0\u{0}01")),
                vec!["context.dealer".into()],
            ),
            (
                "a newline in context",
                Box::new(move |id| with_context(id, "D001\n")),
                vec!["context.dealer".into()],
            ),
            (
                "markup in context",
                Box::new(move |id| with_context(id, "<b>D001</b>")),
                vec!["context.dealer".into()],
            ),
        ];
        let mut refused = Vec::new();
        for (what, body, names) in &cases {
            let id = new_id();
            let r = c.post_raw("application/json", body(&id).as_bytes());
            assert!(
                matches!(r.status, 400 | 422),
                "[{}] {what}: expected 400 or 422, got {} {}",
                backend.name(),
                r.status,
                r.text()
            );
            let reason = r.sole_error();
            for name in names {
                assert!(
                    reason.to_lowercase().contains(&name.to_lowercase()),
                    "[{}] {what}: the reason {reason:?} does not name {name:?}",
                    backend.name()
                );
            }
            println!("[{}] {what}: {} {reason}", backend.name(), r.status);
            refused.push(id);
        }

        let counts = c.db.counts();
        let listed = c.listed_ids();
        assert_eq!(counts.get(&control), Some(&1), "the control is stored");
        assert!(listed.contains(&control), "the control is listed");
        for id in &refused {
            assert!(
                !counts.contains_key(id),
                "a refused response {id} was stored"
            );
            assert!(!listed.contains(id), "a refused response {id} is listed");
        }
        assert_eq!(counts.len(), 1, "only the control is stored: {counts:?}");
    }
}

// ---------------------------------------------------------------------------------------
// A panicking handler

#[test]
fn a_panicking_handler_answers_500_and_the_server_serves_on() {
    let db = TestDb::fresh(Backend::Sqlite);

    // Off unless asked for: a production collector has no panic route.
    let plain = Collector::start_opts(Arc::clone(&db), &Opts::default().signed_out());
    assert_eq!(plain.get("/v1/test/panic").status, 404);
    drop(plain);

    let mut c = Collector::start_opts(
        db,
        &Opts::default()
            .env("COLLECTOR_TEST_HOOKS", "1")
            .signed_out(),
    );
    for _ in 0..3 {
        let r = c.get("/v1/test/panic");
        assert_eq!(r.status, 500, "{}", r.text());
        assert_eq!(r.json(), json!({ "error": "internal error" }));
        c.assert_alive("after a handler panicked");
    }
    // The connection the panic happened on goes on serving too.
    let mut s = connect(&c.addr).expect("connect");
    let keep_alive = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", c.addr);
    s.write_all(keep_alive("/v1/test/panic").as_bytes())
        .expect("send");
    let mut r = BufReader::new(s.try_clone().expect("clone"));
    assert_eq!(
        read_response(&mut r).expect("the panic's answer").status,
        500
    );
    s.write_all(keep_alive("/healthz").as_bytes())
        .expect("send");
    let next = read_response(&mut r).expect("the next answer on that connection");
    assert_eq!((next.status, next.text().as_str()), (200, "ok"));
    assert!(
        c.log().contains("panicked"),
        "the panic is logged: {}",
        tail(&c.log(), 10)
    );
    assert_serving(&mut c, "after the panics");
}

// ---------------------------------------------------------------------------------------
// SIGTERM and kill -9 under load

/// Eight clients posting new responses on keep-alive connections until the server goes
/// away: which ids were acknowledged (201/200) and which were in doubt (sent, but the
/// connection failed or the server was busy before an answer).
struct Load {
    acked: Arc<Mutex<Vec<String>>>,
    in_doubt: Arc<Mutex<Vec<String>>>,
    unexpected: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Load {
    fn start(addr: &str, clients: usize) -> Load {
        let load = Load {
            acked: Arc::default(),
            in_doubt: Arc::default(),
            unexpected: Arc::default(),
            stop: Arc::default(),
            workers: Vec::new(),
        };
        let workers = (0..clients)
            .map(|_| {
                let addr = addr.to_string();
                let (acked, in_doubt, unexpected, stop) = (
                    Arc::clone(&load.acked),
                    Arc::clone(&load.in_doubt),
                    Arc::clone(&load.unexpected),
                    Arc::clone(&load.stop),
                );
                thread::spawn(move || {
                    let mut poster = Poster::new(&addr);
                    while !stop.load(Ordering::SeqCst) {
                        let id = new_id();
                        match poster.post(&valid_payload(&id).to_string()) {
                            Ok(r) if matches!(r.status, 200 | 201) => {
                                acked.lock().expect("acked").push(id)
                            }
                            Ok(r) if r.status == 503 => in_doubt.lock().expect("doubt").push(id),
                            Ok(r) => unexpected.lock().expect("unexpected").push(format!(
                                "{} {}",
                                r.status,
                                r.text()
                            )),
                            Err(_) => {
                                // The server went away: this one is in doubt, and this
                                // client stops (a phone would retry later).
                                in_doubt.lock().expect("doubt").push(id);
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        Load { workers, ..load }
    }

    fn acked(&self) -> usize {
        self.acked.lock().expect("acked").len()
    }

    /// Waits for `n` acknowledgements (the load is really running).
    fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.acked() < n {
            assert!(
                Instant::now() < deadline,
                "only {} acknowledged in 60 s",
                self.acked()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops the clients; returns (acknowledged, in doubt).
    fn finish(self) -> (Vec<String>, Vec<String>) {
        self.stop.store(true, Ordering::SeqCst);
        for w in self.workers {
            w.join().expect("load client");
        }
        let unexpected = self.unexpected.lock().expect("unexpected");
        assert!(unexpected.is_empty(), "unexpected answers: {unexpected:?}");
        let acked = self.acked.lock().expect("acked").clone();
        let in_doubt = self.in_doubt.lock().expect("doubt").clone();
        (acked, in_doubt)
    }
}

#[test]
fn sigterm_under_load_keeps_every_acknowledged_response_exactly_once() {
    for backend in backends() {
        let mut c = start(backend, &[]);
        let load = Load::start(&c.addr, 8);
        load.wait_for(60);
        let t = Instant::now();
        c.signal(libc::SIGTERM);
        let status = c.wait_exit(Duration::from_secs(30));
        let exit_ms = ms(t.elapsed());
        let (acked, in_doubt) = load.finish();
        assert!(
            status.success(),
            "exit after SIGTERM: {status}; stderr:\n{}",
            tail(&c.log(), 20)
        );

        let counts = c.db.counts();
        for id in &acked {
            assert_eq!(counts.get(id), Some(&1), "acknowledged {id} stored once");
        }
        let posted: HashSet<&String> = acked.iter().chain(&in_doubt).collect();
        for (id, n) in &counts {
            assert_eq!(*n, 1, "{id} stored {n} times");
            assert!(posted.contains(id), "{id} stored but never posted");
        }
        println!(
            "[{}] SIGTERM under 8 clients: exited 0 after {exit_ms:.0} ms; {} acknowledged, \
             all stored once; {} in doubt, {} of those stored",
            backend.name(),
            acked.len(),
            in_doubt.len(),
            counts.len() - acked.len()
        );
    }
}

#[test]
fn kill_9_under_load_then_restart_keeps_every_acknowledged_response_exactly_once() {
    for backend in backends() {
        let db = TestDb::fresh(backend);
        let mut c = Collector::start_opts(Arc::clone(&db), &Opts::default().signed_out());
        let load = Load::start(&c.addr, 8);
        load.wait_for(60);
        c.signal(libc::SIGKILL);
        let status = c.wait_exit(Duration::from_secs(10));
        let (acked, in_doubt) = load.finish();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL)
        );
        drop(c);

        // Restarted on the same database; clients retry what they were unsure of.
        let c = Collector::start_opts(Arc::clone(&db), &Opts::default().signed_out());
        let mut retried = (0, 0);
        for id in &in_doubt {
            let r = c.post(&valid_payload(id));
            match r.status {
                201 => retried.0 += 1,
                200 => {
                    assert_eq!(r.json()["duplicate"], json!(true));
                    retried.1 += 1
                }
                s => panic!("retry of {id} after the restart: {s} {}", r.text()),
            }
        }
        for id in acked.iter().take(10) {
            let r = c.post(&valid_payload(id));
            assert_eq!(
                r.status,
                200,
                "an acknowledged response sent again: {}",
                r.text()
            );
            assert_eq!(r.json()["duplicate"], json!(true));
        }

        let counts = c.db.counts();
        for id in acked.iter().chain(&in_doubt) {
            assert_eq!(counts.get(id), Some(&1), "{id} stored once");
        }
        assert_eq!(
            counts.len(),
            acked.len() + in_doubt.len(),
            "nothing stored that was not posted"
        );
        println!(
            "[{}] kill -9 under 8 clients: {} acknowledged, all stored once after the \
             restart; {} in doubt retried: {} stored now (201), {} had been stored (200)",
            backend.name(),
            acked.len(),
            in_doubt.len(),
            retried.0,
            retried.1
        );
    }
}

// ---------------------------------------------------------------------------------------
// A locked, read-only or damaged SQLite database

#[test]
fn a_locked_sqlite_database_makes_posts_answer_503_while_reads_go_on() {
    let mut c = start(Backend::Sqlite, &["--db-deadline-ms", "1000"]);
    // Signed in before the lock: a login writes its session.
    c.sign_in();
    let first = new_id();
    assert_eq!(c.post(&valid_payload(&first)).status, 201);

    // Another process's writer holds the lock for 5 s.
    const HELD: Duration = Duration::from_secs(5);
    let (locked_tx, locked_rx) = mpsc::channel();
    let path = c.db.arg();
    let holder = thread::spawn(move || {
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE")
            .expect("take the write lock");
        let since = Instant::now();
        locked_tx.send(since).expect("signal");
        thread::sleep(HELD);
        conn.execute_batch("ROLLBACK").expect("release the lock");
    });
    let since = locked_rx.recv().expect("the lock is held");

    // A post stuck behind the lock, and reads meanwhile.
    let addr = c.addr.clone();
    let stuck_id = new_id();
    let stuck_body = valid_payload(&stuck_id).to_string();
    let stuck = thread::spawn(move || {
        let t = Instant::now();
        let r = try_request(
            &addr,
            "POST",
            "/v1/responses",
            &[("Content-Type", "application/json")],
            stuck_body.as_bytes(),
        );
        (r, t.elapsed())
    });
    let mut timings = Vec::new();
    for (what, path) in [
        ("/healthz", "/healthz"),
        ("the list", "/v1/responses"),
        ("a page", "/"),
    ] {
        let t = Instant::now();
        let r = c.get(path);
        timings.push(format!("{what} {} in {:.0} ms", r.status, ms(t.elapsed())));
        assert_eq!(
            r.status,
            200,
            "{what} while the database is locked: {}",
            r.text()
        );
        if path == "/" {
            assert_eq!(r.text(), INDEX_HTML);
        }
        if path == "/v1/responses" {
            assert_eq!(r.json()["items"][0]["id"], json!(first));
        }
    }
    let (stuck, stuck_took) = stuck.join().expect("the stuck post");
    let stuck = stuck.expect("the post behind the lock is answered, not left hanging");
    let second_id = new_id();
    let t = Instant::now();
    let second = c.post(&valid_payload(&second_id));
    let second_took = t.elapsed();
    let t = Instant::now();
    let ready = c.get("/readyz");
    let ready_took = t.elapsed();
    assert!(
        since.elapsed() < HELD,
        "the checks outlasted the lock ({:?}); nothing was shown",
        since.elapsed()
    );
    for (what, r) in [
        ("a post", &stuck),
        ("a second post", &second),
        ("/readyz", &ready),
    ] {
        assert_eq!(
            r.status,
            503,
            "{what} while the database is locked: {}",
            r.text()
        );
        let retry = r.header("retry-after").unwrap_or_default();
        assert!(
            retry.parse::<u32>().is_ok_and(|s| s > 0),
            "{what}: Retry-After {retry:?}"
        );
        assert!(!r.sole_error().is_empty());
    }
    println!(
        "while locked: {}; posts 503 in {:.0} and {:.0} ms, /readyz 503 in {:.0} ms",
        timings.join(", "),
        ms(stuck_took),
        ms(second_took),
        ms(ready_took)
    );

    holder.join().expect("lock holder");
    // Free again: new posts are stored; the two refused ones, sent again as the widget's
    // outbox does, are stored once (201, or 200 if the write behind the lock landed).
    let retry_deadline = Instant::now() + Duration::from_secs(10);
    for id in [&stuck_id, &second_id, &new_id()] {
        loop {
            let r = c.post(&valid_payload(id));
            if r.status == 503 && Instant::now() < retry_deadline {
                thread::sleep(Duration::from_millis(100));
                continue;
            }
            assert!(
                matches!(r.status, 200 | 201),
                "a post after the lock was released: {} {}",
                r.status,
                r.text()
            );
            break;
        }
        assert_eq!(c.db.count(id), 1);
    }
    let ready = c.get("/readyz");
    assert_eq!(
        ready.status,
        200,
        "/readyz after the lock: {}",
        ready.text()
    );
    // The admin's list during the lock returned contact data without waiting for the
    // writer; its audit line, queued then, is written once the lock is gone.
    let audit_deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = c.get("/v1/audit");
        assert_eq!(r.status, 200, "{}", r.text());
        let reads = r.json()["items"]
            .as_array()
            .map_or(0, |i| i.iter().filter(|l| l["action"] == "read").count());
        if reads >= 1 {
            break;
        }
        assert!(
            Instant::now() < audit_deadline,
            "the read during the lock never reached the audit log"
        );
        thread::sleep(Duration::from_millis(50));
    }
    assert_serving(&mut c, "after the lock was released");
}

#[test]
fn a_damaged_sqlite_file_is_refused_at_start_naming_the_file() {
    let scratch = TempDir::new("collector-hostile");
    let garbage = scratch.path("garbage.sqlite");
    std::fs::write(&garbage, "this is not a database\n".repeat(400)).expect("write");

    // A real database whose table pages were overwritten.
    let broken = scratch.path("broken.sqlite");
    {
        let mut c = start(Backend::Sqlite, &[]);
        for _ in 0..20 {
            assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
        }
        c.signal(libc::SIGTERM);
        assert!(c.wait_exit(Duration::from_secs(30)).success());
        std::fs::rename(c.db.arg(), &broken).expect("move aside");
        let mut bytes = std::fs::read(&broken).expect("read");
        assert!(bytes.len() > 3 * 4096, "{} bytes", bytes.len());
        bytes[4096..3 * 4096].fill(0xA5);
        std::fs::write(&broken, bytes).expect("write");
    }

    for file in [&garbage, &broken] {
        let (mut child, log) = spawn(&file.display().to_string(), &scratch.0, &Opts::default());
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("stdout");
        let status = child.wait().expect("wait");
        thread::sleep(Duration::from_millis(100));
        let err = log.lock().expect("log").clone();
        println!("{}: {status}; stderr: {}", file.display(), err.trim());
        assert!(!status.success(), "started on {}", file.display());
        assert!(
            !out.contains("listening"),
            "listened on a damaged file: {out}"
        );
        assert!(
            err.contains(&file.display().to_string()),
            "stderr names the file: {err}"
        );
        assert!(
            err.contains("not a usable SQLite database"),
            "stderr says what is wrong: {err}"
        );
    }
}

/// A SQLite database with a few responses at `file`, made by the collector and closed
/// cleanly (no `-wal` or `-shm` left).
fn made_database(file: &std::path::Path) {
    let mut c = start(Backend::Sqlite, &[]);
    for _ in 0..3 {
        assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    }
    c.signal(libc::SIGTERM);
    assert!(c.wait_exit(Duration::from_secs(30)).success());
    std::fs::rename(c.db.arg(), file).expect("move the database");
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn chown(path: &std::path::Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).expect("chown");
}

#[test]
fn a_read_only_sqlite_database_is_refused_at_start_naming_the_file() {
    // File modes bind everyone but root: as root the collector runs as `nobody`.
    const NOBODY: u32 = 65534;
    // SAFETY: geteuid(2) has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let opts = Opts {
        uid: root.then_some(NOBODY),
        ..Opts::default()
    };
    for case in ["the file is read-only", "its directory is read-only"] {
        let scratch = TempDir::new("collector-hostile");
        let dir = scratch.path("data");
        std::fs::create_dir(&dir).expect("data dir");
        let file = dir.join("responses.sqlite");
        made_database(&file);
        if case == "the file is read-only" {
            chmod(&file, 0o444);
            if root {
                chown(&dir, NOBODY);
            }
        } else {
            if root {
                chown(&file, NOBODY);
            }
            chmod(&dir, 0o555);
        }

        let (mut child, log) = spawn(&file.display().to_string(), &scratch.0, &opts);
        let mut first = String::new();
        let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first);
        if first.contains("listening") {
            // Started anyway: show what a load balancer and a phone would then see.
            let addr = first
                .trim()
                .trim_start_matches("collector listening on http://")
                .trim_end_matches('/')
                .to_string();
            let ready = try_request(&addr, "GET", "/readyz", &[], b"").map(|r| r.status);
            let post = try_request(
                &addr,
                "POST",
                "/v1/responses",
                &[("Content-Type", "application/json")],
                valid_payload(&new_id()).to_string().as_bytes(),
            )
            .map(|r| (r.status, r.text()));
            let _ = child.kill();
            let _ = child.wait();
            chmod(&dir, 0o755);
            panic!(
                "{case}: the collector started on a database it cannot write; \
                 /readyz answered {ready:?} and a post {post:?}"
            );
        }
        let status = child.wait().expect("wait");
        thread::sleep(Duration::from_millis(100));
        chmod(&dir, 0o755);
        let err = log.lock().expect("log").clone();
        println!("{case}: {status}; stderr: {}", err.trim());
        assert!(!status.success(), "{case}: exit status {status}");
        assert!(
            err.contains(&file.display().to_string()),
            "{case}: stderr names the file: {err}"
        );
        assert!(
            err.contains("read-only") || err.contains("cannot be written"),
            "{case}: stderr says the database cannot be written: {err}"
        );
        assert!(
            !err.contains("restore it from a backup"),
            "{case}: a sound file that cannot be written is not damaged: {err}"
        );
    }
}

#[test]
fn a_sqlite_file_damaged_while_running_turns_readyz_off_while_healthz_answers() {
    let mut c = start(Backend::Sqlite, &[]);
    for _ in 0..5 {
        assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    }
    assert_eq!(c.get("/readyz").status, 200);

    // Everything into the main file, then the main file overwritten (a disk gone bad).
    let other = rusqlite::Connection::open(c.db.arg()).expect("open");
    let busy: i64 = other
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .expect("checkpoint");
    assert_eq!(busy, 0, "the checkpoint ran");
    drop(other);
    let len = std::fs::metadata(c.db.arg()).expect("size").len();
    std::fs::write(c.db.arg(), vec![0xA5; usize::try_from(len).expect("size")]).expect("damage");

    let ready = c.get("/readyz");
    assert!(
        ready.status >= 500,
        "/readyz on a damaged file: {} {}",
        ready.status,
        ready.text()
    );
    assert!(!ready.sole_error().is_empty());
    let post = c.post(&valid_payload(&new_id()));
    assert!(
        post.status >= 500,
        "a post on a damaged file: {}",
        post.status
    );
    let h = c.get("/healthz");
    assert_eq!((h.status, h.text().as_str()), (200, "ok"));
    c.assert_alive("with a damaged database");
    println!(
        "damaged while running: /readyz {} {}, a post {} {}, /healthz 200",
        ready.status,
        ready.sole_error(),
        post.status,
        post.sole_error()
    );
}

/// The body timeout is per chunk: without a deadline for the whole body, a client
/// sending one byte just inside `--client-timeout-ms` would keep its in-flight slot for
/// as long as it liked (a 64 KB body at one byte per 9 s: a week), and `max-in-flight`
/// such clients (256 by default, about 30 bytes/s in all) would make every other post
/// 503. `--body-deadline-ms` bounds the whole body; 2 s here, so four tricklers are cut
/// off and another client's retried post gets through.
#[test]
fn trickling_bodies_cannot_hold_the_in_flight_slots() {
    let mut c = start(
        Backend::Sqlite,
        &[
            "--client-timeout-ms",
            "1000",
            "--body-deadline-ms",
            "2000",
            "--max-in-flight",
            "4",
        ],
    );
    let addr = c.addr.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let tricklers: Vec<_> = (0..4)
        .map(|_| {
            let (addr, stop) = (addr.clone(), Arc::clone(&stop));
            thread::spawn(move || {
                let mut s = connect(&addr).expect("connect");
                let head = format!(
                    "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                );
                s.write_all(head.as_bytes()).expect("send");
                // One byte every 400 ms, inside the 1 s per-chunk timeout, for up to 15 s.
                let since = Instant::now();
                while !stop.load(Ordering::SeqCst) && since.elapsed() < Duration::from_secs(15) {
                    if s.write_all(b" ").is_err() {
                        return;
                    }
                    thread::sleep(Duration::from_millis(400));
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(500));

    // Another client keeps trying (as the widget's outbox does after a 503); within
    // 10 s one of its posts must get through.
    let id = new_id();
    let since = Instant::now();
    let mut last = 0;
    while since.elapsed() < Duration::from_secs(10) {
        last = c.post(&valid_payload(&id)).status;
        if last == 201 {
            break;
        }
        thread::sleep(Duration::from_millis(250));
    }
    stop.store(true, Ordering::SeqCst);
    for t in tricklers {
        let _ = t.join();
    }
    assert_eq!(
        last,
        201,
        "4 clients trickling a byte every 400 ms held all 4 in-flight slots for {:.1} s; \
         the last post got {last}",
        since.elapsed().as_secs_f64()
    );
    assert_serving(&mut c, "after the trickling clients");
}
