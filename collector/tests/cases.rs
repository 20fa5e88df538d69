//! Hot-alert cases over real HTTP against both backends: a detractor opens exactly one
//! case, an agent works it to closed, refusals come in the one error shape, and a case
//! past its due time is escalated by the collector's (test-moved) clock. Who may see
//! which case is in `access.rs`.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, Opts, PASSWORD};

/// A detractor at `dealer` who asks to be called back.
fn detractor(dealer: &str) -> Value {
    post_service_payload(
        &new_id(),
        dealer,
        Some("A07"),
        2,
        false,
        Some("13800138000"),
    )
}

fn act(c: &Collector, auth: &Auth, case: &str, body: Value) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        &format!("/v1/cases/{case}/events"),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn cases(c: &Collector, auth: &Auth, query: &str) -> Vec<Value> {
    let r = c.get_as(auth, &format!("/v1/cases{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"].as_array().expect("items").clone()
}

/// `now` (+ `seconds`) as the widget writes `created_at`.
fn now_plus(seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    survey_core::time::format_seconds(now + seconds).expect("time")
}

fn a_detractor_opens_exactly_one_case(backend: Backend) {
    let c = Collector::start(backend);
    let body = detractor("D001");
    let r = c.post(&body);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = body["id"].as_str().expect("id");
    // A retry of the same response (a phone that lost the 201) opens nothing more.
    let again = c.post(&body);
    assert_eq!(
        (again.status, again.json()["duplicate"].clone()),
        (200, json!(true))
    );
    // A promoter raises no alert and opens no case.
    let happy = post_service_payload(&new_id(), "D001", None, 10, false, None);
    assert_eq!(c.post(&happy).status, 201);
    let listed = cases(&c, &c.admin, "");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let case = &listed[0];
    assert_eq!(case["response_id"], json!(id));
    assert_eq!(case["status"], json!("open"));
    assert_eq!(case["dealer"], json!("D001"));
    assert_eq!(case["owner"], Value::Null);
    assert_eq!(c.count_rows("cases"), 1);
    assert_eq!(c.count_rows("case_events"), 1, "the open event");
    // Due 2 days after the response was written (created_at 2026-11-23T10:00:00Z),
    // so it is overdue already.
    assert_eq!(case["due_at"], json!("2026-11-25T10:00:00.000Z"));
    assert_eq!(case["overdue"], json!(true));
    // The detail: the alerts, the answers with the phone (an admin may see it), the
    // history.
    let r = c.get_as(
        &c.admin,
        &format!("/v1/cases/{}", case["id"].as_str().expect("case id")),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let detail = r.json();
    let rules: Vec<&str> = detail["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter_map(|a| a["rule"].as_str())
        .collect();
    assert!(rules.contains(&"nps_detractor"), "{rules:?}");
    assert!(rules.contains(&"contact_requested"), "{rules:?}");
    assert_eq!(
        detail["response"]["answers"]["contact_me"]["contact"]["phone"],
        json!("13800138000")
    );
    assert_eq!(detail["events"][0]["action"], json!("open"));
    assert_eq!(detail["events"][0]["actor"], json!("system"));
    // What was asked, beside each answer: the survey's question texts by locale.
    let questions = detail["questions"].as_array().cloned().unwrap_or_default();
    let nps = questions.iter().find(|q| q["id"] == json!("nps"));
    assert!(
        nps.is_some_and(|q| q["text"]["zh-CN"].is_string() && q["text"]["en"].is_string()),
        "{questions:?}"
    );
}
both!(a_detractor_opens_exactly_one_case);

fn an_agent_works_a_case_to_closed(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&detractor("D001")).status, 201);
    let tag = format!("{:x}", support::unique());
    let (agent_login, manager_login) = (format!("agent-{tag}"), format!("manager-{tag}"));
    add_user(&c.db, &agent_login, "follow-up-agent", &["D001"], None);
    add_user(&c.db, &manager_login, "dealer-manager", &["D001"], None);
    let agent = c.login(&agent_login, PASSWORD);
    let manager = c.login(&manager_login, PASSWORD);
    let listed = cases(&c, &agent, "?owner=none");
    assert_eq!(listed.len(), 1);
    let case = listed[0]["id"].as_str().expect("case id").to_string();
    let step = |auth: &Auth, body: Value, status: u16| -> Value {
        let r = act(&c, auth, &case, body.clone());
        assert_eq!(r.status, status, "{body}: {}", r.text());
        r.json()
    };
    // Not before taking it; then the agent takes it.
    let e = step(
        &agent,
        json!({"action": "attempt", "outcome": "reached"}),
        403,
    );
    assert!(
        e["error"].as_str().unwrap_or("").contains("no owner"),
        "{e}"
    );
    let r = step(&agent, json!({"action": "assign", "to": agent_login}), 200);
    assert_eq!(r["case"]["owner_login"], json!(agent_login));
    assert_eq!(cases(&c, &agent, "?owner=me").len(), 1);
    // Without the CSRF token a session cannot act.
    let Auth::Session { cookie, .. } = &agent else {
        panic!("a session")
    };
    let no_csrf = c.send_as(
        &Auth::Anonymous,
        "POST",
        &format!("/v1/cases/{case}/events"),
        &[
            ("Content-Type", "application/json"),
            ("Cookie", &format!("sid={cookie}")),
        ],
        br#"{"action":"attempt","outcome":"busy"}"#,
    );
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.text());
    // No answer, then reached.
    let r = step(
        &agent,
        json!({"action": "attempt", "outcome": "no_answer"}),
        200,
    );
    assert_eq!(
        (
            r["case"]["status"].clone(),
            r["case"]["failed_attempts"].clone()
        ),
        (json!("open"), json!(1))
    );
    let r = step(
        &agent,
        json!({"action": "attempt", "outcome": "reached"}),
        200,
    );
    assert_eq!(r["case"]["status"], json!("contacted"));
    assert_eq!(r["case"]["overdue"], json!(false));
    // Resolve, then close: without a cause it is refused with what to give.
    let r = step(
        &agent,
        json!({"action": "resolve", "resolution": "re-did the alignment"}),
        200,
    );
    assert_eq!(r["case"]["status"], json!("resolved"));
    let e = step(
        &agent,
        json!({"action": "close", "resolution": "customer satisfied"}),
        422,
    );
    let reason = e["error"].as_str().unwrap_or("").to_string();
    assert!(
        reason.contains("cause") && reason.contains("product"),
        "{reason}"
    );
    assert_eq!(
        e.as_object().map(|o| o.len()),
        Some(1),
        "the one refusal shape"
    );
    let r = step(
        &agent,
        json!({"action": "close", "cause": "service", "severity": "general",
               "resolution": "customer satisfied"}),
        200,
    );
    assert_eq!(r["case"]["status"], json!("closed"));
    assert_eq!(r["case"]["cause"], json!("service"));
    // Closed: the agent cannot reopen; the manager cannot without a reason.
    step(&agent, json!({"action": "reopen", "reason": "x"}), 403);
    let e = step(&manager, json!({"action": "reopen", "reason": "  "}), 422);
    assert!(e["error"].as_str().unwrap_or("").contains("reason"), "{e}");
    step(
        &manager,
        json!({"action": "resolve", "resolution": "x"}),
        409,
    );
    let r = step(
        &manager,
        json!({"action": "reopen", "reason": "the noise came back"}),
        200,
    );
    assert_eq!(r["case"]["status"], json!("open"));
    // A malformed action is a 400 naming what is expected.
    let bad = act(&c, &agent, &case, json!({"action": "dance"}));
    assert_eq!(bad.status, 400, "{}", bad.text());
    // The history has every accepted step, in order, with who did it.
    let detail = c.get_as(&agent, &format!("/v1/cases/{case}")).json();
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["open", "assign", "attempt", "attempt", "resolve", "close", "reopen"]
    );
    assert_eq!(detail["events"][2]["detail"]["outcome"], json!("no_answer"));
    assert_eq!(detail["events"][5]["detail"]["cause"], json!("service"));
    assert!(detail["events"][1]["actor"]
        .as_str()
        .unwrap_or("")
        .starts_with("user:"));
    // The agent read contact data: the read is in the audit log (written by the
    // collector's audit writer just after the read).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let audit = c.get_as(&c.admin, "/v1/audit?limit=1000").json();
        let found = audit["items"]
            .as_array()
            .expect("audit items")
            .iter()
            .any(|i| {
                i["route"] == json!("/v1/cases/{id}")
                    && i["actor"] == json!(format!("user:{agent_login}"))
                    && i["filter"].as_str().unwrap_or("").contains(&case)
            });
        if found {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no audit line: {audit}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
both!(an_agent_works_a_case_to_closed);

fn an_uncontacted_case_is_escalated_after_its_due_time(backend: Backend) {
    // The server's own periodic sweep, run often, against a clock the test moves.
    let mut c = Collector::start_opts(
        support::TestDb::fresh(backend),
        &Opts::args(&["--case-sweep-ms", "50"]).env("COLLECTOR_TEST_HOOKS", "1"),
    );
    // Several sweeps' time, so a sweep that would escalate has run.
    let sweeps = || std::thread::sleep(std::time::Duration::from_millis(300));
    let tag = format!("{:x}", support::unique());
    let (agent_login, manager_login) = (format!("agent-{tag}"), format!("manager-{tag}"));
    add_user(&c.db, &agent_login, "follow-up-agent", &["D001"], None);
    add_user(&c.db, &manager_login, "dealer-manager", &["D001"], None);
    // Two fresh detractors: one the agent reaches in time, one no one calls.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut body = detractor("D001");
        body["created_at"] = json!(now_plus(0));
        assert_eq!(c.post(&body).status, 201);
        ids.push(body["id"].as_str().expect("id").to_string());
    }
    let agent = c.login(&agent_login, PASSWORD);
    let all = cases(&c, &agent, "");
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|c| c["overdue"] == json!(false)), "{all:?}");
    let reached = all
        .iter()
        .find(|k| k["response_id"] == json!(ids[0]))
        .and_then(|k| k["id"].as_str())
        .expect("first case")
        .to_string();
    let forgotten = all
        .iter()
        .find(|k| k["response_id"] == json!(ids[1]))
        .and_then(|k| k["id"].as_str())
        .expect("second case")
        .to_string();
    for body in [
        json!({"action": "assign", "to": agent_login}),
        json!({"action": "attempt", "outcome": "reached"}),
    ] {
        let r = act(&c, &agent, &reached, body);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // Not due yet: a manual escalation is refused, nothing is on the manager's list.
    let manager = c.login(&manager_login, PASSWORD);
    let early = act(&c, &manager, &forgotten, json!({"action": "escalate"}));
    assert_eq!(early.status, 409, "{}", early.text());
    assert!(cases(&c, &manager, "?escalated=yes").is_empty());
    // One day on: still not due.
    c.advance_clock(86_400_000);
    sweeps();
    assert_eq!(
        c.count_rows("case_events"),
        2 + 2,
        "2 opened, assigned, reached: nothing escalated yet"
    );
    // Two days and a minute after: the sweep escalates the uncontacted case only.
    c.advance_clock(86_460_000);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while c.count_rows("case_events") < 2 + 2 + 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "no escalation:\n{}",
            c.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Sessions last 12 hours: everyone signs in again two days later.
    c.sign_in();
    let manager = c.login(&manager_login, PASSWORD);
    let escalated = cases(&c, &manager, "?escalated=yes");
    assert_eq!(escalated.len(), 1, "{escalated:?}");
    assert_eq!(escalated[0]["id"], json!(forgotten));
    assert_eq!(escalated[0]["overdue"], json!(true));
    assert_eq!(escalated[0]["status"], json!("open"));
    assert!(escalated[0]["escalated_at"].is_string());
    let overdue = cases(&c, &manager, "?overdue=yes");
    assert_eq!(overdue.len(), 1);
    assert_eq!(cases(&c, &manager, "?overdue=no").len(), 1);
    let history = c.get_as(&manager, &format!("/v1/cases/{forgotten}")).json();
    let last = history["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (last["action"].clone(), last["actor"].clone()),
        (json!("escalate"), json!("system"))
    );
    // Recorded once: later sweeps escalate nothing more.
    c.advance_clock(60_000);
    sweeps();
    assert_eq!(c.count_rows("case_events"), 2 + 2 + 1);
}
both!(an_uncontacted_case_is_escalated_after_its_due_time);

