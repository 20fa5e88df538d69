//! Endpoint configuration: URL rules, extra headers, timeout, and the flat body for
//! CRM webhooks.

use serde_json::{json, Value};
use survey_core::answers::ContactAnswer;
use survey_core::endpoint::{
    url_kind, BodyFormat, Endpoint, EndpointError, EndpointSpec, UrlKind, DEFAULT_TIMEOUT_MS,
};
use survey_core::payload::{ClientInfo, Mode, SurveyRef, RESPONSE_FORMAT};
use survey_core::{scoring, templates, Answer, Answers, QuestionId, ResponseId, ResponsePayload};

fn spec(url: &str) -> EndpointSpec<'_> {
    EndpointSpec {
        url: Some(url),
        ..Default::default()
    }
}

fn payload() -> ResponsePayload {
    let def = templates::load("post-service").unwrap().unwrap();
    let mut answers = Answers::new();
    for q in def.questions().filter(|q| q.required) {
        let a = match q.input {
            survey_core::Input::YesNo { .. } => Answer::YesNo(true),
            _ => Answer::Scale(4),
        };
        answers.insert(q.id.clone(), a);
    }
    answers.insert(QuestionId("nps".into()), Answer::Scale(3));
    answers.insert(
        QuestionId("what_went_wrong".into()),
        Answer::Choices(vec!["waiting".into(), "price".into()]),
    );
    answers.insert(
        QuestionId("contact_me".into()),
        Answer::Contact(ContactAnswer {
            consent: true,
            phone: Some("+86 138 0000 0000".into()),
            email: None,
        }),
    );
    answers.insert(
        QuestionId("comment".into()),
        Answer::Text("Wash was \"great\", thanks".into()),
    );
    let created_at = "2026-11-23T10:00:00Z".to_string();
    let score = scoring::score_at(&def, &answers, &def.scoring_config(), &created_at);
    ResponsePayload {
        format: RESPONSE_FORMAT.into(),
        id: ResponseId::parse("0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e").unwrap(),
        survey: SurveyRef {
            id: def.id.clone(),
            version: def.version,
        },
        locale: survey_core::Locale("zh-CN".into()),
        created_at,
        context: [
            ("dealer".to_string(), "D001".to_string()),
            ("repair_order".to_string(), "RO-1182".to_string()),
        ]
        .into(),
        answers,
        client: ClientInfo {
            widget_version: "0.1.0".into(),
            mode: Mode::Kiosk,
            all_yes: Vec::new(),
        },
        score: Some(score),
    }
}

#[test]
fn urls_are_https_same_origin_or_local_http() {
    assert_eq!(url_kind("/v1/responses"), UrlKind::SameOrigin);
    assert_eq!(url_kind("hooks/x"), UrlKind::SameOrigin);
    assert_eq!(url_kind("https://crm.example.com/hook"), UrlKind::Https);
    assert_eq!(url_kind("HTTPS://crm.example.com/hook"), UrlKind::Https);
    assert_eq!(url_kind("http://127.0.0.1:8080/v1"), UrlKind::LocalHttp);
    assert_eq!(url_kind("http://localhost"), UrlKind::LocalHttp);
    assert_eq!(url_kind("http://[::1]:9/x"), UrlKind::LocalHttp);
    assert_eq!(
        url_kind("http://localhost.evil.example/x"),
        UrlKind::RemoteHttp
    );
    assert_eq!(url_kind("http://10.0.0.2/x"), UrlKind::RemoteHttp);
    assert_eq!(url_kind("http://user@localhost/x"), UrlKind::Unusable);
    for bad in [
        "",
        "//evil.example/x",
        "javascript:alert(1)",
        "data:text/html,x",
        "/a b",
        "https://",
    ] {
        assert_eq!(url_kind(bad), UrlKind::Unusable, "{bad}");
    }
}

#[test]
fn plain_http_to_another_machine_needs_an_explicit_opt_in() {
    let err = Endpoint::parse(spec("http://10.0.0.2/hook")).unwrap_err();
    assert_eq!(err, EndpointError::PlainHttp("http://10.0.0.2/hook".into()));
    assert!(
        err.to_string().contains("data-allow-http=\"true\""),
        "{err}"
    );
    let ok = Endpoint::parse(EndpointSpec {
        allow_http: Some("true"),
        ..spec("http://10.0.0.2/hook")
    })
    .unwrap();
    assert_eq!(ok.url, "http://10.0.0.2/hook");
    // The opt-in does not make a javascript: URL usable.
    assert!(matches!(
        Endpoint::parse(EndpointSpec {
            allow_http: Some("true"),
            ..spec("javascript:alert(1)")
        }),
        Err(EndpointError::BadUrl(_))
    ));
    assert_eq!(
        Endpoint::parse(EndpointSpec {
            allow_http: Some("yes please"),
            ..spec("/x")
        }),
        Err(EndpointError::BadAllowHttp("yes please".into()))
    );
}

