use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The longest the first question waits for the link check.
const CHECK_MS: u32 = 3_000;

/// Whether the survey link this page was opened with may still be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Checking,
    /// Answered already: the customer is told so, and shown no question.
    Used,
    /// Not answered, or no way to know: the survey goes on as without a check.
    Open,
}

/// Asks the collector whether the link's `token` was used (issue 13 item 1), so a
/// second person opening an answered one-time link is told before the first
/// question, not after the last. Only `{"used": true}` in a 200 stops the survey:
/// no token, an endpoint that is not the collector's, offline, an error, or no
/// answer within [`CHECK_MS`] all go on as before (the collector still refuses a
/// second answer with 409, which the thank-you then reports truthfully).
#[hook]
pub fn use_link_status(endpoint: &str, survey: &str, token: Option<&str>) -> LinkStatus {
    let url = token.and_then(|t| status_url(endpoint, survey, t));
    let status = use_state(|| match url {
        Some(_) => LinkStatus::Checking,
        None => LinkStatus::Open,
    });
    {
        let status = status.clone();
        use_effect_with(url, move |url| {
            if let Some(url) = url.clone() {
                let settled = Rc::new(Cell::new(false));
                let (s, done) = (status.clone(), settled.clone());
                gloo::timers::callback::Timeout::new(CHECK_MS, move || {
                    if !done.replace(true) {
                        s.set(LinkStatus::Open);
                    }
                })
                .forget();
                wasm_bindgen_futures::spawn_local(async move {
                    let used = ask(&url).await;
                    if !settled.replace(true) {
                        status.set(if used {
                            LinkStatus::Used
                        } else {
                            LinkStatus::Open
                        });
                    }
                });
            }
        });
    }
    *status
}

/// `…/v1/links/status?survey=…&token=…` next to a collector's `…/v1/responses`;
/// `None` for any other endpoint (a dealer's CRM knows nothing of links). Survey ids
/// and context values hold no `&`, `=`, `#` or `+`, so they go in as they are.
fn status_url(endpoint: &str, survey: &str, token: &str) -> Option<String> {
    let base = endpoint.strip_suffix("/v1/responses")?;
    Some(format!(
        "{base}/v1/links/status?survey={survey}&token={token}"
    ))
}

async fn ask(url: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(response) = JsFuture::from(window.fetch_with_str(url)).await else {
        return false;
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return false;
    };
    if response.status() != 200 {
        return false;
    }
    let Ok(promise) = response.text() else {
        return false;
    };
    let text = JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|v| v.get("used") == Some(&serde_json::Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::status_url;

    #[test]
    fn the_status_is_asked_only_of_a_collector() {
        assert_eq!(
            status_url("https://c.example/v1/responses", "post-service", "t.1").as_deref(),
            Some("https://c.example/v1/links/status?survey=post-service&token=t.1")
        );
        assert_eq!(
            status_url("/v1/responses", "s", "t").as_deref(),
            Some("/v1/links/status?survey=s&token=t")
        );
        assert_eq!(status_url("https://crm.example/hook", "s", "t"), None);
    }
}
