//! Routing, request checks and responses.
//!
//! [`handle`] turns one request into a [`Reply`] and never panics on input; [`serve`]
//! adds the headers every response carries, sends it and writes the log line. Each
//! refusal is a JSON `{"error": "..."}` with a one-line reason the widget can show or log.

use crate::csv;
use crate::filter;
use crate::prerender;
use crate::qr;
use crate::static_files::{self, Refusal};
use crate::store::{self, Insert, Receipt, Store};
use crate::time;
use crate::verify;
use serde_json::json;
use std::fs::File;
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Instant;
use survey_core::scoring::aggregate;
use survey_core::{templates, Definition, ResponseId, ResponsePayload};
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Declared bodies past this are not drained after the reply (tiny_http would try to
/// allocate a buffer of the whole remaining length, which aborts the process for absurd
/// lengths); the connection is abandoned instead. Far above any `--max-body`.
pub const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Shared by all workers.
pub struct App {
    pub store: Store,
    /// Directory of the built widget.
    pub dist: PathBuf,
    /// Largest accepted POST body in bytes.
    pub max_body: usize,
}

/// A response before tiny_http sees it: status, headers, body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

/// A body in memory or a file streamed from disk.
pub enum Body {
    Bytes(Vec<u8>),
    File(File, u64),
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, len) => *len,
        }
    }
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Bytes(body),
        }
    }

    /// A JSON body; API responses are never cached (they may hold customers' words).
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Reply::new(status, "application/json", value.to_string().into_bytes())
            .header("Cache-Control", "no-store")
    }

    /// The refusal shape every client parses: `{"error":"<one-line reason>"}`.
    pub fn error(status: u16, reason: &str) -> Self {
        Reply::json(status, &json!({ "error": one_line(reason) }))
    }

    fn text(status: u16, text: &str) -> Self {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
        }
    }

    fn method_not_allowed(allow: &str) -> Self {
        Reply::error(405, "method not allowed").header("Allow", allow)
    }

    /// Adds the CORS headers that let a widget on another origin post.
    fn with_cors(mut self) -> Self {
        self.headers
            .extend(CORS_HEADERS.iter().map(|(n, v)| (*n, (*v).to_string())));
        self
    }

    /// Adds a header (a builder, so routes read as one expression).
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// What every HTML page gets: revalidated, a strict CSP, no referrer sent on.
    fn page_headers(self) -> Self {
        self.header("Cache-Control", "no-cache")
            .header("Content-Security-Policy", PAGE_CSP)
            .header("Referrer-Policy", "no-referrer")
    }

    fn into_response(self) -> Response<Box<dyn Read + Send>> {
        let headers: Vec<Header> = self
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .chain(COMMON_HEADERS.iter().copied())
            .filter_map(|(n, v)| Header::from_bytes(n, v).ok())
            .collect();
        let len = usize::try_from(self.body.len()).unwrap_or(usize::MAX);
        let reader: Box<dyn Read + Send> = match self.body {
            Body::Bytes(b) => Box::new(Cursor::new(b)),
            Body::File(f, _) => Box::new(f),
        };
        // Always a Content-Length, never chunked: simpler for every client.
        Response::new(StatusCode(self.status), headers, reader, Some(len), None)
            .with_chunked_threshold(usize::MAX)
    }
}

/// Sent with every page (`.html`) from the dist directory: the widget's pages need
/// only their own origin, plus compiling wasm. Pages may be framed by this origin only.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
form-action 'none'; object-src 'none'; frame-ancestors 'self'";

/// Sent with every response.
const COMMON_HEADERS: [(&str, &str); 1] = [("X-Content-Type-Options", "nosniff")];

