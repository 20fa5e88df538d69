use crate::state::{Focus, FocusTarget};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Moves keyboard focus after a render: to the new page's heading, or to the first
/// field with a problem. `prefix` keeps two widgets on one page apart.
#[hook]
pub fn use_focus(focus: Option<Focus>, prefix: AttrValue) {
    use_effect_with(focus, move |focus| {
        let Some(focus) = focus else { return };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let selector = match &focus.target {
            FocusTarget::Heading => format!("#{prefix}-heading"),
            FocusTarget::Question(id) => {
                format!("#{prefix}-q-{id} input, #{prefix}-q-{id} textarea")
            }
        };
        if let Some(el) = document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
