//! Phone interviews over real HTTP against both backends (`POST /v1/interviews`,
//! `GET /console/interview`): stored with `channel: phone` and the signed-in agent,
//! whatever the payload said; a replay counted once; the advisor being rated refused;
//! the open route refuses a payload that passes itself off as one.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, PASSWORD};

/// A detractor at D001 for advisor A07, visit on 2026-11-22, who asks to be called.
fn detractor() -> Value {
    let mut body = post_service_payload(
        &new_id(),
        "D001",
        Some("A07"),
        2,
        false,
        Some("13800138000"),
    );
    body["context"]["visit_date"] = json!("2026-11-22");
    body["context"]["repair_order"] = json!("RO-2026/1182");
    body
}

/// The case the detractor opened.
fn the_case(c: &Collector) -> String {
    let r = c.get("/v1/cases");
    assert_eq!(r.status, 200, "{}", r.text());
    let items = r.json()["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{items:?}");
    items[0]["id"].as_str().expect("case id").to_string()
}

/// An interview of the case, as the widget posts it, with a context that tries to say
/// more than it may (another dealer and advisor, a channel and an agent of its own).
fn interview(case: &str, nps: u8) -> Value {
    let mut body = post_service_payload(&new_id(), "D999", Some("Z99"), nps, false, None);
    body["client"]["mode"] = json!("interview");
    body["context"]["case"] = json!(case);
    body["context"]["channel"] = json!("web");
    body["context"]["agent"] = json!("mallory");
    body
}

fn post_interview(c: &Collector, auth: &Auth, body: &Value) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        "/v1/interviews",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn phone_rows(c: &Collector) -> Vec<Value> {
    let r = c.get("/v1/responses?channel=phone&verified=no");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"].as_array().cloned().unwrap_or_default()
}

fn an_interview_is_the_signed_in_agents_phone_call(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&detractor()).status, 201);
    let case = the_case(&c);
    let login = format!("agent-{:x}", support::unique());
    add_user(&c.db, &login, "follow-up-agent", &["D001"], None);
    let agent = c.login(&login, PASSWORD);

    // A detractor again on the phone: its alerts open no second case.
    let body = interview(&case, 3);
    let r = post_interview(&c, &agent, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["duplicate"], json!(false));
    let rows = phone_rows(&c);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let ctx = &rows[0]["payload"]["context"];
    assert_eq!(ctx["channel"], json!("phone"));
    assert_eq!(
        ctx["agent"],
        json!(login),
        "the session's login, not the payload's"
    );
    assert_eq!(ctx["case"], json!(case));
    // The visit is the case's, not what the page sent.
    assert_eq!(ctx["dealer"], json!("D001"));
    assert_eq!(ctx["advisor"], json!("A07"));
    assert_eq!(ctx["repair_order"], json!("RO-2026/1182"));
    // Item 9: visit 2026-11-22, call 2026-11-23 (Shanghai): within three days.
    assert_eq!(ctx["called_back_3d"], json!("yes"));
    // Scored like any other response.
    assert!(rows[0]["score"]["nps"].is_object(), "{}", rows[0]["score"]);
    assert_eq!(c.count_rows("cases"), 1);

    // The outbox's retry of the same response: counted once.
    let again = post_interview(&c, &agent, &body);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["duplicate"], json!(true));
    assert_eq!(phone_rows(&c).len(), 1);
    let summary = c.get("/v1/summary?channel=phone&verified=no");
    assert_eq!(summary.status, 200, "{}", summary.text());
    assert_eq!(
        summary.json()["summary"]["n"],
        json!(1),
        "{}",
        summary.text()
    );

    // Phone against self-completed: one row per channel (none for the customer's own).
    let r = c.get("/v1/breakdown?by=channel&survey=post-service&verified=all");
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = r.json()["rows"].as_array().cloned().unwrap_or_default();
    let by: Vec<(Value, Value)> = rows
        .iter()
        .map(|r| (r["channel"].clone(), r["responses"].clone()))
        .collect();
    assert!(by.contains(&(json!("phone"), json!(1))), "{by:?}");
    assert!(by.contains(&(Value::Null, json!(1))), "{by:?}");

    // Without the session's CSRF token, without a session, or with an API token: no.
    let Auth::Session { cookie, .. } = &agent else {
        panic!("a session")
    };
    let no_csrf = c.send_as(
        &Auth::Anonymous,
        "POST",
        "/v1/interviews",
        &[
            ("Content-Type", "application/json"),
            ("Cookie", &format!("sid={cookie}")),
        ],
        interview(&case, 9).to_string().as_bytes(),
    );
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.text());
    let anonymous = post_interview(&c, &Auth::Anonymous, &interview(&case, 9));
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
    // Not for a case nor a call, or a case of another dealer's agent: refused.
    let mut nothing = interview(&case, 9);
    nothing["context"]
        .as_object_mut()
        .expect("context")
        .remove("case");
    let r = post_interview(&c, &agent, &nothing);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["error"]
        .as_str()
        .unwrap_or("")
        .contains("context.case"));
    let other = format!("other-{:x}", support::unique());
    add_user(&c.db, &other, "follow-up-agent", &["D002"], None);
    let other = c.login(&other, PASSWORD);
    let r = post_interview(&c, &other, &interview(&case, 9));
    assert_eq!(r.status, 404, "{}", r.text());
    // The open route takes no interview, nor a phone channel on an unsigned post.
    let mut posed = detractor();
    posed["client"]["mode"] = json!("interview");
    let r = c.post(&posed);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["error"]
        .as_str()
        .unwrap_or("")
        .contains("/v1/interviews"));
    let mut posed = detractor();
    posed["context"]["channel"] = json!("phone");
    assert_eq!(c.post(&posed).status, 422);
    assert_eq!(phone_rows(&c).len(), 1);
}

