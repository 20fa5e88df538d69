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

/// Scrolls a question an answer just brought in (a required follow-up) into view,
/// without moving focus: smoothly, or at once for a reader who asked for reduced motion.
#[hook]
pub fn use_reveal(reveal: Option<Focus>, prefix: AttrValue, root: NodeRef) {
    use_effect_with(reveal, move |reveal| {
        let Some(Focus {
            target: FocusTarget::Question(id),
            ..
        }) = reveal
        else {
            return;
        };
        let Some(el) = root.cast::<web_sys::Element>().and_then(|r| {
            r.query_selector(&format!("#{prefix}-q-{id}"))
                .ok()
                .flatten()
        }) else {
            return;
        };
        let reduced = web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|m| m.matches());
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        options.set_behavior(if reduced {
            web_sys::ScrollBehavior::Instant
        } else {
            web_sys::ScrollBehavior::Smooth
        });
        el.scroll_into_view_with_scroll_into_view_options(&options);
    });
}
