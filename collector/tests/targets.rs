//! Follow-up targets (`GET /v1/targets`) over real HTTP against both backends: cases
//! and calls seeded with known times, counted per dealer and per agent in the dealer's
//! time zone; the scope refusals in the one error shape.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, PASSWORD};
use survey_core::cases::{Case, Status};

/// Opens a case for `dealer` (a detractor's response) and moves its opening to
/// `created` (due 48 h later: weekends count), as if it had arrived then; returns its id.
fn open_case(c: &Collector, dealer: &str, created: &str) -> String {
    let mut body = post_service_payload(&new_id(), dealer, Some("A07"), 2, false, None);
    body["created_at"] = json!(created);
    let r = c.post(&body);
    assert_eq!(r.status, 201, "{}", r.text());
    let rows = c.query_rows(
        "SELECT id FROM cases WHERE response_id = $1",
        &[body["id"].as_str().expect("id")],
    );
    let id = rows[0]["id"].as_str().expect("case id").to_string();
    let created = created.replace('Z', ".000Z");
    let due = survey_core::time::add_hours(&created, 48).expect("due");
    let due = due.replace(".000Z", "Z").replace('Z', ".000Z");
    set_case(c, &id, None, |k| {
        k.created_at = created.clone();
        k.due_at = due.clone();
    });
    assert_eq!(
        c.db.execute(&format!(
            "UPDATE cases SET created_at = '{created}', due_at = '{due}' WHERE id = '{id}'"
        )),
        Ok(1)
    );
    id
}

/// Rewrites a case to a known history (what the state machine would have stored).
fn set_case(c: &Collector, id: &str, owner: Option<&str>, edit: impl FnOnce(&mut Case)) {
    let rows = c.query_rows("SELECT state FROM cases WHERE id = $1", &[id]);
    let mut case: Case =
        serde_json::from_str(rows[0]["state"].as_str().expect("state")).expect("a case");
    case.owner = owner.map(str::to_string).or(case.owner);
    edit(&mut case);
    let text = |v: &Option<String>| v.as_ref().map_or("NULL".into(), |s| format!("'{s}'"));
    let sql = format!(
        "UPDATE cases SET owner = {}, status = '{}', contacted_at = {}, escalated_at = {},
                          closed_at = {}, state = '{}' WHERE id = '{id}'",
        text(&case.owner),
        case.status.as_str(),
        text(&case.contacted_at),
        text(&case.escalated_at),
        text(&case.closed_at),
        serde_json::to_string(&case).expect("json"),
    );
    assert_eq!(c.db.execute(&sql), Ok(1));
}

fn user_id(c: &Collector, login: &str) -> String {
    let rows = c.query_rows("SELECT id FROM users WHERE login = $1", &[login]);
    rows[0]["id"].as_str().expect("user id").to_string()
}

