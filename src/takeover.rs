//! Taking over a prerendered first page (see `prerender`, served by the collector).
//!
//! The customer may already have chosen answers, typed, focused a field, chosen a
//! language or pressed Next in the server's markup while the wasm downloaded. Before
//! the widget renders, that is read and the markup removed; once it has rendered (in
//! the same task, so nothing is painted in between) the same controls, found by their
//! ids, are chosen, filled and focused again through the widget's own event handlers,
//! the language's button is pressed, and a pressed Next is pressed again. Nothing the
//! customer did is lost or done twice.
//!
//! The markup may have been rendered with another mount prefix than the widget's (the
//! script tag's fragment from `/v1/first-page` is rendered as `sw0`, the embedded
//! widget is `swe<n>`): ids are kept without their prefix (`sw0-q-nps` → `q-nps`) and
//! found again under the widget's own.
//!
//! A kiosk's markup is its welcome screen with the first customer's first page hidden
//! behind it; `static/kiosk-start.js` swaps them on a tap of start. The kiosk then
//! starts on its survey, and the survey's ids (`sw0-0-…`: the kiosk numbers its
//! customers from 0) are found as any other.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement};

/// Marks the prerendered markup (as `prerender::PRERENDERED_ATTR`).
const PRERENDERED: &str = "[data-sw-prerendered]";
/// Set on the prerendered markup by `static/boot.js` when Next was pressed there.
const NEXT_PRESSED: &str = "data-sw-next";
/// Set on a kiosk's prerendered markup by `static/kiosk-start.js` when the customer
/// tapped start on its welcome: the kiosk's survey (whose ids are `<prefix>-0-…`, the
/// first customer's) was shown then, and is what the widget takes over.
const KIOSK_STARTED: &str = "data-sw-started";
/// Set on the prerendered markup by the loaders to the language the customer chose
/// there; the markup's words stay as they were until the widget runs.
const LANGUAGE: &str = "data-sw-lang";

/// What the customer did in the prerendered markup.
#[derive(Debug, Default)]
pub struct Takeover {
    /// Ids of checked radio buttons and checkboxes, in page order.
    chosen: Vec<String>,
    /// Ids and values of text fields that hold something.
    typed: Vec<(String, String)>,
    /// The id of the control that had keyboard focus.
    focused: Option<String>,
    next_pressed: bool,
    /// The kiosk's survey was started in the markup (see [`KIOSK_STARTED`]).
    pub kiosk_started: bool,
    /// The language chosen in the markup (see [`LANGUAGE`]).
    language: Option<String>,
}

impl Takeover {
    /// Reads and removes the prerendered markup inside `host`; `None` when there is none.
    pub fn take(host: &Element) -> Option<Takeover> {
        let pre = host.query_selector(PRERENDERED).ok().flatten()?;
        let unprefixed = |id: String| id.split_once('-').map(|(_, rest)| rest.to_string());
        let mut out = Takeover {
            next_pressed: pre.has_attribute(NEXT_PRESSED),
            kiosk_started: pre.has_attribute(KIOSK_STARTED),
            language: pre.get_attribute(LANGUAGE),
            ..Takeover::default()
        };
        if let Ok(fields) = pre.query_selector_all("input, textarea") {
            for i in 0..fields.length() {
                let Some(node) = fields.item(i) else { continue };
                if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                    match input.type_().as_str() {
                        "radio" | "checkbox" if input.checked() => {
                            out.chosen.extend(unprefixed(input.id()))
                        }
                        "radio" | "checkbox" => {}
                        _ if !input.value().is_empty() => out
                            .typed
                            .extend(unprefixed(input.id()).map(|id| (id, input.value()))),
                        _ => {}
                    }
                } else if let Some(area) = node.dyn_ref::<HtmlTextAreaElement>() {
                    if !area.value().is_empty() {
                        out.typed
                            .extend(unprefixed(area.id()).map(|id| (id, area.value())));
                    }
                }
            }
        }
        // In a shadow root (the script tag) the document's active element is the host;
        // the root's own is the field.
        let root = pre.get_root_node();
        let active = match root.dyn_ref::<web_sys::ShadowRoot>() {
            Some(shadow) => shadow.active_element(),
            None => root
                .dyn_ref::<web_sys::Document>()
                .and_then(|d| d.active_element()),
        };
        out.focused = active
            .filter(|e| pre.contains(Some(e)))
            .and_then(|e| unprefixed(e.id()));
        pre.remove();
        Some(out)
    }

    /// Does again, in the widget just rendered inside `host` with ids under `prefix`,
    /// what was done before.
    pub fn apply(self, host: &Element, prefix: &str) {
        let find = |id: &str| -> Option<Element> {
            if id.is_empty() {
                return None;
            }
            let id = format!("{prefix}-{id}");
            host.query_selector(&format!("[id=\"{}\"]", css_string(&id)))
                .ok()
                .flatten()
        };
        for id in &self.chosen {
            if let Some(input) = find(id).and_then(|e| e.dyn_into::<HtmlInputElement>().ok()) {
                if !input.checked() {
                    input.click();
                }
            }
        }
        for (id, value) in &self.typed {
            let Some(el) = find(id) else { continue };
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                input.set_value(value);
            } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
                area.set_value(value);
            } else {
                continue;
            }
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
                let _ = el.dispatch_event(&event);
            }
        }
        // The widget's own language button, pressed as the customer pressed its twin.
        if let Some(button) = self.language.as_deref().and_then(|lang| {
            host.query_selector(&format!(".sw-lang-btn[lang=\"{}\"]", css_string(lang)))
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        }) {
            if button.get_attribute("aria-pressed").as_deref() != Some("true") {
                button.click();
            }
        }
        if let Some(el) = self
            .focused
            .as_deref()
            .and_then(find)
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = el.focus();
        }
        if self.next_pressed {
            if let Some(form) = host
                .query_selector("form")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
            {
                let _ = form.request_submit();
            }
        }
    }
}

/// `s` escaped for a double-quoted CSS string (ids come from the definition).
fn css_string(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
