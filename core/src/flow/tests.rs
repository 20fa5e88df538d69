use super::*;
use crate::answers::Answer;
use crate::ids::QuestionId;
use crate::session::{Session, SessionError};
use crate::templates;

fn post_service() -> Definition {
    templates::load("post-service").unwrap().unwrap()
}

fn id(s: &str) -> QuestionId {
    QuestionId::new(s)
}

/// The ids a screen shows.
fn ids(def: &Definition, s: &Screen) -> Vec<String> {
    s.questions
        .iter()
        .map(|&q| def.pages[s.page].questions[q].id.to_string())
        .collect()
}

/// A happy customer's answer to every question of a screen.
fn answer_all(session: &mut Session, def: &Definition) {
    for q in session
        .visible_questions(def)
        .into_iter()
        .cloned()
        .collect::<Vec<_>>()
    {
        let a = match &q.input {
            Input::YesNo { .. } => Some(Answer::YesNo(true)),
            Input::Rating { points, .. } => Some(Answer::Scale(*points)),
            Input::Nps { .. } => Some(Answer::Scale(10)),
            _ => None,
        };
        session.answer(def, &q.id, a).unwrap();
    }
}

#[test]
fn the_page_flow_is_one_screen_per_shown_page() {
    let def = post_service();
    let all = screens(&def, Flow::Page, &Answers::new());
    let pages: Vec<&str> = all
        .0
        .iter()
        .map(|s| def.pages[s.page].id.as_str())
        .collect();
    // The follow-up page needs a low score; without answers its question is hidden but
    // the contact request shows it.
    assert_eq!(pages.len(), def.pages.len(), "{pages:?}");
    assert!(all.0.iter().all(|s| s.at == 0));
}

#[test]
fn the_question_flow_is_one_question_per_screen_but_a_checklist_per_group() {
    let def = post_service();
    let all = screens(&def, Flow::Question, &Answers::new());
    let shown: Vec<Vec<String>> = all.0.iter().map(|s| ids(&def, s)).collect();
    assert_eq!(
        shown[0],
        [
            "p_appointment",
            "p_cost_estimate",
            "p_time_estimate",
            "p_lounge_food"
        ]
    );
    assert_eq!(
        shown[1],
        ["p_inspect_invite", "p_advice", "p_on_time", "p_all_done"]
    );
    assert_eq!(shown[2], ["s_wait_reception"]);
    assert!(all.0[0].is_checklist() && !all.0[2].is_checklist());
    // Everything else alone; the hidden follow-up is not a screen.
    assert!(shown[2..].iter().all(|s| s.len() == 1), "{shown:?}");
    assert!(!shown.iter().flatten().any(|q| q == "what_went_wrong"));
    // Every question the page flow renders, once, in the same order.
    let pages: Vec<String> = screens(&def, Flow::Page, &Answers::new())
        .0
        .iter()
        .flat_map(|s| ids(&def, s))
        .collect();
    assert_eq!(shown.concat(), pages);
}

#[test]
fn a_follow_up_is_a_screen_as_soon_as_its_answer_brings_it_in() {
    let def = post_service();
    let mut answers = Answers::new();
    answers.insert(id("s_overall"), Answer::Scale(1));
    let all = screens(&def, Flow::Question, &answers);
    let flat: Vec<String> = all.0.iter().flat_map(|s| ids(&def, s)).collect();
    let at = |q: &str| flat.iter().position(|x| x == q).unwrap();
    assert_eq!(at("what_went_wrong") + 1, at("contact_me"), "{flat:?}");
}

#[test]
fn groups_split_by_another_question_or_on_other_inputs_are_refused() {
    let mut def = post_service();
    def.pages[0].questions[1].group = None;
    let e = def.validate().unwrap_err();
    assert_eq!(e.path, "pages[0].questions[2].group");
    assert!(e.problem.contains("next to each other"), "{e:?}");

    let mut def = post_service();
    def.pages[2].questions[0].group = Some("ratings".into());
    let e = def.validate().unwrap_err();
    assert_eq!(e.path, "pages[2].questions[0].group");
    assert!(e.problem.contains("only yes_no"), "{e:?}");

    let mut def = post_service();
    def.pages[0].questions[0].group = Some("not an id".into());
    assert_eq!(
        def.validate().unwrap_err().path,
        "pages[0].questions[0].group"
    );
}

