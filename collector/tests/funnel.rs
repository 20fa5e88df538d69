//! The survey's own funnel over real HTTP on both backends: `POST /v1/beacons` stores
//! each (visit, stage, page) once, refuses bad beacons in the one refusal shape, and
//! `GET /v1/funnel` counts distinct visits per stage, scoped to the caller's dealers,
//! its dates in the dealer's zone; beacons follow the retention purge.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, request, Auth, Backend, Collector, Resp, PASSWORD};

fn beacon(dealer: &str, channel: &str, visit: &str, stage: &str, page: u32, ms: u64) -> Value {
    let mut b = json!({
        "format": "survey-beacon/1",
        "survey": { "id": "post-service", "version": 1 },
        "dealer": dealer,
        "channel": channel,
        "visit": visit,
        "stage": stage,
        "elapsed_ms": ms,
    });
    if stage == "page" {
        b["page"] = json!(page);
    }
    b
}

/// As `navigator.sendBeacon` sends a string: `text/plain`.
fn send(c: &Collector, body: &str) -> Resp {
    request(
        &c.addr,
        "POST",
        "/v1/beacons",
        &[("Content-Type", "text/plain;charset=UTF-8")],
        body.as_bytes(),
    )
}

fn funnel(c: &Collector, auth: &Auth, query: &str) -> (u16, Value) {
    let r = c.get_as(auth, &format!("/v1/funnel{query}"));
    let body = if r.status == 200 {
        r.json()
    } else {
        json!(r.error())
    };
    (r.status, body)
}

fn row<'a>(body: &'a Value, channel: &str) -> &'a Value {
    body["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["channel"] == channel))
        .unwrap_or(&Value::Null)
}

/// The hand-counted visits of core's funnel test, posted for D001 (one page beacon
/// sent twice, every completed beacon retried): QR opened 5, started 4, page 2: 4,
/// page 3: 2, completed 3, abandoned 3; stopped at page 1: 1, page 2: 1; median 90 s;
/// give-up page 1. Kiosk: opened 2, completed 1, median 45 s, give-up page 2.
fn seed(c: &Collector, dealer: &str) -> usize {
    let v: Vec<String> = (0..7).map(|_| new_id()).collect();
    let plan: [(&str, usize, &str, u32, u64); 28] = [
        ("qr", 0, "opened", 0, 0),
        ("qr", 0, "started", 0, 5_000),
        ("qr", 0, "page", 2, 30_000),
        ("qr", 0, "page", 3, 60_000),
        ("qr", 0, "completed", 0, 90_000),
        ("qr", 1, "opened", 0, 0),
        ("qr", 1, "started", 0, 4_000),
        ("qr", 1, "page", 2, 20_000),
        ("qr", 1, "abandoned", 0, 140_000),
        ("qr", 2, "opened", 0, 0),
        ("qr", 2, "abandoned", 0, 120_000),
        ("qr", 3, "opened", 0, 0),
        ("qr", 3, "started", 0, 9_000),
        ("qr", 3, "page", 2, 50_000),
        ("qr", 3, "page", 2, 50_000),
        ("qr", 3, "page", 3, 100_000),
        ("qr", 3, "completed", 0, 150_000),
        ("qr", 4, "opened", 0, 0),
        ("qr", 4, "started", 0, 2_000),
        ("qr", 4, "abandoned", 0, 10_000),
        ("qr", 4, "page", 2, 30_000),
        ("qr", 4, "completed", 0, 60_000),
        ("kiosk", 5, "opened", 0, 0),
        ("kiosk", 5, "started", 0, 1_000),
        ("kiosk", 5, "page", 2, 8_000),
        ("kiosk", 6, "opened", 0, 0),
        ("kiosk", 6, "started", 0, 1_000),
        ("kiosk", 6, "completed", 0, 45_000),
    ];
    for (channel, visit, stage, page, ms) in plan {
        let body = beacon(dealer, channel, &v[visit], stage, page, ms).to_string();
        let times = if stage == "completed" { 2 } else { 1 };
        for _ in 0..times {
            let r = send(c, &body);
            assert_eq!(r.status, 202, "{body}: {}", r.text());
            assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        }
    }
    plan.len() - 1 // the repeated page beacon is one row
}

