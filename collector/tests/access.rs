//! Who may read what, over real HTTP against both backends: every read route × every
//! role (and an API token) × own dealer / another dealer / no dealer given × no
//! credentials. An explicit other dealer is refused (403, naming what the caller may
//! read); without a dealer the read is filtered to the caller's dealers (200), since a
//! list of "your responses" is what a console asks for.
//!
//! The world's responses are posted without a signed link, so the reports read them
//! with `verified=all` (reports count signed-link responses only by default); `links.rs`
//! tests that default.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{add_user, new_id, post_service_payload, Auth, Backend, Collector, PASSWORD};

/// A complete post-service response at `dealer` for `advisor`, NPS `nps`; a detractor
/// leaves a phone number to be called back.
fn payload(dealer: &str, advisor: &str, nps: u8) -> Value {
    let callback = (nps <= 6).then_some("13800138000");
    post_service_payload(&new_id(), dealer, Some(advisor), nps, false, callback)
}

/// A collector with responses at D001 (advisors A07 and A08, one detractor each) and
/// D002, and an account of every role.
struct World {
    c: Collector,
    manager: Auth,
    advisor: Auth,
    agent: Auth,
    other_manager: Auth,
    token: Auth,
}

fn world(backend: Backend) -> World {
    let c = Collector::start(backend);
    for (dealer, advisor, nps) in [
        ("D001", "A07", 9),
        ("D001", "A07", 2),
        ("D001", "A08", 10),
        ("D001", "A08", 3),
        ("D002", "B01", 1),
        ("D002", "B01", 9),
    ] {
        let r = c.post(&payload(dealer, advisor, nps));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let tag = format!("{:x}", support::unique());
    let name = |role: &str| format!("{role}-{tag}");
    add_user(&c.db, &name("manager"), "dealer-manager", &["D001"], None);
    add_user(
        &c.db,
        &name("advisor"),
        "service-advisor",
        &["D001"],
        Some("A07"),
    );
    add_user(&c.db, &name("agent"), "follow-up-agent", &["D001"], None);
    add_user(&c.db, &name("other"), "dealer-manager", &["D002"], None);
    let manager = c.login(&name("manager"), PASSWORD);
    let body = json!({ "name": "CRM", "dealers": ["D001"] }).to_string();
    let r = c.send_as(
        &manager,
        "POST",
        "/v1/tokens",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let token = Auth::Token(r.json()["token"].as_str().expect("token").to_string());
    World {
        advisor: c.login(&name("advisor"), PASSWORD),
        agent: c.login(&name("agent"), PASSWORD),
        other_manager: c.login(&name("other"), PASSWORD),
        manager,
        token,
        c,
    }
}

/// `(dealer, advisor, has a phone number)` of each listed response.
fn listed(w: &World, auth: &Auth, query: &str) -> (u16, Vec<(String, String, bool)>) {
    let r = w.c.get_as(auth, &format!("/v1/responses{query}"));
    if r.status != 200 {
        return (r.status, Vec::new());
    }
    let rows = r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let ctx = &i["payload"]["context"];
            (
                ctx["dealer"].as_str().unwrap_or_default().to_string(),
                ctx["advisor"].as_str().unwrap_or_default().to_string(),
                i.to_string().contains("13800138000"),
            )
        })
        .collect();
    (r.status, rows)
}

fn dealers(rows: &[(String, String, bool)]) -> Vec<&str> {
    let mut d: Vec<&str> = rows.iter().map(|(d, _, _)| d.as_str()).collect();
    d.sort();
    d.dedup();
    d
}