#[test]
fn next_and_back_walk_the_screens_and_progress_counts_questions_left() {
    let def = post_service();
    let mut s = Session::new().in_flow(&def, Flow::Question, 0);
    let total = screens(&def, Flow::Question, &Answers::new()).left_from(0);
    assert_eq!(s.progress(&def).left, total);
    assert_eq!(s.visible_questions(&def).len(), 4, "the checklist first");
    // Validation stops at the checklist until all four are answered.
    s.answer(&def, &id("p_appointment"), Some(Answer::YesNo(true)))
        .unwrap();
    match s.next(&def) {
        Err(SessionError::Invalid(p)) => assert_eq!(p[0].0, id("p_cost_estimate")),
        other => panic!("{other:?}"),
    }
    answer_all(&mut s, &def);
    s.next(&def).unwrap();
    assert_eq!(s.progress(&def).left, total - 4);
    answer_all(&mut s, &def);
    s.next(&def).unwrap();
    let q = s.visible_questions(&def);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].id, id("s_wait_reception"));
    assert_eq!(s.progress(&def).left, total - 8);
    assert!(advances_by_itself(q[0]));
    // The next question on the same page is its own screen.
    answer_all(&mut s, &def);
    s.next(&def).unwrap();
    assert_eq!(s.visible_questions(&def)[0].id, id("s_lounge"));
    assert_eq!((s.page(), s.at()), (2, 1));
    // Back returns to the screen before, answers kept; twice reaches the checklist.
    s.back();
    assert_eq!(s.visible_questions(&def)[0].id, id("s_wait_reception"));
    assert_eq!(
        s.answers().get(&id("s_wait_reception")),
        Some(&Answer::Scale(5))
    );
    s.back();
    assert_eq!(s.visible_questions(&def).len(), 4);
}

#[test]
fn both_flows_hand_back_the_same_answers() {
    let def = post_service();
    let walk = |flow: Flow| {
        let mut s = Session::new().in_flow(&def, flow, 0);
        let mut screens_seen = 1;
        while !s.is_last_page(&def) {
            answer_all(&mut s, &def);
            s.next(&def).unwrap();
            screens_seen += 1;
        }
        answer_all(&mut s, &def);
        (s.finish(&def).unwrap(), screens_seen)
    };
    let (page, n_pages) = walk(Flow::Page);
    let (question, n_questions) = walk(Flow::Question);
    assert_eq!(page, question);
    assert_eq!(n_pages, def.pages.len());
    assert!(n_questions > n_pages, "{n_questions} screens");
}

#[test]
fn finish_in_the_question_flow_stops_on_the_first_screen_with_a_problem() {
    let def = post_service();
    let mut s = Session::new().in_flow(&def, Flow::Question, 0);
    answer_all(&mut s, &def);
    s.next(&def).unwrap();
    answer_all(&mut s, &def);
    s.next(&def).unwrap();
    // s_wait_reception unanswered; jump ahead by restoring further on.
    let mut later = Session::restore(&def, 7, s.answers().clone()).in_flow(&def, Flow::Question, 0);
    assert_eq!(later.visible_questions(&def)[0].id, id("nps"));
    assert!(matches!(later.finish(&def), Err(SessionError::Invalid(_))));
    assert_eq!(later.visible_questions(&def)[0].id, id("s_wait_reception"));
    later.back();
    assert_eq!(
        later.visible_questions(&def).len(),
        4,
        "the way back is kept"
    );
}

#[test]
fn a_restored_position_on_a_hidden_question_moves_to_the_next_screen() {
    let def = post_service();
    // follow_up's first question (what_went_wrong) is hidden for these answers.
    let follow_up = def.pages.iter().position(|p| p.id == "follow_up").unwrap();
    let s = Session::restore(&def, follow_up, Answers::new()).in_flow(&def, Flow::Question, 0);
    assert_eq!(s.visible_questions(&def)[0].id, id("contact_me"));
}

