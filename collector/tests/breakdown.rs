//! `GET /v1/breakdown`: one row per advisor (agent, station) with a ranking that three
//! perfect responses cannot top, scoped like the summary, over real HTTP on both
//! backends.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, PASSWORD};

/// A post-service response for `advisor` with every rating at `scale` (1–5).
fn rated(dealer: &str, advisor: &str, scale: u8) -> Value {
    let mut p = post_service_payload(&new_id(), dealer, Some(advisor), 9, false, None);
    if let Some(answers) = p["answers"].as_object_mut() {
        for a in answers.values_mut() {
            if a.get("scale").is_some() && *a != json!({ "scale": 9 }) {
                *a = json!({ "scale": scale });
            }
        }
    }
    p
}

fn rows(c: &Collector, auth: &Auth, query: &str) -> (u16, Value) {
    let r = c.get_as(auth, &format!("/v1/breakdown{query}"));
    let body = if r.status == 200 {
        r.json()
    } else {
        json!(r.text())
    };
    (r.status, body)
}

fn advisors_are_ranked_without_being_fooled_by_small_samples(backend: Backend) {
    let c = Collector::start(backend);
    let mut posts = Vec::new();
    // A01: 3 perfect responses. A02: 12 at 4 of 5 (CSI 75). A03: 10 perfect and 5 at
    // 3 of 5 (CSI 83.3). D002's B01: 10 at 5.
    posts.extend((0..3).map(|_| rated("D001", "A01", 5)));
    posts.extend((0..12).map(|_| rated("D001", "A02", 4)));
    posts.extend((0..10).map(|_| rated("D001", "A03", 5)));
    posts.extend((0..5).map(|_| rated("D001", "A03", 3)));
    posts.extend((0..10).map(|_| rated("D002", "B01", 5)));
    for p in &posts {
        let r = c.post(p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let q = "?by=advisor&survey=post-service&dealer=D001&verified=all";
    let (status, body) = rows(&c, &c.admin, q);
    assert_eq!(status, 200, "{body}");
    let table: Vec<(String, u64, f64, bool, Value)> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["advisor"].as_str().unwrap_or("?").to_string(),
                r["responses"].as_u64().unwrap_or(0),
                r["csi"]["mean"].as_f64().unwrap_or(-1.0),
                r["comparable"].as_bool().unwrap_or(true),
                r["rank"].clone(),
            )
        })
        .collect();
    let csi_a03 = (10.0 * 100.0 + 5.0 * 50.0) / 15.0;
    assert_eq!(table.len(), 3, "{body}");
    assert_eq!(table[0], ("A01".into(), 3, 100.0, false, Value::Null));
    assert_eq!(table[1], ("A02".into(), 12, 75.0, true, json!(2)));
    assert_eq!(table[2].0, "A03");
    assert!((table[2].2 - csi_a03).abs() < 1e-9, "{}", table[2].2);
    assert_eq!((table[2].3, table[2].4.clone()), (true, json!(1)));
    // The pool is every response of the table, each once.
    let pool = (3.0 * 100.0 + 12.0 * 75.0 + 15.0 * csi_a03) / 30.0;
    let got = body["ranking"]["pool_csi"].as_f64().unwrap_or(-1.0);
    assert!((got - pool).abs() < 1e-9, "{got} vs {pool}");
    let shrunk = body["rows"][0]["csi_shrunk"].as_f64().unwrap_or(-1.0);
    assert!((shrunk - (300.0 + 10.0 * pool) / 13.0).abs() < 1e-9);

    // Scope: a manager of D002 sees D002's advisor only, and is refused D001's.
    let tag = format!("{:x}", support::unique());
    add_user(
        &c.db,
        &format!("m2-{tag}"),
        "dealer-manager",
        &["D002"],
        None,
    );
    add_user(
        &c.db,
        &format!("a2-{tag}"),
        "service-advisor",
        &["D001"],
        Some("A02"),
    );
    add_user(
        &c.db,
        &format!("ag-{tag}"),
        "follow-up-agent",
        &["D001"],
        None,
    );
    let m2 = c.login(&format!("m2-{tag}"), PASSWORD);
    let (status, body) = rows(&c, &m2, "?by=advisor&survey=post-service&verified=all");
    assert_eq!(status, 200);
    let names: Vec<&str> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["advisor"].as_str())
        .collect();
    assert_eq!(names, ["B01"]);
    assert_eq!(rows(&c, &m2, q).0, 403);
    // An advisor gets their own row and nobody else's.
    let a2 = c.login(&format!("a2-{tag}"), PASSWORD);
    let (status, body) = rows(&c, &a2, "?by=advisor&survey=post-service&verified=all");
    assert_eq!(status, 200);
    let names: Vec<&str> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["advisor"].as_str())
        .collect();
    assert_eq!(names, ["A02"]);
    let agent = c.login(&format!("ag-{tag}"), PASSWORD);
    assert_eq!(rows(&c, &agent, q).0, 403);
    assert_eq!(rows(&c, &Auth::Anonymous, q).0, 401);

    // Refusals, each with its reason.
    for (query, says) in [
        ("?by=advisor", "name the survey"),
        ("?survey=post-service", "by=advisor"),
        ("?by=colour&survey=post-service", "advisor, agent, station"),
        ("?by=advisor&by=agent&survey=post-service", "more than once"),
        (
            "?by=advisor&survey=post-service&colour=red",
            "unknown parameter",
        ),
    ] {
        let (status, body) = rows(&c, &c.admin, query);
        assert_eq!(status, 400, "{query}");
        assert!(body.to_string().contains(says), "{query}: {body}");
    }
}

