//! Sends the survey's funnel beacons (`survey_core::funnel`: which stage a visit
//! reached, nothing the customer wrote) to the collector's `/v1/beacons`.
//!
//! ## The contract
//! - **Where.** Next to the endpoint, as the link check finds the collector: an
//!   endpoint ending in `/v1/responses` (or an agent's `/v1/interviews`) is the
//!   collector, and its `/v1/beacons` gets the beacons. Any other endpoint (a dealer's
//!   CRM) gets none. `data-beacons="off"` turns them off for a collector behind a
//!   dealer's own proxy that does not pass `/v1/beacons` on ([`url`]).
//! - **How.** `navigator.sendBeacon` with the JSON as text (`text/plain`: no CORS
//!   preflight, and the browser delivers it even as the page unloads); when the browser
//!   refuses it (a queue limit), a `fetch` with `keepalive`. Neither is awaited or
//!   read, and a failure is dropped: a lost beacon costs one number in the funnel,
//!   never the survey.

use wasm_bindgen::JsValue;

/// The collector's beacon URL for `endpoint`, given the `data-beacons` setting; a
/// warning for a setting that is neither `on` nor `off` (beacons then stay on).
pub fn url(endpoint: &str, setting: Option<&str>) -> (Option<String>, Option<String>) {
    let on = match setting.map(str::trim) {
        None | Some("on") => true,
        Some("off") => false,
        Some(other) => {
            let warning = format!("data-beacons: {other:?} is not on or off; beacons stay on");
            return (url(endpoint, None).0, Some(warning));
        }
    };
    let base = ["/v1/responses", "/v1/interviews"]
        .into_iter()
        .find_map(|suffix| endpoint.strip_suffix(suffix));
    (base.filter(|_| on).map(|b| format!("{b}/v1/beacons")), None)
}

/// Posts one beacon body to `url`, fire and forget.
pub fn send(url: &str, body: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window
        .navigator()
        .send_beacon_with_opt_str(url, Some(body))
        .unwrap_or(false)
    {
        return;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // web-sys has no setter for `keepalive`: set it on the dictionary itself.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    let promise = window.fetch_with_str_and_init(url, &init);
    // Awaited only so a refused fetch is not an unhandled rejection on the page.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn beacons_go_to_the_collector_only() {
        let on = |e: &str, s: Option<&str>| url(e, s).0;
        assert_eq!(
            on("https://c.example/v1/responses", None).as_deref(),
            Some("https://c.example/v1/beacons")
        );
        assert_eq!(
            on("/v1/responses", Some("on")).as_deref(),
            Some("/v1/beacons")
        );
        assert_eq!(on("/v1/interviews", None).as_deref(), Some("/v1/beacons"));
        assert_eq!(on("https://crm.example/hook", None), None);
        assert_eq!(on("/v1/responses", Some("off")), None);
        let (u, warning) = url("/v1/responses", Some("no"));
        assert_eq!(u.as_deref(), Some("/v1/beacons"));
        assert!(warning.is_some_and(|w| w.starts_with("data-beacons: \"no\"")));
    }
}
