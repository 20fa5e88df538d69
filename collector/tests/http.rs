//! End-to-end tests: the real binary, real HTTP over TCP, and the database read back
//! directly, as the widget and other tools see them. Every test that stores or reads
//! responses runs on both backends (`both!`: `name::sqlite`, `name::postgres`; see
//! `support` for how PostgreSQL is found); the few about a SQLite file itself are
//! named `sqlite_…` and run on SQLite only.

#[macro_use]
mod support;

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Duration;
use support::{
    exchange, methods, new_id, post_service_payload, request, stored_scores, template, Backend,
    Collector, TempDir, TestDb, INDEX_HTML, SECRET,
};
use survey_core::scoring::{aggregate, score_at, ScoreCard};
use survey_core::{templates, ResponsePayload};

/// The card survey-core computes for a payload of a built-in survey, the way the widget
/// does (independently of the collector's own code path).
fn card_for(payload: &Value) -> ScoreCard {
    let parsed = ResponsePayload::from_json(&payload.to_string()).expect("payload parses");
    let def = templates::load(parsed.survey.id.as_str())
        .expect("a built-in survey")
        .expect("a valid definition");
    score_at(
        &def,
        &parsed.answers,
        &def.scoring_config(),
        &parsed.created_at,
    )
}

fn card_json(card: &ScoreCard) -> Value {
    serde_json::to_value(card).expect("card JSON")
}

/// A complete valid post-service response at D001: every required question answered,
/// the first question that offers "not applicable" answered with it.
fn valid_payload(id: &str) -> Value {
    post_service_payload(id, "D001", None, 9, true, None)
}

/// The items of `GET /v1/responses{query}` (one page: the tests' lists are short).
fn items_of(c: &Collector, query: &str) -> Vec<Value> {
    let r = c.get(&format!("/v1/responses{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.text());
    let page = r.json();
    assert_eq!(page["next"], Value::Null, "{query}: more than one page");
    page["items"].as_array().expect("items").clone()
}

/// The byte order mark the CSV export starts with.
const BOM: &str = "\u{feff}";

/// The fixed leading columns of the CSV export, the same as before the rewrite.
const CSV_COLUMNS: [&str; 13] = [
    "id",
    "received_at",
    "survey_id",
    "survey_version",
    "locale",
    "created_at",
    "mode",
    "csi",
    "nps_category",
    "alerts",
    "follow_up_due",
    "score_mismatch",
    "verified",
];

/// The CSV header of an export of post-service responses with only `context.dealer`
/// that answered the questions of `answered`.
fn csv_header(answered: &Value) -> Vec<String> {
    let mut header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.push("context.dealer".into());
    for page in template()["pages"].as_array().expect("pages") {
        for q in page["questions"].as_array().expect("questions") {
            let id = q["id"].as_str().expect("id");
            if answered.get(id).is_some() {
                header.push(format!("answer.{id}"));
            }
        }
    }
    header
}

fn assert_rfc3339(s: &str) {
    assert!(
        survey_core::payload::is_rfc3339_utc(s),
        "not RFC 3339 UTC: {s:?}"
    );
}

fn startup_line_names_the_real_port(backend: Backend) {
    let c = Collector::start(backend);
    let port: u16 = c
        .addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert_ne!(port, 0);
    assert_eq!(c.url, format!("http://127.0.0.1:{port}/"));
    assert_eq!(c.get("/healthz").text(), "ok");
}

both!(startup_line_names_the_real_port);

fn valid_post_is_stored_once_with_the_answers_sent(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let payload = valid_payload(&id);
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    assert_eq!(body["id"], json!(id));
    assert_eq!(body["duplicate"], json!(false));
    assert_eq!(body["score_mismatch"], json!(false));
    assert_eq!(body["alerts"], json!(0));
    assert_rfc3339(body["received_at"].as_str().expect("received_at"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));

    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&id), payload["answers"]);
    let rows = c.query_rows(
        "SELECT survey_id, survey_version, locale, created_at, context, received_at
         FROM responses WHERE id = $1",
        &[&id],
    );
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (
            &row["survey_id"],
            &row["survey_version"],
            &row["locale"],
            &row["created_at"]
        ),
        (
            &json!("post-service"),
            &json!(1),
            &json!("zh-CN"),
            &json!("2026-11-23T10:00:00Z")
        )
    );
    let context = row["context"].as_str().expect("context text");
    assert_eq!(
        serde_json::from_str::<Value>(context).ok(),
        Some(json!({ "dealer": "D001" }))
    );
    assert_eq!(row["received_at"], body["received_at"]);
}

both!(valid_post_is_stored_once_with_the_answers_sent);

/// "All yes" on a checklist (issue 17): the answers are the per-item yes/no, and the
/// groups it answered travel as `client.all_yes`, kept in the stored payload; a group
/// the survey does not have is refused with the field named.
fn the_all_yes_groups_are_stored_with_the_payload(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["client"]["all_yes"] = json!(["booking", "pickup"]);
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    let rows = c.query_rows("SELECT payload FROM responses WHERE id = $1", &[&id]);
    let stored: Value =
        serde_json::from_str(rows[0]["payload"].as_str().expect("payload text")).unwrap();
    assert_eq!(stored["client"]["all_yes"], json!(["booking", "pickup"]));
    assert_eq!(c.stored_answers(&id), payload["answers"]);

    let other = new_id();
    let mut bad = valid_payload(&other);
    bad["client"]["all_yes"] = json!(["lounge"]);
    let r = c.post(&bad);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.error().contains("client.all_yes"), "{}", r.error());
    assert_eq!(c.rows(), 1);
}

both!(the_all_yes_groups_are_stored_with_the_payload);

fn a_retry_is_a_duplicate_with_the_original_receipt(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let payload = valid_payload(&id);
    let first = c.post(&payload);
    assert_eq!(first.status, 201, "{}", first.text());
    thread::sleep(Duration::from_millis(20));
    let again = c.post(&payload);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["duplicate"], json!(true));
    assert_eq!(again.json()["id"], json!(id));
    assert_eq!(again.json()["received_at"], first.json()["received_at"]);
    assert_eq!(c.rows(), 1);
}

both!(a_retry_is_a_duplicate_with_the_original_receipt);

fn same_id_with_other_answers_is_a_conflict(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let payload = valid_payload(&id);
    assert_eq!(c.post(&payload).status, 201);
    let mut changed = payload.clone();
    changed["answers"]["s_overall"] = json!({ "scale": 1 });
    let r = c.post(&changed);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(
        r.error(),
        format!("response {id} was already received with different content")
    );
    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&id), payload["answers"]);
}

both!(same_id_with_other_answers_is_a_conflict);

fn concurrent_retries_store_one_row(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let body = valid_payload(&id).to_string();
    let statuses: Vec<u16> = thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| c.post_raw("application/json", body.as_bytes()).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(c.rows(), 1);
}

both!(concurrent_retries_store_one_row);

fn malformed_json_is_refused_with_the_parser_reason(backend: Backend) {
    let c = Collector::start(backend);
    let r = c.post_raw(
        "application/json",
        br#"{"format": "survey-response/1", "id": "#,
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("line 1"), "{}", r.error());
    let r = c.post_raw("application/json", b"");
    assert_eq!(r.status, 400);
    assert!(!r.error().is_empty());
    let r = c.post_raw("application/json", b"{\"format\": \"\xff\xfe\"}");
    assert_eq!(r.status, 400);
    assert!(r.error().contains("not UTF-8"), "{}", r.error());
    assert_eq!(c.rows(), 0);
}

both!(malformed_json_is_refused_with_the_parser_reason);

fn a_body_over_the_limit_is_refused(backend: Backend) {
    let c = Collector::start(backend);
    let mut payload = valid_payload(&new_id());
    payload["answers"]["comment"] = json!({ "text": "x".repeat(70_000) });
    let r = c.post(&payload);
    assert_eq!(r.status, 413);
    let reason = r.error();
    assert!(
        reason.starts_with("body is 7") && reason.ends_with("bytes, limit is 65536"),
        "{reason}"
    );

    // Without Content-Length (chunked), the limit still holds while reading. Raw
    // requests name a loopback host: since the axum rewrite the collector answers 421
    // to a `Host` it is not configured for (DNS rebinding), as it did here to `Host: x`.
    let chunk = "y".repeat(70_000);
    let raw = format!(
        "POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let r = exchange(&c.addr, raw.as_bytes());
    assert_eq!(r.status, 413);
    assert_eq!(r.error(), "body is over 65536 bytes, limit is 65536");
    assert_eq!(c.rows(), 0);
}

both!(a_body_over_the_limit_is_refused);

fn a_smaller_configured_limit_applies(backend: Backend) {
    let c = Collector::start_with(backend, &["--max-body", "100"]);
    let r = c.post(&valid_payload(&new_id()));
    assert_eq!(r.status, 413);
    assert!(r.error().ends_with("limit is 100"), "{}", r.error());
    assert_eq!(c.rows(), 0);
}

both!(a_smaller_configured_limit_applies);

fn a_missing_field_is_named(backend: Backend) {
    let c = Collector::start(backend);
    let mut payload = valid_payload(&new_id());
    payload.as_object_mut().expect("object").remove("answers");
    let r = c.post(&payload);
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("missing field `answers`"),
        "{}",
        r.error()
    );

    let mut extra = valid_payload(&new_id());
    extra["tracking"] = json!("x");
    let r = c.post(&extra);
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("unknown field `tracking`"),
        "{}",
        r.error()
    );
    assert_eq!(c.rows(), 0);
}

both!(a_missing_field_is_named);

