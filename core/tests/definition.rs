//! Loading questionnaire definitions: the built-in templates load, and each broken
//! definition is refused with the exact path of the field at fault.

use serde_json::{json, Value};
use survey_core::questionnaire::{Condition, Dimension, Heart, Input, MetricRole, Target};
use survey_core::{templates, Answer, Definition, QuestionId};

fn template() -> Value {
    serde_json::from_str(templates::POST_SERVICE).expect("template is JSON")
}

fn error_of(v: Value) -> String {
    match Definition::from_json(&v.to_string()) {
        Ok(_) => panic!("broken definition was accepted"),
        Err(e) => e.to_string(),
    }
}

fn t(en: &str) -> Value {
    json!({"en": en, "zh-CN": format!("{en}（中文）")})
}

fn rating(id: &str) -> Value {
    json!({"id": id, "text": t(id), "required": true,
           "input": {"type": "rating", "points": 5, "low": t("bad"), "high": t("good")}})
}

/// A small definition with every input type:
/// pages[0] start: s_overall (rating), nps
/// pages[1] more:  fcr (yes_no), reason (single_choice a|b), issues (multi_choice x|y|z),
///                 agent (matrix: a_courtesy, a_knowledge)
/// pages[2] last:  comment (text), contact_me (contact), dealer (hidden)
fn base() -> Value {
    json!({
        "format": "survey-definition/1",
        "id": "fixture",
        "version": 1,
        "default_locale": "en",
        "locales": ["en", "zh-CN"],
        "title": t("Fixture"),
        "pages": [
            {"id": "start", "title": t("Start"), "questions": [
                rating("s_overall"),
                {"id": "nps", "text": t("Recommend?"), "required": true,
                 "input": {"type": "nps", "low": t("no"), "high": t("yes")}}
            ]},
            {"id": "more", "questions": [
                {"id": "fcr", "text": t("Resolved?"), "input": {"type": "yes_no"}},
                {"id": "reason", "text": t("Why?"), "input": {"type": "single_choice", "options": [
                    {"value": "a", "label": t("A")}, {"value": "b", "label": t("B")}]}},
                {"id": "issues", "text": t("Issues?"), "input": {"type": "multi_choice", "options": [
                    {"value": "x", "label": t("X")}, {"value": "y", "label": t("Y")},
                    {"value": "z", "label": t("Z")}], "min_selected": 1, "max_selected": 2}},
                {"id": "agent", "text": t("Agent"), "input": {"type": "matrix", "points": 5,
                    "low": t("bad"), "high": t("good"), "items": [
                        {"id": "a_courtesy", "text": t("Courtesy"), "scoring": {"dimension": "empathy"}},
                        {"id": "a_knowledge", "text": t("Knowledge")}]}}
            ]},
            {"id": "last", "questions": [
                {"id": "comment", "text": t("Comment"), "input": {"type": "text", "max_length": 100}},
                {"id": "contact_me", "text": t("Contact?"), "input": {"type": "contact", "channels": ["phone", "email"]}},
                {"id": "dealer", "text": t("Dealer"), "input": {"type": "hidden", "source": "dealer"}}
            ]}
        ]
    })
}

fn qid(s: &str) -> QuestionId {
    QuestionId::new(s)
}

#[test]
fn the_fixture_is_valid() {
    let def = Definition::from_json(&base().to_string()).unwrap();
    assert_eq!(def.questions().count(), 9);
}

// ---------- built-in templates ----------

#[test]
fn built_in_templates_are_registered_and_load() {
    assert_eq!(templates::BUILT_IN, ["post-service", "post-call"]);
    for id in templates::BUILT_IN {
        let def = templates::load(id).expect("registered").expect("valid");
        assert_eq!(def.id.as_str(), *id);
        assert_eq!(
            templates::json(id).map(str::len),
            Some(match *id {
                "post-service" => templates::POST_SERVICE.len(),
                _ => templates::POST_CALL.len(),
            })
        );
        let locales: Vec<_> = def.locales.iter().map(|l| l.as_str()).collect();
        assert_eq!(locales, ["zh-CN", "zh-TW", "en"], "{id}");
        assert!(
            def.pages.iter().all(|p| p.questions.len() <= 4),
            "{id}: small groups per page on a phone"
        );
    }
    assert!(templates::load("nope").is_none());
}

