//! The survey flow: paging, skip logic, validation of every kind of answer, finishing,
//! and the collector's re-check of a posted response.

use serde_json::{json, Value};
use survey_core::answers::{is_valid_email, is_valid_phone, AnswerError, ContactAnswer};
use survey_core::questionnaire::Condition;
use survey_core::session::{Session, SessionError};
use survey_core::{templates, Answer, Answers, Definition, Input, QuestionId, ResponsePayload};

fn def() -> Definition {
    templates::load("post-service").unwrap().unwrap()
}

fn qid(s: &str) -> QuestionId {
    QuestionId::new(s)
}

fn t(en: &str) -> Value {
    json!({ "en": en })
}

/// pages[0] start:   s_overall (rating), fcr (yes_no), open_issue (single_choice, if fcr = no), dealer (hidden)
/// pages[1] unhappy: issues (multi_choice x|y|z, at most 2)      — page shown if s_overall ≤ 2
/// pages[2] agent:   agent (matrix a_courtesy, a_knowledge, N/A allowed)
/// pages[3] detail:  x_detail (text, if issues includes x)        — so shown only then
/// pages[4] last:    contact_me (contact, phone only, required)
fn fixture() -> Definition {
    let v = json!({
        "format": "survey-definition/1", "id": "fixture", "version": 1,
        "default_locale": "en", "locales": ["en"], "title": t("Fixture"),
        "pages": [
            {"id": "start", "questions": [
                {"id": "s_overall", "text": t("Overall"), "required": true,
                 "input": {"type": "rating", "points": 5, "low": t("bad"), "high": t("good")}},
                {"id": "fcr", "text": t("Resolved?"), "required": true, "input": {"type": "yes_no"}},
                {"id": "open_issue", "text": t("What is open?"), "required": true,
                 "input": {"type": "single_choice", "options": [
                     {"value": "answer", "label": t("An answer")}, {"value": "visit", "label": t("A visit")}]},
                 "show_if": {"equals": {"question": "fcr", "value": {"yes_no": false}}}},
                {"id": "dealer", "text": t("Dealer"), "input": {"type": "hidden", "source": "dealer"}}
            ]},
            {"id": "unhappy", "show_if": {"at_most": {"question": "s_overall", "value": 2}}, "questions": [
                {"id": "issues", "text": t("What went wrong?"), "required": true,
                 "input": {"type": "multi_choice", "max_selected": 2, "options": [
                     {"value": "x", "label": t("X")}, {"value": "y", "label": t("Y")}, {"value": "z", "label": t("Z")}]}}
            ]},
            {"id": "agent", "questions": [
                {"id": "agent", "text": t("Agent"), "required": true,
                 "input": {"type": "matrix", "points": 5, "low": t("bad"), "high": t("good"), "allow_na": true,
                           "items": [{"id": "a_courtesy", "text": t("Courtesy")}, {"id": "a_knowledge", "text": t("Knowledge")}]}}
            ]},
            {"id": "detail", "questions": [
                {"id": "x_detail", "text": t("Tell us about X"), "required": true,
                 "input": {"type": "text", "max_length": 50},
                 "show_if": {"includes": {"question": "issues", "option": "x"}}}
            ]},
            {"id": "last", "questions": [
                {"id": "contact_me", "text": t("Contact?"), "required": true,
                 "input": {"type": "contact", "channels": ["phone"]}}
            ]}
        ]
    });
    Definition::from_json(&v.to_string()).unwrap()
}

fn set(s: &mut Session, d: &Definition, id: &str, a: Answer) {
    s.answer(d, &qid(id), Some(a)).unwrap();
}

fn declined() -> Answer {
    Answer::Contact(ContactAnswer {
        consent: false,
        phone: None,
        email: None,
    })
}

