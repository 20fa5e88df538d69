//! Runs inside headless Chromium (wasm-bindgen-test): the widget mounts into a real
//! DOM, renders the first question, and shows a readable error for a broken config.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;
use survey_widget::app::{App, AppProps};
use survey_widget::config;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(attrs: &[(&str, &str)], query: &[(&str, &str)]) -> web_sys::Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let attrs: BTreeMap<String, String> = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (config, _) = config::parse(&attrs, &query, &[]);
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            config,
            prefix: "t".into(),
            events: None,
            root: None,
            kiosk_started: false,
        },
    )
    .render();
    root
}

async fn settle() {
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn renders_the_first_question_in_the_requested_language() {
    let root = mount(
        &[("survey", "post-service"), ("endpoint", "/v1/responses")],
        &[("lang", "en")],
    );
    settle().await;
    let legend = root
        .query_selector("#t-q-p_appointment legend")
        .unwrap()
        .expect("first question");
    assert!(legend
        .text_content()
        .unwrap_or_default()
        .contains("Did we offer you an appointment?"));
    let radios = root
        .query_selector_all("#t-q-p_appointment input[type=radio]")
        .unwrap();
    assert_eq!(radios.length(), 3, "yes, no and not applicable (a walk-in)");
}

#[wasm_bindgen_test]
async fn a_broken_configuration_shows_which_attribute_is_wrong() {
    let root = mount(
        &[("survey", "post-servce"), ("endpoint", "/v1/responses")],
        &[],
    );
    settle().await;
    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an error box");
    let text = alert.text_content().unwrap_or_default();
    assert!(
        text.contains("data-survey: no questionnaire called \"post-servce\""),
        "{text}"
    );
    assert!(
        root.query_selector("form").unwrap().is_none(),
        "no survey shown"
    );
}