#[test]
fn post_service_template_loads_with_the_domain_items() {
    let def = templates::load("post-service")
        .expect("built in")
        .expect("valid");
    assert_eq!(def.id.as_str(), "post-service");
    assert_eq!(def.default_locale.as_str(), "zh-CN");
    let count = |f: fn(&Input) -> bool| def.questions().filter(|q| f(&q.input)).count();
    assert_eq!(
        count(|i| matches!(i, Input::YesNo { .. })),
        10,
        "process items 1-8 (9 is asked later), fixed-first-time, and first use (adoption)"
    );
    assert_eq!(
        count(|i| matches!(i, Input::Rating { points: 5, .. })),
        10,
        "nine satisfaction items and return intent"
    );
    assert_eq!(count(|i| matches!(i, Input::Nps { .. })), 1);
    assert_eq!(count(|i| matches!(i, Input::Text { .. })), 1);
    assert_eq!(count(|i| matches!(i, Input::MultiChoice { .. })), 1);
    assert_eq!(count(|i| matches!(i, Input::Contact { .. })), 1);
}

/// The page order customers see: process items, satisfaction, outcome, the peak-end
/// questions (recommend, follow-up), and the free comment last.
#[test]
fn post_service_pages_in_order() {
    let def = templates::load("post-service").unwrap().unwrap();
    let pages: Vec<(&str, Vec<&str>)> = def
        .pages
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.questions.iter().map(|q| q.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            (
                "booking",
                vec![
                    "p_appointment",
                    "p_cost_estimate",
                    "p_time_estimate",
                    "p_lounge_food"
                ]
            ),
            (
                "pickup",
                vec!["p_inspect_invite", "p_advice", "p_on_time", "p_all_done"]
            ),
            ("reception", vec!["s_wait_reception", "s_lounge"]),
            ("charges", vec!["s_explanation", "s_fair_price"]),
            ("work", vec!["s_clean", "s_duration", "s_quality"]),
            ("overall", vec!["s_advisor", "s_overall"]),
            ("outcome", vec!["p_fixed_first_time", "return_intent"]),
            ("recommend", vec!["nps"]),
            ("follow_up", vec!["what_went_wrong", "contact_me"]),
            ("comment", vec!["first_use", "comment"]),
        ]
    );
    let title = |p: usize, l: &str| def.pages[p].title.as_ref().unwrap().0[l].clone();
    assert_eq!(title(6, "en"), "The result and your next visit");
    assert_eq!(title(6, "zh-CN"), "维修结果与下次服务");
    assert_eq!(title(8, "en"), "Follow-up");
    assert_eq!(title(8, "zh-CN"), "后续联系");

    let q = |id: &str| def.question(&qid(id)).unwrap();
    let ftf = q("p_fixed_first_time");
    assert_eq!(ftf.input, Input::YesNo { allow_na: true });
    let s = ftf.scoring.as_ref().unwrap();
    assert_eq!(
        (s.role, s.heart),
        (Some(MetricRole::Process), Some(Heart::TaskSuccess))
    );
    assert_eq!(
        q("return_intent").scoring.as_ref().unwrap().heart,
        Some(Heart::Retention)
    );
    assert_eq!(
        q("what_went_wrong").show_if,
        Some(Condition::Any(vec![
            Condition::AtMost {
                question: qid("s_overall"),
                value: 2
            },
            Condition::AtMost {
                question: qid("nps"),
                value: 6
            },
        ]))
    );
    assert!(!q("what_went_wrong").required && !q("contact_me").required);
}

#[test]
fn post_call_template_has_the_call_metrics() {
    let def = templates::load("post-call").unwrap().unwrap();
    let pages: Vec<(&str, Vec<&str>)> = def
        .pages
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.questions.iter().map(|q| q.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            ("call", vec!["csat", "fcr", "open_issue", "call_type"]),
            ("effort", vec!["ces", "agent"]),
            ("wrap_up", vec!["nps", "first_use", "comment", "contact_me"]),
        ]
    );
    let role = |id: &str| {
        def.answer_target(&qid(id))
            .and_then(|t| t.scoring())
            .and_then(|s| s.role)
    };
    assert_eq!(role("csat"), Some(MetricRole::Csat));
    assert_eq!(role("fcr"), Some(MetricRole::Fcr));
    assert_eq!(role("ces"), Some(MetricRole::Ces));
    assert_eq!(role("nps"), Some(MetricRole::Nps));
    assert!(matches!(
        def.question(&qid("ces")).unwrap().input,
        Input::Rating { points: 7, .. }
    ));
    let dim = |id: &str| {
        def.answer_target(&qid(id))
            .unwrap()
            .scoring()
            .unwrap()
            .dimension
    };
    assert_eq!(dim("agent_courtesy"), Some(Dimension::Empathy));
    assert_eq!(dim("agent_knowledge"), Some(Dimension::Assurance));
    assert_eq!(
        def.question(&qid("open_issue")).unwrap().show_if,
        Some(Condition::Equals {
            question: qid("fcr"),
            value: Answer::YesNo(false)
        })
    );
    assert_eq!(
        def.question(&qid("call_type")).unwrap().input,
        Input::Hidden {
            source: "call_type".into()
        }
    );
}

