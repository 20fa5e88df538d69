//! Real `survey-response/1` payloads, built with the public API the way the widget builds
//! them, for checking `docs/survey-response.schema.json` (`tests/schema/`).
//!
//! ```sh
//! cargo run -q -p survey-core --example sample_payloads            # JSON array of payloads
//! echo '[{…}, …]' | cargo run -q -p survey-core --example sample_payloads -- --check
//! ```
//!
//! Without arguments: both built-in templates answered in several ways (every input type,
//! with and without a score card, three locales, all modes, visit context), each payload
//! checked by `ResponsePayload::validate` and printed as one JSON array.
//!
//! With `--check`: reads a JSON array of candidate payloads on stdin and runs each through
//! what the collector runs (`ResponsePayload::from_json`, then `validate` against the
//! built-in definition of that id, or without one for another survey); prints one
//! `{"ok": true}` or `{"ok": false, "error": "<reason>"}` per candidate.

use serde_json::{json, Value};
use std::io::Read;
use std::process::ExitCode;
use survey_core::answers::ContactAnswer;
use survey_core::payload::{ClientInfo, Mode, SurveyRef, RESPONSE_FORMAT};
use survey_core::scoring::score_at;
use survey_core::{templates, Answer, Locale, QuestionId, ResponseId, ResponsePayload, Session};

