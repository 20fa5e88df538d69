//! `fetch` for loading a dealer's definition: what gloo-net's `Request` did, in a few
//! lines, without its builder, header map and query-string code in the wasm.
//! (Responses go through [`super::delivery`], with the endpoint's headers and timeout.)

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `GET url` and waits for the response headers. The error is the JavaScript error's
/// `toString()`, e.g. `TypeError: Failed to fetch`, as gloo-net showed it.
pub async fn get(url: &str) -> Result<web_sys::Response, String> {
    // The URL exactly as gloo-net made it: resolved through a Request, then its query
    // string extended by gloo's (empty) query parameters.
    let resolved = web_sys::Request::new_with_str(url).map_err(js_error)?;
    let parsed = web_sys::Url::new(&resolved.url()).map_err(js_error)?;
    let search = parsed.search();
    parsed.set_search(&if search.is_empty() {
        String::new()
    } else {
        format!("{search}&")
    });
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let request = web_sys::Request::new_with_str_and_init(&String::from(parsed.to_string()), &init)
        .map_err(js_error)?;
    let window = web_sys::window().ok_or_else(|| "no window".to_string())?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js_error)?;
    Ok(response.unchecked_into())
}

/// `POST url` with a JSON `body` and `headers` (the interview's case API call, with the
/// page's CSRF header); the status, or the JavaScript error's text.
pub async fn post_json(url: &str, headers: &[(String, String)], body: &str) -> Result<u16, String> {
    let h = web_sys::Headers::new().map_err(js_error)?;
    for (name, value) in headers {
        h.set(name, value).map_err(js_error)?;
    }
    h.set("Content-Type", "application/json")
        .map_err(js_error)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&h);
    init.set_body(&JsValue::from_str(body));
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(js_error)?;
    let window = web_sys::window().ok_or_else(|| "no window".to_string())?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js_error)?
        .unchecked_into();
    Ok(response.status())
}

/// The response body as text.
pub async fn text(response: &web_sys::Response) -> Result<String, String> {
    let promise = response.text().map_err(js_error)?;
    let text = JsFuture::from(promise).await.map_err(js_error)?;
    Ok(String::from(js_sys::JsString::from(text)))
}

fn js_error(e: JsValue) -> String {
    match e.dyn_into::<js_sys::Error>() {
        Ok(e) => String::from(e.to_string()),
        Err(e) => String::from(js_sys::JsString::from(e)),
    }
}
