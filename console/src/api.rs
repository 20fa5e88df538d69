//! The console's only contact with the browser and the collector: today's date, the
//! `/v1` calls (same origin, the session cookie), and the way to the sign-in page.
//! Everything it returns is plain data; the views never touch web APIs.

use crate::period::Date;
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a call gave no data, as the page tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No session (or it ended): the page goes to the sign-in page.
    SignedOut,
    /// The collector refused; its `{"error": …}` line, or the status.
    Refused(String),
    /// No answer at all (offline, collector down).
    Network,
}

impl Failure {
    /// The one line a page shows for it (the collector's own refusal as it is).
    pub fn line(&self) -> String {
        match self {
            Failure::SignedOut => "401".into(),
            Failure::Refused(e) => e.clone(),
            Failure::Network => "no answer from the collector".into(),
        }
    }
}

/// What a page shows for a failed call: the line, or nothing when the session ended
/// (the browser is already on its way to the sign-in page).
pub fn shown(f: Failure) -> Option<String> {
    match f {
        Failure::SignedOut => {
            sign_in();
            None
        }
        other => Some(other.line()),
    }
}

/// A value in a request path (a dealer, a survey id): percent-encoded, so nothing in it
/// can change the path.
pub fn path_segment(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

/// Today in the browser's calendar (the manager's own day, which for a dealer group
/// in China is the dealers' day too).
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date {
        year: now.get_full_year() as i64,
        month: now.get_month() + 1,
        day: now.get_date(),
    }
}

/// The browser's language preference, for the first view.
pub fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// Leaves for the sign-in page, which sends the manager back here afterwards.
pub fn sign_in() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace("/login?next=%2Fconsole");
    }
}

/// `GET path` (with its query), parsed as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    let text = call("GET", path, None, None).await?;
    serde_json::from_str(&text).map_err(|e| Failure::Refused(e.to_string()))
}

/// `POST path` with the session's CSRF token and no body.
pub async fn post(path: &str, csrf: &str) -> Result<(), Failure> {
    call("POST", path, Some(csrf), None).await.map(|_| ())
}

/// A state change (`POST`, `DELETE`, …) with the session's CSRF token and `body`, a
/// JSON text; the reply's text (empty for a 204).
pub async fn send(
    method: &str,
    path: &str,
    csrf: &str,
    body: Option<String>,
) -> Result<String, Failure> {
    call(method, path, Some(csrf), body).await
}

/// `POST path` with the session's CSRF token and a JSON body, the reply parsed as `T`.
pub async fn post_json<T: DeserializeOwned>(
    path: &str,
    csrf: &str,
    body: &serde_json::Value,
) -> Result<T, Failure> {
    let text = send("POST", path, csrf, Some(body.to_string())).await?;
    serde_json::from_str(&text).map_err(|e| Failure::Refused(e.to_string()))
}

/// The location's hash (`#cases/…`), the console's page.
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Calls `f` with the new hash whenever it changes (a link, Back, Forward) until the
/// returned guard is dropped.
pub fn listen_hash(f: impl Fn(String) + 'static) -> HashListener {
    use wasm_bindgen::closure::Closure;
    let closure = Closure::<dyn Fn()>::new(move || f(hash()));
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
    }
    HashListener(closure)
}

/// Stops listening when dropped.
pub struct HashListener(wasm_bindgen::closure::Closure<dyn Fn()>);

impl Drop for HashListener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w
                .remove_event_listener_with_callback("hashchange", self.0.as_ref().unchecked_ref());
        }
    }
}

/// A `datetime-local` input's value (`2026-12-05T09:30`, this computer's clock) as an
/// RFC 3339 UTC time; `None` when empty or not a time.
pub fn local_input_to_utc(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return None;
    }
    d.to_iso_string().as_string()
}

