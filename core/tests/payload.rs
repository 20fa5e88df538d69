//! The posted response: parsing, and validation against its questionnaire.

use serde_json::{json, Value};
use survey_core::payload::is_rfc3339_utc;
use survey_core::{templates, ResponsePayload};

fn valid() -> Value {
    let def = templates::load("post-service").unwrap().unwrap();
    let mut answers = serde_json::Map::new();
    for q in def.questions().filter(|q| q.required) {
        let a = match q.input {
            survey_core::Input::YesNo { .. } => json!({"yes_no": true}),
            _ => json!({"scale": 5}),
        };
        answers.insert(q.id.to_string(), a);
    }
    json!({
        "format": "survey-response/1",
        "id": "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e",
        "survey": {"id": "post-service", "version": 1},
        "locale": "zh-CN",
        "created_at": "2026-11-23T10:00:00.123Z",
        "context": {"dealer": "D001"},
        "answers": answers,
        "client": {"widget_version": "0.1.0", "mode": "page"}
    })
}

fn check(v: &Value) -> Result<(), String> {
    let p = ResponsePayload::from_json(&v.to_string()).map_err(|e| e.to_string())?;
    let def = templates::load(p.survey.id.as_str()).map(|d| d.unwrap());
    p.validate(def.as_ref()).map_err(|e| e.to_string())
}

#[test]
fn a_complete_response_is_valid_and_round_trips() {
    let v = valid();
    check(&v).unwrap();
    let p = ResponsePayload::from_json(&v.to_string()).unwrap();
    assert_eq!(serde_json::to_value(&p).unwrap(), v);
}

#[test]
fn missing_and_unknown_fields_are_named() {
    let mut v = valid();
    v.as_object_mut().unwrap().remove("answers");
    assert!(check(&v)
        .unwrap_err()
        .starts_with("missing field `answers`"));
    let mut v = valid();
    v["survey"]["name"] = json!("x");
    assert!(check(&v)
        .unwrap_err()
        .starts_with("survey.name: unknown field `name`"));
}

#[test]
fn answers_are_checked_against_the_questionnaire() {
    let mut v = valid();
    v["answers"]["s_quality"] = json!({"scale": 6});
    assert_eq!(
        check(&v).unwrap_err(),
        "answers.s_quality: must be between 1 and 5"
    );
    let mut v = valid();
    v["answers"]["s_bogus"] = json!({"scale": 3});
    assert_eq!(
        check(&v).unwrap_err(),
        "answers.s_bogus: survey \"post-service\" has no question \"s_bogus\""
    );
    let mut v = valid();
    v["answers"].as_object_mut().unwrap().remove("nps");
    assert_eq!(check(&v).unwrap_err(), "answers.nps: an answer is required");
    let mut v = valid();
    v["answers"]["nps"] = json!({"yes_no": true});
    assert_eq!(
        check(&v).unwrap_err(),
        "answers.nps: wrong kind of answer for this question"
    );
}

#[test]
fn bad_id_time_and_context_are_refused() {
    let mut v = valid();
    v["id"] = json!("42");
    assert!(check(&v).unwrap_err().starts_with("id: not a UUID"));
    let mut v = valid();
    v["created_at"] = json!("yesterday");
    assert!(check(&v)
        .unwrap_err()
        .starts_with("created_at: expected an RFC 3339"));
    let mut v = valid();
    v["context"]["dealer"] = json!("x".repeat(129));
    assert_eq!(
        check(&v).unwrap_err(),
        "context.dealer: longer than 128 characters"
    );
    let mut v = valid();
    v["survey"]["version"] = json!(2);
    assert!(check(&v).unwrap_err().starts_with("survey.version:"));
}

#[test]
fn timestamps() {
    assert!(is_rfc3339_utc("2026-11-23T10:00:00Z"));
    assert!(is_rfc3339_utc("2026-11-23T10:00:00.123Z"));
    assert!(!is_rfc3339_utc("2026-13-23T10:00:00Z"));
    // Days that do not exist, and a leap second no device clock gives.
    assert!(!is_rfc3339_utc("2026-02-30T10:00:00Z"));
    assert!(!is_rfc3339_utc("2026-02-29T10:00:00Z"));
    assert!(is_rfc3339_utc("2028-02-29T10:00:00Z"));
    assert!(!is_rfc3339_utc("2100-02-29T10:00:00Z"));
    assert!(is_rfc3339_utc("2000-02-29T10:00:00Z"));
    assert!(!is_rfc3339_utc("2026-04-31T10:00:00Z"));
    assert!(is_rfc3339_utc("2026-12-31T23:59:59.999Z"));
    assert!(is_rfc3339_utc("2026-12-31T23:59:59.123456789Z"));
    assert!(
        !is_rfc3339_utc("2026-12-31T23:59:59.1234567890Z"),
        "finer than nanoseconds"
    );
    assert!(!is_rfc3339_utc("2026-06-30T23:59:60Z"));
    assert!(!is_rfc3339_utc("2026-11-23 10:00:00Z"));
    assert!(!is_rfc3339_utc("2026-11-23T10:00:00+08:00"));
    assert!(!is_rfc3339_utc("2026-11-23T10:00:00.Z"));
    assert!(!is_rfc3339_utc("２０２６-11-23T10:00:00Z"));
    assert!(
        !is_rfc3339_utc("2026-11-23T10:00:0é0Z"),
        "multi-byte text must not split a char"
    );
}

