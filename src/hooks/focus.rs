use crate::state::{Focus, FocusTarget};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Moves keyboard focus after a render: to the new page's heading, or to the first
/// field with a problem. Searches inside the widget's own root, which may sit in a
/// shadow root where `document.querySelector` cannot see.
#[hook]
pub fn use_focus(focus: Option<Focus>, prefix: AttrValue, root: NodeRef) {
    use_effect_with(focus, move |focus| {
        let Some(focus) = focus else { return };
        let Some(root) = root.cast::<web_sys::Element>() else {
            return;
        };
        let selector = match &focus.target {
            FocusTarget::Heading => format!("#{prefix}-heading"),
            FocusTarget::Question(id) => {
                format!("#{prefix}-q-{id} input, #{prefix}-q-{id} textarea")
            }
        };
        if let Some(el) = root
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