fn an_unknown_question_is_unprocessable(backend: Backend) {
    let c = Collector::start(backend);
    let mut payload = valid_payload(&new_id());
    payload["answers"]["q_bogus"] = json!({ "scale": 3 });
    let r = c.post(&payload);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.error().contains("answers.q_bogus"), "{}", r.error());
    assert!(
        r.error().contains("has no question \"q_bogus\""),
        "{}",
        r.error()
    );
    assert_eq!(c.rows(), 0);
}

both!(an_unknown_question_is_unprocessable);

fn an_out_of_range_answer_is_unprocessable(backend: Backend) {
    let c = Collector::start(backend);
    let mut payload = valid_payload(&new_id());
    payload["answers"]["s_overall"] = json!({ "scale": 6 });
    let r = c.post(&payload);
    assert_eq!(r.status, 422);
    assert_eq!(r.error(), "answers.s_overall: must be between 1 and 5");

    let mut missing = valid_payload(&new_id());
    missing["answers"]
        .as_object_mut()
        .expect("answers")
        .remove("nps");
    let r = c.post(&missing);
    assert_eq!(r.status, 422);
    assert_eq!(r.error(), "answers.nps: an answer is required");
    assert_eq!(c.rows(), 0);
}

both!(an_out_of_range_answer_is_unprocessable);

fn an_unknown_survey_is_checked_structurally_and_stored(backend: Backend) {
    let c = Collector::start(backend);
    let mut payload = valid_payload(&new_id());
    payload["survey"] = json!({ "id": "dealer-own", "version": 3 });
    payload["answers"] = json!({ "anything": { "text": "fine" } });
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());

    let mut bad = payload.clone();
    bad["id"] = json!(new_id());
    bad["locale"] = json!("not a tag");
    let r = c.post(&bad);
    assert_eq!(r.status, 422);
    assert!(r.error().starts_with("locale:"), "{}", r.error());
    assert_eq!(c.rows(), 1);
}

both!(an_unknown_survey_is_checked_structurally_and_stored);

fn a_wrong_content_type_is_unsupported(backend: Backend) {
    let c = Collector::start(backend);
    let body = valid_payload(&new_id()).to_string();
    let r = c.post_raw("text/plain", body.as_bytes());
    assert_eq!(r.status, 415);
    assert!(r.error().contains("application/json"), "{}", r.error());
    let r = request(&c.addr, "POST", "/v1/responses", &[], body.as_bytes());
    assert_eq!(r.status, 415);
    assert_eq!(
        c.post_raw("application/json; charset=utf-8", body.as_bytes())
            .status,
        201
    );
    assert_eq!(c.rows(), 1);
}

both!(a_wrong_content_type_is_unsupported);

fn the_idempotency_key_must_match_the_id(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let body = valid_payload(&id).to_string();
    let other = new_id();
    let r = request(
        &c.addr,
        "POST",
        "/v1/responses",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &other),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("Idempotency-Key"), "{}", r.error());
    assert_eq!(c.rows(), 0);

    let upper = id.to_ascii_uppercase();
    let r = request(
        &c.addr,
        "POST",
        "/v1/responses",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &upper),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(c.rows(), 1);
}

both!(the_idempotency_key_must_match_the_id);

fn the_server_keeps_serving_after_bad_requests(backend: Backend) {
    let mut c = Collector::start(backend);
    let addr = c.addr.clone();
    // Non-ASCII in created_at (survey-core slices it by bytes).
    let mut odd_time = valid_payload(&new_id());
    odd_time["created_at"] = json!("2026-11-23T10:00:0é0Z");
    assert_eq!(c.post(&odd_time).status, 422);
    // Garbage, wrong types, deep nesting, a huge declared length, a broken request line.
    assert_eq!(c.post_raw("application/json", b"[1,2,3]").status, 400);
    assert_eq!(c.post_raw("application/json", b"{\"id\": 12}").status, 400);
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(c.post_raw("application/json", deep.as_bytes()).status, 400);
    let huge =
        b"POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                 Content-Length: 1000000000000\r\n\r\n{}";
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    s.write_all(huge).expect("send");
    let mut head = [0u8; 12];
    s.read_exact(&mut head).expect("status line");
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(s);
    // The log line comes after the connection is dealt with; a server that tried to
    // drain the declared trillion bytes would have aborted before writing it.
    c.wait_for_request_log("POST", "/v1/responses", 413);
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(b"NOT A REQUEST\r\n\r\n").expect("send");
    drop(s);
    // Clients that hang up mid-body.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(b"POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"a\"")
        .expect("send");
    drop(s);

    let id = new_id();
    let r = c.post(&valid_payload(&id));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(c.rows(), 1);
    assert_eq!(c.get("/healthz").status, 200);
    assert!(
        matches!(c.child.try_wait(), Ok(None)),
        "the collector exited"
    );
}

both!(the_server_keeps_serving_after_bad_requests);

fn cors_lets_any_origin_post_but_not_read(backend: Backend) {
    let c = Collector::start(backend);
    let r = request(
        &c.addr,
        "OPTIONS",
        "/v1/responses",
        &[
            ("Origin", "https://dealer.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type, idempotency-key",
            ),
        ],
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        r.header("Access-Control-Allow-Methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Headers"),
        Some("Content-Type, Idempotency-Key, X-Kiosk-Key, *"),
        "a paired kiosk's key and a dealer's own routing headers pass the preflight"
    );
    assert_eq!(r.header("Access-Control-Max-Age"), Some("600"));
    assert_eq!(
        r.header("Access-Control-Expose-Headers"),
        Some("Retry-After, X-Kiosk-Key-Status")
    );
    assert_eq!(r.header("Access-Control-Allow-Credentials"), None);
    assert!(r.body.is_empty());

    // `OPTIONS *` was answered 204 before the rewrite; axum has no route for `*`, so
    // it is a 405 now. Still answered, and without CORS.
    let star = exchange(
        &c.addr,
        b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(star.status, 405, "{}", star.text());
    assert_eq!(star.header("Access-Control-Allow-Origin"), None);
    // A refused post still carries CORS, so the widget can read the reason.
    let refused = c.post_raw("text/plain", b"x");
    assert_eq!(refused.status, 415);
    assert_eq!(refused.header("Access-Control-Allow-Origin"), Some("*"));
    // Stored answers are not readable cross-origin: no CORS on the read endpoints.
    for r in [
        c.get("/v1/responses"),
        c.get("/v1/responses.csv"),
        c.get("/healthz"),
        c.get("/nope"),
    ] {
        assert_eq!(
            r.header("Access-Control-Allow-Origin"),
            None,
            "status {}",
            r.status
        );
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    }
    assert_eq!(refused.header("X-Content-Type-Options"), Some("nosniff"));
}

both!(cors_lets_any_origin_post_but_not_read);

fn responses_are_listed_as_json_in_received_order(backend: Backend) {
    let c = Collector::start(backend);
    let (a, b) = (new_id(), new_id());
    let (pa, pb) = (valid_payload(&a), valid_payload(&b));
    assert_eq!(c.post(&pa).status, 201);
    assert_eq!(c.post(&pb).status, 201);
    let mut other = valid_payload(&new_id());
    other["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&other).status, 201);

    // Changed on purpose with the axum rewrite: the list is a page object
    // `{"filter", "items", "next"}` instead of a bare array (see `list_all` for paging).
    let r = c.get("/v1/responses?survey=post-service");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    let list = r.json();
    assert_eq!(
        list["filter"],
        json!({ "survey": "post-service", "dealer": null, "advisor": null, "station": null,
                "agent": null, "channel": null, "alerts": null, "csi_min": null, "csi_max": null, "q": null, "from": null, "to": null, "period": null,
                "time_zone": null, "verified": "all" })
    );
    assert_eq!(list["next"], Value::Null, "one page holds them all");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], json!(a));
    assert_eq!(items[1]["id"], json!(b));
    assert_eq!(items[0]["payload"], pa);
    assert_eq!(items[1]["payload"], pb);
    assert_rfc3339(items[0]["received_at"].as_str().expect("received_at"));

    assert_eq!(items_of(&c, "").len(), 3);
    let none = c.get("/v1/responses?survey=none").json();
    assert_eq!(none["items"], json!([]));
    assert_eq!(none["next"], Value::Null);
}

both!(responses_are_listed_as_json_in_received_order);

