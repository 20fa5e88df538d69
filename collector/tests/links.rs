//! Signed survey links over real HTTP against both backends: a link made by
//! `POST /v1/links` and answered as the widget would (its URL parameters in the
//! payload's context) is stored verified; any one altered field, an expired or damaged
//! link is a 422; a link's token answers once; an unsigned response is stored but kept
//! out of the default reports.

#[macro_use]
mod support;

use base64::Engine;
use hmac::Mac;
use serde_json::{json, Value};
use support::{new_id, post_service_payload, Auth, Backend, Collector};

fn make_link(c: &Collector, auth: &Auth, body: &Value) -> Value {
    let r = c.send_as(
        auth,
        "POST",
        "/v1/links",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

fn visit() -> Value {
    json!({
        "survey": "post-service", "dealer": "D001", "repair_order": "RO-2026/1182",
        "advisor": "A07", "visit_date": "2026-12-01", "channel": "sms"
    })
}

/// `(survey, context)` as the widget reads them from the link's URL.
fn read_link(url: &str) -> (String, serde_json::Map<String, Value>) {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let mut survey = String::new();
    let mut context = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "survey" {
            survey = v.to_string();
        } else if let Some((_, key)) = survey_core::context::LINK_PARAMS
            .iter()
            .find(|(p, _)| *p == k)
        {
            context.insert(key.to_string(), json!(v));
        }
    }
    (survey, context)
}

/// A complete post-service response carrying `context`.
fn answered(context: &serde_json::Map<String, Value>) -> Value {
    let mut p = post_service_payload(&new_id(), "D001", Some("A07"), 9, false, None);
    p["context"] = Value::Object(context.clone());
    p
}

fn summary(c: &Collector, query: &str) -> Value {
    let r = c.get(&format!("/v1/summary{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn a_signed_link_is_verified_and_answers_once(backend: Backend) {
    let c = Collector::start(backend);
    let link = make_link(&c, &c.admin, &visit());
    let url = link["url"].as_str().expect("url");
    assert!(url.starts_with(&c.url), "{url} on {}", c.url);
    let (survey, context) = read_link(url);
    assert_eq!(survey, "post-service");
    assert_eq!(context["token"], link["token"]);
    assert_eq!(context["channel"], "sms");
    let first = answered(&context);
    let r = c.post(&first);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["verified"], json!(true));
    let id = first["id"].as_str().expect("id");
    let stored = c.query_rows(
        "SELECT CAST(verified AS INTEGER) AS v FROM responses WHERE id = $1",
        &[id],
    );
    assert_eq!(stored[0]["v"], json!(1));
    // A retry of the same response is the same receipt; another response on the same
    // link is refused.
    let r = c.post(&first);
    assert_eq!((r.status, r.json()["verified"].clone()), (200, json!(true)));
    let r = c.post(&answered(&context));
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.error().contains("already been answered"), "{}", r.error());
    // Counted by the default summary, listed and exported as verified.
    let s = summary(&c, "");
    assert_eq!(s["summary"]["n"], json!(1));
    assert_eq!(s["unverified"]["responses"], json!(0));
    let listed = c.get("/v1/responses").json();
    assert_eq!(listed["items"][0]["verified"], json!(true));
    let csv = c.get("/v1/responses.csv").text();
    // Row 1 holds the labels, row 2 the column ids.
    let header: Vec<&str> = csv.lines().nth(1).unwrap_or_default().split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "verified")
        .expect("column");
    let row: Vec<&str> = csv.lines().nth(2).unwrap_or_default().split(',').collect();
    assert_eq!(row.get(at), Some(&"true"), "{csv}");
}

both!(a_signed_link_is_verified_and_answers_once);

fn a_link_with_any_field_altered_is_refused(backend: Backend) {
    let c = Collector::start(backend);
    let link = make_link(&c, &c.admin, &visit());
    let (_, context) = read_link(link["url"].as_str().expect("url"));
    // Every signed context value, changed to another valid value, and one added.
    for key in [
        "dealer",
        "repair_order",
        "advisor",
        "visit_date",
        "channel",
        "exp",
        "token",
        "agent",
    ] {
        let mut altered = context.clone();
        let other = match key {
            "exp" => {
                let exp: i64 = context["exp"].as_str().unwrap_or("0").parse().unwrap_or(0);
                (exp + 86_400).to_string()
            }
            "visit_date" => "2026-12-02".to_string(),
            _ => "X999".to_string(),
        };
        altered.insert(key.into(), json!(other));
        let r = c.post(&answered(&altered));
        assert_eq!(r.status, 422, "{key}: {}", r.text());
        assert!(
            r.sole_error().contains("changed after it was made"),
            "{key}: {}",
            r.text()
        );
    }
    // The survey: the same link answered on another questionnaire id.
    let mut other_survey = visit();
    other_survey["survey"] = json!("post-call");
    let link2 = make_link(&c, &c.admin, &other_survey);
    let (_, ctx2) = read_link(link2["url"].as_str().expect("url"));
    let r = c.post(&answered(&ctx2));
    assert_eq!(r.status, 422, "survey: {}", r.text());
    assert!(r.error().contains("changed"), "{}", r.error());
    // A damaged signature, or a signature without its expiry.
    let mut damaged = context.clone();
    damaged.insert("sig".into(), json!("AAAA"));
    let r = c.post(&answered(&damaged));
    assert_eq!(r.status, 422);
    assert!(r.error().contains("damaged"), "{}", r.error());
    let mut no_exp = context.clone();
    no_exp.remove("exp");
    assert_eq!(c.post(&answered(&no_exp)).status, 422);
    assert_eq!(c.rows(), 0, "nothing refused was stored");
    // The untouched link still works.
    let r = c.post(&answered(&context));
    assert_eq!(r.status, 201, "{}", r.text());
}

