use super::*;
use crate::cases::Outcome;

#[test]
fn only_a_reached_customer_is_interviewed() {
    assert_eq!(ending(CallOutcome::Reached), Ending::Interview);
    for o in [
        CallOutcome::NoAnswer,
        CallOutcome::Refused,
        CallOutcome::CallBackLater,
    ] {
        assert_eq!(ending(o), Ending::LogAttempt, "{o:?}");
    }
    // "Reached" logs nothing from the bar: the interview's response is the record.
    assert_eq!(attempt_body(CallOutcome::Reached, ""), None);
    assert_eq!(
        call_back_at("2026-12-04T08:30:00.123Z").as_deref(),
        Some("2026-12-05T08:30:00.123Z")
    );
    assert_eq!(call_back_at("tomorrow"), None);
}

#[test]
fn the_attempt_body_is_the_case_apis_action() {
    let t = "2026-12-05T08:30:00.000Z";
    let cases = [
        (CallOutcome::NoAnswer, Outcome::NoAnswer),
        (CallOutcome::Refused, Outcome::Refused),
        (CallOutcome::CallBackLater, Outcome::CallBackAt(t.into())),
    ];
    for (o, expected) in cases {
        let body = attempt_body(o, t).expect("a body");
        // The collector's own parser reads it back as that attempt.
        let action: crate::cases::Action = serde_json::from_str(&body).expect("an action");
        assert_eq!(
            action,
            crate::cases::Action::Attempt { outcome: expected },
            "{body}"
        );
    }
    assert_eq!(
        attempt_body(CallOutcome::NoAnswer, "").as_deref(),
        Some(r#"{"action":"attempt","outcome":"no_answer"}"#)
    );
    // A time that would break out of the string is not written.
    for bad in ["", "2026\"}", "x y", "2026-12-05T08:30:00Z\""] {
        assert_eq!(
            attempt_body(CallOutcome::CallBackLater, bad),
            None,
            "{bad:?}"
        );
    }
}

#[test]
fn an_attempt_path_takes_only_an_id() {
    let id = "0b5e1c9e-4f7a-4b59-9a53-3f7c2f4d8e11";
    assert_eq!(
        attempt_path(id).as_deref(),
        Some("/v1/cases/0b5e1c9e-4f7a-4b59-9a53-3f7c2f4d8e11/events")
    );
    for bad in ["", "../users", "a/b", "a b", "<x>", "a.b"] {
        assert_eq!(attempt_path(bad), None, "{bad:?}");
    }
}

#[test]
fn back_leads_to_the_case_or_the_call_list() {
    assert_eq!(back_link(Some("c-1")), "/console#cases/c-1");
    assert_eq!(back_link(None), "/console#calls");
    assert_eq!(back_link(Some("../x")), "/console#calls");
}

#[test]
fn digits_choose_the_nth_answer_and_enter_continues() {
    // Yes / No / Not applicable.
    assert_eq!(shortcut("1", false, 3), Some(Shortcut::Choose(0)));
    assert_eq!(shortcut("3", false, 3), Some(Shortcut::Choose(2)));
    assert_eq!(shortcut("4", false, 3), None);
    assert_eq!(shortcut("0", false, 3), None);
    // Ten answers: 0 is the tenth.
    assert_eq!(shortcut("0", false, 10), Some(Shortcut::Choose(9)));
    assert_eq!(shortcut("Enter", false, 0), Some(Shortcut::Continue));
    for other in ["a", "12", "", "F1", "Tab", " ", "٣"] {
        assert_eq!(shortcut(other, false, 10), None, "{other:?}");
    }
}

#[test]
fn on_a_scale_from_zero_the_digit_is_the_score() {
    // NPS: 0..10, eleven answers.
    assert_eq!(shortcut("0", true, 11), Some(Shortcut::Choose(0)));
    assert_eq!(shortcut("9", true, 11), Some(Shortcut::Choose(9)));
    assert_eq!(shortcut("5", true, 3), None);
}

#[test]
fn hints_are_the_inverse_of_the_shortcuts() {
    for zero_based in [false, true] {
        for count in [2usize, 3, 5, 6, 10, 11] {
            for index in 0..count {
                match key_hint(index, zero_based) {
                    Some(k) => assert_eq!(
                        shortcut(&k.to_string(), zero_based, count),
                        Some(Shortcut::Choose(index))
                    ),
                    // Only past the tenth answer is there no key.
                    None => assert!(index >= 10, "{index}"),
                }
            }
        }
    }
    assert_eq!(key_hint(0, false), Some('1'));
    assert_eq!(key_hint(9, false), Some('0'));
    assert_eq!(key_hint(10, true), None);
}

#[test]
fn the_rated_advisor_cannot_interview() {
    // The visit's advisor id against the agent's login or advisor id.
    assert!(interviewer_is_rated(Some("A07"), "a07", None));
    assert!(interviewer_is_rated(Some(" A07 "), "li.wei", Some("a07")));
    assert!(!interviewer_is_rated(Some("A07"), "li.wei", Some("A08")));
    assert!(!interviewer_is_rated(Some("A07"), "li.wei", None));
    // No advisor on the visit: nobody is rated.
    assert!(!interviewer_is_rated(None, "a07", Some("A07")));
    assert!(!interviewer_is_rated(Some(" "), " ", Some("")));
    // Unicode names compare exactly (no case folding beyond ASCII).
    assert!(interviewer_is_rated(Some("王丽"), "王丽", None));
}

#[test]
fn item_nine_counts_calendar_days_in_the_dealers_zone() {
    let z = Zone::SHANGHAI;
    // Visit on Monday 2026-11-30; 3 days later (Thursday) local time still counts.
    assert_eq!(
        called_back_within(Some("2026-11-30"), "2026-12-03T15:59:59Z", z),
        Some(true)
    );
    // 16:00 UTC is already Friday in Shanghai: four days.
    assert_eq!(
        called_back_within(Some("2026-11-30"), "2026-12-03T16:00:00Z", z),
        Some(false)
    );
    // The same instant in UTC is still Thursday.
    assert_eq!(
        called_back_within(Some("2026-11-30"), "2026-12-03T16:00:00Z", Zone::UTC),
        Some(true)
    );
    assert_eq!(
        called_back_within(Some("2026-11-30"), "2026-11-30T02:00:00Z", z),
        Some(true)
    );
    // Unknown visit, unreadable times, a call before the visit: not derived.
    assert_eq!(called_back_within(None, "2026-12-01T00:00:00Z", z), None);
    assert_eq!(
        called_back_within(Some("30/11"), "2026-12-01T00:00:00Z", z),
        None
    );
    assert_eq!(called_back_within(Some("2026-11-30"), "soon", z), None);
    assert_eq!(
        called_back_within(Some("2026-11-30"), "2026-11-28T00:00:00Z", z),
        None
    );
}

#[test]
fn the_first_call_is_the_earliest_readable_time() {
    assert_eq!(
        first_call([
            "2026-12-03T08:00:00Z",
            "nonsense",
            "2026-12-02T09:00:00.5Z",
            "2026-12-02T08:59:59Z",
        ]),
        Some("2026-12-02T08:59:59Z")
    );
    assert_eq!(first_call(["x"]), None);
}

#[test]
fn an_unreached_call_list_customer_is_logged_on_the_follow_up() {
    let t = "2026-12-05T08:30:00.000Z";
    let ctx = |k: &str, v: &str| [(k.to_string(), v.to_string())].into_iter().collect();
    let call = Call::of_context(&ctx(FOLLOWUP_KEY, "F-17")).expect("a follow-up");
    assert_eq!(call, Call::FollowUp("F-17".into()));
    let (path, body) = call
        .attempt_request(CallOutcome::NoAnswer, t)
        .expect("a request");
    assert_eq!(path, "/v1/followups/F-17/attempts");
    assert_eq!(body, r#"{"outcome":"no_answer"}"#);
    let (_, later) = call
        .attempt_request(CallOutcome::CallBackLater, t)
        .expect("a request");
    assert_eq!(later, format!(r#"{{"outcome":{{"call_back_at":"{t}"}}}}"#));
    // The call list's own parser reads the outcome back.
    let v: serde_json::Value = serde_json::from_str(&later).expect("JSON");
    let parsed: Outcome = serde_json::from_value(v["outcome"].clone()).expect("an outcome");
    assert_eq!(parsed, Outcome::CallBackAt(t.into()));
    assert_eq!(call.attempt_request(CallOutcome::Reached, t), None);
    assert_eq!(
        Call::FollowUp("../x".into()).attempt_request(CallOutcome::NoAnswer, t),
        None
    );
    // A case wins over a follow-up, and logs on the case API as before.
    let mut both = ctx(CASE_KEY, "c-1");
    both.insert(FOLLOWUP_KEY.into(), "F-17".into());
    let case = Call::of_context(&both).expect("a case");
    assert_eq!(
        case.attempt_request(CallOutcome::Refused, t),
        Some((
            "/v1/cases/c-1/events".to_string(),
            r#"{"action":"attempt","outcome":"refused"}"#.to_string()
        ))
    );
    assert_eq!(Call::of_context(&Default::default()), None);
}