fn csv_export_has_the_columns_and_defuses_formulas(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["comment"] =
        json!({ "text": "=HYPERLINK(\"http://evil.example\",\"click\")" });
    assert_eq!(c.post(&payload).status, 201, "{}", c.log());

    // Posted without a signed link: in the export only when asked for.
    let r = c.get("/v1/responses.csv?verified=all");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    // Changed on purpose with the rewrite: the file starts with a UTF-8 byte order
    // mark (Excel reads Chinese text as mojibake without one); the rest is unchanged.
    let text = r.text();
    let text = text
        .strip_prefix(BOM)
        .unwrap_or_else(|| panic!("no BOM: {text}"));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{text}");
    // Changed on purpose with issue 15: a row of labels comes first; the ids follow.
    assert!(
        lines[0].starts_with("答卷编号,收到时间,问卷,"),
        "{}",
        lines[0]
    );
    let lines = &lines[1..];

    // The fixed columns, the context key, then one column per question answered in
    // some row, in the survey's own order (the optional follow-up and contact
    // questions were left unanswered here).
    let expected = csv_header(&items_of(&c, "")[0]["payload"]["answers"]);
    assert!(expected.len() > 20, "most questions have a column");
    assert_eq!(lines[0], expected.join(","));

    let received = items_of(&c, "")[0]["received_at"].clone();
    let received: jiff::Timestamp = received
        .as_str()
        .and_then(|r| r.parse().ok())
        .expect("received_at");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("the zone");
    let row = lines[1];
    let csi = card_for(&payload).csi.expect("a CSI");
    let prefix = format!(
        // The first question offering N/A is the appointment one now (a walk-in).
        // Changed on purpose with issue 15: times in the dealer's zone (Asia/Shanghai
        // by default) with their offset; no alerts is an empty cell, not 0.
        "{id},{},post-service,1,zh-CN,2026-11-23T18:00:00+08:00,page,{csi:.1},promoter,,,false,false,D001,n/a,yes,yes,yes,",
        received.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
    );
    assert!(row.starts_with(&prefix), "{row}\nexpected prefix {prefix}");
    assert!(
        row.ends_with(",9,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{row}"
    );
    assert_eq!(lines[2], "");
}

both!(csv_export_has_the_columns_and_defuses_formulas);

fn the_widget_is_served_and_traversal_refused(backend: Backend) {
    let c = Collector::start(backend);
    let r = c.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), INDEX_HTML);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let wasm = c.get("/pkg/app.wasm");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("Content-Type"), Some("application/wasm"));
    assert_eq!(wasm.body, b"\0asm");

    for path in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/%2f..%2fsecret.txt",
        "/index.html%00",
    ] {
        let r = c.get(path);
        assert!(matches!(r.status, 400 | 404), "{path} gave {}", r.status);
        assert!(!r.text().contains(SECRET), "{path} leaked the file");
    }
    assert_eq!(c.get("/missing.js").status, 404);
}

both!(the_widget_is_served_and_traversal_refused);

fn unknown_routes_and_wrong_methods(backend: Backend) {
    let c = Collector::start(backend);
    let r = c.get("/v1/nothing");
    assert_eq!(r.status, 404);
    assert_eq!(r.error(), "no such endpoint");
    assert_eq!(c.get("/no/such/page").status, 404);
    // `Allow` comes from axum since the rewrite (`POST,GET,HEAD,OPTIONS`, no spaces,
    // its own order): compared as a set. A GET-only route no longer lists OPTIONS,
    // which it does not answer (only posting has a CORS preflight).
    let r = request(&c.addr, "DELETE", "/v1/responses", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.error(), "method not allowed");
    assert_eq!(
        r.allowed_methods(),
        methods(&["GET", "HEAD", "POST", "OPTIONS"])
    );
    let r = request(&c.addr, "POST", "/healthz", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.allowed_methods(), methods(&["GET", "HEAD"]));
    let r = request(&c.addr, "PUT", "/v1/responses.csv", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.allowed_methods(), methods(&["GET", "HEAD"]));
}

both!(unknown_routes_and_wrong_methods);

fn one_log_line_per_request_without_query_values(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    assert_eq!(c.post(&valid_payload(&id)).status, 201);
    assert_eq!(c.get("/v1/responses?survey=secret-dealer-name").status, 200);
    // Since the rewrite these are tracing lines, `INFO request method=POST
    // route=/v1/responses status=201 ms=3.4 id=<uuid>`, instead of `POST /v1/responses
    // 201 3ms`: the same facts, still without the query string.
    c.wait_for_request_log("POST", "/v1/responses", 201);
    c.wait_for_request_log("GET", "/v1/responses", 200);
    let post = c
        .log_lines()
        .into_iter()
        .find(|l| l.starts_with("INFO request method=POST route=/v1/responses "))
        .expect("the POST line");
    assert!(post.ends_with(&format!(" id={id}")), "{post}");
    assert!(!c.log().contains("secret-dealer-name"), "{}", c.log());
}

both!(one_log_line_per_request_without_query_values);

#[test]
fn bad_arguments_fail_fast() {
    let out = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["--max-body", "lots"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-body"));
}

/// `valid_payload` with another NPS answer, dealer and submission time.
fn payload_with(nps: u8, dealer: &str, created_at: &str) -> Value {
    let mut p = valid_payload(&new_id());
    p["answers"]["nps"] = json!({ "scale": nps });
    p["context"]["dealer"] = json!(dealer);
    p["created_at"] = json!(created_at);
    p
}

fn an_honest_client_card_is_stored_and_matches(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let mut payload = valid_payload(&id);
    let card = card_for(&payload);
    payload["score"] = card_json(&card);
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(false));
    assert_eq!(r.json()["alerts"], json!(0));

    let s = c.stored_scores(&id);
    assert_eq!(s.score, Some(card_json(&card)));
    assert_eq!(s.client_score, Some(card_json(&card)));
    assert_eq!(
        (s.score_mismatch, s.score_verified, s.alerts),
        (false, true, 0)
    );
    assert_eq!(s.follow_up_due, None);
    assert_eq!(s.dealer.as_deref(), Some("D001"));
    assert!(card.csi.is_some(), "the valid payload scores a CSI");

    let item = &items_of(&c, "")[0];
    assert_eq!(item["score"], card_json(&card));
    assert_eq!(item["client_score"], card_json(&card));
    assert_eq!(item["score_mismatch"], json!(false));
    assert_eq!(item["payload"], payload);

    // Honest cards with all sorts of fractions survive the JSON round trip exactly.
    for i in 0..40_u64 {
        let mut p = valid_payload(&new_id());
        for (k, q) in [
            "s_wait_reception",
            "s_explanation",
            "s_fair_price",
            "s_clean",
            "s_duration",
            "s_quality",
            "s_advisor",
        ]
        .into_iter()
        .enumerate()
        {
            p["answers"][q] = json!({ "scale": 1 + (i * 7 + k as u64 * (i % 5 + 1)) % 5 });
        }
        // Sevenths and the like: process compliance over 7 answered steps.
        let steps = [
            "p_appointment",
            "p_cost_estimate",
            "p_time_estimate",
            "p_inspect_invite",
            "p_advice",
            "p_on_time",
            "p_all_done",
        ];
        for (k, q) in steps.into_iter().enumerate() {
            p["answers"][q] = json!({ "yes_no": (i >> (k % 6)) & 1 == 1 || k == 6 });
        }
        p["answers"]["p_fixed_first_time"] = json!("not_applicable");
        p["score"] = card_json(&card_for(&p));
        let r = c.post(&p);
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(
            r.json()["score_mismatch"],
            json!(false),
            "{}",
            p["score"]["process"]
        );
    }
    assert!(!c.log().contains("score mismatch"), "{}", c.log());
}

both!(an_honest_client_card_is_stored_and_matches);

fn a_tampered_client_card_is_flagged_but_stored(backend: Backend) {
    let c = Collector::start(backend);
    // A better CSI than the answers give.
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["comment"] = json!({ "text": "CUSTOMER-WORDS" });
    let server = card_for(&payload);
    let mut lie = card_json(&server);
    lie["csi"] = json!(100.0);
    payload["score"] = lie.clone();
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(true));
    let s = c.stored_scores(&id);
    assert_eq!(s.score, Some(card_json(&server)));
    assert_eq!(s.client_score, Some(lie.clone()));
    assert_eq!((s.score_mismatch, s.score_verified), (true, true));
    assert_eq!(c.stored_answers(&id), payload["answers"]);
    let line = format!(
        "score mismatch for response {id}: client csi=100 server csi={}",
        server.csi.expect("a CSI")
    );
    // A tracing warning since the rewrite (was `collector: score mismatch …`).
    c.wait_for_line(&format!("WARN {line}"));
    assert!(!c.log().contains("CUSTOMER-WORDS"));
    assert!(!c.log().contains("D001"));

    // A retry of exactly this is a duplicate, still flagged; another card is a conflict.
    let again = c.post(&payload);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["score_mismatch"], json!(true));
    let mut other = payload.clone();
    other["score"] = card_json(&server);
    assert_eq!(c.post(&other).status, 409);

    // A detractor whose card hides the alert: the server's alert and deadline stand.
    let hidden = new_id();
    let mut detractor = valid_payload(&hidden);
    detractor["answers"]["nps"] = json!({ "scale": 2 });
    let server = card_for(&detractor);
    assert_eq!(server.alerts.len(), 1);
    let mut lie = card_json(&server);
    lie["alerts"] = json!([]);
    lie["follow_up_due"] = Value::Null;
    detractor["score"] = lie.clone();
    let r = c.post(&detractor);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(true));
    assert_eq!(r.json()["alerts"], json!(1));
    let s = c.stored_scores(&hidden);
    assert_eq!(s.score, Some(card_json(&server)));
    assert_eq!(s.client_score, Some(lie));
    assert_eq!((s.score_mismatch, s.alerts), (true, 1));
    assert_eq!(s.follow_up_due.as_deref(), Some("2026-11-25T10:00:00Z"));
    assert_eq!(c.rows(), 2);

    let items = items_of(&c, "");
    assert_eq!(items[0]["score_mismatch"], json!(true));
    assert_eq!(items[0]["score"], card_json(&card_for(&payload)));
    assert_eq!(items[0]["client_score"]["csi"], json!(100.0));
}

both!(a_tampered_client_card_is_flagged_but_stored);