// ---------- answer targets ----------

#[test]
fn matrix_items_are_answer_targets_and_the_matrix_is_not() {
    let def = Definition::from_json(&base().to_string()).unwrap();
    let Some(Target::Item { matrix, item }) = def.answer_target(&qid("a_knowledge")) else {
        panic!("a matrix item is a target")
    };
    assert_eq!(
        (matrix.id.as_str(), item.id.as_str()),
        ("agent", "a_knowledge")
    );
    assert!(def.answer_target(&qid("agent")).is_none());
    assert!(def.question(&qid("agent")).is_some());
    assert!(matches!(
        def.answer_target(&qid("fcr")),
        Some(Target::Question(q)) if q.id.as_str() == "fcr"
    ));
    let ids: Vec<_> = def.targets().map(|t| t.id().as_str().to_string()).collect();
    assert_eq!(
        ids,
        [
            "s_overall",
            "nps",
            "fcr",
            "reason",
            "issues",
            "a_courtesy",
            "a_knowledge",
            "comment",
            "contact_me",
            "dealer"
        ]
    );
}

// ---------- parse errors ----------

#[test]
fn unknown_input_type_names_the_field() {
    let mut v = template();
    v["pages"][1]["questions"][2]["input"]["type"] = json!("slider");
    let e = error_of(v);
    assert!(
        e.starts_with("pages[1].questions[2].input.type: unknown variant `slider`"),
        "{e}"
    );
}

#[test]
fn unknown_field_is_refused() {
    let mut v = template();
    v["pages"][0]["questions"][0]["requird"] = json!(true);
    let e = error_of(v);
    assert!(
        e.starts_with("pages[0].questions[0].requird: unknown field `requird`"),
        "{e}"
    );
}

#[test]
fn unknown_condition_is_refused_at_its_path() {
    let mut v = base();
    v["pages"][1]["questions"][1]["show_if"] = json!({"below": {"question": "nps", "value": 3}});
    let e = error_of(v);
    assert!(
        e.starts_with("pages[1].questions[1].show_if: unknown variant `below`"),
        "{e}"
    );
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    let e = Definition::from_json("{\"format\": ").expect_err("must fail");
    assert!(e.problem.contains("EOF"), "{e}");
}

// ---------- duplicates ----------

#[test]
fn duplicate_question_id_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][1]["id"] = json!("p_appointment");
    assert_eq!(
        error_of(v),
        "pages[2].questions[1].id: duplicate question id \"p_appointment\""
    );
}

#[test]
fn duplicate_page_id_is_refused() {
    let mut v = base();
    v["pages"][2]["id"] = json!("start");
    assert_eq!(error_of(v), "pages[2].id: duplicate page id \"start\"");
}

#[test]
fn matrix_item_ids_share_the_question_namespace() {
    let mut v = base();
    v["pages"][1]["questions"][3]["input"]["items"][1]["id"] = json!("nps");
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].input.items[1].id: duplicate question id \"nps\""
    );
    let mut v = base();
    v["pages"][1]["questions"][3]["input"]["items"][1]["id"] = json!("a_courtesy");
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].input.items[1].id: duplicate question id \"a_courtesy\""
    );
    let mut v = base();
    v["pages"][2]["questions"][0]["id"] = json!("a_knowledge");
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].id: duplicate question id \"a_knowledge\""
    );
    let mut v = base();
    v["pages"][1]["questions"][3]["input"]["items"][0]["id"] = json!("agent");
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].input.items[0].id: duplicate question id \"agent\""
    );
}

#[test]
fn duplicate_and_malformed_option_values_are_refused() {
    let mut v = base();
    v["pages"][1]["questions"][2]["input"]["options"][2]["value"] = json!("x");
    assert_eq!(
        error_of(v),
        "pages[1].questions[2].input.options[2].value: duplicate option \"x\""
    );
    let mut v = base();
    v["pages"][1]["questions"][1]["input"]["options"][0]["value"] = json!("a b");
    assert_eq!(
        error_of(v),
        "pages[1].questions[1].input.options[0].value: \"a b\" is not a valid id (1-64 letters, digits, '_' or '-')"
    );
}

// ---------- conditions ----------

