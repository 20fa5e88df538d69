//! Load generator for the collector (a benchmark that prints numbers, not a test).
//!
//! Posts realistic post-service responses (every required answer, varied values, the
//! device's score card) over keep-alive HTTP/1.1 from N client threads, each new
//! response with its own id, and prints one Markdown table row per level: responses per
//! second, latency percentiles, errors, and the collectors' peak resident memory
//! (`VmRSS` of `/proc/PID/status`, sampled every 50 ms). `bench/load.sh` starts the
//! collectors and PostgreSQL, runs this, and prints the tables.
//!
//! ```text
//! load post --addrs A[,B] [--clients 1,10,50,200] [--requests N] [--replay PCT]
//!           [--pids P[,P]] [--label TEXT] [--verify sqlite:FILE | --verify postgres:URL]
//! load idle --addrs A [--held 1,100,1000,5000] [--requests N] [--pids P]
//! load --print N          N payloads as JSON lines, for the browser soak
//! ```
//!
//! `post`: with several addresses each client spreads its requests over all of them in
//! turn, and `--replay PCT` percent of the requests send again a response already
//! acknowledged (by any client, through any process), as a phone retrying through a
//! load balancer does; each must be answered 200 duplicate. `--verify` then reads the
//! database: every acknowledged id must be stored exactly once, and nothing else.
//!
//! `idle`: holds that many idle keep-alive connections (each has had one request
//! answered), then one ordinary client posts `--requests` responses; prints its
//! latencies and the collector's memory, and checks held connections still answer.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use survey_core::questionnaire::Input;
use survey_core::{scoring, templates, Answer, Answers, Definition, ResponseId};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Parsed once: the generator shares the cores with the collector it measures.
    let def = match templates::load("post-service") {
        Some(Ok(def)) => Arc::new(def),
        _ => fail("the post-service template does not load"),
    };
    match args.first().map(String::as_str) {
        Some("--print") => {
            let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(500);
            for i in 1..=n {
                println!("{}", payload(&def, 1_000_000 + i));
            }
        }
        Some("post") => post(&def, &Flags::parse(&args[1..])),
        Some("idle") => idle(&def, &Flags::parse(&args[1..])),
        _ => fail("usage: load post --addrs A[,B] ... | load idle --addrs A ... | load --print N"),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("load: {message}");
    std::process::exit(2);
}

/// `--name value` pairs.
struct Flags(HashMap<String, String>);

impl Flags {
    fn parse(args: &[String]) -> Flags {
        let mut map = HashMap::new();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let Some(name) = flag.strip_prefix("--") else {
                fail(&format!("unexpected argument {flag:?}"));
            };
            let Some(value) = it.next() else {
                fail(&format!("{flag} needs a value"));
            };
            map.insert(name.to_string(), value.clone());
        }
        Flags(map)
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.0
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }

    fn number(&self, name: &str, default: u64) -> u64 {
        self.0.get(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| fail(&format!("--{name} {v:?} is not a number")))
        })
    }

    fn list(&self, name: &str, default: &str) -> Vec<String> {
        self.text(name, default)
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn numbers(&self, name: &str, default: &str) -> Vec<u64> {
        self.list(name, default)
            .iter()
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| fail(&format!("--{name}: {v:?} is not a number")))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// post

/// What every client of a `post` run shares.
struct Shared {
    def: Arc<Definition>,
    addrs: Vec<String>,
    next_id: AtomicU64,
    replay_pct: u64,
    /// Acknowledged (201) response numbers, in order; replays pick from these.
    acked: Mutex<Vec<u64>>,
    /// Sent but not acknowledged (an error or another status): stored at most once.
    in_doubt: Mutex<Vec<u64>>,
}

/// One level's tallies, from one client.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    created: u64,
    replays: u64,
    errors: u64,
}

