//! Load generator for the collector (a benchmark that prints numbers, not a test).
//!
//! Posts realistic post-service responses (every required answer, varied values, the
//! device's score card) over keep-alive HTTP/1.1 from N client threads, each response
//! with its own id, and prints responses per second and latency percentiles per level.
//! `bench/load.sh` starts a collector, runs this, and counts the stored rows.
//!
//! Usage: load ADDR [CLIENTS,CLIENTS,...] [REQUESTS_PER_LEVEL]
//!        load --print N   (N payloads as JSON lines, for the browser soak)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use survey_core::questionnaire::Input;
use survey_core::{scoring, templates, Answer, Answers, Definition, ResponseId};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Parsed once: the generator shares the cores with the collector it measures.
    let def = match templates::load("post-service") {
        Some(Ok(def)) => Arc::new(def),
        _ => {
            eprintln!("load: the post-service template does not load");
            std::process::exit(1);
        }
    };
    if args.get(1).map(String::as_str) == Some("--print") {
        let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(500);
        for i in 1..=n {
            println!("{}", payload(&def, 1_000_000 + i));
        }
        return;
    }
    let Some(addr) = args.get(1).cloned() else {
        eprintln!("usage: load ADDR [CLIENTS,...] [REQUESTS_PER_LEVEL]");
        std::process::exit(2);
    };
    let levels: Vec<usize> = args
        .get(2)
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 50]);
    let per_level: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3000);
    let next_id = Arc::new(AtomicU64::new(1));
    println!("clients  requests  seconds   resp/s   p50 ms   p99 ms   max ms  errors");
    let mut total_ok = 0u64;
    for clients in levels {
        let start = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (addr, next_id, def) = (addr.clone(), next_id.clone(), def.clone());
                let share =
                    per_level / clients as u64 + u64::from((c as u64) < per_level % clients as u64);
                std::thread::spawn(move || client(&addr, &def, share, &next_id))
            })
            .collect();
        let mut latencies = Vec::new();
        let mut errors = 0u64;
        for h in handles {
            match h.join() {
                Ok((l, e)) => {
                    latencies.extend(l);
                    errors += e;
                }
                Err(_) => errors += 1,
            }
        }
        let secs = start.elapsed().as_secs_f64();
        latencies.sort();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        total_ok += latencies.len() as u64;
        println!(
            "{clients:>7} {:>9} {secs:>8.2} {:>8.0} {:>8.2} {:>8.2} {:>8.2} {errors:>7}",
            latencies.len(),
            latencies.len() as f64 / secs,
            pct(0.50),
            pct(0.99),
            pct(1.0),
        );
    }
    println!("created {total_ok}");
}

/// One client: a keep-alive connection posting `count` responses, reconnecting on error.
fn client(addr: &str, def: &Definition, count: u64, next_id: &AtomicU64) -> (Vec<Duration>, u64) {
    let mut latencies = Vec::with_capacity(count as usize);
    let mut errors = 0;
    let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
    for _ in 0..count {
        let n = next_id.fetch_add(1, Ordering::Relaxed);
        let body = payload(def, n);
        let request = format!(
            "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let t = Instant::now();
        let status = (|| -> std::io::Result<u16> {
            if conn.is_none() {
                let s = TcpStream::connect(addr)?;
                s.set_nodelay(true)?;
                let r = BufReader::new(s.try_clone()?);
                conn = Some((s, r));
            }
            let (s, r) = conn
                .as_mut()
                .ok_or_else(|| std::io::Error::other("no connection"))?;
            s.write_all(request.as_bytes())?;
            read_response(r)
        })();
        match status {
            Ok(201) => latencies.push(t.elapsed()),
            other => {
                if errors == 0 {
                    eprintln!("first error on a client: {other:?}");
                }
                errors += 1;
                conn = None;
            }
        }
    }
    (latencies, errors)
}

fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let mut line = String::new();
    r.read_line(&mut line)?;
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

/// A realistic response: every question of post-service answered, values varied by
/// `n`, with the device's score card as the widget sends it.
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
    // The counter goes where a v4 UUID has no fixed bits (bytes 10..16), so every id differs.
    let mut bytes = [0x5e_u8; 16];
    bytes[10..].copy_from_slice(&n.to_be_bytes()[2..]);
    let created_at = "2026-11-23T10:00:00.000Z";
    let score = scoring::score_at(def, &answers, &def.scoring_config(), created_at);
    serde_json::json!({
        "format": "survey-response/1",
        "id": ResponseId::from_random_bytes(bytes),
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
