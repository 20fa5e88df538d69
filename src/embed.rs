//! The JavaScript API for sites that want control: `mountWidget(element, options,
//! eventTarget)` (wrapped as `SurveyWidget.mount` by `static/survey-widget.js`).

use crate::app::{App, AppProps};
use crate::config::{self, ConfigError};
use crate::mount::{browser_languages, page_query};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::prelude::*;
use yew::AppHandle;

/// The options a site passes (camelCase names of the `data-*` attributes, e.g.
/// `endpointHeaders`), as the attributes' texts: strings as they are, anything else
/// (objects, numbers, booleans) as JSON text, so both ways in are checked by one parser
/// against one list ([`config::ATTRIBUTES`]). An unknown name is an error for the
/// JavaScript API; for the script tag's attributes (`lenient`) it is a warning.
fn options_to_attrs(
    options: JsValue,
    lenient: bool,
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    if options.is_undefined() || options.is_null() {
        return Ok(Default::default());
    }
    // Through the browser's JSON.stringify and serde_json, which the widget has anyway,
    // rather than serde-wasm-bindgen (about 5 KB of wasm for this one call). What JSON
    // cannot hold goes the same way as before: `undefined` and NaN are no value, a
    // function or a symbol is not an object of options; a BigInt or a cycle, which
    // JSON.stringify refuses, is an error (it was a failure or a stack overflow).
    let text = js_sys::JSON::stringify(&options)
        .map_err(|e| {
            let why = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()));
            format!("options are not JSON: {}", why.unwrap_or_default())
        })?
        .as_string();
    let value = match text {
        Some(text) => serde_json::from_str(&text).map_err(|e| e.to_string())?,
        None => serde_json::Value::Null,
    };
    let serde_json::Value::Object(map) = value else {
        return Err("expected an object of options".into());
    };
    let mut attrs = BTreeMap::new();
    let mut unknown = Vec::new();
    for (name, v) in map {
        let mut key = String::new();
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                key.push('-');
            }
            key.push(c.to_ascii_lowercase());
        }
        if !config::is_setting(&key) {
            if !lenient {
                return Err(format!("unknown field `{name}`"));
            }
            unknown.push(key);
            continue;
        }
        let text = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        attrs.insert(key, text);
    }
    let warnings = config::unknown_attributes(unknown.iter().map(String::as_str));
    Ok((attrs, warnings))
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
    lenient: Option<bool>,
) -> WidgetHandle {
    let config = match options_to_attrs(options, lenient.unwrap_or(false)) {
        Ok((attrs, unknown)) => {
            let (config, mut warnings) = match web_sys::window() {
                Some(window) => {
                    config::parse(&attrs, &page_query(&window), &browser_languages(&window))
                }
                None => config::parse(&attrs, &[], &[]),
            };
            warnings.extend(unknown);
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
        prefix: prefix.clone().into(),
        events: Some(events),
        root: Some(root.clone()),
        // `/v1/first-page` renders no kiosk: its welcome is the widget's own here.
        kiosk_started: false,
    };
    // The first page the loader showed from `/v1/first-page` while the wasm loaded.
    #[cfg(target_arch = "wasm32")]
    let takeover = crate::takeover::Takeover::take(&root);
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    // Yew renders in a microtask queued just now; this one runs right after it.
    #[cfg(target_arch = "wasm32")]
    if let Some(takeover) = takeover {
        wasm_bindgen_futures::spawn_local(async move { takeover.apply(&root, &prefix) });
    }
    WidgetHandle { app: Some(app) }
}