fn a_detractor_raises_an_alert_due_in_48_hours(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let mut payload = valid_payload(&id);
    payload["answers"]["nps"] = json!({ "scale": 3 });
    // Across a year's end, with a fraction. This was 2026-12-31, which is now in the
    // future of the server's clock, and a `created_at` over 24 h ahead of it is refused
    // (see `a_device_clock_far_ahead_is_refused`); a year earlier keeps the point.
    payload["created_at"] = json!("2025-12-31T23:30:00.250Z");
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["alerts"], json!(1));
    assert_eq!(r.json()["score_mismatch"], json!(false));

    let s = c.stored_scores(&id);
    let score = s.score.expect("a server card");
    assert_eq!(
        score["alerts"],
        json!([{ "rule": "nps_detractor", "question": "nps", "detail": "3 of 10" }])
    );
    assert_eq!(score["follow_up_due"], json!("2026-01-02T23:30:00.250Z"));
    assert_eq!(s.follow_up_due.as_deref(), Some("2026-01-02T23:30:00.250Z"));
    assert_eq!(s.alerts, 1);
    assert_eq!(s.client_score, None);
    assert!(!s.score_mismatch);
    assert_eq!(score, card_json(&card_for(&payload)));

    let item = &items_of(&c, "")[0];
    assert_eq!(item["client_score"], Value::Null);
    assert_eq!(
        item["score"]["follow_up_due"],
        json!("2026-01-02T23:30:00.250Z")
    );
    let csv = c.get("/v1/responses.csv?verified=all");
    assert_eq!(csv.status, 200, "{}", csv.text());
    let csv = csv.text();
    assert!(
        // Changed on purpose with issue 15: the alerts by name, the time local.
        csv.contains(",detractor,nps_detractor,2026-01-03T07:30:00.25+08:00,false,"),
        "{csv}"
    );
}

both!(a_detractor_raises_an_alert_due_in_48_hours);

fn an_unknown_survey_keeps_the_client_card_unverified(backend: Backend) {
    let c = Collector::start(backend);
    let id = new_id();
    let mut payload = valid_payload(&id);
    let card = card_json(&card_for(&payload));
    payload["survey"] = json!({ "id": "dealer-own", "version": 3 });
    payload["answers"] = json!({ "anything": { "scale": 9 } });
    payload["score"] = card.clone();
    let r = c.post(&payload);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(false));
    assert_eq!(r.json()["alerts"], json!(0));
    let s = c.stored_scores(&id);
    assert_eq!(s.score, None);
    assert_eq!(s.client_score, Some(card.clone()));
    assert_eq!(
        (s.score_mismatch, s.score_verified, s.alerts),
        (false, false, 0)
    );
    let item = &items_of(&c, "")[0];
    assert_eq!(item["score"], Value::Null);
    assert_eq!(item["client_score"], card);
    let summary = c.get("/v1/summary?verified=all").json();
    assert_eq!(summary["unscored"], json!(1));
    assert_eq!(summary["summary"]["n"], json!(0));
}

both!(an_unknown_survey_keeps_the_client_card_unverified);

fn summary_of_twenty_responses_has_the_nps_interval(backend: Backend) {
    let c = Collector::start(backend);
    // 10 promoters, 6 passives, 4 detractors; half of them carry the client's card.
    let answers = [
        9, 10, 9, 10, 9, 10, 9, 10, 9, 10, 7, 8, 7, 8, 7, 8, 0, 3, 5, 6,
    ];
    let mut cards = Vec::new();
    for (i, nps) in answers.into_iter().enumerate() {
        let mut p = payload_with(nps, "D1", "2026-11-23T10:00:00Z");
        let card = card_for(&p);
        if i % 2 == 0 {
            p["score"] = card_json(&card);
        }
        assert_eq!(c.post(&p).status, 201);
        cards.push(card);
    }
    // Posted without signed links: counted only when asked for (`verified=all`).
    let r = c.get("/v1/summary?verified=all");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    let body = r.json();
    assert_eq!(
        body["filter"],
        json!({ "survey": null, "dealer": null, "advisor": null, "station": null,
                "agent": null, "channel": null, "alerts": null, "csi_min": null, "csi_max": null, "q": null, "from": null, "to": null, "period": null,
                "time_zone": null, "verified": "all" })
    );
    assert_eq!(body["unscored"], json!(0));
    assert_eq!(body["score_mismatches"], json!(0));
    let nps = &body["summary"]["nps"];
    assert_eq!(
        (
            &nps["n"],
            &nps["promoters"],
            &nps["passives"],
            &nps["detractors"]
        ),
        (&json!(20), &json!(10), &json!(6), &json!(4))
    );
    let f = |v: &Value| v.as_f64().expect("a number");
    assert!((f(&nps["nps"]) - 30.0).abs() < 1e-9, "{nps}");
    assert!((f(&nps["adjusted"]) - 26.1).abs() < 0.05, "{nps}");
    assert!((f(&nps["low"]) - -5.7).abs() < 0.05, "{nps}");
    assert!((f(&nps["high"]) - 57.9).abs() < 0.05, "{nps}");
    assert_eq!(body["summary"]["n"], json!(20));
    assert_eq!(body["summary"]["responses_with_alerts"], json!(4));
    // Exactly survey-core's aggregate of the cards the widget would compute.
    assert_eq!(
        body["summary"],
        serde_json::to_value(aggregate(&cards)).expect("summary JSON")
    );
}

both!(summary_of_twenty_responses_has_the_nps_interval);