fn beacons_are_stored_once_and_counted_per_channel(backend: Backend) {
    let c = Collector::start(backend);
    let rows = seed(&c, "D001");
    assert_eq!(
        c.db.query_rows("SELECT COUNT(*) AS n FROM beacons", &[])[0]["n"],
        json!(rows),
        "one row per visit, stage and page: retries are not stored twice"
    );
    let (status, body) = funnel(&c, &c.admin, "?survey=post-service&by=channel");
    assert_eq!(status, 200, "{body}");
    let qr = row(&body, "qr");
    assert_eq!(
        (
            &qr["opened"],
            &qr["started"],
            &qr["completed"],
            &qr["abandoned"]
        ),
        (&json!(5), &json!(4), &json!(3), &json!(3)),
        "{body}"
    );
    assert_eq!(
        qr["pages"],
        json!([{ "page": 2, "visits": 4 }, { "page": 3, "visits": 2 }])
    );
    assert_eq!(
        qr["stopped"],
        json!([{ "page": 1, "visits": 1 }, { "page": 2, "visits": 1 }])
    );
    assert_eq!(qr["completion_rate"], json!(0.6));
    assert_eq!(qr["median_ms_to_complete"], json!(90_000));
    assert_eq!(qr["give_up_page"], json!(1));
    let kiosk = row(&body, "kiosk");
    assert_eq!(
        (
            &kiosk["opened"],
            &kiosk["completed"],
            &kiosk["median_ms_to_complete"]
        ),
        (&json!(2), &json!(1), &json!(45_000))
    );
    assert_eq!(kiosk["give_up_page"], json!(2));
    // Pooled: 7 visits, 4 completed, median of 45, 60, 90, 150 s = 75 s.
    let (_, pooled) = funnel(&c, &c.admin, "?survey=post-service");
    let all = &pooled["rows"][0];
    assert_eq!(
        (&all["channel"], &all["opened"], &all["completed"]),
        (&Value::Null, &json!(7), &json!(4)),
        "{pooled}"
    );
    assert_eq!(all["median_ms_to_complete"], json!(75_000));
    // One channel only.
    let (_, k) = funnel(
        &c,
        &c.admin,
        "?survey=post-service&channel=kiosk&by=channel",
    );
    assert_eq!(k["rows"].as_array().map(Vec::len), Some(1), "{k}");

    // The table holds nothing of the sender: no address, no user agent.
    let columns =
        c.db.query_rows("SELECT * FROM beacons ORDER BY seq LIMIT 1", &[]);
    let mut names: Vec<&String> = columns[0].keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "at",
            "channel",
            "dealer",
            "elapsed_ms",
            "page",
            "seq",
            "stage",
            "survey_id",
            "survey_version",
            "visit"
        ]
    );
    assert!(!c
        .log()
        .contains(&columns[0]["visit"].as_str().unwrap_or("?").to_string()));
}