/// CORS for posting only: the widget is embedded on dealers' sites and holds no
/// secrets, so any origin may post (no cookies or credentials are accepted). Reading
/// responses back gets no CORS headers, so no other website can read what customers
/// wrote through a visitor's browser.
const CORS_HEADERS: [(&str, &str); 5] = [
    ("Access-Control-Allow-Origin", "*"),
    // A widget on another origin must see when to retry after a 429 or 503.
    ("Access-Control-Expose-Headers", "Retry-After"),
    ("Access-Control-Allow-Methods", "POST, OPTIONS"),
    // A dealer may route with extra headers of their own (`data-endpoint-headers`);
    // `*` admits any but `Authorization`, which the widget never sends.
    (
        "Access-Control-Allow-Headers",
        "Content-Type, Idempotency-Key, *",
    ),
    ("Access-Control-Max-Age", "600"),
];

/// Handles one request end to end: reply, send, log line
/// (`<method> <path> <status> <bytes> <ms>ms`, no query, no body).
pub fn serve(app: &App, mut request: Request) {
    let start = Instant::now();
    let method = request.method().to_string();
    let path = log_path(request.url());

    if request.body_length().is_some_and(|n| n > DRAIN_LIMIT) {
        abandon(request);
        log(&method, &path, 413, 0, start);
        return;
    }

    let reply = catch_unwind(AssertUnwindSafe(|| handle(app, &mut request))).unwrap_or_else(|_| {
        eprintln!("collector: request handler panicked on {method} {path}");
        Reply::error(500, "internal error")
    });
    let status = reply.status;
    let bytes = reply.body.len();
    let sent = catch_unwind(AssertUnwindSafe(|| request.respond(reply.into_response())));
    match sent {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("collector: sending {method} {path}: {e}"),
        Err(_) => eprintln!("collector: sending {method} {path} panicked"),
    }
    log(&method, &path, status, bytes, start);
}

fn log(method: &str, path: &str, status: u16, bytes: u64, start: Instant) {
    eprintln!(
        "{method} {path} {status} {bytes} {}ms",
        start.elapsed().as_millis()
    );
}

/// Answers 413 to a request whose declared body is too large to drain, then leaks the
/// connection instead of letting tiny_http drain it (see [`DRAIN_LIMIT`]). The reply
/// carries no length, so the client sees the status and then waits for a close that
/// never comes; this costs one idle socket per such request, like any idle connection.
fn abandon(request: Request) {
    let headers: Vec<Header> = COMMON_HEADERS
        .iter()
        .filter_map(|(n, v)| Header::from_bytes(*n, *v).ok())
        .collect();
    let response = Response::new(StatusCode(413), headers, std::io::empty(), Some(0), None);
    let stream = request.upgrade("close", response);
    std::mem::forget(stream);
}

/// The path for the log: no query string (it may carry dealer or customer data),
/// printable ASCII only, bounded length.
fn log_path(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let mut out: String = path
        .chars()
        .take(200)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// Routes one request.
pub fn handle(app: &App, request: &mut Request) -> Reply {
    let url = request.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, q),
        None => (url.as_str(), ""),
    };
    let method = request.method().clone();
    if method == Method::Options {
        let reply = Reply::empty(204);
        return if path == "/v1/responses" {
            reply.with_cors()
        } else {
            reply
        };
    }
    if !path.starts_with('/') {
        return Reply::error(400, "the request target must be a path");
    }
    let readable = matches!(method, Method::Get | Method::Head);
    match path {
        "/v1/responses" => match method {
            Method::Post => post_response(app, request).with_cors(),
            _ if readable => list_json(app, query),
            _ => Reply::method_not_allowed("GET, HEAD, POST, OPTIONS"),
        },
        "/v1/responses.csv" if readable => list_csv(app, query),
        "/v1/summary" if readable => summary(app, query),
        "/healthz" if readable => Reply::text(200, "ok"),
        "/v1/qr.svg" if readable => qr_svg(query),
        "/v1/responses.csv" | "/v1/summary" | "/healthz" | "/v1/qr.svg" => {
            Reply::method_not_allowed("GET, HEAD, OPTIONS")
        }
        p if p == "/v1" || p.starts_with("/v1/") => Reply::error(404, "no such endpoint"),
        _ if readable => static_file(app, request, path),
        _ => Reply::method_not_allowed("GET, HEAD, OPTIONS"),
    }
}