#[test]
fn show_if_on_an_unknown_question_is_refused() {
    let mut v = template();
    v["pages"][1]["questions"][3]["show_if"] =
        json!({"at_most": {"question": "q_nps2", "value": 6}});
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].show_if.at_most: unknown question \"q_nps2\""
    );
}

#[test]
fn show_if_must_use_earlier_answers() {
    let mut v = base();
    v["pages"][1]["questions"][0]["show_if"] = json!({"answered": {"question": "comment"}});
    assert_eq!(
        error_of(v),
        "pages[1].questions[0].show_if.answered: \"comment\" is not asked before this question (a show_if can only use earlier answers)"
    );
    let mut v = base();
    v["pages"][1]["questions"][1]["show_if"] = json!({"answered": {"question": "reason"}});
    assert_eq!(
        error_of(v),
        "pages[1].questions[1].show_if.answered: \"reason\" is not asked before this question (a show_if can only use earlier answers)"
    );
    let mut v = base();
    v["pages"][1]["show_if"] = json!({"equals": {"question": "fcr", "value": {"yes_no": false}}});
    assert_eq!(
        error_of(v),
        "pages[1].show_if.equals: \"fcr\" is not on an earlier page (a page's show_if can only use answers from earlier pages)"
    );
}

#[test]
fn show_if_on_an_earlier_question_of_the_same_page_or_an_earlier_page_is_fine() {
    let mut v = base();
    v["pages"][1]["questions"][1]["show_if"] =
        json!({"equals": {"question": "fcr", "value": {"yes_no": false}}});
    v["pages"][2]["show_if"] = json!({"all": [
        {"at_least": {"question": "a_courtesy", "value": 1}},
        {"not": {"includes": {"question": "issues", "option": "z"}}},
        {"any": [{"includes": {"question": "reason", "option": "b"}}, {"answered": {"question": "fcr"}}]},
        {"equals": {"question": "s_overall", "value": "not_applicable"}}
    ]});
    let e = Definition::from_json(&v.to_string()).unwrap_err();
    // Everything above is fine except the last: s_overall does not offer N/A.
    assert_eq!(
        e.to_string(),
        "pages[2].show_if.all[3].equals: \"s_overall\" can never have the answer \"not_applicable\": \"not applicable\" is not offered here"
    );
    v["pages"][2]["show_if"]["all"]
        .as_array_mut()
        .unwrap()
        .pop();
    Definition::from_json(&v.to_string()).unwrap();
}

#[test]
fn conditions_must_fit_the_question_they_read() {
    let cases = [
        (
            json!({"at_most": {"question": "fcr", "value": 1}}),
            "pages[2].show_if.at_most: at_most needs a rating, nps or matrix item; \"fcr\" is yes_no",
        ),
        (
            json!({"at_least": {"question": "reason", "value": 1}}),
            "pages[2].show_if.at_least: at_least needs a rating, nps or matrix item; \"reason\" is single_choice",
        ),
        (
            json!({"at_most": {"question": "s_overall", "value": 6}}),
            "pages[2].show_if.at_most: value 6 is outside the 1 to 5 scale of \"s_overall\"",
        ),
        (
            json!({"at_least": {"question": "a_courtesy", "value": 0}}),
            "pages[2].show_if.at_least: value 0 is outside the 1 to 5 scale of \"a_courtesy\"",
        ),
        (
            json!({"includes": {"question": "s_overall", "option": "a"}}),
            "pages[2].show_if.includes: includes needs a single_choice or multi_choice question; \"s_overall\" is rating",
        ),
        (
            json!({"includes": {"question": "a_courtesy", "option": "a"}}),
            "pages[2].show_if.includes: includes needs a single_choice or multi_choice question; \"a_courtesy\" is matrix item",
        ),
        (
            json!({"includes": {"question": "issues", "option": "w"}}),
            "pages[2].show_if.includes: \"issues\" has no option \"w\"",
        ),
        (
            json!({"equals": {"question": "s_overall", "value": {"scale": 9}}}),
            "pages[2].show_if.equals: \"s_overall\" can never have the answer {\"scale\":9}: must be between 1 and 5",
        ),
        (
            json!({"equals": {"question": "fcr", "value": {"scale": 1}}}),
            "pages[2].show_if.equals: \"fcr\" can never have the answer {\"scale\":1}: wrong kind of answer for this question",
        ),
        (
            json!({"equals": {"question": "reason", "value": {"choice": "c"}}}),
            "pages[2].show_if.equals: \"reason\" can never have the answer {\"choice\":\"c\"}: \"c\" is not one of the options",
        ),
        (
            json!({"answered": {"question": "agent"}}),
            "pages[2].show_if.answered: \"agent\" is a matrix; a condition names one of its items",
        ),
        (
            json!({"any": []}),
            "pages[2].show_if.any: needs at least one condition",
        ),
        (
            json!({"any": [{"answered": {"question": "nps"}}, {"at_most": {"question": "fcr", "value": 2}}]}),
            "pages[2].show_if.any[1].at_most: at_most needs a rating, nps or matrix item; \"fcr\" is yes_no",
        ),
        (
            json!({"not": {"all": [{"answered": {"question": "nps"}}, {"not": {"answered": {"question": "zz"}}}]}}),
            "pages[2].show_if.not.all[1].not.answered: unknown question \"zz\"",
        ),
    ];
    for (cond, expected) in cases {
        let mut v = base();
        v["pages"][2]["show_if"] = cond;
        assert_eq!(error_of(v), expected);
    }
}

