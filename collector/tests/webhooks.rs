//! Webhooks over real sockets on both backends: a dealer's manager sets the address, a
//! detractor's new case and its escalation each reach a local HTTP receiver exactly
//! once as taken, although the receiver fails the first two attempts of each, and every
//! post carries the idempotency key `<case id>:<event>`.

#[macro_use]
mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, Opts, PASSWORD};

/// One request the receiver saw: its idempotency key, its body, what it answered.
#[derive(Debug, Clone)]
struct Seen {
    key: String,
    body: Value,
    status: u16,
}

/// A webhook receiver on 127.0.0.1 that answers 500 to the first `fail` posts of each
/// key and 200 after; returns its URL and what it saw.
fn receiver(fail: usize) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/hooks/cases",
        listener.local_addr().expect("addr")
    );
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let (mut key, mut length) = (String::new(), 0usize);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("idempotency-key:") {
                    key = line["idempotency-key:".len()..].trim().to_string();
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut seen = log.lock().expect("log");
            let before = seen.iter().filter(|s| s.key == key).count();
            let status = if before < fail { 500 } else { 200 };
            seen.push(Seen {
                key,
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                status,
            });
            drop(seen);
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{{\"errcode\":0}}"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, seen)
}

fn set_hook(c: &Collector, auth: &Auth, dealer: &str, body: Value) -> support::Resp {
    c.send_as(
        auth,
        "PUT",
        &format!("/v1/dealers/{dealer}/webhook"),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn wait_for(what: &str, c: &Collector, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what}:\n{}", c.log());
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn a_new_case_and_its_escalation_are_posted_once_each(backend: Backend) {
    let mut c = Collector::start_opts(
        support::TestDb::fresh(backend),
        &Opts::args(&["--webhook-retry-ms", "40", "--case-sweep-ms", "50"])
            .env("COLLECTOR_TEST_HOOKS", "1"),
    );
    let (url, seen) = receiver(2);
    let tag = format!("{:x}", support::unique());
    let (manager, other, agent) = (
        format!("mgr-{tag}"),
        format!("mgr2-{tag}"),
        format!("agent-{tag}"),
    );
    add_user(&c.db, &manager, "dealer-manager", &["D001"], None);
    add_user(&c.db, &other, "dealer-manager", &["D002"], None);
    add_user(&c.db, &agent, "follow-up-agent", &["D001"], None);
    // Who may set it: the dealer's manager, not another dealer's, not an agent.
    let hook = json!({"url": url, "format": "plain"});
    let (m, o, a) = (
        c.login(&manager, PASSWORD),
        c.login(&other, PASSWORD),
        c.login(&agent, PASSWORD),
    );
    assert_eq!(set_hook(&c, &o, "D001", hook.clone()).status, 403);
    assert_eq!(set_hook(&c, &a, "D001", hook.clone()).status, 403);
    let bad = set_hook(&c, &m, "D001", json!({"url": "ftp://x/y"}));
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.sole_error().contains("https://"), "{}", bad.text());
    let r = set_hook(&c, &m, "D001", hook);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["webhook"]["url"], json!(url));
    let r = c.get_as(&m, "/v1/dealers/D001/webhook");
    assert_eq!(r.json()["webhook"]["format"], json!("plain"));

    // A detractor of D001 (a case, notified) and one of D002 (no webhook: nothing).
    let mut body = post_service_payload(&new_id(), "D001", None, 2, false, Some("13800138000"));
    body["created_at"] = json!(support_now());
    assert_eq!(c.post(&body).status, 201);
    let mut quiet = post_service_payload(&new_id(), "D002", None, 2, false, None);
    quiet["created_at"] = json!(support_now());
    assert_eq!(c.post(&quiet).status, 201);
    let rows = c.query_rows("SELECT c.id FROM cases c WHERE c.dealer = 'D001'", &[]);
    let case = rows[0]["id"].as_str().expect("case id").to_string();
    let opened = format!("{case}:open");
    let taken = |key: &str| {
        seen.lock()
            .expect("log")
            .iter()
            .filter(|s| s.key == key && s.status == 200)
            .count()
    };
    wait_for("the new case is posted", &c, || taken(&opened) == 1);
    // Escalated two days later by the sweep: one more notification.
    let r = c.send_as(
        &Auth::Anonymous,
        "POST",
        "/v1/test/clock?advance_ms=176400000",
        &[],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let escalated = format!("{case}:escalate");
    wait_for("the escalation is posted", &c, || taken(&escalated) == 1);
    // Some more retry periods: nothing is posted again once taken.
    std::thread::sleep(Duration::from_millis(400));
    let all = seen.lock().expect("log").clone();
    let mut per_key: HashMap<&str, (usize, usize)> = HashMap::new();
    for s in &all {
        let e = per_key.entry(&s.key).or_default();
        e.0 += 1;
        e.1 += usize::from(s.status == 200);
    }
    assert_eq!(per_key.len(), 2, "only D001's two events: {all:?}");
    assert_eq!(
        per_key[opened.as_str()],
        (3, 1),
        "two refused, one taken: {all:?}"
    );
    assert_eq!(per_key[escalated.as_str()], (3, 1), "{all:?}");
    let last = all
        .iter()
        .rev()
        .find(|s| s.key == escalated)
        .expect("escalation");
    assert_eq!(last.body["event"], json!("case.escalated"));
    assert_eq!(last.body["id"], json!(escalated));
    assert_eq!(last.body["dealer"], json!("D001"));
    assert!(
        !last.body.to_string().contains("13800138000"),
        "nothing personal is posted"
    );
    let outbox = c.query_rows(
        "SELECT key, attempts, delivered_at FROM webhook_outbox ORDER BY key",
        &[],
    );
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    assert!(
        outbox.iter().all(|o| o["delivered_at"].is_string()),
        "{outbox:?}"
    );
    // Removing the webhook: new notifications wait, nothing is posted.
    c.sign_in();
    let m = c.login(&manager, PASSWORD);
    let r = c.send_as(&m, "DELETE", "/v1/dealers/D001/webhook", &[], b"");
    assert_eq!((r.status, r.json()["webhook"].clone()), (200, Value::Null));
}
both!(a_new_case_and_its_escalation_are_posted_once_each);

/// A robot's JSON: WeCom's markdown message, the webhook set with `collector webhook`.
fn a_wecom_robot_gets_its_markdown(backend: Backend) {
    let db = support::TestDb::fresh(backend);
    let (url, seen) = receiver(0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .args([
            "webhook", "--dealer", "D001", "--url", &url, "--format", "wecom",
        ])
        .arg("--db")
        .arg(db.arg())
        .output()
        .expect("collector webhook");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("(wecom)"));
    let c = Collector::start_opts(db, &Opts::args(&["--webhook-retry-ms", "40"]));
    let r = c.get_as(&c.admin, "/v1/dealers/D001/webhook");
    assert_eq!(
        r.json()["webhook"]["format"],
        json!("wecom"),
        "{}",
        r.text()
    );
    let mut body = post_service_payload(&new_id(), "D001", None, 2, false, None);
    body["created_at"] = json!(support_now());
    assert_eq!(c.post(&body).status, 201);
    wait_for("the robot gets the case", &c, || {
        !seen.lock().expect("log").is_empty()
    });
    let got = seen.lock().expect("log")[0].clone();
    assert_eq!(got.body["msgtype"], json!("markdown"));
    let text = got.body["markdown"]["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("新回访工单") && text.contains("D001"),
        "{text}"
    );
}
both!(a_wecom_robot_gets_its_markdown);

fn support_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    survey_core::time::format_seconds(now).expect("time")
}