fn the_responses_list_is_scoped(backend: Backend) {
    let w = world(backend);
    // No credentials at all.
    let (status, _) = listed(&w, &Auth::Anonymous, "");
    assert_eq!(status, 401);
    // Group admin: everything, with contact data.
    let (status, rows) = listed(&w, &w.c.admin, "");
    assert_eq!((status, rows.len()), (200, 6));
    assert_eq!(
        rows.iter().filter(|r| r.2).count(),
        3,
        "the detractors' phone numbers"
    );
    // A manager and a token: their dealer, filtered without a dealer given, refused for
    // another dealer, contact data included.
    for auth in [&w.manager, &w.token] {
        let (status, rows) = listed(&w, auth, "");
        assert_eq!((status, dealers(&rows)), (200, vec!["D001"]));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows.iter().filter(|r| r.2).count(), 2);
        assert_eq!(listed(&w, auth, "?dealer=D001").1.len(), 4);
        assert_eq!(listed(&w, auth, "?dealer=D002").0, 403);
    }
    let (status, rows) = listed(&w, &w.other_manager, "");
    assert_eq!((status, dealers(&rows)), (200, vec!["D002"]));
    assert_eq!(listed(&w, &w.other_manager, "?dealer=D001").0, 403);
    // A service advisor: their own responses only, never a phone number.
    let (status, rows) = listed(&w, &w.advisor, "");
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|(d, a, phone)| d == "D001" && a == "A07" && !phone),
        "{rows:?}"
    );
    assert_eq!(listed(&w, &w.advisor, "?dealer=D002").0, 403);
    // A follow-up agent: the responses that need a call at their dealer, with the phone.
    let (status, rows) = listed(&w, &w.agent, "");
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 2, "the two D001 detractors");
    assert!(
        rows.iter().all(|(d, _, phone)| d == "D001" && *phone),
        "{rows:?}"
    );
    assert_eq!(listed(&w, &w.agent, "?dealer=D002").0, 403);
}

both!(the_responses_list_is_scoped);

fn the_export_and_the_summary_are_scoped(backend: Backend) {
    let w = world(backend);
    let all = |query: &str| match query {
        "" => "?verified=all".to_string(),
        q => format!("{q}&verified=all"),
    };
    let csv_rows = |auth: &Auth, query: &str| -> (u16, String) {
        let r =
            w.c.get_as(auth, &format!("/v1/responses.csv{}", all(query)));
        (r.status, r.text())
    };
    let summary_n = |auth: &Auth, query: &str| -> (u16, i64) {
        let r = w.c.get_as(auth, &format!("/v1/summary{}", all(query)));
        let n = if r.status == 200 {
            r.json()["summary"]["n"].as_i64().unwrap_or(-1)
        } else {
            -1
        };
        (r.status, n)
    };
    assert_eq!(csv_rows(&Auth::Anonymous, "").0, 401);
    assert_eq!(summary_n(&Auth::Anonymous, "").0, 401);
    // Lines: BOM+labels, the ids, one per response, and the trailing empty string.
    let lines = |text: &str| text.split("\r\n").filter(|l| !l.is_empty()).count() - 2;
    let (status, text) = csv_rows(&w.c.admin, "");
    assert_eq!((status, lines(&text)), (200, 6));
    for auth in [&w.manager, &w.token] {
        let (status, text) = csv_rows(auth, "");
        assert_eq!((status, lines(&text)), (200, 4));
        assert!(!text.contains("D002"));
        assert!(text.contains("13800138000"));
        assert_eq!(csv_rows(auth, "?dealer=D002").0, 403);
        assert_eq!(summary_n(auth, ""), (200, 4));
        assert_eq!(summary_n(auth, "?dealer=D002").0, 403);
    }
    let (status, text) = csv_rows(&w.advisor, "");
    assert_eq!((status, lines(&text)), (200, 2));
    assert!(
        !text.contains("13800138000"),
        "no contact data for an advisor"
    );
    assert_eq!(summary_n(&w.advisor, ""), (200, 2));
    assert_eq!(csv_rows(&w.agent, "").0, 403);
    assert_eq!(summary_n(&w.agent, "").0, 403);
    assert_eq!(summary_n(&w.c.admin, ""), (200, 6));
    assert_eq!(summary_n(&w.c.admin, "?dealer=D002"), (200, 2));

    // The XLSX export has the CSV's access rule: the same status for every caller and
    // dealer (its rows are read back in `reports.rs`).
    let xlsx = |auth: &Auth, query: &str| {
        w.c.get_as(auth, &format!("/v1/responses.xlsx{}", all(query)))
            .status
    };
    assert_eq!(xlsx(&Auth::Anonymous, ""), 401);
    for (auth, own, other) in [
        (&w.c.admin, 200, 200),
        (&w.manager, 200, 403),
        (&w.token, 200, 403),
        (&w.advisor, 200, 403),
        (&w.agent, 403, 403),
        (&w.other_manager, 403, 200),
    ] {
        assert_eq!(
            (xlsx(auth, "?dealer=D001"), xlsx(auth, "?dealer=D002")),
            (own, other),
            "{auth:?}"
        );
        let csv = |query: &str| csv_rows(auth, query).0;
        assert_eq!(
            (csv("?dealer=D001"), csv("?dealer=D002")),
            (own, other),
            "the CSV's statuses: {auth:?}"
        );
    }
    // An advisor's `advisor=` narrows, never widens.
    assert_eq!(xlsx(&w.advisor, "?advisor=A07"), 200);
    assert_eq!(xlsx(&w.advisor, "?advisor=A08"), 403);
    assert_eq!(csv_rows(&w.advisor, "?advisor=A08").0, 403);
    assert_eq!(summary_n(&w.advisor, "?advisor=A08").0, 403);
    assert_eq!(summary_n(&w.manager, "?advisor=A08"), (200, 2));
}