// ---------------------------------------------------------------- strict parsing

fn strict(body: &str) -> Result<ResponsePayload, String> {
    ResponsePayload::from_json_strict(body).map_err(|e| e.to_string())
}

#[test]
fn strict_parsing_takes_what_the_widget_sends() {
    let body = valid().to_string();
    assert_eq!(
        strict(&body),
        ResponsePayload::from_json(&body).map_err(|e| e.to_string())
    );
    assert!(
        strict(&format!(" \n{body}\r\n\t ")).is_ok(),
        "whitespace around"
    );
}

#[test]
fn strict_parsing_refuses_data_after_the_document() {
    let body = valid().to_string();
    for (tail, column) in [("x", 1), (" {}", 2), ("\u{0}", 1), (",", 1)] {
        let with_tail = format!("{body}{tail}");
        assert!(
            ResponsePayload::from_json(&with_tail).is_ok(),
            "lenient: {tail:?}"
        );
        let e = ResponsePayload::from_json_strict(&with_tail).unwrap_err();
        assert_eq!(e.path, "");
        assert_eq!(
            e.problem,
            format!(
                "unexpected data after the JSON document at line 1 column {}",
                body.len() + column
            ),
            "{tail:?}"
        );
    }
    let e = strict(&format!("{body}\n\n  ]")).unwrap_err();
    assert_eq!(
        e,
        "unexpected data after the JSON document at line 3 column 3"
    );
}

#[test]
fn strict_parsing_refuses_a_key_given_twice_at_any_depth() {
    let body = valid().to_string();
    // The lenient reader keeps the last value: here a promoter instead of a detractor.
    let twice = body.replacen(
        r#""nps":{"scale":5}"#,
        r#""nps":{"scale":0},"nps":{"scale":10}"#,
        1,
    );
    assert_ne!(twice, body);
    let lenient = ResponsePayload::from_json(&twice).unwrap();
    assert_eq!(
        serde_json::to_value(&lenient.answers).unwrap()["nps"],
        json!({"scale": 10})
    );
    let e = ResponsePayload::from_json_strict(&twice).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.problem.as_str()),
        ("answers", "duplicate key \"nps\"")
    );
    assert_eq!(e.to_string(), "answers: duplicate key \"nps\"");

    let cases = [
        (
            r#""dealer":"D001""#,
            r#""dealer":"D001","dealer":"D002""#,
            "context",
            "dealer",
        ),
        (
            r#""dealer":"D001""#,
            r#""dealer":"D001","\u0064ealer":"D002""#,
            "context",
            "dealer",
        ),
        (
            r#""mode":"page""#,
            r#""mode":"page","mode":"kiosk""#,
            "client",
            "mode",
        ),
        (
            r#""version":1"#,
            r#""version":1,"version":1"#,
            "survey",
            "version",
        ),
        (
            r#""format":"survey-response/1""#,
            r#""format":"survey-response/1","format":"x""#,
            "",
            "format",
        ),
    ];
    for (from, to, path, key) in cases {
        let body = body.replacen(from, to, 1);
        let e = ResponsePayload::from_json_strict(&body).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.problem.as_str()),
            (path, format!("duplicate key {key:?}").as_str()),
            "{to}"
        );
    }
}

#[test]
fn strict_parsing_keeps_the_named_errors_of_the_lenient_one() {
    let mut v = valid();
    v["survey"]["name"] = json!("x");
    assert!(strict(&v.to_string())
        .unwrap_err()
        .starts_with("survey.name: unknown field `name`"));
    let cut = valid().to_string();
    let cut = &cut[..cut.len() - 10];
    assert_eq!(
        strict(cut).unwrap_err(),
        ResponsePayload::from_json(cut).unwrap_err().to_string()
    );
    assert!(strict("").is_err());
}

// ---------------------------------------------------------------- context values