fn targets(c: &Collector, auth: &Auth, query: &str) -> Value {
    let r = c.get_as(auth, &format!("/v1/targets{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn item<'a>(body: &'a Value, dealer: &str, agent: Option<&str>) -> &'a Value {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["dealer"] == json!(dealer) && i["agent"] == json!(agent))
        .unwrap_or_else(|| panic!("no row {dealer} {agent:?} in {body}"))
}

fn targets_count_known_cases_and_calls(backend: Backend) {
    let c = Collector::start(backend);
    add_user(&c.db, "ann", "follow-up-agent", &["D001"], None);
    add_user(&c.db, "bob", "follow-up-agent", &["D001"], None);
    let (ann, bob) = (user_id(&c, "ann"), user_id(&c, "bob"));
    // November in Shanghai (D001's zone) starts at 2026-10-31T16:00Z.
    // a: opened 11-01 01:00 local (10-31T17:00Z), reached after 6 h, resolved at 30 h.
    let a = open_case(&c, "D001", "2026-10-31T17:00:00Z");
    set_case(&c, &a, Some(&ann), |k| {
        k.status = Status::Resolved;
        k.contacted_at = Some("2026-10-31T23:00:00.000Z".into());
        k.resolved_at = Some("2026-11-01T23:00:00.000Z".into());
    });
    // b: reached at 60 h, after its 48 h due time (a miss), escalated; closed at 72 h.
    let b = open_case(&c, "D001", "2026-11-10T00:00:00Z");
    set_case(&c, &b, Some(&ann), |k| {
        k.status = Status::Closed;
        k.contacted_at = Some("2026-11-12T12:00:00.000Z".into());
        k.escalated_at = Some("2026-11-12T00:00:00.000Z".into());
        k.closed_at = Some("2026-11-13T00:00:00.000Z".into());
    });
    // c: bob's, reached after 12 h.
    let cc = open_case(&c, "D001", "2026-11-20T00:00:00Z");
    set_case(&c, &cc, Some(&bob), |k| {
        k.status = Status::Contacted;
        k.contacted_at = Some("2026-11-20T12:00:00.000Z".into());
    });
    // d: unowned, never reached, past due: a miss, unreachable.
    let d = open_case(&c, "D001", "2026-11-21T00:00:00Z");
    set_case(&c, &d, None, |k| k.status = Status::Unreachable);
    // Outside November in Shanghai: 12-01 01:00 local; and the 30th in UTC but
    // already December there.
    open_case(&c, "D001", "2026-11-30T17:00:00Z");
    // Another dealer's case.
    open_case(&c, "D002", "2026-11-15T00:00:00Z");

    // Visits picked up in November: first call due from pickup + 3 (local midnight),
    // on time through pickup + 7.
    let file = "RO,dealer,advisor,customer phone,pickup date\r\n\
                R1,D001,A07,,2026-11-02\r\n\
                R2,D001,A07,,2026-11-03\r\n\
                R3,D001,A07,,2026-11-04\r\n\
                R4,D001,A07,,2026-11-29\r\n";
    let r = c.import_repair_orders(&c.admin, "D001", file);
    assert_eq!(r.status, 200, "{}", r.text());
    let visit = |ro: &str| {
        let rows = c.query_rows("SELECT id FROM visits WHERE repair_order = $1", &[ro]);
        rows[0]["id"].as_str().expect("visit id").to_string()
    };
    let call = |ro: &str, at: &str, who: &str| {
        let sql = format!(
            "INSERT INTO followup_attempts (visit_id, at, actor, outcome, detail)
             VALUES ('{}', '{at}', 'user:{who}', 'reached', '{{}}')",
            visit(ro)
        );
        assert_eq!(c.db.execute(&sql), Ok(1));
    };
    // R1 (window 11-05..11-09 local): ann calls on 11-06 → within.
    call("R1", "2026-11-06T02:00:00.000Z", &ann);
    // R2 (window ends 11-10 24:00 local = 11-10T16:00Z): bob calls 11-11 → late.
    call("R2", "2026-11-11T02:00:00.000Z", &bob);
    // R3: never called, window closed → not made. R4: due 12-02, outside November.

    let all = targets(&c, &c.admin, "?from=2026-11-01&to=2026-11-30");
    assert_eq!(all["filter"]["time_zone"], json!("Asia/Shanghai"));
    assert_eq!(all["goals"]["contacted_within_due"], json!(100.0));
    let d1 = item(&all, "D001", None);
    let cases = &d1["cases"];
    assert_eq!(cases["opened"], json!(4), "{d1}");
    // Within: a, c; missed: b (late), d (never).
    assert_eq!(cases["contacted_within_due"]["met"], json!(2));
    assert_eq!(cases["contacted_within_due"]["of"], json!(4));
    assert_eq!(cases["contacted_within_due"]["percent"], json!(50.0));
    assert_eq!(cases["contacted_within_due"]["small_n"], json!(true));
    assert_eq!(cases["escalated"], json!(1));
    assert_eq!(cases["unreachable"], json!(1));
    // First contact: 6, 12, 60 h → median (rank 2) 12, p90 (rank 3) 60.
    assert_eq!(cases["first_contact"]["median_hours"], json!(12.0));
    assert_eq!(cases["first_contact"]["p90_hours"], json!(60.0));
    // Resolution: a 30 h (resolved), b 72 h (closed).
    assert_eq!(cases["resolution"]["median_hours"], json!(30.0));
    assert_eq!(cases["resolution"]["p90_hours"], json!(72.0));
    // Calls: R1 within, R2 late, R3 not made → 1 / 3.
    let calls = &d1["calls"];
    assert_eq!(calls["within_window"]["met"], json!(1), "{d1}");
    assert_eq!(calls["within_window"]["of"], json!(3));
    assert_eq!(calls["not_made"], json!(1));
    assert_eq!(item(&all, "D002", None)["cases"]["opened"], json!(1));

    // Per agent: ann owns a, b and made R1's call; bob owns c and made R2's; d is
    // unowned.
    let by = targets(
        &c,
        &c.admin,
        "?from=2026-11-01&to=2026-11-30&by=agent&dealer=D001",
    );
    let ann_row = item(&by, "D001", Some("ann"));
    assert_eq!(ann_row["cases"]["opened"], json!(2));
    assert_eq!(ann_row["cases"]["contacted_within_due"]["met"], json!(1));
    assert_eq!(ann_row["calls"]["within_window"]["met"], json!(1));
    assert_eq!(ann_row["calls"]["within_window"]["of"], json!(1));
    let bob_row = item(&by, "D001", Some("bob"));
    assert_eq!(
        bob_row["cases"]["first_contact"]["median_hours"],
        json!(12.0)
    );
    assert_eq!(bob_row["calls"]["within_window"]["met"], json!(0));
    assert_eq!(bob_row["calls"]["within_window"]["of"], json!(1));
    assert_eq!(item(&by, "D001", None)["cases"]["opened"], json!(1));
    assert!(by["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["dealer"] == json!("D001")));

    // An agent reads their own dealer; another dealer's figures are refused, in the
    // one error shape; so is an advisor, and a bad parameter.
    let agent = c.login("ann", PASSWORD);
    let own = targets(&c, &agent, "?from=2026-11-01&to=2026-11-30");
    assert_eq!(own["items"].as_array().map(Vec::len), Some(1), "{own}");
    let r = c.get_as(&agent, "/v1/targets?dealer=D002&by=agent");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.sole_error().contains("D002"), "{}", r.text());
    add_user(&c.db, "adv", "service-advisor", &["D001"], Some("A07"));
    let r = c.get_as(&c.login("adv", PASSWORD), "/v1/targets");
    assert_eq!(r.status, 403, "{}", r.text());
    r.sole_error();
    let r = c.get_as(&c.admin, "/v1/targets?by=advisor");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.sole_error().contains("dealer or agent"), "{}", r.text());
    let r = c.get_as(&Auth::Anonymous, "/v1/targets");
    assert_eq!(r.status, 401, "{}", r.text());
}
both!(targets_count_known_cases_and_calls);

fn act(c: &Collector, auth: &Auth, case: &str, body: Value) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        &format!("/v1/cases/{case}/events"),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn solve_link(c: &Collector, auth: &Auth, case: &str) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        &format!("/v1/cases/{case}/solve-link"),
        &[],
        b"",
    )
}