both!(an_interview_is_the_signed_in_agents_phone_call);

fn the_advisor_being_rated_cannot_interview(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&detractor()).status, 201);
    let case = the_case(&c);
    // A manager whose login is the advisor code (only an advisor's own account holds
    // an advisor id, and an advisor works no cases: the login is what can collide).
    add_user(&c.db, "a07", "dealer-manager", &["D001"], None);
    let auth = c.login("a07", PASSWORD);
    let r = post_interview(&c, &auth, &interview(&case, 9));
    assert_eq!(r.status, 403, "{}", r.text());
    let e = r.json();
    assert_eq!(
        e.as_object().map(|o| o.len()),
        Some(1),
        "one refusal shape: {e}"
    );
    assert!(e["error"].as_str().unwrap_or("").contains("A07"), "{e}");
    assert_eq!(phone_rows(&c).len(), 0);
    // Another manager of the dealer may.
    let fine = format!("fine-{:x}", support::unique());
    add_user(&c.db, &fine, "dealer-manager", &["D001"], None);
    let auth = c.login(&fine, PASSWORD);
    let r = post_interview(&c, &auth, &interview(&case, 9));
    assert_eq!(r.status, 201, "{}", r.text());
}

both!(the_advisor_being_rated_cannot_interview);

fn the_interview_page_is_behind_the_console_login(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&detractor()).status, 201);
    let case = the_case(&c);
    let path = format!("/console/interview?case={case}");
    let r = c.get_as(&Auth::Anonymous, &path);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some(format!("/login?next=%2Fconsole%2Finterview%3Fcase%3D{case}").as_str())
    );
    let login = format!("agent-{:x}", support::unique());
    add_user(&c.db, &login, "follow-up-agent", &["D001"], None);
    let agent = c.login(&login, PASSWORD);
    let r = c.get_as(&agent, &path);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let html = r.text();
    let Auth::Session { csrf, .. } = &agent else {
        panic!("a session")
    };
    for part in [
        "data-mode=\"interview\"",
        "data-survey=\"post-service\"",
        "data-endpoint=\"/v1/interviews\"",
        &format!("{{&quot;X-CSRF-Token&quot;:&quot;{csrf}&quot;}}"),
        &format!("{{&quot;case&quot;:&quot;{case}&quot;}}"),
        "RO-2026/1182",
        &format!("href=\"/console#cases/{case}\""),
    ] {
        assert!(html.contains(part), "{part} not in\n{html}");
    }
    // A service advisor works no cases; a case of another dealer is not found.
    let adv = format!("adv-{:x}", support::unique());
    add_user(&c.db, &adv, "service-advisor", &["D001"], Some("A09"));
    let r = c.get_as(&c.login(&adv, PASSWORD), &path);
    assert_eq!(r.status, 403, "{}", r.text());
    let other = format!("other-{:x}", support::unique());
    add_user(&c.db, &other, "follow-up-agent", &["D002"], None);
    let r = c.get_as(&c.login(&other, PASSWORD), &path);
    assert_eq!(r.status, 404, "{}", r.text());
    let r = c.get_as(&agent, "/console/interview?case=%3Cscript%3E");
    assert_eq!(r.status, 400);
    assert!(!r.text().contains("<script>"), "{}", r.text());
}

both!(the_interview_page_is_behind_the_console_login);
