//! One module per resource.

pub mod auth;
pub mod exports;
pub mod health;
pub mod links;
pub mod pages;
pub mod qr;
pub mod responses;
pub mod summary;
pub mod tokens;
pub mod users;

/// A console request's JSON body, or a 400 in the one refusal shape that shows the
/// fields expected and what was wrong (every console route takes its body this way).
pub fn json_body<T>(
    body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
    expected: &str,
) -> Result<T, crate::error::ApiError> {
    body.map(|axum::Json(v)| v).map_err(|e| {
        crate::error::ApiError::bad_request(format!("expected {expected}: {}", e.body_text()))
    })
}

/// The raw query string of a request (`""` without one).
pub fn raw_query(uri: &axum::http::Uri) -> &str {
    uri.query().unwrap_or("")
}

/// Narrows a read's filter to what the caller may see (their dealers, an advisor's own
/// responses, an agent's follow-up work) and says whether contact data may be shown.
/// An explicit `dealer=` outside the caller's scope is a 403 naming what they may read.
pub fn scope_read(
    filter: &mut crate::store::Filter,
    principal: &crate::auth::Principal,
    resource: crate::auth::rule::Resource,
) -> Result<bool, crate::error::ApiError> {
    let scope = crate::auth::rule::read(&principal.caller, resource, filter.dealer.as_deref())
        .map_err(|d| crate::error::ApiError::new(axum::http::StatusCode::FORBIDDEN, d.0))?;
    filter.dealers = scope.dealers;
    filter.advisor = scope.advisor;
    filter.alerts_only = scope.alerts_only;
    Ok(scope.contact)
}