fn bad_beacons_are_refused_with_the_field_at_fault(backend: Backend) {
    let c = Collector::start(backend);
    let v = new_id();
    let mut page_without_number = beacon("D001", "qr", &v, "page", 0, 10);
    page_without_number
        .as_object_mut()
        .map(|o| o.remove("page"));
    let mut with_answers = beacon("D001", "qr", &v, "opened", 0, 0);
    with_answers["answers"] = json!({ "comment": { "text": "the advisor was rude" } });
    for (body, status, says) in [
        (
            page_without_number.to_string(),
            400,
            "page: a page beacon names its page",
        ),
        (
            beacon("D001", "qr", "not-a-uuid", "opened", 0, 0).to_string(),
            400,
            "visit: expected a random UUID",
        ),
        (
            beacon("D001", "fax", &v, "opened", 0, 0).to_string(),
            400,
            "channel: unknown variant `fax`",
        ),
        (
            with_answers.to_string(),
            400,
            "answers: unknown field `answers`",
        ),
        ("{".to_string(), 400, "EOF while parsing"),
        ("x".repeat(2000), 413, "limit is 1024"),
    ] {
        let r = send(&c, &body);
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert!(r.sole_error().contains(says), "{}", r.text());
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    let r = request(
        &c.addr,
        "POST",
        "/v1/beacons",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"a=b",
    );
    assert_eq!(r.status, 415, "{}", r.text());
    assert_eq!(
        c.db.query_rows("SELECT COUNT(*) AS n FROM beacons", &[])[0]["n"],
        json!(0)
    );
    // The funnel: a survey is required, nothing beacons do not have is taken, and it
    // is not public.
    for (query, says) in [
        ("?by=channel", "name the survey"),
        ("?survey=post-service&advisor=A01", "not \"advisor\""),
        ("?survey=post-service&by=advisor", "must be channel"),
        (
            "?survey=post-service&from=yesterday",
            "is not an RFC 3339 time",
        ),
    ] {
        let (status, body) = funnel(&c, &c.admin, query);
        assert_eq!(status, 400, "{query}");
        assert!(
            body.as_str().unwrap_or("").contains(says),
            "{query}: {body}"
        );
    }
    assert_eq!(funnel(&c, &Auth::Anonymous, "?survey=post-service").0, 401);
    assert!(c.log().contains("/v1/beacons"), "request lines are logged");
    assert!(!c.log().contains("rude"), "no beacon body in the log");
}

fn the_funnel_is_scoped_and_dated_in_the_dealers_zone(backend: Backend) {
    let c = Collector::start(backend);
    seed(&c, "D001");
    let v = new_id();
    for stage in ["opened", "started", "completed"] {
        assert_eq!(
            send(
                &c,
                &beacon("D002", "website", &v, stage, 0, 30_000).to_string()
            )
            .status,
            202
        );
    }
    let tag = format!("{:x}", support::unique());
    add_user(
        &c.db,
        &format!("m2-{tag}"),
        "dealer-manager",
        &["D002"],
        None,
    );
    let m2 = c.login(&format!("m2-{tag}"), PASSWORD);
    let (status, body) = funnel(&c, &m2, "?survey=post-service&by=channel");
    assert_eq!(status, 200, "{body}");
    let channels: Vec<&str> = body["rows"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["channel"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        channels,
        ["website"],
        "D002's manager sees D002's visits only"
    );
    assert_eq!(row(&body, "website")["completion_rate"], json!(1.0));
    let (status, body) = funnel(&c, &m2, "?survey=post-service&dealer=D001");
    assert_eq!(status, 403, "{body}");

    // Dates are the dealer's days (Asia/Shanghai): 2026-10-31T16:30Z is 1 November
    // 00:30 there, so it is in November and not in October.
    let w = new_id();
    c.db.execute(&format!(
        "INSERT INTO beacons (at, survey_id, survey_version, dealer, channel, visit, stage, page, elapsed_ms)
         VALUES ('2026-10-31T16:30:00.000Z', 'post-service', 1, 'D002', 'qr', '{w}', 'opened', 0, 0)"
    ))
    .expect("insert");
    let nov = "?survey=post-service&from=2026-11-01&to=2026-11-01&by=channel";
    let (_, body) = funnel(&c, &m2, nov);
    assert_eq!(row(&body, "qr")["opened"], json!(1), "{body}");
    let oct = "?survey=post-service&from=2026-10-01&to=2026-10-31&by=channel";
    let (_, body) = funnel(&c, &m2, oct);
    assert_eq!(body["rows"], json!([]), "{body}");
}

fn beacons_follow_the_retention_purge(backend: Backend) {
    let c = Collector::start(backend);
    support::cli(&c.db, &["retention", "--dealer", "D001", "--days", "30"]);
    let old = |days: i64| {
        let t = std::time::SystemTime::now()
            - std::time::Duration::from_secs(u64::try_from(days * 86_400).unwrap_or(0));
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        // Days since 1970 to a civil date (Howard Hinnant's algorithm).
        let z = (secs / 86_400) as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02}T12:00:00.000Z")
    };
    for (dealer, days) in [("D001", 40), ("D001", 10), ("D002", 200), ("D002", 100)] {
        let v = new_id();
        c.db.execute(&format!(
            "INSERT INTO beacons (at, survey_id, survey_version, dealer, channel, visit, stage, page, elapsed_ms)
             VALUES ('{}', 'post-service', 1, '{dealer}', 'qr', '{v}', 'opened', 0, 0)",
            old(days)
        ))
        .expect("insert");
    }
    support::cli(&c.db, &["purge"]);
    let left =
        c.db.query_rows("SELECT dealer, at FROM beacons ORDER BY dealer, at", &[]);
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0]["dealer"], json!("D001"));
    assert_eq!(left[0]["at"], json!(old(10)));
    assert_eq!(left[1]["at"], json!(old(100)));
}

/// Beacons have their own allowance per address, 16 times the posting one: past it a
/// 429 with `Retry-After` the widget's page can read (CORS), and posting a response
/// from the same address is not affected.
fn beacons_are_rate_limited_apart_from_responses(backend: Backend) {
    let c = Collector::start_with(
        backend,
        &[
            "--post-rate-per-address",
            "1",
            "--post-burst-per-address",
            "1",
        ],
    );
    let statuses: Vec<u16> = (0..17)
        .map(|_| {
            send(
                &c,
                &beacon("D001", "qr", &new_id(), "opened", 0, 0).to_string(),
            )
            .status
        })
        .collect();
    assert_eq!(&statuses[..16], &[202; 16], "{statuses:?}");
    let r = send(
        &c,
        &beacon("D001", "qr", &new_id(), "opened", 0, 0).to_string(),
    );
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(
        r.sole_error()
            .starts_with("too many beacons from this address"),
        "{}",
        r.text()
    );
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let p = support::post_service_payload(&new_id(), "D001", Some("A01"), 9, false, None);
    assert_eq!(
        c.post(&p).status,
        201,
        "a response still has its own allowance"
    );
}

both!(
    beacons_are_rate_limited_apart_from_responses,
    beacons_are_stored_once_and_counted_per_channel,
    bad_beacons_are_refused_with_the_field_at_fault,
    the_funnel_is_scoped_and_dated_in_the_dealers_zone,
    beacons_follow_the_retention_purge,
);
