//! Loading questionnaire definitions: the built-in template loads, and each broken
//! definition is refused with the exact path of the field at fault.

use serde_json::{json, Value};
use survey_core::questionnaire::Input;
use survey_core::{templates, Definition};

fn template() -> Value {
    serde_json::from_str(templates::POST_SERVICE).expect("template is JSON")
}

fn error_of(v: Value) -> String {
    match Definition::from_json(&v.to_string()) {
        Ok(_) => panic!("broken definition was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn post_service_template_loads_with_the_domain_items() {
    let def = templates::load("post-service")
        .expect("built in")
        .expect("valid");
    assert_eq!(def.id.as_str(), "post-service");
    assert_eq!(def.default_locale.as_str(), "zh-CN");
    let locales: Vec<_> = def.locales.iter().map(|l| l.as_str()).collect();
    assert_eq!(locales, ["zh-CN", "zh-TW", "en"]);
    let count = |f: fn(&Input) -> bool| def.questions().filter(|q| f(&q.input)).count();
    assert_eq!(
        count(|i| matches!(i, Input::YesNo { .. })),
        8,
        "process items 1-8 (9 is asked later)"
    );
    assert_eq!(
        count(|i| matches!(i, Input::Rating { points: 5, .. })),
        9,
        "nine satisfaction items"
    );
    assert_eq!(count(|i| matches!(i, Input::Nps { .. })), 1);
    assert_eq!(count(|i| matches!(i, Input::Text { .. })), 1);
    assert!(
        def.pages.iter().all(|p| p.questions.len() <= 4),
        "small groups per page on a phone"
    );
}

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
fn duplicate_question_id_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][1]["id"] = json!("p_appointment");
    assert_eq!(
        error_of(v),
        "pages[2].questions[1].id: duplicate question id \"p_appointment\""
    );
}

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
fn rating_points_out_of_range_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][0]["input"]["points"] = json!(11);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].input.points: a rating scale has 2 to 10 points, found 11"
    );
}

#[test]
fn non_positive_weight_is_refused() {
    let mut v = template();
    v["pages"][2]["questions"][0]["scoring"]["weight"] = json!(-1.0);
    assert_eq!(
        error_of(v),
        "pages[2].questions[0].scoring.weight: must be a positive number, found -1"
    );
}

#[test]
fn default_locale_must_be_offered() {
    let mut v = template();
    v["default_locale"] = json!("fr");
    assert_eq!(error_of(v), "default_locale: \"fr\" is not one of locales");
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
fn malformed_json_is_an_error_not_a_panic() {
    let e = Definition::from_json("{\"format\": ").expect_err("must fail");
    assert!(e.problem.contains("EOF"), "{e}");
}

#[test]
fn locale_preference_order() {
    let def = templates::load("post-service").unwrap().unwrap();
    assert_eq!(def.pick_locale(["fr", "en-US"]).as_str(), "en");
    assert_eq!(def.pick_locale(["zh-Hant"]).as_str(), "zh-TW");
    assert_eq!(def.pick_locale(["de"]).as_str(), "zh-CN");
}