both!(the_export_and_the_summary_are_scoped);

/// `GET /v1/dealers` (the console's dealer list) names only dealers the caller may
/// read: all for the group admin, their own for a manager, a token and an advisor;
/// the summary's refusal for an agent; 401 without credentials.
fn the_dealer_list_is_scoped(backend: Backend) {
    let w = world(backend);
    let dealers = |auth: &Auth, query: &str| -> (u16, Value) {
        let r = w.c.get_as(auth, &format!("/v1/dealers{query}"));
        let body = if r.status == 200 {
            r.json()["dealers"].clone()
        } else {
            Value::Null
        };
        (r.status, body)
    };
    assert_eq!(dealers(&Auth::Anonymous, "").0, 401);
    assert_eq!(dealers(&w.c.admin, ""), (200, json!(["D001", "D002"])));
    for auth in [&w.manager, &w.token, &w.advisor] {
        assert_eq!(dealers(auth, ""), (200, json!(["D001"])));
        assert_eq!(dealers(auth, "?dealer=D002").0, 403);
    }
    assert_eq!(dealers(&w.other_manager, ""), (200, json!(["D002"])));
    assert_eq!(dealers(&w.agent, "").0, 403);
    assert_eq!(dealers(&w.c.admin, "?survey=post-call"), (200, json!([])));
    assert_eq!(dealers(&w.c.admin, "?colour=red").0, 400);
}

both!(the_dealer_list_is_scoped);

