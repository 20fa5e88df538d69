//! Routine follow-up calls over real HTTP against both backends: repair orders
//! imported from CSV (once per dealer and RO, whole file or nothing), the call list
//! and its attempts on the collector's (test-moved) clock, who sees what, visits from
//! signed links, and coverage.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, Opts, PASSWORD};

const DAY_MS: u64 = 86_400_000;

fn start(backend: Backend) -> Collector {
    Collector::start_opts(
        support::TestDb::fresh(backend),
        &Opts::default().env("COLLECTOR_TEST_HOOKS", "1"),
    )
}

/// Today's date in Shanghai (D001's default zone), `days` later.
fn shanghai_date(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    survey_core::time::format_date((now + 8 * 3600).div_euclid(86_400) + days)
}

fn list(c: &Collector, auth: &Auth, query: &str) -> Value {
    let r = c.get_as(auth, &format!("/v1/followups{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// Every item of a list, in order, with its group's date.
fn items(list: &Value) -> Vec<Value> {
    list["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["items"].as_array().expect("items").clone())
        .collect()
}

fn ros(list: &Value) -> Vec<String> {
    items(list)
        .iter()
        .map(|i| i["repair_order"].as_str().unwrap_or("").to_string())
        .collect()
}

fn attempt(c: &Collector, auth: &Auth, id: &str, body: Value) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        &format!("/v1/followups/{id}/attempts"),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn an_import_counts_each_repair_order_once_and_refuses_whole_files(backend: Backend) {
    let c = start(backend);
    let file = "\u{feff}RO,dealer,advisor,customer phone,pickup date\r\n\
                R1,D001,A07,138 0013 8000,2026-11-28\r\n\
                R2,D001,A07,,2026-11-29\r\n\
                R3,D001,A08,13900139000,2026-11-30\r\n";
    let r = c.import_repair_orders(&c.admin, "D001", file);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (r.json()["imported"].clone(), r.json()["known"].clone()),
        (json!(3), json!(0))
    );
    // The same file again counts nothing twice.
    let r = c.import_repair_orders(&c.admin, "D001", file);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (r.json()["imported"].clone(), r.json()["known"].clone()),
        (json!(0), json!(3))
    );
    assert_eq!(c.count_rows("visits"), 3);
    // A file with one bad line stores nothing, not even its good new line.
    let bad = "RO,dealer,advisor,customer phone,pickup date\n\
               R4,D001,A07,,2026-11-28\n\
               R5,D001,A07,,2026/13/01\n";
    let r = c.import_repair_orders(&c.admin, "D001", bad);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.sole_error(),
        "line 3, pickup date: \"2026/13/01\" is not a date (YYYY-MM-DD)"
    );
    assert_eq!(c.count_rows("visits"), 3);
    // Not CSV: 415; not UTF-8: the line and what to do.
    let r = c.send_as(
        &c.admin,
        "POST",
        "/v1/dealers/D001/repair-orders",
        &[("Content-Type", "application/json")],
        b"{}",
    );
    assert_eq!(r.status, 415, "{}", r.text());
    let mut gbk = b"RO,dealer,advisor,customer phone,pickup date\nR6,D001,".to_vec();
    gbk.extend_from_slice(b"\xb7\xfe\xce\xf1,,2026-11-28\n");
    let r = c.send_as(
        &c.admin,
        "POST",
        "/v1/dealers/D001/repair-orders",
        &[("Content-Type", "text/csv")],
        &gbk,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.sole_error().contains("line 2") && r.sole_error().contains("GBK"),
        "{}",
        r.text()
    );
    // Over the body limit: 413, the server goes on.
    let big = format!(
        "RO,dealer,advisor,customer phone,pickup date\n{}",
        "R9,D001,A07,,2026-11-28\n".repeat(4000)
    );
    assert_eq!(c.import_repair_orders(&c.admin, "D001", &big).status, 413);
    // Who: a manager of another dealer and an agent may not import; a manager of the
    // dealer may.
    add_user(&c.db, "m2", "dealer-manager", &["D002"], None);
    add_user(&c.db, "m1", "dealer-manager", &["D001"], None);
    add_user(&c.db, "ag", "follow-up-agent", &["D001"], None);
    let m2 = c.login("m2", PASSWORD);
    let r = c.import_repair_orders(&m2, "D001", file);
    assert_eq!(r.status, 403, "{}", r.text());
    let ag = c.login("ag", PASSWORD);
    assert_eq!(c.import_repair_orders(&ag, "D001", file).status, 403);
    let m1 = c.login("m1", PASSWORD);
    let r = c.import_repair_orders(&m1, "D001", "RO,dealer,pickup date\nR7,D001,2026-11-28\n");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(c.count_rows("visits"), 4);
    // The phone is never in the log.
    assert!(
        !c.log().contains("13800138000"),
        "a phone number in the log"
    );
}
both!(an_import_counts_each_repair_order_once_and_refuses_whole_files);

fn the_call_list_follows_the_schedule_and_the_attempts(backend: Backend) {
    let c = start(backend);
    let file = format!(
        "RO,dealer,advisor,customer phone,pickup date\n\
         DUE,D001,A07,13800138000,{}\n\
         LATE,D001,A07,13900139000,{}\n\
         NEW,D001,A08,13700137000,{}\n\
         STALE,D001,A08,13500135000,{}\n\
         OTHER,D002,A01,13600136000,{}\n",
        shanghai_date(-3),
        shanghai_date(-10),
        shanghai_date(0),
        shanghai_date(-40),
        shanghai_date(-3),
    );
    let (head, rest) = file.split_once('\n').expect("lines");
    let (d1, d2): (Vec<&str>, Vec<&str>) = rest.lines().partition(|l| l.contains(",D001,"));
    for (dealer, lines) in [("D001", d1), ("D002", d2)] {
        let body = format!("{head}\n{}\n", lines.join("\n"));
        let r = c.import_repair_orders(&c.admin, dealer, &body);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    add_user(&c.db, "ag", "follow-up-agent", &["D001"], None);
    add_user(&c.db, "adv", "service-advisor", &["D001"], Some("A07"));
    let ag = c.login("ag", PASSWORD);
    // Today's list of the agent's dealer: the overdue call first (oldest due date),
    // marked; the visit picked up today is not due yet; D002's is not theirs; the one
    // picked up 40 days ago (32 days overdue) has lapsed: not listed, but counted.
    let today = list(&c, &ag, "");
    assert_eq!(ros(&today), ["LATE", "DUE"], "{today}");
    assert_eq!(
        (today["lapsed"].clone(), today["lapse_days"].clone()),
        (json!(1), json!(21))
    );
    let first = items(&today);
    assert_eq!(first[0]["overdue"], json!(true));
    assert_eq!(first[1]["overdue"], json!(false));
    assert_eq!(first[1]["due_on"], json!(shanghai_date(0)));
    assert_eq!(
        first[1]["phone"],
        json!("13800138000"),
        "the agent makes the call"
    );
    let overdue = list(&c, &ag, "?due=overdue");
    assert_eq!(
        (ros(&overdue), overdue["lapsed"].clone()),
        (vec!["LATE".to_string()], json!(1))
    );
    let all = list(&c, &ag, "?due=all");
    assert_eq!(ros(&all), ["STALE", "LATE", "DUE", "NEW"], "every open one");
    assert_eq!(all["lapsed"], json!(0));
    assert_eq!(ros(&list(&c, &c.admin, "?due=all&dealer=D002")), ["OTHER"]);
    // Who may not: an advisor (their own customers, about their own service), another
    // dealer explicitly, a bad parameter.
    let adv = c.login("adv", PASSWORD);
    assert_eq!(c.get_as(&adv, "/v1/followups").status, 403);
    let r = c.get_as(&ag, "/v1/followups?dealer=D002");
    assert_eq!(r.status, 403, "{}", r.text());
    let r = c.get_as(&ag, "/v1/followups?due=tomorrow");
    assert_eq!(r.status, 400);
    assert!(
        r.sole_error().contains("today, overdue or all"),
        "{}",
        r.text()
    );

    let due_id = first[1]["id"].as_str().expect("id").to_string();
    // The advisor cannot log a call; nor can the agent log one on the visit not due.
    assert_eq!(
        attempt(&c, &adv, &due_id, json!({"outcome": "reached"})).status,
        403
    );
    let not_due = items(&list(&c, &ag, "?due=all"))[3]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = attempt(&c, &ag, &not_due, json!({"outcome": "reached"}));
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.sole_error().contains("is due from"), "{}", r.text());
    let r = attempt(&c, &ag, &due_id, json!({"outcome": "hung_up"}));
    assert_eq!(r.status, 400, "{}", r.text());

    // No answer: a second attempt from tomorrow, gone from today's list.
    let r = attempt(
        &c,
        &ag,
        &due_id,
        json!({"outcome": "no_answer", "note": "rang 10 times"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let f = &r.json()["followup"];
    assert_eq!(f["status"], json!("retry"));
    assert_eq!(f["attempts"], json!(1));
    assert_eq!(f["due_on"], json!(shanghai_date(1)));
    assert_eq!(ros(&list(&c, &ag, "")), ["LATE"]);
    // Tomorrow it is back on the list, and reached ends it.
    c.advance_clock(DAY_MS);
    let ag = c.login("ag", PASSWORD); // a session lasts 12 hours
    assert_eq!(ros(&list(&c, &ag, "")), ["LATE", "DUE"]);
    let r = attempt(&c, &ag, &due_id, json!({"outcome": "reached"}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["followup"]["status"], json!("reached"));
    assert_eq!(ros(&list(&c, &ag, "")), ["LATE"]);
    let r = attempt(&c, &ag, &due_id, json!({"outcome": "reached"}));
    assert_eq!(r.status, 409, "{}", r.text());
    // Each accepted attempt is one history row, by the agent.
    let rows = c.query_rows(
        "SELECT actor, outcome FROM followup_attempts ORDER BY seq",
        &[],
    );
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["actor"].as_str().unwrap_or("").to_string(),
                r["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|(a, _)| a.starts_with("user:")), "{got:?}");
    assert_eq!(got[0].1, "no_answer");
    assert_eq!(got[1].1, "reached");
    // Twice unreached: unreachable, off the list.
    let late = items(&list(&c, &ag, ""))[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        attempt(&c, &ag, &late, json!({"outcome": "busy"})).status,
        200
    );
    let r = attempt(&c, &ag, &late, json!({"outcome": "wrong_number"}));
    assert_eq!(r.json()["followup"]["status"], json!("unreachable"));
    assert!(ros(&list(&c, &ag, "")).is_empty());
    assert!(
        !c.log().contains("13800138000"),
        "a phone number in the log"
    );
}
both!(the_call_list_follows_the_schedule_and_the_attempts);

fn links_make_visits_and_coverage_counts_them(backend: Backend) {
    let c = start(backend);
    // A link for R1 (A07): a visit, invited.
    let r = c.send_as(
        &c.admin,
        "POST",
        "/v1/links",
        &[("Content-Type", "application/json")],
        json!({"survey": "post-service", "dealer": "D001", "repair_order": "R1",
               "advisor": "A07", "visit_date": "2026-11-20"})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // The import knows R1 already: it is merged, not counted again.
    let file = "RO,dealer,advisor,customer phone,pickup date\n\
                R1,D001,A07,13800138000,2026-11-20\n\
                R2,D001,A07,,2026-11-21\n\
                R3,D001,A08,,2026-11-22\n\
                R4,D001,A08,,2026-10-02\n";
    let r = c.import_repair_orders(&c.admin, "D001", file);
    assert_eq!(
        (r.json()["imported"].clone(), r.json()["known"].clone()),
        (json!(3), json!(1)),
        "{}",
        r.text()
    );
    // A response for R1, and a call made on R2.
    let mut body = post_service_payload(&new_id(), "D001", Some("A07"), 9, false, None);
    body["context"]["repair_order"] = json!("R1");
    assert_eq!(c.post(&body).status, 201);
    let all = list(&c, &c.admin, "?due=all");
    let r2 = items(&all)
        .into_iter()
        .find(|i| i["repair_order"] == json!("R2"))
        .expect("R2");
    let r = attempt(
        &c,
        &c.admin,
        r2["id"].as_str().expect("id"),
        json!({"outcome": "refused"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    let r = c.get_as(&c.admin, "/v1/coverage?from=2026-11-01&to=2026-11-30");
    assert_eq!(r.status, 200, "{}", r.text());
    let cov = r.json();
    let rows: Vec<(Value, i64, i64, i64, i64)> = cov["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let n = |k: &str| i[k].as_i64().expect("count");
            (
                i["advisor"].clone(),
                n("visits"),
                n("invited"),
                n("responded"),
                n("called"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(json!("A07"), 2, 1, 1, 1), (json!("A08"), 1, 0, 0, 0)],
        "{cov}"
    );
    assert_eq!(cov["items"][0]["invited_rate"], json!(0.5));
    assert_eq!(cov["items"][0]["low"], json!(true));
    assert_eq!(cov["dealers"][0]["visits"], json!(3));
    // R4 was picked up in October.
    let r = c.get_as(&c.admin, "/v1/coverage?from=2026-10-01&to=2026-10-31");
    assert_eq!(r.json()["items"][0]["visits"], json!(1), "{}", r.text());
    // An advisor sees their own row only; an agent reads no reports; bad dates refused.
    add_user(&c.db, "adv", "service-advisor", &["D001"], Some("A08"));
    let adv = c.login("adv", PASSWORD);
    let r = c.get_as(&adv, "/v1/coverage");
    assert_eq!(r.status, 200, "{}", r.text());
    let advisors: Vec<Value> = r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["advisor"].clone())
        .collect();
    assert_eq!(advisors, [json!("A08")]);
    assert_eq!(c.get_as(&adv, "/v1/coverage?advisor=A07").status, 403);
    add_user(&c.db, "ag", "follow-up-agent", &["D001"], None);
    let ag = c.login("ag", PASSWORD);
    assert_eq!(c.get_as(&ag, "/v1/coverage").status, 403);
    let r = c.get_as(&c.admin, "/v1/coverage?from=2026/11/01");
    assert_eq!(r.status, 400);
    assert!(r.sole_error().contains("YYYY-MM-DD"), "{}", r.text());
    let r = c.get_as(&c.admin, "/v1/coverage?period=this_month");
    assert_eq!(r.status, 200, "{}", r.text());
}
both!(links_make_visits_and_coverage_counts_them);

/// A phone interview opened from a call-list row (`context.followup`) is the visit's:
/// dealer, repair order, advisor and pickup date come from the follow-up, whatever the
/// page sent; the call is marked reached (it leaves the list), and a replay of the same
/// interview is counted once and logs no second call.
fn an_interview_from_the_call_list_is_the_visits_and_ends_the_call(backend: Backend) {
    let c = start(backend);
    let pickup = shanghai_date(-3);
    let file = format!(
        "RO,dealer,advisor,customer phone,pickup date\nCALL1,D001,A07,13800138000,{pickup}\n"
    );
    assert_eq!(c.import_repair_orders(&c.admin, "D001", &file).status, 200);
    add_user(&c.db, "ag", "follow-up-agent", &["D001"], None);
    let ag = c.login("ag", PASSWORD);
    let due = items(&list(&c, &ag, ""));
    assert_eq!(due.len(), 1, "{due:?}");
    let id = due[0]["id"].as_str().expect("id").to_string();
    let mut body = post_service_payload(&new_id(), "D999", Some("Z99"), 9, false, None);
    body["client"]["mode"] = json!("interview");
    body["context"]["followup"] = json!(id);
    body["context"]["repair_order"] = json!("FORGED");
    let post = |b: &Value| {
        c.send_as(
            &ag,
            "POST",
            "/v1/interviews",
            &[("Content-Type", "application/json")],
            b.to_string().as_bytes(),
        )
    };
    let r = post(&body);
    assert_eq!(r.status, 201, "{}", r.text());
    let stored = c.get("/v1/responses?channel=phone&verified=all");
    assert_eq!(stored.status, 200, "{}", stored.text());
    let items_ = stored.json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items_.len(), 1, "{items_:?}");
    let ctx = &items_[0]["payload"]["context"];
    assert_eq!(ctx["dealer"], json!("D001"), "{ctx}");
    assert_eq!(ctx["repair_order"], json!("CALL1"), "{ctx}");
    assert_eq!(ctx["advisor"], json!("A07"), "{ctx}");
    assert_eq!(ctx["visit_date"], json!(pickup), "{ctx}");
    assert_eq!(ctx["agent"], json!("ag"), "{ctx}");
    assert_eq!(ctx["channel"], json!("phone"), "{ctx}");
    assert_eq!(items_[0]["verified"], json!(true));
    // Reached: the call is done.
    assert!(ros(&list(&c, &ag, "?due=all")).is_empty());
    assert_eq!(c.count_rows("followup_attempts"), 1);
    let again = post(&body);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(
        c.count_rows("followup_attempts"),
        1,
        "a replay logs no second call"
    );
    // A follow-up that does not exist is refused, and nothing is stored.
    let mut stray = body.clone();
    stray["id"] = json!(new_id());
    stray["context"]["followup"] = json!("6f1c0000-0000-4000-8000-000000000000");
    assert_eq!(post(&stray).status, 404);
    assert_eq!(c.count_rows("responses"), 1);
}

both!(an_interview_from_the_call_list_is_the_visits_and_ends_the_call);
