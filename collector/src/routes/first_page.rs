//! `GET /v1/first-page?survey=post-service&locale=zh-CN&endpoint=…` → the survey's first
//! page as an HTML fragment, for the script tag on a dealer's own site (issue 18).
//!
//! The collector's own survey page arrives with its first page in the HTML
//! ([`crate::prerender`]), so a customer answers it while the wasm downloads. A dealer's
//! page on another origin cannot be prerendered here, so the loader
//! (`static/survey-widget.js`) asks for the fragment at the same time as it starts the
//! wasm, shows it in the widget's shadow root, and the widget takes it over when it
//! runs (`src/takeover.rs`): what the customer chose meanwhile carries over.
//!
//! The parameters are the mount point's settings under their attribute names
//! (`survey`, `locale`, `mode`, `endpoint`, … as `config::ATTRIBUTES`, and the theme's
//! `theme-*`, which the fragment wears: `data-sw-theme`), plus the host
//! page's `lang`, `mode` and `survey` as `page.lang`, `page.mode`, `page.survey`; other
//! names are ignored (the widget itself warns about a misspelt attribute). The language
//! otherwise follows `Accept-Language`, as for the survey page.
//!
//! * `200 text/html`: the fragment, rendered by the widget's own components;
//! * `204`: nothing to prerender (a kiosk, whose welcome only its own page swaps for
//!   the survey; a fetched definition; a setting the widget will refuse): the widget
//!   renders alone, as without this route;
//! * `400`: the query is not valid percent-encoded UTF-8.
//!
//! Public, with CORS for any origin (a `GET` without custom headers, so no preflight):
//! it reads nothing stored and renders only built-in questionnaires, so it tells
//! nothing a visitor could not read in the widget itself. Everything in it is escaped
//! by Yew's renderer (tests in `src/prerender.rs`).

use crate::error::ApiError;
use crate::prerender;
use crate::static_files::query_text;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use survey_widget::prerender::Host;

/// The host page's parameters the fragment depends on, sent with this prefix.
const PAGE_PREFIX: &str = "page.";

pub async fn first_page(uri: Uri, headers: HeaderMap) -> Response {
    let response = match render(super::raw_query(&uri), &headers).await {
        Ok(Some(html)) => {
            let mut r = html.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            // The same settings give the same fragment for a while; it changes with
            // the widget's build, which a restart of the collector brings.
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            h.insert(
                header::VARY,
                HeaderValue::from_static("Accept-Language, User-Agent, Sec-CH-UA-Mobile"),
            );
            r
        }
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    };
    super::any_origin(response)
}

async fn render(raw: &str, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let (attrs, page) = parse(raw).map_err(ApiError::bad_request)?;
    let languages = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(prerender::languages)
        .unwrap_or_default();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let phone = prerender::is_phone(
        text(header::USER_AGENT),
        headers
            .get("sec-ch-ua-mobile")
            .and_then(|v| v.to_str().ok()),
    );
    // CPU work: on the blocking pool, as the survey page's prerendering.
    let html = tokio::task::spawn_blocking(move || {
        survey_widget::prerender::first_page(&attrs, &page, &languages, phone, Host::ScriptTag)
    })
    .await
    .map_err(|_| {
        tracing::error!("the first page's rendering failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not render the first page",
        )
    })?;
    Ok(html)
}

type Parsed = (BTreeMap<String, String>, Vec<(String, String)>);

/// The settings and the host page's parameters; the first occurrence of each wins.
fn parse(raw: &str) -> Result<Parsed, String> {
    let mut attrs = BTreeMap::new();
    let mut page: Vec<(String, String)> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(value)) = (query_text(name), query_text(value)) else {
            return Err("a parameter is not valid percent-encoded UTF-8".into());
        };
        if let Some(param) = name.strip_prefix(PAGE_PREFIX) {
            if survey_widget::config::PAGE_SETTINGS.contains(&param)
                && !page.iter().any(|(k, _)| k == param)
            {
                page.push((param.to_string(), value));
            }
        } else if survey_widget::config::ATTRIBUTES.contains(&name.as_str())
            || survey_widget::config::theme_key(&name).is_some()
        {
            attrs.entry(name).or_insert(value);
        }
    }
    Ok((attrs, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_the_pages_own_parameters_are_told_apart() {
        let (attrs, page) =
            parse("survey=post-call&locale=en&colour=red&page.lang=zh-TW&page.dealer=D1&survey=x")
                .expect("parsed");
        assert_eq!(attrs.get("survey").map(String::as_str), Some("post-call"));
        assert_eq!(attrs.get("locale").map(String::as_str), Some("en"));
        assert!(!attrs.contains_key("colour"));
        assert_eq!(page, vec![("lang".to_string(), "zh-TW".to_string())]);
        // The theme's settings too: the first page wears the theme (issue 17).
        let (attrs, _) =
            parse("survey=x&theme-brand=%23c8102e&theme-logo-alt=A&theme-x=1").expect("parsed");
        assert_eq!(
            attrs.get("theme-brand").map(String::as_str),
            Some("#c8102e")
        );
        assert_eq!(attrs.get("theme-logo-alt").map(String::as_str), Some("A"));
        assert!(!attrs.contains_key("theme-x"));
        assert!(parse("survey=%ZZ").is_err());
    }
}