fn header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// `application/json`, optionally with `charset=utf-8`; anything else is refused so a
/// browser form post (which CORS lets through without preflight) never gets stored.
pub fn is_json_content_type(value: &str) -> bool {
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, v)) if name.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

fn post_response(app: &App, request: &mut Request) -> Reply {
    let max = app.max_body;
    if let Some(declared) = request.body_length() {
        if declared > max {
            return Reply::error(413, &format!("body is {declared} bytes, limit is {max}"));
        }
    }
    match header(request, "Content-Type") {
        None => return Reply::error(415, "Content-Type must be application/json"),
        Some(ct) if !is_json_content_type(ct) => {
            return Reply::error(
                415,
                &format!("Content-Type must be application/json, found {ct:?}"),
            )
        }
        Some(_) => {}
    }
    let keys: Vec<String> = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Idempotency-Key"))
        .map(|h| h.value.as_str().trim().to_string())
        .collect();

    let mut body = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = request.as_reader().take(limit).read_to_end(&mut body) {
        return Reply::error(400, &format!("could not read the body: {e}"));
    }
    if body.len() > max {
        return Reply::error(413, &format!("body is over {max} bytes, limit is {max}"));
    }
    let text = match String::from_utf8(body) {
        Ok(t) => t,
        Err(e) => return Reply::error(400, &format!("body is not UTF-8: {}", e.utf8_error())),
    };
    let payload = match ResponsePayload::from_json(&text) {
        Ok(p) => p,
        Err(e) => return Reply::error(400, &e.to_string()),
    };
    for key in &keys {
        if ResponseId::parse(key).as_ref() != Some(&payload.id) {
            return Reply::error(
                400,
                &format!(
                    "Idempotency-Key {key:?} does not match the response id {}",
                    payload.id
                ),
            );
        }
    }
    let def = match validate(&payload) {
        Ok(def) => def,
        Err(reply) => return reply,
    };
    // The server's own card: the one used for alerts and reports, whatever was sent.
    let verified = verify::verify(def.as_ref(), &payload);

    let id = payload.id.as_str();
    match app.store.insert(&payload, &verified, &time::now_rfc3339()) {
        Ok(Insert::Created(receipt)) => {
            if verified.mismatch {
                eprintln!(
                    "{}",
                    verify::mismatch_line(id, payload.score.as_ref(), verified.server.as_ref())
                );
            }
            Reply::json(201, &receipt_json(id, &receipt, false))
        }
        Ok(Insert::Duplicate(receipt)) => Reply::json(200, &receipt_json(id, &receipt, true)),
        Ok(Insert::Conflict) => Reply::error(
            409,
            &format!("response {id} was already received with different content"),
        ),
        Ok(Insert::TokenUsed) => Reply::error(409, "this survey link has already been answered"),
        Err(e) => {
            eprintln!("collector: storing {id}: {e}");
            Reply::error(500, "could not store the response")
        }
    }
}

/// The reply to a stored response (first time or retry).
fn receipt_json(id: &str, receipt: &Receipt, duplicate: bool) -> serde_json::Value {
    json!({
        "id": id,
        "received_at": receipt.received_at,
        "duplicate": duplicate,
        "score_mismatch": receipt.score_mismatch,
        "alerts": receipt.alerts,
    })
}