fn summary_filters_by_dealer_date_and_survey(backend: Backend) {
    let c = Collector::start(backend);
    for (dealer, at) in [
        ("D1", "2026-11-20T09:00:00Z"),
        ("D1", "2026-11-21T09:00:00Z"),
        ("D1", "2026-11-22T09:00:00Z"),
        ("D2", "2026-11-21T15:00:00Z"),
        ("D2", "2026-11-23T09:00:00Z"),
    ] {
        let r = c.post(&payload_with(9, dealer, at));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let mut own = payload_with(9, "D1", "2026-11-21T12:00:00Z");
    own["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&own).status, 201);
    // A tampered card for D2 on the 23rd.
    let mut lie = payload_with(9, "D2", "2026-11-23T10:00:00Z");
    let mut card = card_json(&card_for(&lie));
    card["csi"] = json!(100.0);
    lie["score"] = card;
    assert_eq!(c.post(&lie).status, 201);

    let counts = |query: &str| -> (u64, u64, u64) {
        // Unsigned posts: every one counted only with `verified=all`.
        let all = if query.is_empty() { "?" } else { "&" };
        let r = c.get(&format!("/v1/summary{query}{all}verified=all"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        let b = r.json();
        let n = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("{query}: {b}"));
        (
            n(&b["summary"]["n"]),
            n(&b["unscored"]),
            n(&b["score_mismatches"]),
        )
    };
    assert_eq!(counts(""), (6, 1, 1));
    assert_eq!(counts("?dealer=D1"), (3, 1, 0));
    assert_eq!(counts("?dealer=D2"), (3, 0, 1));
    assert_eq!(counts("?dealer=D3"), (0, 0, 0));
    // Dates are days in the dealer's zone (Asia/Shanghai by default), `to` inclusive:
    // 2026-11-21 is 2026-11-20T16:00Z up to 2026-11-21T16:00Z, so D2's post at
    // 2026-11-21T15:00Z (23:00 local) is on the 21st.
    assert_eq!(counts("?from=2026-11-21"), (5, 1, 1));
    assert_eq!(counts("?to=2026-11-21"), (3, 1, 0));
    assert_eq!(counts("?to=2026-11-20"), (1, 0, 0));
    assert_eq!(counts("?from=2026-11-21&to=2026-11-22"), (3, 1, 0));
    assert_eq!(counts("?from=2026-11-21&to=2026-11-21"), (2, 1, 0));
    assert_eq!(counts("?dealer=D1&from=2026-11-21"), (2, 1, 0));
    assert_eq!(counts("?dealer=D2&to=2026-11-23"), (3, 0, 1));
    assert_eq!(counts("?dealer=D2&to=2026-11-22"), (1, 0, 0));
    // From is inclusive, to exclusive, offsets are honoured (23:00+08:00 is 15:00Z).
    assert_eq!(counts("?dealer=D2&to=2026-11-21T15:00:00Z"), (0, 0, 0));
    assert_eq!(counts("?dealer=D2&to=2026-11-21T15:00:00.001Z"), (1, 0, 0));
    assert_eq!(counts("?from=2026-11-21T23:00:00%2B08:00"), (4, 0, 1));
    assert_eq!(counts("?survey=post-service"), (6, 0, 1));
    assert_eq!(counts("?survey=dealer-own"), (0, 1, 0));
    assert_eq!(counts("?survey=dealer-own&dealer=D2"), (0, 0, 0));

    let body = c
        .get("/v1/summary?survey=post-service&dealer=D%201&from=2026-11-21T23:00:00%2B08:00")
        .json();
    assert_eq!(
        body["filter"],
        json!({ "survey": "post-service", "dealer": "D 1", "advisor": null, "station": null,
                "agent": null, "channel": null, "alerts": null, "csi_min": null, "csi_max": null, "q": null, "from": "2026-11-21T15:00:00Z", "to": null,
                "period": null, "time_zone": null, "verified": "yes" })
    );
    assert_eq!(body["summary"]["nps"], Value::Null);
}

both!(summary_filters_by_dealer_date_and_survey);

fn bad_summary_filters_are_refused(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    for (query, parameter) in [
        ("from=2026-13-01", "from"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
        ("to=2026-11-23T10:00", "to"),
        ("from=2026-11-23%2010:00:00Z", "from"),
        ("dealer=%ff", "dealer"),
        ("dealer=", "dealer"),
        ("survey=not%20an%20id", "survey"),
        ("survey=a&survey=b", "survey"),
        ("dealr=D1", "dealr"),
    ] {
        let r = c.get(&format!("/v1/summary?{query}"));
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        let reason = r.error();
        assert!(reason.contains(parameter), "{query}: {reason}");
        assert!(!reason.contains('\n'));
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    }
    let r = request(&c.addr, "POST", "/v1/summary", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.allowed_methods(), methods(&["GET", "HEAD"]));
    // Was 204 before the rewrite; axum answers OPTIONS only where a route has it (the
    // posting preflight). Either way no CORS: the summary is not readable cross-origin.
    let r = request(&c.addr, "OPTIONS", "/v1/summary", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    c.wait_for_request_log("GET", "/v1/summary", 400);
    assert!(!c.log().contains("dealr"), "{}", c.log());
}

both!(bad_summary_filters_are_refused);

/// The schema before scores were stored, exactly as the first collector created it.
const OLD_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS responses (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    received_at    TEXT NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    locale         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    context        TEXT NOT NULL, -- JSON object of strings
    answers        TEXT NOT NULL, -- JSON object keyed by question id
    payload        TEXT NOT NULL  -- canonical JSON of the whole payload
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
";

fn columns(db: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = db
        .prepare("PRAGMA table_info(responses)")
        .expect("table_info");
    let names = stmt
        .query_map([], |r| r.get::<_, String>(1))
        .expect("columns");
    names.map(|n| n.expect("column name")).collect()
}

#[test]
fn sqlite_an_old_database_is_migrated_on_start() {
    let dir = TempDir::new("collector-old");
    let path = dir.0.join("old.sqlite");

    // A database written by the previous collector: a detractor to a built-in survey and
    // a response to a dealer's own survey, stored the way it stored them.
    let old_id = new_id();
    let mut old = valid_payload(&old_id);
    old["answers"]["nps"] = json!({ "scale": 2 });
    let own_id = new_id();
    let mut own = valid_payload(&own_id);
    own["survey"] = json!({ "id": "dealer-own", "version": 1 });
    {
        let db = rusqlite::Connection::open(&path).expect("create old db");
        db.execute_batch(OLD_SCHEMA).expect("old schema");
        for p in [&old, &own] {
            let parsed = ResponsePayload::from_json(&p.to_string()).expect("payload");
            db.execute(
                "INSERT INTO responses
                     (id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload)
                 VALUES (?1, '2026-11-23T10:00:01.000Z', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    p["id"].as_str(),
                    p["survey"]["id"].as_str(),
                    p["survey"]["version"].as_i64(),
                    p["locale"].as_str(),
                    p["created_at"].as_str(),
                    p["context"].to_string(),
                    serde_json::to_string(&parsed.answers).expect("answers"),
                    serde_json::to_string(&parsed).expect("canonical payload"),
                ],
            )
            .expect("old row");
        }
        assert!(!columns(&db).contains(&"score".to_string()));
    }

    let stored = TestDb::sqlite_at(&path);
    let c = Collector::start_on(stored.clone(), &[]);
    let db = rusqlite::Connection::open(&path).expect("open migrated db");
    let cols = columns(&db);
    for name in [
        "seq",
        "id",
        "received_at",
        "survey_id",
        "survey_version",
        "locale",
        "created_at",
        "context",
        "answers",
        "payload",
        "score",
        "client_score",
        "score_mismatch",
        "score_verified",
        "alerts",
        "follow_up_due",
        "dealer",
        "token",
    ] {
        assert!(
            cols.iter().any(|c| c == name),
            "no column {name} in {cols:?}"
        );
    }
    // The old rows were rescored where the collector knows the survey.
    let s = stored_scores(&stored, &old_id);
    assert_eq!(s.score, Some(card_json(&card_for(&old))));
    assert_eq!(
        (s.score_mismatch, s.score_verified, s.alerts),
        (false, true, 1)
    );
    assert_eq!(s.follow_up_due.as_deref(), Some("2026-11-25T10:00:00Z"));
    assert_eq!(s.dealer.as_deref(), Some("D001"));
    let s = stored_scores(&stored, &own_id);
    assert_eq!((s.score, s.score_verified), (None, false));
    assert_eq!(s.dealer.as_deref(), Some("D001"));

    // Retrying an old response is still a duplicate; new ones are stored with scores.
    let again = c.post(&old);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(
        again.json()["received_at"],
        json!("2026-11-23T10:00:01.000Z")
    );
    assert_eq!(again.json()["alerts"], json!(1));
    let new = new_id();
    assert_eq!(c.post(&valid_payload(&new)).status, 201);
    assert!(stored_scores(&stored, &new).score_verified);
    // Rows from before signed links, and this unsigned post: counted with `verified=all`.
    let summary = c.get("/v1/summary?dealer=D001&verified=all").json();
    assert_eq!(
        (&summary["summary"]["n"], &summary["unscored"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(items_of(&c, "").len(), 3);
    drop(c);

    // Starting again on the migrated database changes nothing.
    let c = Collector::start_on(stored, &[]);
    assert_eq!(columns(&db), cols);
    assert_eq!(
        c.get("/v1/summary?verified=all").json()["summary"]["n"],
        json!(2)
    );
}

// ---- A survey link (context.token) is answered once -------------------------------

const LINK_ANSWERED: &str = "this survey link has already been answered";

fn payload_with_token(id: &str, token: &str) -> Value {
    let mut p = valid_payload(id);
    p["context"] = json!({
        "dealer": "D001",
        "repair_order": "RO-2026-1182",
        "advisor": "A07",
        "visit_date": "2026-11-23",
        "token": token,
    });
    p
}

fn stored_token(c: &Collector, id: &str) -> Option<String> {
    c.column(id, "token")
}

fn a_survey_link_is_answered_once(backend: Backend) {
    let c = Collector::start(backend);
    let (first, second) = (new_id(), new_id());
    let answered = payload_with_token(&first, "tkn.AbC-123_x");
    let r = c.post(&answered);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(stored_token(&c, &first).as_deref(), Some("tkn.AbC-123_x"));

    // A second response (a new id) through the same link: refused, nothing stored,
    // and the refusal still carries CORS so the widget can show the reason.
    let mut again = payload_with_token(&second, "tkn.AbC-123_x");
    again["answers"]["nps"] = json!({ "scale": 0 });
    let r = c.post(&again);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json(), json!({ "error": LINK_ANSWERED }));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(c.rows(), 1);

    // The first response again is a retry: 200 with the original receipt.
    let retry = c.post(&answered);
    assert_eq!(retry.status, 200, "{}", retry.text());
    assert_eq!(retry.json()["duplicate"], json!(true));
    // The first id with other content is the id conflict it always was.
    let mut changed = answered.clone();
    changed["answers"]["nps"] = json!({ "scale": 1 });
    let r = c.post(&changed);
    assert_eq!(r.status, 409);
    assert_eq!(
        r.error(),
        format!("response {first} was already received with different content")
    );
    assert_eq!(c.rows(), 1);
    assert_eq!(c.stored_answers(&first), answered["answers"]);
}

both!(a_survey_link_is_answered_once);

fn tokens_are_per_survey_and_responses_without_one_are_unlimited(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&payload_with_token(&new_id(), "T1")).status, 201);
    // Tokens are case-sensitive, opaque strings.
    assert_eq!(c.post(&payload_with_token(&new_id(), "t1")).status, 201);
    assert_eq!(c.post(&payload_with_token(&new_id(), "T2")).status, 201);
    // The same token on another survey is another link.
    let mut other = payload_with_token(&new_id(), "T1");
    other["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&other).status, 201, "{}", c.log());
    // No token: no limit (a kiosk, the plain demo page).
    for _ in 0..2 {
        assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    }
    // An empty token used to count as none and was stored; survey-core's context rule
    // (`context::check_context_value`) now refuses any empty context value, so it is a
    // 422 naming the key, and nothing is stored.
    let r = c.post(&payload_with_token(&new_id(), ""));
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.error().starts_with("context.token:"), "{}", r.error());
    assert_eq!(c.rows(), 6);
    let r = c.post(&payload_with_token(&new_id(), "T2"));
    assert_eq!((r.status, r.error()), (409, LINK_ANSWERED.to_string()));
    assert_eq!(c.rows(), 6);
}

both!(tokens_are_per_survey_and_responses_without_one_are_unlimited);

// issue 13 item 1: the widget asks whether its link was answered before the first
// question. Public, CORS for any origin, one bit; bad queries are 400.
fn a_links_status_says_whether_the_token_was_used(backend: Backend) {
    let c = Collector::start(backend);
    let status = |query: &str| c.get(&format!("/v1/links/status?{query}"));
    let r = status("survey=post-service&token=tkn.AbC-123_x");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({ "used": false }));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));

    assert_eq!(
        c.post(&payload_with_token(&new_id(), "tkn.AbC-123_x"))
            .status,
        201
    );
    let r = status("survey=post-service&token=tkn.AbC-123_x");
    assert_eq!(r.json(), json!({ "used": true }), "nothing else is told");
    // Tokens are per survey and case-sensitive, as the insert's unique index is.
    assert_eq!(
        status("survey=post-call&token=tkn.AbC-123_x").json(),
        json!({ "used": false })
    );
    assert_eq!(
        status("survey=post-service&token=TKN.AbC-123_x").json(),
        json!({ "used": false })
    );

    for bad in [
        "",
        "survey=post-service",
        "token=tkn.AbC-123_x",
        "survey=post-service&token=",
        "survey=post-service&token=a%20b",
        "survey=../x&token=t",
        "survey=post-service&token=t&token=u",
        "survey=post-service&token=t&dealer=D001",
    ] {
        let r = status(bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        assert!(!r.error().is_empty(), "{bad}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    }
}

both!(a_links_status_says_whether_the_token_was_used);

fn concurrent_answers_through_one_link_store_one_row(backend: Backend) {
    let c = Collector::start(backend);
    let bodies: Vec<String> = (0..8)
        .map(|_| payload_with_token(&new_id(), "race-token").to_string())
        .collect();
    let statuses: Vec<u16> = thread::scope(|s| {
        let handles: Vec<_> = bodies
            .iter()
            .map(|b| s.spawn(|| c.post_raw("application/json", b.as_bytes()).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(c.rows(), 1);
}

both!(concurrent_answers_through_one_link_store_one_row);

fn the_token_rule_is_in_the_database_schema(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&payload_with_token(&new_id(), "T9")).status, 201);
    // SQLite keeps the statement as written; PostgreSQL reports its own rendering,
    // `… WHERE (token IS NOT NULL)`.
    let sql = c.db.index_definition("responses_one_per_token");
    assert!(sql.contains("UNIQUE"), "{sql}");
    assert!(sql.contains("(survey_id, token)"), "{sql}");
    assert!(sql.contains("token IS NOT NULL"), "{sql}");
    // Another tool writing the table directly meets the same rule.
    let raw = c.db.execute(
        "INSERT INTO responses (id, received_at, survey_id, survey_version, locale, created_at,
             context, answers, payload, token)
         VALUES ('x', 't', 'post-service', 1, 'en', 't', '{}', '{}', '{}', 'T9')",
    );
    assert!(raw.is_err(), "{raw:?}");
    assert_eq!(c.rows(), 1);
}

both!(the_token_rule_is_in_the_database_schema);

#[test]
fn sqlite_an_old_database_with_a_reused_token_migrates_and_keeps_both_rows() {
    let dir = TempDir::new("collector-tok");
    let path = dir.0.join("old.sqlite");
    let (a, b, n) = (new_id(), new_id(), new_id());
    {
        let db = rusqlite::Connection::open(&path).expect("create old db");
        db.execute_batch(OLD_SCHEMA).expect("old schema");
        for id in [&a, &b, &n] {
            let p = if *id == n {
                valid_payload(id)
            } else {
                payload_with_token(id, "shared")
            };
            let parsed = ResponsePayload::from_json(&p.to_string()).expect("payload");
            db.execute(
                "INSERT INTO responses
                     (id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload)
                 VALUES (?1, '2026-11-23T10:00:01.000Z', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    id,
                    p["survey"]["id"].as_str(),
                    p["survey"]["version"].as_i64(),
                    p["locale"].as_str(),
                    p["created_at"].as_str(),
                    p["context"].to_string(),
                    serde_json::to_string(&parsed.answers).expect("answers"),
                    serde_json::to_string(&parsed).expect("canonical payload"),
                ],
            )
            .expect("old row");
        }
    }
    let c = Collector::start_on(TestDb::sqlite_at(&path), &[]);
    let token = |id: &str| c.column(id, "token");
    assert_eq!(token(&a).as_deref(), Some("shared"));
    assert_eq!(token(&b), None);
    assert_eq!(token(&n), None);
    // A tracing warning with the id as a field since the rewrite (was `collector:
    // migrating: stored response <id> reuses …`).
    c.wait_for_line(&format!(
        "WARN migrating: stored response reuses the survey link of an earlier response; \
         both are kept response={b}"
    ));
    let r = c.post(&payload_with_token(&new_id(), "shared"));
    assert_eq!((r.status, r.error()), (409, LINK_ANSWERED.to_string()));
    assert_eq!(c.post(&payload_with_token(&a, "shared")).status, 200);
}

// ---- QR codes ----------------------------------------------------------------------

/// The dark modules of a served QR SVG as a grid of `side` × `side` modules, read from
/// its path (`M{x} {y}h{w}v{h}H{x}V{y}` rectangles in pixels of `px` per module).
fn svg_modules(svg: &str, px: usize) -> (usize, Vec<bool>) {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        svg[start..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    let (w, h) = (attr("width"), attr("height"));
    assert_eq!(w, h, "square");
    assert_eq!(w % px, 0);
    let side = w / px;
    let mut grid = vec![false; side * side];
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|ch: char| !ch.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("number"))
            .collect();
        let (x, y, rw, rh) = (nums[0] / px, nums[1] / px, nums[2] / px, nums[3] / px);
        for yy in y..y + rh {
            for xx in x..x + rw {
                grid[yy * side + xx] = true;
            }
        }
    }
    (side, grid)
}

fn qr_svg_encodes_the_data_at_level_m_with_a_quiet_zone(backend: Backend) {
    use qrcode::{Color, EcLevel, QrCode};
    let c = Collector::start(backend);
    let link = "http://127.0.0.1:8080/?survey=post-service&dealer=D001&ro=RO-2026-1182&advisor=A07&visit=2026-11-23&lang=zh-CN&token=tkn.AbC-123_x";
    let encoded: String = link
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let r = c.get(&format!("/v1/qr.svg?data={encoded}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("image/svg+xml"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let svg = r.text();
    assert!(
        svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(!svg.contains("dealer") && !svg.contains("<script"));

    let expected = QrCode::with_error_correction_level(link, EcLevel::M).expect("encodes");
    let n = expected.width();
    let (side, grid) = svg_modules(&svg, 8);
    assert_eq!(side, n + 8, "four quiet modules on each side");
    let colors = expected.to_colors();
    for y in 0..side {
        for x in 0..side {
            let inside = (4..4 + n).contains(&x) && (4..4 + n).contains(&y);
            let dark = inside && colors[(y - 4) * n + (x - 4)] == Color::Dark;
            assert_eq!(grid[y * side + x], dark, "module ({x}, {y})");
        }
    }
    // Decoded as a form would send it: `+` is a space.
    let spaced = c.get("/v1/qr.svg?data=%E6%89%AB%E7%A0%81+scan");
    let expected = QrCode::with_error_correction_level("扫码 scan", EcLevel::M).expect("encodes");
    assert_eq!(svg_modules(&spaced.text(), 8).0, expected.width() + 8);
}

both!(qr_svg_encodes_the_data_at_level_m_with_a_quiet_zone);

fn qr_svg_refuses_missing_long_and_broken_data(backend: Backend) {
    let c = Collector::start(backend);
    let long = "a".repeat(1025);
    for (query, reason) in [
        ("", "the data parameter is missing"),
        ("?size=3", "the data parameter is missing"),
        ("?data=", "the data parameter is empty"),
        ("?data=%ff%fe", "the data parameter is not UTF-8"),
        (
            "?data=%4",
            "the data parameter is not valid percent-encoding",
        ),
        (
            &format!("?data={long}") as &str,
            "the data parameter is 1025 bytes, limit is 1024",
        ),
    ] {
        let r = c.get(&format!("/v1/qr.svg{query}"));
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.json(), json!({ "error": reason }), "{query}");
        assert_eq!(r.header("Content-Type"), Some("application/json"));
    }
    assert_eq!(
        c.get(&format!("/v1/qr.svg?data={}", "a".repeat(1024)))
            .status,
        200
    );
    let r = request(&c.addr, "POST", "/v1/qr.svg?data=x", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.allowed_methods(), methods(&["GET", "HEAD"]));
    // PNG is not offered (it would need the `image` crate's tree).
    assert_eq!(c.get("/v1/qr.png?data=x").status, 404);
}

both!(qr_svg_refuses_missing_long_and_broken_data);

// ---- Headers on pages and public assets --------------------------------------------

const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'self'";

fn pages_get_a_strict_csp_and_no_referrer(backend: Backend) {
    let c = Collector::start(backend);
    let dist = c.dir.join("dist");
    std::fs::create_dir_all(dist.join("static")).expect("static dir");
    std::fs::write(
        dist.join("static/qr.html"),
        "<!doctype html><title>qr</title>",
    )
    .expect("page");
    for path in ["/", "/index.html", "/static/qr.html"] {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("Content-Security-Policy"),
            Some(PAGE_CSP),
            "{path}"
        );
        assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"), "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
        assert_eq!(r.header("Cross-Origin-Resource-Policy"), None, "{path}");
    }
}

both!(pages_get_a_strict_csp_and_no_referrer);

fn public_assets_may_be_loaded_from_any_origin_but_the_api_may_not_be_read(backend: Backend) {
    let c = Collector::start(backend);
    let dist = c.dir.join("dist");
    std::fs::create_dir_all(dist.join("static")).expect("static dir");
    for (name, body) in [
        ("pkg/survey_widget.js", "export default 1;"),
        ("static/survey.css", ".sw{}"),
        ("static/survey-widget.js", "1"),
        ("static/favicon.svg", "<svg/>"),
        ("static/post-service.json", "{}"),
        ("static/notes.txt", "text"),
        ("secret.js", "1"),
    ] {
        std::fs::write(dist.join(name), body).expect("asset");
    }
    for path in [
        "/pkg/app.wasm",
        "/pkg/survey_widget.js",
        "/static/survey.css",
        "/static/survey-widget.js",
        "/static/favicon.svg",
        "/static/post-service.json",
    ] {
        let r = request(
            &c.addr,
            "GET",
            path,
            &[("Origin", "https://dealer.example")],
            b"",
        );
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"), "{path}");
        assert_eq!(
            r.header("Cross-Origin-Resource-Policy"),
            Some("cross-origin"),
            "{path}"
        );
        assert_eq!(r.header("Access-Control-Allow-Credentials"), None, "{path}");
        assert_eq!(r.header("Content-Security-Policy"), None, "{path}");
    }
    // Other files, the API's read endpoints and the QR codes stay same-origin.
    for path in [
        "/static/notes.txt",
        "/secret.js",
        "/v1/responses",
        "/v1/responses.csv",
        "/v1/summary",
        "/v1/qr.svg?data=x",
        "/healthz",
    ] {
        // Read by someone signed in: even with the cookie, another origin gets no CORS.
        let r = c.send_as(
            &c.admin,
            "GET",
            path,
            &[("Origin", "https://dealer.example")],
            b"",
        );
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
        assert_eq!(r.header("Cross-Origin-Resource-Policy"), None, "{path}");
    }
}

both!(public_assets_may_be_loaded_from_any_origin_but_the_api_may_not_be_read);

// ---- Reading back: pages, filters, the export, health -----------------------------

/// Every page of `GET /v1/responses?{query}` (`query` without paging), following
/// `next` with `limit`: the items of each page.
fn pages(c: &Collector, query: &str, limit: u32) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut q = format!("limit={limit}");
        if !query.is_empty() {
            q = format!("{query}&{q}");
        }
        if let Some(cursor) = &after {
            q.push_str(&format!("&after={cursor}"));
        }
        let r = c.get(&format!("/v1/responses?{q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        let page = r.json();
        let items = page["items"].as_array().expect("items").clone();
        assert!(items.len() <= limit as usize, "{q}: {} items", items.len());
        pages.push(items);
        match &page["next"] {
            Value::Null => return pages,
            Value::String(cursor) => {
                assert_ne!(after.as_ref(), Some(cursor), "{q}: the cursor did not move");
                after = Some(cursor.clone());
            }
            other => panic!("{q}: next is {other}"),
        }
        assert!(pages.len() < 100, "{q}: paging does not end");
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The stored ids in storage order, read from the database.
fn stored_ids(c: &Collector, dealer: Option<&str>) -> Vec<String> {
    let rows = match dealer {
        Some(d) => c.query_rows(
            "SELECT id FROM responses WHERE dealer = $1 ORDER BY seq",
            &[d],
        ),
        None => c.query_rows("SELECT id FROM responses ORDER BY seq", &[]),
    };
    rows.iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

fn paging_visits_every_response_once_in_order(backend: Backend) {
    let c = Collector::start(backend);
    // 250 responses, every other one from D1: two posted, 248 copies of them written
    // to the table directly (a post each would be a commit each, seconds of fsyncs).
    let sources = seed(
        &c,
        &[
            payload_with(9, "D1", "2026-11-23T10:00:00Z"),
            payload_with(3, "D2", "2026-11-23T10:00:00Z"),
        ],
        250,
    );
    let stored = stored_ids(&c, None);
    assert_eq!(stored.len(), 250);
    assert_eq!(stored[..2], sources);

    let walked = pages(&c, "", 100);
    let sizes: Vec<usize> = walked.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50], "the last page has next: null");
    let seen: Vec<String> = walked.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(seen, stored, "every id once, in storage order");

    // The default page is 100; one page of 1000 holds all 250.
    let first = c.get("/v1/responses").json();
    assert_eq!(
        ids(first["items"].as_array().expect("items")),
        stored[..100]
    );
    assert_eq!(first["next"], json!(cursor_of(&c, &stored[99])));
    assert_eq!(pages(&c, "", 1000).len(), 1);

    // The cursor and a filter together: D1's rows only, across pages of 40.
    let d1 = pages(&c, "dealer=D1", 40);
    let d1_ids: Vec<String> = d1.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(d1_ids, stored_ids(&c, Some("D1")));
    assert_eq!(d1_ids.len(), 125);
    assert!(d1
        .iter()
        .flatten()
        .all(|i| i["payload"]["context"]["dealer"] == json!("D1")));

    // Newest first (what a manager reading the console wants): the same rows, each
    // once, in reverse, across pages and with a filter.
    let newest: Vec<String> = pages(&c, "order=newest", 100)
        .iter()
        .flat_map(|p| ids(p))
        .collect();
    let mut reversed = stored.clone();
    reversed.reverse();
    assert_eq!(newest, reversed, "every id once, newest first");
    let d1_newest: Vec<String> = pages(&c, "dealer=D1&order=newest", 40)
        .iter()
        .flat_map(|p| ids(p))
        .collect();
    let mut d1_reversed = stored_ids(&c, Some("D1"));
    d1_reversed.reverse();
    assert_eq!(d1_newest, d1_reversed);
}

both!(paging_visits_every_response_once_in_order);

/// Posts `posted` (each must be stored), then copies them in turn straight into the
/// table until there are `total` rows. Returns the posted ids.
fn seed(c: &Collector, posted: &[Value], total: usize) -> Vec<String> {
    let sources: Vec<String> = posted
        .iter()
        .map(|p| {
            let r = c.post(p);
            assert_eq!(r.status, 201, "{}", r.text());
            p["id"].as_str().expect("id").to_string()
        })
        .collect();
    let copies: Vec<(String, String)> = (sources.len()..total)
        .map(|i| (sources[i % sources.len()].clone(), new_id()))
        .collect();
    c.copy_response(&copies);
    sources
}

/// The `next` cursor that ends on the row with `id`: its storage sequence number.
fn cursor_of(c: &Collector, id: &str) -> String {
    let rows = c.query_rows("SELECT seq FROM responses WHERE id = $1", &[id]);
    rows[0]["seq"].as_i64().expect("seq").to_string()
}

fn the_list_filters_like_the_summary(backend: Backend) {
    let c = Collector::start(backend);
    let mut posted = Vec::new();
    for (dealer, at) in [
        ("D1", "2026-11-20T09:00:00Z"),
        ("D1", "2026-11-21T09:00:00Z"),
        ("D2", "2026-11-21T15:00:00Z"),
        ("D2", "2026-11-23T09:00:00Z"),
    ] {
        let p = payload_with(9, dealer, at);
        assert_eq!(c.post(&p).status, 201);
        posted.push(p);
    }
    let mut own = payload_with(9, "D1", "2026-11-21T12:00:00Z");
    own["survey"] = json!({ "id": "dealer-own", "version": 1 });
    assert_eq!(c.post(&own).status, 201);
    posted.push(own);

    for query in [
        "",
        "dealer=D1",
        "dealer=D2",
        "dealer=D3",
        "survey=post-service",
        "survey=dealer-own",
        "from=2026-11-21",
        "to=2026-11-21",
        "from=2026-11-21&to=2026-11-22",
        "dealer=D2&to=2026-11-21T15:00:00.001Z",
        "dealer=D2&to=2026-11-21T15:00:00Z",
        "from=2026-11-21T23:00:00%2B08:00",
        "survey=post-service&dealer=D1&from=2026-11-21",
    ] {
        // Unsigned posts: the summary counts them with `verified=all`, as the list shows.
        let r = c.get(&format!("/v1/responses?{query}&verified=all"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        let list = r.json();
        let summary = c.get(&format!("/v1/summary?{query}&verified=all")).json();
        assert_eq!(list["filter"], summary["filter"], "{query}");
        let items = list["items"].as_array().expect("items");
        let scored = |i: &&Value| !i["score"].is_null();
        assert_eq!(
            (
                items.iter().filter(scored).count() as u64,
                items.len() as u64 - items.iter().filter(scored).count() as u64
            ),
            (
                summary["summary"]["n"].as_u64().expect("n"),
                summary["unscored"].as_u64().expect("unscored")
            ),
            "{query}: the list and the summary cover the same rows"
        );
        for (name, value) in query.split('&').filter_map(|kv| kv.split_once('=')) {
            for item in items {
                let p = &item["payload"];
                match name {
                    "dealer" => assert_eq!(p["context"]["dealer"], json!(value), "{query}"),
                    "survey" => assert_eq!(p["survey"]["id"], json!(value), "{query}"),
                    _ => {}
                }
            }
        }
    }
    let only_d1 = items_of(&c, "?dealer=D1");
    let expected: Vec<&Value> = posted
        .iter()
        .filter(|p| p["context"]["dealer"] == json!("D1"))
        .map(|p| &p["id"])
        .collect();
    assert_eq!(
        only_d1.iter().map(|i| &i["id"]).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(only_d1.len(), 3);
}

both!(the_list_filters_like_the_summary);

fn bad_list_and_export_parameters_are_refused(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    // Changed on purpose with the rewrite: the list refuses what the summary refuses
    // (it ignored unknown parameters before), and checks its paging parameters.
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("after=-1", "after"),
        ("after=x", "after"),
        ("after=1&after=2", "after"),
        ("foo=1", "foo"),
        ("dealer=a&dealer=b", "dealer"),
        ("dealer=", "dealer"),
        ("survey=not%20an%20id", "survey"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
    ] {
        let r = c.get(&format!("/v1/responses?{query}"));
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        assert!(r.error().contains(parameter), "{query}: {}", r.error());
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    }
    assert_eq!(c.get("/v1/responses?limit=1000").status, 200);
    assert_eq!(c.get("/v1/responses?limit=1").status, 200);
    // The export takes the filter but no paging: it always streams every row.
    for (query, parameter) in [
        ("foo=1", "foo"),
        ("limit=10", "limit"),
        ("after=1", "after"),
        ("dealer=a&dealer=b", "dealer"),
        ("to=2026-11-23T10:00", "to"),
    ] {
        let r = c.get(&format!("/v1/responses.csv?{query}"));
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert!(r.error().contains(parameter), "{query}: {}", r.error());
    }
}

both!(bad_list_and_export_parameters_are_refused);

fn csv_export_of_1200_rows_spans_its_internal_pages(backend: Backend) {
    let c = Collector::start(backend);
    // More than two of the export's 500-row database pages: three posted responses
    // and copies of them written to the table directly.
    let mut commented = payload_with(0, "D1", "2026-11-23T10:00:00Z");
    commented["answers"]["comment"] = json!({ "text": "a, \"quoted\" comment" });
    let posted = [
        payload_with(10, "D1", "2026-11-22T10:00:00Z"),
        payload_with(7, "D1", "2026-11-23T10:00:00Z"),
        commented,
    ];
    seed(&c, &posted, 1200);
    let stored = stored_ids(&c, None);
    assert_eq!(stored.len(), 1200);

    let r = c.get("/v1/responses.csv?verified=all");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"responses.csv\"")
    );
    let text = r.text();
    let text = text.strip_prefix(BOM).expect("a BOM");
    assert!(text.ends_with("\r\n"), "the last line is complete");
    let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(lines.len(), 2 + 1200, "labels, ids and 1200 data lines");
    // The same column ids as before the rewrite (see
    // `csv_export_has_the_columns_and_defuses_formulas`), the comment's included,
    // under a row of labels (issue 15).
    let lines = &lines[1..];
    assert_eq!(lines[0], csv_header(&posted[2]["answers"]).join(","));
    let exported: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().expect("id").to_string())
        .collect();
    assert_eq!(exported, stored, "every row once, in storage order");
    let width = lines[0].split(',').count();
    for (i, line) in lines[1..].iter().enumerate() {
        if i % 3 == 2 {
            assert!(line.ends_with(",\"a, \"\"quoted\"\" comment\""), "{line}");
        } else {
            assert_eq!(line.split(',').count(), width, "{line}");
            assert!(line.ends_with(','), "no comment: {line}");
        }
    }
    // The filter applies to the export too.
    let none = c.get("/v1/responses.csv?dealer=D2").text();
    assert_eq!(none.strip_prefix(BOM).map(|t| t.lines().count()), Some(2));
}

both!(csv_export_of_1200_rows_spans_its_internal_pages);

fn health_and_readiness_answer(backend: Backend) {
    let c = Collector::start(backend);
    let h = c.get("/healthz");
    assert_eq!((h.status, h.text().as_str()), (200, "ok"));
    let r = c.get("/readyz");
    assert_eq!((r.status, r.text().as_str()), (200, "ready"), "{}", c.log());
    // The readiness probe's write is rolled back: nothing is stored by it.
    assert_eq!(c.rows(), 0);
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    assert_eq!(c.get("/readyz").status, 200);
    assert_eq!(c.rows(), 1);
}

both!(health_and_readiness_answer);

/// A load balancer in front of two collectors on one database: every id is posted to
/// both at the same moment (every fifth id twice to each, a phone retrying), and the
/// database's constraints, not either process, keep one row per id.
fn two_collectors_on_one_database_store_each_id_once(backend: Backend) {
    let db = TestDb::fresh(backend);
    let a = Collector::start_on(db.clone(), &[]);
    let b = Collector::start_on(db.clone(), &[]);
    let payloads: Vec<Value> = (0..200).map(|_| valid_payload(&new_id())).collect();
    // Four clients at a time, each sending one id to A and B at the same instant
    // (a barrier), so up to 16 posts are in flight.
    let next = AtomicUsize::new(0);
    let replies = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(p) = payloads.get(i) else { break };
                let body = p.to_string();
                let posts = if i.is_multiple_of(5) { 4 } else { 2 };
                let start = Barrier::new(posts);
                let got: Vec<_> = thread::scope(|s| {
                    let handles: Vec<_> = (0..posts)
                        .map(|k| {
                            let (c, body, start) =
                                (if k % 2 == 0 { &a } else { &b }, &body, &start);
                            s.spawn(move || {
                                start.wait();
                                c.post_raw("application/json", body.as_bytes())
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("client thread"))
                        .map(|r| (i, r.status, r.text()))
                        .collect()
                });
                replies.lock().expect("replies").extend(got);
            });
        }
    });
    let replies = replies.into_inner().expect("replies");
    assert_eq!(replies.len(), 200 * 2 + 40 * 2);
    let mut created = vec![0; 200];
    let mut received_at: Vec<Option<Value>> = vec![None; 200];
    for (i, status, text) in &replies {
        assert!(
            matches!(status, 200 | 201),
            "id {i}: {status} {text}\nA:\n{}\nB:\n{}",
            a.log(),
            b.log()
        );
        let body: Value = serde_json::from_str(text).expect("a JSON receipt");
        assert_eq!(body["id"], payloads[*i]["id"]);
        assert_eq!(body["duplicate"], json!(*status == 200), "{text}");
        if *status == 201 {
            created[*i] += 1;
        }
        // A retry is answered with the first receipt, whichever process stored it.
        match &received_at[*i] {
            Some(first) => assert_eq!(&body["received_at"], first, "id {i}"),
            None => received_at[*i] = Some(body["received_at"].clone()),
        }
    }
    assert!(created.iter().all(|n| *n == 1), "201s per id: {created:?}");
    let mut stored = stored_ids(&a, None);
    let mut posted: Vec<String> = payloads
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    stored.sort();
    posted.sort();
    assert_eq!(stored, posted, "every id stored exactly once");
    assert!(!a.log().contains("ERROR") && !b.log().contains("ERROR"));
}

both!(two_collectors_on_one_database_store_each_id_once);

/// `t` as the widget writes `created_at`: RFC 3339 UTC, whole seconds.
fn rfc3339(t: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(t.as_second())
        .expect("a time")
        .to_string()
}

fn a_device_clock_far_ahead_is_refused(backend: Backend) {
    let c = Collector::start(backend);
    let now = jiff::Timestamp::now();
    // New with the rewrite: over 24 h after the server's clock is a wrong device clock,
    // refused with 422 naming created_at (the outbox sets it aside), nothing stored.
    let mut ahead = payload_with(
        3,
        "D1",
        &rfc3339(now + jiff::SignedDuration::from_hours(25)),
    );
    ahead["score"] = card_json(&card_for(&ahead));
    let r = c.post(&ahead);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.error().starts_with("created_at:"), "{}", r.error());
    assert!(r.error().contains("device clock"), "{}", r.error());
    assert_eq!(c.rows(), 0);

    // 23 h ahead is still accepted. The server's deadline counts from its own receipt,
    // since the device's clock is ahead; the widget's card, honest for its own clock,
    // is not flagged as tampered.
    let id = new_id();
    let mut early = payload_with(
        3,
        "D1",
        &rfc3339(now + jiff::SignedDuration::from_hours(23)),
    );
    early["id"] = json!(id);
    let honest = card_json(&card_for(&early));
    early["score"] = honest.clone();
    let r = c.post(&early);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["score_mismatch"], json!(false));
    let received = r.json()["received_at"]
        .as_str()
        .expect("received_at")
        .to_string();
    let parsed = ResponsePayload::from_json(&early.to_string()).expect("payload");
    let def = templates::load("post-service")
        .expect("built in")
        .expect("valid");
    let server = score_at(&def, &parsed.answers, &def.scoring_config(), &received);
    let s = c.stored_scores(&id);
    assert_eq!(s.score, Some(card_json(&server)));
    assert_eq!(s.client_score, Some(honest));
    assert!(!s.score_mismatch);
    assert!(server.follow_up_due.is_some());
    assert_eq!(
        s.follow_up_due, server.follow_up_due,
        "48 h from the receipt"
    );
}

both!(a_device_clock_far_ahead_is_refused);

#[test]
fn sqlite_backup_copies_a_live_database() {
    let c = Collector::start(Backend::Sqlite);
    for _ in 0..3 {
        assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    }
    let dir = TempDir::new("collector-backup");
    let copy = dir.0.join("copy.sqlite");
    let backup = |to: &std::path::Path, db: &str| {
        Command::new(env!("CARGO_BIN_EXE_collector"))
            .arg("backup")
            .arg(to)
            .args(["--db", db])
            .output()
            .expect("run backup")
    };
    let live = c.db.arg();
    let out = backup(&copy, &live);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied = TestDb::sqlite_at(&copy);
    assert_eq!(stored_ids(&c, None).len(), 3);
    let rows = copied.query_rows("SELECT id FROM responses ORDER BY seq", &[]);
    let copied_ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().expect("id")).collect();
    assert_eq!(copied_ids, stored_ids(&c, None));
    // The live database goes on; an existing file is never overwritten.
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    let again = backup(&copy, &live);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(copied.query_rows("SELECT id FROM responses", &[]).len(), 3);
    // PostgreSQL is backed up with its own tools.
    let pg = backup(&dir.0.join("pg.sqlite"), "postgres://u@127.0.0.1:1/db");
    assert_eq!(pg.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
}

/// A clean shutdown checkpoints the WAL into the file: a copy of the `.sqlite` file
/// alone then holds everything. It did not once any read had run, since the read-only
/// connections closed last and a read-only connection cannot checkpoint.
#[test]
fn sqlite_a_clean_shutdown_leaves_no_wal_behind() {
    let mut c = Collector::start(Backend::Sqlite);
    assert_eq!(c.post(&valid_payload(&new_id())).status, 201);
    assert_eq!(
        c.get("/v1/responses").status,
        200,
        "a read, on a reader connection"
    );
    let db = std::path::PathBuf::from(c.db.arg());
    let wal = db.with_extension("sqlite-wal");
    assert!(wal.exists(), "the WAL is in use while the collector runs");
    c.signal(libc::SIGTERM);
    assert!(c.wait_exit(Duration::from_secs(10)).success());
    assert!(!wal.exists(), "{} left behind", wal.display());
    assert!(!db.with_extension("sqlite-shm").exists());
}
