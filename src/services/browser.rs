//! Small wrappers over browser APIs, each returning a typed result instead of panicking.

use survey_core::ResponseId;

/// A fresh version-4 UUID from `crypto.getRandomValues` (available on plain http too,
/// unlike `crypto.randomUUID`, which a kiosk on a LAN address would lack).
pub fn new_response_id() -> Option<ResponseId> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(ResponseId::from_random_bytes(bytes))
}

/// The device's current time as RFC 3339 UTC with milliseconds.
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// The device's clock in epoch milliseconds: for durations (the funnel's time to
/// complete) and the reducer's timed actions (the question flow's moves), where the
/// text of [`now_rfc3339`] is not needed.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The reader asked for reduced motion: no transitions, no waiting on them.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// A phone's screen: at most `config::PHONE_MAX_WIDTH` CSS px wide and touched rather
/// than pointed at. A narrow desktop window is not a phone; the collector, which sees
/// no screen, asks the user agent instead (collector/src/prerender.rs `is_phone`).
pub fn phone_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(crate::config::PHONE_QUERY).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Writes a dealer-facing message to the console as an error.
pub fn console_error(msg: &str) {
    web_sys::console::error_1(&format!("[survey-widget] {msg}").into());
}

/// Writes a dealer-facing message to the console as a warning.
pub fn console_warn(msg: &str) {
    web_sys::console::warn_1(&format!("[survey-widget] {msg}").into());
}

/// Sets a theme on the mount point: its CSS custom properties through the CSSOM (a
/// strict CSP allows no style attribute, and the stylesheet falls back to its own
/// colours for each one not set) and its scheme as `data-sw-scheme`, which the
/// stylesheet reads. Inherited by everything the widget renders inside, in a shadow
/// root too. Returns how to take it off again.
pub fn apply_theme(root: &web_sys::Element, theme: &survey_core::theme::Theme) -> impl FnOnce() {
    use wasm_bindgen::JsCast;
    let style = root.dyn_ref::<web_sys::HtmlElement>().map(|e| e.style());
    for (name, value) in &theme.vars {
        if let Some(s) = &style {
            let _ = s.set_property(name, value);
        }
    }
    let _ = root.set_attribute("data-sw-scheme", theme.scheme.as_str());
    let (root, names) = (
        root.clone(),
        theme.vars.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
    );
    move || {
        if let Some(s) = root.dyn_ref::<web_sys::HtmlElement>().map(|e| e.style()) {
            for n in names {
                let _ = s.remove_property(n);
            }
        }
        let _ = root.remove_attribute("data-sw-scheme");
    }
}