/// Moves keyboard focus to the element with `id` (a page's heading after navigation).
pub fn focus(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// `POST path` with the session's CSRF token and a CSV file's text as `text/csv`; the
/// reply's text.
pub async fn post_csv(path: &str, csrf: &str, csv: String) -> Result<String, Failure> {
    call_typed("POST", path, Some(csrf), Some((csv, "text/csv"))).await
}

async fn call(
    method: &str,
    path: &str,
    csrf: Option<&str>,
    body: Option<String>,
) -> Result<String, Failure> {
    call_typed(method, path, csrf, body.map(|b| (b, "application/json"))).await
}

async fn call_typed(
    method: &str,
    path: &str,
    csrf: Option<&str>,
    body: Option<(String, &str)>,
) -> Result<String, Failure> {
    let window = web_sys::window().ok_or(Failure::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| Failure::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(token) = csrf {
        let _ = headers.set("X-CSRF-Token", token);
    }
    if let Some((body, kind)) = body {
        let _ = headers.set("Content-Type", kind);
        init.set_body(&wasm_bindgen::JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| Failure::Network)?
        .dyn_into()
        .map_err(|_| Failure::Network)?;
    let text = body_text(&response).await;
    match response.status() {
        200..=299 => Ok(text),
        401 => Err(Failure::SignedOut),
        status => Err(Failure::Refused(refusal(status, &text))),
    }
}

/// A reply's body as text; empty where it cannot be read (a refusal then falls back to
/// its status line in [`refusal`]).
async fn body_text(response: &web_sys::Response) -> String {
    match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// `GET path` (an export: CSV or XLSX) with the session cookie, saved by the browser
/// as `file_name`. Fetched rather than followed as a link so that a refusal is read
/// and shown as the collector's one line instead of being saved as a file; a
/// completed body becomes an object URL handed to a transient `<a download>`.
pub async fn download(path: &str, file_name: &str) -> Result<(), Failure> {
    let window = web_sys::window().ok_or(Failure::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| Failure::Network)?
        .dyn_into()
        .map_err(|_| Failure::Network)?;
    match response.status() {
        200..=299 => {}
        401 => return Err(Failure::SignedOut),
        status => {
            return Err(Failure::Refused(refusal(
                status,
                &body_text(&response).await,
            )))
        }
    }
    // A transfer cut short (the CSV stream ends without its last chunk) rejects here.
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(|_| Failure::Network)?)
        .await
        .map_err(|_| Failure::Network)?
        .dyn_into()
        .map_err(|_| Failure::Network)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| Failure::Network)?;
    let anchor = window
        .document()
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or(Failure::Network)?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The browser reads the object URL after the click's task: it is released a minute
    // later, not at once.
    let release = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 60_000);
    Ok(())
}

/// The collector's one refusal shape, `{"error": "…"}`, or the bare status.
fn refusal(status: u16, body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_else(|| format!("HTTP {status}"))
}

/// Percent-encodes a query from pairs (the browser's own encoder).
pub fn query(pairs: &[(&str, String)]) -> String {
    let params = match web_sys::UrlSearchParams::new() {
        Ok(p) => p,
        Err(_) => return String::new(),
    };
    for (k, v) in pairs {
        params.append(k, v);
    }
    String::from(params.to_string())
}

/// Runs `work` and hands its result to `apply` only if the effect that started it is
/// still the current one; returns the effect's cleanup, which Yew calls when the
/// filters change again (or the view goes away).
///
/// Why: a manager who changes two filters quickly starts two requests, and the first
/// may answer last. Without this, its figures (another dealer's) would replace the
/// newer ones on the screen: seen under load in CI, "n 17" shown for a filter whose
/// count is 45.
pub fn spawn_current<T: 'static>(
    work: impl Future<Output = T> + 'static,
    apply: impl FnOnce(T) + 'static,
) -> impl FnOnce() {
    let current = Rc::new(Cell::new(true));
    let still = current.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let out = work.await;
        if still.get() {
            apply(out);
        }
    });
    move || current.set(false)
}

/// The console's own origin (`https://collector.example`), for addresses it shows.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Names the page in the address (so a reload or a bookmark opens it again).
pub fn set_hash(name: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(name);
    }
}

/// The browser's print dialog (the VOC report is laid out for A4).
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Minutes east of UTC in the browser's zone now (480 in Shanghai).
pub fn offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// The value of the `<select>` or `<input>` an event came from.
pub fn field_value(e: &web_sys::Event) -> Option<String> {
    let target = e.target();
    target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlSelectElement>())
        .map(|s| s.value())
        .or_else(|| {
            target
                .as_ref()
                .and_then(|t| t.dyn_ref::<web_sys::HtmlInputElement>())
                .map(|i| i.value())
        })
}

/// A form field's change as an edit of `state`: the changed `<select>`'s or `<input>`'s
/// value handed to `change` on a copy, which then replaces the state. The copy is of
/// the state as of the callback's render: a form whose submit must see every change
/// keeps its fields in a `use_mut_ref` as well (list.rs).
pub fn field_setter<T: Clone + 'static>(
    state: &yew::UseStateHandle<T>,
    change: fn(&mut T, String),
) -> yew::Callback<web_sys::Event> {
    let state = state.clone();
    yew::Callback::from(move |e: web_sys::Event| {
        if let Some(v) = field_value(&e) {
            let mut next = (*state).clone();
            change(&mut next, v);
            state.set(next);
        }
    })
}
