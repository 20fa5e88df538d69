//! The dealer console: the results a service manager reads every morning, in the
//! browser, from the collector's `/v1` APIs (issue 15). A Yew app compiled to wasm
//! like the widget, sharing survey-core's types (the summary it shows is core's
//! `Summary`, as the collector serialises it).
//!
//! Pure parts (periods, what a figure means) are tested natively; `api` is the one
//! module that talks to the browser and the collector.

pub mod call_texts;
pub mod case_texts;
pub mod casework;
pub mod chart;
pub mod figures;
pub mod i18n;
pub mod period;
pub mod questionnaire_texts;
pub mod responses;
pub mod sorting;
pub mod voc;
pub mod webhook_texts;

// Compiled natively too (never run there), so `cargo clippy` checks the views.
pub mod api;
pub mod app;
pub mod calls;
pub mod cases;
pub mod download;
pub mod funnel;
pub mod kiosks;
pub mod list;
pub mod overview;
pub mod people;
pub mod questionnaires;
pub mod report;
pub mod response_rate;
pub mod solve;
pub mod targets;
pub mod trend;
pub mod webhook;

/// Mounts the console on the page's `#console` element.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("console"));
    if let Some(root) = root {
        yew::Renderer::<app::App>::with_root(root).render();
    }
}
