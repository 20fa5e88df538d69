//! The JavaScript API for sites that want control: `mountWidget(element, options,
//! eventTarget)` (wrapped as `SurveyWidget.mount` by `static/survey-widget.js`).

use crate::app::{App, AppProps};
use crate::config::{self, ConfigError};
use crate::mount::{browser_languages, page_query};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::prelude::*;
use yew::AppHandle;

/// The options a site passes, the same as the script tag's `data-*` attributes.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct MountOptions {
    survey: Option<String>,
    definition: Option<String>,
    endpoint: Option<String>,
    /// `{"X-Dealer-Route": "north-7"}`: public routing keys, never secrets.
    endpoint_headers: Option<serde_json::Value>,
    timeout_seconds: Option<serde_json::Value>,
    payload: Option<String>,
    /// `{"ResponseId": "id", "NPS": "score.nps"}` with `payload: "flat"`.
    payload_fields: Option<serde_json::Value>,
    allow_http: Option<bool>,
    locale: Option<String>,
    mode: Option<String>,
    review_url: Option<String>,
    kiosk_pin: Option<String>,
    idle_seconds: Option<serde_json::Value>,
}

impl MountOptions {
    /// The same texts the `data-*` attributes would give (JSON values as JSON text,
    /// numbers as digits), so both ways in are checked by one parser.
    fn into_attrs(self) -> BTreeMap<String, String> {
        let text = |v: Option<serde_json::Value>| {
            v.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
        };
        [
            ("survey", self.survey),
            ("definition", self.definition),
            ("endpoint", self.endpoint),
            ("endpoint-headers", text(self.endpoint_headers)),
            ("timeout-seconds", text(self.timeout_seconds)),
            ("payload", self.payload),
            ("payload-fields", text(self.payload_fields)),
            ("allow-http", self.allow_http.map(|b| b.to_string())),
            ("locale", self.locale),
            ("mode", self.mode),
            ("review-url", self.review_url),
            ("kiosk-pin", self.kiosk_pin),
            ("idle-seconds", text(self.idle_seconds)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
    }
}

/// A mounted widget; `destroy()` removes it and everything it rendered.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<App>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Every mounted widget gets its own DOM id prefix, so two on one page never clash.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// Mounts a widget into `root`; `survey:*` events are dispatched on `events`.
/// Bad options do not throw: the widget shows what is wrong, as a bad attribute would.
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    root: web_sys::Element,
    options: JsValue,
    events: web_sys::EventTarget,
) -> WidgetHandle {
    // Through a JSON value: serde-wasm-bindgen reads only the fields a struct names,
    // so `deny_unknown_fields` would never see a misspelt option.
    let parsed: Result<MountOptions, String> = if options.is_undefined() || options.is_null() {
        Ok(MountOptions::default())
    } else {
        serde_wasm_bindgen::from_value::<serde_json::Value>(options)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
    };
    let config = match parsed {
        Ok(options) => {
            let (config, warnings) = match web_sys::window() {
                Some(window) => config::parse(
                    &options.into_attrs(),
                    &page_query(&window),
                    &browser_languages(&window),
                ),
                None => config::parse(&options.into_attrs(), &[], &[]),
            };
            for w in warnings {
                crate::services::browser::console_warn(&w);
            }
            config
        }
        Err(e) => Err(ConfigError::BadOptions(e)),
    };
    let prefix = format!("swe{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let props = AppProps {
        config,
        prefix: prefix.into(),
        events: Some(events),
    };
    WidgetHandle {
        app: Some(yew::Renderer::<App>::with_root_and_props(root, props).render()),
    }
}