#[test]
fn number_keys_choose_on_single_choice_questions() {
    let def = post_service();
    let q = |name: &str| {
        def.questions()
            .find(|q| q.id.as_str() == name)
            .unwrap()
            .clone()
    };
    assert_eq!(number_key(&q("s_overall"), '4'), Some(Answer::Scale(4)));
    assert_eq!(number_key(&q("s_overall"), '6'), None);
    assert_eq!(number_key(&q("s_overall"), '0'), None);
    assert_eq!(number_key(&q("nps"), '0'), Some(Answer::Scale(10)));
    assert_eq!(number_key(&q("nps"), '7'), Some(Answer::Scale(7)));
    assert_eq!(
        number_key(&q("p_appointment"), '1'),
        Some(Answer::YesNo(true))
    );
    assert_eq!(
        number_key(&q("p_appointment"), '3'),
        Some(Answer::NotApplicable)
    );
    assert_eq!(number_key(&q("p_on_time"), '3'), None);
    assert_eq!(number_key(&q("comment"), '1'), None);
    assert_eq!(number_key(&q("nps"), 'x'), None);
    assert!(!advances_by_itself(&q("comment")));
    assert!(!advances_by_itself(&q("what_went_wrong")));
}

#[test]
fn the_flow_setting_reads_page_and_question() {
    assert_eq!(Flow::parse("question"), Some(Flow::Question));
    assert_eq!(Flow::parse("page"), Some(Flow::Page));
    assert_eq!(Flow::parse("slides"), None);
    assert_eq!(Flow::Question.as_str(), "question");
}

#[test]
fn the_page_number_counts_pages_in_both_flows() {
    let def = post_service();
    let mut page = Session::new().in_flow(&def, Flow::Page, 0);
    let mut question = Session::new().in_flow(&def, Flow::Question, 0);
    assert_eq!(page.page_number(&def), 1);
    assert_eq!(question.page_number(&def), 1);
    // Walk both to the end of the survey: at every step the question flow's page
    // number is the page flow's for the same page, however many screens it has.
    let mut seen = Vec::new();
    for _ in 0..40 {
        answer_all(&mut question, &def);
        if question.next(&def).is_err() {
            break;
        }
        seen.push((question.page(), question.page_number(&def)));
    }
    for _ in 0..12 {
        answer_all(&mut page, &def);
        if page.next(&def).is_err() {
            break;
        }
        let n = page.page_number(&def);
        assert_eq!(n, page.progress(&def).current, "the page flow's progress");
        for (p, q) in seen.iter().filter(|(p, _)| *p == page.page()) {
            assert_eq!(*q, n, "page {p}: the question flow counts the same page");
        }
    }
    assert!(seen.iter().any(|(_, n)| *n >= 3), "{seen:?}");
    // Several screens of one page share its number.
    let on_page_2: Vec<_> = seen.iter().filter(|(p, _)| *p == 2).collect();
    assert!(on_page_2.len() > 1, "{seen:?}");
}

#[test]
fn all_yes_is_offered_on_a_checklist_screen_only() {
    let def = post_service();
    let session = Session::new().in_flow(&def, Flow::Question, 0);
    assert_eq!(all_yes(&session.visible_questions(&def)), Some("booking"));
    // The page flow shows the same four on the booking page: a checklist too.
    let page = Session::new();
    assert_eq!(all_yes(&page.visible_questions(&def)), Some("booking"));
    // A single question, grouped or not, is not a checklist.
    let first = &def.pages[0].questions[0];
    assert_eq!(all_yes(&[first]), None);
    let rating = &def.pages[2].questions[0];
    assert_eq!(all_yes(&[rating, rating]), None);
    // Two groups on one screen (a page flow page) are not one checklist.
    let (a, b) = (&def.pages[0].questions[0], &def.pages[1].questions[0]);
    assert_eq!(all_yes(&[a, b]), None);
}