/// One customer's visit, as the widget would see it.
struct Visit {
    survey: &'static str,
    /// Seeds the response id (stands in for `crypto.getRandomValues`).
    seed: u8,
    locale: &'static str,
    mode: Mode,
    created_at: &'static str,
    context: &'static [(&'static str, &'static str)],
    answers: Vec<(&'static str, Answer)>,
    /// Whether the device's score card is sent (the widget always sends one; older or
    /// other clients may not).
    scored: bool,
}

fn scale(v: u8) -> Answer {
    Answer::Scale(v)
}

fn choices(values: &[&str]) -> Answer {
    Answer::Choices(values.iter().map(|v| v.to_string()).collect())
}

fn contact(phone: Option<&str>, email: Option<&str>) -> Answer {
    Answer::Contact(ContactAnswer {
        consent: true,
        phone: phone.map(str::to_string),
        email: email.map(str::to_string),
    })
}

/// Every process item of post-service answered `yes`, except those given.
fn post_service_process(except: &[(&'static str, Answer)]) -> Vec<(&'static str, Answer)> {
    let process = [
        "p_appointment",
        "p_cost_estimate",
        "p_time_estimate",
        "p_lounge_food",
        "p_inspect_invite",
        "p_advice",
        "p_on_time",
        "p_all_done",
        "p_fixed_first_time",
    ];
    process
        .iter()
        .map(|&id| {
            let given = except.iter().find(|(e, _)| *e == id);
            (id, given.map_or(Answer::YesNo(true), |(_, a)| a.clone()))
        })
        .collect()
}

fn visits() -> Vec<Visit> {
    let mut out = Vec::new();

    // A delighted customer on the QR page, Simplified Chinese, with a comment.
    let mut answers = post_service_process(&[]);
    answers.extend([
        ("s_wait_reception", scale(5)),
        ("s_lounge", scale(4)),
        ("s_explanation", scale(5)),
        ("s_fair_price", scale(4)),
        ("s_clean", scale(5)),
        ("s_duration", scale(5)),
        ("s_quality", scale(5)),
        ("s_advisor", scale(5)),
        ("s_overall", scale(5)),
        ("return_intent", scale(5)),
        ("nps", scale(10)),
        (
            "comment",
            Answer::Text("服务很周到，谢谢！\n下次还来。".into()),
        ),
    ]);
    out.push(Visit {
        survey: "post-service",
        seed: 1,
        locale: "zh-CN",
        mode: Mode::Page,
        created_at: "2026-11-23T10:00:00.123Z",
        context: &[
            ("advisor", "A17"),
            ("dealer", "D001"),
            ("ro", "RO-2026-000123"),
            ("token", "tk_9fQ2xL"),
            ("visit_date", "2026-11-21"),
        ],
        answers,
        scored: true,
    });

    // An unhappy customer at the dealer's kiosk, English: N/A answers, the "what went
    // wrong" follow-up (multiple choice), a contact request by phone and e-mail, alerts.
    let mut answers = post_service_process(&[
        ("p_lounge_food", Answer::NotApplicable),
        ("p_on_time", Answer::YesNo(false)),
        ("p_fixed_first_time", Answer::YesNo(false)),
    ]);
    answers.extend([
        ("s_wait_reception", scale(2)),
        ("s_lounge", Answer::NotApplicable),
        ("s_explanation", scale(3)),
        ("s_fair_price", scale(2)),
        ("s_clean", scale(4)),
        ("s_duration", scale(1)),
        ("s_quality", scale(2)),
        ("s_advisor", scale(3)),
        ("s_overall", scale(2)),
        ("return_intent", scale(2)),
        ("nps", scale(3)),
        (
            "what_went_wrong",
            choices(&["waiting", "not_fixed", "other"]),
        ),
        (
            "contact_me",
            contact(Some("+86 138-0013-8000"), Some("wang.li@example.com")),
        ),
        (
            "comment",
            Answer::Text("The noise is still there after two visits.".into()),
        ),
    ]);
    out.push(Visit {
        survey: "post-service",
        seed: 2,
        locale: "en",
        mode: Mode::Kiosk,
        created_at: "2026-11-24T08:15:42Z",
        context: &[("dealer", "D002")],
        answers,
        scored: true,
    });

    // Traditional Chinese, embedded on the dealer's site, no context, an older client that
    // sends no score card; a passive NPS, contact by e-mail only.
    let mut answers = post_service_process(&[("p_fixed_first_time", Answer::NotApplicable)]);
    answers.extend([
        ("s_wait_reception", scale(4)),
        ("s_lounge", scale(3)),
        ("s_explanation", scale(4)),
        ("s_fair_price", scale(3)),
        ("s_clean", scale(4)),
        ("s_duration", scale(4)),
        ("s_quality", scale(4)),
        ("s_advisor", scale(4)),
        ("s_overall", scale(4)),
        ("return_intent", scale(4)),
        ("nps", scale(8)),
        ("contact_me", contact(None, Some("chen@example.com.tw"))),
    ]);
    out.push(Visit {
        survey: "post-service",
        seed: 3,
        locale: "zh-TW",
        mode: Mode::Embed,
        created_at: "2026-12-01T23:59:59.5Z",
        context: &[],
        answers,
        scored: false,
    });

    // A hotline call not resolved: the open-issue follow-up (single choice), the matrix,
    // CES, a detractor, a comment and a call-back request; the call type comes from the
    // context through the hidden question.
    out.push(Visit {
        survey: "post-call",
        seed: 4,
        locale: "en",
        mode: Mode::Page,
        created_at: "2026-11-25T14:03:09.000Z",
        context: &[
            ("agent", "hl-042"),
            ("call_type", "complaint"),
            ("dealer", "D001"),
        ],
        answers: vec![
            ("csat", scale(2)),
            ("fcr", Answer::YesNo(false)),
            ("open_issue", Answer::Choice("needs_visit".into())),
            ("call_type", Answer::Text("complaint".into())),
            ("ces", scale(3)),
            ("agent_courtesy", scale(4)),
            ("agent_knowledge", scale(2)),
            ("nps", scale(5)),
            ("comment", Answer::Text("Nobody called me back.".into())),
            ("contact_me", contact(Some("(021) 6234 5678"), None)),
        ],
        scored: true,
    });

    // A resolved call, Simplified Chinese, at a kiosk; only the required questions.
    out.push(Visit {
        survey: "post-call",
        seed: 5,
        locale: "zh-CN",
        mode: Mode::Kiosk,
        created_at: "2026-11-26T02:00:00.25Z",
        context: &[("call_type", "booking"), ("dealer", "D003")],
        answers: vec![
            ("csat", scale(5)),
            ("fcr", Answer::YesNo(true)),
            ("call_type", Answer::Text("booking".into())),
            ("ces", scale(7)),
            ("agent_courtesy", scale(5)),
            ("agent_knowledge", scale(5)),
            ("nps", scale(9)),
        ],
        scored: true,
    });

    // Traditional Chinese, embedded, no score card, no context (so no hidden answer), a
    // customer who ticked "contact me" and then withdrew consent.
    out.push(Visit {
        survey: "post-call",
        seed: 6,
        locale: "zh-TW",
        mode: Mode::Embed,
        created_at: "2026-11-27T09:30:00Z",
        context: &[],
        answers: vec![
            ("csat", scale(4)),
            ("fcr", Answer::YesNo(true)),
            ("ces", scale(5)),
            ("agent_courtesy", scale(4)),
            ("agent_knowledge", scale(3)),
            ("nps", scale(7)),
            ("comment", Answer::Text("還可以".into())),
            (
                "contact_me",
                Answer::Contact(ContactAnswer {
                    consent: false,
                    phone: Some("0912 345 678".into()),
                    email: None,
                }),
            ),
        ],
        scored: false,
    });
    out
}

/// Answers the survey through a [`Session`], as the widget does, and builds the payload.
fn payload(visit: &Visit) -> Result<ResponsePayload, String> {
    let def = templates::load(visit.survey)
        .ok_or_else(|| format!("no built-in survey {:?}", visit.survey))?
        .map_err(|e| e.to_string())?;
    let mut session = Session::new();
    for (id, answer) in &visit.answers {
        session
            .answer(&def, &QuestionId::new(*id), Some(answer.clone()))
            .map_err(|e| format!("{}: answering {id}: {e:?}", visit.survey))?;
    }
    let answers = session
        .finish(&def)
        .map_err(|e| format!("{} (seed {}): {e:?}", visit.survey, visit.seed))?;
    let created_at = visit.created_at.to_string();
    let score = visit
        .scored
        .then(|| score_at(&def, &answers, &def.scoring_config(), &created_at));
    let payload = ResponsePayload {
        format: RESPONSE_FORMAT.to_string(),
        id: ResponseId::from_random_bytes([visit.seed.wrapping_mul(37); 16].map(|b| b ^ 0x5a)),
        survey: SurveyRef {
            id: def.id.clone(),
            version: def.version,
        },
        locale: Locale::new(visit.locale),
        created_at,
        context: visit
            .context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        answers,
        client: ClientInfo {
            widget_version: "0.1.0".into(),
            mode: visit.mode,
            all_yes: Vec::new(),
        },
        score,
    };
    payload
        .validate(Some(&def))
        .map_err(|e| format!("{} (seed {}): {e}", visit.survey, visit.seed))?;
    let text = serde_json::to_string(&payload).map_err(|e| e.to_string())?;
    if ResponsePayload::from_json(&text).as_ref() != Ok(&payload) {
        return Err(format!("seed {}: does not round-trip", visit.seed));
    }
    Ok(payload)
}

/// What the collector does with a posted body before storing it.
fn check(candidate: &Value) -> Value {
    let result = ResponsePayload::from_json(&candidate.to_string()).and_then(|p| {
        match templates::load(p.survey.id.as_str()) {
            Some(Ok(def)) => p.validate(Some(&def)),
            Some(Err(e)) => Err(survey_core::PayloadError {
                path: String::new(),
                problem: format!("built-in survey invalid: {e}"),
            }),
            None => p.validate(None),
        }
    });
    match result {
        Ok(()) => json!({ "ok": true }),
        Err(e) => json!({ "ok": false, "error": e.to_string() }),
    }
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            let payloads = visits()
                .iter()
                .map(payload)
                .collect::<Result<Vec<_>, _>>()?;
            serde_json::to_string_pretty(&payloads).map_err(|e| e.to_string())
        }
        [flag] if flag == "--check" => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|e| format!("reading stdin: {e}"))?;
            let candidates: Vec<Value> = serde_json::from_str(&input)
                .map_err(|e| format!("stdin is not a JSON array: {e}"))?;
            let results: Vec<Value> = candidates.iter().map(check).collect();
            serde_json::to_string_pretty(&results).map_err(|e| e.to_string())
        }
        _ => Err("usage: sample_payloads [--check < candidates.json]".into()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sample_payloads: {e}");
            ExitCode::FAILURE
        }
    }
}
