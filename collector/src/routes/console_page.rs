//! The shell of the console's pages the server renders per request (the phone
//! interview, the questionnaire preview): both mount the widget with what only the
//! server knows (the session's CSRF token, a case, a draft), so they are not static
//! files. One shell, so both get the same headers: `no-store` (they carry the CSRF
//! token), the pages' CSP (`frame-ancestors 'self'`: the console may frame them, no
//! other site), no referrer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `&`, `<`, `>`, `"` and `'` as entities: every text put into a page.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page with `title` (escaped here) and `body` (HTML the caller escaped).
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <meta name=\"referrer\" content=\"no-referrer\">\n  <title>{title}</title>\n  \
         <link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n  \
         <link rel=\"stylesheet\" href=\"/static/survey.css\">\n  \
         <script type=\"module\" src=\"/static/boot.js\"></script>\n</head>\n\
         <body class=\"sw-interview-page\">\n<main class=\"sw-interview-main\">\n{body}\n</main>\n</body>\n</html>\n",
        title = escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(super::pages::PAGE_CSP),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A refusal page in both languages: `(zh, en)` heading, the reason, and a link back
/// `(href, zh, en)`.
pub fn refusal(
    status: StatusCode,
    heading: (&str, &str),
    zh: &str,
    en: &str,
    back: (&str, &str, &str),
) -> Response {
    page(
        status,
        &format!("{} · {}", heading.0, heading.1),
        &format!(
            "<h1>{} · <span lang=\"en\">{}</span></h1>\n<p role=\"alert\">{} \
             <span lang=\"en\">{}</span></p>\n<p><a href=\"{}\">{} · \
             <span lang=\"en\">{}</span></a></p>",
            escape(heading.0),
            escape(heading.1),
            escape(zh),
            escape(en),
            escape(back.0),
            escape(back.1),
            escape(back.2)
        ),
    )
}

/// Without a session: `303` to the sign-in page, which comes back to `path?query`.
pub fn sign_in_first(path: &str, query: &str) -> Response {
    let here = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    };
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/login?next={next}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_markup_character_is_an_entity() {
        assert_eq!(
            escape("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }
}