#[test]
fn the_first_page_must_show_something_unconditionally() {
    let mut v = base();
    v["pages"][0]["questions"][1]["show_if"] =
        json!({"at_most": {"question": "s_overall", "value": 2}});
    Definition::from_json(&v.to_string()).unwrap();
    v["pages"][0]["questions"][0] =
        json!({"id": "h", "text": t("h"), "input": {"type": "hidden", "source": "dealer"}});
    v["pages"][0]["questions"][1]["show_if"] = json!({"answered": {"question": "h"}});
    assert_eq!(
        error_of(v),
        "pages[0].questions: the first page needs a question that is always shown (not hidden, no show_if)"
    );
}

// ---------- scoring metadata ----------

#[test]
fn non_positive_weight_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][0]["scoring"]["weight"] = json!(-1.0);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].scoring.weight: must be a positive number, found -1"
    );
    let mut v = template();
    v["pages"][2]["questions"][0]["scoring"]["weight"] = json!(0);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].scoring.weight: must be a positive number, found 0"
    );
}

#[test]
fn nan_and_infinite_weights_are_refused() {
    let mut def = templates::load("post-service").unwrap().unwrap();
    for (w, shown) in [(f64::NAN, "NaN"), (f64::INFINITY, "inf")] {
        def.pages[2].questions[0].scoring.as_mut().unwrap().weight = Some(w);
        assert_eq!(
            def.validate().unwrap_err().to_string(),
            format!(
                "pages[2].questions[0].scoring.weight: must be a positive number, found {shown}"
            )
        );
    }
}

#[test]
fn scoring_must_fit_a_question_that_gives_a_number() {
    let cases = [
        (
            "/pages/2/questions/0/scoring",
            json!({"dimension": "empathy"}),
            "pages[2].questions[0].scoring.dimension: a text question gives no number to score",
        ),
        (
            "/pages/2/questions/1/scoring",
            json!({"weight": 2.0}),
            "pages[2].questions[1].scoring.weight: a contact question gives no number to weigh",
        ),
        (
            "/pages/1/questions/1/scoring",
            json!({"dimension": "reliability"}),
            "pages[1].questions[1].scoring.dimension: a single_choice question gives no number to score",
        ),
        (
            "/pages/2/questions/2/scoring",
            json!({"heart": "engagement"}),
            "pages[2].questions[2].scoring: a hidden question is not scored",
        ),
        (
            "/pages/1/questions/3/scoring",
            json!({"dimension": "empathy"}),
            "pages[1].questions[3].scoring: a matrix is scored by its items; put scoring on each item",
        ),
        (
            "/pages/1/questions/3/input/items/1/scoring",
            json!({"weight": -0.5}),
            "pages[1].questions[3].input.items[1].scoring.weight: must be a positive number, found -0.5",
        ),
        (
            "/pages/0/questions/0/scoring",
            json!({"role": "nps"}),
            "pages[0].questions[0].scoring.role: role \"nps\" needs an nps question, not rating",
        ),
        (
            "/pages/1/questions/0/scoring",
            json!({"role": "csat"}),
            "pages[1].questions[0].scoring.role: role \"csat\" needs a rating (or matrix item) question, not yes_no",
        ),
        (
            "/pages/0/questions/1/scoring",
            json!({"role": "fcr"}),
            "pages[0].questions[1].scoring.role: role \"fcr\" needs a yes_no question, not nps",
        ),
    ];
    for (pointer, scoring, expected) in cases {
        let mut v = base();
        *v.pointer_mut(pointer.rsplit_once('/').unwrap().0)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .entry("scoring")
            .or_insert(Value::Null) = scoring;
        assert_eq!(error_of(v), expected, "{pointer}");
    }
    // Heart categories fit any question the customer answers, text included.
    let mut v = base();
    v["pages"][2]["questions"][0]["scoring"] = json!({"heart": "engagement"});
    v["pages"][0]["questions"][0]["scoring"] =
        json!({"dimension": "reliability", "weight": 1.5, "role": "overall"});
    v["pages"][1]["questions"][0]["scoring"] =
        json!({"dimension": "reliability", "role": "process"});
    Definition::from_json(&v.to_string()).unwrap();
}

