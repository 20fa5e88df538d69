//! One module per resource.

pub mod exports;
pub mod health;
pub mod pages;
pub mod qr;
pub mod responses;
pub mod summary;

/// The raw query string of a request (`""` without one).
pub fn raw_query(uri: &axum::http::Uri) -> &str {
    uri.query().unwrap_or("")
}