#[test]
fn context_values_follow_the_widgets_rule() {
    let refused = |value: &str| -> Option<String> {
        let mut v = valid();
        v["context"]["advisor"] = json!(value);
        check(&v).err()
    };
    for ok in [
        "D001",
        "RO-2026/1182",
        "2026-11-23",
        "tkn.AbC-123_x",
        "a:b",
        "王伟",
        "x",
    ] {
        assert_eq!(refused(ok), None, "{ok:?}");
    }
    assert_eq!(refused(&"9".repeat(128)), None);
    assert_eq!(refused(&"伟".repeat(128)), None, "characters, not bytes");
    let why = "is not allowed; expected letters, digits, '-', '_', '.', '/' or ':'";
    for (bad, problem) in [
        ("", "empty".to_string()),
        (&"9".repeat(129), "longer than 128 characters".to_string()),
        ("D\u{0}01", format!("'\\0' at character 2 {why}")),
        ("D001\n", format!("'\\n' at character 5 {why}")),
        ("<script>", format!("'<' at character 1 {why}")),
        (" D001", format!("' ' at character 1 {why}")),
        ("D001 ", format!("' ' at character 5 {why}")),
        ("Wang Wei", format!("' ' at character 5 {why}")),
        ("a\u{202e}b", format!("'\\u{{202e}}' at character 2 {why}")),
    ] {
        assert_eq!(
            refused(bad),
            Some(format!("context.advisor: {problem}")),
            "{bad:?}"
        );
    }
}

#[test]
fn context_keys_are_named() {
    let mut v = valid();
    v["context"]["bad key"] = json!("x");
    assert_eq!(
        check(&v).unwrap_err(),
        "context: \"bad key\" is not a valid key"
    );
}

// ---------------------------------------------------------------- created_at

#[test]
fn created_at_must_be_plausible_for_its_receipt() {
    let at = |created: &str, received: &str| -> Result<(), String> {
        let mut v = valid();
        v["created_at"] = json!(created);
        let p = ResponsePayload::from_json(&v.to_string()).unwrap();
        p.check_created_at(received).map_err(|e| e.to_string())
    };
    let received = "2026-11-23T10:00:00Z";
    for ok in [
        "2026-11-23T10:00:00Z",
        "2026-11-24T10:00:00Z",
        "2026-11-24T10:00:00.000Z",
        "2026-11-20T08:00:00.5Z",
        "2000-01-01T00:00:00Z",
    ] {
        assert_eq!(at(ok, received), Ok(()), "{ok}");
    }
    assert_eq!(
        at("2026-11-24T10:00:00.001Z", received),
        Err(
            "created_at: \"2026-11-24T10:00:00.001Z\" is more than 24 hours after the \
             response was received (2026-11-23T10:00:00Z): the device clock is wrong"
                .into()
        )
    );
    assert!(at("2027-01-01T00:00:00Z", received)
        .unwrap_err()
        .starts_with("created_at: \"2027-01-01T00:00:00Z\" is more than 24 hours after"));
    assert_eq!(
        at("1999-12-31T23:59:59.999Z", received),
        Err(
            "created_at: \"1999-12-31T23:59:59.999Z\" is before the earliest accepted \
             time, 2000-01-01T00:00:00Z"
                .into()
        )
    );
    assert!(at("1970-01-01T00:00:00Z", received)
        .unwrap_err()
        .contains("before the earliest accepted time"));
    assert!(at("2026-06-30T23:59:60Z", received)
        .unwrap_err()
        .starts_with("created_at: expected an RFC 3339 UTC time"));
    // The server's own clock unreadable: only the lower bound is left to check.
    assert_eq!(at("2030-01-01T00:00:00Z", "not a time"), Ok(()));
    assert!(at("1990-01-01T00:00:00Z", "not a time").is_err());
}

#[test]
fn the_all_yes_groups_are_kept_and_checked() {
    let mut v = valid();
    v["client"]["all_yes"] = json!(["booking", "pickup"]);
    check(&v).unwrap();
    let p = ResponsePayload::from_json(&v.to_string()).unwrap();
    assert_eq!(p.client.all_yes, ["booking", "pickup"]);
    assert_eq!(serde_json::to_value(&p).unwrap(), v, "round trips");
    v["client"]["all_yes"] = json!(["booking", "booking"]);
    assert_eq!(
        check(&v).unwrap_err(),
        "client.all_yes: group \"booking\" is listed twice"
    );
    v["client"]["all_yes"] = json!(["lounge"]);
    assert_eq!(
        check(&v).unwrap_err(),
        "client.all_yes: survey \"post-service\" has no checklist group \"lounge\""
    );
    v["client"]["all_yes"] = json!(["Not an id"]);
    assert!(check(&v).unwrap_err().contains("not a valid group id"));
    v["client"]["all_yes"] = json!("booking");
    assert!(check(&v).unwrap_err().starts_with("client.all_yes"));
}
