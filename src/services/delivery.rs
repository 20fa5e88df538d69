//! One HTTP attempt at delivering a response: `POST` with the configured headers and
//! the response id as `Idempotency-Key`, abandoned after the endpoint's timeout, and
//! turned into an [`Outcome`] that the outbox (or the direct path) decides on.

use gloo::timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use survey_core::delivery::{Entry, NewEntry, Outcome, RetryAfter};
use survey_core::endpoint::DEFAULT_TIMEOUT_MS;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What one attempt sends: everything comes from the stored entry, so a later page
/// load sends exactly what the first one would have.
pub struct Request<'a> {
    pub url: &'a str,
    pub id: &'a str,
    pub body: &'a str,
    pub headers: &'a [(String, String)],
    pub timeout_ms: u32,
}

impl<'a> From<&'a Entry> for Request<'a> {
    fn from(e: &'a Entry) -> Self {
        Self {
            url: &e.endpoint,
            id: e.id.as_str(),
            body: &e.body,
            headers: &e.headers,
            timeout_ms: e.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        }
    }
}

impl<'a> From<&'a NewEntry> for Request<'a> {
    fn from(e: &'a NewEntry) -> Self {
        Self {
            url: &e.endpoint,
            id: e.id.as_str(),
            body: &e.body,
            headers: &e.headers,
            timeout_ms: e.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        }
    }
}

/// Starts the `POST`; `keepalive` lets it outlive the page (on `pagehide`).
pub fn start(
    req: &Request<'_>,
    signal: Option<&web_sys::AbortSignal>,
    keepalive: bool,
) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let headers = web_sys::Headers::new().ok()?;
    for (name, value) in req.headers {
        // Checked when configured; a header the browser still refuses is left out
        // rather than losing the response.
        let _ = headers.set(name, value);
    }
    headers.set("Content-Type", "application/json").ok()?;
    headers.set("Idempotency-Key", req.id).ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(req.body));
    init.set_signal(signal);
    if keepalive {
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    }
    Some(window.fetch_with_str_and_init(req.url, &init))
}

/// One attempt, abandoned after the request's timeout.
pub async fn send(req: &Request<'_>) -> Outcome {
    let controller = web_sys::AbortController::new().ok();
    let timed_out = Rc::new(Cell::new(false));
    let _timer = controller.clone().map(|c| {
        let timed_out = timed_out.clone();
        Timeout::new(req.timeout_ms, move || {
            timed_out.set(true);
            c.abort();
        })
    });
    let signal = controller.as_ref().map(|c| c.signal());
    let Some(promise) = start(req, signal.as_ref(), false) else {
        return Outcome::Network("fetch is not available".into());
    };
    let response = match JsFuture::from(promise).await {
        Ok(r) => r,
        Err(_) if timed_out.get() => return Outcome::Timeout,
        Err(e) => return Outcome::Network(js_message(&e)),
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Outcome::Network("fetch did not give a response".into());
    };
    if response.ok() {
        // A paired kiosk learns whether the collector accepted its device key.
        if req
            .headers
            .iter()
            .any(|(n, _)| n == crate::config::KIOSK_KEY_HEADER)
        {
            let status = response.headers().get("X-Kiosk-Key-Status");
            super::outbox::note_kiosk_key(status.ok().flatten().is_some());
        }
        return Outcome::Delivered;
    }
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|h| RetryAfter::parse(&h, js_sys::Date::now() as u64));
    // The body of an error answer may itself hang; the timeout covers it too.
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    let reason = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_else(|| {
            let t: String = text.chars().take(300).collect();
            if t.is_empty() {
                response.status_text()
            } else {
                t
            }
        });
    Outcome::Status {
        code: response.status(),
        retry_after,
        reason,
    }
}

/// The message of a JS error value, for the console.
pub fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
