//! The one refusal shape of every API error: `{"error": "<one line a dealer can act
//! on>"}` with the right status, never cached (a reason may echo a customer's input).

use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_SECONDS: u32 = 2;

/// An API error: status and one-line reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub reason: String,
}

impl ApiError {
    pub fn new(status: StatusCode, reason: impl AsRef<str>) -> Self {
        ApiError {
            status,
            reason: one_line(reason.as_ref()),
        }
    }

    pub fn bad_request(reason: impl AsRef<str>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not found")
    }

    /// Saturated or the database is slow: come back shortly.
    pub fn unavailable(reason: impl AsRef<str>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, reason)
    }

    /// A store failure: busy → 503 with `Retry-After`; anything else → 500, logged
    /// with `what` (ids only, never customers' data).
    pub fn store(what: &str, e: StoreError) -> Self {
        match e {
            StoreError::Busy(m) => {
                tracing::warn!("{what}: {m}");
                Self::unavailable("the database is busy; retry shortly")
            }
            StoreError::Failed(m) => {
                tracing::error!("{what}: {m}");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("could not {what}"),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.reason }).to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::TOO_MANY_REQUESTS
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
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
    fn reasons_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
        let long = "x".repeat(600);
        assert_eq!(one_line(&long).chars().count(), 501);
    }
}
