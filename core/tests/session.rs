//! The survey flow: paging, validation, finishing.

use survey_core::answers::AnswerError;
use survey_core::session::{Session, SessionError};
use survey_core::{templates, Answer, Definition, QuestionId};

fn def() -> Definition {
    templates::load("post-service").unwrap().unwrap()
}

fn qid(s: &str) -> QuestionId {
    QuestionId::new(s)
}

fn answer_page(s: &mut Session, d: &Definition) {
    let page = &d.pages[s.page()];
    for q in &page.questions {
        let a = match &q.input {
            survey_core::Input::Rating { .. } => Some(Answer::Scale(4)),
            survey_core::Input::Nps { .. } => Some(Answer::Scale(9)),
            survey_core::Input::YesNo { .. } => Some(Answer::YesNo(true)),
            survey_core::Input::Text { .. } => None,
        };
        s.answer(d, &q.id, a).unwrap();
    }
}

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
fn walks_every_page_and_back() {
    let d = def();
    let mut s = Session::new();
    for p in 0..d.pages.len() {
        assert_eq!(s.progress(&d).current, p + 1);
        answer_page(&mut s, &d);
        s.next(&d).unwrap();
    }
    assert!(s.is_last_page(&d));
    assert_eq!(s.progress(&d).total, 8);
    s.back();
    assert_eq!(s.page(), 6);
    let answers = s.finish(&d).unwrap();
    assert_eq!(answers.get(&qid("nps")), Some(&Answer::Scale(9)));
    assert_eq!(answers.len(), 18, "every question but the optional comment");
}

#[test]
fn not_applicable_only_where_offered() {
    let d = def();
    let mut s = Session::new();
    s.answer(&d, &qid("p_lounge_food"), Some(Answer::NotApplicable))
        .unwrap();
    s.answer(&d, &qid("p_appointment"), Some(Answer::NotApplicable))
        .unwrap();
    let problems = s.check_page(&d);
    assert!(problems.contains(&(qid("p_appointment"), AnswerError::NotApplicableNotAllowed)));
    assert!(!problems.iter().any(|(id, _)| id == &qid("p_lounge_food")));
}

#[test]
fn blank_text_is_no_answer_and_long_text_is_refused() {
    let d = def();
    let mut s = Session::restore(&d, 7, Default::default());
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
    let mut answers = survey_core::Answers::new();
    answers.insert(qid("s_quality"), Answer::Scale(5));
    answers.insert(qid("s_clean"), Answer::Scale(9));
    answers.insert(qid("gone"), Answer::Scale(1));
    let s = Session::restore(&d, 99, answers);
    assert_eq!(s.answers().len(), 1);
    assert_eq!(s.page(), 7);
}