// ---------- texts and locales ----------

#[test]
fn missing_locale_text_is_refused() {
    let mut v = template();
    v["pages"][3]["questions"][0]["text"]
        .as_object_mut()
        .unwrap()
        .remove("zh-TW");
    assert_eq!(
        error_of(v),
        "pages[3].questions[0].text: missing text for locale \"zh-TW\""
    );
}

#[test]
fn every_text_needs_every_locale() {
    let cases = [
        (
            "/pages/1/questions/1/input/options/1/label",
            "pages[1].questions[1].input.options[1].label",
        ),
        (
            "/pages/1/questions/3/input/items/0/text",
            "pages[1].questions[3].input.items[0].text",
        ),
        (
            "/pages/1/questions/3/input/low",
            "pages[1].questions[3].input.low",
        ),
        (
            "/pages/0/questions/0/input/high",
            "pages[0].questions[0].input.high",
        ),
        ("/pages/0/title", "pages[0].title"),
        ("/title", "title"),
    ];
    for (pointer, path) in cases {
        let mut v = base();
        v.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("zh-CN".into(), json!("  "));
        assert_eq!(
            error_of(v),
            format!("{path}: missing text for locale \"zh-CN\"")
        );
    }
}

#[test]
fn default_locale_must_be_offered() {
    let mut v = template();
    v["default_locale"] = json!("fr");
    assert_eq!(error_of(v), "default_locale: \"fr\" is not one of locales");
}

#[test]
fn adding_a_locale_means_a_text_for_it_everywhere() {
    let mut v = template();
    v["locales"].as_array_mut().unwrap().push(json!("ja"));
    assert_eq!(error_of(v), "title: missing text for locale \"ja\"");
}

// ---------- inputs ----------

#[test]
fn rating_points_out_of_range_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][0]["input"]["points"] = json!(11);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].input.points: a rating scale has 2 to 10 points, found 11"
    );
    let mut v = template();
    v["pages"][2]["questions"][0]["input"]["points"] = json!(1);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].input.points: a rating scale has 2 to 10 points, found 1"
    );
}

#[test]
fn matrix_rules() {
    let mut v = base();
    v["pages"][1]["questions"][3]["input"]["points"] = json!(11);
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].input.points: a matrix scale has 2 to 10 points, found 11"
    );
    let mut v = base();
    v["pages"][1]["questions"][3]["input"]["items"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_eq!(
        error_of(v),
        "pages[1].questions[3].input.items: a matrix needs at least 2 items (use a rating for one), found 1"
    );
}

