//! Kiosk device keys over real HTTP against both backends (collector/src/kiosks.rs):
//! a response posted with a live key is stored `verified` with the key's dealer and
//! station, whatever the page said; with an unknown or revoked key it is still stored,
//! `unverified`, and the receipt says why; the key never reaches a log or the table.
//! Who may issue, list and revoke keys is in the access matrix (access.rs).

#[macro_use]
mod support;

use serde_json::{json, Value};
use std::process::Command;
use support::{flag, new_id, post_service_payload, Backend, Collector, Resp, TestDb};

/// Issues a key as the group admin: `(id, key)`.
fn issue(c: &Collector, dealer: &str, station: &str) -> (String, String) {
    let body = json!({ "dealer": dealer, "station": station }).to_string();
    let r = c.send_as(
        &c.admin,
        "POST",
        "/v1/kiosks",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let j = r.json();
    (
        j["id"].as_str().expect("id").to_string(),
        j["key"].as_str().expect("key").to_string(),
    )
}

/// Posts `payload` as a tablet would, with `key` in `X-Kiosk-Key` if given.
fn post(c: &Collector, payload: &Value, key: Option<&str>) -> Resp {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(k) = key {
        headers.push(("X-Kiosk-Key", k));
    }
    support::request(
        &c.addr,
        "POST",
        "/v1/responses",
        &headers,
        payload.to_string().as_bytes(),
    )
}

/// `(dealer column, verified, kiosk column, context)` of the stored row `id`.
fn stored(c: &Collector, id: &str) -> (Option<String>, bool, Option<String>, Value) {
    let rows = c.query_rows(
        "SELECT dealer, verified, kiosk, context FROM responses WHERE id = $1",
        &[id],
    );
    assert_eq!(rows.len(), 1, "one stored row {id}");
    let r = &rows[0];
    (
        r["dealer"].as_str().map(str::to_string),
        flag(&r["verified"]),
        r["kiosk"].as_str().map(str::to_string),
        serde_json::from_str(r["context"].as_str().expect("context")).expect("context JSON"),
    )
}

fn a_live_key_vouches_for_its_dealer_and_station(backend: Backend) {
    let c = Collector::start(backend);
    let (kiosk, key) = issue(&c, "D001", "LOUNGE-1");
    // The page said another dealer (a mistyped kiosk address): the key's dealer and
    // station are stored, verified, with the kiosk that vouched.
    let id = new_id();
    let mut payload = post_service_payload(&id, "D002", None, 9, false, None);
    payload["context"]["station"] = json!("FRONT-DESK");
    let r = post(&c, &payload, Some(&key));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["verified"], json!(true));
    assert!(r.json().get("unverified_reason").is_none(), "{}", r.text());
    assert_eq!(r.header("x-kiosk-key-status"), None);
    let (dealer, verified, by, context) = stored(&c, &id);
    assert_eq!(dealer.as_deref(), Some("D001"));
    assert!(verified);
    assert_eq!(by.as_deref(), Some(kiosk.as_str()));
    assert_eq!(context["dealer"], "D001");
    assert_eq!(context["station"], "LOUNGE-1");
    // A retry (same payload, same key) is the same response: 200, still verified.
    let r = post(&c, &payload, Some(&key));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (r.json()["duplicate"].clone(), r.json()["verified"].clone()),
        (json!(true), json!(true))
    );
    // It counts in D001's verified report, not D002's.
    let n = |q: &str| c.get(&format!("/v1/summary?{q}")).json()["summary"]["n"].clone();
    assert_eq!(n("dealer=D001"), json!(1));
    assert_eq!(n("dealer=D002&verified=all"), json!(0));
    // Without a key a kiosk's response is stored as the page said, unverified, and
    // the receipt has nothing to report.
    let plain = new_id();
    let r = post(
        &c,
        &post_service_payload(&plain, "D001", None, 9, false, None),
        None,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["verified"], json!(false));
    assert!(r.json().get("unverified_reason").is_none());
    // The posting CORS admits the header for a widget on another origin.
    let pre = support::request(
        &c.addr,
        "OPTIONS",
        "/v1/responses",
        &[
            ("Origin", "https://dealer.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type, x-kiosk-key",
            ),
        ],
        b"",
    );
    let allowed = pre
        .header("access-control-allow-headers")
        .unwrap_or_default();
    assert!(allowed.contains("X-Kiosk-Key"), "{allowed}");
    assert!(!c.log().contains(&key), "the key is never logged");
}