fn problems(r: Result<(), SessionError>) -> Vec<(String, AnswerError)> {
    match r {
        Err(SessionError::Invalid(p)) => p.into_iter().map(|(id, e)| (id.0, e)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Answers every question shown on the current page with a fixed, happy answer.
fn answer_page(s: &mut Session, d: &Definition) {
    for q in s.visible_questions(d) {
        for target in q.targets() {
            let a = match &q.input {
                Input::Rating { .. } | Input::Matrix { .. } => Some(Answer::Scale(4)),
                Input::Nps { .. } => Some(Answer::Scale(9)),
                Input::YesNo { .. } => Some(Answer::YesNo(true)),
                Input::SingleChoice { options } => Some(Answer::Choice(options[0].value.clone())),
                Input::MultiChoice { options, .. } => {
                    Some(Answer::Choices(vec![options[0].value.clone()]))
                }
                Input::Contact { .. } => Some(declined()),
                Input::Text { .. } | Input::Hidden { .. } => None,
            };
            s.answer(d, target.id(), a).unwrap();
        }
    }
}

// ---------- the post-service flow ----------

#[test]
fn next_refuses_an_incomplete_page_and_lists_problems_in_order() {
    let d = def();
    let mut s = Session::new();
    s.answer(&d, &qid("p_cost_estimate"), Some(Answer::YesNo(false)))
        .unwrap();
    let err = s.next(&d).unwrap_err();
    let SessionError::Invalid(problems) = err else {
        panic!("expected Invalid")
    };
    let ids: Vec<_> = problems.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["p_appointment", "p_time_estimate", "p_lounge_food"]);
    assert_eq!(s.page(), 0);
    assert_eq!(
        s.errors().get(&qid("p_appointment")),
        Some(&AnswerError::Required)
    );
}

#[test]
fn answering_clears_that_fields_error_only() {
    let d = def();
    let mut s = Session::new();
    let _ = s.next(&d);
    s.answer(&d, &qid("p_appointment"), Some(Answer::YesNo(true)))
        .unwrap();
    assert!(!s.errors().contains_key(&qid("p_appointment")));
    assert!(s.errors().contains_key(&qid("p_time_estimate")));
}

#[test]
fn a_happy_customer_walks_every_page_and_back() {
    let d = def();
    let mut s = Session::new();
    for p in 0..d.pages.len() {
        assert_eq!(s.page(), p);
        assert_eq!(s.progress(&d).current, p + 1);
        answer_page(&mut s, &d);
        s.next(&d).unwrap();
    }
    assert!(s.is_last_page(&d));
    assert_eq!(s.page(), 9);
    assert_eq!(
        {
            let p = s.progress(&d);
            (p.current, p.total)
        },
        (10, 10)
    );
    let shown: Vec<_> = s
        .visible_questions(&d)
        .iter()
        .map(|q| q.id.0.clone())
        .collect();
    assert_eq!(
        shown,
        ["first_use", "comment"],
        "the optional first-use item and the free comment come last"
    );
    s.back();
    assert_eq!(s.page(), 8);
    let shown: Vec<_> = s
        .visible_questions(&d)
        .iter()
        .map(|q| q.id.0.clone())
        .collect();
    assert_eq!(
        shown,
        ["contact_me"],
        "no 'what went wrong' for 4/5 and NPS 9"
    );
    let answers = s.finish(&d).unwrap();
    assert_eq!(answers.get(&qid("nps")), Some(&Answer::Scale(9)));
    assert_eq!(answers.get(&qid("contact_me")), Some(&declined()));
    assert_eq!(
        answers.len(),
        22,
        "every question (the optional first use included) but the optional comment and the hidden follow-up"
    );
}

#[test]
fn the_what_went_wrong_follow_up_shows_for_a_low_score_or_a_detractor() {
    let d = def();
    let shows = |overall: u8, nps: u8| {
        let mut a = Answers::new();
        a.insert(qid("s_overall"), Answer::Scale(overall));
        a.insert(qid("nps"), Answer::Scale(nps));
        d.visibility(&a).question_active(8, 0)
    };
    assert!(shows(2, 9));
    assert!(shows(1, 10));
    assert!(shows(5, 6));
    assert!(shows(3, 0));
    assert!(!shows(3, 7));
    assert!(!shows(5, 10));
    assert!(!d.visibility(&Answers::new()).question_active(8, 0));
}

#[test]
fn not_applicable_only_where_offered() {
    let d = def();
    let mut s = Session::new();
    s.answer(&d, &qid("p_lounge_food"), Some(Answer::NotApplicable))
        .unwrap();
    s.answer(&d, &qid("p_cost_estimate"), Some(Answer::NotApplicable))
        .unwrap();
    // A walk-in answers the appointment question "not applicable" (issue 13 item 20).
    s.answer(&d, &qid("p_appointment"), Some(Answer::NotApplicable))
        .unwrap();
    let problems = s.check_page(&d);
    assert!(problems.contains(&(qid("p_cost_estimate"), AnswerError::NotApplicableNotAllowed)));
    for offered in ["p_lounge_food", "p_appointment"] {
        assert!(!problems.iter().any(|(id, _)| id == &qid(offered)));
    }
}

#[test]
fn blank_text_is_no_answer_and_long_text_is_refused() {
    let d = def();
    let mut s = Session::restore(&d, 9, Default::default());
    assert_eq!(s.page(), 9);
    s.answer(&d, &qid("comment"), Some(Answer::Text("   ".into())))
        .unwrap();
    assert!(s.answers().is_empty());
    s.answer(&d, &qid("comment"), Some(Answer::Text("长".repeat(1001))))
        .unwrap();
    assert_eq!(
        s.check_page(&d),
        vec![(
            qid("comment"),
            AnswerError::TooLong {
                max: 1000,
                found: 1001
            }
        )]
    );
}

#[test]
fn finish_jumps_to_the_first_page_with_a_problem() {
    let d = def();
    let mut s = Session::new();
    for _ in 0..3 {
        answer_page(&mut s, &d);
        s.next(&d).unwrap();
    }
    s.answer(&d, &qid("p_on_time"), None).unwrap();
    assert!(s.finish(&d).is_err());
    assert_eq!(s.page(), 1);
    s.back();
    assert_eq!(s.page(), 0);
}

#[test]
fn unknown_question_is_an_error() {
    let d = def();
    let mut s = Session::new();
    assert_eq!(
        s.answer(&d, &qid("nope"), Some(Answer::Scale(1))),
        Err(SessionError::UnknownQuestion(qid("nope")))
    );
}

#[test]
fn restore_drops_answers_that_no_longer_fit() {
    let d = def();
    let mut answers = Answers::new();
    answers.insert(qid("s_quality"), Answer::Scale(5));
    answers.insert(qid("s_clean"), Answer::Scale(9));
    answers.insert(qid("gone"), Answer::Scale(1));
    let s = Session::restore(&d, 99, answers);
    assert_eq!(s.answers().len(), 1);
    assert_eq!(s.page(), 9);
}

// ---------- conditions ----------

#[test]
fn conditions_evaluate_on_answers() {
    let mut a = Answers::new();
    a.insert(qid("r"), Answer::Scale(3));
    a.insert(qid("na"), Answer::NotApplicable);
    a.insert(qid("yn"), Answer::YesNo(false));
    a.insert(qid("one"), Answer::Choice("b".into()));
    a.insert(qid("many"), Answer::Choices(vec!["x".into(), "z".into()]));
    let at_most = |q: &str, value| Condition::AtMost {
        question: qid(q),
        value,
    };
    let at_least = |q: &str, value| Condition::AtLeast {
        question: qid(q),
        value,
    };
    let includes = |q: &str, o: &str| Condition::Includes {
        question: qid(q),
        option: o.into(),
    };
    let answered = |q: &str| Condition::Answered { question: qid(q) };
    assert!(at_most("r", 3).eval(&a));
    assert!(!at_most("r", 2).eval(&a));
    assert!(at_least("r", 3).eval(&a));
    assert!(!at_least("r", 4).eval(&a));
    // Not applicable and unanswered are neither low nor high.
    assert!(!at_most("na", 10).eval(&a));
    assert!(!at_least("na", 0).eval(&a));
    assert!(!at_most("missing", 10).eval(&a));
    assert!(Condition::Not(Box::new(at_most("missing", 10))).eval(&a));
    assert!(answered("na").eval(&a));
    assert!(!answered("missing").eval(&a));
    let equals = |q: &str, v: Answer| Condition::Equals {
        question: qid(q),
        value: v,
    };
    assert!(equals("yn", Answer::YesNo(false)).eval(&a));
    assert!(!equals("yn", Answer::YesNo(true)).eval(&a));
    assert!(!equals("missing", Answer::YesNo(false)).eval(&a));
    assert!(includes("one", "b").eval(&a));
    assert!(!includes("one", "a").eval(&a));
    assert!(includes("many", "z").eval(&a));
    assert!(!includes("many", "y").eval(&a));
    assert!(!includes("r", "3").eval(&a));
    assert!(Condition::Any(vec![at_most("r", 1), includes("many", "x")]).eval(&a));
    assert!(!Condition::All(vec![at_most("r", 1), includes("many", "x")]).eval(&a));
    let c = Condition::All(vec![answered("a"), Condition::Not(Box::new(answered("b")))]);
    let ids: Vec<_> = c.questions().into_iter().map(|q| q.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn a_follow_up_appears_on_the_same_page_and_goes_away_with_its_error() {
    let d = fixture();
    let mut s = Session::new();
    set(&mut s, &d, "s_overall", Answer::Scale(4));
    let ids = |s: &Session| -> Vec<String> {
        s.visible_questions(&d)
            .iter()
            .map(|q| q.id.0.clone())
            .collect()
    };
    assert_eq!(
        ids(&s),
        ["s_overall", "fcr"],
        "hidden inputs are never shown"
    );
    set(&mut s, &d, "fcr", Answer::YesNo(false));
    assert_eq!(ids(&s), ["s_overall", "fcr", "open_issue"]);
    assert_eq!(
        problems(s.next(&d)),
        [("open_issue".to_string(), AnswerError::Required)]
    );
    set(&mut s, &d, "fcr", Answer::YesNo(true));
    assert!(s.errors().is_empty(), "the hidden follow-up's error goes");
    assert_eq!(ids(&s), ["s_overall", "fcr"]);
    s.next(&d).unwrap();
    assert_eq!(s.page(), 2, "the unhappy page is skipped for 4/5");
}

#[test]
fn pages_are_skipped_by_their_condition_or_when_nothing_on_them_is_shown() {
    let d = fixture();
    let mut s = Session::new();
    set(&mut s, &d, "s_overall", Answer::Scale(2));
    set(&mut s, &d, "fcr", Answer::YesNo(true));
    assert_eq!(
        {
            let p = s.progress(&d);
            (p.current, p.total)
        },
        (1, 4),
        "start, unhappy, agent, last; detail waits for issue x"
    );
    s.next(&d).unwrap();
    assert_eq!(s.page(), 1);
    assert_eq!(
        {
            let p = s.progress(&d);
            (p.current, p.total)
        },
        (2, 4)
    );
    set(&mut s, &d, "issues", Answer::Choices(vec!["y".into()]));
    s.next(&d).unwrap();
    set(&mut s, &d, "a_courtesy", Answer::Scale(5));
    set(&mut s, &d, "a_knowledge", Answer::NotApplicable);
    s.next(&d).unwrap();
    assert_eq!(s.page(), 4, "detail is skipped: issue x was not chosen");
    assert!(s.is_last_page(&d));
    s.back();
    assert_eq!(s.page(), 2);
    s.back();
    assert_eq!(s.page(), 1);
    set(&mut s, &d, "issues", Answer::Choices(vec!["x".into()]));
    assert_eq!(
        {
            let p = s.progress(&d);
            (p.current, p.total)
        },
        (2, 5)
    );
    s.next(&d).unwrap();
    s.next(&d).unwrap();
    assert_eq!(s.page(), 3, "detail now shows");
    assert_eq!(
        problems(s.next(&d)),
        [("x_detail".to_string(), AnswerError::Required)]
    );
    s.back();
    s.back();
    s.back();
    assert_eq!(s.page(), 0);
    set(&mut s, &d, "s_overall", Answer::Scale(5));
    s.next(&d).unwrap();
    assert_eq!(s.page(), 2, "the unhappy page is skipped now");
    s.next(&d).unwrap();
    assert_eq!(
        s.page(),
        4,
        "detail hides too: the stale issue x is not in force"
    );
}

#[test]
fn finish_leaves_out_the_answers_of_questions_hidden_at_the_end() {
    let d = fixture();
    let mut s = Session::new();
    set(&mut s, &d, "s_overall", Answer::Scale(1));
    set(&mut s, &d, "fcr", Answer::YesNo(false));
    set(&mut s, &d, "open_issue", Answer::Choice("visit".into()));
    set(&mut s, &d, "dealer", Answer::Text("D001".into()));
    set(&mut s, &d, "issues", Answer::Choices(vec!["x".into()]));
    set(&mut s, &d, "x_detail", Answer::Text("noise".into()));
    set(&mut s, &d, "a_courtesy", Answer::Scale(1));
    set(&mut s, &d, "a_knowledge", Answer::Scale(2));
    set(&mut s, &d, "contact_me", declined());
    assert_eq!(s.finish(&d).unwrap().len(), 9);
    // The customer changes their mind: happy after all, and resolved.
    set(&mut s, &d, "s_overall", Answer::Scale(5));
    set(&mut s, &d, "fcr", Answer::YesNo(true));
    let answers = s.finish(&d).unwrap();
    let ids: Vec<_> = answers.keys().map(|k| k.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a_courtesy",
            "a_knowledge",
            "contact_me",
            "dealer",
            "fcr",
            "s_overall"
        ]
    );
    assert_eq!(
        s.answers().len(),
        9,
        "kept in the session in case they go back"
    );
    assert_eq!(d.active_answers(s.answers()), answers);
}

#[test]
fn finish_checks_only_shown_pages_and_questions() {
    let d = fixture();
    let mut s = Session::new();
    set(&mut s, &d, "s_overall", Answer::Scale(5));
    set(&mut s, &d, "fcr", Answer::YesNo(true));
    set(&mut s, &d, "contact_me", declined());
    let err = s.finish(&d).unwrap_err();
    assert_eq!(
        problems(Err(err)),
        [
            ("a_courtesy".to_string(), AnswerError::Required),
            ("a_knowledge".to_string(), AnswerError::Required)
        ]
    );
    assert_eq!(s.page(), 2);
    s.back();
    assert_eq!(s.page(), 0, "back skips the unhappy page");
}

#[test]
fn restore_lands_on_a_shown_page() {
    let d = fixture();
    let mut answers = Answers::new();
    answers.insert(qid("s_overall"), Answer::Scale(5));
    let s = Session::restore(&d, 1, answers.clone());
    assert_eq!(s.page(), 0, "the unhappy page is not shown for 5/5");
    let mut s = Session::restore(&d, 3, answers);
    assert_eq!(s.page(), 2);
    s.back();
    assert_eq!(s.page(), 0);
}

// ---------- answers of every kind ----------

#[test]
fn matrix_items_are_answered_and_checked_by_their_own_ids() {
    let d = fixture();
    let mut s = Session::restore(&d, 2, Answers::new());
    assert_eq!(s.page(), 2);
    assert_eq!(
        s.answer(&d, &qid("agent"), Some(Answer::Scale(3))),
        Err(SessionError::UnknownQuestion(qid("agent")))
    );
    set(&mut s, &d, "a_knowledge", Answer::Scale(6));
    assert_eq!(
        s.check_page(&d),
        [
            (qid("a_courtesy"), AnswerError::Required),
            (
                qid("a_knowledge"),
                AnswerError::OutOfRange { min: 1, max: 5 }
            )
        ]
    );
    set(&mut s, &d, "a_courtesy", Answer::NotApplicable);
    set(&mut s, &d, "a_knowledge", Answer::Scale(5));
    assert!(s.check_page(&d).is_empty());
}

#[test]
fn choice_answers() {
    let d = fixture();
    let check = |id: &str, a: Answer| d.answer_target(&qid(id)).unwrap().check(Some(&a));
    assert_eq!(check("open_issue", Answer::Choice("visit".into())), Ok(()));
    assert_eq!(
        check("open_issue", Answer::Choice("other".into())),
        Err(AnswerError::UnknownOption("other".into()))
    );
    assert_eq!(
        check("open_issue", Answer::Choices(vec!["visit".into()])),
        Err(AnswerError::WrongType)
    );
    let many = |c: &[&str]| Answer::Choices(c.iter().map(|s| s.to_string()).collect());
    assert_eq!(check("issues", many(&["x", "z"])), Ok(()));
    assert_eq!(
        check("issues", many(&["x", "y", "z"])),
        Err(AnswerError::SelectionCount { min: 1, max: 2 })
    );
    assert_eq!(
        check("issues", many(&["x", "x"])),
        Err(AnswerError::DuplicateOption("x".into()))
    );
    assert_eq!(
        check("issues", many(&["w"])),
        Err(AnswerError::UnknownOption("w".into()))
    );
    assert_eq!(check("issues", many(&[])), Err(AnswerError::Required));
    // The session keeps choices in option order, and an empty selection is no answer.
    let mut s = Session::new();
    set(&mut s, &d, "issues", many(&["z", "x"]));
    assert_eq!(s.answers().get(&qid("issues")), Some(&many(&["x", "z"])));
    set(&mut s, &d, "issues", many(&[]));
    assert!(s.answers().is_empty());
}

#[test]
fn hidden_questions_are_filled_never_required_and_limited() {
    let d = fixture();
    let dealer = d.answer_target(&qid("dealer")).unwrap();
    assert_eq!(dealer.check(None), Ok(()));
    assert_eq!(dealer.check(Some(&Answer::Text("D001".into()))), Ok(()));
    assert_eq!(
        dealer.check(Some(&Answer::Text("x".repeat(129)))),
        Err(AnswerError::TooLong {
            max: 128,
            found: 129
        })
    );
    assert_eq!(
        dealer.check(Some(&Answer::Scale(1))),
        Err(AnswerError::WrongType)
    );
    let mut s = Session::new();
    set(&mut s, &d, "dealer", Answer::Text("x".repeat(129)));
    assert!(
        s.answers().is_empty(),
        "a value that does not fit is not kept"
    );
    set(&mut s, &d, "dealer", Answer::Text("D001".into()));
    assert_eq!(
        s.answers().get(&qid("dealer")),
        Some(&Answer::Text("D001".into()))
    );
}

fn contact(consent: bool, phone: Option<&str>, email: Option<&str>) -> Answer {
    Answer::Contact(ContactAnswer {
        consent,
        phone: phone.map(str::to_string),
        email: email.map(str::to_string),
    })
}

#[test]
fn contact_answers() {
    let d = fixture();
    let phone_only = d.answer_target(&qid("contact_me")).unwrap();
    let check = |a: Answer| phone_only.check(Some(&a));
    assert_eq!(phone_only.check(None), Err(AnswerError::Required));
    assert_eq!(
        check(contact(false, None, None)),
        Ok(()),
        "declining answers it"
    );
    assert_eq!(
        check(contact(true, Some("+86 138-0013-8000"), None)),
        Ok(())
    );
    assert_eq!(
        check(contact(true, None, None)),
        Err(AnswerError::ContactMissing)
    );
    assert_eq!(
        check(contact(true, Some("12345"), None)),
        Err(AnswerError::InvalidPhone)
    );
    assert_eq!(
        check(contact(true, Some("13800138000"), Some("a@b.cn"))),
        Err(AnswerError::ChannelNotOffered),
        "this question offers phone only"
    );
    assert_eq!(
        check(contact(false, Some("13800138000"), None)),
        Err(AnswerError::ContactWithoutConsent)
    );
    let both = templates::load("post-call").unwrap().unwrap();
    let both = both.answer_target(&qid("contact_me")).unwrap();
    assert_eq!(both.check(None), Ok(()), "optional in the template");
    assert_eq!(
        both.check(Some(&contact(true, None, Some("li.wei@example.cn")))),
        Ok(())
    );
    assert_eq!(
        both.check(Some(&contact(true, Some("13800138000"), Some("li.wei@")))),
        Err(AnswerError::InvalidEmail)
    );
    // Without consent the session drops what was typed; blanks are no means at all.
    let mut s = Session::restore(&d, 4, Answers::new());
    set(
        &mut s,
        &d,
        "contact_me",
        contact(false, Some("13800138000"), None),
    );
    assert_eq!(s.answers().get(&qid("contact_me")), Some(&declined()));
    set(
        &mut s,
        &d,
        "contact_me",
        contact(true, Some(" 13800138000 "), Some("  ")),
    );
    assert_eq!(
        s.answers().get(&qid("contact_me")),
        Some(&contact(true, Some("13800138000"), None))
    );
    assert!(s.check_page(&d).is_empty());
}

#[test]
fn phone_numbers_and_email_addresses() {
    for ok in [
        "13800138000",
        "+86 138 0013 8000",
        "(021) 6234-5678",
        "+886-2-2345-6789",
        "123456",
    ] {
        assert!(is_valid_phone(ok), "{ok}");
    }
    for bad in [
        "",
        "12345",
        "12 34 5",
        "+",
        "138001380001380013800",
        "1380013800x",
        "86+13800138000",
        "++8613800138000",
        "１３８００１３８０００",
        "------------",
    ] {
        assert!(!is_valid_phone(bad), "{bad}");
    }
    for ok in ["a@b.cn", "li.wei+csi@dealer.example.com", "王@例子.中国"] {
        assert!(is_valid_email(ok), "{ok}");
    }
    let long = format!("{}@example.com", "a".repeat(243));
    assert_eq!(long.len(), 255);
    for bad in [
        "",
        "li.wei",
        "@dealer.cn",
        "li@dealer",
        "li@@dealer.cn",
        "li@a@dealer.cn",
        "li wei@dealer.cn",
        "li@.dealer.cn",
        "li@dealer.cn.",
        "li@dealer..cn",
        "li@dealer.cn\n",
        long.as_str(),
    ] {
        assert!(!is_valid_email(bad), "{bad:?}");
    }
    assert!(is_valid_email(&long[1..]), "254 characters is fine");
}

// ---------- the collector's re-check ----------

fn payload(survey: &str, answers: Value) -> ResponsePayload {
    let v = json!({
        "format": "survey-response/1",
        "id": "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e",
        "survey": {"id": survey, "version": 1},
        "locale": "en",
        "created_at": "2026-11-23T10:00:00Z",
        "context": {"call_type": "hotline"},
        "answers": answers,
        "client": {"widget_version": "0.1.0", "mode": "page"}
    });
    ResponsePayload::from_json(&v.to_string()).unwrap()
}

fn recheck(answers: Value) -> Result<(), String> {
    let def = templates::load("post-call").unwrap().unwrap();
    payload("post-call", answers)
        .validate(Some(&def))
        .map_err(|e| e.to_string())
}

fn post_call_answers() -> Value {
    json!({
        "csat": {"scale": 5}, "fcr": {"yes_no": true}, "call_type": {"text": "hotline"},
        "ces": {"scale": 6}, "agent_courtesy": {"scale": 5}, "agent_knowledge": {"scale": 4},
        "nps": {"scale": 10}, "contact_me": {"contact": {"consent": true, "phone": "13800138000"}}
    })
}

#[test]
fn the_collector_checks_matrix_items_follow_ups_and_contact_details() {
    recheck(post_call_answers()).unwrap();
    let with = |key: &str, value: Value| {
        let mut a = post_call_answers();
        if value.is_null() {
            a.as_object_mut().unwrap().remove(key);
        } else {
            a[key] = value;
        }
        recheck(a)
    };
    assert_eq!(
        with("agent_knowledge", Value::Null).unwrap_err(),
        "answers.agent_knowledge: an answer is required"
    );
    assert_eq!(
        with("agent", json!({"scale": 3})).unwrap_err(),
        "answers.agent: survey \"post-call\" has no question \"agent\""
    );
    assert_eq!(
        with("open_issue", json!({"choice": "needs_visit"})).unwrap_err(),
        "answers.open_issue: not asked: a show_if hides this question for these answers"
    );
    let mut a = post_call_answers();
    a["fcr"] = json!({"yes_no": false});
    assert_eq!(
        recheck(a.clone()).unwrap_err(),
        "answers.open_issue: an answer is required"
    );
    a["open_issue"] = json!({"choice": "needs_visit"});
    recheck(a).unwrap();
    assert_eq!(
        with(
            "contact_me",
            json!({"contact": {"consent": false, "email": "li@dealer.cn"}})
        )
        .unwrap_err(),
        "answers.contact_me: contact details are only kept with consent"
    );
    assert_eq!(
        with(
            "contact_me",
            json!({"contact": {"consent": true, "phone": "call me"}})
        )
        .unwrap_err(),
        "answers.contact_me: not a phone number"
    );
    with("contact_me", Value::Null).unwrap();
    with("call_type", Value::Null).unwrap();
    assert_eq!(
        with("call_type", json!({"text": "x".repeat(129)})).unwrap_err(),
        "answers.call_type: at most 128 characters, found 129"
    );
}

#[test]
fn what_a_finished_session_sends_passes_the_collectors_check() {
    let d = templates::load("post-call").unwrap().unwrap();
    let mut s = Session::new();
    set(&mut s, &d, "call_type", Answer::Text("follow_up".into()));
    set(&mut s, &d, "csat", Answer::Scale(2));
    set(&mut s, &d, "fcr", Answer::YesNo(false));
    set(&mut s, &d, "open_issue", Answer::Choice("passed_on".into()));
    s.next(&d).unwrap();
    set(&mut s, &d, "ces", Answer::Scale(2));
    set(&mut s, &d, "agent_courtesy", Answer::Scale(3));
    set(&mut s, &d, "agent_knowledge", Answer::Scale(2));
    s.next(&d).unwrap();
    set(&mut s, &d, "nps", Answer::Scale(3));
    set(
        &mut s,
        &d,
        "contact_me",
        contact(true, None, Some("li.wei@example.cn")),
    );
    assert!(s.is_last_page(&d));
    let answers = s.finish(&d).unwrap();
    assert_eq!(answers.len(), 9);
    let mut p = payload("post-call", json!({}));
    p.answers = answers;
    p.validate(Some(&d)).unwrap();
}
