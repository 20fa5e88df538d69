//! `GET /v1/qr.svg?data=<text>`: the QR code of a survey link, for the dealer page.

use crate::error::ApiError;
use crate::qr;
use axum::http::{header, Uri};
use axum::response::IntoResponse;

/// Never cached (the text is a customer's visit) and without CORS (only the dealer page
/// on this origin uses it). Its own CSP keeps the SVG inert even if opened directly.
pub async fn svg(uri: Uri) -> Result<impl IntoResponse, ApiError> {
    let svg = qr::data_param(super::raw_query(&uri))
        .and_then(|text| qr::svg(&text))
        .map_err(ApiError::bad_request)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        svg,
    ))
}