/// The link's query parameters.
fn params(url: &str) -> std::collections::BTreeMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// What the widget posts for a `case-solved` link: the link's context and the answers.
fn solve_answer(link: &std::collections::BTreeMap<String, String>, solved: bool) -> Value {
    let mut context = serde_json::Map::new();
    for key in ["dealer", "token", "exp", "sig"] {
        if let Some(v) = link.get(key) {
            context.insert(key.into(), json!(v));
        }
    }
    json!({
        "format": "survey-response/1",
        "id": new_id(),
        "survey": { "id": "case-solved", "version": 1 },
        "locale": "en",
        "created_at": "2026-12-01T10:00:00Z",
        "context": Value::Object(context),
        "answers": {
            "solved": { "yes_no": solved },
            "handling": { "scale": 5 },
            "comment": { "text": "all good now" }
        },
        "client": { "widget_version": "0.1.0", "mode": "page" }
    })
}

fn a_closed_case_gets_one_solve_link_and_shows_the_answer(backend: Backend) {
    let c = Collector::start(backend);
    add_user(&c.db, "mgr", "dealer-manager", &["D001"], None);
    add_user(&c.db, "agent", "follow-up-agent", &["D001"], None);
    add_user(&c.db, "mgr2", "dealer-manager", &["D002"], None);
    let manager = c.login("mgr", PASSWORD);
    let case = open_case(&c, "D001", "2026-11-10T00:00:00Z");
    // Not closed yet: the customer is asked once the case is done.
    let r = solve_link(&c, &manager, &case);
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.sole_error().contains("closed"), "{}", r.text());
    for step in [
        json!({"action": "attempt", "outcome": "reached"}),
        json!({"action": "close", "cause": "service", "severity": "general", "resolution": "apologised, wheel refitted"}),
    ] {
        let r = act(&c, &manager, &case, step);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // Only a manager makes it; another dealer's manager does not find the case.
    let r = solve_link(&c, &c.login("agent", PASSWORD), &case);
    assert_eq!(r.status, 403, "{}", r.text());
    r.sole_error();
    let r = solve_link(&c, &c.login("mgr2", PASSWORD), &case);
    assert_eq!(r.status, 404, "{}", r.text());
    let r = solve_link(&c, &manager, &case);
    assert_eq!(r.status, 201, "{}", r.text());
    let url = r.json()["url"].as_str().expect("url").to_string();
    assert_eq!(r.json()["created"], json!(true));
    // One link per case: asking again gives the same link.
    let again = solve_link(&c, &manager, &case);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["url"], json!(url));
    assert_eq!(again.json()["created"], json!(false));
    let link = params(&url);
    assert_eq!(link.get("survey").map(String::as_str), Some("case-solved"));
    assert_eq!(
        link.get("token"),
        Some(&case),
        "the link carries the case id"
    );
    assert_eq!(link.get("dealer").map(String::as_str), Some("D001"));
    // Its token cannot be moved to another case: the signature covers it.
    let other = open_case(&c, "D001", "2026-11-11T00:00:00Z");
    let mut moved = link.clone();
    moved.insert("token".into(), other.clone());
    let r = c.post(&solve_answer(&moved, true));
    assert_eq!(r.status, 422, "{}", r.text());
    // The customer answers: stored like any other response, verified, scored.
    let answer = solve_answer(&link, true);
    let r = c.post(&answer);
    assert_eq!(r.status, 201, "{}", r.text());
    let rows = c.query_rows(
        "SELECT score FROM responses WHERE id = $1",
        &[answer["id"].as_str().expect("id")],
    );
    let score: Value =
        serde_json::from_str(rows[0]["score"].as_str().expect("scored")).expect("card");
    assert_eq!(score["fcr"]["resolved"], json!(true), "{score}");
    assert_eq!(score["csat"]["value"], json!(5), "{score}");
    // Used once: a second answer is refused and the link's status says used.
    let r = c.post(&solve_answer(&link, false));
    assert_eq!(r.status, 409, "{}", r.text());
    let r = c.get_as(
        &Auth::Anonymous,
        &format!("/v1/links/status?survey=case-solved&token={case}"),
    );
    assert_eq!(r.json()["used"], json!(true), "{}", r.text());
    // The case shows the answer; the targets count it as solved.
    let r = c.get_as(&manager, &format!("/v1/cases/{case}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let solve = &r.json()["solve"];
    assert_eq!(solve["answer"]["solved"], json!(true), "{solve}");
    assert_eq!(solve["answer"]["handling"], json!(5));
    assert_eq!(solve["answer"]["comment"], json!("all good now"));
    assert_eq!(solve["link"]["url"], json!(url));
    let t = targets(&c, &manager, "?from=2026-11-01&to=2026-11-30");
    let solved = &item(&t, "D001", None)["cases"]["solved"];
    assert_eq!(
        (solved["met"].clone(), solved["of"].clone()),
        (json!(1), json!(1))
    );
    // The other case has neither link nor answer.
    let r = c.get_as(&manager, &format!("/v1/cases/{other}"));
    assert_eq!(r.json()["solve"], json!({"link": null, "answer": null}));
}
both!(a_closed_case_gets_one_solve_link_and_shows_the_answer);
