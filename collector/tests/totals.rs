//! Reports are the database's sums of each response's stored totals (migration 0010,
//! `collector/src/store/totals.rs`). Rows stored before the columns existed get their
//! totals when the collector starts, and the reports do not change.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{cli, new_id, post_service_payload, Backend, Collector, TestDb};

/// A post-service response for `advisor` with every rating at `scale` (1–5) and NPS `nps`.
fn rated(advisor: &str, scale: u8, nps: u8) -> Value {
    let mut p = post_service_payload(&new_id(), "D001", Some(advisor), nps, false, None);
    if let Some(answers) = p["answers"].as_object_mut() {
        for a in answers.values_mut() {
            if a.get("scale").is_some() && *a != json!({ "scale": nps }) {
                *a = json!({ "scale": scale });
            }
        }
    }
    p
}

fn reports(c: &Collector) -> (Value, Value) {
    let q = "survey=post-service&verified=all";
    let summary = c.get(&format!("/v1/summary?{q}"));
    assert_eq!(summary.status, 200, "{}", summary.text());
    let by = c.get(&format!("/v1/breakdown?by=advisor&{q}"));
    assert_eq!(by.status, 200, "{}", by.text());
    (summary.json()["summary"].clone(), by.json()["rows"].clone())
}

fn rows_stored_before_the_totals_get_them_at_start(backend: Backend) {
    let db = TestDb::fresh(backend);
    let c = Collector::start_on(db.clone(), &[]);
    for (i, advisor) in ["A01", "A02", "A03"].iter().enumerate() {
        for k in 0..5u8 {
            let r = c.post(&rated(
                advisor,
                1 + (k + i as u8) % 5,
                (k * 3 + i as u8) % 11,
            ));
            assert_eq!(r.status, 201, "{}", r.text());
        }
    }
    let (summary, by) = reports(&c);
    assert_eq!(summary["n"], json!(15));
    let stored = db.query_rows("SELECT t_version, t_n FROM responses", &[]);
    assert_eq!(stored.len(), 15);
    assert!(
        stored
            .iter()
            .all(|r| r["t_n"] == json!(1) && !r["t_version"].is_null()),
        "every scored row has its totals: {stored:?}"
    );
    drop(c);

    // As a database migrated to 0010 holds its older rows: no totals.
    db.execute("UPDATE responses SET t_version = NULL, t_n = NULL, t_csi_n = NULL, t_csi_sum = NULL, t_promoters = NULL")
        .expect("clear the totals");
    let c = Collector::start_on(db.clone(), &[]);
    assert!(c.log().contains("totals filled in"), "{}", c.log());
    let (again, by_again) = reports(&c);
    assert_eq!(again, summary, "the same summary from filled-in totals");
    assert_eq!(by_again, by, "the same breakdown");
}

both!(rows_stored_before_the_totals_get_them_at_start);

/// A post-service response at `dealer` whose fixed-first-time answer is `answer`.
fn fixed(dealer: &str, answer: Value) -> Value {
    let mut p = post_service_payload(&new_id(), dealer, Some("A01"), 9, false, None);
    if let Some(answers) = p["answers"].as_object_mut() {
        answers.insert("p_fixed_first_time".into(), answer);
    }
    p
}

/// Wilson's 95% interval, written out here from its formula (not the collector's code).
fn wilson(k: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

/// The fixed-first-time rate: the summary counts the responses that answered the
/// question (yes or no; not "not applicable", not skipped), with its Wilson interval,
/// beside the dealer's target; rows stored before 0016 get theirs at start.
fn the_fixed_first_time_rate_is_counted_by_the_database(backend: Backend) {
    let db = TestDb::fresh(backend);
    let c = Collector::start_on(db.clone(), &[]);
    let yes = || json!({ "yes_no": true });
    let no = || json!({ "yes_no": false });
    // D001: 7 yes, 2 no, 1 not applicable (the question is required). D002: 1 no.
    let mut posts = vec![];
    posts.extend((0..7).map(|_| fixed("D001", yes())));
    posts.extend((0..2).map(|_| fixed("D001", no())));
    posts.push(fixed("D001", json!("not_applicable")));
    posts.push(fixed("D002", no()));
    for p in &posts {
        let r = c.post(p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    cli(
        &db,
        &[
            "settings",
            "--dealer",
            "D001",
            "--fixed-first-time-target",
            "97",
            "--csi-target",
            "90",
        ],
    );
    // The CSI goal by the same rule: the dealer's own, the default for a group.
    let csi_target = |q: &str| {
        let r = c.get(&format!("/v1/summary?survey=post-service&verified=all{q}"));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["csi_target"].clone()
    };
    assert_eq!(
        csi_target("&dealer=D001"),
        json!(90.0),
        "D001's own CSI goal"
    );
    assert_eq!(csi_target("&dealer=D002"), json!(93.0), "the domain's 93");
    assert_eq!(
        csi_target(""),
        json!(93.0),
        "two dealers, two goals: the default"
    );
    let read = |c: &Collector, q: &str| {
        let r = c.get(&format!("/v1/summary?survey=post-service&verified=all{q}"));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["fixed_first_time"].clone()
    };
    let d001 = read(&c, "&dealer=D001");
    assert_eq!(d001["rate"]["n"], json!(9), "{d001}");
    assert_eq!(d001["rate"]["successes"], json!(7));
    let share = d001["rate"]["share"].as_f64().expect("share");
    assert!((share - 7.0 / 9.0).abs() < 1e-12, "{share}");
    let (low, high) = wilson(7.0, 9.0);
    assert!(
        (d001["rate"]["low"].as_f64().expect("low") - low).abs() < 1e-9,
        "{d001} {low}"
    );
    assert!(
        (d001["rate"]["high"].as_f64().expect("high") - high).abs() < 1e-9,
        "{d001} {high}"
    );
    assert_eq!(d001["target"], json!(0.97), "D001's own target");
    let all = read(&c, "");
    assert_eq!(all["rate"]["n"], json!(10));
    assert_eq!(all["rate"]["successes"], json!(7));
    assert_eq!(
        all["target"],
        json!(0.95),
        "two dealers, two targets: the default"
    );
    let d002 = read(&c, "&dealer=D002");
    assert_eq!(d002["rate"]["successes"], json!(0));
    assert_eq!(d002["target"], json!(0.95));
    let none = read(&c, "&dealer=D009");
    assert_eq!(none["rate"], Value::Null, "no answers, no rate");
    drop(c);

    // As a database migrated to 0016 holds its older rows.
    db.execute("UPDATE responses SET t_fft_n = NULL, t_fft_yes = NULL")
        .expect("clear the outcomes");
    let c = Collector::start_on(db.clone(), &[]);
    assert_eq!(
        read(&c, "&dealer=D001"),
        d001,
        "the same rate from filled-in rows"
    );
}

both!(the_fixed_first_time_rate_is_counted_by_the_database);
