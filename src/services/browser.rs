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

/// Writes a dealer-facing message to the console as an error.
pub fn console_error(msg: &str) {
    web_sys::console::error_1(&format!("[survey-widget] {msg}").into());
}

/// Writes a dealer-facing message to the console as a warning.
pub fn console_warn(msg: &str) {
    web_sys::console::warn_1(&format!("[survey-widget] {msg}").into());
}
