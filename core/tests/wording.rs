//! The built-in templates' wording rules (issue 13 item 20), in all three languages;
//! the reasons are in docs/definition-format.md ("How the built-in templates are
//! worded and tagged").

use serde_json::{json, Value};
use survey_core::scoring::score;
use survey_core::{templates, Answers};

fn template(id: &str) -> Value {
    serde_json::from_str(templates::json(id).expect("built in")).expect("JSON")
}

fn question(def: &Value, id: &str) -> Value {
    def["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["questions"].as_array().into_iter().flatten())
        .find(|q| q["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no question {id}"))
}

#[test]
fn issue_13_item_20_the_dealer_speaks_as_itself_not_as_the_carmaker() {
    for id in ["post-service", "post-call"] {
        let text = templates::json(id).expect("built in");
        for word in ["特约", "特約"] {
            assert!(
                !text.contains(word),
                "{id} says {word}: a customer says 本店/我们"
            );
        }
    }
}

#[test]
fn issue_13_item_20_satisfaction_items_are_rated_statements() {
    let def = template("post-service");
    let price = question(&def, "s_fair_price");
    for (locale, text) in price["text"].as_object().expect("texts") {
        let text = text.as_str().unwrap_or_default();
        assert!(
            !text.contains("是否") && !text.ends_with('?'),
            "{locale}: {text:?} is a yes/no question on a satisfaction scale"
        );
    }
    assert_eq!(price["scoring"], json!({"dimension": "assurance"}));
    let advisor = question(&def, "s_advisor");
    assert!(advisor["text"]["zh-CN"]
        .as_str()
        .is_some_and(|t| t.ends_with("的满意度")));
    assert!(advisor["text"]["zh-TW"]
        .as_str()
        .is_some_and(|t| t.ends_with("的滿意度")));
    let ces = question(&template("post-call"), "ces");
    assert!(
        !ces["text"]["zh-CN"]
            .as_str()
            .unwrap_or_default()
            .contains("公司让我"),
        "the CES statement in the customer's own words"
    );
}

#[test]
fn issue_13_item_20_a_walk_in_answers_the_appointment_question_not_applicable() {
    let def = templates::load("post-service")
        .expect("built in")
        .expect("valid");
    assert_eq!(
        question(&template("post-service"), "p_appointment")["input"]["allow_na"],
        json!(true)
    );
    let answers: Answers = serde_json::from_value(json!({
        "p_appointment": "not_applicable",
        "p_cost_estimate": {"yes_no": true},
        "p_time_estimate": {"yes_no": true},
    }))
    .expect("answers");
    let card = score(&def, &answers, &def.scoring_config());
    // Left out, not counted as a "no": 2 of 2, not 2 of 3.
    assert_eq!((card.process.answered, card.process.yes), (2, 2));
    assert_eq!(card.process.compliance, Some(1.0));
}
