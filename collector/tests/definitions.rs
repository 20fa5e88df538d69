//! Dealers' own questionnaires over real sockets on both backends: a manager uploads
//! one (refused with the path of the field at fault while broken), previews a response
//! to the draft without storing it, publishes it; then `data-definition`'s public URL
//! serves it to any origin, and a customer's detractor response to it is scored by the
//! server, raises its alerts and opens a case like a built-in survey's. Who may upload
//! and publish, and that an id stays its first dealer's and a published version never
//! changes, are checked on the way.

#[macro_use]
mod support;

use serde_json::{json, Value};
use support::{
    add_user, new_id, post_service_payload, template, Auth, Backend, Collector, PASSWORD,
};

const SURVEY: &str = "d001-after-sales";

/// The post-service template as the dealer's own questionnaire `SURVEY` `version`.
fn own_definition(version: u32) -> Value {
    let mut def = template();
    def["id"] = json!(SURVEY);
    def["version"] = json!(version);
    def["title"]["en"] = json!(format!("North 7 after-sales, v{version}"));
    def
}

/// A response to `SURVEY` `version` (the template's questions), NPS `nps`.
fn own_response(version: u32, nps: u8) -> Value {
    let mut body = post_service_payload(&new_id(), "D001", Some("A7"), nps, false, None);
    body["survey"] = json!({"id": SURVEY, "version": version});
    body
}

fn upload(c: &Collector, auth: &Auth, dealer: &str, def: &str) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        &format!("/v1/dealers/{dealer}/definitions"),
        &[("Content-Type", "application/json")],
        def.as_bytes(),
    )
}

