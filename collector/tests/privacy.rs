//! Abuse limits and customers' privacy over real HTTP and the real command line,
//! against both backends: posting rate limits (per address, per API token, trusted
//! proxies), retention, deletion on request, and no contact data in the log.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{new_id, post_service_payload, request, Auth, Backend, Collector, Opts, TestDb};

const PHONE: &str = "13800138000";
const EMAIL: &str = "wang.fang@example.cn";
const COMMENT: &str = "the washer fluid was not refilled";

/// A detractor's response at `dealer` who leaves `phone`, an e-mail and a comment.
fn personal(dealer: &str, phone: &str) -> Value {
    let mut p = post_service_payload(&new_id(), dealer, Some("A07"), 2, false, Some(phone));
    p["answers"]["contact_me"]["contact"]["email"] = json!(EMAIL);
    p["answers"]["comment"] = json!({ "text": COMMENT });
    p
}

fn post_with(c: &Collector, headers: &[(&str, &str)], payload: &Value) -> support::Resp {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    request(
        &c.addr,
        "POST",
        "/v1/responses",
        &all,
        payload.to_string().as_bytes(),
    )
}

fn ok_payload() -> Value {
    post_service_payload(&new_id(), "D001", Some("A07"), 9, false, None)
}

fn assert_limited(r: &support::Resp) {
    assert_eq!(r.status, 429, "{}", r.text());
    let secs: u64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After in whole seconds: {:?}", r.headers));
    assert!((1..=60).contains(&secs), "{secs}");
    assert!(
        r.sole_error().contains("too many responses"),
        "{}",
        r.text()
    );
    // A widget on a dealer's site must be able to read when to retry.
    assert!(r
        .header("access-control-expose-headers")
        .is_some_and(|h| h.contains("Retry-After")));
}

/// Three posts at once per address or token (then one every 10 s): the fourth is
/// refused with Retry-After; another token is unaffected; a forged token or an
/// `X-Forwarded-For` from an untrusted peer changes nothing.
fn posting_is_rate_limited(backend: Backend) {
    let limits = [
        "--post-rate-per-address",
        "6",
        "--post-burst-per-address",
        "3",
        "--post-rate-per-token",
        "6",
        "--post-burst-per-token",
        "3",
    ];
    let c = Collector::start_opts(TestDb::fresh(backend), &Opts::args(&limits));
    for _ in 0..3 {
        assert_eq!(post_with(&c, &[], &ok_payload()).status, 201);
    }
    assert_limited(&post_with(&c, &[], &ok_payload()));
    // Anyone can write X-Forwarded-For: from a peer that is not a trusted proxy it is
    // not read, so it buys no fresh allowance.
    assert_limited(&post_with(
        &c,
        &[("X-Forwarded-For", "198.51.100.7")],
        &ok_payload(),
    ));
    // Nor does a made-up token: it counts against the address.
    assert_limited(&post_with(
        &c,
        &[("Authorization", "Bearer svt_made_up")],
        &ok_payload(),
    ));
    // A dealer's system with a real token has its own allowance.
    let token = |name: &str| {
        let body = json!({ "name": name, "dealers": ["D001"] }).to_string();
        let r = c.send_as(
            &c.admin,
            "POST",
            "/v1/tokens",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        format!("Bearer {}", r.json()["token"].as_str().expect("token"))
    };
    let (crm, other) = (token("CRM"), token("DMS"));
    for _ in 0..3 {
        let r = post_with(&c, &[("Authorization", &crm)], &ok_payload());
        assert_eq!(r.status, 201, "{}", r.text());
    }
    assert_limited(&post_with(&c, &[("Authorization", &crm)], &ok_payload()));
    let r = post_with(&c, &[("Authorization", &other)], &ok_payload());
    assert_eq!(r.status, 201, "another token is unaffected: {}", r.text());
    // Reads are not posts: never limited here.
    assert_eq!(c.get("/v1/responses").status, 200);

    // Behind a trusted proxy (here 127.0.0.1) the client is the forwarded address:
    // each client has its own allowance.
    let mut args = limits.to_vec();
    args.extend(["--trusted-proxies", "127.0.0.1/32"]);
    let c = Collector::start_opts(TestDb::fresh(backend), &Opts::args(&args));
    let from = |ip: &str| post_with(&c, &[("X-Forwarded-For", ip)], &ok_payload());
    for _ in 0..3 {
        assert_eq!(from("198.51.100.1").status, 201);
    }
    assert_limited(&from("198.51.100.1"));
    // The client's own fake entry in front of the real one is not believed.
    assert_limited(&from("203.0.113.99, 198.51.100.1"));
    assert_eq!(from("198.51.100.2").status, 201, "a different address");
    assert_eq!(
        post_with(&c, &[], &ok_payload()).status,
        201,
        "the proxy itself"
    );
}

both!(posting_is_rate_limited);

/// `received_at` of response `id`, set `days` days back.
fn backdate(db: &TestDb, id: &str, days: i64) {
    let at = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * days))
        .expect("a time");
    let at = format!("{}", at.strftime("%Y-%m-%dT%H:%M:%S.000Z"));
    let n = db
        .execute(&format!(
            "UPDATE responses SET received_at = '{at}' WHERE id = '{id}'"
        ))
        .expect("backdate");
    assert_eq!(n, 1);
}

