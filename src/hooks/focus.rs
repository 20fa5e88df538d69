use crate::state::{Focus, FocusTarget};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Moves keyboard focus after a render: to the new page's heading, or to the first
/// field with a problem. Searches inside the widget's own root, which may sit in a
/// shadow root where `document.querySelector` cannot see.
///
/// A new page starts at the widget's own top, `scroll_offset` px below the top of
/// the viewport (a host page's sticky header), not wherever focusing the heading
/// would leave it (issue 13 item 15).
#[hook]
pub fn use_focus(focus: Option<Focus>, prefix: AttrValue, root: NodeRef, scroll_offset: u32) {
    use_effect_with(focus, move |focus| {
        let Some(focus) = focus else { return };
        let Some(root) = root.cast::<web_sys::Element>() else {
            return;
        };
        if focus.target == FocusTarget::Heading {
            if let Some(heading) = root
                .query_selector(&format!("#{prefix}-heading"))
                .ok()
                .flatten()
            {
                focus_without_scrolling(&heading);
            }
            // CSSOM, not a style attribute: allowed under a strict CSP.
            if let Ok(style) = js_sys::Reflect::get(&root, &"style".into()) {
                let _ = js_sys::Reflect::set(
                    &style,
                    &"scrollMarginTop".into(),
                    &format!("{scroll_offset}px").into(),
                );
            }
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Start);
            options.set_behavior(behavior());
            root.scroll_into_view_with_scroll_into_view_options(&options);
            return;
        }
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
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        options.set_behavior(behavior());
        el.scroll_into_view_with_scroll_into_view_options(&options);
    });
}

/// Smooth, or at once for a reader who asked for reduced motion.
fn behavior() -> web_sys::ScrollBehavior {
    if crate::services::browser::prefers_reduced_motion() {
        web_sys::ScrollBehavior::Instant
    } else {
        web_sys::ScrollBehavior::Smooth
    }
}

/// `el.focus({preventScroll: true})`: the caller scrolls.
fn focus_without_scrolling(el: &web_sys::Element) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &true.into());
    if let Ok(focus) = js_sys::Reflect::get(el, &"focus".into()) {
        if let Some(f) = focus.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(el, &options);
        }
    }
}