/// Runs survey-core's checks: against the definition for a built-in survey, structural
/// only for a survey the collector does not know (a dealer's own questionnaire).
/// Returns the definition the response was checked against, if any.
fn validate(payload: &ResponsePayload) -> Result<Option<Definition>, Reply> {
    let checked = catch_unwind(AssertUnwindSafe(|| {
        match templates::load(payload.survey.id.as_str()) {
            Some(Ok(def)) => Ok(payload.validate(Some(&def)).map(|()| Some(def))),
            Some(Err(e)) => Err(e),
            None => Ok(payload.validate(None).map(|()| None)),
        }
    }));
    match checked {
        Ok(Ok(Ok(def))) => Ok(def),
        Ok(Ok(Err(e))) => Err(Reply::error(422, &e.to_string())),
        Ok(Err(def_error)) => {
            eprintln!(
                "collector: built-in survey {} is invalid: {def_error}",
                payload.survey.id
            );
            Err(Reply::error(
                500,
                "the built-in survey definition is invalid",
            ))
        }
        Err(_) => Err(Reply::error(422, "the response could not be checked")),
    }
}

/// The `survey` filter of the list endpoints, if given.
fn survey_filter(query: &str) -> Result<Option<String>, Reply> {
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "survey" {
            continue;
        }
        return match static_files::query_text(value) {
            Some(v) => Ok(Some(v)),
            None => Err(Reply::error(
                400,
                "the survey parameter is not valid percent-encoded UTF-8",
            )),
        };
    }
    Ok(None)
}

/// The stored rows the list endpoints return, filtered by `?survey=`.
fn listed_rows(app: &App, query: &str) -> Result<Vec<store::Row>, Reply> {
    let survey = survey_filter(query)?;
    app.store.list(survey.as_deref()).map_err(|e| {
        eprintln!("collector: listing responses: {e}");
        Reply::error(500, "could not read the responses")
    })
}

fn list_json(app: &App, query: &str) -> Reply {
    let rows = match listed_rows(app, query) {
        Ok(rows) => rows,
        Err(reply) => return reply,
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let parse = |text: Option<&str>| -> Result<serde_json::Value, serde_json::Error> {
            text.map_or(Ok(serde_json::Value::Null), serde_json::from_str)
        };
        match (
            parse(Some(&row.payload)),
            parse(row.score.as_deref()),
            parse(row.client_score.as_deref()),
        ) {
            (Ok(payload), Ok(score), Ok(client_score)) => items.push(json!({
                "id": row.id,
                "received_at": row.received_at,
                "payload": payload,
                "score": score,
                "client_score": client_score,
                "score_mismatch": row.score_mismatch,
            })),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                eprintln!("collector: stored response {} is unreadable: {e}", row.id);
                return Reply::error(500, &format!("stored response {} is unreadable", row.id));
            }
        }
    }
    Reply::json(200, &serde_json::Value::Array(items))
}

/// `GET /v1/summary`: the aggregate of the server's cards over the selected rows, with
/// how many rows had no server card and how many disagreed with their client's card.
fn summary(app: &App, query: &str) -> Reply {
    let query = match filter::parse(query) {
        Ok(q) => q,
        Err(reason) => return Reply::error(400, &reason),
    };
    let scores = match app.store.scores(&query.filter) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("collector: summary: {e}");
            return Reply::error(500, "could not read the scores");
        }
    };
    let summary = match serde_json::to_value(aggregate(&scores.cards)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("collector: summary: {e}");
            return Reply::error(500, "could not summarise the scores");
        }
    };
    Reply::json(
        200,
        &json!({
            "filter": query.echo,
            "summary": summary,
            "unverified": scores.unverified,
            "score_mismatches": scores.mismatches,
        }),
    )
}

fn list_csv(app: &App, query: &str) -> Reply {
    let rows = match listed_rows(app, query) {
        Ok(rows) => rows,
        Err(reply) => return reply,
    };
    match csv::export(&rows) {
        Ok(text) => Reply::new(200, "text/csv; charset=utf-8", text.into_bytes())
            .header(
                "Content-Disposition",
                "attachment; filename=\"responses.csv\"",
            )
            .header("Cache-Control", "no-store"),
        Err(e) => {
            eprintln!("collector: csv export: {e}");
            Reply::error(500, &e)
        }
    }
}