both!(a_link_with_any_field_altered_is_refused);

fn unsigned_responses_are_kept_apart(backend: Backend) {
    let c = Collector::start(backend);
    let unsigned = post_service_payload(&new_id(), "D001", Some("A07"), 10, false, None);
    let r = c.post(&unsigned);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["verified"], json!(false));
    let link = make_link(&c, &c.admin, &visit());
    let (_, context) = read_link(link["url"].as_str().expect("url"));
    let mut signed = answered(&context);
    signed["answers"]["nps"] = json!({ "scale": 2 });
    assert_eq!(c.post(&signed).status, 201);
    // Default: the signed detractor only; the unsigned promoter shown apart.
    let s = summary(&c, "");
    assert_eq!(s["filter"]["verified"], "yes");
    assert_eq!(s["summary"]["n"], json!(1));
    assert_eq!(s["summary"]["nps"]["detractors"], json!(1));
    assert_eq!(s["unverified"]["responses"], json!(1));
    assert_eq!(s["unverified"]["summary"]["nps"]["promoters"], json!(1));
    assert_eq!(summary(&c, "?verified=all")["summary"]["n"], json!(2));
    assert_eq!(summary(&c, "?verified=no")["summary"]["n"], json!(1));
    // The export: verified by default, everything with `verified=all`, each row says.
    let lines = |q: &str| {
        let text = c.get(&format!("/v1/responses.csv{q}")).text();
        text.lines().count() - 2 // the labels and the ids
    };
    assert_eq!((lines(""), lines("?verified=all")), (1, 2));
    let bad = c.get("/v1/summary?verified=maybe");
    assert_eq!(bad.status, 400);
    assert!(bad.error().contains("verified"), "{}", bad.error());
    // The list shows both, each with its flag.
    let items = c.get("/v1/responses").json()["items"].clone();
    let flags: Vec<Value> = items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["verified"].clone())
        .collect();
    assert_eq!(flags, [json!(false), json!(true)]);
}

both!(unsigned_responses_are_kept_apart);

/// An expired link, signed here with the group's key read from the database and an
/// independent implementation of the canonical encoding (so the encoding is checked
/// too: the same bytes with a future expiry are accepted).
fn an_expired_link_is_refused(backend: Backend) {
    let c = Collector::start(backend);
    make_link(&c, &c.admin, &visit()); // the key exists from now on
    let key = c.query_rows("SELECT key FROM link_keys", &[])[0]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key)
        .expect("base64 key");
    let sign = |context: &serde_json::Map<String, Value>| {
        let mut msg = b"survey-link/v1;".to_vec();
        let field = |k: &str| context.get(k).and_then(Value::as_str).unwrap_or("");
        for v in std::iter::once("post-service").chain(
            [
                "dealer",
                "repair_order",
                "advisor",
                "visit_date",
                "channel",
                "agent",
                "call_type",
                "exp",
                "token",
            ]
            .map(field),
        ) {
            msg.extend(format!("{}:{v};", v.len()).as_bytes());
        }
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
        mac.update(&msg);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let context_at = |exp: u64, token: &str| {
        let mut ctx = serde_json::Map::new();
        for (k, v) in [
            ("dealer", "D001"),
            ("repair_order", "RO-9"),
            ("advisor", "A07"),
            ("visit_date", "2026-11-01"),
            ("channel", "qr"),
            ("token", token),
        ] {
            ctx.insert(k.into(), json!(v));
        }
        ctx.insert("exp".into(), json!((exp).to_string()));
        let sig = sign(&ctx);
        ctx.insert("sig".into(), json!(sig));
        ctx
    };
    let r = c.post(&answered(&context_at(now - 60, "tkn-old")));
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.sole_error().contains("expired on"), "{}", r.text());
    let r = c.post(&answered(&context_at(now + 3600, "tkn-new")));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["verified"], json!(true));
}

both!(an_expired_link_is_refused);

fn link_requests_are_checked(backend: Backend) {
    let c = Collector::start(backend);
    for (body, named) in [
        (json!({ "survey": "post-service" }), "dealer"),
        (
            json!({ "survey": "post-service", "dealer": "D 1" }),
            "dealer",
        ),
        (
            json!({ "survey": "post-service", "dealer": "D1", "expires_in_days": 91 }),
            "expires_in_days",
        ),
        (
            json!({ "survey": "post-service", "dealer": "D1", "visit_date": "2026-13-01" }),
            "visit_date",
        ),
        (
            json!({ "survey": "post-service", "dealer": "D1", "base": "javascript:x" }),
            "base",
        ),
        (json!({ "survey": "a b", "dealer": "D1" }), "survey"),
    ] {
        let r = c.send_as(
            &c.admin,
            "POST",
            "/v1/links",
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert!(r.sole_error().contains(named), "{body}: {}", r.text());
    }
    let link = make_link(
        &c,
        &c.admin,
        &json!({ "survey": "post-service", "dealer": "D1", "expires_in_days": 90,
                 "base": "https://survey.dealer.cn", "lang": "en" }),
    );
    let url = link["url"].as_str().expect("url");
    assert!(
        url.starts_with("https://survey.dealer.cn/?survey=post-service&dealer=D1"),
        "{url}"
    );
    assert!(url.ends_with("&lang=en"), "{url}");
    let expires = link["expires_at"].as_str().expect("expires_at");
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");
}

both!(link_requests_are_checked);
