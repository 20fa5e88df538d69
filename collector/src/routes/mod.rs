//! One module per resource.

pub mod audit;
pub mod auth;
pub mod beacons;
pub mod breakdown;
pub mod cases;
pub mod console_page;
pub mod dealers;
pub mod definitions;
pub mod exports;
pub mod first_page;
pub mod followups;
pub mod health;
pub mod interview_page;
pub mod interviews;
pub mod kiosks;
pub mod link_status;
pub mod links;
pub mod pages;
pub mod preview_page;
pub mod qr;
pub mod responses;
pub mod solve_links;
pub mod summary;
pub mod targets;
pub mod tokens;
pub mod users;
pub mod voc;
pub mod webhooks;

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

/// `response` readable by a page on any origin (`Access-Control-Allow-Origin: *`), on
/// every path out of the handler, refusals included: the public GETs a widget or its
/// loader makes from a dealer's site (a link's status, the first page, a published
/// questionnaire), which carry no credentials and nothing a visitor could not read.
pub fn any_origin(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        axum::http::HeaderValue::from_static("*"),
    );
    response
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
    let forbidden =
        |reason: String| crate::error::ApiError::new(axum::http::StatusCode::FORBIDDEN, reason);
    let scope = crate::auth::rule::read(&principal.caller, resource, filter.dealer.as_deref())
        .map_err(|d| forbidden(d.0))?;
    filter.dealers = scope.dealers;
    // `advisor=` narrows a read; a service advisor's own id is not widened by it.
    filter.advisor = match (scope.advisor, filter.advisor.take()) {
        (Some(own), Some(asked)) if own != asked => {
            return Err(forbidden(format!(
                "you may read only your own responses (advisor {own}), not advisor {asked}'s"
            )))
        }
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    filter.alerts_only = scope.alerts_only;
    Ok(scope.contact)
}

/// A read's query as the route applies it: parsed, narrowed to the caller's scope
/// ([`scope_read`]), its local days placed in the dealers' zone ([`crate::query::localise`]).
/// Returns it with whether contact data may be shown and the dealers' zones (an export
/// shows each row's times in its dealer's zone).
pub async fn read_query(
    app: &crate::app::App,
    uri: &axum::http::Uri,
    shape: crate::query::Shape,
    principal: &crate::auth::Principal,
    resource: crate::auth::rule::Resource,
) -> Result<(crate::query::Query, bool, crate::settings::Zones), crate::error::ApiError> {
    read_query_of(app, raw_query(uri), shape, principal, resource).await
}

/// [`read_query`] of a raw query string: for a route that takes a parameter of its own
/// out first (`by=` of the breakdown). Every read goes through here, so no route can
/// skip the dealers' zone and silently drop a `from=` or `to=` date.
pub async fn read_query_of(
    app: &crate::app::App,
    raw: &str,
    shape: crate::query::Shape,
    principal: &crate::auth::Principal,
    resource: crate::auth::rule::Resource,
) -> Result<(crate::query::Query, bool, crate::settings::Zones), crate::error::ApiError> {
    use crate::error::ApiError;
    let mut q = crate::query::parse(raw, shape).map_err(ApiError::bad_request)?;
    let contact = scope_read(&mut q.filter, principal, resource)?;
    let needs_zones = !q.local.is_empty() || shape == crate::query::Shape::Export;
    let settings = if needs_zones {
        app.db("read the dealer settings", app.store.dealer_settings())
            .await?
    } else {
        Vec::new()
    };
    let zones = crate::settings::Zones::of(&settings);
    crate::query::localise(&mut q, &zones, crate::clock::now()).map_err(ApiError::bad_request)?;
    Ok((q, contact, zones))
}

/// Queues the audit line of a read of contact data or an export before the data
/// leaves (see [`crate::privacy`]): a read that cannot be recorded is refused (503).
pub async fn audit_read(
    app: &crate::app::App,
    principal: &crate::auth::Principal,
    action: &str,
    route: &str,
    query: &crate::query::Query,
    rows: Option<usize>,
) -> Result<(), crate::error::ApiError> {
    let filter = serde_json::json!({
        "query": query.echo,
        "dealers": query.filter.dealers,
        "advisor": query.filter.advisor,
        "alerts_only": query.filter.alerts_only,
        "after": query.page.after,
    });
    audit_line(app, principal, action, route, filter, rows)
}

/// Queues an audit line whose filter is `filter` (what the read covered), as
/// [`audit_read`] does.
pub fn audit_line(
    app: &crate::app::App,
    principal: &crate::auth::Principal,
    action: &str,
    route: &str,
    filter: serde_json::Value,
    rows: Option<usize>,
) -> Result<(), crate::error::ApiError> {
    let entry = crate::store::AuditEntry {
        at: crate::clock::now_rfc3339(),
        actor: crate::privacy::actor(principal),
        action: action.to_string(),
        route: Some(route.to_string()),
        filter: filter.to_string(),
        rows: rows.and_then(|n| i64::try_from(n).ok()),
    };
    app.audit.record(entry).map_err(|()| {
        tracing::warn!("audit log: the queue is full; refusing reads of contact data");
        crate::error::ApiError::unavailable("the audit log is behind; retry shortly")
    })
}