fn static_file(app: &App, request: &Request, path: &str) -> Reply {
    let gzip = header(request, "Accept-Encoding").is_some_and(static_files::accepts_gzip);
    let file = match static_files::resolve(&app.dist, path, gzip) {
        Ok(f) => f,
        Err(Refusal::BadPath) => return Reply::error(400, "bad path"),
        Err(Refusal::NotFound) => return Reply::error(404, "not found"),
    };
    if file.content_type.starts_with("text/html") {
        if let Some(reply) = prerendered_page(request, &file) {
            return reply;
        }
    }
    let opened = File::open(&file.path).and_then(|f| f.metadata().map(|m| (f, m.len())));
    let (handle, len) = match opened {
        Ok(x) => x,
        Err(_) => return Reply::error(404, "not found"),
    };
    let mut reply = Reply {
        status: 200,
        headers: vec![
            ("Content-Type", file.content_type.to_string()),
            ("Vary", "Accept-Encoding".into()),
        ],
        body: Body::File(handle, len),
    };
    if file.gzip {
        reply = reply.header("Content-Encoding", "gzip");
    }
    if file.content_type.starts_with("text/html") {
        reply = reply.page_headers();
    } else if static_files::is_public_asset(path) {
        reply = reply
            .header("Access-Control-Allow-Origin", "*")
            .header("Cross-Origin-Resource-Policy", "cross-origin");
    }
    reply
}

/// A survey page with its first page rendered in (see `prerender`); `None` serves the
/// file as it is.
fn prerendered_page(request: &Request, file: &static_files::StaticFile) -> Option<Reply> {
    let html = std::fs::read_to_string(&file.source).ok()?;
    let query = request.url().split_once('?').map_or("", |(_, q)| q);
    let page = prerender::page(
        &html,
        query,
        header(request, "Accept-Language").unwrap_or(""),
    )?;
    Some(
        Reply::new(200, file.content_type, page.into_bytes())
            .header("Vary", "Accept-Language")
            .page_headers(),
    )
}

/// `GET /v1/qr.svg?data=<text>`: the QR code of the text, for the dealer page. Never
/// cached (the text is a customer's visit) and without CORS (only the dealer page on
/// this origin uses it). Its own CSP keeps the SVG inert even if opened directly.
fn qr_svg(query: &str) -> Reply {
    let svg = match qr::data_param(query).and_then(|text| qr::svg(&text)) {
        Ok(svg) => svg,
        Err(reason) => return Reply::error(400, &reason),
    };
    Reply::new(200, "image/svg+xml", svg.into_bytes())
        .header("Cache-Control", "no-store")
        .header("Content-Security-Policy", "default-src 'none'")
}

/// Keeps a reason on one line and bounded, since parts of it may echo the request.
pub fn one_line(reason: &str) -> String {
    const MAX: usize = 500;
    let mut out: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if reason.chars().count() > MAX {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=UTF-8"));
        assert!(is_json_content_type("application/json;charset=\"utf-8\""));
        assert!(!is_json_content_type("application/json; charset=latin1"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/x-www-form-urlencoded"));
        assert!(!is_json_content_type("application/jsonx"));
        assert!(!is_json_content_type(""));
    }

    #[test]
    fn reasons_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
        let long = "x".repeat(600);
        assert_eq!(one_line(&long).chars().count(), 501);
    }

    #[test]
    fn log_paths_drop_queries_and_oddities() {
        assert_eq!(log_path("/v1/responses?survey=secret"), "/v1/responses");
        assert_eq!(log_path("/a b\u{1b}"), "/a?b?");
        assert_eq!(log_path("?x"), "-");
    }

    #[test]
    fn survey_filter_decodes() {
        assert_eq!(
            survey_filter("a=1&survey=post-service").ok(),
            Some(Some("post-service".into()))
        );
        assert_eq!(survey_filter("survey=a%2Db").ok(), Some(Some("a-b".into())));
        assert_eq!(survey_filter("").ok(), Some(None));
        assert!(survey_filter("survey=%ff").is_err());
    }
}