both!(a_live_key_vouches_for_its_dealer_and_station);

fn an_unknown_or_revoked_key_keeps_the_response_unverified(backend: Backend) {
    let c = Collector::start(backend);
    let (kiosk, key) = issue(&c, "D001", "LOUNGE-2");
    let refused = |key: &str| {
        let id = new_id();
        let payload = post_service_payload(&id, "D009", None, 3, false, Some("13800138000"));
        let r = post(&c, &payload, Some(key));
        assert_eq!(
            r.status,
            201,
            "the customer's response is kept: {}",
            r.text()
        );
        assert_eq!(r.json()["verified"], json!(false));
        let reason = r.json()["unverified_reason"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(reason.contains("not accepted"), "{}", r.text());
        assert_eq!(r.header("x-kiosk-key-status"), Some("not-accepted"));
        let (dealer, verified, by, context) = stored(&c, &id);
        assert_eq!(
            dealer.as_deref(),
            Some("D009"),
            "stored as the page sent it"
        );
        assert!(!verified);
        assert_eq!(by, None);
        assert!(context.get("station").is_none());
    };
    refused("kiosk_thisKeyWasNeverIssuedByAnyoneAtAll0123");
    refused("not even a kiosk key");
    let r = c.send_as(&c.admin, "DELETE", &format!("/v1/kiosks/{kiosk}"), &[], b"");
    assert_eq!(r.status, 204, "{}", r.text());
    refused(&key);
    assert!(!c.log().contains(&key), "the key is never logged");
    // A signed link decides by itself: a kiosk key beside it is not looked at, even a
    // refused one (the link's own checks answer 422 for a forged signature).
    let mut signed = post_service_payload(&new_id(), "D001", None, 9, false, None);
    signed["context"]["sig"] = json!("AAAA");
    signed["context"]["exp"] = json!("4102444800");
    let r = post(&c, &signed, Some(&key));
    assert_eq!(r.status, 422, "{}", r.text());
}

both!(an_unknown_or_revoked_key_keeps_the_response_unverified);

/// `collector kiosk add` prints the key once with the pairing address; `list` never
/// shows it; `revoke` refuses it from the next post on.
fn the_command_line_issues_lists_and_revokes(backend: Backend) {
    let db = TestDb::fresh(backend);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_collector"))
            .args(["kiosk"])
            .args(args)
            .args(["--db", &db.arg()])
            .output()
            .expect("collector kiosk");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(&[
        "add",
        "--dealer",
        "D001",
        "--station",
        "LOUNGE-1",
        "--label",
        "by the door",
    ]);
    assert!(ok, "{err}");
    let key = out
        .split_whitespace()
        .find(|w| w.starts_with("kiosk_"))
        .expect("the key")
        .to_string();
    assert!(
        out.contains(&format!(
            "/static/kiosk.html?device_key={key}&station=LOUNGE-1"
        )),
        "{out}"
    );
    let (ok, listed, _) = run(&["list"]);
    assert!(ok);
    assert!(
        listed.contains("LOUNGE-1") && listed.contains("live"),
        "{listed}"
    );
    assert!(!listed.contains(&key));
    let id = listed.split_whitespace().next().expect("an id").to_string();
    let c = Collector::start_on(db.clone(), &[]);
    let payload = post_service_payload(&new_id(), "D001", None, 9, false, None);
    assert_eq!(
        post(&c, &payload, Some(&key)).json()["verified"],
        json!(true)
    );
    let (ok, _, err) = run(&["revoke", &id]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["revoke", &id]);
    assert!(!ok && err.contains("no live kiosk"), "{err}");
    let payload = post_service_payload(&new_id(), "D001", None, 9, false, None);
    assert_eq!(
        post(&c, &payload, Some(&key)).json()["verified"],
        json!(false)
    );
    let (_, listed, _) = run(&["list"]);
    assert!(listed.contains("revoked"), "{listed}");
}

both!(the_command_line_issues_lists_and_revokes);
