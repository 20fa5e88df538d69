//! The application: shared state, the routes, and the layers every request passes.
//!
//! Layers, outermost first:
//! 1. the request log line ([`crate::log`]);
//! 2. a panic in a handler becomes a 500 `{"error"}` and the process keeps serving;
//! 3. the `Host` allow-list (DNS rebinding);
//! 4. the in-flight limit: past it a request is answered 503 + `Retry-After` at once
//!    instead of queueing behind the others;
//! 5. a body timeout: a client that stalls mid-body is cut off.
//!
//! Connection-level limits (header size and count, head and idle timeouts, the
//! connection cap) are in [`crate::server`].

use crate::config::Config;
use crate::error::ApiError;
use crate::routes;
use crate::store::Store;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;

/// Shared by every request.
pub struct App {
    pub store: Arc<dyn Store>,
    /// Directory of the built widget.
    pub dist: PathBuf,
    /// Largest accepted POST body in bytes.
    pub max_body: usize,
    /// Longest wait for the database before answering 503.
    pub db_deadline: Duration,
    /// Accepted `Host` names (lower case, without port); empty accepts any.
    pub allowed_hosts: Vec<String>,
}

pub type Shared = Arc<App>;

impl App {
    /// Runs a store call with the database deadline: past it, a 503 the client retries.
    pub async fn db<T>(
        &self,
        what: &str,
        call: impl std::future::Future<Output = Result<T, crate::store::StoreError>>,
    ) -> Result<T, ApiError> {
        match tokio::time::timeout(self.db_deadline, call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(ApiError::store(what, e)),
            Err(_) => {
                tracing::warn!("{what}: the database did not answer within its deadline");
                Err(ApiError::unavailable("the database is busy; retry shortly"))
            }
        }
    }
}

/// The names every collector answers to, whatever `--allowed-hosts` says.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The router with every route and layer.
pub fn router(app: Shared, config: &Config) -> Router {
    let mut api = Router::new()
        .route(
            "/v1/responses",
            post(routes::responses::post)
                .get(routes::responses::list)
                .options(routes::responses::preflight),
        )
        .route("/v1/responses.csv", get(routes::exports::csv))
        .route("/v1/summary", get(routes::summary::get))
        .route("/v1/qr.svg", get(routes::qr::svg))
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz));
    if config.test_hooks {
        api = api.route("/v1/test/panic", get(routes::health::panic_for_tests));
    }
    let api = api
        .route("/v1", axum::routing::any(no_such_endpoint))
        .route("/v1/{*rest}", axum::routing::any(no_such_endpoint))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(routes::pages::serve)
        .with_state(Arc::clone(&app));

    let shed = ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
        .load_shed()
        .concurrency_limit(config.max_in_flight);
    api.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        config.client_timeout,
    ))
    .layer(shed)
    .layer(middleware::from_fn(routes::responses::cors_for_posting))
    .layer(middleware::from_fn_with_state(app, check_host))
    .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
    .layer(middleware::from_fn(crate::log::requests))
    .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    ))
}

async fn no_such_endpoint() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
}

async fn overloaded(_: tower::BoxError) -> ApiError {
    ApiError::unavailable("the server is busy; retry shortly")
}

fn on_panic(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked; answered 500 and serving on");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// Refuses a `Host` this server is not configured for, so a page on another name that
/// resolves to this machine (DNS rebinding) cannot read the API through a browser.
async fn check_host(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if app.allowed_hosts.is_empty() {
        return next.run(request).await;
    }
    // A request without a Host (HTTP/1.0, a health probe) cannot be a rebinding
    // attack: browsers always send one.
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).to_ascii_lowercase())
        .or_else(|| request.uri().host().map(str::to_ascii_lowercase))
    else {
        return next.run(request).await;
    };
    let name = strip_port(&host);
    let allowed = LOOPBACK_HOSTS.contains(&name) || app.allowed_hosts.iter().any(|h| h == name);
    if !allowed {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name; add it to --allowed-hosts",
        )
        .into_response();
    }
    next.run(request).await
}

/// `example.com:8080` → `example.com`, `[::1]:80` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host, |(h, _)| &host[..h.len() + 1]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_come_off_host_names() {
        assert_eq!(strip_port("example.com:8080"), "example.com");
        assert_eq!(strip_port("example.com"), "example.com");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("127.0.0.1:0"), "127.0.0.1");
    }
}