fn post_to(c: &Collector, auth: &Auth, path: &str, body: &[u8]) -> support::Resp {
    c.send_as(
        auth,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
}

fn a_dealers_questionnaire_is_uploaded_published_and_scored(backend: Backend) {
    let c = Collector::start(backend);
    let tag = format!("{:x}", support::unique());
    let (manager, other, agent) = (
        format!("mgr-{tag}"),
        format!("mgr2-{tag}"),
        format!("agent-{tag}"),
    );
    add_user(&c.db, &manager, "dealer-manager", &["D001"], None);
    add_user(&c.db, &other, "dealer-manager", &["D002"], None);
    add_user(&c.db, &agent, "follow-up-agent", &["D001"], None);
    let (m, o, a) = (
        c.login(&manager, PASSWORD),
        c.login(&other, PASSWORD),
        c.login(&agent, PASSWORD),
    );
    let v1 = own_definition(1).to_string();

    // Who may upload: the dealer's manager; not an agent, not another dealer's manager.
    assert_eq!(upload(&c, &a, "D001", &v1).status, 403);
    let r = upload(&c, &o, "D001", &v1);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.sole_error().contains("D002"), "{}", r.text());

    // A broken definition: refused with the path of the field at fault, nothing stored.
    let mut broken = own_definition(1);
    broken["pages"][1]["questions"][0]["input"]["type"] = json!("slider");
    let r = upload(&c, &m, "D001", &broken.to_string());
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.sole_error().starts_with("pages[1].questions[0]"),
        "{}",
        r.text()
    );
    let r = upload(&c, &m, "D001", "{\"format\": ");
    assert_eq!(r.status, 422, "{}", r.text());
    // A built-in survey's id is not the dealer's to take.
    let r = upload(&c, &m, "D001", &template().to_string());
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.sole_error().contains("built-in"), "{}", r.text());
    assert_eq!(
        c.get_as(&m, "/v1/definitions").json()["definitions"],
        json!([])
    );

    // The draft: stored, listed, readable by the dealer's people, not yet public.
    let r = upload(&c, &m, "D001", &v1);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], json!("draft"));
    let listed = c.get_as(&a, "/v1/definitions").json();
    assert_eq!(listed["definitions"][0]["survey"], json!(SURVEY));
    assert_eq!(
        c.get_as(&o, "/v1/definitions").json()["definitions"],
        json!([])
    );
    let path = format!("/v1/definitions/{SURVEY}/1");
    assert_eq!(c.get_as(&m, &path).json()["id"], json!(SURVEY));
    assert_eq!(c.get_as(&o, &path).status, 404);
    assert_eq!(c.get(&format!("/v1/surveys/{SURVEY}")).status, 404);

    // A response to a draft is stored as before this feature: unscored.
    let early = own_response(1, 2);
    assert_eq!(c.post(&early).status, 201);
    let id = early["id"].as_str().unwrap_or_default();
    assert_eq!(c.stored_scores(id).score, None, "a draft scores nothing");

    // The preview: scored like a real response, stored nowhere.
    let rows = c.rows();
    let preview = own_response(1, 2);
    let r = post_to(
        &c,
        &m,
        &format!("{path}/preview"),
        preview.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["stored"], json!(false));
    assert!(
        r.json()["score"]["alerts"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "a detractor's preview shows its alerts: {}",
        r.text()
    );
    assert_eq!(c.rows(), rows, "a preview stores nothing");

    // Publishing: the manager, not the agent; then public with CORS for any site.
    assert_eq!(post_to(&c, &a, &format!("{path}/publish"), b"").status, 403);
    let r = post_to(&c, &m, &format!("{path}/publish"), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], json!("published"));
    let public = c.get(&format!("/v1/surveys/{SURVEY}"));
    assert_eq!(public.status, 200, "{}", public.text());
    assert_eq!(public.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        public.json()["title"]["en"],
        json!("North 7 after-sales, v1")
    );

    // A published version never changes; the id stays D001's.
    let r = upload(&c, &m, "D001", &v1);
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.sole_error().contains("raise"), "{}", r.text());
    let r = upload(&c, &o, "D002", &own_definition(7).to_string());
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.sole_error().contains("another dealer"), "{}", r.text());

    // A customer's detractor response to the published version: the server's card,
    // its alerts and one case, as for a built-in survey.
    let hot = own_response(1, 2);
    assert_eq!(c.post(&hot).status, 201);
    let id = hot["id"].as_str().unwrap_or_default();
    let stored = c.stored_scores(id);
    assert!(stored.score.is_some(), "scored by the server");
    assert!(stored.alerts > 0, "its alerts are counted");
    let cases = c.query_rows("SELECT id FROM cases WHERE response_id = $1", &[id]);
    assert_eq!(cases.len(), 1, "one case for the response");
    // The case shows the questionnaire's own wording beside the answers.
    let case_id = cases[0]["id"].as_str().unwrap_or_default();
    let shown = c.get_as(&m, &format!("/v1/cases/{case_id}"));
    assert_eq!(shown.status, 200, "{}", shown.text());
    let first = template()["pages"][0]["questions"][0].clone();
    assert_eq!(
        shown.json()["questions"][0]["id"],
        first["id"],
        "{}",
        shown.text()
    );
    assert_eq!(shown.json()["questions"][0]["text"], first["text"]);
    // The export labels its columns with the questionnaire's own wording.
    let csv = c.get_as(
        &m,
        &format!("/v1/responses.csv?survey={SURVEY}&verified=all&lang=en"),
    );
    assert_eq!(csv.status, 200, "{}", csv.text());
    let header = csv.text().lines().next().unwrap_or_default().to_string();
    let label = first["text"]["en"].as_str().unwrap_or("?").to_string();
    assert!(header.contains(&label), "{label:?} in {header}");
    // Its questions must match: an answer to a question the definition lacks is refused.
    let mut wrong = own_response(1, 9);
    wrong["answers"]["not_in_it"] = json!({"scale": 3});
    assert_eq!(c.post(&wrong).status, 422);

    // Version 2: published only above version 1; responses keep their version.
    let v2 = own_definition(2).to_string();
    assert_eq!(upload(&c, &m, "D001", &v2).status, 201);
    let r = post_to(&c, &m, &format!("/v1/definitions/{SURVEY}/2/publish"), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let newest = c.get(&format!("/v1/surveys/{SURVEY}")).json();
    assert_eq!(newest["version"], json!(2));
    let old = c.get(&format!("/v1/surveys/{SURVEY}/1")).json();
    assert_eq!(old["version"], json!(1));
    let late = own_response(1, 10);
    assert_eq!(c.post(&late).status, 201);
    let late_id = late["id"].as_str().unwrap_or_default();
    assert!(c.stored_scores(late_id).score.is_some());
    let kept = c.query_rows(
        "SELECT survey_version FROM responses WHERE id = $1",
        &[late_id],
    );
    assert_eq!(
        kept[0]["survey_version"],
        json!(1),
        "a response keeps the version it was answered on"
    );
}
both!(a_dealers_questionnaire_is_uploaded_published_and_scored);