/// Whether the stored answers and payload of `id` still hold personal data, and its
/// score card.
fn stored(db: &TestDb, id: &str) -> (bool, bool, String) {
    let rows = db.query_rows(
        "SELECT answers, payload, score, personal_purged_at FROM responses WHERE id = $1",
        &[id],
    );
    let row = rows.first().unwrap_or_else(|| panic!("no row {id}"));
    let text = format!("{}{}", row["answers"], row["payload"]);
    let personal = [PHONE, EMAIL, COMMENT].iter().any(|s| text.contains(s));
    let all_gone = [PHONE, EMAIL, COMMENT].iter().all(|s| !text.contains(s));
    assert!(personal != all_gone, "partly purged: {text}");
    (
        personal,
        row["personal_purged_at"].is_string(),
        row["score"].as_str().unwrap_or_default().to_string(),
    )
}

/// Each dealer's retention period is applied: older rows lose contact data and
/// comments, younger ones keep them, scores and consent stay; at the serve process's
/// start too.
fn retention_clears_personal_data_per_dealer(backend: Backend) {
    let c = Collector::start(backend);
    let db = &c.db;
    let out = support::cli(db, &["retention", "--dealer", "D001", "--days", "30"]);
    assert!(out.contains("D001: 30 days"), "{out}");
    support::cli(db, &["retention", "--dealer", "D003", "--days", "400"]);
    let mut rows = Vec::new();
    for (dealer, days, purged) in [
        ("D001", 40, true),  // past its own 30 days
        ("D001", 10, false), // within them
        ("D002", 200, true), // past the default 180
        ("D002", 100, false),
        ("D003", 200, false), // its own 400 days
    ] {
        let p = personal(dealer, PHONE);
        let id = p["id"].as_str().expect("id").to_string();
        assert_eq!(c.post(&p).status, 201);
        backdate(db, &id, days);
        let score = stored(db, &id).2;
        rows.push((id, purged, score));
    }
    let out = support::cli(db, &["purge"]);
    assert!(out.contains("of 2 responses"), "{out}");
    for (id, purged, score) in &rows {
        let (personal, marked, after) = stored(db, id);
        assert_eq!((personal, marked), (!purged, *purged), "{id}");
        assert_eq!(&after, score, "the score stays");
    }
    // The reads still work, show consent, and have nothing personal for purged rows.
    let listed = c.get("/v1/responses?dealer=D001");
    assert_eq!(listed.status, 200);
    let items = listed.json()["items"].as_array().expect("items").clone();
    let old = items
        .iter()
        .find(|i| i["id"] == rows[0].0.as_str())
        .expect("the purged row is listed");
    assert_eq!(
        old["payload"]["answers"]["contact_me"],
        json!({ "contact": { "consent": true } })
    );
    assert_eq!(old["payload"]["answers"]["comment"], json!({ "text": "" }));
    assert_eq!(c.get("/v1/responses.csv").status, 200);
    // Again: nothing left to clear.
    assert!(support::cli(db, &["purge"]).contains("of 0 responses"));
    let audit = db.query_rows(
        "SELECT actor, row_count FROM audit WHERE action = 'purge'",
        &[],
    );
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["row_count"], json!(2));

    // Setting D003 back to the default (180 days) and starting a collector: the serve
    // process purges at start.
    support::cli(db, &["retention", "--dealer", "D003", "--days", "default"]);
    let again = Collector::start_on(std::sync::Arc::clone(&c.db), &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while stored(db, &rows[4].0).0 {
        assert!(std::time::Instant::now() < deadline, "not purged at start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        stored(db, &rows[3].0).0,
        "the 100-day-old row keeps its data"
    );
    drop(again);
}

both!(retention_clears_personal_data_per_dealer);

/// `collector customer forget` deletes every response of that phone number (however
/// it is written) or one response by id, and records it without the number.
fn forget_deletes_a_customers_responses(backend: Backend) {
    let c = Collector::start(backend);
    let db = &c.db;
    let mut ids = Vec::new();
    for phone in [PHONE, "+86 138 0013 8000", "13900139000"] {
        let p = personal("D001", phone);
        ids.push(p["id"].as_str().expect("id").to_string());
        assert_eq!(c.post(&p).status, 201);
    }
    let plain = ok_payload();
    assert_eq!(c.post(&plain).status, 201);
    let out = support::cli(
        db,
        &[
            "customer",
            "forget",
            "--phone",
            "138-0013-8000",
            "--by",
            "li",
        ],
    );
    assert!(out.contains("deleted 2 responses"), "{out}");
    assert_eq!((db.count(&ids[0]), db.count(&ids[1])), (0, 0));
    assert_eq!(db.count(&ids[2]), 1, "another customer's response stays");
    let plain_id = plain["id"].as_str().expect("id");
    let out = support::cli(db, &["customer", "forget", "--response", plain_id]);
    assert!(out.contains("deleted 1 responses"), "{out}");
    assert_eq!(db.count(plain_id), 0);
    let audit = db.query_rows(
        "SELECT actor, action, filter_text, row_count FROM audit ORDER BY seq",
        &[],
    );
    let forgets: Vec<_> = audit.iter().filter(|a| a["action"] == "forget").collect();
    assert_eq!(forgets.len(), 2, "{audit:?}");
    assert_eq!(forgets[0]["actor"], "command line (li)");
    assert_eq!(forgets[0]["filter_text"], "by phone number");
    assert_eq!(forgets[0]["row_count"], json!(2));
    assert_eq!(forgets[1]["row_count"], json!(1));
    let everything = format!("{audit:?}");
    assert!(
        !everything.contains("8000") && !everything.contains(PHONE),
        "the number is not recorded: {everything}"
    );
}

both!(forget_deletes_a_customers_responses);

/// Nothing a customer wrote reaches the log: a response with a phone number, an
/// e-mail address and a comment is posted, listed, exported, purged and forgotten
/// with the log at its most verbose.
fn no_contact_data_in_the_log(backend: Backend) {
    let c = Collector::start_opts(
        TestDb::fresh(backend),
        &Opts::default().env("COLLECTOR_LOG", "debug"),
    );
    let p = personal("D001", PHONE);
    let id = p["id"].as_str().expect("id").to_string();
    assert_eq!(c.post(&p).status, 201);
    // A refused one too: its reason must not quote the answer.
    let mut bad = personal("D001", PHONE);
    bad["answers"]["comment"] = json!({ "text": COMMENT.repeat(40) });
    assert_eq!(c.post(&bad).status, 422);
    let listed = c.get("/v1/responses");
    assert!(listed.text().contains(PHONE), "the admin reads it");
    // Unsigned, so the export includes it only when asked for every response.
    let csv = c.get("/v1/responses.csv?verified=all");
    assert!(csv.text().contains(PHONE) && csv.text().contains(COMMENT));
    assert_eq!(c.get_as(&Auth::Anonymous, "/v1/responses").status, 401);
    backdate(&c.db, &id, 400);
    let out = support::cli(&c.db, &["purge"]);
    assert!(out.contains("of 1 responses"), "{out}");
    let log = c.log();
    assert!(log.contains("/v1/responses"), "the log is captured: {log}");
    for secret in [PHONE, EMAIL, COMMENT, "wang.fang", "washer"] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

both!(no_contact_data_in_the_log);

/// Behind a trusted proxy the login throttle counts the forwarded client too: one
/// guesser's failures lock out their address, not everyone behind the proxy.
fn logins_behind_a_proxy_are_throttled_per_client(backend: Backend) {
    let c = Collector::start_opts(
        TestDb::fresh(backend),
        &Opts::args(&["--trusted-proxies", "127.0.0.1"]),
    );
    let login = |ip: &str, login: &str, password: &str| {
        let body = json!({ "login": login, "password": password }).to_string();
        request(
            &c.addr,
            "POST",
            "/v1/auth/login",
            &[
                ("Content-Type", "application/json"),
                ("X-Forwarded-For", ip),
            ],
            body.as_bytes(),
        )
        .status
    };
    for i in 0..20 {
        assert_eq!(login("198.51.100.1", &format!("nobody-{i}"), "guess"), 401);
    }
    assert_eq!(login("198.51.100.1", "nobody-else", "guess"), 429);
    support::add_user(&c.db, "li-proxy", "group-admin", &[], None);
    assert_eq!(
        login("198.51.100.2", "li-proxy", support::PASSWORD),
        200,
        "another client behind the same proxy"
    );
}

both!(logins_behind_a_proxy_are_throttled_per_client);

/// The call list's phone numbers (imported repair orders) are personal data too: the
/// retention purge removes them by the dealer's cutoff, counted from when the collector
/// first knew the visit, and `customer forget --phone` removes them however the number
/// was written; the repair order and its call stay.
fn the_call_lists_phone_numbers_follow_retention_and_deletion(backend: Backend) {
    let c = Collector::start(backend);
    let db = &c.db;
    support::cli(db, &["retention", "--dealer", "D001", "--days", "30"]);
    let file = "RO,dealer,advisor,customer phone,pickup date\n\
                OLD,D001,A07,13700137000,2026-10-01\n\
                NEW,D001,A07,13600136000,2026-11-30\n\
                ASKED,D001,A08,+86 138 0013 8000,2026-11-30\n";
    let r = c.import_repair_orders(&c.admin, "D001", file);
    assert_eq!(r.status, 200, "{}", r.text());
    let other = "RO,dealer,advisor,customer phone,pickup date\n\
                 OTHER40,D002,B01,13500135000,2026-10-01\n\
                 OTHER200,D002,B01,13400134000,2026-05-01\n";
    let r = c.import_repair_orders(&c.admin, "D002", other);
    assert_eq!(r.status, 200, "{}", r.text());
    // D001 keeps 30 days; D002 has no setting of its own, so the default 180.
    for (ro, days) in [("OLD", 40), ("OTHER40", 40), ("OTHER200", 200)] {
        let at = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * days))
            .expect("a time");
        let at = at.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string();
        db.execute(&format!(
            "UPDATE visits SET created_at = '{at}' WHERE repair_order = '{ro}'"
        ))
        .expect("backdate");
    }
    let phones = || -> Vec<(String, Value)> {
        db.query_rows(
            "SELECT repair_order, phone FROM visits ORDER BY repair_order",
            &[],
        )
        .iter()
        .map(|r| {
            (
                r["repair_order"].as_str().unwrap_or("?").to_string(),
                r["phone"].clone(),
            )
        })
        .collect()
    };
    support::cli(db, &["purge"]);
    assert_eq!(
        phones(),
        [
            ("ASKED".to_string(), json!("+8613800138000")),
            ("NEW".to_string(), json!("13600136000")),
            ("OLD".to_string(), Value::Null),
            ("OTHER200".to_string(), Value::Null),
            ("OTHER40".to_string(), json!("13500135000")),
        ],
        "past D001's 30 days or the default 180 the number goes, the visit stays"
    );
    let out = support::cli(
        db,
        &["customer", "forget", "--phone", "13800138000", "--by", "li"],
    );
    assert!(out.contains("deleted 0 responses"), "{out}");
    assert_eq!(phones()[0], ("ASKED".to_string(), Value::Null));
    assert_eq!(
        phones()[1].1,
        json!("13600136000"),
        "another customer's stays"
    );
    let audit = db.query_rows(
        "SELECT filter_text FROM audit WHERE action IN ('purge', 'forget') ORDER BY seq",
        &[],
    );
    let text = format!("{audit:?}");
    assert!(text.contains("2 call-list phone numbers"), "{text}");
    assert!(text.contains("1 call-list visits lost it"), "{text}");
    assert!(!text.contains("8000"), "the number is not recorded: {text}");
}

both!(the_call_lists_phone_numbers_follow_retention_and_deletion);
