//! Logs: `tracing` to stderr, one structured line per request.
//!
//! A request line carries method, route (the matched pattern or the path, never the
//! query string, which may hold a customer's visit), status, latency and the response
//! id where there is one; never answers or contact data. Anything from the client is
//! escaped so a path cannot forge a log line.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Put on a response by a handler that knows which response id it concerned.
#[derive(Debug, Clone)]
pub struct ResponseIdTag(pub String);

/// Sets up the subscriber: plain text on stderr, level from `COLLECTOR_LOG`
/// (`info` by default).
pub fn init(level: tracing::Level) {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(level)
        .try_init();
}

/// The request-line middleware.
pub async fn requests(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().to_string();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(m) => m.as_str().to_string(),
        None => printable(request.uri().path()),
    };
    let response = next.run(request).await;
    let id = response
        .extensions()
        .get::<ResponseIdTag>()
        .map(|t| printable(&t.0));
    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match id {
        Some(id) => {
            tracing::info!(%method, %route, status, ms = format_args!("{ms:.1}"), id = %id, "request")
        }
        None => tracing::info!(%method, %route, status, ms = format_args!("{ms:.1}"), "request"),
    }
    response
}

/// Printable ASCII only (anything else as `?`), at most 200 characters.
pub fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if out.is_empty() {
        out.push('-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn client_text_cannot_forge_lines() {
        assert_eq!(printable("/a b\u{1b}[31m\nfake"), "/a?b?[31m?fake");
        assert_eq!(printable(""), "-");
        assert_eq!(printable(&"x".repeat(300)).len(), 200);
    }
}
