//! Everything outside `/v1`: the built widget from the dist directory, so one process
//! can host both the survey page and the endpoint it posts to.
//!
//! tower-http's `ServeDir` sends the files: the precompressed `<file>.gz` copy when
//! `Accept-Encoding` allows it (`gzip;q=0` refuses it), `Last-Modified` and 304,
//! `Range`. Around it: the path checks of [`crate::static_files`] (traversal and
//! dot-files are a 400), the exact `Content-Type`, an `ETag`, a strict CSP on pages,
//! CORS on the public assets a dealer's own site loads, a year-long immutable cache
//! for files whose name carries a content hash, and survey pages served with their
//! first page prerendered.

use crate::app::Shared;
use crate::error::ApiError;
use crate::prerender;
use crate::static_files::{self, Refusal, StaticFile};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::UNIX_EPOCH;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Sent with every page (`.html`) from the dist directory: the widget's pages need
/// only their own origin, plus compiling wasm. Pages may be framed by this origin only.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
form-action 'none'; object-src 'none'; frame-ancestors 'self'";

/// A year: files whose name carries their content's hash never change under that name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The file behind a short address, if `path` is one.
fn short_address(path: &str) -> Option<&'static str> {
    match path {
        "/login" => Some("/static/login.html"),
        "/console" | "/console/" => Some("/static/console.html"),
        _ => None,
    }
}

pub async fn serve(State(app): State<Shared>, mut request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut r =
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
        r.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        return r;
    }
    // The phone interview: rendered per request, behind the console's login.
    if request.uri().path() == super::interview_page::PATH {
        return super::interview_page::serve(&app, request).await;
    }
    // A dealer's questionnaire in the widget, before it is published.
    if request.uri().path() == super::preview_page::PATH {
        return super::preview_page::serve(&app, request).await;
    }
    // Pages with a short address of their own, served as the files they are: the
    // sign-in page (the QR page and the console send visitors without a session to
    // `/login?next=…`) and the console.
    if let Some(file) = short_address(request.uri().path()) {
        let target = match request.uri().query() {
            Some(q) => format!("{file}?{q}"),
            None => file.to_string(),
        };
        if let Ok(uri) = target.parse() {
            *request.uri_mut() = uri;
        }
    }
    let path = request.uri().path().to_string();
    let gzip = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(static_files::accepts_gzip);
    let file = match static_files::resolve(&app.dist, &path, gzip) {
        Ok(f) => f,
        Err(Refusal::BadPath) => return ApiError::bad_request("bad path").into_response(),
        Err(Refusal::NotFound) => return ApiError::not_found().into_response(),
    };
    if file.content_type.starts_with("text/html") {
        let query = request.uri().query().unwrap_or("").to_string();
        let languages = request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let phone = {
            let h = request.headers();
            let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
            prerender::is_phone(text("user-agent"), text("sec-ch-ua-mobile"))
        };
        if let Some(page) = prerendered(&file, query, languages, phone).await {
            return page;
        }
    }
    let etag = etag(&file).await;
    if let Some(tag) = &etag {
        if none_match(request.headers(), tag) {
            let mut r = StatusCode::NOT_MODIFIED.into_response();
            r.headers_mut().insert(header::ETAG, tag.clone());
            return finish(r, &file, &path);
        }
    }
    let served = ServeDir::new(&app.dist)
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .oneshot(request)
        .await;
    let mut response = match served {
        Ok(r) => r.map(Body::new),
        Err(e) => {
            tracing::error!("serving {}: {e}", crate::log::printable(&path));
            return ApiError::not_found().into_response();
        }
    };
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::not_found().into_response();
    }
    if let Some(tag) = etag {
        response.headers_mut().insert(header::ETAG, tag);
    }
    finish(response, &file, &path)
}

/// The headers that depend on what the file is.
fn finish(mut response: Response, file: &StaticFile, path: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if file.content_type.starts_with("text/html") {
        page_headers(headers);
    } else {
        let cache = if static_files::has_content_hash(path) {
            IMMUTABLE
        } else {
            "no-cache"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if static_files::is_public_asset(path) {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            headers.insert(
                "cross-origin-resource-policy",
                HeaderValue::from_static("cross-origin"),
            );
        }
    }
    response
}

/// What every HTML page gets: revalidated, a strict CSP, no referrer sent on.
fn page_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// A weak validator from the sent file's size and modification time (and encoding,
/// since the gzip copy is another representation).
async fn etag(file: &StaticFile) -> Option<HeaderValue> {
    let meta = tokio::fs::metadata(&file.path).await.ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let tag = format!(
        "W/\"{:x}-{:x}{}\"",
        meta.len(),
        modified.as_nanos(),
        if file.gzip { "-gz" } else { "" }
    );
    HeaderValue::from_str(&tag).ok()
}

/// `If-None-Match` lists this tag (or `*`).
fn none_match(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let Some(tag) = tag.to_str().ok() else {
        return false;
    };
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

/// A survey page with its first page rendered in (see `prerender`); `None` serves the
/// file as it is. Rendering runs on the blocking pool: it is CPU work.
async fn prerendered(
    file: &StaticFile,
    query: String,
    languages: String,
    phone: bool,
) -> Option<Response> {
    let html = tokio::fs::read_to_string(&file.source).await.ok()?;
    let page =
        tokio::task::spawn_blocking(move || prerender::page(&html, &query, &languages, phone))
            .await
            .ok()??;
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    // A phone gets the question flow's first screen (`prerender::is_phone`).
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, User-Agent, Sec-CH-UA-Mobile"),
    );
    page_headers(headers);
    Some(response)
}