fn tokens_are_shown_once_scoped_and_revocable(backend: Backend) {
    let w = world(backend);
    let json_header = [("Content-Type", "application/json")];
    // Only managers (in person) manage tokens, and only for their own dealers.
    let body = json!({ "name": "CRM 2", "dealers": ["D002"] }).to_string();
    let r = w.c.send_as(
        &w.manager,
        "POST",
        "/v1/tokens",
        &json_header,
        body.as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    for auth in [&w.advisor, &w.agent, &w.token] {
        let body = json!({ "name": "x", "dealers": ["D001"] }).to_string();
        let r =
            w.c.send_as(auth, "POST", "/v1/tokens", &json_header, body.as_bytes());
        assert_eq!(r.status, 403, "{}", r.text());
    }
    // Without the CSRF header a session cannot create one.
    let Auth::Session { cookie, .. } = &w.manager else {
        panic!("session")
    };
    let cookie_only = [("Cookie", format!("sid={cookie}"))];
    let headers: Vec<(&str, &str)> = cookie_only
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .chain(json_header)
        .collect();
    let body = json!({ "name": "x", "dealers": ["D001"] }).to_string();
    let r = support::request(&w.c.addr, "POST", "/v1/tokens", &headers, body.as_bytes());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.error().contains("CSRF"), "{}", r.error());
    // The list never shows a secret; the database holds only its hash.
    let r = w.c.get_as(&w.manager, "/v1/tokens");
    assert_eq!(r.status, 200);
    let Auth::Token(secret) = &w.token else {
        panic!("token")
    };
    assert!(!r.text().contains(secret.as_str()));
    let items = r.json()["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1);
    let stored = w.c.query_rows("SELECT token_hash FROM api_tokens", &[]);
    assert!(!format!("{stored:?}").contains(secret.as_str()));
    assert_eq!(
        w.c.get_as(&w.other_manager, "/v1/tokens").json()["items"],
        json!([])
    );
    // Revoked: refused at once.
    let id = items[0]["id"].as_str().expect("id");
    let r = w.c.send_as(
        &w.other_manager,
        "DELETE",
        &format!("/v1/tokens/{id}"),
        &[],
        b"",
    );
    assert_eq!(r.status, 403);
    let r =
        w.c.send_as(&w.manager, "DELETE", &format!("/v1/tokens/{id}"), &[], b"");
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(w.c.get_as(&w.token, "/v1/responses").status, 401);
    let r =
        w.c.get_as(&Auth::Token("svt_forged".into()), "/v1/responses");
    assert_eq!(r.status, 401);
}

both!(tokens_are_shown_once_scoped_and_revocable);

fn sessions_log_out_and_logins_are_throttled(backend: Backend) {
    let w = world(backend);
    let me = w.c.get_as(&w.manager, "/v1/auth/me");
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["role"], "dealer_manager");
    assert_eq!(me.json()["dealers"], json!(["D001"]));
    // The cookie is HttpOnly and SameSite=Strict; the database keeps only its hash.
    let manager_login = me.json()["login"].as_str().unwrap_or_default().to_string();
    let r = w.c.try_login(&manager_login, PASSWORD);
    let cookie = r.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let Auth::Session { cookie: sid, .. } = &w.manager else {
        panic!("session")
    };
    let stored = w.c.query_rows("SELECT token_hash FROM sessions", &[]);
    assert!(!format!("{stored:?}").contains(sid.as_str()));
    // Logout ends the session everywhere.
    let r = w.c.send_as(&w.manager, "POST", "/v1/auth/logout", &[], b"");
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(w.c.get_as(&w.manager, "/v1/responses").status, 401);
    // Wrong passwords: 401 each, then the account is locked (429 with Retry-After) even
    // for the right password.
    let me_login = w.c.get_as(&w.advisor, "/v1/auth/me").json()["login"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for _ in 0..5 {
        let r = w.c.try_login(&me_login, "wrong password here");
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(r.error(), "wrong login or password");
    }
    let r = w.c.try_login(&me_login, PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(r.header("retry-after").is_some());
    // An unknown login reads exactly like a wrong password.
    let r = w.c.try_login("nobody-here", "whatever it is");
    assert_eq!(
        (r.status, r.error()),
        (401, "wrong login or password".to_string())
    );
}

both!(sessions_log_out_and_logins_are_throttled);

/// `GET /v1/audit` is for group admins alone (401 without credentials, 403 for every
/// other role and for tokens), and it shows every read that returned contact data and
/// every export, with who, the route and the filter as applied; reads without contact
/// data and summaries are not in it. Paged with `after` and `limit` like every list.
fn the_audit_log_records_contact_reads_for_group_admins(backend: Backend) {
    let w = world(backend);
    let audit = |auth: &Auth, query: &str| w.c.get_as(auth, &format!("/v1/audit{query}"));
    assert_eq!(audit(&Auth::Anonymous, "").status, 401);
    for auth in [&w.manager, &w.advisor, &w.agent, &w.other_manager, &w.token] {
        let r = audit(auth, "");
        assert_eq!(r.status, 403, "{}", r.text());
        assert_eq!(r.sole_error(), "only a group admin may read the audit log");
    }
    let items = |query: &str| -> Vec<Value> {
        let r = audit(&w.c.admin, query);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["items"].as_array().expect("items").clone()
    };
    let before = items("?limit=1000").len();
    assert_eq!(listed(&w, &w.manager, "?dealer=D001").0, 200);
    assert_eq!(listed(&w, &w.advisor, "").0, 200); // no contact data: not recorded
    assert_eq!(listed(&w, &w.agent, "").0, 200);
    assert_eq!(w.c.get_as(&w.token, "/v1/summary").status, 200); // aggregates only
    assert_eq!(w.c.get_as(&w.advisor, "/v1/responses.csv").status, 200);
    assert_eq!(w.c.get_as(&w.token, "/v1/responses.csv").status, 200);
    assert_eq!(w.c.get_as(&w.manager, "/v1/responses.xlsx").status, 200);
    // Lines are written by the collector's audit writer just after the reads.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let all = loop {
        let all = items("?limit=1000");
        if all.len() >= before + 5 || std::time::Instant::now() > deadline {
            break all;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let new: Vec<(String, String, String, Value)> = all[before..]
        .iter()
        .map(|i| {
            let actor = i["actor"].as_str().unwrap_or_default();
            // `user:manager-<tag>` → `user:manager`; `token:<id>` → `token`.
            let who = actor.split('-').next().unwrap_or_default();
            let who = who.split_once(':').map_or(
                who,
                |(kind, name)| {
                    if kind == "token" {
                        kind
                    } else {
                        name
                    }
                },
            );
            (
                who.to_string(),
                i["action"].as_str().unwrap_or_default().to_string(),
                i["route"].as_str().unwrap_or_default().to_string(),
                i["rows"].clone(),
            )
        })
        .collect();
    let expect = |who: &str, action: &str, route: &str, rows: Value| {
        (who.to_string(), action.to_string(), route.to_string(), rows)
    };
    assert_eq!(
        new,
        vec![
            expect("manager", "read", "/v1/responses", json!(4)),
            expect("agent", "read", "/v1/responses", json!(2)),
            expect("advisor", "export", "/v1/responses.csv", Value::Null),
            expect("token", "export", "/v1/responses.csv", Value::Null),
            expect("manager", "export", "/v1/responses.xlsx", Value::Null),
        ]
    );
    let filter = all[before]["filter"].as_str().unwrap_or_default();
    assert!(filter.contains("\"dealer\":\"D001\""), "{filter}");
    assert!(all[before]["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // Paging: one line a page, the cursor leads to the next.
    let first = audit(&w.c.admin, "?limit=1").json();
    let next = first["next"].as_str().expect("a next cursor").to_string();
    let second = items(&format!("?limit=1&after={next}"));
    assert_eq!(second[0]["seq"], all[1]["seq"]);
    assert_eq!(audit(&w.c.admin, "?dealer=D001").status, 400);
}

both!(the_audit_log_records_contact_reads_for_group_admins);
/// `POST /v1/links`: a group admin (any dealer), a manager (their dealers) and a
/// `write` API token (its dealers) make signed links; a service advisor (whose own
/// scores the link would vouch for), a follow-up agent, a read-only token, another
/// dealer's manager and a session without its CSRF header do not.
fn links_are_made_by_admins_managers_and_write_tokens(backend: Backend) {
    let w = world(backend);
    let json_header = [("Content-Type", "application/json")];
    let body = json!({ "name": "DMS", "dealers": ["D001"], "access": "write" }).to_string();
    let r = w.c.send_as(
        &w.manager,
        "POST",
        "/v1/tokens",
        &json_header,
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let writer = Auth::Token(r.json()["token"].as_str().expect("token").to_string());
    let link = |auth: &Auth, dealer: &str| {
        let body = json!({
            "survey": "post-service", "dealer": dealer, "repair_order": "RO-1",
            "advisor": "A07", "visit_date": "2026-12-01"
        })
        .to_string();
        w.c.send_as(auth, "POST", "/v1/links", &json_header, body.as_bytes())
    };
    for (who, auth, dealer, status) in [
        ("nobody", &Auth::Anonymous, "D001", 401),
        ("admin", &w.c.admin, "D002", 201),
        ("manager", &w.manager, "D001", 201),
        ("manager, other dealer", &w.manager, "D002", 403),
        ("other manager", &w.other_manager, "D001", 403),
        ("advisor", &w.advisor, "D001", 403),
        ("agent", &w.agent, "D001", 403),
        ("read token", &w.token, "D001", 403),
        ("write token", &writer, "D001", 201),
        ("write token, other dealer", &writer, "D002", 403),
    ] {
        let r = link(auth, dealer);
        assert_eq!(r.status, status, "{who}: {}", r.text());
        if status == 201 {
            let url = r.json()["url"].as_str().unwrap_or_default().to_string();
            assert!(
                url.contains("&sig=") && url.contains("&exp="),
                "{who}: {url}"
            );
        } else {
            assert!(!r.error().is_empty(), "{who}: one-line error");
        }
    }
    // A session without its CSRF header cannot make one.
    let Auth::Session { cookie, .. } = &w.manager else {
        panic!("session")
    };
    let cookie = format!("sid={cookie}");
    let headers = [("Cookie", cookie.as_str()), json_header[0]];
    let body = json!({ "survey": "post-service", "dealer": "D001" }).to_string();
    let r = support::request(&w.c.addr, "POST", "/v1/links", &headers, body.as_bytes());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.error().contains("CSRF"), "{}", r.error());
    // Reading is not a thing links do.
    assert_eq!(w.c.get_as(&w.manager, "/v1/links").status, 405);
}

both!(links_are_made_by_admins_managers_and_write_tokens);

/// `/v1/kiosks`: a group admin (any dealer), a manager (their dealers) and a `write`
/// API token (its dealers) issue, list and revoke kiosk device keys; a service advisor,
/// a follow-up agent, a read-only token, another dealer's manager and a session without
/// its CSRF header do not. The key is shown once, in the 201, and stored only hashed.
fn kiosks_are_issued_listed_and_revoked_by_scope(backend: Backend) {
    let w = world(backend);
    let json_header = [("Content-Type", "application/json")];
    let body = json!({ "name": "MDM", "dealers": ["D001"], "access": "write" }).to_string();
    let r = w.c.send_as(
        &w.manager,
        "POST",
        "/v1/tokens",
        &json_header,
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let writer = Auth::Token(r.json()["token"].as_str().expect("token").to_string());
    let issue = |auth: &Auth, dealer: &str| {
        let body =
            json!({ "dealer": dealer, "station": "LOUNGE-1", "label": "by the door" }).to_string();
        w.c.send_as(auth, "POST", "/v1/kiosks", &json_header, body.as_bytes())
    };
    let mut keys = Vec::new();
    for (who, auth, dealer, status) in [
        ("nobody", &Auth::Anonymous, "D001", 401),
        ("admin", &w.c.admin, "D002", 201),
        ("manager", &w.manager, "D001", 201),
        ("manager, other dealer", &w.manager, "D002", 403),
        ("other manager", &w.other_manager, "D001", 403),
        ("advisor", &w.advisor, "D001", 403),
        ("agent", &w.agent, "D001", 403),
        ("read token", &w.token, "D001", 403),
        ("write token", &writer, "D001", 201),
        ("write token, other dealer", &writer, "D002", 403),
    ] {
        let r = issue(auth, dealer);
        assert_eq!(r.status, status, "{who}: {}", r.text());
        if status == 201 {
            let j = r.json();
            let key = j["key"].as_str().unwrap_or_default().to_string();
            assert!(key.starts_with("kiosk_") && key.len() >= 40, "{who}: {key}");
            assert_eq!(
                (j["dealer"].as_str(), j["station"].as_str()),
                (Some(dealer), Some("LOUNGE-1"))
            );
            let pair = j["pair_path"].as_str().unwrap_or_default();
            assert!(pair.contains(&format!("device_key={key}")), "{pair}");
            keys.push(key);
        } else {
            assert!(!r.error().is_empty(), "{who}: one-line error");
        }
    }
    assert_eq!(
        issue(&w.manager, "bad dealer!").status,
        403,
        "not their dealer"
    );
    let r = w.c.send_as(
        &w.c.admin,
        "POST",
        "/v1/kiosks",
        &json_header,
        br#"{"dealer": "D001", "station": "a station with spaces"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    // A session without its CSRF header cannot issue one.
    let Auth::Session { cookie, .. } = &w.manager else {
        panic!("session")
    };
    let cookie = format!("sid={cookie}");
    let headers = [("Cookie", cookie.as_str()), json_header[0]];
    let body = json!({ "dealer": "D001", "station": "S2" }).to_string();
    let r = support::request(&w.c.addr, "POST", "/v1/kiosks", &headers, body.as_bytes());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.error().contains("CSRF"), "{}", r.error());
    // Lists: scoped to the caller's dealers, never a key; the table holds only hashes.
    let list = |auth: &Auth| -> (u16, Vec<Value>, String) {
        let r = w.c.get_as(auth, "/v1/kiosks");
        let items = if r.status == 200 {
            r.json()["items"].as_array().expect("items").clone()
        } else {
            Vec::new()
        };
        (r.status, items, r.text())
    };
    let (status, all, text) = list(&w.c.admin);
    assert_eq!((status, all.len()), (200, 3));
    let (_, mine, _) = list(&w.manager);
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|k| k["dealer"] == "D001"));
    let (_, theirs, _) = list(&w.other_manager);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["dealer"], "D002");
    assert_eq!(list(&writer).1.len(), 2);
    for auth in [&w.advisor, &w.agent, &w.token] {
        assert_eq!(list(auth).0, 403);
    }
    assert_eq!(list(&Auth::Anonymous).0, 401);
    let stored = w.c.query_rows("SELECT key_hash FROM kiosks", &[]);
    assert_eq!(stored.len(), 3);
    for key in &keys {
        assert!(!text.contains(key.as_str()), "a list never shows a key");
        assert!(
            !format!("{stored:?}").contains(key.as_str()),
            "stored only hashed"
        );
        assert!(!w.c.log().contains(key.as_str()), "never logged");
    }
    assert!(stored
        .iter()
        .all(|r| r["key_hash"].as_str().is_some_and(|h| h.len() == 64)));
    // Revoking: only for one's own dealers, once; an unknown id is a 404.
    let d001 = mine[0]["id"].as_str().expect("id").to_string();
    let path = format!("/v1/kiosks/{d001}");
    for auth in [&w.other_manager, &w.advisor, &w.token] {
        assert_eq!(w.c.send_as(auth, "DELETE", &path, &[], b"").status, 403);
    }
    let r = w.c.send_as(&w.manager, "DELETE", &path, &[], b"");
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(
        w.c.send_as(&w.manager, "DELETE", &path, &[], b"").status,
        409
    );
    let none = format!("/v1/kiosks/{}", support::new_id());
    assert_eq!(
        w.c.send_as(&w.c.admin, "DELETE", &none, &[], b"").status,
        404
    );
    let (_, after, _) = list(&w.manager);
    let revoked = after
        .iter()
        .find(|k| k["id"] == d001.as_str())
        .expect("still listed");
    assert!(revoked["revoked_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
}

both!(kiosks_are_issued_listed_and_revoked_by_scope);

/// The cases of hot alerts: who sees which (list and detail) and who may act, per role.
/// The world has two D001 detractors and one at D002, so three cases.
fn the_cases_are_scoped(backend: Backend) {
    let w = world(backend);
    let list = |auth: &Auth, query: &str| w.c.get_as(auth, &format!("/v1/cases{query}"));
    let dealers_of = |auth: &Auth, query: &str| -> Vec<String> {
        let r = list(auth, query);
        assert_eq!(r.status, 200, "{}", r.text());
        let mut d: Vec<String> = r.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["dealer"].as_str().unwrap_or_default().to_string())
            .collect();
        d.sort();
        d
    };
    assert_eq!(list(&Auth::Anonymous, "").status, 401);
    assert_eq!(dealers_of(&w.c.admin, ""), ["D001", "D001", "D002"]);
    for auth in [&w.manager, &w.agent, &w.token] {
        assert_eq!(dealers_of(auth, ""), ["D001", "D001"]);
        assert_eq!(dealers_of(auth, "?dealer=D001"), ["D001", "D001"]);
        let r = list(auth, "?dealer=D002");
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(r.sole_error().contains("D001"), "{}", r.text());
    }
    assert_eq!(dealers_of(&w.other_manager, ""), ["D002"]);
    // Advisors read no cases (they are complaints about their own service).
    let r = list(&w.advisor, "");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.sole_error().contains("advisor"), "{}", r.text());
    // The one query module's rules: unknown or repeated parameters are refused.
    assert_eq!(list(&w.manager, "?colour=red").status, 400);
    assert_eq!(list(&w.manager, "?status=open&status=closed").status, 400);
    assert_eq!(list(&w.manager, "?status=lost").status, 400);
    // The detail: a case of another dealer is not found; contact data for the roles
    // that read it.
    let r = list(&w.manager, "");
    let case = r.json()["items"][0]["id"]
        .as_str()
        .expect("a D001 case")
        .to_string();
    let path = format!("/v1/cases/{case}");
    assert_eq!(w.c.get_as(&w.other_manager, &path).status, 404);
    assert_eq!(w.c.get_as(&w.advisor, &path).status, 403);
    for auth in [&w.manager, &w.agent, &w.token, &w.c.admin] {
        let r = w.c.get_as(auth, &path);
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.text().contains("13800138000"));
    }
    // Acting: in person only, and the state machine's permission rule.
    let act = |auth: &Auth, body: Value| {
        w.c.send_as(
            auth,
            "POST",
            &format!("{path}/events"),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    };
    let attempt = json!({"action": "attempt", "outcome": "busy"});
    let r = act(&w.token, attempt.clone());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.sole_error().contains("API token"), "{}", r.text());
    assert_eq!(act(&w.advisor, attempt.clone()).status, 403);
    let r = act(&w.other_manager, attempt.clone());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.sole_error().contains("D001"), "{}", r.text());
    // The agent must take the case first; the manager may act on any of the dealer's.
    assert_eq!(act(&w.agent, attempt.clone()).status, 403);
    let r = act(&w.manager, attempt);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["case"]["failed_attempts"], json!(1));
}

both!(the_cases_are_scoped);
