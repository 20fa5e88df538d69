//! DOM events a host page can listen to: `survey:start`, `survey:page`,
//! `survey:complete` (with the score card) and `survey:error`.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// Dispatches `name` on `target` with `detail`, bubbling and composed so a listener
/// outside the widget's shadow root hears it.
pub fn emit<T: Serialize>(target: Option<&web_sys::EventTarget>, name: &str, detail: &T) {
    let Some(target) = target else { return };
    // Through JSON text rather than serde-wasm-bindgen: the details are plain JSON
    // values (strings, numbers, null, objects), and serde_json's serializer is in the
    // widget already, so this costs no code of its own.
    let detail = serde_json::to_string(detail)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL);
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// `survey:page` detail.
#[derive(Serialize)]
pub struct PageShown {
    pub survey: String,
    pub page: usize,
    pub total: usize,
}

/// `survey:complete` detail: the response id and the device's score card.
#[derive(Serialize)]
pub struct Completed<'a> {
    pub survey: &'a str,
    pub id: &'a str,
    pub score: Option<&'a survey_core::scoring::ScoreCard>,
}

/// `survey:error` detail. `response` names the response a delivery error is about.
#[derive(Serialize)]
pub struct ErrorDetail<'a> {
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<&'a str>,
}
