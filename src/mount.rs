//! Finds the page's mount points and starts a widget in each.

use crate::app::{App, AppProps};
use crate::config;
use crate::services::browser;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// The attribute that marks an element as a survey mount point.
pub const MOUNT_SELECTOR: &str = "[data-survey-widget]";

/// The flow a server rendered the first page in (`page` or `question`), on the
/// prerendered markup (`prerender`): where the page set none, the browser keeps it, so
/// what the customer answered there is still on screen when the widget takes over.
pub const FLOW_ATTR: &str = "data-sw-flow";

/// Mounts a widget into every element marked `data-survey-widget`.
pub fn mount_all() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let Ok(nodes) = document.query_selector_all(MOUNT_SELECTOR) else {
        return;
    };
    let query = page_query(&window);
    let languages = browser_languages(&window);
    for i in 0..nodes.length() {
        let Some(element) = nodes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let attrs = data_attributes(&element);
        let (mut config, mut warnings) = config::parse(&attrs, &query, &languages);
        // A first page the server rendered in a flow the page did not set: keep that
        // flow, so what the customer answered there is still on screen.
        if let Ok(c) = &mut config {
            let rendered = element
                .query_selector(&format!("[{}]", FLOW_ATTR))
                .ok()
                .flatten()
                .and_then(|pre| pre.get_attribute(FLOW_ATTR));
            if c.flow.is_none() {
                c.flow = rendered.as_deref().and_then(survey_core::flow::Flow::parse);
            }
        }
        warnings.extend(config::unknown_attributes(attrs.keys().map(String::as_str)));
        for w in warnings {
            browser::console_warn(&w);
        }
        // `survey:*` events bubble from the element the widget was mounted in.
        let prefix = format!("sw{i}");
        #[cfg(target_arch = "wasm32")]
        let takeover = crate::takeover::Takeover::take(&element);
        #[cfg(target_arch = "wasm32")]
        let kiosk_started = takeover.as_ref().is_some_and(|t| t.kiosk_started);
        #[cfg(not(target_arch = "wasm32"))]
        let kiosk_started = false;
        let props = AppProps {
            events: Some(element.clone().into()),
            config,
            prefix: prefix.clone().into(),
            root: Some(element.clone()),
            kiosk_started,
        };
        yew::Renderer::<App>::with_root_and_props(element.clone(), props).render();
        // Yew renders in a microtask queued just now; this one runs right after it.
        #[cfg(target_arch = "wasm32")]
        if let Some(takeover) = takeover {
            wasm_bindgen_futures::spawn_local(async move { takeover.apply(&element, &prefix) });
        }
    }
}

/// `navigator.languages`, most preferred first.
pub fn browser_languages(window: &web_sys::Window) -> Vec<String> {
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// The page URL's parameters, first occurrence of each: the visit context, `lang`,
/// `mode`, and those a hidden question may be filled from.
pub fn page_query(window: &web_sys::Window) -> Vec<(String, String)> {
    let search = window.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in js_sys::try_iter(&params)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
    {
        let pair = js_sys::Array::from(&entry.unwrap_or_default());
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            if !out.iter().any(|(seen, _)| *seen == k) {
                out.push((k, v));
            }
        }
    }
    out
}

/// Every `data-*` attribute of the element, without the prefix (unknown ones are
/// warned about by the caller).
fn data_attributes(element: &web_sys::Element) -> BTreeMap<String, String> {
    element
        .get_attribute_names()
        .iter()
        .filter_map(|n| {
            let name = n.as_string()?;
            let key = name.strip_prefix("data-")?.to_string();
            Some((key, element.get_attribute(&name)?))
        })
        .collect()
}