#[test]
fn choice_rules() {
    let mut v = base();
    v["pages"][1]["questions"][1]["input"]["options"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_eq!(
        error_of(v),
        "pages[1].questions[1].input.options: a choice question needs at least 2 options, found 1"
    );
    let multi = |min: Value, max: Value| {
        let mut v = base();
        v["pages"][1]["questions"][2]["input"]["min_selected"] = min;
        v["pages"][1]["questions"][2]["input"]["max_selected"] = max;
        v
    };
    assert_eq!(
        error_of(multi(json!(3), json!(2))),
        "pages[1].questions[2].input.min_selected: 3 is more than max_selected (2)"
    );
    assert_eq!(
        error_of(multi(json!(1), json!(4))),
        "pages[1].questions[2].input.max_selected: 4 is more than the 3 options"
    );
    assert_eq!(
        error_of(multi(json!(4), Value::Null)),
        "pages[1].questions[2].input.min_selected: 4 is more than the 3 options"
    );
    assert_eq!(
        error_of(multi(Value::Null, json!(0))),
        "pages[1].questions[2].input.max_selected: must be at least 1"
    );
    Definition::from_json(&multi(json!(3), json!(3)).to_string()).unwrap();
}

#[test]
fn contact_rules() {
    let mut v = base();
    v["pages"][2]["questions"][1]["input"]["channels"] = json!([]);
    assert_eq!(
        error_of(v),
        "pages[2].questions[1].input.channels: at least one channel (phone, email) is needed"
    );
    let mut v = base();
    v["pages"][2]["questions"][1]["input"]["channels"] = json!(["email", "phone", "email"]);
    assert_eq!(
        error_of(v),
        "pages[2].questions[1].input.channels[2]: duplicate channel \"email\""
    );
    // Inside an input (tagged by its `type`) the parser names the input, not the field.
    let mut v = base();
    v["pages"][2]["questions"][1]["input"]["channels"] = json!(["fax"]);
    let e = error_of(v);
    assert!(
        e.starts_with(
            "pages[2].questions[1].input: unknown variant `fax`, expected `phone` or `email`"
        ),
        "{e}"
    );
}

#[test]
fn hidden_rules() {
    let mut v = base();
    v["pages"][2]["questions"][2]["input"]["source"] = json!("repair order");
    assert_eq!(
        error_of(v),
        "pages[2].questions[2].input.source: \"repair order\" is not a valid id (1-64 letters, digits, '_' or '-')"
    );
    let mut v = base();
    v["pages"][2]["questions"][2]["required"] = json!(true);
    assert_eq!(
        error_of(v),
        "pages[2].questions[2].required: a hidden question is never required of the customer"
    );
}

#[test]
fn text_length_rules() {
    for (n, ok) in [(0, false), (1, true), (5000, true), (5001, false)] {
        let mut v = base();
        v["pages"][2]["questions"][0]["input"]["max_length"] = json!(n);
        let r = Definition::from_json(&v.to_string());
        if ok {
            r.unwrap();
        } else {
            assert_eq!(
                r.unwrap_err().to_string(),
                format!("pages[2].questions[0].input.max_length: must be 1 to 5000 characters, found {n}")
            );
        }
    }
}

#[test]
fn wrong_format_and_empty_pages_are_refused() {
    let mut v = template();
    v["format"] = json!("survey-definition/9");
    assert_eq!(
        error_of(v),
        "format: expected \"survey-definition/1\", found \"survey-definition/9\""
    );
    let mut v = template();
    v["pages"] = json!([]);
    assert_eq!(error_of(v), "pages: at least one page is needed");
}

#[test]
fn locale_preference_order() {
    let def = templates::load("post-service").unwrap().unwrap();
    assert_eq!(def.pick_locale(["fr", "en-US"]).as_str(), "en");
    assert_eq!(def.pick_locale(["zh-Hant"]).as_str(), "zh-TW");
    assert_eq!(def.pick_locale(["de"]).as_str(), "zh-CN");
}

// ---------- the JSON Schema ----------

fn schema() -> jsonschema::Validator {
    let text = include_str!("../../docs/survey-definition.schema.json");
    let schema: Value = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::draft202012::meta::validate(&schema).expect("a valid draft 2020-12 schema");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn schema_errors(v: &Value) -> Vec<String> {
    schema()
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn every_built_in_template_and_the_fixture_match_the_schema() {
    for id in templates::BUILT_IN {
        let v: Value = serde_json::from_str(templates::json(id).unwrap()).unwrap();
        assert_eq!(schema_errors(&v), Vec::<String>::new(), "{id}");
    }
    let mut v = base();
    v["pages"][2]["show_if"] = json!({"all": [
        {"at_least": {"question": "a_courtesy", "value": 1}},
        {"not": {"includes": {"question": "issues", "option": "z"}}},
        {"any": [{"equals": {"question": "fcr", "value": {"yes_no": false}}}, {"answered": {"question": "nps"}}]},
        {"equals": {"question": "s_overall", "value": {"scale": 1}}}
    ]});
    v["pages"][0]["questions"][0]["input"]["presentation"] = json!("faces");
    Definition::from_json(&v.to_string()).unwrap();
    assert_eq!(schema_errors(&v), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_unknown_fields_and_malformed_parts() {
    let mut v = base();
    v["colour"] = json!("red");
    assert_eq!(
        schema_errors(&v),
        [": Additional properties are not allowed ('colour' was unexpected)"]
    );
    let mut v = base();
    v["pages"][0]["questions"][0]["requird"] = json!(true);
    assert_eq!(
        schema_errors(&v),
        ["/pages/0/questions/0: Additional properties are not allowed ('requird' was unexpected)"]
    );
    let cases: [(&str, Value); 8] = [
        ("/colour", json!("red")),
        ("/pages/0/questions/0/requird", json!(true)),
        ("/pages/0/questions/0/input/pts", json!(5)),
        ("/pages/1/questions/3/input/items/0/weight", json!(1)),
        (
            "/pages/0/questions/0/scoring",
            json!({"dimension": "speed"}),
        ),
        (
            "/pages/1/questions/0/show_if",
            json!({"below": {"question": "nps", "value": 3}}),
        ),
        (
            "/pages/1/questions/0/show_if",
            json!({"at_most": {"question": "nps", "value": 3, "x": 1}}),
        ),
        ("/pages/2/questions/2/required", json!(true)),
    ];
    for (pointer, value) in cases {
        let mut v = base();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        v.pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key.to_string(), value);
        assert!(!schema_errors(&v).is_empty(), "{pointer} was accepted");
        // The loader refuses every one of them too.
        assert!(Definition::from_json(&v.to_string()).is_err(), "{pointer}");
    }
    let mut v = base();
    v["pages"][1]["questions"][0]["input"]["type"] = json!("slider");
    assert!(!schema_errors(&v).is_empty());
}

#[test]
fn scoring_settings_are_checked_at_load_and_described_by_the_schema() {
    let mut v = template();
    v["scoring"] = json!({"weights": {"empathy": -3}, "alerts": {"follow_up_hours": 24}});
    assert_eq!(
        error_of(v.clone()),
        "scoring.weights.empathy: must be a number 0 or more, found -3"
    );
    v["scoring"]["weights"]["empathy"] = json!(40);
    let def = Definition::from_json(&v.to_string()).expect("valid settings load");
    assert_eq!(def.scoring_config().weights.empathy, 40.0);
    assert_eq!(def.scoring_config().alerts.follow_up_hours, 24);
    assert!(schema_errors(&v).is_empty(), "{:?}", schema_errors(&v));
    v["scoring"]["weigths"] = json!({});
    assert!(error_of(v.clone()).starts_with("scoring.weigths: unknown field"));
    assert!(
        !schema_errors(&v).is_empty(),
        "the schema refuses the typo too"
    );
}

#[test]
fn widget_texts_must_name_an_offered_locale_and_be_usable() {
    let mut v = template();
    v["widget_texts"] = json!({"ja": {"next": "次へ"}});
    assert_eq!(
        error_of(v.clone()),
        "widget_texts.ja: \"ja\" is not one of locales"
    );
    v["widget_texts"] = json!({"en": {"next": "  "}});
    assert_eq!(
        error_of(v.clone()),
        "widget_texts.en.next: must be 1 to 300 characters"
    );
    v["widget_texts"] = json!({"en": {"next page": "On"}});
    assert!(error_of(v.clone())
        .starts_with("widget_texts.en.next page: \"next page\" is not a widget text key"));
    v["widget_texts"] = json!({"en": {"next": "Onward"}});
    let def = Definition::from_json(&v.to_string()).expect("loads");
    assert_eq!(def.widget_texts["en"]["next"], "Onward");
    assert!(schema_errors(&v).is_empty(), "{:?}", schema_errors(&v));
}

#[test]
fn a_roles_name_is_its_json_name() {
    use survey_core::questionnaire::MetricRole::*;
    for role in [Nps, Csat, Ces, Fcr, Process, Overall] {
        assert_eq!(json!(role), json!(role.name()));
    }
}

#[test]
fn a_theme_is_checked_key_by_key_and_for_contrast_with_exact_paths() {
    let mut v = template();
    v["theme"] = json!({"brand": "#ffdd00"});
    assert_eq!(
        error_of(v.clone()),
        "theme.brand: white text on it is 1.34:1, AA needs 4.5:1"
    );
    v["theme"] = json!({"accent": "#ffbf47", "scheme": "light"});
    assert_eq!(
        error_of(v.clone()),
        "theme.accent: against the white background it is 1.64:1, AA needs 3:1"
    );
    v["theme"] = json!({"brnad": "#c8102e"});
    assert!(error_of(v.clone())
        .starts_with("theme.brnad: \"brnad\" is not a theme key; did you mean \"brand\"?"));
    v["theme"] = json!({"logo": "<svg onload=\"alert(1)\"></svg>", "logo_alt": "D"});
    assert_eq!(
        error_of(v.clone()),
        "theme.logo: inline SVG may not have event attributes (onload)"
    );
    v["theme"] = json!({"radius": 4});
    assert!(error_of(v.clone())
        .starts_with("theme.radius: invalid type: integer `4`, expected a string"));
    v["theme"] = json!({
        "brand": "#c8102e", "accent": "#b26a00", "radius": "4", "font": "\"Noto Sans SC\", sans-serif",
        "scheme": "auto", "logo": "/static/favicon.svg", "logo_alt": "Dealer", "logo_height": "40"
    });
    let def = Definition::from_json(&v.to_string()).expect("loads");
    assert_eq!(def.theme["radius"], "4");
    assert!(schema_errors(&v).is_empty(), "{:?}", schema_errors(&v));
    v["theme"]["colour"] = json!("red");
    assert!(
        !schema_errors(&v).is_empty(),
        "the schema refuses an unknown key too"
    );
}