#[test]
fn defaults_are_the_documented_body_and_fifteen_seconds() {
    let e = Endpoint::parse(spec("/v1/responses")).unwrap();
    assert_eq!(e.url, "/v1/responses");
    assert!(e.headers.is_empty());
    assert_eq!(e.timeout_ms, DEFAULT_TIMEOUT_MS);
    assert_eq!(e.body, BodyFormat::Response);
    let p = payload();
    let body: Value = serde_json::from_str(&e.body(&p)).unwrap();
    assert_eq!(body, serde_json::to_value(&p).unwrap());
    let entry = e.entry(&p);
    assert_eq!(entry.id, p.id);
    assert_eq!(entry.endpoint, "/v1/responses");
    assert_eq!(entry.timeout_ms, None, "the default timeout is not stored");
    let slow = Endpoint::parse(EndpointSpec {
        timeout_seconds: Some("40"),
        headers: Some(r#"{"X-Route":"a"}"#),
        ..spec("/v1/responses")
    })
    .unwrap()
    .entry(&p);
    assert_eq!(slow.timeout_ms, Some(40_000));
    assert_eq!(slow.headers, [("X-Route".to_string(), "a".to_string())]);
    assert_eq!(
        Endpoint::parse(EndpointSpec::default()),
        Err(EndpointError::Missing)
    );
}

#[test]
fn extra_headers_are_public_routing_keys_only() {
    let with = |h: &str| {
        Endpoint::parse(EndpointSpec {
            headers: Some(h),
            ..spec("/x")
        })
    };
    let e = with(r#"{"X-Dealer-Route":"north-7","X-Source":"kiosk"}"#).unwrap();
    assert_eq!(
        e.headers,
        [
            ("X-Dealer-Route".to_string(), "north-7".to_string()),
            ("X-Source".to_string(), "kiosk".to_string())
        ]
    );
    for reserved in [
        "Authorization",
        "cookie",
        "Content-Type",
        "Idempotency-Key",
        "Sec-Fetch-Mode",
        "Proxy-X",
        "Host",
    ] {
        let err = with(&format!(r#"{{"{reserved}":"v"}}"#)).unwrap_err();
        assert_eq!(err, EndpointError::ReservedHeader(reserved.into()));
        assert!(err.to_string().starts_with("data-endpoint-headers: "));
    }
    assert_eq!(
        with(r#"{"X Bad":"v"}"#),
        Err(EndpointError::BadHeaderName("X Bad".into()))
    );
    assert_eq!(
        with(r#"{"X-A":"line\nbreak"}"#),
        Err(EndpointError::BadHeaderValue("X-A".into()))
    );
    assert_eq!(
        with(r#"{"X-A":7}"#),
        Err(EndpointError::BadHeaderValue("X-A".into()))
    );
    assert!(matches!(
        with(r#"["X-A"]"#),
        Err(EndpointError::HeadersNotObject(_))
    ));
    assert!(matches!(
        with(r#"{"X-A":"v""#),
        Err(EndpointError::HeadersNotObject(_))
    ));
    let many: Value = (0..9)
        .map(|i| (format!("X-{i}"), json!("v")))
        .collect::<serde_json::Map<_, _>>()
        .into();
    assert_eq!(
        with(&many.to_string()),
        Err(EndpointError::TooManyHeaders(9))
    );
}

#[test]
fn timeout_is_whole_seconds_in_range() {
    let with = |t: &str| {
        Endpoint::parse(EndpointSpec {
            timeout_seconds: Some(t),
            ..spec("/x")
        })
    };
    assert_eq!(with("3").unwrap().timeout_ms, 3000);
    assert_eq!(with("120").unwrap().timeout_ms, 120_000);
    for bad in ["0", "121", "2.5", "-1", "soon"] {
        let err = with(bad).unwrap_err();
        assert_eq!(err, EndpointError::Timeout(bad.into()));
        assert!(err
            .to_string()
            .starts_with("data-timeout-seconds: expected a whole number from 1 to 120"));
    }
}

#[test]
fn flat_body_without_a_map_keys_every_value_by_its_path() {
    let e = Endpoint::parse(EndpointSpec {
        payload: Some("flat"),
        ..spec("https://crm.example.com/hook")
    })
    .unwrap();
    let body: Value = serde_json::from_str(&e.body(&payload())).unwrap();
    let o = body.as_object().unwrap();
    assert!(
        o.values().all(|v| !v.is_object() && !v.is_array()),
        "{body}"
    );
    assert_eq!(o["id"], "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e");
    assert_eq!(o["survey.id"], "post-service");
    assert_eq!(o["client.mode"], "kiosk");
    assert_eq!(o["context.dealer"], "D001");
    assert_eq!(o["answers.s_overall"], 4);
    assert_eq!(o["answers.what_went_wrong"], "waiting,price");
    assert_eq!(o["answers.contact_me.consent"], true);
    assert_eq!(o["answers.contact_me.phone"], "+86 138 0000 0000");
    assert_eq!(o["answers.contact_me.email"], Value::Null);
    assert_eq!(o["answers.comment"], "Wash was \"great\", thanks");
    assert_eq!(o["score.nps"], 3);
    assert_eq!(o["score.nps.category"], "detractor");
    assert!(o["score.alerts"].as_u64().unwrap() >= 1);
    assert!(
        o["score.alerts.rules"]
            .as_str()
            .unwrap()
            .contains("detractor"),
        "{}",
        o["score.alerts.rules"]
    );
    assert!(o["score.follow_up_due"].is_string());
}

#[test]
fn flat_body_with_a_map_uses_the_dealers_field_names() {
    let fields = r#"{"ResponseId":"id","Dealer":"context.dealer","Advisor":"context.advisor",
        "NPS":"score.nps","Overall":"answers.s_overall","Phone":"answers.contact_me.phone",
        "When":"created_at","Alerts":"score.alerts"}"#;
    let e = Endpoint::parse(EndpointSpec {
        payload: Some("flat"),
        fields: Some(fields),
        ..spec("https://crm.example.com/hook")
    })
    .unwrap();
    let def = templates::load("post-service").unwrap().unwrap();
    e.check_against(&def).unwrap();
    let body: Value = serde_json::from_str(&e.body(&payload())).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 8);
    assert_eq!(body["ResponseId"], "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e");
    assert_eq!(body["Dealer"], "D001");
    assert_eq!(
        body["Advisor"],
        Value::Null,
        "no advisor in the link: null, not dropped"
    );
    assert_eq!(body["NPS"], 3);
    assert_eq!(body["Overall"], 4);
    assert_eq!(body["Phone"], "+86 138 0000 0000");
    assert_eq!(body["When"], "2026-11-23T10:00:00Z");
}

#[test]
fn field_map_errors_name_the_field_and_the_fix() {
    let flat = |fields: &'static str| {
        Endpoint::parse(EndpointSpec {
            payload: Some("flat"),
            fields: Some(fields),
            ..spec("/x")
        })
    };
    let err = flat(r#"{"Dealer":"context.dealer"}"#).unwrap_err();
    assert_eq!(err, EndpointError::NoIdField);
    assert!(err.to_string().contains("\"ResponseId\":\"id\""));
    let err = flat(r#"{"ResponseId":"id","NPS":"score.npx"}"#).unwrap_err();
    assert_eq!(
        err,
        EndpointError::UnknownSource {
            field: "NPS".into(),
            source: "score.npx".into()
        }
    );
    assert!(err.to_string().contains("score.<csi|nps|"), "{err}");
    assert!(matches!(
        flat(r#"{"ResponseId":"id","N":5}"#),
        Err(EndpointError::UnknownSource { .. })
    ));
    assert!(matches!(
        flat(r#"{"":"id"}"#),
        Err(EndpointError::BadFieldName(_))
    ));
    assert!(matches!(
        flat("[1]"),
        Err(EndpointError::FieldsNotObject(_))
    ));
    assert_eq!(
        Endpoint::parse(EndpointSpec {
            fields: Some(r#"{"ResponseId":"id"}"#),
            ..spec("/x")
        }),
        Err(EndpointError::FieldsWithoutFlat)
    );
    assert_eq!(
        Endpoint::parse(EndpointSpec {
            payload: Some("xml"),
            ..spec("/x")
        }),
        Err(EndpointError::Payload("xml".into()))
    );
    let e = flat(r#"{"ResponseId":"id","Score":"answers.s_overal"}"#).unwrap();
    let def = templates::load("post-service").unwrap().unwrap();
    let err = e.check_against(&def).unwrap_err();
    assert_eq!(
        err.to_string(),
        "data-payload-fields: \"Score\" reads answers.s_overal, but the questionnaire has no question \"s_overal\""
    );
}
