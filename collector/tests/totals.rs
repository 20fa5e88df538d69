//! Reports are the database's sums of each response's stored totals (migration 0010,
//! `collector/src/store/totals.rs`). Rows stored before the columns existed get their
//! totals when the collector starts, and the reports do not change.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{new_id, post_service_payload, Backend, Collector, TestDb};

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