fn post(def: &Arc<Definition>, flags: &Flags) {
    let shared = Arc::new(Shared {
        def: Arc::clone(def),
        addrs: flags.list("addrs", ""),
        next_id: AtomicU64::new(flags.number("first-id", 1)),
        replay_pct: flags.number("replay", 0).min(100),
        acked: Mutex::new(Vec::new()),
        in_doubt: Mutex::new(Vec::new()),
    });
    if shared.addrs.is_empty() {
        fail("post needs --addrs");
    }
    let pids = flags.numbers("pids", "");
    let label = flags.text("label", "collector");
    let per_level = flags.number("requests", 3000);
    let mut total = Tally::default();
    for clients in flags.numbers("clients", "1,10,50,200") {
        let clients = clients.max(1);
        let rss = RssSampler::start(&pids);
        let start = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let shared = Arc::clone(&shared);
                let share = per_level / clients + u64::from(c < per_level % clients);
                std::thread::spawn(move || client(&shared, c, share))
            })
            .collect();
        let mut level = Tally::default();
        for h in handles {
            match h.join() {
                Ok(t) => {
                    level.latencies.extend(t.latencies);
                    level.created += t.created;
                    level.replays += t.replays;
                    level.errors += t.errors;
                }
                Err(_) => level.errors += 1,
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let rss = rss.finish();
        let answered = level.latencies.len();
        let (p50, p99, max) = percentiles(&mut level.latencies);
        println!(
            "| {label} | {clients} | {answered} | {:.0} | {p50:.1} | {p99:.1} | {max:.1} | {} | {} | {rss} |",
            answered as f64 / secs,
            level.errors,
            level.replays,
        );
        total.created += level.created;
        total.replays += level.replays;
        total.errors += level.errors;
    }
    if let Some(target) = flags.0.get("verify") {
        verify(&shared, target, &label, &total);
    }
}

/// One client: a keep-alive connection per collector, requests spread over them in
/// turn, some of them replays of acknowledged responses.
fn client(shared: &Shared, c: u64, count: u64) -> Tally {
    let mut tally = Tally {
        latencies: Vec::with_capacity(count as usize),
        ..Tally::default()
    };
    let mut conns: Vec<Option<Conn>> = shared.addrs.iter().map(|_| None).collect();
    for i in 0..count {
        let mix = c.wrapping_mul(7919).wrapping_add(i.wrapping_mul(104_729));
        let replay = if mix % 100 < shared.replay_pct {
            let acked = shared.acked.lock().unwrap_or_else(|e| e.into_inner());
            (!acked.is_empty()).then(|| acked[(mix / 100) as usize % acked.len()])
        } else {
            None
        };
        let n = replay.unwrap_or_else(|| shared.next_id.fetch_add(1, Ordering::Relaxed));
        let body = payload(&shared.def, n);
        let which = ((c + i) % shared.addrs.len() as u64) as usize;
        let t = Instant::now();
        let status = send(&mut conns[which], &shared.addrs[which], &body);
        let took = t.elapsed();
        match (status, replay) {
            (Ok(201), None) => {
                tally.latencies.push(took);
                tally.created += 1;
                shared
                    .acked
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(n);
            }
            (Ok(200), Some(_)) => {
                tally.latencies.push(took);
                tally.replays += 1;
            }
            (other, _) => {
                if tally.errors == 0 {
                    eprintln!(
                        "load: first error on a client: {other:?} ({})",
                        if replay.is_some() { "replay" } else { "new" }
                    );
                }
                tally.errors += 1;
                if replay.is_none() {
                    shared
                        .in_doubt
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(n);
                }
                conns[which] = None;
            }
        }
    }
    tally
}

/// p50, p99 and max in milliseconds.
fn percentiles(latencies: &mut [Duration]) -> (f64, f64, f64) {
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (pct(0.50), pct(0.99), pct(1.0))
}