/// A customer's data deleted on request (`collector customer forget`) takes the case
/// and its history with it: they hold the same complaint.
fn forgetting_a_response_deletes_its_case(backend: Backend) {
    let c = Collector::start(backend);
    let (gone, kept) = (detractor("D001"), detractor("D001"));
    assert_eq!(c.post(&gone).status, 201);
    assert_eq!(c.post(&kept).status, 201);
    assert_eq!((c.count_rows("cases"), c.count_rows("case_events")), (2, 2));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["customer", "forget", "--by", "test", "--response"])
        .arg(gone["id"].as_str().expect("id"))
        .arg("--db")
        .arg(c.db.arg())
        .output()
        .expect("collector customer forget");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left = cases(&c, &c.admin, "");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["response_id"], kept["id"]);
    assert_eq!((c.count_rows("cases"), c.count_rows("case_events")), (1, 1));
}
both!(forgetting_a_response_deletes_its_case);

/// A manager gives a case to one of the dealer's agents by login; not to a login that
/// does not exist, an advisor, or another dealer's agent.
fn cases_are_assigned_to_the_dealers_agents(backend: Backend) {
    let c = Collector::start(backend);
    assert_eq!(c.post(&detractor("D001")).status, 201);
    let tag = format!("{:x}", support::unique());
    let name = |what: &str| format!("{what}-{tag}");
    add_user(&c.db, &name("manager"), "dealer-manager", &["D001"], None);
    add_user(&c.db, &name("agent"), "follow-up-agent", &["D001"], None);
    add_user(&c.db, &name("far"), "follow-up-agent", &["D002"], None);
    add_user(
        &c.db,
        &name("advisor"),
        "service-advisor",
        &["D001"],
        Some("A07"),
    );
    let manager = c.login(&name("manager"), PASSWORD);
    let case = cases(&c, &manager, "")[0]["id"]
        .as_str()
        .expect("case")
        .to_string();
    for to in [name("nobody"), name("far"), name("advisor")] {
        let r = act(&c, &manager, &case, json!({"action": "assign", "to": to}));
        assert_eq!(r.status, 422, "{to}: {}", r.text());
        assert!(r.sole_error().contains(&to), "{}", r.text());
    }
    let r = act(
        &c,
        &manager,
        &case,
        json!({"action": "assign", "to": name("agent")}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["case"]["owner_login"], json!(name("agent")));
    // The agent sees it as theirs; the owner filter takes a login.
    let agent = c.login(&name("agent"), PASSWORD);
    assert_eq!(cases(&c, &agent, "?owner=me").len(), 1);
    assert_eq!(
        cases(&c, &manager, &format!("?owner={}", name("agent"))).len(),
        1
    );
    assert_eq!(cases(&c, &manager, "?owner=none").len(), 0);
}
both!(cases_are_assigned_to_the_dealers_agents);

/// `collector case-owner` gives a dealer's new cases to its default agent; other
/// dealers' cases still open unowned, and an advisor cannot be the default.
fn a_dealers_new_cases_go_to_its_default_agent(backend: Backend) {
    let c = Collector::start(backend);
    let tag = format!("{:x}", support::unique());
    let (agent, advisor) = (format!("agent-{tag}"), format!("advisor-{tag}"));
    add_user(&c.db, &agent, "follow-up-agent", &["D001"], None);
    add_user(&c.db, &advisor, "service-advisor", &["D001"], Some("A07"));
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
            .arg("case-owner")
            .args(args)
            .arg("--db")
            .arg(c.db.arg())
            .output()
            .expect("collector case-owner")
    };
    let refused = run(&["--dealer", "D001", "--login", &advisor]);
    assert!(!refused.status.success());
    let refused = run(&["--dealer", "D002", "--login", &agent]);
    assert!(!refused.status.success(), "the agent works for D001 only");
    let out = run(&["--dealer", "D001", "--login", &agent]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(c.post(&detractor("D001")).status, 201);
    assert_eq!(c.post(&detractor("D002")).status, 201);
    let me = c.login(&agent, PASSWORD);
    let mine = cases(&c, &me, "?owner=me");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["owner_login"], json!(agent));
    // Owned from the start: the agent calls at once, without taking it first.
    let case = mine[0]["id"].as_str().expect("case");
    let r = act(
        &c,
        &me,
        case,
        json!({"action": "attempt", "outcome": "reached"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(cases(&c, &c.admin, "?owner=none&dealer=D002").len(), 1);
    // Back to unowned.
    let out = run(&["--dealer", "D001", "--none"]);
    assert!(out.status.success());
    assert_eq!(c.post(&detractor("D001")).status, 201);
    assert_eq!(cases(&c, &c.admin, "?owner=none&dealer=D001").len(), 1);
}
both!(a_dealers_new_cases_go_to_its_default_agent);

/// A case's due time is counted in its dealer's own zone, the `time_zone` of
/// `collector settings` that its reports use: one source of truth. With weekends
/// skipped the zone decides which day a late-Friday response counts from.
fn due_times_follow_the_dealers_time_zone(backend: Backend) {
    let db = support::TestDb::fresh(backend);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .args([
            "settings",
            "--dealer",
            "D002",
            "--time-zone",
            "Europe/Berlin",
        ])
        .arg("--db")
        .arg(db.arg())
        .output()
        .expect("collector settings");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = Collector::start_opts(db, &Opts::args(&["--case-weekends", "skip"]));
    // Friday 2026-11-27 20:00Z: already Saturday 04:00 in Shanghai (D001, the default
    // zone), still Friday 21:00 in Berlin (D002).
    let mut due = std::collections::BTreeMap::new();
    for dealer in ["D001", "D002"] {
        let mut body = detractor(dealer);
        body["created_at"] = json!("2026-11-27T20:00:00Z");
        assert_eq!(c.post(&body).status, 201);
        let listed = cases(&c, &c.admin, &format!("?dealer={dealer}"));
        assert_eq!(listed.len(), 1, "{listed:?}");
        due.insert(dealer, listed[0].clone());
    }
    // Shanghai: the weekend is skipped, counted from Monday 00:00 → Wednesday 00:00
    // local (Tuesday 16:00Z).
    assert_eq!(due["D001"]["due_at"], json!("2026-12-01T16:00:00.000Z"));
    assert_eq!(due["D001"]["due_local"], json!("2026-12-02 00:00"));
    assert_eq!(due["D001"]["time_zone"], json!("Asia/Shanghai"));
    // Berlin: from Friday 21:00, two working days → Tuesday 21:00 local (20:00Z).
    assert_eq!(due["D002"]["due_at"], json!("2026-12-01T20:00:00.000Z"));
    assert_eq!(due["D002"]["due_local"], json!("2026-12-01 21:00"));
    assert_eq!(due["D002"]["time_zone"], json!("Europe/Berlin"));
    // The list tells the cases apart without contact data: alerts and the visit.
    let alerts = due["D002"]["alerts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(alerts.contains(&json!("nps_detractor")), "{alerts:?}");
    assert!(due["D002"]["visit"].is_object(), "{:?}", due["D002"]);
}
both!(due_times_follow_the_dealers_time_zone);