both!(advisors_are_ranked_without_being_fooled_by_small_samples);

/// A period narrows the breakdown exactly as it narrows the summary: dates are days in
/// the dealer's zone (Asia/Shanghai by default), `to` inclusive. The console asks for
/// both with the same dates, so a route that dropped them would show a year of an
/// advisor beside a month of the dealer.
fn a_period_narrows_the_breakdown_like_the_summary(backend: Backend) {
    let c = Collector::start(backend);
    // Created at: October (2), 30 November 23:30 Shanghai time (1, i.e. 15:30 UTC),
    // and 1 December 00:30 Shanghai time (1, still 30 November in UTC).
    for created in [
        "2026-10-10T02:00:00Z",
        "2026-10-20T02:00:00Z",
        "2026-11-30T15:30:00Z",
        "2026-11-30T16:30:00Z",
    ] {
        let mut p = rated("D001", "A01", 4);
        p["created_at"] = json!(created);
        let r = c.post(&p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let period = "survey=post-service&dealer=D001&verified=all&from=2026-11-01&to=2026-11-30";
    let (status, body) = rows(&c, &c.admin, &format!("?by=advisor&{period}"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"][0]["responses"], json!(1), "{body}");
    let summary = c.get_as(&c.admin, &format!("/v1/summary?{period}"));
    assert_eq!(summary.status, 200, "{}", summary.text());
    assert_eq!(summary.json()["summary"]["n"], json!(1));
    // December's first half hour in Shanghai belongs to December.
    let december = "survey=post-service&verified=all&from=2026-12-01&to=2026-12-31";
    let (_, body) = rows(&c, &c.admin, &format!("?by=advisor&{december}"));
    assert_eq!(body["rows"][0]["responses"], json!(1), "{body}");
    // A malformed date is refused, not ignored.
    let (status, body) = rows(
        &c,
        &c.admin,
        "?by=advisor&survey=post-service&from=2026-13-01",
    );
    assert_eq!(status, 400, "{body}");
}

both!(a_period_narrows_the_breakdown_like_the_summary);

/// `by=month`: every month of the range in the dealer's zone, each with the figures
/// the summary gives for that month alone (one pass instead of one call per month);
/// 23:30 on the last day of a month in Shanghai is that month, 00:30 on the first
/// the next; an empty month is listed with 0 responses.
fn months_are_local_calendar_months_with_the_summarys_figures(backend: Backend) {
    let c = Collector::start(backend);
    for (created, scale) in [
        ("2026-09-10T02:00:00Z", 5),
        ("2026-09-30T15:30:00Z", 3),
        ("2026-09-30T16:30:00Z", 4),
        ("2026-11-15T02:00:00Z", 2),
        ("2026-11-16T02:00:00Z", 5),
    ] {
        let mut p = rated("D001", "A01", scale);
        p["created_at"] = json!(created);
        let r = c.post(&p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let base = "survey=post-service&dealer=D001&verified=all";
    let (status, body) = rows(
        &c,
        &c.admin,
        &format!("?by=month&{base}&from=2026-09-01&to=2026-11-30"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["filter"]["time_zone"],
        json!("Asia/Shanghai"),
        "{body}"
    );
    let months: Vec<(String, u64)> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["month"].as_str().unwrap_or("?").to_string(),
                r["responses"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-09".to_string(), 2),
            ("2026-10".to_string(), 1),
            ("2026-11".to_string(), 2)
        ],
        "{body}"
    );
    // Each month's figures are the summary's for the same days.
    for (i, (from, to)) in [
        ("2026-09-01", "2026-09-30"),
        ("2026-10-01", "2026-10-31"),
        ("2026-11-01", "2026-11-30"),
    ]
    .into_iter()
    .enumerate()
    {
        let s = c.get_as(&c.admin, &format!("/v1/summary?{base}&from={from}&to={to}"));
        assert_eq!(s.status, 200, "{}", s.text());
        let s = s.json();
        assert_eq!(
            body["rows"][i]["csi"], s["summary"]["csi"],
            "{from}: {body} vs {s}"
        );
        assert_eq!(body["rows"][i]["nps"], s["summary"]["nps"], "{from}");
    }
    // A range that starts mid-month starts its first month there; refusals say why.
    let (_, body) = rows(
        &c,
        &c.admin,
        &format!("?by=month&{base}&from=2026-09-15&to=2026-10-31"),
    );
    assert_eq!(body["rows"][0]["responses"], json!(1), "{body}");
    for (query, says) in [
        (format!("?by=month&{base}"), "needs from= and to="),
        (
            format!("?by=month&{base}&from=2020-01-01&to=2026-11-30"),
            "at most 36 months",
        ),
        (
            "?by=month&from=2026-09-01&to=2026-11-30".to_string(),
            "name the survey",
        ),
    ] {
        let (status, body) = rows(&c, &c.admin, &query);
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.to_string().contains(says), "{query}: {body}");
    }
}

both!(months_are_local_calendar_months_with_the_summarys_figures);

/// Responses without an advisor (a lounge kiosk, a website) are listed as a row of their
/// own, with their figures, but are nobody: not ranked, and not in the pool the
/// advisors are shrunk towards.
fn responses_without_an_advisor_are_listed_but_not_ranked(backend: Backend) {
    let c = Collector::start(backend);
    for _ in 0..12 {
        assert_eq!(c.post(&rated("D001", "A01", 4)).status, 201);
        let mut kiosk = rated("D001", "A01", 5);
        if let Some(ctx) = kiosk["context"].as_object_mut() {
            ctx.remove("advisor");
        }
        assert_eq!(c.post(&kiosk).status, 201);
    }
    let (status, body) = rows(
        &c,
        &c.admin,
        "?by=advisor&survey=post-service&dealer=D001&verified=all",
    );
    assert_eq!(status, 200, "{body}");
    let all = body["rows"].as_array().expect("rows");
    let nobody = all
        .iter()
        .find(|r| r["advisor"].is_null())
        .expect("a row without an advisor");
    assert_eq!(nobody["responses"], json!(12), "{body}");
    assert_eq!(nobody["csi"]["mean"], json!(100.0), "{body}");
    assert_eq!(
        (nobody["rank"].clone(), nobody["comparable"].clone()),
        (Value::Null, json!(false)),
        "{body}"
    );
    let a01 = all
        .iter()
        .find(|r| r["advisor"] == json!("A01"))
        .expect("A01");
    assert_eq!(a01["rank"], json!(1), "{body}");
    assert_eq!(body["ranking"]["pool_csi"], json!(75.0), "{body}");
}

both!(responses_without_an_advisor_are_listed_but_not_ranked);