/// Reads the database and checks every acknowledged id is stored exactly once, and
/// that every stored row was posted.
fn verify(shared: &Shared, target: &str, label: &str, total: &Tally) {
    let acked: HashSet<String> = shared
        .acked
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|&n| id_of(n).to_string())
        .collect();
    let in_doubt: HashSet<String> = shared
        .in_doubt
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|&n| id_of(n).to_string())
        .collect();
    let query = "SELECT id, COUNT(*) FROM responses GROUP BY id";
    let counts: Vec<(String, i64)> = if let Some(file) = target.strip_prefix("sqlite:") {
        let conn =
            rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap_or_else(|e| fail(&format!("verify: open {file}: {e}")));
        let mut stmt = conn
            .prepare(query)
            .unwrap_or_else(|e| fail(&format!("verify: {e}")));
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap_or_else(|e| fail(&format!("verify: {e}")));
        rows.map(|r| r.unwrap_or_else(|e| fail(&format!("verify: {e}"))))
            .collect()
    } else if let Some(url) = target.strip_prefix("postgres:") {
        let mut client = postgres::Client::connect(url, postgres::NoTls)
            .unwrap_or_else(|e| fail(&format!("verify: connect: {e}")));
        client
            .query(query, &[])
            .unwrap_or_else(|e| fail(&format!("verify: {e}")))
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    } else {
        fail("--verify takes sqlite:FILE or postgres:URL");
    };
    let stored: HashMap<String, i64> = counts.into_iter().collect();
    let missing = acked.iter().filter(|id| !stored.contains_key(*id)).count();
    let twice = stored.values().filter(|&&n| n != 1).count();
    let strays = stored
        .keys()
        .filter(|id| !acked.contains(*id) && !in_doubt.contains(*id))
        .count();
    let doubt_stored = in_doubt
        .iter()
        .filter(|id| stored.contains_key(*id))
        .count();
    let ok = missing == 0 && twice == 0 && strays == 0;
    println!(
        "check {label}: {} acknowledged 201, {} replays answered 200 duplicate, {} errors; \
         {} rows: {missing} acknowledged missing, {twice} ids stored more than once, \
         {strays} never posted, {doubt_stored} of {} unacknowledged stored: {}",
        acked.len(),
        total.replays,
        total.errors,
        stored.len(),
        in_doubt.len(),
        if ok {
            "every acknowledged id stored exactly once"
        } else {
            "MISMATCH"
        }
    );
    if !ok {
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------
// idle

fn idle(def: &Arc<Definition>, flags: &Flags) {
    // One descriptor per held connection, plus the client's.
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    let addr = flags
        .list("addrs", "")
        .into_iter()
        .next()
        .unwrap_or_else(|| fail("idle needs --addrs"));
    let pids = flags.numbers("pids", "");
    let per_level = flags.number("requests", 2000);
    let mut next_id = flags.number("first-id", 10_000_000);
    let mut held: Vec<Conn> = Vec::new();
    let mut refused = 0u64;
    for target in flags.numbers("held", "1,100,1000,5000") {
        if target + 16 > limit {
            eprintln!("load: {target} connections need more than the open-files limit {limit}");
        }
        while (held.len() as u64) < target {
            match Conn::open(&addr).and_then(|mut c| c.exchange(&get_request(&addr)).map(|_| c)) {
                Ok(c) => held.push(c),
                Err(e) => {
                    refused += 1;
                    if refused == 1 {
                        eprintln!("load: opening an idle connection: {e}");
                    }
                    if refused > target {
                        break;
                    }
                }
            }
        }
        let rss = RssSampler::start(&pids);
        let mut conn = None;
        let mut latencies = Vec::with_capacity(per_level as usize);
        let mut errors = 0;
        let start = Instant::now();
        for _ in 0..per_level {
            next_id += 1;
            let body = payload(def, next_id);
            let t = Instant::now();
            match send(&mut conn, &addr, &body) {
                Ok(201) => latencies.push(t.elapsed()),
                _ => {
                    errors += 1;
                    conn = None;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let rss = rss.finish();
        // The held connections are really open: a sample of them still answers.
        let sample: Vec<usize> = (0..held.len()).step_by((held.len() / 20).max(1)).collect();
        let alive = sample
            .iter()
            .filter(|&&i| {
                held[i]
                    .exchange(&get_request(&addr))
                    .is_ok_and(|s| s == 200)
            })
            .count();
        let (p50, p99, max) = percentiles(&mut latencies);
        println!(
            "| {} | {alive}/{} | {:.0} | {p50:.1} | {p99:.1} | {max:.1} | {errors} | {rss} |",
            held.len(),
            sample.len(),
            latencies.len() as f64 / secs,
        );
    }
}

fn get_request(addr: &str) -> String {
    format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n")
}

// ---------------------------------------------------------------------------------------
// HTTP

/// A keep-alive connection.
struct Conn {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: &str) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let reader = BufReader::new(stream.try_clone()?);
        Ok(Conn { stream, reader })
    }

    /// Sends `request` and reads the response; returns its status.
    fn exchange(&mut self, request: &str) -> std::io::Result<u16> {
        self.stream.write_all(request.as_bytes())?;
        read_response(&mut self.reader)
    }
}

fn send(conn: &mut Option<Conn>, addr: &str, body: &str) -> std::io::Result<u16> {
    if conn.is_none() {
        *conn = Some(Conn::open(addr)?);
    }
    let c = conn
        .as_mut()
        .ok_or_else(|| std::io::Error::other("no connection"))?;
    let request = format!(
        "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    c.exchange(&request)
}

fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(status)
}

// ---------------------------------------------------------------------------------------
// Memory

/// Samples the resident memory of the collectors while a level runs.
struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Vec<u64>>,
}

impl RssSampler {
    fn start(pids: &[u64]) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let (pids, flag) = (pids.to_vec(), Arc::clone(&stop));
        let handle = std::thread::spawn(move || {
            let mut peak = vec![0; pids.len()];
            loop {
                for (p, pid) in peak.iter_mut().zip(&pids) {
                    *p = (*p).max(rss_kb(*pid));
                }
                if flag.load(Ordering::Relaxed) {
                    return peak;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        RssSampler { stop, handle }
    }

    /// Peak RSS of each process in MB, joined with `+`; `-` without pids.
    fn finish(self) -> String {
        self.stop.store(true, Ordering::Relaxed);
        let peaks = self.handle.join().unwrap_or_default();
        if peaks.is_empty() {
            return "-".into();
        }
        peaks
            .iter()
            .map(|kb| format!("{:.0}", *kb as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// `VmRSS` of `/proc/PID/status` in kB (0 if the process is gone).
fn rss_kb(pid: u64) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Payloads

/// The id of response number `n`: the counter goes where a v4 UUID has no fixed bits
/// (bytes 10..16), so every id differs.
fn id_of(n: u64) -> ResponseId {
    let mut bytes = [0x5e_u8; 16];
    bytes[10..].copy_from_slice(&n.to_be_bytes()[2..]);
    ResponseId::from_random_bytes(bytes)
}

/// A realistic response: every question of post-service answered, values varied by
/// `n`, with the device's score card as the widget sends it. The same `n` gives the
/// same bytes, so a replay is an exact retry.
fn payload(def: &Definition, n: u64) -> String {
    let mut answers = Answers::new();
    for target in def.targets() {
        let q = target.question();
        let v = (n.wrapping_mul(2654435761) >> 7) as u8;
        let answer = match &q.input {
            Input::Rating { points, .. } | Input::Matrix { points, .. } => {
                Answer::Scale(1 + v % points)
            }
            Input::Nps { .. } => Answer::Scale(v % 11),
            Input::YesNo { .. } => Answer::YesNo(!v.is_multiple_of(4)),
            Input::Text { .. } => Answer::Text(format!("第 {n} 位客户：服务很好，谢谢。")),
            _ => continue,
        };
        if target.check(Some(&answer)).is_ok() {
            answers.insert(target.id().clone(), answer);
        }
    }
    let answers = def.active_answers(&answers);
    let created_at = "2026-11-23T10:00:00.000Z";
    let score = scoring::score_at(def, &answers, &def.scoring_config(), created_at);
    serde_json::json!({
        "format": "survey-response/1",
        "id": id_of(n),
        "survey": { "id": "post-service", "version": def.version },
        "locale": "zh-CN",
        "created_at": created_at,
        "context": { "dealer": format!("D{:03}", n % 40), "repair_order": format!("RO-{n}") },
        "answers": answers,
        "client": { "widget_version": "0.1.0", "mode": "page" },
        "score": score,
    })
    .to_string()
}
