//! The VOC tally counted by the database (`GET /v1/voc`, `collector/src/voc.rs`), on
//! both backends: reasons, low items and alerts per local month of the dealer, compared
//! with counts made by hand from the posted responses; the last month's comments,
//! newest first; and the same tally from marks filled in at start for older rows.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{new_id, post_service_payload, Backend, Collector, TestDb};

/// A post-service response at `dealer`, created at `created_at`, with NPS `nps` and
/// `answers` set over the defaults (every rating 4, every yes/no yes).
fn response(dealer: &str, created_at: &str, nps: u8, answers: Value) -> Value {
    let mut p = post_service_payload(&new_id(), dealer, Some("A01"), nps, false, None);
    p["created_at"] = json!(created_at);
    if let (Some(to), Some(from)) = (p["answers"].as_object_mut(), answers.as_object()) {
        for (k, v) in from {
            to.insert(k.clone(), v.clone());
        }
    }
    p
}

fn row<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|rows| rows.iter().find(|r| r[key] == json!(value)))
        .unwrap_or_else(|| panic!("no row {key}={value} in {list}"))
}

fn the_tally_is_counted_per_local_month(backend: Backend) {
    let db = TestDb::fresh(backend);
    let c = Collector::start_on(db.clone(), &[]);
    // "What went wrong?" is asked of detractors (NPS 0-6), so every response with a
    // reason is one.
    let posts = [
        // October in Shanghai.
        response(
            "D001",
            "2026-10-10T02:00:00Z",
            5,
            json!({ "what_went_wrong": { "choices": ["waiting", "price"] },
                    "s_lounge": { "scale": 2 }, "comment": { "text": "slow" } }),
        ),
        // 23:30 on 31 October in Shanghai (15:30Z): October's.
        response(
            "D001",
            "2026-10-31T15:30:00Z",
            6,
            json!({ "what_went_wrong": { "choices": ["price"] } }),
        ),
        // 00:30 on 1 November in Shanghai (16:30Z the day before): November's.
        response(
            "D001",
            "2026-10-31T16:30:00Z",
            3,
            json!({ "what_went_wrong": { "choices": ["waiting"] },
                    "p_on_time": { "yes_no": false }, "comment": { "text": "太慢了" } }),
        ),
        // 23:30 on 30 November in Shanghai: November's, and the newest comment.
        response(
            "D001",
            "2026-11-30T15:30:00Z",
            4,
            json!({ "what_went_wrong": { "choices": ["waiting"] }, "comment": { "text": "again" } }),
        ),
        // 00:30 on 1 December in Shanghai: after the range.
        response(
            "D001",
            "2026-11-30T16:30:00Z",
            2,
            json!({ "what_went_wrong": { "choices": ["waiting"] } }),
        ),
        // Another dealer.
        response(
            "D002",
            "2026-11-10T02:00:00Z",
            1,
            json!({ "what_went_wrong": { "choices": ["price"] } }),
        ),
    ];
    for p in &posts {
        let r = c.post(p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let read = |c: &Collector| {
        let r = c.get(
            "/v1/voc?survey=post-service&dealer=D001&from=2026-10-01&to=2026-11-30&verified=all",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    let v = read(&c);
    assert_eq!(v["months"], json!(["2026-10", "2026-11"]), "{v}");
    assert_eq!(v["responses"], json!([2, 2]));
    // By hand: waiting in R1 (Oct), R3 and R4 (Nov); price in R1 and R2 (Oct).
    assert_eq!(
        row(&v["reasons"], "option", "waiting")["counts"],
        json!([1, 2])
    );
    assert_eq!(
        row(&v["reasons"], "option", "price")["counts"],
        json!([2, 0])
    );
    assert_eq!(
        v["reasons"].as_array().map(Vec::len),
        Some(2),
        "{}",
        v["reasons"]
    );
    assert_eq!(
        v["reasons"][0]["option"],
        json!("waiting"),
        "the month's most first"
    );
    // Low: the lounge rated 2 in October, not on time in November.
    assert_eq!(
        row(&v["low"], "question", "s_lounge")["counts"],
        json!([1, 0])
    );
    assert_eq!(
        row(&v["low"], "question", "p_on_time")["counts"],
        json!([0, 1])
    );
    assert_eq!(v["low"].as_array().map(Vec::len), Some(2), "{}", v["low"]);
    // Every one a detractor: two a month.
    assert_eq!(
        row(&v["alerts"], "rule", "nps_detractor")["counts"],
        json!([2, 2])
    );
    assert_eq!(
        v["alerts"].as_array().map(Vec::len),
        Some(1),
        "{}",
        v["alerts"]
    );
    // November's comments behind each row, newest first; none of October's.
    let waiting = &row(&v["reasons"], "option", "waiting")["comments"];
    let texts: Vec<&str> = waiting
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["text"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(texts, ["again", "太慢了"]);
    assert_eq!(waiting[0]["advisor"], json!("A01"));
    assert_eq!(
        row(&v["low"], "question", "s_lounge")["comments"],
        json!([])
    );
    assert_eq!(
        row(&v["alerts"], "rule", "nps_detractor")["comments"],
        *waiting
    );
    assert_eq!(
        row(&v["low"], "question", "p_on_time")["comments"][0]["text"],
        json!("太慢了")
    );
    // survey= is required.
    let r = c.get("/v1/voc?from=2026-10-01&to=2026-11-30");
    assert_eq!(r.status, 400, "{}", r.text());
    drop(c);

    // As a database migrated to 0017 holds its older rows: no marks.
    db.execute("DELETE FROM response_marks")
        .expect("clear the marks");
    db.execute("UPDATE responses SET v_marked = NULL, v_commented = NULL")
        .expect("clear the flags");
    let c = Collector::start_on(db.clone(), &[]);
    assert!(c.log().contains("VOC marks filled in"), "{}", c.log());
    assert_eq!(read(&c), v, "the same tally from filled-in marks");
}

both!(the_tally_is_counted_per_local_month);
